"""The chart service: every kind on both targets, from the real data in assets/data."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import subprocess
import sys

import pytest

from briefdeck.model import ChartSpec, DataTable, Figure, Provenance, Text, Span
from briefdeck.assets import BUILTIN

ROOT = BUILTIN.parent.parent
ASSETS = ROOT / "assets"

DATA = ASSETS / "data"
PY = sys.executable


# -- specs built from the real CSVs (as the loader would) -------------------------------------
def _csv(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _table(columns: list[str], rows: list[list]) -> DataTable:
    return DataTable(columns=tuple(columns), rows=tuple(tuple(r) for r in rows))


def fatalities_by_year(**opts) -> ChartSpec:
    cols = ["malicious_act", "illness", "accident", "to_be_determined"]
    rows = [[int(r["year"])] + [int(r[c]) for c in cols] for r in _csv("minusma_fatalities_by_year_incident_type.csv")]
    options = {"stacked": True, "series_title": "incident type", **opts}
    return ChartSpec(kind="bar", table=_table(["year", *cols], rows), x="year", series=tuple(cols),
                     labels=(("malicious_act", "Malicious act"), ("to_be_determined", "To be determined")),
                     title="MINUSMA fatalities per year", y_label="Fatalities", options=tuple(sorted(options.items())))


def total_by_year() -> ChartSpec:
    rows = [[int(r["year"]), int(r["total"])] for r in _csv("minusma_fatalities_by_year_incident_type.csv")]
    return ChartSpec(kind="bar", table=_table(["year", "total"], rows), x="year", series=("total",),
                     title="MINUSMA fatalities per year", options=(("highlight", 2017),))


def deadliest_missions() -> ChartSpec:
    col = "malicious_act_fatalities_to_2018_03_31"
    rows = sorted(([r["mission"], int(r[col])] for r in _csv("deadliest_missions_malicious_acts.csv")), key=lambda r: -r[1])
    return ChartSpec(kind="hbar", table=_table(["mission", col], rows[:8]), x="mission", series=(col,),
                     labels=((col, "Fatalities from malicious acts to 31 March 2018"),),
                     title="Peacekeepers killed by malicious acts, by mission", options=(("highlight", "MINUSMA"),))


def _month(s: str) -> dt.date:
    y, m = s.split("-")
    return dt.date(int(y), int(m), 1)


def cumulative(kind: str = "line", **opts) -> ChartSpec:
    rows = [[_month(r["month"]), int(r["cumulative_fatalities"]), int(r["cumulative_malicious_act"])]
            for r in _csv("minusma_fatalities_monthly_cumulative.csv")]
    return ChartSpec(kind=kind, table=_table(["month", "cumulative_fatalities", "cumulative_malicious_act"], rows),
                     x="month", series=("cumulative_fatalities", "cumulative_malicious_act"),
                     labels=(("cumulative_fatalities", "All causes"), ("cumulative_malicious_act", "Malicious acts")),
                     title="Cumulative MINUSMA fatalities", y_label="Fatalities since July 2013",
                     options=tuple(sorted(opts.items())))


def monthly_area() -> ChartSpec:
    rows = []
    for r in _csv("minusma_fatalities_monthly_cumulative.csv"):
        other = int(r["cumulative_fatalities"]) - int(r["cumulative_malicious_act"])
        rows.append([_month(r["month"]), int(r["cumulative_malicious_act"]), other])
    return ChartSpec(kind="area", table=_table(["month", "malicious", "other"], rows), x="month",
                     series=("malicious", "other"), labels=(("malicious", "Malicious acts"), ("other", "Other causes")),
                     title="Cumulative MINUSMA fatalities by cause", options=(("stacked", True),))


def timeline(**opts) -> ChartSpec:
    rows = [[dt.date.fromisoformat(r["date"]), r["event"]] for r in _csv("timeline.csv")]
    options = {"highlight_contains": "Canad", **opts}
    return ChartSpec(kind="timeline", table=_table(["date", "event"], rows), x="date", series=("event",),
                     title="Mali and MINUSMA, 2012–2023", options=tuple(sorted(options.items())))


def big_number() -> ChartSpec:
    row = next(r for r in _csv("deadliest_missions_malicious_acts.csv") if r["mission"] == "MINUSMA")
    return ChartSpec(kind="big_number", table=_table(["value"], [[int(row["malicious_act_fatalities_to_2025_02"])]]),
                     x=None, series=("value",), title="MINUSMA deaths from malicious acts",
                     options=(("label", "UN peacekeepers killed by malicious acts in MINUSMA, 2013–2023"),))


def sahel_shapes() -> tuple:
    gj = json.loads((DATA / "sahel.geojson").read_text(encoding="utf-8"))
    shapes = []
    for f in gj["features"]:
        g, p = f["geometry"], f["properties"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        rings = tuple(tuple((float(x), float(y)) for x, y in ring) for poly in polys for ring in poly)
        shapes.append((p["iso_a3"], p["name"], bool(p["g5_sahel"]), rings))
    return tuple(shapes)


def sahel_map() -> ChartSpec:
    rows = [[r["name"], float(r["lon"]), float(r["lat"])] for r in _csv("sahel_capitals.csv")]
    return ChartSpec(kind="map", table=_table(["name", "lon", "lat"], rows), x="name", series=("lon", "lat"),
                     title="The G5 Sahel", options=(("focus", "MLI"), ("group_label", "G5 Sahel"), ("shapes", sahel_shapes())))


SPECS = {
    "bar_stacked": fatalities_by_year,
    "bar_highlight": total_by_year,
    "hbar": deadliest_missions,
    "line": cumulative,
    "area": monthly_area,
    "timeline": timeline,
    "big_number": big_number,
    "map": sahel_map,
}
SIZES = {"page": (6.0, 3.4), "slide": (12.0, 5.5)}
PAGE_SIZES = {"timeline": (6.0, 7.2), "big_number": (2.6, 1.8), "map": (6.0, 3.6)}
SLIDE_SIZES = {"big_number": (5.0, 3.5)}


def size_for(name: str, target: str) -> tuple[float, float]:
    extra = PAGE_SIZES if target == "page" else SLIDE_SIZES
    return extra.get(name, SIZES[target])


def figure(spec: ChartSpec, number: int = 1) -> Figure:
    return Figure(id=f"f{number}", number=number, chart=spec, caption=Text((Span("caption"),)),
                  provenance=Provenance(source="test", as_of=None, as_of_text=""), alt="", note=None, editable=False)


# -- helpers -------------------------------------------------------------------------------------
SVG_NS = "{http://www.w3.org/2000/svg}"
FAMILY = {"page": "Noto Sans", "slide": "Carlito"}  # the family names inside the theme's TTFs
MIN_PT = {"page": 7.0, "slide": 14.0}



def svg_texts(svg: bytes) -> list[tuple[str, dict]]:
    """(text, style properties) of every <text> element."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    out = []
    for el in root.iter(f"{SVG_NS}text"):
        props = dict(p.strip().split(": ", 1) for p in el.get("style", "").split(";") if ": " in p)
        out.append(("".join(el.itertext()), props))
    return out


