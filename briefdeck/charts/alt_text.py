"""Alt text from the data (pure Python: no matplotlib): the dispatcher and what kinds share.

The text names the chart type, what it shows and over which range, and the values a reader
would look for first: the highest, the lowest, the highlighted one, the last. Each kind
writes its own (its ``describe(spec, say)`` in its module); ``say`` gives the phrases of the
chart's language from the locale files (``alt:`` in briefdeck/builtin/locales/<lang>.yaml),
with numbers and dates localised.
"""
from __future__ import annotations

import datetime as _dt
import math
from typing import Mapping, Optional

from . import format as fmt
from .dates import POINT_STYLE, cadence
from .registry import KINDS


class Say:
    """The phrases of one chart's language, and the sentence helpers every kind uses."""

    def __init__(self, spec, table: Mapping[str, str]):
        self.spec, self.table = spec, table
        self.language = spec.language

    def __call__(self, key: str, **values) -> str:
        return self.table[key].format(**values)

    def number(self, v) -> str:
        return fmt.number(v, self.language)

    def date(self, d: _dt.date, style: str = "day") -> str:
        return fmt.date_in(self.spec, d, self.language, style)

    def sentence(self, head: str, subject: str, facts: list[str]) -> str:
        text = f"{head}{self.table['colon']}{subject}" if subject else head
        if facts:
            text += self.table["semicolon"] + self.table["semicolon"].join(facts)
        return text.rstrip(".") + "."

    def at(self, value, style: str = "day") -> str:
        """'in 2017', 'in July 2014', 'in the 4th quarter of 1982', 'on 17 January 2012',
        'for MINUSMA' (and in French); ``style`` is the data's (``date_style``)."""
        if fmt.is_year(value):
            return self("in_year", year=value)
        if isinstance(value, _dt.date):
            if style == "year":
                return self("in_year", year=value.year)
            key = {"month": "in_month", "quarter": "in_quarter"}.get(style, "on_day")
            return self(key, date=self.date(value, style))
        return self("for", what=fmt.category(value, self.language))

    def at_all(self, values, style: str = "day") -> str:
        """``at`` for one value, or for several that share it: 'for MONUSCO and MONUC'."""
        if len(values) == 1:
            return self.at(values[0], style)
        if all(isinstance(v, str) for v in values):
            shown = list(values[:3]) + ([self("n_more", n=len(values) - 3)] if len(values) > 3 else [])
            return self("for", what=fmt.join(shown, self.language))
        return self.at(values[0], style)

    def category(self, value, style: str = "day") -> str:
        """A category as said: a date in the data's own style ('March 2009'), the rest as drawn."""
        if isinstance(value, _dt.date) and not fmt.is_year(value):
            return self.date(value, style)
        return fmt.category(value, self.language)

    def span(self, first, last, style: str = "month") -> str:
        """'July 2013–December 2023', 'Q1 1970–Q3 2009', '2013–2023' (en dash, no spaces)."""
        if isinstance(first, _dt.date) and isinstance(last, _dt.date):
            a, b = self.date(first, style), self.date(last, style)
            return a if a == b else f"{a}–{b}"
        return fmt.span(first, last, self.language)

    def range(self, values) -> str:
        return self.span(values[0], values[-1], RANGE_STYLE[date_style(values)]) if values else ""

    def with_range(self, subject: str, values, sep: str) -> str:
        """Add the data's range to the subject unless the title already says it."""
        if not values:
            return subject
        years = {str(v.year if isinstance(v, _dt.date) else v) for v in (values[0], values[-1])}
        if subject and all(y in subject for y in years):
            return subject
        r = self.range(values)
        return f"{subject}{sep}{r}" if subject else r

    def series_phrase(self) -> str:
        spec = self.spec
        title = spec.option("series_title")
        if title:
            return self("by", what=title)
        return "(" + fmt.join([spec.label(s) for s in spec.series], self.language) + ")"


def phrases_for(language: str, assets=None) -> dict:
    """The built-in (or a project's) alt-text phrases of a language."""
    from ..assets import Assets
    from ..locale import load_locale

    return load_locale(assets or Assets(), language).section("alt")


def describe(spec, phrases: Optional[Mapping[str, str]] = None) -> str:
    """Alt text for ``spec``, e.g. 'Bar chart: MINUSMA fatalities per year 2013–2023; highest 42 in 2017.'"""
    say = Say(spec, phrases if phrases is not None else phrases_for(spec.language))
    kind = KINDS.get(spec.kind)
    if kind is not None and kind.describe is not None:
        text = kind.describe(spec, say)
    else:
        text = cap(say.sentence(say("other", kind=spec.kind.replace("_", " ")), subject(spec), []))
    return fmt.typographic(text, spec.language)


# -- helpers the kinds share -------------------------------------------------------------
def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def lower_first(s: str) -> str:
    # 'Mission' -> 'mission', but 'UN mission' stays.
    return s[:1].lower() + s[1:] if len(s) > 1 and s[1:2].islower() else s


def subject(spec) -> str:
    if spec.title:
        return spec.title
    if spec.y_label:
        return spec.y_label
    return spec.label(spec.series[0]) if len(spec.series) == 1 else ""


def unit_facts(spec, subject: str, say) -> list[str]:
    """'unit: thousands of jobs' when the value axis' label says something the subject does
    not (a unit: percent, thousands), so the numbers that follow can be read."""
    unit = (spec.y_label or "").strip()
    if not unit:
        return []
    words = [w.strip("()[],.;:").lower() for w in unit.split()]
    seen = subject.lower()
    if all(w in seen for w in words if len(w) > 2):
        return []
    return [say("unit", unit=lower_first(unit))]


def nums(spec, name: str) -> list[float]:
    return [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else math.nan for v in spec.table.column(name)]


def is_time(values) -> bool:
    return bool(values) and all(fmt.is_year(v) or isinstance(v, _dt.date) for v in values)


def date_style(values) -> str:
    """The named date style a point of these dates is said in: 'year', 'quarter' or 'month'
    when the data is dated by the first day of its period (charts.dates.cadence), else 'day'."""
    return POINT_STYLE[cadence(values)]


# ... and a range of them: quarters in short ('Q1 1970–Q3 2009'), the rest as a point.
RANGE_STYLE = {"day": "day", "month": "month", "quarter": "quarter_short", "year": "year"}


def argmax(values: list[float]) -> int:
    best = None
    for i, v in enumerate(values):
        if not math.isnan(v) and (best is None or v > values[best]):
            best = i
    return best if best is not None else 0


def argmin(values: list[float]) -> int:
    best = None
    for i, v in enumerate(values):
        if not math.isnan(v) and (best is None or v < values[best]):
            best = i
    return best if best is not None else 0
