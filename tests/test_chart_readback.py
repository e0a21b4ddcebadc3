"""Charts read back: tick and category labels, value labels, colours, native charts and split
timelines, asserted on what was drawn (the laid-out matplotlib figure, the SVG text, the
python-pptx chart) over real example data and generated spans."""
from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefdeck.model import ChartSpec, DataTable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_charts import drawn, figure, svg_texts, text_boxes  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "tests" / "examples").glob("*/*.yaml")) + [ROOT / "tests" / "examples" / "two-speaker-panel.yaml",
                                                                    ROOT / "source" / "canada-minusma-panel-2018.yaml"]
SIZES = {"page": (4.65, 2.6), "slide": (12.33, 4.18)}
MINUS = "\u2212"


def table(columns, rows) -> DataTable:
    return DataTable(tuple(columns), tuple(tuple(r) for r in rows))


def tick_labels(fig, axis: str = "x") -> list[str]:
    ax = fig.axes[0]
    ticks = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    return [t.get_text() for t in ticks if t.get_visible() and t.get_text()]


def overlaps(a, b, slack: float = 0.0) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def laid_out_boxes(fig) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(text, box in points) of every visible text where the last draw put it (legends are
    placed at draw time), measured unhinted at 720 dpi; each line box less the font's leading
    above and below the ink (0.12 em), so the lines of one wrapped label do not count as touching."""
    from matplotlib.text import Text

    from briefdeck.charts.kinds.common import RepelText

    fig.set_dpi(720)
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    hidden = {id(t) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis) if not axis.get_visible()
              for t in axis.get_ticklabels(which="both") + [axis.label]}  # an axis hidden whole (values written on the bars)
    for ax in fig.axes:  # ... and the labels of ticks outside the view, which matplotlib keeps but does not draw
        for axis in (ax.xaxis, ax.yaxis):
            drawn = {id(tick.label1) for tick in axis._update_ticks()} if ax.axison else set()
            hidden |= {id(t) for t in axis.get_ticklabels(which="both") if id(t) not in drawn}
    out = []
    for t in fig.findobj(Text):
        if t.get_visible() and t.get_text().strip() and not isinstance(t, RepelText) and id(t) not in hidden:  # end labels: own tests
            b = t.get_window_extent(renderer)
            inset = 0.12 * t.get_fontsize()
            out.append((t.get_text(), (b.x0 / 10, b.y0 / 10 + inset, b.x1 / 10, b.y1 / 10 - inset)))
    fig.set_dpi(72)
    return out


def collisions(fig, slack: float = 0.2) -> list[tuple[str, str]]:
    """Pairs of visible texts whose boxes overlap."""
    boxes = laid_out_boxes(fig)
    return [(a, c) for (a, ba), (c, bc) in itertools.combinations(boxes, 2) if overlaps(ba, bc, slack)]


def example_figures():
    from briefdeck.load import load_document

    for src in EXAMPLES:
        doc = load_document(src)
        for f in doc.figures:
            yield src, f


# -- dates: ticks picked from the span, never repeated, never touching --------------------------
CADENCE_STEP = {"day": 1, "week": 7}


def dated(first: dt.date, n: int, cadence: str) -> list[dt.date]:
    if cadence in CADENCE_STEP:
        return [first + dt.timedelta(days=CADENCE_STEP[cadence] * i) for i in range(n)]
    months = {"month": 1, "quarter": 3, "year": 12}[cadence]
    start = dt.date(first.year, 1 if cadence == "year" else first.month, 1)
    return [dt.date(start.year + (start.month - 1 + months * i) // 12, (start.month - 1 + months * i) % 12 + 1, 1) for i in range(n)]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(first=st.dates(dt.date(1900, 1, 1), dt.date(2090, 12, 31)), n=st.integers(2, 400),
       cadence=st.sampled_from(["day", "week", "month", "quarter", "year"]),
       language=st.sampled_from(["en-CA", "en-US", "fr-CA"]), room=st.sampled_from([180.0, 300.0, 820.0]))
def test_tick_plans_never_repeat_a_label_and_never_touch(first, n, cadence, language, room):
    """Pure planning over generated spans: every label differs, neighbours keep a gap."""
    from briefdeck.charts import dates as D
    from briefdeck.charts import format as fmt
    from briefdeck.charts.mpl import text_width
    from briefdeck.locale import load_locale
    from briefdeck.assets import Assets
    from briefdeck.theme import load_theme

    xs = dated(first, n, cadence)
    if xs[-1] > dt.date(2099, 12, 31):
        return
    dates = load_locale(Assets(), language).date_patterns()
    font = str(load_theme("default").font_file("sans"))
    plan, labels = D.plan_ticks(xs[0], xs[-1], D.cadence(xs), lambda t: fmt.date_in(dates, t.date, language, t.style),
                                lambda s: text_width(font, s, 7.5), room, 8, 6.0)
    assert len(labels) == len(set(labels)), labels
    assert all(xs[0] <= t.date <= xs[-1] or t.date == plan.start for t in plan.ticks)
    if len(plan.ticks) > 2 or plan.unit != "year":  # the coarsest fallback is all that is left otherwise
        span = max((xs[-1] - plan.start).days, 1)
        at = [(t.date - plan.start).days / span * room for t in plan.ticks]
        widths = [text_width(font, s, 7.5) for s in labels]
        assert all(at[k + 1] - at[k] >= (widths[k] + widths[k + 1]) / 2 for k in range(len(at) - 1)), labels


SPANS = [  # (first date, points, cadence): the spans of real events and the edges between units
    (dt.date(2013, 1, 7), 4, "week"),  # four dates in January-February: the reported case
    (dt.date(2013, 1, 7), 6, "day"),
    (dt.date(2012, 12, 20), 30, "day"),  # across a new year
    (dt.date(2016, 4, 1), 9, "week"),
    (dt.date(2013, 7, 1), 5, "month"),
    (dt.date(2006, 1, 1), 47, "month"),
    (dt.date(2008, 1, 1), 7, "quarter"),
    (dt.date(1970, 1, 1), 159, "quarter"),
    (dt.date(2000, 1, 1), 18, "year"),
    (dt.date(1948, 1, 1), 70, "year"),
]


@pytest.mark.parametrize("language", ["en-CA", "fr-CA"])
@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("first, n, cadence", SPANS)
def test_a_line_over_any_span_has_distinct_tick_labels_that_do_not_touch(theme, first, n, cadence, target, language):
    xs = dated(first, n, cadence)
    spec = ChartSpec(kind="line", table=table(["d", "v"], [(d, (i * 7) % 11 + 1) for i, d in enumerate(xs)]), x="d",
                     series=("v",), y_label="Count", language=language)
    fig, style = drawn(theme, spec, target, *SIZES[target])
    labels = tick_labels(fig)
    assert len(labels) >= min(2, n) and len(labels) == len(set(labels)), labels
    assert collisions(fig) == []
    ax = fig.axes[0]
    if n <= style.markers["points_max"]:  # few points: each is marked
        marked = [ln for ln in ax.lines if ln.get_marker() == "o" and len(ln.get_xdata()) == n]
        assert marked, "the points of a short line are not marked"
    if cadence in ("day", "week") and n < 40:
        assert not any(re.fullmatch(r"[A-Za-zé.]+ \d{4}", s) for s in labels[1:]), labels  # days, not months


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scale=st.sampled_from([1e-5, 0.003, 0.2, 1.0, 7.5, 1e3, 2.5e6]), offset=st.sampled_from([0.0, 1.0, -0.5]),
       kind=st.sampled_from(["line", "bar"]))
def test_value_ticks_never_repeat_a_label(theme, scale, offset, kind):
    rows = [(2000 + i, (offset + math.sin(i) / 3) * scale) for i in range(8)]
    spec = ChartSpec(kind=kind, table=table(["y", "v"], rows), x="y", series=("v",), options=(("value_labels", False),))
    fig, _ = drawn(theme, spec, "page", *SIZES["page"])
    labels = tick_labels(fig, "y")
    assert len(labels) >= 2 and len(labels) == len(set(labels)), labels
    assert not any(re.match(r"-\d", s) for s in labels), labels  # the minus sign, never a hyphen


@pytest.mark.quick
def test_four_dates_in_two_months_are_labelled_by_day_with_the_year_once(theme):
    """The reported case: four dates in January-February were ticked 'Jan 2013, Jan 2013, Feb 2013...'."""
    xs = [dt.date(2013, 1, 7), dt.date(2013, 1, 21), dt.date(2013, 2, 4), dt.date(2013, 2, 18)]
    spec = ChartSpec(kind="line", table=table(["d", "v"], [(d, i) for i, d in enumerate(xs, 1)]), x="d", series=("v",))
    fig, style = drawn(theme, spec, "page", *SIZES["page"])
    assert tick_labels(fig) == ["7 Jan 2013", "14 Jan", "21 Jan", "28 Jan", "4 Feb", "11 Feb", "18 Feb"]
    fig, _ = drawn(theme, spec, "slide", *SIZES["slide"])
    assert tick_labels(fig) == ["7 Jan 2013", "21 Jan", "4 Feb", "18 Feb"]
    us = ChartSpec(**{**spec.__dict__, "language": "en-US", "dates": (("day_medium", "MMM d, y"), ("day_short", "MMM d"))})
    fig, _ = drawn(theme, us, "slide", *SIZES["slide"])
    assert tick_labels(fig) == ["Jan 7, 2013", "Jan 21", "Feb 4", "Feb 18"]


# -- bars on dates: thinned and date-formatted, never overlapping ----------------------------------
@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("first, n, cadence", [(dt.date(2006, 1, 1), 47, "month"), (dt.date(2006, 1, 1), 15, "quarter"),
                                               (dt.date(2013, 7, 1), 6, "month"), (dt.date(1990, 1, 1), 35, "year"),
                                               (dt.date(2016, 4, 4), 60, "day")])
def test_bars_on_dates_get_distinct_labels_that_do_not_touch(theme, target, first, n, cadence):
    xs = dated(first, n, cadence)
    rows = [(d, round(300 * math.sin(i / 5) - 100, 1)) for i, d in enumerate(xs)]  # negative values too
    spec = ChartSpec(kind="bar", table=table(["d", "v"], rows), x="d", series=("v",), language="en-US")
    fig, _ = drawn(theme, spec, target, *SIZES[target])
    labels = tick_labels(fig)
    assert labels and len(labels) == len(set(labels)), labels
    assert not any(re.search(r"\d{4}-\d\d", s) for s in labels)  # never ISO dates
    assert collisions(fig) == []
    if cadence == "month" and n == 47:
        assert labels == ["2006", "2007", "2008", "2009"]  # the years, under their months


def test_the_employment_bars_of_the_hearing_are_labelled_by_year(theme):
    src, fig = next((s, f) for s, f in example_figures() if f.id == "nonfarm-change")
    for target in ("page", "slide"):
        drawn_fig, _ = drawn(theme, fig.chart, target, *SIZES[target])
        assert tick_labels(drawn_fig) == ["2006", "2007", "2008", "2009"]
        assert collisions(drawn_fig) == []


# -- every chart of every example: no two labels overlap --------------------------------------------
def _requests():
    from briefdeck.assets import Assets
    from briefdeck.charts import ChartService
    from briefdeck.load import load_document
    from briefdeck.locale import load_locale
    from briefdeck.present import view_of
    from briefdeck.render import RENDERERS
    from briefdeck.theme import load_theme

    out = []
    for src in EXAMPLES:
        doc = load_document(src)
        assets = Assets.for_source(src)
        theme = load_theme(doc.meta.theme, assets)
        view = view_of(doc, load_locale(assets, doc.meta.language), theme)
        svc = ChartService(theme)
        for fmt in ("pdf", "pptx"):
            for fig, target, w, h in RENDERERS[fmt].prepare(view, theme=theme, options={}, charts=svc).chart_requests():
                if fig.chart.kind not in ("map", "big_number"):  # each has its own placement tests
                    out.append(pytest.param(fig.chart, target, w, h, id=f"{src.stem[:24]}-{fig.id}-{target}"))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("spec, target, w, h", _requests())
def test_no_label_of_any_example_chart_overlaps_another(theme, spec, target, w, h):
    fig, style = drawn(theme, spec, target, w, h)
    assert collisions(fig) == []
    ax = fig.axes[0]
    for axis in ("x", "y"):
        labels = tick_labels(fig, axis)
        assert len(labels) == len(set(labels)), labels
    # no text smaller than the target allows, none outside the figure
    W, H = w * 72, h * 72
    for text, (x0, y0, x1, y1) in laid_out_boxes(fig):
        assert -0.5 <= x0 and x1 <= W + 0.5 and -0.5 <= y0 and y1 <= H + 0.5, text
    assert all(t.get_fontsize() >= style.min_text for t in ax.figure.findobj(lambda a: hasattr(a, "get_fontsize")) if t.get_text())


# -- hbar with negative values: labels beyond the bar end, clear of the category names ----------------
def sectors() -> ChartSpec:
    src, fig = next((s, f) for s, f in example_figures() if f.id == "sector-change")
    return fig.chart


@pytest.mark.parametrize("target", ["page", "slide"])
def test_negative_bar_values_sit_left_of_the_bar_end_and_clear_of_the_names(theme, target):
    spec = sectors()
    fig, style = drawn(theme, spec, target, *SIZES[target])
    ax = fig.axes[0]
    boxes = dict(text_boxes(fig))
    names = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    values = dict(spec.table.rows)
    assert "Manufacturing" in names and len(names) == len(values)
    right_of_names = max(boxes[n][2] for n in names)
    for name, v in values.items():
        text = style.number(v)
        assert text.startswith(MINUS) if v < 0 else text[0].isdigit()
        box = boxes[text]
        assert box[0] > right_of_names + style.size("value") * 0.5, (name, text)  # a gap, never over a name
        assert any(abs(p.get_width() - v) < 1e-9 for p in ax.patches), name  # its bar is drawn
        end = ax.transData.transform((v, 0))[0] / fig.dpi * 72
        if v < 0:
            assert box[2] <= end + 0.5, (name, text)  # left of the bar's end
        else:
            assert box[0] >= end - 0.5, (name, text)
    # wrapped names never take more lines than a row holds: no two names touch
    assert collisions(fig) == []


def test_the_minus_sign_in_chart_svg_and_alt_text(service):
    from briefdeck.charts import describe

    spec = sectors()
    texts = [t for t, _ in svg_texts(service.render(figure(spec), "page", *SIZES["page"]).svg)]
    assert f"{MINUS}2,237" in texts and not any(re.match(r"-\d", t) for t in texts)
    alt = describe(spec)
    assert f"lowest {MINUS}2,237 for Manufacturing" in alt and "-2" not in alt
    src, gdp = next((s, f) for s, f in example_figures() if f.id == "gdp-growth")
    ticks = [t for t, _ in svg_texts(service.render(figure(gdp.chart), "slide", *SIZES["slide"]).svg)]
    assert f"{MINUS}6.4" in ticks


# -- stacked bars: colours apart in colour and grey, light fills outlined only where they meet paper --
@pytest.mark.parametrize("m", [5, 6])
@pytest.mark.quick
def test_five_or_six_stacked_series_differ_in_colour_and_neighbours_in_grey(theme, m):
    from briefdeck.charts.colour import difference, grey
    from briefdeck.charts.style import chart_style

    style = chart_style(theme, "page")
    colours = style.series_colours(m)
    assert colours[0] == style.palette[0] and len(set(colours)) == m
    assert min(difference(a, b) for a, b in itertools.combinations(colours, 2)) >= style.colour_step - 0.5  # blue/sky 24.8
    assert all(abs(grey(a) - grey(b)) >= style.grey_step for a, b in zip(colours, colours[1:]))
    orange, vermillion = "#E69F00", "#D55E00"
    assert not {orange, vermillion} <= set(colours)  # two oranges to a red-green blind reader


@pytest.mark.quick
def test_orange_and_vermillion_are_too_close_and_blue_and_yellow_far_apart():
    from briefdeck.charts.colour import difference

    assert difference("#E69F00", "#D55E00") < 20 < 100 < difference("#0072B2", "#F0E442")


@pytest.mark.quick
def test_a_light_segment_is_outlined_on_its_sides_but_not_across_the_stack(theme):
    from matplotlib.collections import LineCollection

    src, fig = next((s, f) for s, f in example_figures() if f.id == "unmiss-by-year")
    spec = fig.chart
    drawn_fig, style = drawn(theme, spec, "page", *SIZES["page"])
    ax = drawn_fig.axes[0]
    light = [c for c in style.series_colours(len(spec.series)) if _grey(c) >= style.light_fill]
    assert light, "the six-series stack uses the light yellow"
    (edges,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    segments = [tuple(map(tuple, s)) for s in edges.get_segments()]
    tops = {}  # x of a bar -> top of its stack
    for p in ax.patches:
        x = round(p.get_x() + p.get_width() / 2, 6)
        tops[x] = max(tops.get(x, 0), p.get_y() + p.get_height())
    for (x0, y0), (x1, y1) in segments:
        if y0 == y1:  # a horizontal edge: only on top of a stack, where the segment meets the paper
            assert any(abs(y0 - top) < 1e-9 for x, top in tops.items() if x0 <= x <= x1), (x0, y0)
    # and the legend swatch of the light fill has the same edge
    legend = drawn_fig.legends[0]
    from matplotlib.colors import to_hex

    swatch = next(h for h in legend.legend_handles if to_hex(h.get_facecolor()).upper() == light[0].upper())
    assert to_hex(swatch.get_edgecolor()).upper() != light[0].upper() and swatch.get_linewidth() > 0


def _grey(c: str) -> float:
    from briefdeck.charts.colour import grey

    return grey(c)


# -- alt text --------------------------------------------------------------------------------------------
@pytest.mark.quick
def test_alt_text_of_quarterly_data_says_quarters_and_the_unit():
    from briefdeck.charts import describe

    found = {f.id: describe(f.chart) for _, f in example_figures() if f.id in ("unemployment-rate", "gdp-growth", "nonfarm-level", "sector-change")}
    assert "highest 10.7 in the 4th quarter of 1982" in found["unemployment-rate"] and "October" not in found["unemployment-rate"]
    assert "unit: percent" in found["unemployment-rate"]
    assert f"lowest {MINUS}6.4 in the 1st quarter of 2009" in found["gdp-growth"] and "unit: percent, annual rate" in found["gdp-growth"]
    assert "unit: thousands of jobs" in found["nonfarm-level"]
    assert found["sector-change"].endswith("Manufacturing highlighted.") and found["sector-change"].count("2,237") == 1
    fr = describe(ChartSpec(kind="line", table=table(["q", "v"], [(dt.date(2008, 1 + 3 * i, 1), 5 + i) for i in range(4)]), x="q",
                            series=("v",), y_label="Pour cent", title="Taux", language="fr-CA"))
    assert "maximum 8 au 4e trimestre 2008" in fr and "unité\u00a0: pour cent" in fr and "T1 2008–T4 2008" in fr


@pytest.mark.quick
def test_alt_text_names_tied_categories_together():
    from briefdeck.charts import describe

    rows = [("ONUC", 135), ("UNEF", 35), ("MONUSCO", 34), ("MONUC", 34)]
    text = describe(ChartSpec(kind="hbar", table=table(["m", "v"], rows), x="m", series=("v",), title="Deaths"))
    assert "lowest 34 for MONUSCO and MONUC" in text


@pytest.mark.quick
def test_generated_alt_text_of_every_example_reads_as_its_language():
    from briefdeck.assets import Assets
    from briefdeck.charts import describe
    from briefdeck.load import load_document
    from briefdeck.locale import load_locale

    for src in EXAMPLES:
        doc = load_document(src)
        phrases = load_locale(Assets.for_source(src), doc.meta.language).section("alt")
        for f in doc.figures:
            text = describe(f.chart, phrases)
            assert not re.search(r"(?<![\w/])-\d", text), text  # negative numbers take the minus sign
            assert not re.search(r"\d{4}-\d\d-\d\d", text), text  # dates in words
            if doc.meta.language.startswith("fr"):
                assert not re.search(r"\w :", text), text  # no plain space before a colon
                assert " (highlighted)" not in text and "highest" not in text
                assert "\u00a0:" in text or ":" not in text


# -- native (editable) charts carry the picture's look ---------------------------------------------------
@pytest.fixture(scope="module")
def native_decks(theme, tmp_path_factory):
    from briefdeck.assets import Assets
    from briefdeck.charts import ChartService
    from briefdeck.load import load_document
    from briefdeck.locale import load_locale
    from briefdeck.present import view_of
    from briefdeck.render.pptx import render_pptx
    from briefdeck.theme import load_theme

    out = {}
    for src in (ROOT / "tests/examples/us-jec-employment-situation-2009/us-jec-employment-situation-2009.yaml",
                ROOT / "source/canada-minusma-panel-2018.yaml"):
        doc = load_document(src)
        native = ("bar", "hbar", "line", "area")
        sections = tuple(replace(s, figures=tuple(replace(f, editable=f.chart.kind in native) for f in s.figures))
                         for s in doc.sections)
        doc = replace(doc, sections=sections)
        assets = Assets.for_source(src)
        th = load_theme(doc.meta.theme, assets)
        view = view_of(doc, load_locale(assets, doc.meta.language), th)
        path = tmp_path_factory.mktemp("native") / f"{src.stem}.pptx"
        svc = ChartService(th)
        render_pptx(view, path, theme=th, charts=svc)
        out[src.stem] = (path, doc, svc)
    return out


def native_charts(path):
    from pptx import Presentation

    prs = Presentation(str(path))
    for slide in prs.slides:
        for sh in slide.shapes:
            if getattr(sh, "has_chart", False) and sh.has_chart:
                yield sh.name, sh.chart


def _fill(fmt) -> str | None:
    fill = fmt.fill
    return str(fill.fore_color.rgb) if fill.type is not None else None


def test_a_native_hbar_keeps_highlight_order_labels_and_minus_sign(native_decks, theme):
    path, doc, svc = native_decks["canada-minusma-panel-2018"]
    fig = next(f for f in doc.figures if f.id == "deadliest-missions")
    chart = dict(native_charts(path))[f"Figure {fig.number}"]
    plot = chart.plots[0]
    look = svc.look(fig)
    assert list(plot.categories) == list(look.categories)  # drawn order
    series = plot.series[0]
    hl = theme.colour("accent").lstrip("#").upper()
    muted = look.point_colours[0][0].lstrip("#").upper()
    fills = [_fill(series.points[i].format) for i in range(len(look.categories))]
    at = list(plot.categories).index("MINUSMA")
    assert fills[at] == hl and all(f == muted for i, f in enumerate(fills) if i != at)
    assert plot.has_data_labels and plot.data_labels.show_value and not plot.data_labels.number_format_is_linked
    assert f'"{MINUS}"' in plot.data_labels.number_format


def test_a_native_hbar_with_negative_values_puts_names_at_the_low_end(native_decks):
    from pptx.enum.chart import XL_TICK_LABEL_POSITION

    path, doc, svc = native_decks["us-jec-employment-situation-2009"]
    fig = next(f for f in doc.figures if f.id == "sector-change")
    chart = dict(native_charts(path))[f"Figure {fig.number}"]
    assert chart.category_axis.tick_label_position == XL_TICK_LABEL_POSITION.LOW
    assert chart.value_axis.minimum_scale < min(v for _, v in fig.chart.table.rows)
    assert list(chart.plots[0].categories) == list(svc.look(fig).categories) == [r[0] for r in fig.chart.table.rows]
    assert list(chart.plots[0].categories)[0] == "Manufacturing"  # sort_by: change_thousands, as drawn


def test_native_series_take_the_pictures_colours_and_lines_their_end_labels(native_decks, theme):
    from pptx.enum.chart import XL_MARKER_STYLE

    path, doc, svc = native_decks["canada-minusma-panel-2018"]
    fig = next(f for f in doc.figures if f.id == "fatalities-by-year")
    chart = dict(native_charts(path))[f"Figure {fig.number}"]
    want = [c.lstrip("#").upper() for c in svc.look(fig).colours]
    assert [_fill(s.format) for s in chart.plots[0].series] == want
    path, doc, svc = native_decks["us-jec-employment-situation-2009"]
    fig = next(f for f in doc.figures if f.id == "nonfarm-level")
    chart = dict(native_charts(path))[f"Figure {fig.number}"]
    series = chart.plots[0].series[0]
    assert series.marker.style == XL_MARKER_STYLE.NONE  # 47 points: a curve, as drawn
    xml = series._element.xml
    assert xml.count("<c:dLbl>") == 1 and 'formatCode="#,##0;' in xml  # the last value, beside the end
    assert list(chart.plots[0].categories)[0] == "Jan 2006"


def test_native_decks_open_cleanly(native_decks):
    audit = shutil.which("openxml-audit") or str(Path(sys.executable).parent / "openxml-audit")
    for path, _, _ in native_decks.values():
        res = subprocess.run([audit, "-f", "microsoft365", str(path)], capture_output=True, text=True)
        assert res.returncode == 0 and "Errors: 0" in res.stdout, res.stdout[-2000:]


# -- timelines never lose events silently --------------------------------------------------------------
def events(n: int, words: int = 6, start=dt.date(2012, 1, 17)) -> ChartSpec:
    rows = [(start + dt.timedelta(days=23 * i), f"Event {i + 1}: " + " ".join(["mission", "peace", "Bamako", "troops"][k % 4] for k in range(words)))
            for i in range(n)]
    return ChartSpec(kind="timeline", table=table(["date", "event"], rows), x="date", series=("event",), title="Events")


@pytest.mark.parametrize("n, target, size", [(24, "slide", (12.33, 4.18)), (40, "slide", (12.33, 4.18)), (13, "slide", (12.33, 4.18)),
                                             (24, "page", (6.85, 2.6)), (60, "page", (4.65, 2.79))])
def test_a_split_timeline_shows_every_event_once_whole_in_order(service, n, target, size):
    spec = events(n)
    parts = service.parts(figure(spec), target, *size)
    rows = [i for p in parts for i in p.rows]
    assert rows == list(range(n))  # every event, once, in date order
    assert all(p.whole for p in parts)
    assert max(len(p.rows) for p in parts) - min(len(p.rows) for p in parts) <= max(2, n // (2 * len(parts)))  # even runs
    for p in parts:
        joined = " ".join(t for t, _ in svg_texts(service.render(figure(p.spec), target, *size).svg))
        assert "…" not in joined and "events shown" not in joined
        for i in p.rows:
            assert spec.table.rows[i][1].split(":")[0] + ":" in joined


@pytest.mark.quick
def test_parts_are_cached_beside_the_charts(theme, tmp_path):
    from briefdeck.charts import ChartService

    svc = ChartService(theme, cache_dir=tmp_path)
    first = svc.parts(figure(events(24)), "slide", 12.33, 4.18)
    assert any(p.name.endswith(".parts.json") for p in tmp_path.iterdir())
    import inspect

    code = ("import sys, datetime as dt; sys.path.insert(0, 'tests'); from briefdeck.charts import ChartService\n"
            "from briefdeck.model import ChartSpec, DataTable\nfrom briefdeck.theme import load_theme\n"
            "from test_charts import figure\n"
            + inspect.getsource(table) + inspect.getsource(events)
            + f"s = ChartService(load_theme('default'), cache_dir={str(tmp_path)!r})\n"
            "print([len(p.rows) for p in s.parts(figure(events(24)), 'slide', 12.33, 4.18)],"
            " any(m.startswith('matplotlib') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
    assert out[-1] == "False" and "".join(out[:-1]) == str([len(p.rows) for p in first]).replace(" ", "")


@pytest.mark.quick
def test_an_event_too_long_for_the_box_is_a_part_that_says_so(service):
    rows = list(events(3).table.rows)
    rows[1] = (rows[1][0], "A very long event " + "with many words about the mission " * 40)
    spec = ChartSpec(kind="timeline", table=table(["date", "event"], rows), x="date", series=("event",))
    parts = service.parts(figure(spec), "slide", 12.33, 2.0)
    long = [p for p in parts if 1 in p.rows]
    assert long and not long[0].whole and "cut to three lines" in long[0].lost and "2012-02-09" in long[0].lost
    assert [i for p in parts for i in p.rows] == [0, 1, 2]


def _timeline_source(tmp_path, n: int, long_event: bool = False) -> Path:
    (tmp_path / "assets" / "data").mkdir(parents=True, exist_ok=True)
    spec = events(n)
    lines = ["date,event"] + [f"{d.isoformat()},{t}" for d, t in spec.table.rows]
    if long_event:
        lines[2] = f"{spec.table.rows[1][0].isoformat()},A very long event " + "with many words about the mission " * 60
    (tmp_path / "assets" / "data" / "events.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    src = tmp_path / "brief.yaml"
    src.write_text(
        "briefdeck: 1\n"
        "event: {title: Timeline test, organiser: Test organiser, date: 2018-04-25, place: Ottawa}\n"
        "people: [{id: a, name: Ana Example}]\n"
        "summary: \"Summary.\"\n"
        "key_messages: [\"A message.\"]\n"
        "sections:\n  - {id: s, title: Events, paragraphs: [\"Text.\"], figures: [t]}\n"
        "datasets:\n  events: {file: assets/data/events.csv, source: Test source, as_of: 2018-01-01}\n"
        "figures:\n  - {id: t, kind: timeline, caption: What happened, dataset: events, x: date, series: [event], alt: Events.}\n",
        encoding="utf-8")
    return src


def _slides_text(path) -> list[str]:
    from pptx import Presentation

    return [" ".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in Presentation(str(path)).slides]


@pytest.mark.requires("pdftotext")
def test_a_long_timeline_becomes_continued_slides_holding_every_event(tmp_path):
    from briefdeck import api
    from pptx import Presentation

    src = _timeline_source(tmp_path, 40)
    out = tmp_path / "out"
    res = api.build([src], api.Options(out_dir=out))[0]
    assert res.ok, res.error
    assert not [w for w in res.warnings if "chart_fit" in w.code]
    prs = Presentation(str(out / "brief.pptx"))
    # titles hold "(3 of 3)" together with no-break spaces (the language's line-break rules)
    titles = [s.shapes.title.text.replace("\u00a0", " ") for s in prs.slides if s.shapes.title is not None]
    chart_titles = [t for t in titles if t.startswith("What happened")]
    assert len(chart_titles) >= 2 and chart_titles[0] == "What happened"
    n = len(chart_titles)  # two parts: "(continued)"; more: "(2 of 3)"
    later = ["What happened (continued)"] if n == 2 else [f"What happened ({i} of {n})" for i in range(2, n + 1)]
    assert chart_titles[1:] == later
    # the pictures' SVGs hold every event, whole
    svgs = [p.blob for p in prs.part.package.iter_parts() if str(p.partname).endswith(".svg")]
    joined = " ".join(t for svg in svgs for t, _ in svg_texts(svg))
    for i in range(40):
        assert f"Event {i + 1}:" in joined
    assert "events shown" not in joined and "…" not in joined
    # ... and the brief draws it as tall as it needs, every event in it
    pdf = subprocess.run(["pdftotext", str(out / "brief.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert all(f"Event {i + 1}:" in pdf for i in range(40)) and "events shown" not in pdf


def test_an_event_that_cannot_be_drawn_whole_is_a_located_warning(tmp_path):
    from briefdeck import api

    src = _timeline_source(tmp_path, 6, long_event=True)
    res = api.build([src], api.Options(out_dir=tmp_path / "out"))[0]
    assert res.ok, res.error
    (w,) = [w for w in res.warnings if w.code == "deck.chart_fit"]
    line = src.read_text().splitlines()[w.line - 1]
    assert "id: t" in line and w.severity == "warning" and "cut to three lines" in w.message


def test_a_timeline_too_long_for_a_page_is_a_located_warning_in_the_brief(tmp_path):
    from briefdeck import api

    src = _timeline_source(tmp_path, 100)  # the most events a timeline may hold (docs: Limits)
    res = api.build([src], api.Options(out_dir=tmp_path / "out", formats=("pdf",)))[0]
    assert res.ok, res.error
    (w,) = [w for w in res.warnings if w.code == "brief.chart_fit"]
    assert "100 rows do not fit one page" in w.message and w.line > 0