def run_py(code: str) -> str:
    """Run code in a fresh interpreter (with tests/ importable); return its stdout."""
    prelude = f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]\n"
    res = subprocess.run([PY, "-c", prelude + code], capture_output=True, text=True, cwd=ROOT, timeout=240)
    assert res.returncode == 0, res.stderr
    return res.stdout


# -- every kind, both targets --------------------------------------------------------------------
@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.parametrize("name", list(SPECS))
@pytest.mark.quick
def test_every_kind_renders_at_its_size_in_the_theme_font(service, name, target):
    import xml.etree.ElementTree as ET

    w, h = size_for(name, target)
    r = service.render(figure(SPECS[name]()), target, w, h)
    root = ET.fromstring(r.svg)
    assert root.get("width") == f"{w * 72:g}pt" and root.get("height") == f"{h * 72:g}pt"
    texts = svg_texts(r.svg)
    assert texts, "chart text must stay text (svg.fonttype none)"
    for text, props in texts:
        assert props["font-family"] == f"'{FAMILY[target]}'", (text, props)
        assert float(props["font-size"].rstrip("px")) >= MIN_PT[target], (text, props)
    assert (r.width_in, r.height_in) == (w, h) and len(r.key) == 64
    if target == "slide":
        from PIL import Image

        png = Image.open(io.BytesIO(r.png))
        assert png.size[0] >= w * 192 and png.size[1] >= h * 192  # >= 2x a 96-dpi slide
    else:
        assert r.png is None


@pytest.mark.parametrize(
    "name, words",
    [
        ("bar_stacked", ["2013", "2017", "2023", "Malicious act", "Illness", "42"]),
        ("bar_highlight", ["2017", "42", "6"]),
        ("hbar", ["MINUSMA", "ONUC", "135", "100"]),
        ("line", ["All causes 311", "Malicious acts 174", "2013", "2023"]),
        ("area", ["Malicious acts 174", "Other causes 137"]),
        ("big_number", ["174"]),
        ("map", ["Mali", "Burkina Faso", "Bamako", "N’Djamena", "Algeria"]),
        ("timeline", ["2012", "2018", "France launches Operation Serval"]),
    ],
)
@pytest.mark.quick
def test_svg_holds_the_real_labels_as_text(service, name, words):
    texts = [t for t, _ in svg_texts(service.render(figure(SPECS[name]()), "page", *size_for(name, "page")).svg)]
    joined = " ".join(texts)
    for word in words:
        assert word in texts or word in joined, f"{word!r} not drawn as text in {name}"


