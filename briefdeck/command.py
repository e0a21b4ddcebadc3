"""The command's entry point (the console script, ``python -m briefdeck``, build.py): the build is
handed to a running ``briefdeck serve`` of this user and installation when there is one
(handoff.py, decided before anything heavy is imported), else made here (``cli.run``)."""
from __future__ import annotations

import os
import sys

from .handoff import hand_over


def run() -> None:
    code = hand_over(sys.argv)
    if code is None:
        from .cli import run as build_here

        build_here()  # leaves the process
    os._exit(code)
