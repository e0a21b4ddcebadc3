"""bar and hbar: categories along one axis, one bar (or stack, or group) per category.

Options: ``stacked`` (bool; grouped otherwise), ``highlight`` (a category drawn in the
highlight colour, the others muted), ``value_labels`` (default: on when there are few
bars), ``sort`` ("desc" | "asc": order categories by their total).
"""
from __future__ import annotations

import math

from ...errors import RenderError
from ..registry import DataContract, Option, declare, lazy
from .. import alt_text as a
from .. import format as fmt
from ..style import grey

c = lazy("briefdeck.charts.kinds.common")
mpatches = lazy("matplotlib.patches")


def draw_bar(ax, spec, style) -> None:
    _draw(ax, spec, style, horizontal=False)


def draw_hbar(ax, spec, style) -> None:
    _draw(ax, spec, style, horizontal=True)


def _draw(ax, spec, style, horizontal: bool) -> None:
    x = c.need_x(spec)
    cats = list(c.column(spec, x))
    series = list(spec.series)
    if not series:
        raise RenderError(f"a {spec.kind} chart needs `series` (one or more value columns)")
    values = [c.numbers(spec, s) for s in series]
    n, m = len(cats), len(series)
    stacked = bool(spec.option("stacked")) and m > 1
    totals = [sum(0.0 if math.isnan(v[i]) else v[i] for v in values) for i in range(n)]
    order = list(range(n))
    if spec.option("sort") in ("desc", "asc"):
        order.sort(key=lambda i: totals[i], reverse=spec.option("sort") == "desc")
    cats = [cats[i] for i in order]
    values = [[v[i] for i in order] for v in values]
    totals = [totals[i] for i in order]
    labels = [style.category(v) for v in cats]
    highlight = spec.option("highlight")
    hl = [highlight is not None and c.matches(v, highlight) for v in cats]

    n_bars = n if (stacked or m == 1) else n * m
    show_values = spec.option("value_labels", n_bars <= style.bars["value_labels_max"])
    width = style.bars["width"]
    pos = list(range(n))
    if horizontal:
        pos = [n - 1 - i for i in pos]  # first category on top, as read
    bar = ax.barh if horizontal else ax.bar
    size_key = "height" if horizontal else "width"
    base_key = "left" if horizontal else "bottom"

    # Stacked segments and grouped bars sit side by side: their colours must differ in grey.
    colours_m = style.series_colours(m) if m > 1 else (style.series_colour(0),)
    containers = []
    if m == 1:
        if any(hl):
            colours = [style.colour("highlight") if h else style.colour("muted_bar") for h in hl]
        else:
            colours = style.series_colour(0)
        containers.append(bar(pos, [0 if math.isnan(v) else v for v in values[0]], **{size_key: width}, color=colours, label=spec.label(series[0])))
    elif stacked:
        base = [0.0] * n
        for j, vals in enumerate(values):
            vals = [0 if math.isnan(v) else v for v in vals]
            containers.append(bar(pos, vals, **{size_key: width, base_key: list(base)}, color=colours_m[j],
                                  label=spec.label(series[j]), edgecolor=_edge(style, colours_m[j]),
                                  linewidth=style.lines["bar_edge"]))
            base = [b + v for b, v in zip(base, vals)]
    else:
        slot = width / m
        gap = style.bars["group_gap"]
        for j, vals in enumerate(values):
            off = (j - (m - 1) / 2) * slot * (-1 if horizontal else 1)
            containers.append(bar([p + off for p in pos], [0 if math.isnan(v) else v for v in vals], **{size_key: slot - gap},
                                  color=colours_m[j], label=spec.label(series[j]), edgecolor=_edge(style, colours_m[j], None),
                                  linewidth=style.lines["bar_edge"]))

    value_axis_name = "x" if horizontal else "y"
    size = style.size("tick")
    if horizontal:
        wrapped = [c.wrap_label(style, s, size, style.size("tick") * style.wrapping["category_chars"] * 0.55) for s in labels]
        c.category_axis(ax, "y", pos, wrapped)
        ax.grid(False, axis="y")
        ax.grid(True, axis="x")
        ax.spines["bottom"].set_visible(False)
        ax.tick_params(axis="x", length=0)
        ax.set_ylim(-0.6, n - 0.4)
    else:
        slot_pt = c.axes_width_pt(ax, style) / max(n, 1)
        if all(isinstance(v, int) for v in cats):
            shown = c.thin_labels(style, labels, slot_pt, size)
        else:
            shown = [c.wrap_label(style, s, size, max(slot_pt * 0.95, size * 3)) for s in labels]
        c.category_axis(ax, "x", pos, shown)
        ax.set_xlim(-0.6, n - 0.4)
    for tick, h in zip(ax.get_yticklabels() if horizontal else ax.get_xticklabels(), hl):
        if h:
            tick.set_fontweight("bold")

    c.value_axis(ax, style, value_axis_name, [v for vals in values for v in vals])
    all_values = [v for vals in values for v in vals if not math.isnan(v)]
    if min(all_values, default=0) >= 0:  # counts start at zero
        if horizontal:
            ax.set_xlim(left=0)
        else:
            ax.set_ylim(bottom=0)

    if show_values:
        vsize = style.size("value")
        pad = vsize * 0.3
        if stacked:
            ax.bar_label(containers[-1], labels=[style.number(t) for t in totals], padding=pad, fontsize=vsize)
        else:
            for j, cont in enumerate(containers):
                vals = values[j]
                lab = ["" if math.isnan(v) else style.number(v) for v in vals]
                drawn = ax.bar_label(cont, labels=lab, padding=pad, fontsize=vsize)
                if m == 1:
                    for t, h in zip(drawn, hl):
                        if h:
                            t.set_fontweight("bold")
        if m == 1:  # the labels carry the values: the axis would repeat them
            c.hide_value_axis(ax, value_axis_name)
    if spec.y_label and not (show_values and m == 1):
        if horizontal:  # the values run along x: label them there, wrapped to the chart's width
            avail = ax.figure.get_figwidth() * 72 - 2 * style.pad_in * 72
            ax.set_xlabel(c.wrap_label(style, spec.y_label, style.size("axis_label"), avail * 0.8, max_lines=2), loc="right")
        else:
            c.unit_label(ax, style, spec.y_label)
    if spec.x_label:  # the category axis' name, wrapped like every label so it can never take the plot's room
        along = (ax.figure.get_figheight() if horizontal else ax.figure.get_figwidth()) * 72 - 2 * style.pad_in * 72
        (ax.set_ylabel if horizontal else ax.set_xlabel)(c.wrap_label(style, spec.x_label, style.size("axis_label"), along * 0.8, max_lines=2))
    if m > 1:
        handles = [mpatches.Patch(color=colours_m[j]) for j in range(m)]
        names = [spec.label(s) for s in series]
        if stacked and not horizontal and m >= 4:
            # Four or more greys are hard to match by shade alone: list them beside the plot
            # in the order of the stack, top first, so position tells them apart too.
            c.legend_beside(ax, style, handles[::-1], names[::-1])
        else:
            c.legend_above(ax, style, handles, names)


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
    if not cats or not spec.series:
        return say.sentence(head, subject, facts)
    cols = [a.nums(spec, s) for s in spec.series]
    pattern = a.date_style(cats)
    totals = [sum(0.0 if math.isnan(c[k]) else c[k] for c in cols) for k in range(len(cats))]
    if m == 1 or stacked:
        hi, lo = a.argmax(totals), a.argmin(totals)
        facts.append(say("highest_total" if stacked else "highest", value=n(totals[hi]), at=say.at(cats[hi], pattern)))
        if len(cats) > 2 and lo != hi:
            facts.append(say("lowest", value=n(totals[lo]), at=say.at(cats[lo], pattern)))
    else:
        j, i = max(((j, a.argmax(c)) for j, c in enumerate(cols)),
                   key=lambda t: cols[t[0]][t[1]] if not math.isnan(cols[t[0]][t[1]]) else -math.inf)
        facts.append(say("highest_of", value=n(cols[j][i]), series=spec.label(spec.series[j]), at=say.at(cats[i], pattern)))
    hl = spec.option("highlight")
    if hl is not None:
        for i, cat in enumerate(cats):
            if not (cat == hl or str(cat) == str(hl)):
                continue
            what = fmt.category(cat, lang)
            if m == 1 or stacked:
                if totals[i] != max(totals):  # the highest is already said
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


declare("bar", "briefdeck.charts.kinds.bar:draw_bar", contract=DataContract(x="category"), options=_BAR_OPTIONS,
        describe=describe_bar, native=_native(False), summary="Vertical bars: a value (or a stack or group of values) per category or year.")
declare("hbar", "briefdeck.charts.kinds.bar:draw_hbar", contract=DataContract(x="category"), options=_BAR_OPTIONS,
        describe=describe_bar, native=_native(True), summary="Horizontal bars: rankings and long category names, first category on top.")