@pytest.mark.quick
def test_svglib_reads_the_svg_in_the_registered_fonts(service, theme):
    from reportlab.graphics.shapes import String
    from svglib import fonts as svgfonts
    from svglib.svglib import svg2rlg

    for family, key in (("Noto Sans", "sans"), ("Carlito", "deck")):
        svgfonts.register_font_family(family, str(theme.font_file(key)), bold=str(theme.font_file(key, "bold")),
                                      italic=str(theme.font_file(key, "italic")), bolditalic=str(theme.font_file(key, "bolditalic")))

    def strings(node):
        if isinstance(node, String):
            yield node
        for child in getattr(node, "contents", None) or []:
            yield from strings(child)

    for target in ("page", "slide"):
        r = service.render(figure(deadliest_missions()), target, *SIZES[target])
        drawing = svg2rlg(io.BytesIO(r.svg))
        assert abs(drawing.width - SIZES[target][0] * 72) < 0.01
        found = list(strings(drawing))
        assert {s.fontName for s in found} == {FAMILY[target], FAMILY[target] + "-Bold"}  # MINUSMA is bold
        assert "MINUSMA" in {s.text for s in found}


@pytest.mark.quick
def test_highlighted_bar_is_the_only_bar_in_the_highlight_colour(service, theme):
    svg = service.render(figure(total_by_year()), "page", *SIZES["page"]).svg.decode()
    accent = theme.colour("accent").lower()
    assert svg.count(f"fill: {accent}") == 1
    assert [t for t, p in svg_texts(svg.encode()) if p.get("font-weight") == "bold"] == ["2017", "42"]


@pytest.mark.quick
def test_timeline_fits_the_page_whole_and_says_what_the_slide_leaves_out(service):
    events = [r["event"] for r in _csv("timeline.csv")]
    page = " ".join(t for t, _ in svg_texts(service.render(figure(timeline()), "page", 6.0, 7.2).svg))
    for e in events:
        assert e.split()[0] in page
    assert "events shown" not in page
    slide = [t for t, _ in svg_texts(service.render(figure(timeline()), "slide", 12.0, 5.5).svg)]
    note = [t for t in slide if "events shown" in t]
    assert note and note[0].endswith(f"of {len(events)} events shown")
    # Highlighted (Canadian) events are kept first.
    assert any("Canada announces helicopter" in t for t in slide)


@pytest.mark.quick
def test_numbers_follow_the_language(service):
    spec = total_by_year()
    rows = tuple((y, v * 100) for y, v in spec.table.rows)  # 4,200 needs a separator
    fr = ChartSpec(kind="bar", table=DataTable(spec.table.columns, rows), x="year", series=("total",), language="fr-CA")
    en = ChartSpec(kind="bar", table=DataTable(spec.table.columns, rows), x="year", series=("total",), language="en-CA")
    fr_texts = [t for t, _ in svg_texts(service.render(figure(fr), "page", 6, 3).svg)]
    en_texts = [t for t, _ in svg_texts(service.render(figure(en), "page", 6, 3).svg)]
    assert "4,200" in en_texts and "2017" in en_texts  # years never get a separator
    assert "4\u00a0200" in fr_texts and "2017" in fr_texts


# -- reproducibility, cache, parallel ------------------------------------------------------------
DIGEST = """
import hashlib
import test_charts as T
from briefdeck.charts import ChartService
from briefdeck.theme import load_theme
svc = ChartService(load_theme("default"))
for name in ("bar_stacked", "map", "timeline", "line"):
    for target in ("page", "slide"):
        r = svc.render(T.figure(T.SPECS[name]()), target, *T.size_for(name, target))
        print(name, target, r.key, hashlib.sha256(r.svg + (r.png or b"")).hexdigest())
"""


def test_output_is_byte_identical_across_processes():
    first, second = run_py(DIGEST), run_py(DIGEST)
    assert first == second and len(first.splitlines()) == 8


@pytest.mark.quick
def test_importing_the_package_imports_no_matplotlib():
    out = run_py("import briefdeck.charts, briefdeck.charts.alt_text\n"
                 "from briefdeck.charts import describe\n"
                 "import test_charts as T\n"
                 "describe(T.fatalities_by_year()); describe(T.sahel_map()); describe(T.timeline())\n"
                 "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))")
    assert out.strip() == "[]"


@pytest.mark.quick
def test_cache_hit_reads_files_and_draws_nothing(theme, tmp_path):
    from briefdeck.charts import ChartService

    jobs = [(figure(total_by_year()), "page", 5, 3), (figure(sahel_map()), "slide", 12, 5.5)]
    cold = ChartService(theme, cache_dir=tmp_path)
    first = cold.render_many(jobs)
    assert cold.stats == {"drawn": 2, "cached": 0}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{first[0].key}.svg", f"{first[1].key}.png", f"{first[1].key}.svg"])
    warm = ChartService(theme, cache_dir=tmp_path)
    again = warm.render_many(jobs)
    assert warm.stats == {"drawn": 0, "cached": 2}
    assert again == first
    # ... and a cache hit in a fresh process never imports matplotlib.
    out = run_py(
        "import test_charts as T\nfrom briefdeck.charts import ChartService\nfrom briefdeck.theme import load_theme\n"
        f"svc = ChartService(load_theme('default'), cache_dir={str(tmp_path)!r})\n"
        "svc.render(T.figure(T.total_by_year()), 'page', 5, 3)\n"
        "print(svc.stats['drawn'], any(m.startswith('matplotlib') for m in sys.modules))"
    )
    assert out.split() == ["0", "False"]


