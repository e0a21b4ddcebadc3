"""Helpers shared by the built-in kinds: data extraction, axes, legends, direct labels."""
from __future__ import annotations

import datetime as _dt
from typing import Any, Sequence

from matplotlib.text import Text
from matplotlib.ticker import Formatter, FuncFormatter, MaxNLocator
from matplotlib.transforms import IdentityTransform, blended_transform_factory, offset_copy

# data: pure helpers in ..table (a kind's look uses them without matplotlib), here for the kinds
from ..table import all_int, column, is_year_like, matches, need_x, numbers  # noqa: F401


# -- axes -----------------------------------------------------------------------------
class NumberFormatter(Formatter):
    """Value ticks in the chart's language ('1,000', '1 000', '−250'), with as many decimals as
    it takes for no two ticks to read the same (0.25 steps: '0.25', '0.5'; never '0', '0')."""

    def __init__(self, style):
        self.style, self.decimals = style, None

    def set_locs(self, locs):
        super().set_locs(locs)
        self.decimals = None
        shown = [self.style.number(round(v, 6)) for v in locs]
        if len(set(shown)) < len(shown):
            for d in range(1, 7):
                if len({self.style.number(v, d) for v in locs}) == len(locs):
                    self.decimals = d
                    break

    def __call__(self, v, pos=None):
        return self.style.number(round(v, 6)) if self.decimals is None else self.style.number(v, self.decimals)


def value_axis(ax, style, which: str, values: Sequence[float]) -> None:
    """Few, round, localised ticks on the value axis; integer steps for counts."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    integer = all_int(values)
    axis.set_major_locator(MaxNLocator(nbins=style.ticks["max_y"], integer=integer, steps=[1, 2, 2.5, 5, 10], min_n_ticks=3))
    axis.set_major_formatter(NumberFormatter(style))


def fit_ends(ends: Sequence[tuple[float, float]], length_pt: float, lo: float, hi: float) -> tuple[float, float]:
    """Limits of a value axis ``length_pt`` long that hold every bar end with the room it needs
    beyond it: ``ends`` are (value, points), the label going up (right) from a value >= 0 and
    down (left) from a negative one. ``lo``..``hi``: what the limits must hold anyway."""
    lo_lim, hi_lim = lo, hi
    if hi_lim - lo_lim <= 0:
        hi_lim = lo_lim + 1.0
    for _ in range(12):
        k = (hi_lim - lo_lim) / max(length_pt, 1.0)  # data units per point
        new_lo = min([lo] + [v - r * k for v, r in ends if v < 0])
        new_hi = max([hi] + [v + r * k for v, r in ends if v >= 0])
        if new_hi - new_lo <= 0:
            new_hi = new_lo + 1.0
        if abs(new_lo - lo_lim) < 1e-12 and abs(new_hi - hi_lim) < 1e-12:
            break
        lo_lim, hi_lim = new_lo, new_hi
    return lo_lim, hi_lim


def hide_value_axis(ax, which: str) -> None:
    (ax.yaxis if which == "y" else ax.xaxis).set_visible(False)
    ax.spines["left" if which == "y" else "bottom"].set_visible(False)
    ax.grid(False)


def category_axis(ax, which: str, positions, labels: Sequence[str]) -> None:
    """Categories with no tick marks: the bars themselves mark the positions."""
    if which == "x":
        ax.set_xticks(list(positions), list(labels))
        ax.tick_params(axis="x", length=0)
    else:
        ax.set_yticks(list(positions), list(labels))
        ax.tick_params(axis="y", length=0)


def thin_labels(style, labels: list[str], slot_pt: float, size: float) -> list[str]:
    """Blank every other label (or more) when neighbours would touch."""
    widest = max((style.text_width(s, size) for s in labels), default=0)
    step = 1
    while step < len(labels) and widest + size * 0.6 > slot_pt * step:
        step += 1
    return [s if i % step == 0 else "" for i, s in enumerate(labels)]


def axes_width_pt(ax, style) -> float:
    """The plot area's width before layout: figure width less room for labels."""
    w_in = ax.figure.get_figwidth()
    return max(w_in * 72 - 2 * style.pad_in * 72 - 4 * style.size("tick"), 36.0)


