"""timeline: dated events as a vertical list -- year, day and month, a dot on a rule, the
event wrapped beside it -- flowing into as many columns as the width allows.

A list stays readable on a narrow page and on a wide slide, where labels set along a
horizontal time axis collide as soon as events cluster (2012-13 and 2018 here).
x = date column, series[0] = event text. Options: ``highlight_contains`` (a substring or
a list of them; matching events are drawn bold in the highlight colour).

A timeline that cannot be drawn whole in its box is split, not cut: ``split_timeline`` (the
kind's declared ``split``, answered by ``ChartService.parts``) gives runs of events in date
order that each fit at the target's type size with every word of every label -- the deck
makes one slide per run, "(continued)". Only a figure drawn whole in a box too small for it
(no split asked, or one event longer than the box) falls back: labels cut to three lines
(ending in '…'), then events left out -- highlighted ones last, the rest evenly over time --
with a note saying how many are shown. Type is never shrunk.
"""
from __future__ import annotations

import datetime as _dt

from ...dataclass_code import dataclass
from ...errors import RenderError
from .. import format as fmt
from ..registry import DataContract, Option, Part, declare, lazy
from .. import alt_text as a
from .. import table as T

c = lazy("briefdeck.charts.kinds.common")

LINE = 1.28  # line height, as a multiple of the event type size
NOTE = "{shown} of {total} events shown"
MAX_EVENTS = 100  # more is a chronology, not a chart; 100 events build in ~15 s (benchmarks/results.md)


@dataclass(frozen=True)
class _Event:
    date: _dt.date
    text: str
    highlighted: bool


def draw_timeline(ax, spec, style) -> None:
    fig = ax.figure
    fig.set_layout_engine(None)  # the layout below is computed in points
    ax.set_position((0, 0, 1, 1))
    ax.set_axis_off()
    W, H = fig.get_figwidth() * 72, fig.get_figheight() * 72
    ax.set_xlim(0, W)
    ax.set_ylim(H, 0)  # y grows downwards, like reading

    events = [e for _, e in _events(spec)]
    if not events:
        return

    # Try the target's preferred year layout first, then the other; full labels before
    # labels cut to three lines; and only then leave events out.
    prefer = bool(style.timeline.get("year_headings", False))
    geos = [_Geometry(style, W, H, headings=prefer), _Geometry(style, W, H, headings=not prefer)]
    plan, geo = None, geos[0]
    for max_lines in (0, 3):
        for g in geos:
            plan = g.fit(events, max_lines)
            if plan:
                geo = g
                break
        if plan:
            break
    shown = events
    if not plan:  # leave events out, highlighted ones last
        keep = _priority(events)
        best, best_k = None, 0
        for g in geos:  # the most events either layout can hold (bisection on the count)
            lo, hi = best_k + 1, len(events) - 1
            while lo <= hi:
                k = (lo + hi) // 2
                subset = sorted((events[i] for i in keep[:k]), key=lambda e: e.date)
                p = g.fit(subset, 3, reserve_note=True)
                if p:
                    best, best_k, shown, geo, lo = p, k, subset, g, k + 1
                else:
                    hi = k - 1
        if best is None:
            shown = events[:1]
            best = geo.fit(shown, 3, reserve_note=True, force=True)
        plan = best
    geo.draw(ax, plan)
    if len(shown) < len(events):
        ax.text(geo.pad, H - geo.pad, NOTE.format(shown=len(shown), total=len(events)), fontsize=style.size("note"),
                color=style.colour("muted_text"), va="baseline", ha="left", fontstyle="italic")


