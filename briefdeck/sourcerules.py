"""The source schema's own checks that are code, not declarations: pydantic's validators in
``schema.py`` call them, and so does the loader's check without pydantic (``load/quickcheck.py``),
by the validator's name. Each takes the value and returns it, or raises ValueError saying what to do."""
from __future__ import annotations

from typing import Any


def version_is_a_number(v: Any) -> Any:
    if isinstance(v, bool):  # YAML 'true' would otherwise pass as 1
        raise ValueError("the format version must be the number 1 — write 'briefdeck: 1'")
    return v


def non_blank(v: list[str]) -> list[str]:
    if any(not s.strip() for s in v):
        raise ValueError("a key message is empty — write the message or remove the line")
    return v


# the validators of schema.py (by the name of the method) -> the check each makes
RULES = {"_version_is_a_number": version_is_a_number, "_non_blank": non_blank}