def _year_step_fitting(span: int, max_ticks: int, room: float, need: float) -> int:
    """The smallest step of 1, 2, 5, 10, ... years giving at most ``max_ticks`` ticks that
    stand at least ``need`` points apart over ``room`` points."""
    base = 1
    while True:
        for b in (base, 2 * base, 5 * base):
            if span // b + 1 <= max(max_ticks, 1) and (b >= span or b * room / span >= need):
                return b
        base *= 10


def time_axis(ax, style, xs: Sequence[Any], room_pt: float | None = None) -> None:
    """Years (ints) or dates on x, ticks picked from the span (charts.dates.plan_ticks): days or
    weeks over a few weeks ('7 Jan 2013', '14 Jan'), months or quarters over a few months
    ('Jan 2013', 'Q3 2009'), years counted from the first year of the data otherwise, so the
    axis is labelled where the data starts; at most ticks.max_x, no two alike, none touching.
    ``room_pt``: the axis' length in points when the caller knows it better than the figure."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import FixedLocator

    from .. import dates as D

    max_x = style.ticks["max_x"]
    room = room_pt if room_pt is not None else axes_width_pt(ax, style)
    size = style.size("tick")
    # the first label stands under the value axis' lowest: keep it below that label's descent
    ax.tick_params(axis="x", pad=max(style.lines["tick_length"] * 0.8, 0.9 * size - style.lines["tick_length"]))
    if xs and isinstance(xs[0], _dt.date):
        first, last = xs[0], xs[-1]
        if first == last:  # one point: a fortnight either side, within the calendar, one tick
            lo = first - _dt.timedelta(days=min(15, (first - _dt.date.min).days))
            hi = last + _dt.timedelta(days=min(15, (_dt.date.max - last).days))
            text = style.date(first, D.SHORT_STYLE[D.cadence(xs)].replace("day_short", "day_medium"))
            ax.xaxis.set_major_locator(FixedLocator([mdates.date2num(first)]))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: text))
            ax.set_xlim(lo, hi)
            return
        plan, labels = D.plan_ticks(first, last, D.cadence(xs), lambda t: style.date(t.date, t.style),
                                    lambda s: style.text_width(s, size), room, max_x, size * 0.8)
        where = [mdates.date2num(t.date) for t in plan.ticks]
        by_pos = dict(zip(where, labels))
        ax.xaxis.set_major_locator(FixedLocator(where))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: by_pos.get(v, "")))
        # years: from 1 January of the first year (July 2013 data starts after the '2013' tick),
        # finer units from the first date; to the last data point, where the end labels sit
        ax.set_xlim(plan.start, last)
    else:
        years = [int(x) for x in xs]
        if years:
            lo, hi = min(years), max(years)
            widest = max(style.text_width(str(y), size) for y in (lo, hi))
            step = _year_step_fitting(hi - lo, max_x, room, widest + size * 0.8)
            ax.xaxis.set_major_locator(FixedLocator(list(range(lo, hi + 1, step))))
            # end exactly at the data so end labels sit beside the last point (one year: +-0.5)
            ax.set_xlim(lo, hi) if hi > lo else ax.set_xlim(lo - 0.5, hi + 0.5)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: str(int(round(v)))))


def unit_label(ax, style, text: str) -> None:
    """The value axis' label, written horizontally above the plot (no tilted heads)."""
    if text:
        size = style.size("axis_label")
        avail = ax.figure.get_figwidth() * 72 - 2 * style.pad_in * 72
        ax.set_title(wrap_label(style, text, size, avail, max_lines=2), loc="left", fontsize=size, color=style.colour("muted_text"), pad=size * 0.6)


