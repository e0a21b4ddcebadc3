"""Figures and tables are declared once and placed by the sections that list them: each is placed
once, numbered in the order the sections list them, and one left unplaced is said (it would not
appear)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from .report import Report

if TYPE_CHECKING:  # the schema's models, or quickcheck's objects of the same names and fields
    from .. import schema as s


def number_placed(src: s.SourceFile, report: Report, kind: str, empty_hint: Optional[str] = None) -> dict[str, int]:
    """Id -> number of the ``kind`` ("figure", "table") blocks, in the order sections list them.
    ``empty_hint``: what an unknown id's message says when the source declares none at all."""
    key = f"{kind}s"
    declared = {b.id for b in getattr(src, key)}
    placed: dict[str, int] = {}
    numbers: dict[str, int] = {}
    for si, sec in enumerate(src.sections):
        for bi, bid in enumerate(getattr(sec, key)):
            if bid not in declared:
                hint = Report.suggest(bid, declared) if declared or empty_hint is None else empty_hint
                report.problem(("sections", si, key, bi), f"unknown {kind} '{bid}' — {hint}", f"ref.{kind}")
            elif bid in placed:
                report.problem(("sections", si, key, bi), f"{kind} '{bid}' is already placed in section "
                               f"'{src.sections[placed[bid]].id}' — place each {kind} once", f"{kind}.twice")
            else:
                placed[bid] = si
                numbers[bid] = len(numbers) + 1
    for i, b in enumerate(getattr(src, key)):
        if b.id not in placed:
            report.warning((key, i, "id"), f"{kind} '{b.id}' is not placed in any section, so it would not appear — "
                                           f"list it under a section's `{key}:`", f"{kind}.unplaced")
    return numbers