@pytest.mark.quick
def test_cache_key_follows_data_target_and_size(theme):
    from briefdeck.charts import ChartService

    svc = ChartService(theme)
    spec = total_by_year()
    base = svc.key(spec, "page", 5, 3)
    assert svc.key(total_by_year(), "page", 5, 3) == base
    rows = list(spec.table.rows)
    rows[4] = (2017, 43)
    changed = ChartSpec(**{**spec.__dict__, "table": DataTable(spec.table.columns, tuple(rows))})
    assert len({base, svc.key(changed, "page", 5, 3), svc.key(spec, "slide", 5, 3), svc.key(spec, "page", 5, 3.5)}) == 4


def test_parallel_rendering_gives_the_same_results_in_order(theme):
    from briefdeck.charts import ChartService

    jobs = [(figure(SPECS[n]()), t, *size_for(n, t)) for n in ("bar_stacked", "hbar", "line", "map") for t in ("page", "slide")]
    serial = ChartService(theme, jobs=1).render_many(jobs)
    parallel = ChartService(theme, jobs=2).render_many(jobs)
    assert parallel == serial


# -- alt text ----------------------------------------------------------------------------------
@pytest.mark.quick
def test_alt_text_names_the_chart_and_its_highest_value():
    from briefdeck.charts import describe

    assert describe(fatalities_by_year()) == (
        "Stacked bar chart: MINUSMA fatalities per year 2013–2023 by incident type; "
        "highest total 42 in 2017; lowest 6 in 2013."
    )
    hbar = describe(deadliest_missions())
    assert hbar.startswith("Horizontal bar chart:") and "highest 135 for ONUC" in hbar and "MINUSMA (highlighted) 100" in hbar
    assert "highest 311 (All causes) in November 2023" in describe(cumulative())
    assert describe(big_number()) == "UN peacekeepers killed by malicious acts in MINUSMA, 2013–2023: 174."
    tl = describe(timeline())
    assert tl.startswith("Timeline: Mali and MINUSMA, 2012–2023, 24 events, January 2012–June 2023")
    m = describe(sahel_map())
    assert "Mali in the darkest shade" in m and "capitals marked: Bamako, N’Djamena, Niamey, Nouakchott and Ouagadougou" in m


# -- extension point and errors ------------------------------------------------------------------
@pytest.mark.quick
def test_a_custom_kind_is_a_registered_function(service):
    from briefdeck.charts import KINDS, describe, register_kind

    @register_kind("test_dots", describe=lambda spec, say: f"Dot plot of {len(spec.table.rows)} missions.")
    def dots(ax, spec, style):
        xs = spec.table.column(spec.series[0])
        ax.plot(xs, range(len(xs)), "o", color=style.series_colour(0))
        ax.set_yticks(range(len(xs)), spec.table.column(spec.x))

    try:
        spec = ChartSpec(**{**deadliest_missions().__dict__, "kind": "test_dots"})
        r = service.render(figure(spec), "slide", 8, 4)
        texts = svg_texts(r.svg)
        assert "UNOSOM" in [t for t, _ in texts] and all(p["font-family"] == "'Carlito'" for _, p in texts)
        assert describe(spec) == "Dot plot of 8 missions."
        with pytest.raises(ValueError):
            register_kind("test_dots")(dots)
    finally:
        KINDS.pop("test_dots", None)


@pytest.mark.quick
def test_unknown_kind_target_or_column_is_a_render_error(service):
    from briefdeck.errors import RenderError

    with pytest.raises(RenderError, match="unknown chart kind 'pie'"):
        service.render(figure(ChartSpec(**{**total_by_year().__dict__, "kind": "pie"})), "page", 5, 3)
    with pytest.raises(RenderError, match="unknown chart target"):
        service.render(figure(total_by_year()), "poster", 5, 3)
    with pytest.raises(RenderError, match="no column 'deaths'"):
        service.render(figure(ChartSpec(**{**total_by_year().__dict__, "series": ("deaths",)})), "page", 5, 3)