# -- legends and direct labels ---------------------------------------------------------
def legend_above(ax, style, handles, labels: list[str]) -> None:
    """A one- or two-row legend above the plot, left-aligned, covering no data."""
    size = style.size("legend")
    avail = ax.figure.get_figwidth() * 72 - 2 * style.pad_in * 72
    labels = [wrap_label(style, s, size, avail / 2) for s in labels]  # no entry wider than half the chart
    entry = [max(style.text_width(t, size) for t in s.split("\n")) + size * 2.6 for s in labels]  # handle + gaps
    ncols = len(labels)
    while ncols > 1 and sum(sorted(entry, reverse=True)[:ncols]) > avail:
        ncols -= 1
    ax.figure.legend(handles, labels, loc="outside upper left", ncols=ncols, fontsize=size, frameon=False,
                     borderaxespad=style.pad_in * 72 / size)  # clear of the figure's edge


def legend_beside(ax, style, handles, labels: list[str]) -> None:
    """A one-column legend right of the plot, top-aligned with it (entries in the order given)."""
    size = style.size("legend")
    width = style.wrapping["label_chars"] * size * 0.55
    labels = [wrap_label(style, s, size, width) for s in labels]
    ax.figure.legend(handles, labels, loc="outside right upper", ncols=1, fontsize=size, frameon=False,
                     labelspacing=0.45, borderaxespad=style.pad_in * 72 / size)