def _events(spec) -> list[tuple[int, _Event]]:
    """(row, event) in date order (ties: table order)."""
    x = T.need_x(spec)
    if not spec.series:
        raise RenderError("a timeline needs `series: [<event text column>]`")
    wanted = spec.option("highlight_contains") or ()
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    events = []
    for i, (d, t) in enumerate(zip(T.column(spec, x), T.column(spec, spec.series[0]))):
        if not isinstance(d, _dt.date):
            raise RenderError(f"timeline: '{x}' must hold dates, found '{d}'")
        text = " ".join(fmt.words(str(t or "")))
        events.append((i, _Event(d, text, any(w.lower() in text.lower() for w in wanted))))
    events.sort(key=lambda ie: ie[1].date)
    return events


def split_timeline(spec, style, width_in: float, height_in: float) -> list[Part]:
    """Runs of events, in date order, that each fit the box whole (every word of every
    label at the target's type size, in either year layout), as few runs as can be and
    as even as can be. An event too long for the box even alone is a run of its own,
    marked not whole: it is drawn cut to three lines."""
    events = _events(spec)
    W, H = width_in * 72, height_in * 72
    prefer = bool(style.timeline.get("year_headings", False))
    geos = [_Geometry(style, W, H, headings=prefer), _Geometry(style, W, H, headings=not prefer)]
    memo: dict[tuple[int, int], bool] = {}

    def fits(a: int, b: int) -> bool:  # events[a:b] drawn whole in one box
        if (a, b) not in memo:
            memo[(a, b)] = any(g.fit([e for _, e in events[a:b]], 0) for g in geos)
        return memo[(a, b)]

    n = len(events)
    if n == 0 or fits(0, n):
        return [Part(tuple(i for i, _ in events))]

    def runs(cap: int) -> list[tuple[int, int]]:
        """Greedy runs of at most ``cap`` events, each as long as fits (at least one)."""
        out, a = [], 0
        while a < n:
            b = a + 1
            while b < n and b - a < cap and fits(a, b + 1):
                b += 1
            out.append((a, b))
            a = b
        return out

    fewest = len(runs(n))
    lo, hi = 1, n  # the smallest cap that still needs no more runs: even runs
    while lo < hi:
        mid = (lo + hi) // 2
        if len(runs(mid)) <= fewest:
            hi = mid
        else:
            lo = mid + 1
    parts = []
    for first, end in runs(lo):
        rows = tuple(i for i, _ in events[first:end])
        if end - first == 1 and not fits(first, end):
            e = events[first][1]
            parts.append(Part(rows, whole=False, lost=f"the event of {e.date.isoformat()} (“{_short(e.text)}”) does not fit "
                                                      f"the box even alone at {style.size('timeline_event'):g} pt; it is cut to three lines"))
        else:
            parts.append(Part(rows))
    return parts


