"""bar and hbar: categories along one axis, one bar (or stack, or group) per category.

Options: ``stacked`` (bool; grouped otherwise), ``highlight`` (a category drawn in the
highlight colour, the others muted), ``value_labels`` (default: on when there are few
bars), ``sort`` ("desc" | "asc": order categories by their total).

Category labels never touch: dates (months, quarters) are labelled in the locale's short
styles, each bar its own label while they fit, else grouped by year under a separator, else
every k-th; long names wrap to the room a row has. Value labels sit beyond each bar's end
(below or left of a negative one) and the value axis leaves room for them, so none crosses
the category labels. ``look(spec, style)`` says what the picture shows besides the data
(order, highlight, value labels, colours) for the native chart of the deck.
"""
from __future__ import annotations

import datetime as _dt
import math

from ...dataclass_code import dataclass
from ...errors import RenderError
from ..registry import DataContract, Look, Option, declare, lazy
from .. import alt_text as a
from .. import dates as D
from .. import format as fmt
from .. import table as T
from ..colour import grey

MAX_CATEGORIES = 200  # bars a page or slide can still label; 200 build in ~6 s (benchmarks/results.md)

c = lazy("briefdeck.charts.kinds.common")
mpatches = lazy("matplotlib.patches")


@dataclass(frozen=True)
class _Bars:
    """A bar chart's data as drawn (pure Python: the picture and the native chart share it)."""

    order: tuple[int, ...]  # table rows in drawing order
    cats: tuple  # category values, in drawing order
    labels: tuple[str, ...]  # their labels (each bar its own: dates in the short style of their cadence)
    values: tuple[tuple[float, ...], ...]  # per series, drawing order
    totals: tuple[float, ...]
    hl: tuple[bool, ...]
    stacked: bool
    show_values: bool
    colours: tuple[str, ...]  # per series
    fills: tuple[tuple[str, ...], ...]  # per series, per bar

    @property
    def n(self) -> int:
        return len(self.cats)

    @property
    def m(self) -> int:
        return len(self.values)


def _prepare(spec, style) -> _Bars:
    x = T.need_x(spec)
    cats = list(T.column(spec, x))
    series = list(spec.series)
    if not series:
        raise RenderError(f"a {spec.kind} chart needs `series` (one or more value columns)")
    values = [T.numbers(spec, s) for s in series]
    n, m = len(cats), len(series)
    stacked = bool(spec.option("stacked")) and m > 1
    totals = [sum(0.0 if math.isnan(v[i]) else v[i] for v in values) for i in range(n)]
    order = list(range(n))
    if spec.option("sort") in ("desc", "asc"):
        order.sort(key=lambda i: totals[i], reverse=spec.option("sort") == "desc")
    cats = [cats[i] for i in order]
    values = [[v[i] for i in order] for v in values]
    totals = [totals[i] for i in order]
    if cats and all(isinstance(v, _dt.date) for v in cats):
        short = D.SHORT_STYLE[D.cadence(cats)]
        labels = [style.date(v, short) for v in cats]
    else:  # as drawn: a tab or line break in a cell is a space (wrapping decides the lines)
        labels = [" ".join(fmt.words(style.category(v))) for v in cats]
    highlight = spec.option("highlight")
    hl = [highlight is not None and T.matches(v, highlight) for v in cats]
    n_bars = n if (stacked or m == 1) else n * m
    show_values = bool(spec.option("value_labels", n_bars <= style.bars["value_labels_max"]))
    # Stacked segments and grouped bars sit side by side: their colours must differ.
    colours = style.series_colours(m) if m > 1 else (style.series_colour(0),)
    if m == 1 and any(hl):
        fills = (tuple(style.colour("highlight") if h else style.colour("muted_bar") for h in hl),)
    else:
        fills = tuple((col,) * n for col in colours)
    return _Bars(tuple(order), tuple(cats), tuple(labels), tuple(tuple(v) for v in values), tuple(totals), tuple(hl),
                 stacked, show_values, tuple(colours), fills)


