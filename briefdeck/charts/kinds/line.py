"""line and area: values over time (x = year, or a date column such as months).

Lines are labelled directly at their right end (no legend); a single line is labelled
with its last value. Options: ``stacked`` (area only), ``end_values`` (default true: add the
last value to each end label), ``y_min`` (default 0 when all values are >= 0).
"""
from __future__ import annotations

import datetime as _dt
import math

from ...errors import RenderError
from .. import alt_text as a
from .. import dates as D
from .. import format as fmt
from .. import table as T
from ..colour import contrast
from ..registry import DataContract, Look, Option, declare, lazy

c = lazy("briefdeck.charts.kinds.common")


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
        room = _plot_room(ax, spec, style, values, series, label_width, end_values)
        few = len(xs) <= style.markers["points_max"] and room / max(len(xs), 1) >= 3 * style.markers["point"]
        for j, vals in enumerate(values):
            colour = style.series_colour(j)
            if area:
                ax.fill_between(xs, [0 if math.isnan(v) else v for v in vals], color=colour, alpha=0.25, linewidth=0)
            ax.plot(xs, vals, color=colour, linewidth=lw, solid_capstyle="round", clip_on=False)
            if few:  # a few points: each is a reading, not a sample of a curve -- mark it
                ax.plot(xs, vals, "o", color=colour, markersize=style.markers["point"], markeredgecolor=style.colour("background"),
                        markeredgewidth=style.markers["point"] * 0.2, clip_on=False, zorder=3)
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

    c.time_axis(ax, style, xs, _plot_room(ax, spec, style, values, series, label_width, end_values))
    all_values = [v for vals in values for v in vals if not math.isnan(v)] + list(totals)
    c.value_axis(ax, style, "y", all_values)
    y_min = spec.option("y_min", 0 if min(all_values, default=0) >= 0 else None)
    if y_min is not None:
        ax.set_ylim(bottom=y_min)
    ax.spines["left"].set_visible(False)
    labels.finish()
    c.unit_label(ax, style, spec.y_label)
    if spec.x_label:
        avail = ax.figure.get_figwidth() * 72 - 2 * style.pad_in * 72
        ax.set_xlabel(c.wrap_label(style, spec.x_label, style.size("axis_label"), avail * 0.8, max_lines=2))


def _plot_room(ax, spec, style, values, series, label_width: float, end_values: bool) -> float:
    """The plot's width in points before layout: the figure less the value ticks on the left
    and the end labels on the right (each as wide as its widest line)."""
    tick = style.size("tick")
    finite = [v for vals in values for v in vals if not math.isnan(v)] or [0.0]
    y_ticks = max(style.text_width(style.number(v), tick) for v in (min(finite), max(finite)))
    direct = style.size("direct")
    ends = []
    for j, vals in enumerate(values):
        k = _last(vals)
        text = style.number(vals[k]) if (len(series) == 1 and k is not None) else (
            spec.label(series[j]) + (f" {style.number(vals[k])}" if end_values and k is not None else ""))
        ends += [style.text_width(line, direct) for line in c.wrap_label(style, text, direct, label_width).split("\n")]
    end_w = max(ends, default=0.0) + style.markers["line_end"] + direct * (0.35 + (1.8 if len(series) > 1 else 0))
    return max(ax.figure.get_figwidth() * 72 - 2 * style.pad_in * 72 - y_ticks - tick - end_w, 36.0)


def _readable(colour: str) -> bool:
    """Is a palette colour dark enough to set text in on white (about 3:1)?"""
    return contrast(colour, "#FFFFFF") >= 3.0


