"""Alt text from the data (pure Python: no matplotlib), one function per kind.

The text names the chart type, what it shows and over which range, and the values a
reader would look for first: the highest, the lowest, the highlighted one, the last.
"""
from __future__ import annotations

import datetime as _dt
import math

from . import format as fmt
from .registry import KINDS

def describe(spec) -> str:
    """Alt text for ``spec``, e.g. 'Bar chart: MINUSMA fatalities per year 2013–2023; highest 42 in 2017.'"""
    kind = KINDS.get(spec.kind)
    if kind is not None and kind.describe is not None:
        return kind.describe(spec)
    return _sentence(f"{_cap(spec.kind.replace('_', ' '))} chart", _subject(spec), [])

# -- helpers ------------------------------------------------------------------------------
def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]

def _lower_first(s: str) -> str:
    # 'Mission' -> 'mission', but 'UN mission' stays.
    return s[:1].lower() + s[1:] if len(s) > 1 and s[1:2].islower() else s

def _subject(spec) -> str:
    if spec.title:
        return spec.title
    if spec.y_label:
        return spec.y_label
    return spec.label(spec.series[0]) if len(spec.series) == 1 else ""

def _sentence(head: str, subject: str, facts: list[str]) -> str:
    text = f"{head}: {subject}" if subject else head
    if facts:
        text += "; " + "; ".join(facts)
    return text.rstrip(".") + "."

def _nums(spec, name: str) -> list[float]:
    out = []
    for v in spec.table.column(name):
        out.append(float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else math.nan)
    return out

def _is_time(values) -> bool:
    return bool(values) and all(fmt.is_year(v) or isinstance(v, _dt.date) for v in values)

def _date_pattern(values) -> str:
    dates = [v for v in values if isinstance(v, _dt.date)]
    return "MMMM y" if dates and all(d.day == 1 for d in dates) else "d MMMM y"

def _at(value, spec, pattern: str = "d MMMM y") -> str:
    """'in 2017', 'in July 2014', 'for MINUSMA'."""
    if fmt.is_year(value):
        return f"in {value}"
    if isinstance(value, _dt.date):
        return f"in {fmt.date(value, spec.language, pattern)}" if pattern == "MMMM y" else f"on {fmt.date(value, spec.language, pattern)}"
    return f"for {fmt.category(value, spec.language)}"

def _range(values, spec) -> str:
    if not values:
        return ""
    return fmt.span(values[0], values[-1], spec.language, _date_pattern(values))

def _series_phrase(spec) -> str:
    title = spec.option("series_title")
    if title:
        return f"by {title}"
    return "(" + fmt.join([spec.label(s) for s in spec.series], spec.language) + ")"

def _argmax(values: list[float]) -> int:
    best = None
    for i, v in enumerate(values):
        if not math.isnan(v) and (best is None or v > values[best]):
            best = i
    return best if best is not None else 0

def _argmin(values: list[float]) -> int:
    best = None
    for i, v in enumerate(values):
        if not math.isnan(v) and (best is None or v < values[best]):
            best = i
    return best if best is not None else 0

# -- kinds ---------------------------------------------------------------------------------
def describe_bar(spec) -> str:
    n = fmt.number
    lang = spec.language
    cats = list(spec.table.column(spec.x)) if spec.x else []
    m = len(spec.series)
    stacked = bool(spec.option("stacked")) and m > 1
    chart = "horizontal bar chart" if spec.kind == "hbar" else "bar chart"
    head = _cap(("stacked " if stacked else "grouped " if m > 1 else "") + chart)
    time = _is_time(cats)
    subject = _subject(spec)
    if time:
        subject = f"{subject} {_range(cats, spec)}".strip()
    elif spec.x:
        by = _lower_first(spec.x_label or spec.label(spec.x))
        if by.lower() not in subject.lower():
            subject = f"{subject} by {by}".strip()
    if m > 1:
        subject += " " + _series_phrase(spec)
    facts = []
    if not time and cats:
        facts.append(f"{len(cats)} bars" if m == 1 or stacked else f"{len(cats)} groups")
    if not cats or not spec.series:
        return _sentence(head, subject, facts)
    cols = [_nums(spec, s) for s in spec.series]
    pattern = _date_pattern(cats)
    if m == 1 or stacked:
        totals = [sum(0.0 if math.isnan(c[i]) else c[i] for c in cols) for i in range(len(cats))]
        word = "total " if stacked else ""
        hi, lo = _argmax(totals), _argmin(totals)
        facts.append(f"highest {word}{n(totals[hi], lang)} {_at(cats[hi], spec, pattern)}")
        if len(cats) > 2 and lo != hi:
            facts.append(f"lowest {n(totals[lo], lang)} {_at(cats[lo], spec, pattern)}")
    else:
        best = max(((j, _argmax(c)) for j, c in enumerate(cols)), key=lambda t: cols[t[0]][t[1]] if not math.isnan(cols[t[0]][t[1]]) else -math.inf)
        j, i = best
        facts.append(f"highest {n(cols[j][i], lang)} ({spec.label(spec.series[j])}) {_at(cats[i], spec, pattern)}")
        totals = [sum(0.0 if math.isnan(c[k]) else c[k] for c in cols) for k in range(len(cats))]
    hl = spec.option("highlight")
    if hl is not None:
        for i, c in enumerate(cats):
            if (c == hl or str(c) == str(hl)) and totals[i] != max(totals):
                facts.append(f"{fmt.category(c, lang)} (highlighted) {n(totals[i], lang)}")
    return _sentence(head, subject, facts)