def look_bar(spec, style) -> Look:
    """What a bar chart's picture shows besides the data, for its native chart."""
    b = _prepare(spec, style)
    values = [v for vals in b.values for v in vals if not math.isnan(v)]
    labels = b.show_values and not b.stacked
    limits = None
    if labels and values:  # room for the labels beyond the longest bars, on round numbers
        lo, hi = min(values + [0.0]), max(values + [0.0])
        span = (hi - lo) or 1.0
        step = _round_step(span / 5)
        limits = (math.floor((lo - 0.18 * span) / step) * step if lo < 0 else 0.0,
                  math.ceil((hi + 0.12 * span) / step) * step if hi > 0 else 0.0)
    return Look(order=b.order, categories=b.labels, colours=b.colours,
                point_colours=b.fills if b.m == 1 and any(b.hl) else (), value_labels=labels,
                negative=any(v < 0 for v in values), value_limits=limits,
                number_format=fmt.excel_format(values, spec.language))


def _round_step(raw: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least ``raw``."""
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    return next(k * power for k in (1, 2, 2.5, 5, 10) if k * power >= raw)


def draw_bar(ax, spec, style) -> None:
    _draw(ax, spec, style, horizontal=False)


def draw_hbar(ax, spec, style) -> None:
    _draw(ax, spec, style, horizontal=True)


def _draw(ax, spec, style, horizontal: bool) -> None:
    b = _prepare(spec, style)
    n, m = b.n, b.m
    series = list(spec.series)
    width = style.bars["width"]
    pos = list(range(n))
    timed = None if horizontal else _time_positions(b.cats)
    if timed is not None:  # uneven dates stand where they fall in time, the bars as wide as the nearest two allow
        pos, width = timed[0], min(width, width * timed[1])
    if horizontal:
        pos = [n - 1 - i for i in pos]  # first category on top, as read
    bar = ax.barh if horizontal else ax.bar
    size_key = "height" if horizontal else "width"
    base_key = "left" if horizontal else "bottom"
    seam = style.lines["bar_edge"]

    containers = []
    if m == 1:
        fill = list(b.fills[0]) if any(b.hl) else b.colours[0]
        containers.append(bar(pos, [0 if math.isnan(v) else v for v in b.values[0]], **{size_key: width}, color=fill,
                              label=spec.label(series[0])))
    elif b.stacked:
        base = [0.0] * n
        for j, vals in enumerate(b.values):
            vals = [0 if math.isnan(v) else v for v in vals]
            containers.append(bar(pos, vals, **{size_key: width, base_key: list(base)}, color=b.colours[j],
                                  label=spec.label(series[j]), edgecolor=style.colour("background"), linewidth=seam))
            base = [bb + v for bb, v in zip(base, vals)]
        _outline_light_segments(ax, style, b, pos, width, horizontal)
    else:
        slot = width / m
        gap = style.bars["group_gap"]
        for j, vals in enumerate(b.values):
            off = (j - (m - 1) / 2) * slot * (-1 if horizontal else 1)
            containers.append(bar([p + off for p in pos], [0 if math.isnan(v) else v for v in vals], **{size_key: slot - gap},
                                  color=b.colours[j], label=spec.label(series[j]), edgecolor=_edge(style, b.colours[j], None),
                                  linewidth=seam))

    # legend first: where it sits decides the room the plot has
    legend = None
    if m > 1:
        handles = [mpatches.Patch(facecolor=col, edgecolor=_edge(style, col, None), linewidth=seam) for col in b.colours]
        names = [spec.label(s) for s in series]
        if b.stacked and not horizontal and m >= 4:
            # Four or more greys are hard to match by shade alone: list them beside the plot
            # in the order of the stack, top first, so position tells them apart too.
            legend = ("beside", handles[::-1], names[::-1])
        else:
            legend = ("above", handles, names)
    room = _Room(ax, style, spec, b, horizontal, legend)

    value_axis_name = "x" if horizontal else "y"
    size = style.size("tick")
    if horizontal:
        c.category_axis(ax, "y", pos, room.hbar_labels(b.labels, b.cats))
        ax.grid(False, axis="y")
        ax.grid(True, axis="x")
        ax.spines["bottom"].set_visible(False)
        ax.tick_params(axis="x", length=0)
        ax.set_ylim(-0.6, n - 0.4)
    elif timed is not None:
        _time_category_axis(ax, style, b, room, size, pos)
        ax.set_xlim(-0.6, n - 0.4)
    else:
        _bar_category_axis(ax, style, b, room, size)
        ax.set_xlim(-0.6, n - 0.4)
    for tick, h in zip(ax.get_yticklabels() if horizontal else ax.get_xticklabels(), b.hl):
        if h and tick.get_text():
            tick.set_fontweight("bold")

    all_values = [v for vals in b.values for v in vals if not math.isnan(v)]
    c.value_axis(ax, style, value_axis_name, all_values)
    ends = b.totals if b.stacked else all_values
    lo, hi = min(list(ends) + [0.0]), max(list(ends) + [0.0])
    negative = lo < 0
    if negative:  # bars go both ways from a zero line; the category labels stay at the edge
        (ax.axvline if horizontal else ax.axhline)(0, color=style.colour("axis"), linewidth=style.lines["axis"], zorder=2.5)
        ax.spines["left" if horizontal else "bottom"].set_visible(False)

    vsize = style.size("value")
    pad = vsize * 0.3
    if b.stacked:
        label_sets = [(containers[-1], b.totals, [style.number(t) for t in b.totals])]
    else:
        label_sets = [(cont, b.values[j], ["" if math.isnan(v) else style.number(v) for v in b.values[j]])
                      for j, cont in enumerate(containers)]
    # the value axis leaves room beyond each bar's end for its label, and on the side of
    # the category labels a gap as wide as a figure, so that no value reads as part of a name
    need = [(v, (style.text_width(t, vsize) if horizontal else vsize * 1.25) + pad * 1.5 + (vsize * 0.8 if v < 0 else 0))
            for _, vals, texts in label_sets for v, t in zip(vals, texts) if t and not math.isnan(v)]
    lo_lim, hi_lim = c.fit_ends(need, room.value_length(), lo, hi)
    show_values = b.show_values and not (m > 1 and not b.stacked and _grouped_labels_collide(
        style, b, label_sets, room, horizontal, (lo_lim, hi_lim), vsize, pad))
    if show_values:
        for cont, vals, texts in label_sets:
            drawn = ax.bar_label(cont, labels=texts, padding=pad, fontsize=vsize)
            if m == 1:
                for t, h in zip(drawn, b.hl):
                    if h:
                        t.set_fontweight("bold")
        (ax.set_xlim if horizontal else ax.set_ylim)(lo_lim, hi_lim)
        if m == 1:  # the labels carry the values: the axis would repeat them
            c.hide_value_axis(ax, value_axis_name)
    elif not negative:  # counts start at zero
        if horizontal:
            ax.set_xlim(left=0)
        else:
            ax.set_ylim(bottom=0)
    if spec.y_label:  # also when the value labels carry the numbers: "2.4" needs its unit
        if horizontal and not (show_values and m == 1):  # the values run along x: label them there, wrapped to the chart's width
            avail = ax.figure.get_figwidth() * 72 - 2 * style.pad_in * 72
            ax.set_xlabel(c.wrap_label(style, spec.y_label, style.size("axis_label"), avail * 0.8, max_lines=2), loc="right")
        else:
            c.unit_label(ax, style, spec.y_label)
    if spec.x_label:  # the category axis' name, wrapped like every label so it can never take the plot's room
        along = (ax.figure.get_figheight() if horizontal else ax.figure.get_figwidth()) * 72 - 2 * style.pad_in * 72
        (ax.set_ylabel if horizontal else ax.set_xlabel)(c.wrap_label(style, spec.x_label, style.size("axis_label"), along * 0.8, max_lines=2))
    if legend is not None:
        where, handles, names = legend
        (c.legend_beside if where == "beside" else c.legend_above)(ax, style, handles, names)


class _Room:
    """The plot's extent in points before layout (the figure less what sits around the plot),
    from which labels are fitted: the slot a category has, the length values run along."""

    def __init__(self, ax, style, spec, b: _Bars, horizontal: bool, legend):
        self.ax, self.style, self.spec, self.b, self.horizontal = ax, style, spec, b, horizontal
        fig = ax.figure
        pad = 2 * style.pad_in * 72
        self.W, self.H = fig.get_figwidth() * 72 - pad, fig.get_figheight() * 72 - pad
        tick, lab, leg = style.size("tick"), style.size("axis_label"), style.size("legend")
        self.tick_pad = style.lines["tick_length"] * 0.8
        axis_shown = not (b.show_values and b.m == 1)
        self.left = 0.0  # y tick labels, y label, a legend beside (for vertical bars)
        self.bottom = 0.0
        self.top = 0.0
        if legend is not None:
            where, _, names = legend
            if where == "beside":
                width = style.wrapping["label_chars"] * leg * 0.55
                self.right = max(style.text_width(line, leg) for s in names
                                 for line in c.wrap_label(style, s, leg, width).split("\n")) + leg * 2.6
            else:
                self.right = 0.0
                self.top += leg * 1.6
        else:
            self.right = 0.0
        # the values' name is drawn whether the axis or the value labels carry the numbers
        if horizontal:
            if axis_shown:
                self.bottom += tick * 1.25 + self.tick_pad + (lab * 1.25 if spec.y_label else 0)
            elif spec.y_label:  # no axis to name: the values' name sits above the plot, as on vertical bars
                self.top += lab * 1.6
        else:
            if axis_shown:
                self.left += max(style.text_width(style.number(v), tick) for v in (min(b.totals + (0,)), max(b.totals + (0,)))) + self.tick_pad
            self.top += lab * 1.6 if spec.y_label else 0
        if spec.x_label:
            if horizontal:
                self.left += lab * 1.25
            else:
                self.bottom += lab * 1.25
        self.category_w = 0.0  # hbar: set by hbar_labels
        self.label_lines = 1  # vertical bars: lines of the category labels, set when they are fitted

    def plot_width(self) -> float:
        return max(self.W - self.left - self.right - self.category_w - self.tick_pad, 36.0)

    def plot_height(self, label_lines: int = 1) -> float:
        extra = 0.0 if self.horizontal else label_lines * self.style.size("tick") * 1.25 + self.tick_pad
        return max(self.H - self.top - self.bottom - extra, 36.0)

    def value_length(self) -> float:
        """The length in points the values run along (a little short: layout pads the plot)."""
        return 0.97 * (self.plot_width() if self.horizontal else self.plot_height(self.label_lines))

    def hbar_labels(self, labels, cats) -> list[str]:
        """Category names wrapped to the room a row has: more width before more lines (up to over
        half the chart's), never more lines than a row holds (the last ends in '…' only when even
        that is not enough), every k-th when a row is thinner than a line."""
        style, size = self.style, self.style.size("tick")
        n = max(len(labels), 1)
        line = size * 1.2
        pitch = self.plot_height() / (n + 0.2)
        lines = max(1, int((pitch - size * 0.15) // line))
        if cats and all(isinstance(v, _dt.date) for v in cats) or all(c.is_year_like(v) for v in cats):
            wrapped = list(labels)  # dates and years stay on one line
        else:
            narrow = size * style.wrapping["category_chars"] * 0.55
            widest = max((style.text_width(s, size) for s in labels), default=0.0)
            wide = max(narrow, min(widest + 1, self.W * 0.42))
            wrapped = [c.wrap_label(style, s, size, narrow, max_lines=64) for s in labels]  # whole: cut only below
            if any(w.count("\n") + 1 > min(lines, 3) for w in wrapped):
                # wider before cut: the names take up to over half the chart's width before one
                # ends in '…' ("Concessionary reimbursement reduction (DfT best…" read as a claim)
                for width in (wide, self.W * 0.5, self.W * 0.58):
                    width = max(width, wide)
                    whole = [c.wrap_label(style, s, size, width, max_lines=64) for s in labels]
                    if all(w.count("\n") + 1 <= lines for w in whole):
                        break
                wrapped = [c.wrap_label(style, s, size, width, max_lines=max(1, min(lines, 64))) for s in labels]
        if pitch < line * 1.02:  # thinner than a line: every k-th name
            k = math.ceil(line * 1.05 / max(pitch, 1e-6))
            wrapped = [s if i % k == 0 else "" for i, s in enumerate(wrapped)]
        self.category_w = max((style.text_width(t, size) for s in wrapped for t in s.split("\n")), default=0.0)
        return wrapped


def _grouped_labels_collide(style, b: _Bars, label_sets, room: _Room, horizontal: bool, limits, vsize: float, pad: float) -> bool:
    """Would the value labels of two bars side by side in a group touch? (Thin bars: then the
    value axis carries the values instead.)"""
    lo, hi = limits
    per_pt = room.value_length() / max(hi - lo, 1e-12)  # points per value unit
    slots = (room.plot_height() if horizontal else room.plot_width()) / (b.n + 0.2)
    across = slots * style.bars["width"] / b.m  # between the centres of neighbouring bars
    for i in range(b.n):
        boxes = []  # per series: (start, end) along the values, extent across the bars; None: no label
        for _, vals, texts in label_sets:
            v, t = vals[i], texts[i]
            if not t or math.isnan(v):
                boxes.append(None)
                continue
            w = style.text_width(t, vsize)
            along = (w if horizontal else vsize * 1.2) + pad
            end = (v - lo) * per_pt
            span = (end, end + along) if v >= 0 else (end - along, end)
            boxes.append((span, vsize * 1.2 if horizontal else w))
        for p, q in zip(boxes, boxes[1:]):
            if p is None or q is None:
                continue
            ((a0, a1), sa), ((b0, b1), sb) = p, q
            if (sa + sb) / 2 > across and a0 < b1 and b0 < a1:
                return True
    return False


def _time_positions(cats) -> "tuple[list[float], float] | None":
    """Where bars on unevenly spaced dates stand, in the slots' units (0 to n-1, so the axis and
    the room stay as for even ones), and the narrowest gap between two of them in those units;
    None when the dates are evenly spaced (every day, week, month, quarter, year), out of order or
    not dates: then each bar takes the next slot. Cumulative counts on 24 Jan, 27 Jan, 4 Feb and
    13 Feb must not read as four equal steps."""
    if len(cats) < 3 or not all(isinstance(v, _dt.date) for v in cats):
        return None
    if D.cadence(cats) not in ("day", "week"):
        return None  # a month's, quarter's or year's data are dated by their period: even slots
    days = [(d - cats[0]).days for d in cats]
    steps = [b - a for a, b in zip(days, days[1:])]
    if min(steps) <= 0 or len(set(steps)) == 1:
        return None
    scale = (len(cats) - 1) / days[-1]
    return [d * scale for d in days], min(steps) * scale


def _time_category_axis(ax, style, b: _Bars, room: _Room, size: float, pos: list[float]) -> None:
    """Each bar on a proportional time axis labelled with its date, left to right, a label left out
    where it would touch the one before (the first and last kept first)."""
    per_unit = room.plot_width() / max(b.n, 1)
    gap = size * 0.6
    widths = [style.text_width(s, size) for s in b.labels]
    keep = [False] * b.n
    right_edge = -math.inf
    last_left = pos[-1] * per_unit - widths[-1] / 2
    for i, (p, w) in enumerate(zip(pos, widths)):
        left, right = p * per_unit - w / 2, p * per_unit + w / 2
        if left >= right_edge + gap and (i == b.n - 1 or right + gap <= last_left):
            keep[i] = True
            right_edge = right
    keep[-1] = True
    c.category_axis(ax, "x", pos, [s if k else "" for s, k in zip(b.labels, keep)])


def _bar_category_axis(ax, style, b: _Bars, room: _Room, size: float) -> None:
    """Category labels under vertical bars, none touching its neighbour."""
    n = b.n
    slot_pt = room.plot_width() / max(n, 1)
    gap = size * 0.6
    cats = list(b.cats)
    if cats and all(isinstance(v, _dt.date) for v in cats):
        plan = D.category_labels(cats, lambda d, st: style.date(d, st), lambda s: style.text_width(s, size), slot_pt, gap)
        if plan.groups:
            ax.set_xticks([g for g, _ in plan.groups], [t for _, t in plan.groups])
            ax.tick_params(axis="x", which="major", length=0)
            ax.set_xticks(list(plan.separators), minor=True)
            ax.tick_params(axis="x", which="minor", length=style.lines["tick_length"], width=style.lines["tick_width"],
                           color=style.colour("axis"))
            ax.xaxis.set_tick_params(which="minor", bottom=True)
        else:
            c.category_axis(ax, "x", range(n), plan.labels)
        return
    labels = list(b.labels)
    if all(c.is_year_like(v) for v in cats):
        c.category_axis(ax, "x", range(n), c.thin_labels(style, labels, slot_pt, size))
        return
    wrapped = [c.wrap_label(style, s, size, max(slot_pt - gap, size * 3)) for s in labels]
    longest_word = max((style.text_width(w, size) for s in labels for w in fmt.words(s)), default=0.0)
    if longest_word + gap > slot_pt:  # a word longer than a slot (never broken): the names upright, one line each
        k = max(1, math.ceil(size * 1.15 / slot_pt))
        upright = [c.wrap_label(style, s, size, room.plot_height() * 0.45, max_lines=1) if i % k == 0 else ""
                   for i, s in enumerate(labels)]
        c.category_axis(ax, "x", range(n), upright)
        for t in ax.get_xticklabels():
            t.set_rotation(90)
            t.set_rotation_mode("anchor")
            t.set_ha("right")
            t.set_va("center")
        room.label_lines = max(1, int(max((style.text_width(s, size) for s in upright), default=0) / (size * 1.25)) + 1)
        return
    room.label_lines = max(s.count("\n") + 1 for s in wrapped) if wrapped else 1
    c.category_axis(ax, "x", range(n), wrapped)


def _outline_light_segments(ax, style, b: _Bars, pos, width: float, horizontal: bool) -> None:
    """A light fill (the yellow that keeps series apart in grey) fades into white paper: its
    sides that meet the paper get a thin line in a darker shade of itself. Where it meets
    another segment the white seam every segment has stays -- no box around it."""
    from matplotlib.collections import LineCollection

    lines, colours = [], []
    half = width / 2
    for i in range(b.n):
        base = 0.0
        vals = [0.0 if math.isnan(v[i]) else v[i] for v in b.values]
        top_j = max((j for j, v in enumerate(vals) if v > 0), default=None)
        for j, v in enumerate(vals):
            if v <= 0:
                base += v
                continue
            shade = _edge(style, b.colours[j], None)
            if shade != "none":
                p, lo, hi = pos[i], base, base + v
                sides = [((lo, p - half), (hi, p - half)), ((lo, p + half), (hi, p + half))]  # (value, across)
                if j == top_j:
                    sides.append(((hi, p - half), (hi, p + half)))
                for (v0, a0), (v1, a1) in sides:
                    lines.append([(v0, a0), (v1, a1)] if horizontal else [(a0, v0), (a1, v1)])
                    colours.append(shade)
            base += v
    if lines:
        ax.add_collection(LineCollection(lines, colors=colours, linewidths=style.lines["bar_edge"], capstyle="projecting",
                                         zorder=2.1))


def _edge(style, colour: str, default: str | None = "background"):
    """A light fill (the yellow that keeps five series apart in grey) fades into white paper
    and a bright screen: outline it in a darker shade of itself; others keep the usual edge."""
    if grey(colour) >= style.light_fill:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        k = style.light_fill_edge_shade
        return f"#{int(r * k):02X}{int(g * k):02X}{int(b * k):02X}"
    return style.colour(default) if default else "none"


# -- what a bar chart says, and what it takes ------------------------------------------------
def describe_bar(spec, say) -> str:
    lang = spec.language

    def n(v):
        return fmt.number(v, lang)

    cats = list(spec.table.column(spec.x)) if spec.x else []
    m = len(spec.series)
    stacked = bool(spec.option("stacked")) and m > 1
    base = "hbar" if spec.kind == "hbar" else "bar"
    head = say(base + ("_stacked" if stacked else "_grouped" if m > 1 else ""))
    time = a.is_time(cats)
    subject = a.subject(spec)
    if time:
        subject = say.with_range(subject, cats, " ")
    elif spec.x_label or spec.x in dict(spec.labels):  # a raw column name is no phrase
        by = a.lower_first(spec.x_label or spec.label(spec.x))
        if by.lower() not in subject.lower():
            subject = f"{subject} {say('by', what=by)}".strip()
    if m > 1:
        subject += " " + say.series_phrase()
    facts = []
    if not time and cats:
        facts.append(say("bars" if m == 1 or stacked else "groups", n=len(cats)))
    facts += a.unit_facts(spec, subject, say)
    if not cats or not spec.series:
        return say.sentence(head, subject, facts)
    cols = [a.nums(spec, s) for s in spec.series]
    pattern = a.date_style(cats)
    totals = [sum(0.0 if math.isnan(c[k]) else c[k] for c in cols) for k in range(len(cats))]
    said: set[int] = set()  # categories already named with their value
    if m == 1 or stacked:
        hi, lo = a.argmax(totals), a.argmin(totals)
        # categories tie: name them all (times: the first time the value was reached)
        his = [hi] if time else [k for k, t in enumerate(totals) if t == totals[hi]]
        los = [lo] if time else [k for k, t in enumerate(totals) if t == totals[lo]]
        facts.append(say("highest_total" if stacked else "highest", value=n(totals[hi]), at=say.at_all([cats[k] for k in his], pattern)))
        said.update(his)
        if len(cats) > 2 and totals[lo] != totals[hi]:
            facts.append(say("lowest", value=n(totals[lo]), at=say.at_all([cats[k] for k in los], pattern)))
            said.update(los)
    else:
        j, i = max(((j, a.argmax(c)) for j, c in enumerate(cols)),
                   key=lambda t: cols[t[0]][t[1]] if not math.isnan(cols[t[0]][t[1]]) else -math.inf)
        facts.append(say("highest_of", value=n(cols[j][i]), series=spec.label(spec.series[j]), at=say.at(cats[i], pattern)))
    hl = spec.option("highlight")
    if hl is not None:
        for i, cat in enumerate(cats):
            if not T.matches(cat, hl):
                continue
            what = say.category(cat, pattern)
            if m == 1 or stacked:
                if i in said:  # its value is said already: only that it is the highlighted one
                    facts.append(say("names_highlighted", names=what))
                else:
                    facts.append(say("highlighted", what=what, value=n(totals[i])))
            else:  # grouped: each series' value, never their sum (the series may overlap)
                values = [say("value_of", value=n(cols[j][i]), series=spec.label(s))
                          for j, s in enumerate(spec.series) if not math.isnan(cols[j][i])]
                facts.append(say("highlighted", what=what, value=fmt.join(values, lang)))
    return say.sentence(head, subject, facts)


_BAR_OPTIONS = (
    Option("stacked", "bool", "Stack the series in one bar per category (grouped side by side otherwise)."),
    Option("highlight", "category", "A category drawn in the highlight colour, the others muted."),
    Option("sort", "choice", "Order the categories by their total.", choices=("desc", "asc")),
    Option("value_labels", "bool", "Write each bar's value on it (default: on when there are few bars)."),
)


def _native(horizontal: bool):
    def native(spec):
        stacked = bool(spec.option("stacked")) and len(spec.series) > 1
        return ("bar_" if horizontal else "column_") + ("stacked" if stacked else "clustered")
    return native


declare("bar", "briefdeck.charts.kinds.bar:draw_bar", contract=DataContract(x="category", max_rows=MAX_CATEGORIES, rows_are="categories"), options=_BAR_OPTIONS,
        describe=describe_bar, native=_native(False), look=look_bar,
        summary="Vertical bars: a value (or a stack or group of values) per category or year.")
declare("hbar", "briefdeck.charts.kinds.bar:draw_hbar", contract=DataContract(x="category", max_rows=MAX_CATEGORIES, rows_are="categories"), options=_BAR_OPTIONS,
        describe=describe_bar, native=_native(True), look=look_bar,
        summary="Horizontal bars: rankings and long category names, first category on top.")
