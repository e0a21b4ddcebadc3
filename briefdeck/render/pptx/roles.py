"""The slide roles a deck uses, in the order a template report lists them.

A role is what a slide is for, as far as its layout goes: the planner gives every slide one, and
the template analysis finds for each the layouts that can serve it (``template/``). Both read this
tuple, so neither imports the other for it.
"""
from __future__ import annotations

ROLES = ("title", "section", "content", "two-content", "chart", "quote", "closing")
