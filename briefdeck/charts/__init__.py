"""The chart service: one declarative chart spec -> a chart for the printed page or the slide.

    from briefdeck.charts import ChartService, describe
    svc = ChartService(theme, cache_dir=Path(".cache/charts"), jobs=2)
    r = svc.render(figure, "page", 5.5, 3.2)   # r.svg (text as text), r.png (slide only), r.key
    rs = svc.render_many([(fig, "slide", 12, 5.5), ...])
    describe(figure.chart)                      # alt text from the data; pure Python

Each chart is drawn at the size it is placed, in inches, with font sizes in points from
``assets/themes/<theme>/charts.yaml`` (``targets.page`` >= 7 pt in the brief's sans font,
``targets.slide`` >= 14 pt in the deck font). Page charts come as SVG; slide charts as SVG
plus a PNG at ``png_dpi``. Output bytes are reproducible and cached under ``cache_dir`` by
a hash of the spec and its data, the target and size, the chart theme, fonts and style
file, the drawing code and the matplotlib version. Importing this package imports no
matplotlib: cache hits never pay for it.

Kinds: bar, hbar, line, area, timeline, big_number, map.

Extension point -- a custom kind is a function registered under a new name::

    from briefdeck.charts import register_kind

    @register_kind("dot_plot", describe=lambda spec: "Dot plot: ...")
    def dot_plot(ax, spec, style):
        # ax: a matplotlib Axes filling the figure (constrained layout, theme rc applied)
        # spec: model.ChartSpec with its DataTable; spec.option(name) for settings
        # style: ChartStyle: style.size("tick"), style.series_colour(i), style.colour("grid"),
        #        style.series_colours(m) (m series kept apart in grey), style.number(v),
        #        style.date(d), style.text_width(s, size), style.wrap(...)
        ax.plot(...)

Sources then use ``kind: dot_plot``; the renderers need no change. Text a kind draws gets
typographic quotes in the chart's language (``format.typographic``), and ``describe``
writes alt text in the chart's language (English and French; others fall back to English). Register before
building; with the 'spawn' start method (no 'fork'), custom kinds are drawn in the main
process.
"""
from __future__ import annotations

from . import alt_text as _describe
from .alt_text import describe
from .registry import KINDS, Kind, register_kind
from .registry import _add as _add_builtin
from .service import ChartService, RenderedChart
from .style import TARGETS, ChartStyle

_BAR = {"stacked", "highlight", "sort", "value_labels"}
_LINE = {"stacked", "end_values", "y_min"}
for _name, _ref, _desc, _options in (  # options: what an author may set under a figure's `options:`
    ("bar", "briefdeck.charts.kinds.bar:draw_bar", _describe.describe_bar, _BAR),
    ("hbar", "briefdeck.charts.kinds.bar:draw_hbar", _describe.describe_bar, _BAR),
    ("line", "briefdeck.charts.kinds.line:draw_line", _describe.describe_line, _LINE),
    ("area", "briefdeck.charts.kinds.line:draw_area", _describe.describe_line, _LINE),
    ("timeline", "briefdeck.charts.kinds.timeline:draw_timeline", _describe.describe_timeline, {"highlight_contains"}),
    ("big_number", "briefdeck.charts.kinds.big_number:draw_big_number", _describe.describe_big_number, {"label", "unit", "align"}),
    ("map", "briefdeck.charts.kinds.locator_map:draw_map", _describe.describe_map,
     {"geojson", "highlight_property", "shapes", "focus", "label_capitals", "label_neighbours"}),
):
    _add_builtin(_name, _ref, _desc, options=_options)

__all__ = ["ChartService", "RenderedChart", "ChartStyle", "Kind", "KINDS", "TARGETS", "describe", "register_kind"]