@pytest.mark.quick
def test_palette_neighbours_differ_in_grey(theme):
    from briefdeck.charts.style import chart_style

    def grey(c):
        r, g, b = (int(c[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.299 * r + 0.587 * g + 0.114 * b

    pal = chart_style(theme, "page").palette
    assert sorted(pal) == sorted(c.upper() for c in theme.get("colours.data"))
    assert all(abs(grey(a) - grey(b)) >= 0.15 for a, b in zip(pal, pal[1:]))
    assert all(abs(grey(a) - grey(b)) >= 0.25 for a, b in zip(pal[:3], pal[1:3]))


# -- drawn geometry (the figure before it is saved) ----------------------------------------------
def drawn(theme, spec: ChartSpec, target: str, w: float, h: float):
    """The matplotlib figure the service would save, laid out and drawn once."""
    from matplotlib import rc_context

    from briefdeck.charts import KINDS
    from briefdeck.charts.mpl import build, rc_for
    from briefdeck.charts.style import chart_style

    style = chart_style(theme, target).for_spec(spec)
    with rc_context(rc_for(style)):
        fig = build(KINDS[spec.kind], spec, style, w, h)
        fig.savefig(io.BytesIO(), format="svg")
    return fig, style


def text_boxes(fig) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(text, box in points) of every visible text, measured unhinted (at 720 dpi)."""
    from matplotlib.text import Text

    fig.set_dpi(720)
    renderer = fig._get_renderer()
    out = []
    for t in fig.findobj(Text):
        if t.get_visible() and t.get_text().strip():
            b = t.get_window_extent(renderer)
            out.append((t.get_text(), (b.x0 / 10, b.y0 / 10, b.x1 / 10, b.y1 / 10)))
    fig.set_dpi(72)
    return out


def ink_box(png: bytes) -> tuple[int, int, int, int] | None:
    """The bounding box of non-background pixels, or None for a blank image."""
    from PIL import Image, ImageChops

    im = Image.open(io.BytesIO(png)).convert("RGB")
    return ImageChops.difference(im, Image.new("RGB", im.size, im.getpixel((0, 0)))).getbbox()


def raster(fig, dpi: int = 288) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def with_options(spec: ChartSpec, **opts) -> ChartSpec:
    return ChartSpec(**{**spec.__dict__, "options": tuple(sorted({**dict(spec.options), **opts}.items()))})


# -- big_number: kept inside its box ------------------------------------------------------------
@pytest.mark.parametrize("target, w, h, align", [
    ("page", 1.93, 1.08, "left"),   # the brief's side column
    ("page", 1.93, 0.7, "left"),    # too short for 44 pt and two label lines
    ("page", 1.2, 0.5, "left"),     # too short for any label
    ("page", 0.9, 1.0, "center"),   # too narrow for 44 pt
    ("slide", 12.33, 4.18, "center"),
    ("slide", 5.0, 1.6, "center"),
])
@pytest.mark.quick
def test_big_number_fits_its_box(theme, target, w, h, align):
    spec = with_options(big_number(), align=align, unit="deaths" if w == 0.9 else None)
    fig, style = drawn(theme, spec, target, w, h)
    texts = fig.axes[0].texts
    number, label = texts[0], [t for t in texts[1:] if t.get_text() != "deaths"]
    assert number.get_text() == "174"
    assert number.get_fontsize() >= min(style.size("big_number_min"), style.size("big_number")) - 1e-6 or w == 0.9
    assert all(t.get_fontsize() >= style.min_text for t in texts)
    if target == "page":
        assert all(t.get_fontsize() <= 8 for t in label)  # never larger than the caption above it
    # No ink touches the box's edge (text that runs over it would be cut there) ...
    scale = 288 / 72
    x0, y0, x1, y1 = ink_box(raster(fig))
    W, H = w * 72 * scale, h * 72 * scale
    assert x0 >= 0 and y0 >= 1 and x1 <= W - 1 and y1 <= H - 1
    # ... and left-aligned, the number's ink starts at the edge, in line with the caption.
    if align == "left":
        assert x0 <= 0.6 * scale
    # Every label line fits the width (measured unhinted, as printed).
    for text, (bx0, _by0, bx1, _by1) in text_boxes(fig):
        assert bx1 - bx0 <= w * 72 + 0.5, text


@pytest.mark.quick
def test_big_number_label_wraps_and_loses_lines_to_an_ellipsis_before_it_overflows(theme):
    long = with_options(big_number(), align="left", label="UN peacekeepers killed by malicious acts in MINUSMA " * 4)
    fig, _ = drawn(theme, long, "page", 1.93, 1.08)
    lines = [t.get_text() for t in fig.axes[0].texts[1:]]
    assert len(lines) >= 2 and lines[-1].endswith("…")
    x0, y0, x1, y1 = ink_box(raster(fig))
    assert y1 <= 1.08 * 288 - 1


# -- map: labels placed without collisions, with halos ---------------------------------------------
@pytest.mark.parametrize("target, w, h", [("page", 4.65, 2.56), ("page", 6.0, 3.6), ("slide", 12.33, 4.18), ("slide", 12.0, 5.5)])
@pytest.mark.quick
def test_map_labels_never_overlap_and_stay_on_the_map(theme, target, w, h):
    from briefdeck.charts.kinds.common import HaloText

    fig, _ = drawn(theme, sahel_map(), target, w, h)
    boxes = text_boxes(fig)
    names = [t for t, _ in boxes]
    for wanted in ("Mali", "Niger", "Chad", "Mauritania", "Burkina Faso", "Bamako", "Ouagadougou", "Niamey", "N’Djamena", "Nouakchott"):
        assert wanted in names, wanted
    for i, (a, ba) in enumerate(boxes):
        assert ba[0] >= 0 and ba[1] >= 0 and ba[2] <= w * 72 and ba[3] <= h * 72, a
        for b, bb in boxes[i + 1:]:
            assert not (ba[0] < bb[2] and bb[0] < ba[2] and ba[1] < bb[3] and bb[1] < ba[3]), (a, b)
    labels = fig.axes[0].texts
    assert labels and all(isinstance(t, HaloText) and t.halo for t in labels)


@pytest.mark.quick
def test_map_country_names_sit_inside_their_country_or_get_a_leader(theme):
    from matplotlib.path import Path

    spec = sahel_map()
    shapes = {s[1]: s for s in spec.option("shapes")}
    for target, size in (("page", (4.65, 2.56)), ("slide", (12.33, 4.18))):
        fig, _ = drawn(theme, spec, target, *size)
        ax = fig.axes[0]
        kx = math.cos(math.radians(sum(ax.get_ylim()) / 2))  # the map's aspect correction
        leaders = [ln for ln in ax.lines if len(ln.get_xdata()) == 2]
        for t in ax.texts:
            name = t.get_text().replace("\n", " ")
            if name not in shapes or not shapes[name][2]:
                continue
            x, y = t.get_position()
            inside = any(Path(r).contains_point((x / kx, y)) for r in shapes[name][3])
            assert inside or leaders, f"{name} is outside its country with no leader line ({target})"


# -- typographic quotes -----------------------------------------------------------------------------
@pytest.mark.quick
def test_straight_quotes_become_typographic_in_the_charts_language():
    from briefdeck.charts.format import typographic

    assert typographic('"Azawad"', "en-CA") == "“Azawad”"
    assert typographic('"Canada\'s Contribution … MINUSMA"', "en") == "“Canada’s Contribution … MINUSMA”"
    assert typographic("N'Djamena", "en") == typographic("N'Djamena", "fr-CA") == "N’Djamena"
    assert typographic('"Azawad"', "fr-CA") == "«\u202fAzawad\u202f»"
    assert typographic("« Azawad »", "fr") == "«\u202fAzawad\u202f»"
    assert typographic("l'ONU dit 'non'", "en") == "l’ONU dit ‘non’"
    assert typographic("the '90s", "en") == "the ’90s"
    for s in ('"Azawad"', "N'Djamena", "a 'b' c", "plain"):
        for lang in ("en", "fr", "de"):
            once = typographic(s, lang)
            assert typographic(once, lang) == once and "'" not in once and '"' not in once


@pytest.mark.quick
def test_drawn_labels_use_typographic_quotes(service):
    rows = ((dt.date(2012, 4, 6), 'MNLA declares northern Mali independent as "Azawad"'),
            (dt.date(2018, 4, 25), "Panel: \"Canada's Contribution to MINUSMA\""))
    for lang, quoted in (("en-CA", "“Azawad”"), ("fr-CA", "«\u202fAzawad\u202f»")):
        spec = ChartSpec(kind="timeline", table=_table(["date", "event"], rows), x="date", series=("event",), language=lang)
        joined = " ".join(t for t, _ in svg_texts(service.render(figure(spec), "page", 6.0, 2.0).svg))
        assert quoted in joined and "Canada’s" in joined and '"' not in joined and "'" not in joined
    m = " ".join(t for t, _ in svg_texts(service.render(figure(sahel_map()), "slide", 12, 5.5).svg))
    assert "N’Djamena" in m and "N'Djamena" not in m


# -- grey scale -------------------------------------------------------------------------------------
def _grey(c: str) -> float:
    r, g, b = (int(c[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def five_causes() -> ChartSpec:
    cols = ["malicious_act", "illness", "accident", "to_be_determined", "unknown"]
    rows = [[int(r["year"])] + [int(r[c]) for c in cols] for r in _csv("minusma_fatalities_by_year_incident_type.csv")]
    return ChartSpec(kind="bar", table=_table(["year", *cols], rows), x="year", series=tuple(cols),
                     labels=(("malicious_act", "Malicious act"), ("to_be_determined", "To be determined")),
                     title="MINUSMA deaths by year and cause", options=(("stacked", True),))


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.quick
def test_stacked_series_differ_in_grey_and_the_legend_follows_the_stack(service, theme, target):
    import xml.etree.ElementTree as ET

    spec = five_causes()
    svg = service.render(figure(spec), target, *SIZES[target]).svg
    fills = []  # colours of the filled shapes, in drawing order: bottom segment first
    for el in ET.fromstring(svg).iter(f"{SVG_NS}path"):
        style = dict(p.strip().split(": ", 1) for p in el.get("style", "").split(";") if ": " in p)
        f = style.get("fill", "#000000").lower()  # matplotlib leaves out black, the SVG default
        if f.startswith("#") and f not in ("#ffffff",) and f not in fills:
            fills.append(f)
    used = fills[:5]
    greys = [_grey(c) for c in used]
    assert len(set(used)) == 5
    assert all(abs(a - b) >= 0.15 for a, b in zip(greys, greys[1:])), greys  # neighbouring segments
    assert min(abs(a - b) for i, a in enumerate(greys) for b in greys[i + 1:]) >= 0.12, greys  # any two
    fig, _ = drawn(theme, spec, target, *SIZES[target])
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == [spec.label(s) for s in reversed(spec.series)]
    from matplotlib.colors import to_hex

    assert [to_hex(h.get_facecolor()) for h in legend.legend_handles] == list(reversed(used))


@pytest.mark.quick
def test_few_series_keep_the_palette_order(theme):
    from briefdeck.charts.style import chart_style

    style = chart_style(theme, "page")
    for m in (1, 2, 3):
        assert style.series_colours(m) == style.palette[:m]
    for m in range(4, 9):
        greys = [_grey(c) for c in style.series_colours(m)]
        assert style.series_colours(m)[0] == style.palette[0]
        assert all(abs(a - b) >= 0.15 for a, b in zip(greys, greys[1:])), (m, greys)


@pytest.mark.quick
def test_more_series_than_a_templates_accents_never_share_a_colour(theme):
    """A template whose accents that read on the chart's backdrop are three (Metropolis): a chart of
    five causes took two twice. Its colours are widened with its accents' lighter and darker
    shades that still read on the backdrop, and each series has its own."""
    from briefdeck.charts.colour import contrast
    from briefdeck.charts.style import chart_style

    look = {"palette": ("#4BACC6", "#9BBB59", "#F79646"), "background": "#5B6770", "text": "#FFFFFF"}
    style = chart_style(theme, "slide").with_look(look)
    for m in range(1, 10):
        colours = style.series_colours(m)
        assert len(set(colours)) == m and colours[0] == "#4BACC6", (m, colours)
        assert all(contrast(c, "#5B6770") >= 1.5 for c in colours), (m, colours)
        assert [style.series_colour(i) for i in range(m)][:3] == list(look["palette"][:m])
        assert len({style.series_colour(i) for i in range(m)}) == m
    # the theme's own palette, long enough, is left as it is
    page = chart_style(theme, "page")
    assert [page.series_colour(i) for i in range(len(page.palette))] == list(page.palette)


# -- area / line end labels, and time ticks -------------------------------------------------------
def personnel(zero_series: bool = True) -> ChartSpec:
    rows = [[int(r["year"]), int(r["military"]), int(r["police"]), int(r["international_civilian"]), int(r["local"]),
             0 if zero_series else int(r["other"])] for r in _csv("minusma_fatalities_by_year_personnel_type.csv")]
    return ChartSpec(kind="area", table=_table(["year", "military", "police", "civ", "local", "other"], rows), x="year",
                     series=("military", "police", "civ", "local", "other"),
                     labels=(("military", "Militaires"), ("police", "Policiers"), ("civ", "Civils internationaux"),
                             ("local", "Personnel local"), ("other", "Autres")),
                     y_label="Décès", options=(("stacked", True),), language="fr-CA")


@pytest.mark.parametrize("target", ["page", "slide"])
@pytest.mark.quick
def test_area_end_labels_spread_with_leaders_and_skip_empty_series(service, theme, target):
    import xml.etree.ElementTree as ET

    spec = personnel(zero_series=True)
    svg = service.render(figure(spec), target, *SIZES[target]).svg
    ends = {}  # end label -> its baseline y in the SVG
    for el in ET.fromstring(svg).iter(f"{SVG_NS}text"):
        text = "".join(el.itertext())
        if text.split(" ")[0] in ("Militaires", "Policiers", "Civils", "Personnel", "Autres"):
            ends[text] = float(el.get("y"))
    assert not any(t.startswith("Autres") for t in ends)  # all zero: nothing drawn, nothing to label
    assert len(ends) == 4
    fig, style = drawn(theme, spec, target, *SIZES[target])
    ys = sorted(ends.values())
    assert min(b - a for a, b in zip(ys, ys[1:])) >= style.size("direct") * 1.15  # never on top of each other
    group = next(t.group for t in fig.axes[0].texts if hasattr(t, "group"))
    assert group.lead_pt > 0  # crowded at the top of the stack: spread, with leader lines


@pytest.mark.quick
def test_year_ticks_start_where_the_data_starts(theme):
    import matplotlib.dates as mdates

    for spec in (personnel(zero_series=False), cumulative()):
        for target in ("page", "slide"):
            fig, _ = drawn(theme, spec, target, *SIZES[target])
            ax = fig.axes[0]
            labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
            assert labels[0] == "2013" and labels[-1] == "2023", labels
            first = ax.get_xticks()[0]
            lo = ax.get_xlim()[0]
            assert abs(first - lo) < 1e-6  # the first tick is the axis' start
            if spec.kind == "line":  # data from July 2013: the axis starts on 1 January 2013
                assert mdates.num2date(lo).date() == dt.date(2013, 1, 1)


# -- alt text in the document's language ---------------------------------------------------------
@pytest.mark.quick
def test_alt_text_follows_the_language():
    from briefdeck.charts import describe

    fr_line = describe(ChartSpec(**{**cumulative().__dict__, "language": "fr-CA",
                                    "labels": (("cumulative_fatalities", "Tous les décès"), ("cumulative_malicious_act", "Actes de malveillance")),
                                    "title": "Décès cumulés dans la MINUSMA"}))
    # a month and its year hold together in French (typography.date_space)
    assert fr_line.startswith("Graphique linéaire\u00a0: Décès cumulés dans la MINUSMA, juillet\u00a02013–décembre\u00a02023")
    assert "maximum 311 (Tous les décès) en novembre\u00a02023" in fr_line
    assert "dernières valeurs 311 (Tous les décès) et 174 (Actes de malveillance) en décembre\u00a02023" in fr_line
    for english in (" by ", " in ", " and ", "highest", "Line chart", "last value"):
        assert english not in fr_line, english
    fr_area = describe(personnel(zero_series=False))
    assert fr_area.startswith("Graphique en aires empilées\u00a0:") and "total maximal 42 en 2017" in fr_area
    fr_map = describe(ChartSpec(**{**sahel_map().__dict__, "language": "fr-CA"}))
    assert fr_map.startswith("Carte de situation\u00a0:") and "capitales indiquées\u00a0: Bamako, N’Djamena" in fr_map
    # Other languages fall back to English words, with their own numbers and dates.
    de = describe(ChartSpec(**{**total_by_year().__dict__, "language": "de"}))
    assert de.startswith("Bar chart:") and "highest 42 in 2017" in de


@pytest.mark.quick
def test_alt_text_of_a_grouped_bar_gives_each_series_never_their_sum():
    from briefdeck.charts import describe

    rows = [[r["casualty_nationality"], int(r["fatalities"]), int(r["malicious_act"])]
            for r in _csv("minusma_fatalities_by_nationality.csv")][:5]
    spec = ChartSpec(kind="hbar", table=_table(["country", "fatalities", "malicious_act"], rows), x="country",
                     series=("fatalities", "malicious_act"),
                     labels=(("fatalities", "All deaths"), ("malicious_act", "Malicious acts")),
                     title="Deaths by nationality", options=(("highlight", "Chad"),))
    chad = next(r for r in rows if r[0] == "Chad")
    text = describe(spec)
    assert f"Chad (highlighted) {chad[1]} (All deaths) and {chad[2]} (Malicious acts)" in text
    assert str(chad[1] + chad[2]) not in text


@pytest.mark.quick
def test_a_fill_too_light_for_white_paper_gets_an_outline_of_its_own_hue(theme):
    from briefdeck.charts.kinds.bar import _edge
    from briefdeck.charts.style import chart_style, grey

    style = chart_style(theme, "slide")
    yellow = "#F0E442"  # the Okabe-Ito yellow: grey 0.84, the light step of a five-series stack
    assert grey(yellow) >= style.light_fill
    assert _edge(style, yellow) == "#908827"  # 60 % of its own RGB
    assert _edge(style, "#0072B2") == style.colour("background")  # others keep the white seam


@pytest.mark.quick
def test_a_label_of_one_huge_word_is_cut_with_few_measurements(theme, monkeypatch):
    """A category name of 5,000 letters (pasted data, a fuzzer) is cut to three lines ending in '…'
    by a bounded number of measurements (binary search for each cut; nothing past the last line is
    measured), not one measurement per letter per line, which took minutes."""
    from briefdeck.charts.kinds.common import wrap_label
    from briefdeck.charts.style import ChartStyle, chart_style

    style = chart_style(theme, "page")
    calls = []
    real = ChartStyle.text_width
    monkeypatch.setattr(ChartStyle, "text_width", lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    lines = wrap_label(style, "x" * 5000, 8, 60).split("\n")
    assert len(calls) < 120, len(calls)
    assert len(lines) == 3 and lines[0].endswith("-") and lines[-1].endswith("…")
    assert all(real(style, line, 8) <= 60 for line in lines)


def test_a_style_file_edited_in_a_long_running_process_changes_every_key(theme, tmp_path, monkeypatch):
    """The chart settings' digest (the start of every key) is kept for the process by the style
    files' versions (--watch derives it once, not at every rebuild): an edited file is seen, a file
    changed a moment ago is hashed again, and a kept digest is the one hashing gives."""
    from briefdeck import safeio
    from briefdeck.charts import service as svc

    style = tmp_path / "charts.mplstyle"
    style.write_text("axes.linewidth: 1\n", encoding="utf-8")
    monkeypatch.setattr(svc, "style_inputs", lambda _theme: [style])
    monkeypatch.setattr(svc, "_DIGESTS", {})

    def digest() -> bytes:
        return svc.ChartService(theme).key(fatalities_by_year(), "page", 6.0, 3.0)

    fresh = digest()
    assert svc._DIGESTS == {}  # written a moment ago: not kept
    monkeypatch.setattr(safeio, "_SETTLED_NS", -10**18)  # every file counts as settled
    assert digest() == fresh and len(svc._DIGESTS) == 1
    assert digest() == fresh  # from what is kept
    style.write_text("axes.linewidth: 2\n", encoding="utf-8")  # same size, new bytes
    edited = digest()
    assert edited != fresh
    monkeypatch.setattr(svc, "_DIGESTS", {})
    assert digest() == edited
