"""big_number: one value, big, with a short label under it.

The table has one row; series[0] is the value's column. Options: ``label`` (text under
the number; defaults to the series' label, then the title), ``unit`` (set after the number, smaller),
``align`` ("center" | "left"; default center; "left" sets the number's ink flush with the box's
left edge, in line with a caption above it).

Everything is kept inside the box: the number shrinks (not below ``big_number_min``, nor the
target's ``min_text``), then the label (to ``min_text``); a label that still does not fit
loses its last lines to '…'. The label wraps to the box width.
"""
from __future__ import annotations

from ...errors import RenderError
from ..registry import DataContract, Option, declare, lazy
from .. import format as fmt

c = lazy("briefdeck.charts.kinds.common")

GAP = 0.25  # space between the number's baseline and the label's first line, in number sizes
LEAD = 1.25  # label line height, in label sizes


def draw_big_number(ax, spec, style) -> None:
    fig = ax.figure
    fig.set_layout_engine(None)  # placed in points below
    ax.set_position((0, 0, 1, 1))
    ax.set_axis_off()
    if not spec.series or not spec.table.rows:
        raise RenderError("a big_number chart needs one row and `series: [<value column>]`")
    value = c.column(spec, spec.series[0])[0]
    text = style.number(value) if isinstance(value, (int, float)) else str(value)
    unit = spec.option("unit") or ""
    label = spec.option("label") or dict(spec.labels).get(spec.series[0]) or spec.title or ""
    left = spec.option("align", "center") == "left"
    W, H = fig.get_figwidth() * 72, fig.get_figheight() * 72
    pad = style.pad_in * 72
    pad_x = 0.0 if left else pad  # flush left: the caption above has no indent either
    avail_w, avail_h = W - 2 * pad_x, H - 2 * pad

    least = style.min_text
    top_size = style.size("big_number")
    floor = min(top_size, max(style.size("big_number_min"), least))
    unit_ratio = style.size("big_unit") / top_size

    def unit_size(s: float) -> float:
        return max(s * unit_ratio, least)

    def number_width(s: float) -> float:
        ink = style.ink(text, s, bold=True)[1]
        return ink + (s * GAP * 0.5 + style.text_width(unit, unit_size(s)) if unit else 0.0)

    def label_height(ls: float, n: int) -> float:
        return (ls * 0.95 + (n - 1) * ls * LEAD + ls * 0.25) if n else 0.0

    cap = style.ink(text, top_size, bold=True)[2] / top_size  # ink above the baseline, per point of size

    # 1. The number as large as the width allows (below the floor only if it cannot fit at all).
    size = top_size
    if number_width(size) > avail_w:
        size = max(size * avail_w / number_width(size), least)
        while size > least and number_width(size) > avail_w:
            size = max(size - 0.5, least)
        floor = min(floor, size)

    # 2. The height: shrink the number to its floor, then the label, then cut the label.
    lsize = style.size("big_label")
    lines = style.wrap(label, avail_w, lsize) if label else []
    while True:
        fits = (avail_h - label_height(lsize, len(lines))) / (cap + (GAP if lines else 0.0))
        if fits >= floor or not lines or lsize <= least:
            break
        lsize = max(lsize - 0.5, least)
        lines = style.wrap(label, avail_w, lsize)
    size = min(size, max(fits, floor))
    if lines and (size * (cap + GAP) + label_height(lsize, len(lines))) > avail_h:
        room = avail_h - size * (cap + GAP) - lsize * 1.2
        keep = max(0, 1 + int(room // (lsize * LEAD))) if room >= 0 else 0
        lines = style.wrap(label, avail_w, lsize, max_lines=keep) if keep else []
    if not lines:  # the number alone: as big as the height allows, down to the floor
        size = max(min(size, avail_h / cap if cap else size), floor)

    block = size * cap + ((size * GAP + label_height(lsize, len(lines))) if lines else 0.0)
    top = max((H - block) / 2, pad)
    base = top + size * cap
    ink_left, ink_w, _, _ = style.ink(text, size, bold=True)
    x0 = (pad_x if left else (W - number_width(size)) / 2) - ink_left  # the ink, not the origin, lines up
    ax.set_xlim(0, W)
    ax.set_ylim(H, 0)
    colour = style.colour("highlight")
    ax.text(x0, base, text, fontsize=size, fontweight="bold", color=colour, va="baseline", ha="left")
    if unit:
        ax.text(x0 + ink_left + ink_w + size * GAP * 0.5, base, unit, fontsize=unit_size(size), color=colour,
                va="baseline", ha="left")
    lx, ha = (pad_x, "left") if left else (W / 2, "center")
    for i, line in enumerate(lines):
        ax.text(lx, base + size * GAP + lsize * 0.95 + i * lsize * LEAD, line, fontsize=lsize,
                color=style.colour("text"), va="baseline", ha=ha)


# -- what a big number says, and what it takes -------------------------------------------------
def describe_big_number(spec, say) -> str:
    lang = spec.language
    value = spec.table.rows[0][spec.table.columns.index(spec.series[0])] if spec.table.rows and spec.series else None
    text = fmt.number(value, lang) if isinstance(value, (int, float)) else str(value)
    unit = spec.option("unit")
    if unit:
        text += f" {unit}"
    label = (spec.option("label") or dict(spec.labels).get(spec.series[0]) or spec.title or spec.label(spec.series[0])) if spec.series else ""
    return f"{label}{say.table['colon']}{text}." if label else f"{text}."


declare("big_number", "briefdeck.charts.kinds.big_number:draw_big_number",
        contract=DataContract(x="none", series_min=1, series_max=1, first_value=True),
        options=(Option("label", "text", "Text under the number (default: the series' label, then the title)."),
                 Option("unit", "text", "Set after the number, smaller ('%', 'km')."),
                 Option("align", "choice", "Where the number sits in its box.", choices=("center", "left"))),
        describe=describe_big_number, compact=True,
        summary="One value, big, with a short label: the first row of the first series.", axis_labels=())
