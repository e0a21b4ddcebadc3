"""Editable charts: a figure as a native PowerPoint chart, with its data in an embedded workbook.

A kind that declares a native type (``charts.registry.NATIVE_TYPES``) is written as a chart the
reader can edit, looking as its picture does (the kind's declared ``Look``: order, colours,
highlighted points, value labels); the workbook is typed cell by cell (``workbook.py``) and
re-zipped with the source's date, so the same deck has the same bytes.
"""
from __future__ import annotations

from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.oxml import parse_xml
from pptx.shapes.placeholder import ChartPlaceholder
from pptx.util import Emu, Pt

from ...model import Figure
from .package import stable_zip

# The native chart types a kind may ask for (charts.registry.NATIVE_TYPES) as python-pptx has them.
XL_TYPES = {
    "column_clustered": XL_CHART_TYPE.COLUMN_CLUSTERED, "column_stacked": XL_CHART_TYPE.COLUMN_STACKED,
    "bar_clustered": XL_CHART_TYPE.BAR_CLUSTERED, "bar_stacked": XL_CHART_TYPE.BAR_STACKED,
    "line_markers": XL_CHART_TYPE.LINE_MARKERS, "area": XL_CHART_TYPE.AREA, "area_stacked": XL_CHART_TYPE.AREA_STACKED,
}


def add_native_chart(slide, ph, fig: Figure, native: str, box, *, charts, theme, name: str, updated):
    """An editable chart of ``fig`` (of the native type its kind asks for, ``XL_TYPES``) in the placeholder
    ``ph`` (None: an added area, ``box`` on ``slide``), its data in an embedded workbook stamped with
    ``updated``; named ``name`` for screen readers."""
    chart_type = XL_TYPES[native]
    # what the picture shows besides the data (the kind's declared look): order, colours,
    # highlighted points, value labels -- the editable chart shows the same
    look = charts.look(fig, "slide") if hasattr(charts, "look") else None
    spec = look.drawn(fig.chart) if look is not None else fig.chart
    from .workbook import TypedChartData  # XlsxWriter: only for a deck with an editable chart (30 ms)

    data = TypedChartData()  # cells typed, text never a formula (the data may come from anywhere)
    data.categories = [str(c) for c in spec.table.column(spec.x)]
    for s in spec.series:
        data.add_series(spec.label(s), [v if isinstance(v, (int, float)) else None for v in spec.table.column(s)])
    if ph is None:
        frame = slide.shapes.add_chart(chart_type, *(Emu(int(round(v * 914400))) for v in (box.left, box.top, box.width, box.height)), data)
    else:
        frame = ChartPlaceholder(ph._element, ph._parent).insert_chart(chart_type, data)
    frame._element.nvGraphicFramePr.cNvPr.set("descr", fig.alt)
    frame._element.nvGraphicFramePr.cNvPr.set("name", name)
    chart = frame.chart
    c_ns = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
    for el in chart._chartSpace.iter(f"{c_ns}axId", f"{c_ns}crossAx"):  # python-pptx writes negative ids
        el.set("val", str(abs(int(el.get("val")))))
    g = theme.get
    chart.font.size = Pt(g("deck.type.source") + 2)
    chart.font.name = g("fonts.deck_name")
    if chart_type in (XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.BAR_STACKED):
        # horizontal bars list the first category at the top, as the table and the picture do;
        # the value axis then crosses at the last category, so it stays at the bottom
        chart.category_axis.reverse_order = True
        crosses = chart.value_axis._element.find(f"{c_ns}crosses")
        if crosses is not None:
            crosses.set("val", "max")
    if chart_type not in (XL_CHART_TYPE.LINE_MARKERS, XL_CHART_TYPE.AREA, XL_CHART_TYPE.AREA_STACKED):
        chart.plots[0].gap_width = g("deck.charts.gap_width")
    if chart.value_axis.has_major_gridlines:
        chart.value_axis.major_gridlines.format.line.color.rgb = RGBColor.from_string(
            theme.colour("rule").lstrip("#").upper())
    chart.has_title = False  # the slide's title says it; else viewers title a one-series chart with its name
    chart.has_legend = len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    palette = look.colours if look is not None else g("colours.data")
    for i, series in enumerate(chart.plots[0].series):
        fill = series.format.fill if chart_type not in (XL_CHART_TYPE.LINE_MARKERS,) else None
        colour = RGBColor.from_string(palette[i % len(palette)].lstrip("#"))
        if fill is not None:
            fill.solid()
            fill.fore_color.rgb = colour
        else:
            series.format.line.color.rgb = colour
    if look is not None:
        _apply_look(chart, look)
    _fix_embedded_workbook(chart.part, updated)
    return frame


def _fix_embedded_workbook(chart_part, updated) -> None:
    """XlsxWriter stamps the embedded workbook with the clock; re-zip it with the source date."""
    wb_part = chart_part.chart_workbook.xlsx_part
    if wb_part is None:
        return
    wb_part._blob = stable_zip(wb_part.blob, updated, core_date=True)


def _apply_look(chart, look) -> None:
    """Highlighted points, value labels, markers and number format as the kind's picture has
    them (charts.registry.Look)."""
    from pptx.enum.chart import XL_LABEL_POSITION, XL_MARKER_STYLE, XL_TICK_LABEL_POSITION

    plot = chart.plots[0]
    chart.value_axis.tick_labels.number_format = look.number_format
    chart.value_axis.tick_labels.number_format_is_linked = False
    if look.negative:  # bars both ways from zero: the category names stay clear of them, at the low end
        chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    if look.value_limits is not None:
        chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = look.value_limits
    if chart.chart_type == XL_CHART_TYPE.LINE_MARKERS and not look.markers:
        for series in plot.series:
            series.marker.style = XL_MARKER_STYLE.NONE
    for j, fills in enumerate(look.point_colours):
        if j >= len(plot.series):
            break
        series = plot.series[j]
        for i, colour in enumerate(fills):
            if colour is not None and colour != look.colours[j]:
                fill = series.points[i].format.fill
                fill.solid()
                fill.fore_color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
        if hasattr(series, "invert_if_negative") and any(c is not None and c != look.colours[j] for c in fills):
            series.invert_if_negative = False  # a highlighted negative bar keeps its colour
    if look.value_labels:
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = look.number_format
        labels.number_format_is_linked = False
        labels.show_value = True
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
    if look.end_labels:  # each line's last value beside its last point, the series named when several
        c_ns = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
        for series in plot.series:
            values = list(series.values)
            last = next((k for k in range(len(values) - 1, -1, -1) if values[k] is not None), None)
            if last is None:
                continue
            label = series.points[last].data_label
            label.position = XL_LABEL_POSITION.RIGHT
            dlbl = label._dLbl
            if len(plot.series) > 1:
                dlbl.find(f"{c_ns}showSerName").set("val", "1")
            fmt = parse_xml(f'<c:numFmt xmlns:c="{c_ns[1:-1]}" formatCode="" sourceLinked="0"/>')
            fmt.set("formatCode", look.number_format)
            dlbl.find(f"{c_ns}spPr").addprevious(fmt)