def _short(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _priority(events: list[_Event]) -> list[int]:
    """Indexes in the order events are kept: highlighted, then spread over time (ends, middle, ...)."""
    order = [i for i, e in enumerate(events) if e.highlighted]
    rest = [i for i, e in enumerate(events) if not e.highlighted]
    picked, spans = [], [(0, len(rest) - 1)]
    if rest:
        picked += [rest[0]] + ([rest[-1]] if len(rest) > 1 else [])
    while spans:
        nxt = []
        for lo, hi in spans:
            if hi - lo > 1:
                m = (lo + hi) // 2
                picked.append(rest[m])
                nxt += [(lo, m), (m, hi)]
        spans = nxt
    return order + [i for i in picked if i not in order]


class _Geometry:
    def __init__(self, style, W: float, H: float, headings: bool):
        self.style = style
        t = style.timeline
        self.W, self.H = W, H
        self.pad = style.pad_in * 72
        self.ev = style.size("timeline_event")
        self.lh = self.ev * LINE
        # Years in a column of their own (roomy pages) or as headings above their events
        # (wide, short slide boxes, where the width is better spent on the event text).
        self.headings = headings
        self.year_w = 0.0 if self.headings else t["year_width"] * 72
        self.head_h = style.size("timeline_year") * 1.3 if self.headings else 0.0
        self.date_w = t["date_width"] * 72
        self.dot_gap = self.ev * 0.9
        self.gutter = self.ev * 1.6
        self.row_gap = t["row_gap"] * self.lh
        self.year_gap = t["year_gap"] * self.lh
        usable = W - 2 * self.pad
        self.max_cols = max(1, int((usable + self.gutter) // (t["min_column_in"] * 72 + self.gutter)))

    def col_width(self, ncols: int) -> float:
        return (self.W - 2 * self.pad - (ncols - 1) * self.gutter) / ncols

    def text_width(self, ncols: int) -> float:
        return self.col_width(ncols) - self.year_w - self.date_w - 2 * self.dot_gap

    def fit(self, events, max_lines: int, reserve_note: bool = False, force: bool = False):
        avail = self.H - 2 * self.pad - (self.style.size("note") * 1.6 if reserve_note else 0)
        for ncols in range(1, self.max_cols + 1):
            tw = self.text_width(ncols)
            if tw < self.ev * 6:
                break
            lines = [self.style.wrap(e.text, tw, self.ev, bold=e.highlighted, max_lines=max_lines) for e in events]
            heights = [len(ls) * self.lh for ls in lines]
            cols = self._balance(events, heights, ncols, avail)
            if cols is not None:
                return ncols, cols, avail, events, lines
        if force:  # one event that does not fit: draw it anyway, clipped by the figure
            lines = [self.style.wrap(e.text, self.text_width(1), self.ev, bold=e.highlighted, max_lines=max_lines) for e in events]
            return 1, [list(range(len(events)))], avail, events, lines
        return None

    def _height(self, events, heights, idx: list[int]) -> float:
        h, prev = 0.0, None
        for k in idx:
            new_year = prev is None or events[k].date.year != events[prev].date.year
            if prev is not None:
                h += self.row_gap + (self.year_gap if new_year else 0)
            h += heights[k] + (self.head_h if new_year else 0)
            prev = k
        return h

    def _balance(self, events, heights, ncols, avail):
        """Split events (in order) into at most ncols columns, minimising the tallest."""
        n = len(events)
        total = self._height(events, heights, list(range(n)))
        if total <= avail:
            return [list(range(n))]
        if ncols == 1:
            return None
        lo, hi = max(heights), total
        best = None
        for _ in range(30):  # bisect the column height
            mid = (lo + hi) / 2
            cols = self._greedy(events, heights, mid)
            if len(cols) <= ncols:
                best, hi = cols, mid
            else:
                lo = mid
        if best is None or self._tallest(events, heights, best) > avail:
            return None
        return best

    def _greedy(self, events, heights, limit):
        cols, cur = [], []
        for k in range(len(events)):
            if cur and self._height(events, heights, cur + [k]) > limit:
                cols.append(cur)
                cur = []
            cur.append(k)
        return cols + ([cur] if cur else [])

    def _tallest(self, events, heights, cols) -> float:
        return max(self._height(events, heights, col) for col in cols)

    def draw(self, ax, plan) -> None:
        style = self.style
        ncols, cols, avail, events, lines = plan
        colours = style.colours
        any_hl = any(e.highlighted for e in events)
        tallest = max(self._height(events, [len(ls) * self.lh for ls in lines], col) for col in cols)
        gaps = max(len(col) - 1 for col in cols)
        # Use spare height to open up the rows a little (at most one more line each).
        extra = min((avail - tallest) / gaps, self.lh) if gaps else 0.0
        extra = max(extra, 0.0)
        ascent = self.ev * 0.78
        for ci, col in enumerate(cols):
            x0 = self.pad + ci * (self.col_width(ncols) + self.gutter)
            x_date = x0 + self.year_w + self.date_w
            x_dot = x_date + self.dot_gap
            x_text = x_dot + self.dot_gap
            y = self.pad
            prev, dots = None, []
            for k in col:
                e = events[k]
                new_year = prev is None or e.date.year != events[prev].date.year
                if prev is not None:
                    y += self.row_gap + extra + (self.year_gap if new_year else 0)
                if new_year and self.headings:
                    ax.text(x0, y + style.size("timeline_year") * 0.85, str(e.date.year), fontsize=style.size("timeline_year"),
                            fontweight="bold", color=colours["text"], va="baseline", ha="left")
                    y += self.head_h
                base = y + ascent
                if new_year and not self.headings:
                    ax.text(x0, base, str(e.date.year), fontsize=style.size("timeline_year"), fontweight="bold",
                            color=colours["text"], va="baseline", ha="left")
                ax.text(x_date, base, style.date(e.date, "day_short"), fontsize=style.size("timeline_date"),
                        color=colours["muted_text"], va="baseline", ha="right")
                colour = colours["highlight"] if e.highlighted else (colours["muted_text"] if any_hl else style.series_colour(0))
                for li, line in enumerate(lines[k]):
                    ax.text(x_text, base + li * self.lh, line, fontsize=self.ev, va="baseline", ha="left",
                            color=colours["highlight"] if e.highlighted else colours["text"],
                            fontweight="bold" if e.highlighted else "normal")
                dots.append((base - self.ev * 0.33, colour, e.highlighted))
                y += len(lines[k]) * self.lh
                prev = k
            if len(dots) > 1:
                ax.plot([x_dot, x_dot], [dots[0][0], dots[-1][0]], color=colours["muted_bar"],
                        linewidth=style.lines["timeline_rule"], solid_capstyle="butt", zorder=1)
            size = style.markers["timeline"]
            for yd, colour, hl in dots:
                ax.plot([x_dot], [yd], "o", color=colour, markersize=size * (1.25 if hl else 1.0),
                        markeredgecolor=colours["background"], markeredgewidth=size * 0.25, zorder=2)


# -- what a timeline says, and what it takes ---------------------------------------------------
def describe_timeline(spec, say) -> str:
    dates = list(spec.table.column(spec.x)) if spec.x else []
    labels = list(spec.table.column(spec.series[0])) if spec.series else []
    events = sorted(zip(dates, labels), key=lambda e: e[0])
    head = say("timeline")
    subject = a.subject(spec) if spec.title else ""
    if not events:
        return say.sentence(head, subject, [])
    span = say.span(events[0][0], events[-1][0], "month")
    subject = f"{subject + ', ' if subject else ''}{say('events', n=len(events))}, {span}"

    def when(d):
        return say.date(d, "day")

    sep = say.table["semicolon"]
    facts = []
    if len(events) <= 8:
        facts.append(sep.join(say("event", date=when(d), text=t) for d, t in events))
    else:
        facts.append(say("first", date=when(events[0][0]), text=events[0][1]))
        facts.append(say("last", date=when(events[-1][0]), text=events[-1][1]))
    wanted = spec.option("highlight_contains")
    if wanted:
        keys = [wanted] if isinstance(wanted, str) else list(wanted)
        hl = [(d, t) for d, t in events if any(k.lower() in str(t).lower() for k in keys)]
        if hl and len(events) > 8 and len(hl) <= 3:
            facts.append(say("highlighted_events", events=sep.join(say("event", date=when(d), text=t) for d, t in hl)))
        elif hl and len(events) > 8:
            facts.append(say("n_highlighted", n=len(hl), span=say.span(hl[0][0], hl[-1][0], "month")))
    return say.sentence(head, subject, facts)


declare("timeline", "briefdeck.charts.kinds.timeline:draw_timeline",
        contract=DataContract(x="date", series_min=1, series_max=1, series_type="text", max_rows=MAX_EVENTS, rows_are="events"),
        options=(Option("highlight_contains", "texts", "Events whose text contains this (or any of these) are drawn bold in the highlight colour."),),
        describe=describe_timeline, split=split_timeline,
        summary="Dated events as a list: year, day, a dot on a rule, the event beside it.", axis_labels=())
