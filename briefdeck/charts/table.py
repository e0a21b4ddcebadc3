"""A chart spec's table read as a kind needs it (pure Python, no matplotlib): kinds' drawing
code and their ``look`` (which the deck writer calls on cache hits, too) share these."""
from __future__ import annotations

import datetime as _dt
import math
from typing import Any, Sequence

from ..errors import RenderError


def column(spec, name: str) -> tuple[Any, ...]:
    if name not in spec.table.columns:
        raise RenderError(f"chart '{spec.title or spec.kind}': no column '{name}' (have: {', '.join(spec.table.columns)})")
    return spec.table.column(name)


def numbers(spec, name: str) -> list[float]:
    """A value column as floats; missing cells become NaN."""
    out = []
    for v in column(spec, name):
        if v is None or v == "":
            out.append(math.nan)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out.append(float(v))
        else:
            raise RenderError(f"chart '{spec.title or spec.kind}': column '{name}' holds '{v}', not a number")
    return out


def need_x(spec) -> str:
    if not spec.x:
        raise RenderError(f"a {spec.kind} chart needs `x` (the category or time column)")
    return spec.x


def all_int(values: Sequence[float]) -> bool:
    return all(math.isnan(v) or float(v).is_integer() for v in values)


def matches(value: Any, wanted: Any) -> bool:
    """Does a category equal an option value (written as text in the source)? A date matches
    the month or year it falls in ('2009-03' picks March 2009 of a monthly column)."""
    if value == wanted or str(value) == str(wanted):
        return True
    if isinstance(value, _dt.date) and isinstance(wanted, (str, _dt.date)):
        w = wanted.isoformat() if isinstance(wanted, _dt.date) else wanted.strip()
        return len(w) >= 4 and value.isoformat().startswith(w)
    return False


def is_year_like(value: Any) -> bool:
    """A whole-number category such as a year (labelled as it is, thinned when crowded)."""
    return isinstance(value, int) and not isinstance(value, bool)
