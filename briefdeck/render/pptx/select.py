"""A subset of a planned deck (``--slides``): slides "1-3,7" as numbered in the full deck, or a section's."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from ...errors import UsageError
from .plan import DeckPlan
from .plan.finish import numbered_warnings


def select(plan: DeckPlan, spec: Optional[str]) -> DeckPlan:
    """Slides "1-3,7" as numbered in the full deck, or a section id -> that section's slides."""
    if not spec:
        return plan
    spec = spec.strip()
    deck_wide = tuple(p for p in plan.warnings if not p.message.startswith("slide "))
    ids = {s.section_id for s in plan.slides if s.section_id}
    if spec in ids:
        chosen = tuple(s for s in plan.slides if s.section_id == spec)
        return replace(plan, slides=chosen, warnings=deck_wide + numbered_warnings(chosen))
    wanted: list[int] = []
    total = len(plan.slides)
    for part in spec.split(","):
        m = re.fullmatch(r"\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?", part)
        if not m:
            known = ", ".join(sorted(ids)) or "none"
            raise UsageError(f"--slides {spec!r}: '{part}' is neither a slide range like 1-3,7 nor a section id "
                             f"(sections: {known})")
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        if not (1 <= a <= b <= total):
            raise UsageError(f"--slides {spec!r}: '{part.strip()}' is outside the deck's slides 1-{total}")
        wanted += [i for i in range(a, b + 1) if i not in wanted]
    chosen = tuple(plan.slides[i - 1] for i in sorted(wanted))
    return replace(plan, slides=chosen, warnings=deck_wide + numbered_warnings(chosen))
