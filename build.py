#!/usr/bin/env python3
"""Build every source/*.yaml into output/: python build.py --help for the options."""
from briefdeck.command import run

run()
