"""The chart service: one declarative chart spec -> a chart for the printed page or the slide.

    from briefdeck.charts import ChartService, describe
    svc = ChartService(theme, cache_dir=Path(".cache/charts"), jobs=2)
    r = svc.render(figure, "page", 5.5, 3.2)   # r.svg (text as text), r.png (slide only), r.key
    rs = svc.render_many([(fig, "slide", 12, 5.5), ...])
    describe(figure.chart)                      # alt text from the data; pure Python

Each chart is drawn at the size it is placed, in inches, with font sizes in points from the
theme's ``charts.yaml`` (``targets.page`` >= 7 pt in the brief's sans font, ``targets.slide``
>= 14 pt in the deck font). Page charts come as SVG; slide charts as SVG plus a PNG at
``png_dpi``. Output bytes are reproducible and cached under ``cache_dir`` by a hash of the spec
and its data, the target and size, the chart theme, fonts and style file, the drawing code and
the matplotlib version. Importing this package imports no matplotlib: cache hits never pay for it.

Kinds (each declared in its own module under ``kinds/``, with its data contract, options,
alt text and native-chart support: see ``registry``): bar, hbar, line, area, timeline,
big_number, map. A custom kind is a function registered under a new name::

    from briefdeck.charts import DataContract, Option, register_kind

    @register_kind("dot_plot", contract=DataContract(x="category", series_max=1),
                   options=[Option("highlight", "category", "A category drawn in the highlight colour.")],
                   describe=lambda spec, say: say.sentence("Dot plot", spec.title, []))
    def dot_plot(ax, spec, style):
        # ax: a matplotlib Axes filling the figure (constrained layout, theme rc applied)
        # spec: model.ChartSpec with its DataTable; spec.option(name) for settings
        # style: ChartStyle: style.size("tick"), style.series_colour(i), style.colour("grid"),
        #        style.series_colours(m) (m series kept apart in grey), style.number(v),
        #        style.date(d, "month_short"), style.text_width(s, size), style.wrap(...)
        ax.plot(...)

Sources then use ``kind: dot_plot`` and the loader checks their data against the contract; the
renderers need no change. Register before building; with the 'spawn' start method (no
'fork'), custom kinds are drawn in the main process.
"""
from __future__ import annotations

from .alt_text import describe
from .kinds import bar, big_number, line, locator_map, timeline  # noqa: F401  (each declares its kinds)
from .registry import KINDS, DataContract, Kind, Option, register_kind
from .service import ChartService, RenderedChart
from .style import TARGETS, ChartStyle

__all__ = ["ChartService", "RenderedChart", "ChartStyle", "DataContract", "Kind", "KINDS", "Option", "TARGETS",
           "describe", "register_kind"]