def describe_line(spec) -> str:
    n = fmt.number
    lang = spec.language
    xs = list(spec.table.column(spec.x)) if spec.x else []
    stacked = spec.kind == "area" and bool(spec.option("stacked"))
    head = _cap(("stacked " if stacked else "") + ("area chart" if spec.kind == "area" else "line chart"))
    subject = f"{_subject(spec)}, {_range(xs, spec)}" if xs else _subject(spec)
    m = len(spec.series)
    if m > 1:
        subject += " " + _series_phrase(spec)
    facts = []
    pattern = _date_pattern(xs)
    cols = [_nums(spec, s) for s in spec.series]
    if xs and cols:
        if stacked:
            totals = [sum(0.0 if math.isnan(c[k]) else c[k] for c in cols) for k in range(len(xs))]
            i = _argmax(totals)
            facts.append(f"highest total {n(totals[i], lang)} {_at(xs[i], spec, pattern)}")
        else:
            j, i = max(((j, _argmax(c)) for j, c in enumerate(cols)), key=lambda t: cols[t[0]][t[1]])
            who = f" ({spec.label(spec.series[j])})" if m > 1 else ""
            facts.append(f"highest {n(cols[j][i], lang)}{who} {_at(xs[i], spec, pattern)}")
        ends = []
        for j, c in enumerate(cols):
            last = next((k for k in range(len(c) - 1, -1, -1) if not math.isnan(c[k])), None)
            if last is not None:
                who = f" ({spec.label(spec.series[j])})" if m > 1 else ""
                ends.append(f"{n(c[last], lang)}{who}")
        if ends:
            facts.append(f"last values {fmt.join(ends, lang)} {_at(xs[-1], spec, pattern)}" if m > 1 else f"last value {ends[0]} {_at(xs[-1], spec, pattern)}")
    return _sentence(head, subject, facts)

def describe_timeline(spec) -> str:
    lang = spec.language
    dates = list(spec.table.column(spec.x)) if spec.x else []
    labels = list(spec.table.column(spec.series[0])) if spec.series else []
    events = sorted(zip(dates, labels), key=lambda e: e[0])
    head = "Timeline"
    subject = _subject(spec) if spec.title else ""
    if not events:
        return _sentence(head, subject, [])
    span = fmt.span(events[0][0], events[-1][0], lang, "MMMM y")
    subject = f"{subject + ', ' if subject else ''}{len(events)} events, {span}"
    when = lambda d: fmt.date(d, lang, "d MMMM y")  # noqa: E731
    facts = []
    if len(events) <= 8:
        facts.append("; ".join(f"{when(d)}: {t}" for d, t in events))
    else:
        facts.append(f"first {when(events[0][0])}: {events[0][1]}")
        facts.append(f"last {when(events[-1][0])}: {events[-1][1]}")
    wanted = spec.option("highlight_contains")
    if wanted:
        keys = [wanted] if isinstance(wanted, str) else list(wanted)
        hl = [(d, t) for d, t in events if any(k.lower() in str(t).lower() for k in keys)]
        if hl and len(events) > 8 and len(hl) <= 3:
            facts.append("highlighted: " + "; ".join(f"{when(d)}: {t}" for d, t in hl))
        elif hl and len(events) > 8:
            facts.append(f"{len(hl)} events highlighted, {fmt.span(hl[0][0], hl[-1][0], lang, 'MMMM y')}")
    return _sentence(head, subject, facts)

def describe_big_number(spec) -> str:
    lang = spec.language
    value = spec.table.rows[0][spec.table.columns.index(spec.series[0])] if spec.table.rows and spec.series else None
    text = fmt.number(value, lang) if isinstance(value, (int, float)) else str(value)
    unit = spec.option("unit")
    if unit:
        text += f" {unit}"
    label = (spec.option("label") or dict(spec.labels).get(spec.series[0]) or spec.title or spec.label(spec.series[0])) if spec.series else ""
    return f"{label}: {text}." if label else f"{text}."

def describe_map(spec) -> str:
    from .geometry import contains

    lang = spec.language
    shapes = spec.option("shapes") or ()
    focus = spec.option("focus")
    highlighted = [s[1] for s in shapes if s[2]]
    focus_name = next((s[1] for s in shapes if s[0] == focus), None)
    group = spec.option("group_label")
    subject = spec.title or ""
    facts = []
    if highlighted:
        names = fmt.join(sorted(highlighted), lang)
        said = group and group.lower() in subject.lower()
        facts.append(f"{group} ({names}) highlighted" if group and not said else f"{names} highlighted")
    if focus_name:
        facts.append(f"{focus_name} in the darkest shade")
    others = len(shapes) - len(highlighted)
    if others:
        facts.append(f"{others} neighbouring countries in grey")
    mode = spec.option("label_capitals", "highlighted")
    if spec.table.rows and spec.x and len(spec.series) >= 2 and mode != "none":
        places = zip(spec.table.column(spec.x), spec.table.column(spec.series[0]), spec.table.column(spec.series[1]))
        inside = [str(n) for n, lon, lat in places
                  if mode == "all" or any(s[2] and any(contains(r, lon, lat) for r in s[3]) for s in shapes)]
        if inside:
            facts.append("capitals marked: " + fmt.join(inside, lang))
    return _sentence("Locator map", subject, facts)
