"""line and area: values over time (x = year, or a date column such as months).

Lines are labelled directly at their right end (no legend); a single line is labelled
with its last value. Options: ``stacked`` (area), ``end_values`` (default true: add the
last value to each end label), ``y_min`` (default 0 when all values are >= 0).
"""
from __future__ import annotations

import datetime as _dt
import math

from ...errors import RenderError
from . import common as c


def draw_line(ax, spec, style) -> None:
    _draw(ax, spec, style, area=False)


def draw_area(ax, spec, style) -> None:
    _draw(ax, spec, style, area=True)


def _last(values: list[float]) -> int | None:
    return next((k for k in range(len(values) - 1, -1, -1) if not math.isnan(values[k])), None)


def _draw(ax, spec, style, area: bool) -> None:
    x = c.need_x(spec)
    xs = list(c.column(spec, x))
    dates = all(isinstance(v, _dt.date) for v in xs)
    if not dates and not all(isinstance(v, int) and not isinstance(v, bool) for v in xs):
        raise RenderError(f"a {spec.kind} chart needs years or dates in '{x}' (one per row, none missing)")
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    xs = [xs[i] for i in order]
    series = list(spec.series)
    values = [[vals[i] for i in order] for vals in (c.numbers(spec, s) for s in series)]
    m = len(series)
    stacked = area and bool(spec.option("stacked")) and m > 1
    end_values = spec.option("end_values", True)
    labels = c.RepelGroup(ax, style)
    # End labels stay on one line unless long; never wider than a third of the chart.
    label_width = min(style.wrapping["label_chars"] * style.size("direct") * 0.8, ax.figure.get_figwidth() * 72 / 3)
    lw = style.lines["series"]

    if stacked:
        filled = [[0.0 if math.isnan(v) else v for v in vals] for vals in values]
        colours = style.series_colours(m)  # neighbouring bands differ in grey
        ax.stackplot(xs, filled, colors=list(colours),
                     edgecolor=style.colour("background"), linewidth=style.lines["bar_edge"])
        base = [0.0] * len(xs)
        for j, vals in enumerate(filled):
            top = [b + v for b, v in zip(base, vals)]
            if xs and any(vals):  # an all-zero series draws nothing: nothing to label
                mid = (base[-1] + top[-1]) / 2
                text = spec.label(series[j]) + (f" {style.number(vals[-1])}" if end_values else "")
                labels.add(mid, c.wrap_label(style, text, style.size("direct"), label_width), colours[j] if _readable(colours[j]) else style.colour("text"))
            base = top
        totals = base
    else:
        for j, vals in enumerate(values):
            colour = style.series_colour(j)
            if area:
                ax.fill_between(xs, [0 if math.isnan(v) else v for v in vals], color=colour, alpha=0.25, linewidth=0)
            ax.plot(xs, vals, color=colour, linewidth=lw, solid_capstyle="round", clip_on=False)
            k = _last(vals)
            if k is None:
                continue
            ax.plot([xs[k]], [vals[k]], "o", color=colour, markersize=style.markers["line_end"], markeredgewidth=0, clip_on=False)
            if m == 1:
                text = style.number(vals[k])
            else:
                text = spec.label(series[j]) + (f" {style.number(vals[k])}" if end_values else "")
            labels.add(vals[k], c.wrap_label(style, text, style.size("direct"), label_width), colour if _readable(colour) else style.colour("text"), bold=m == 1,
                       offset_pt=style.markers["line_end"] / 2 + style.size("direct") * 0.35)
        totals = [v for vals in values for v in vals if not math.isnan(v)]

    c.time_axis(ax, style, xs)
    all_values = [v for vals in values for v in vals if not math.isnan(v)] + list(totals)
    c.value_axis(ax, style, "y", all_values)
    y_min = spec.option("y_min", 0 if min(all_values, default=0) >= 0 else None)
    if y_min is not None:
        ax.set_ylim(bottom=y_min)
    ax.spines["left"].set_visible(False)
    labels.finish()
    c.unit_label(ax, style, spec.y_label)
    if spec.x_label:
        ax.set_xlabel(spec.x_label)


def _readable(colour: str) -> bool:
    """Is a palette colour dark enough to set text in on white (about 3:1)?"""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in (r, g, b)]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return 1.05 / (lum + 0.05) >= 3.0
