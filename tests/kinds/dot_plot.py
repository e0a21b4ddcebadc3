"""A chart kind defined in one file, as a plugin would: drawing, data contract, options, alt text.

Importing this module registers ``dot_plot``; nothing else in briefdeck changes for it.
"""
from __future__ import annotations

from briefdeck.charts import DataContract, Option, register_kind


def describe(spec, say) -> str:
    values = say.table  # the chart's language: a kind may use its own words or the shared phrases
    return say.sentence("Dot plot", spec.title, [say("bars", n=len(spec.table.rows))]) if values else ""


@register_kind(
    "dot_plot",
    contract=DataContract(x="category", series_min=1, series_max=1),
    options=[Option("highlight", "category", "A category drawn in the highlight colour."),
             Option("dot_size", "number", "Dot diameter in points.")],
    describe=describe,
    summary="One dot per category on a value axis.",
)
def dot_plot(ax, spec, style) -> None:
    cats = list(spec.table.column(spec.x))
    values = [v for v in spec.table.column(spec.series[0])]
    size = float(spec.option("dot_size", style.markers["line_end"] * 2))
    hl = spec.option("highlight")
    colours = [style.colour("highlight") if hl is not None and str(c) == str(hl) else style.series_colour(0) for c in cats]
    ax.scatter(values, range(len(cats)), s=size ** 2, c=colours)
    ax.set_yticks(range(len(cats)), [style.category(c) for c in cats])
