"""Dates on chart axes and in alt text: what a series of dates counts in, and which ticks to label.

Pure Python (no matplotlib): the drawing code passes a ``width(text) -> points`` measure, the
alt text needs none. Ticks are picked from the span (days, weeks, months, quarters, years,
runs of years): the finest unit whose labels fit side by side in the room there is and
that gives at most ``max_ticks``, each label in a named date style of the document's
locale, and never two ticks with the same label.
"""
from __future__ import annotations

import datetime as _dt
from typing import Callable, Optional, Sequence

from ..dataclass_code import dataclass

# The named date style (locale file ``dates:``) a single point of each cadence is said in,
# and the short one an axis labels it with.
POINT_STYLE = {"day": "day", "week": "day", "month": "month", "quarter": "quarter", "year": "year"}
SHORT_STYLE = {"day": "day_short", "week": "day_short", "month": "month_short", "quarter": "quarter_short", "year": "year"}


def _months(a: _dt.date, b: _dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def cadence(values: Sequence) -> str:
    """What the dates count in: 'year' (1 January, a year or more apart), 'quarter' (first
    days three months or a multiple apart), 'month' (first days), 'week' (a multiple of seven
    days apart) or 'day'. Data dated by the first day of its period says which period it is."""
    dates = sorted({v for v in values if isinstance(v, _dt.date)})
    if not dates:
        return "day"
    steps = list(zip(dates, dates[1:]))
    if all(d.day == 1 for d in dates):
        months = [_months(a, b) for a, b in steps]
        if steps and all(d.month == 1 for d in dates) and all(m % 12 == 0 for m in months):
            return "year"
        if steps and all(m % 3 == 0 for m in months):
            return "quarter"
        return "month"
    if steps and all((b - a).days % 7 == 0 for a, b in steps):
        return "week"
    return "day"


# -- axis ticks ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tick:
    date: _dt.date
    style: str  # a named date style (or "year": the year alone)


@dataclass(frozen=True)
class TickPlan:
    unit: str  # "day", "week", "month", "quarter", "year"
    step: int  # in days (day, week), months (month, quarter) or years
    ticks: tuple[Tick, ...]
    start: _dt.date  # where the axis starts (the data's first date, or 1 January of its first year)


def _add_months(d: _dt.date, n: int) -> _dt.date:
    k = d.year * 12 + d.month - 1 + n
    return _dt.date(k // 12, k % 12 + 1, 1)


def _candidates(first: _dt.date, last: _dt.date, data_cadence: str):
    """Tick plans from the finest unit to the coarsest, for dates from ``first`` to ``last``."""
    days = (last - first).days
    if data_cadence in ("day", "week"):
        for step in (1, 2, 7, 14):
            if days // step <= 40:
                ticks = []
                d = first
                while d <= last:
                    ticks.append(d)
                    d += _dt.timedelta(days=step)
                unit = "week" if step % 7 == 0 else "day"
                yield TickPlan(unit, step, _day_labels(ticks), first)
    if first.year < last.year or first.month != last.month or data_cadence in ("month", "quarter"):
        quarterly = data_cadence == "quarter"
        for step in ((3, 6) if quarterly else (1, 2, 3, 6)):
            if _months(first, last) // step > 40:
                continue
            # ticks on months a whole number of steps from January (quarters: from the data's first)
            base = first.month - 1 if quarterly else 0
            ticks = []
            d = _dt.date(first.year, first.month, 1)
            if d < first:
                d = _add_months(d, 1)
            while d <= last:
                if (d.month - 1 - base) % step == 0:
                    ticks.append(d)
                d = _add_months(d, 1)
            if ticks:
                yield TickPlan("quarter" if quarterly else "month", step, _month_labels(ticks, quarterly), first)
    years = last.year - first.year + 1
    for step in _year_steps(years):
        start = _dt.date(first.year, 1, 1)
        ticks = tuple(Tick(_dt.date(y, 1, 1), "year") for y in range(first.year, last.year + 1, step))
        yield TickPlan("year", step, ticks, start)
        if len(ticks) <= 2:
            break


def _year_steps(years: int):
    base = 1
    while True:
        for b in (base, 2 * base, 5 * base):
            yield b
            if b >= years:
                return
        base *= 10


def _day_labels(ticks: list[_dt.date]) -> tuple[Tick, ...]:
    """'7 Jan 2013', '14 Jan', ...: the year on the first tick and where a new year starts."""
    out = []
    for i, d in enumerate(ticks):
        out.append(Tick(d, "day_medium" if i == 0 or d.year != ticks[i - 1].year else "day_short"))
    return tuple(out)


def _month_labels(ticks: list[_dt.date], quarterly: bool) -> tuple[Tick, ...]:
    """'Jan 2013', 'Apr 2013', ... or 'Q1 2013', 'Q3 2013', ...: each with its year, so that no
    two read the same ('Apr' would recur every year)."""
    return tuple(Tick(d, "quarter_short" if quarterly else "month_short") for d in ticks)


def plan_ticks(first: _dt.date, last: _dt.date, data_cadence: str, label: Callable[[Tick], str],
               width: Callable[[str], float], room_pt: float, max_ticks: int, gap_pt: float) -> tuple[TickPlan, list[str]]:
    """The finest tick plan whose labels are all different, fit side by side in ``room_pt``
    (the axis' length in points) with ``gap_pt`` between neighbours, and number at most
    ``max_ticks``; with its labels. The coarsest plan when nothing finer fits."""
    best: Optional[tuple[TickPlan, list[str]]] = None
    for plan in _candidates(first, last, data_cadence):
        labels = [label(t) for t in plan.ticks]
        best = (plan, labels)
        if len(plan.ticks) > max(max_ticks, 1) or len(set(labels)) != len(labels):
            continue
        end = last if last > plan.start else plan.start + _dt.timedelta(days=1)
        span = max((end - plan.start).days, 1)
        xs = [(t.date - plan.start).days / span * room_pt for t in plan.ticks]
        ws = [width(s) for s in labels]
        if all(xs[k + 1] - xs[k] >= (ws[k] + ws[k + 1]) / 2 + gap_pt for k in range(len(xs) - 1)):
            return plan, labels
    assert best is not None
    return best


# -- date categories (bars) ------------------------------------------------------------------
@dataclass(frozen=True)
class CategoryLabels:
    """What a row of date categories shows under it: a label per category (maybe blank), or
    group labels centred under runs of categories with a separator between the runs."""

    labels: tuple[str, ...]  # per category ("" = unlabelled)
    groups: tuple[tuple[float, str], ...] = ()  # (centre position, label) of each labelled run
    separators: tuple[float, ...] = ()  # positions (between categories) where a run ends


def category_labels(dates: Sequence[_dt.date], label: Callable[[_dt.date, str], str], width: Callable[[str], float],
                    slot_pt: float, gap_pt: float) -> CategoryLabels:
    """Labels for bars standing on consecutive dates, ``slot_pt`` apart.

    Each bar its own short label when they all fit; else, over two years or more, the bars
    grouped by year (daily data: by month) with the year under the middle of each group
    wide enough for it and a separator between groups; else every k-th bar's label, k
    counted in whole periods (every 3rd month, every 5th year); at worst the first alone.
    """
    cad = cadence(dates)
    n = len(dates)
    if not n:
        return CategoryLabels(())
    own = [label(d, SHORT_STYLE[cad]) for d in dates]
    if len(set(own)) == n and all(width(s) + gap_pt <= slot_pt for s in own):
        return CategoryLabels(tuple(own))
    if cad != "year":
        daily = cad in ("day", "week")
        key = (lambda d: (d.year, d.month)) if daily else (lambda d: d.year)
        runs: list[list[int]] = []
        for i, d in enumerate(dates):
            if runs and key(dates[runs[-1][0]]) == key(d):
                runs[-1].append(i)
            else:
                runs.append([i])
        if len(runs) >= 2:
            style = "month_short" if daily else "year"
            groups = [((r[0] + r[-1]) / 2, label(dates[r[0]], style)) for r in runs]
            fits = [g for g, r in zip(groups, runs) if width(g[1]) + gap_pt <= len(r) * slot_pt]
            whole = [g for g, r in zip(groups, runs) if len(r) == max(len(x) for x in runs)]
            if len(fits) >= 2 and all(g in fits for g in whole):
                return CategoryLabels(("",) * n, tuple(fits), tuple(r[0] - 0.5 for r in runs[1:]))
    # every k-th bar, k a whole number of periods, from the first bar
    steps = {"month": (2, 3, 4, 6, 12, 24, 60, 120), "quarter": (2, 4, 8, 20, 40)}.get(cad) or tuple(_year_steps(n))[1:]
    for k in steps:
        picked = list(range(0, n, k))
        texts = [own[i] for i in picked]
        if len(set(texts)) == len(texts) and all(
                k * slot_pt >= (width(a) + width(b)) / 2 + gap_pt for a, b in zip(texts, texts[1:])):
            out = [""] * n
            for i, t in zip(picked, texts):
                out[i] = t
            return CategoryLabels(tuple(out))
    return CategoryLabels((own[0],) + ("",) * (n - 1))
