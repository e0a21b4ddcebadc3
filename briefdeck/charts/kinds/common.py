"""Helpers shared by the built-in kinds: data extraction, axes, legends, direct labels."""
from __future__ import annotations

import datetime as _dt
import math
from typing import Any, Sequence

from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import IdentityTransform, blended_transform_factory, offset_copy

from ...errors import RenderError


# -- data -----------------------------------------------------------------------------
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
    """Does a category equal an option value (written as text in the source)?"""
    return value == wanted or str(value) == str(wanted)


# -- axes -----------------------------------------------------------------------------
def value_axis(ax, style, which: str, values: Sequence[float]) -> None:
    """Few, round, localised ticks on the value axis; integer steps for counts."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    integer = all_int(values)
    axis.set_major_locator(MaxNLocator(nbins=style.ticks["max_y"], integer=integer, steps=[1, 2, 2.5, 5, 10], min_n_ticks=3))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: style.number(round(v, 6))))


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


def time_axis(ax, style, xs: Sequence[Any]) -> None:
    """Years (ints) or dates on x: year ticks, at most ticks.max_x of them, no thousands separator."""
    import matplotlib.dates as mdates

    max_x = style.ticks["max_x"]
    if xs and isinstance(xs[0], _dt.date):
        years = xs[-1].year - xs[0].year + 1
        if years >= 2:
            base = next(b for b in (1, 2, 5, 10, 20, 50, 100) if years / b <= max_x)
            ax.xaxis.set_major_locator(mdates.YearLocator(base=base))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: str(mdates.num2date(v).year)))
        else:
            ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=max_x))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: style.date(mdates.num2date(v).date(), "MMM y")))
    else:
        years = [int(x) for x in xs]
        ax.xaxis.set_major_locator(MaxNLocator(nbins=max_x, integer=True, min_n_ticks=3))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: str(int(round(v)))))
        if years:  # end exactly at the data so end labels sit beside the last point
            ax.set_xlim(min(years), max(years))


def unit_label(ax, style, text: str) -> None:
    """The value axis' label, written horizontally above the plot (no tilted heads)."""
    if text:
        ax.set_title(text, loc="left", fontsize=style.size("axis_label"), color=style.colour("muted_text"), pad=style.size("axis_label") * 0.6)


# -- legends and direct labels ---------------------------------------------------------
def legend_above(ax, style, handles, labels: list[str]) -> None:
    """A one- or two-row legend above the plot, left-aligned, covering no data."""
    size = style.size("legend")
    avail = ax.figure.get_figwidth() * 72 - 2 * style.pad_in * 72
    entry = [style.text_width(s, size) + size * 2.6 for s in labels]  # handle + gaps
    ncols = len(labels)
    while ncols > 1 and sum(sorted(entry, reverse=True)[:ncols]) > avail:
        ncols -= 1
    ax.figure.legend(handles, labels, loc="outside upper left", ncols=ncols, fontsize=size, frameon=False,
                     borderaxespad=style.pad_in * 72 / size)  # clear of the figure's edge


class RepelText(Text):
    """A direct label kept clear of its neighbours: positions resolve at draw time, when
    the layout (and so the data-to-points scale) is final."""

    group: "RepelGroup"

    def draw(self, renderer):
        if not self.get_visible():
            return
        saved = (self.get_transform(), self.get_position())
        x, y = self.group.resolve(self)
        self.set_transform(IdentityTransform())
        self.set_position((x, y))
        try:
            super().draw(renderer)
        finally:
            self.set_transform(saved[0])
            self.set_position(saved[1])


class RepelGroup:
    def __init__(self, ax, style, gap_lines: float = 1.15):
        self.ax, self.style, self.gap_lines = ax, style, gap_lines
        self.items: list[tuple] = []  # (text, data y, axes x, offset pt)

    def add(self, y: float, label: str, colour: str, *, x=1.0, offset_pt: float = 4.0, size: float | None = None, bold=False):
        size = size or self.style.size("direct")
        # Until drawn, the label sits at its anchor plus the offset, so the layout reserves its room.
        trans = offset_copy(blended_transform_factory(self.ax.transAxes, self.ax.transData), fig=self.ax.figure,
                            x=offset_pt, units="points")
        t = RepelText(x, y, label, transform=trans, fontsize=size, color=colour, va="center", ha="left",
                      fontweight="bold" if bold else "normal", clip_on=False)
        t.group = self
        self.items.append((t, y, x, offset_pt))
        self.ax.add_artist(t)
        return t

    def resolve(self, which: RepelText) -> tuple[float, float]:
        ax = self.ax
        scale = ax.figure.dpi / 72.0
        pts = []
        for t, y, x, off in self.items:
            px = ax.transAxes.transform((x, 0))[0] + off * scale
            py = ax.transData.transform((0, y))[1]
            n_lines = t.get_text().count("\n") + 1
            pts.append([py, px, t.get_fontsize() * scale * self.gap_lines * n_lines, t])
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
        placed = {id(pts[i][3]): (pts[i][1], ys[j]) for j, i in enumerate(order)}
        return placed[id(which)]