# -- what a line or area chart says, and what it takes ----------------------------------------
def describe_line(spec, say) -> str:
    lang = spec.language

    def n(v):
        return fmt.number(v, lang)

    xs = list(spec.table.column(spec.x)) if spec.x else []
    stacked = spec.kind == "area" and bool(spec.option("stacked"))
    head = say("area_stacked" if stacked else "area" if spec.kind == "area" else "line")
    subject = say.with_range(a.subject(spec), xs, ", ")
    m = len(spec.series)
    if m > 1:
        subject += " " + say.series_phrase()
    facts = a.unit_facts(spec, subject, say)
    pattern = a.date_style(xs)
    cols = [a.nums(spec, s) for s in spec.series]
    if xs and cols:
        if stacked:
            totals = [sum(0.0 if math.isnan(c[k]) else c[k] for c in cols) for k in range(len(xs))]
            i = a.argmax(totals)
            facts.append(say("highest_total", value=n(totals[i]), at=say.at(xs[i], pattern)))
        else:
            j, i = max(((j, a.argmax(c)) for j, c in enumerate(cols)), key=lambda t: cols[t[0]][t[1]])
            if m > 1:
                facts.append(say("highest_of", value=n(cols[j][i]), series=spec.label(spec.series[j]), at=say.at(xs[i], pattern)))
            else:
                facts.append(say("highest", value=n(cols[j][i]), at=say.at(xs[i], pattern)))
        ends = []
        for j, col in enumerate(cols):
            last = next((k for k in range(len(col) - 1, -1, -1) if not math.isnan(col[k])), None)
            if last is not None:
                ends.append(say("value_of", value=n(col[last]), series=spec.label(spec.series[j])) if m > 1 else n(col[last]))
        if ends:
            at = say.at(xs[-1], pattern)
            facts.append(say("last_values", values=fmt.join(ends, lang), at=at) if m > 1
                         else say("last_value", value=ends[0], at=at))
    return say.sentence(head, subject, facts)


def look_line(spec, style) -> Look:
    """What a line or area chart's picture shows besides the data, for its native chart:
    points in time order, labelled as the axis labels them, the series colours, each line's
    last value written at its end."""
    x = T.need_x(spec)
    xs = list(T.column(spec, x))
    order = tuple(sorted(range(len(xs)), key=lambda i: xs[i]))
    ordered = [xs[i] for i in order]
    if ordered and all(isinstance(v, _dt.date) for v in ordered):
        short = D.SHORT_STYLE[D.cadence(ordered)]
        labels = tuple(style.date(v, short) for v in ordered)
    else:
        labels = tuple(style.category(v) for v in ordered)
    m = len(spec.series)
    stacked = spec.kind == "area" and bool(spec.option("stacked")) and m > 1
    colours = style.series_colours(m) if stacked else tuple(style.series_colour(j) for j in range(m))
    values = [v for s in spec.series for v in T.numbers(spec, s)]
    return Look(order=order, categories=labels, colours=colours, end_labels=spec.kind == "line",
                markers=spec.kind == "line" and len(xs) <= style.markers["points_max"],
                negative=any(v < 0 for v in values if not math.isnan(v)),
                number_format=fmt.excel_format(values, spec.language))


_LINE_OPTIONS = (
    Option("end_values", "bool", "Add each series' last value to its end label (default: true)."),
    Option("y_min", "number", "Lowest value on the axis (default: 0 when every value is at least 0)."),
)
# lines are never stacked (a stacked line reads as a total, not as its parts): only areas take it,
# so `stacked` on a line is reported as an unknown option rather than silently ignored
_AREA_OPTIONS = (Option("stacked", "bool", "Stack the series: each area sits on the one below, their sum is the top edge."),) + _LINE_OPTIONS
declare("line", "briefdeck.charts.kinds.line:draw_line", contract=DataContract(x="time"), options=_LINE_OPTIONS,
        describe=describe_line, native=lambda spec: "line_markers", look=look_line,
        summary="Values over time (years or dates), each line labelled at its end.")
declare("area", "briefdeck.charts.kinds.line:draw_area", contract=DataContract(x="time"), options=_AREA_OPTIONS,
        describe=describe_line, native=lambda spec: "area_stacked" if spec.option("stacked") and len(spec.series) > 1 else "area",
        look=look_line,
        summary="Amounts over time; stacked, the parts of a whole.")