def _longest_prefix(style, line: str, size: float, width: float) -> int:
    """The most characters of ``line`` that fit ``width`` points with a hyphen after them (at least
    one): a binary search, as a prefix only grows wider."""
    lo, hi = 1, len(line) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if style.text_width(line[:mid] + "-", size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def wrap_label(style, text: str, size: float, width: float, max_lines: int = 3) -> str:
    """A label wrapped to ``width`` points; a word longer than that is cut, so one label can
    never take the plot's width, and past ``max_lines`` it ends in '…', so no label (a long
    series name, an axis label) can take the plot's height either."""
    lines = []
    for line in style.wrap(text, width, size):
        while len(line) > 1 and style.text_width(line, size) > width and len(lines) <= max_lines:
            k = _longest_prefix(style, line, size, width)
            lines.append(line[:k] + "-")
            line = line[k:]
        lines.append(line)
        if len(lines) > max_lines:  # the rest is cut at the '…' below: never measured (a 10,000-letter word)
            break
    if len(lines) > max_lines:
        last = lines[max_lines - 1].rstrip("-")
        while len(last) > 1 and style.text_width(last + "…", size) > width:
            last = last[:-1]
        lines = lines[: max_lines - 1] + [last.rstrip() + "…"]
    return "\n".join(lines)


class HaloText(Text):
    """Text with an outline in the background colour behind it, so it stays legible across
    borders and lines. The outline is drawn as a path first; the text itself stays text."""

    def __init__(self, *args, halo: tuple[str, float] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.halo = halo  # (colour, total outline width in points)

    def draw(self, renderer):
        if not self.get_visible() or not self.get_text() or not self.halo:
            return super().draw(renderer)
        from matplotlib import patheffects

        colour, width = self.halo
        own = self.get_color()
        self.set_color(colour)
        self.set_path_effects([patheffects.Stroke(linewidth=width, foreground=colour, joinstyle="round")])
        try:
            super().draw(renderer)
        finally:
            self.set_path_effects([])
            self.set_color(own)
        super().draw(renderer)


class RepelText(Text):
    """A direct label kept clear of its neighbours: positions resolve at draw time, when
    the layout (and so the data-to-points scale) is final. A label moved off its anchor
    gets a leader line back to it."""

    group: "RepelGroup"

    def draw(self, renderer):
        if not self.get_visible():
            return
        saved = (self.get_transform(), self.get_position())
        x, y, anchor = self.group.resolve(self)
        if anchor is not None:
            self.group.leader(renderer, anchor, (x, y), self)
        self.set_transform(IdentityTransform())
        self.set_position((x, y))
        try:
            super().draw(renderer)
        finally:
            self.set_transform(saved[0])
            self.set_position(saved[1])


class RepelGroup:
    """End labels at the right of a plot, spread so none overlaps the next.

    Call :meth:`finish` after the axes limits are set: when labels have to move off their
    anchors, all of them step right to leave room for leader lines, and they spread a
    little wider so each is read as one line.
    """

    def __init__(self, ax, style, gap_lines: float = 1.15, spread_lines: float = 1.4):
        self.ax, self.style, self.gap_lines, self.spread_lines = ax, style, gap_lines, spread_lines
        self.items: list[list] = []  # [text, data y, axes x, offset pt]
        self.lead_pt = 0.0  # room for leader lines between anchor and label (0: none)

    def add(self, y: float, label: str, colour: str, *, x=1.0, offset_pt: float = 4.0, size: float | None = None, bold=False):
        size = size or self.style.size("direct")
        # Until drawn, the label sits at its anchor plus the offset, so the layout reserves its room.
        t = RepelText(x, y, label, transform=self._transform(x, offset_pt), fontsize=size, color=colour, va="center",
                      ha="left", fontweight="bold" if bold else "normal", clip_on=False)
        t.group = self
        self.items.append([t, y, x, offset_pt])
        self.ax.add_artist(t)
        return t

    def _transform(self, x, offset_pt):
        return offset_copy(blended_transform_factory(self.ax.transAxes, self.ax.transData), fig=self.ax.figure,
                           x=offset_pt, units="points")

    def finish(self) -> None:
        """Decide on leader lines from the pre-layout scale (close to the final one)."""
        if len(self.items) < 2:
            return
        moved = self._positions(self.gap_lines)
        if any(abs(y - a) > 0.35 * h for (_x, y, a, h) in moved.values()):
            self.gap_lines = self.spread_lines
            self.lead_pt = self.style.size("direct") * 1.8
            for item in self.items:
                item[0].set_transform(self._transform(item[2], item[3] + self.lead_pt))

    def _positions(self, gap_lines: float) -> dict:
        """id(text) -> (x, y, anchor y, height) in display units."""
        ax = self.ax
        scale = ax.figure.dpi / 72.0
        pts = []
        for t, y, x, off in self.items:
            px = ax.transAxes.transform((x, 0))[0] + (off + self.lead_pt) * scale
            py = ax.transData.transform((0, y))[1]
            n_lines = t.get_text().count("\n") + 1
            pts.append([py, px, t.get_fontsize() * scale * gap_lines * n_lines, t])
        order = sorted(range(len(pts)), key=lambda i: pts[i][0])
        ys = [pts[i][0] for i in order]
        hs = [pts[i][2] for i in order]
        # Push up to clear the one below, then shift the block down if it left the axes.
        for k in range(1, len(ys)):
            need = (hs[k] + hs[k - 1]) / 2
            if ys[k] - ys[k - 1] < need:
                ys[k] = ys[k - 1] + need
        top = ax.bbox.y1 + hs[-1] / 2 if ys else 0
        if ys and ys[-1] > top:
            shift = ys[-1] - top
            ys = [y - shift for y in ys]
            for k in range(len(ys) - 2, -1, -1):
                need = (hs[k] + hs[k + 1]) / 2
                if ys[k + 1] - ys[k] < need:
                    ys[k] = ys[k + 1] - need
        return {id(pts[i][3]): (pts[i][1], ys[j], pts[i][0], hs[j]) for j, i in enumerate(order)}

    def resolve(self, which: RepelText):
        """(x, y, anchor) in display units; anchor (x, y) when a leader line is wanted."""
        x, y, a, h = self._positions(self.gap_lines)[id(which)]
        if not self.lead_pt or abs(y - a) < 0.5:
            return x, y, None
        scale = self.ax.figure.dpi / 72.0
        return x, y, (x - (self.lead_pt - 1.0) * scale, a)

    def leader(self, renderer, anchor, label_xy, text) -> None:
        from matplotlib.lines import Line2D

        scale = self.ax.figure.dpi / 72.0
        (ax_, ay), (lx, ly) = anchor, label_xy
        line = Line2D([ax_, lx - 0.2 * self.lead_pt * scale, lx - 1.5 * scale], [ay, ly, ly],
                      transform=IdentityTransform(), color=self.style.colour("leader"),
                      linewidth=self.style.lines["leader"], solid_joinstyle="round", solid_capstyle="butt")
        line.set_figure(self.ax.figure)
        line.draw(renderer)
