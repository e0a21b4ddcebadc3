"""big_number: one value, big, with a short label under it.

The table has one row; series[0] is the value's column. Options: ``label`` (text under
the number; defaults to the series' label, then the title), ``unit`` (set after the number, smaller),
``align`` ("center" | "left"; default center).
"""
from __future__ import annotations


from ...errors import RenderError
from . import common as c


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
    W, H = fig.get_figwidth() * 72, fig.get_figheight() * 72
    pad = style.pad_in * 72
    avail = W - 2 * pad

    size, usize, lsize = style.size("big_number"), style.size("big_unit"), style.size("big_label")
    gap = usize * 0.25

    def widths(s: float, u: float) -> tuple[float, float]:
        return style.text_width(text, s, bold=True), (style.text_width(unit, u) + gap if unit else 0.0)

    nw, uw = widths(size, usize)
    if nw + uw > avail:  # a long number in a narrow box: shrink the number, never the label
        k = avail / (nw + uw)
        size, usize = max(size * k, lsize), max(usize * k, lsize)
        nw, uw = widths(size, usize)
    lines = style.wrap(label, avail, lsize) if label else []
    lh = lsize * 1.25
    cap = size * 0.72  # digits reach about the cap height
    block = cap + (size * 0.3 + len(lines) * lh if lines else 0)
    top = max((H - block) / 2, pad)
    base = top + cap
    align = spec.option("align", "center")
    x0 = pad if align == "left" else (W - nw - uw) / 2
    ax.set_xlim(0, W)
    ax.set_ylim(H, 0)
    colour = style.colour("highlight")
    ax.text(x0, base, text, fontsize=size, fontweight="bold", color=colour, va="baseline", ha="left")
    if unit:
        ax.text(x0 + nw + gap, base, unit, fontsize=usize, color=colour, va="baseline", ha="left")
    lx, ha = (pad, "left") if align == "left" else (W / 2, "center")
    for i, line in enumerate(lines):
        ax.text(lx, base + size * 0.3 + lsize * 0.95 + i * lh, line, fontsize=lsize, color=style.colour("text"),
                va="baseline", ha=ha)
