"""The chart service: every kind on both targets, from the real data in assets/data."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys

import pytest

from briefdeck.model import ChartSpec, DataTable, Figure, Provenance, Text, Span
from briefdeck.paths import ASSETS, ROOT
from briefdeck.theme import load_theme

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


@pytest.fixture(scope="module")
def theme():
    return load_theme("default")


@pytest.fixture(scope="module")
def service(theme):
    from briefdeck.charts import ChartService

    return ChartService(theme)


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
        ("line", ["All causes 311", "Malicious acts 174", "2016"]),
        ("area", ["Malicious acts 174", "Other causes 137"]),
        ("big_number", ["174"]),
        ("map", ["Mali", "Burkina Faso", "Bamako", "N'Djamena", "Algeria"]),
        ("timeline", ["2012", "2018", "France launches Operation Serval"]),
    ],
)
def test_svg_holds_the_real_labels_as_text(service, name, words):
    texts = [t for t, _ in svg_texts(service.render(figure(SPECS[name]()), "page", *size_for(name, "page")).svg)]
    joined = " ".join(texts)
    for word in words:
        assert word in texts or word in joined, f"{word!r} not drawn as text in {name}"


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


def test_highlighted_bar_is_the_only_bar_in_the_highlight_colour(service, theme):
    svg = service.render(figure(total_by_year()), "page", *SIZES["page"]).svg.decode()
    accent = theme.colour("accent").lower()
    assert svg.count(f"fill: {accent}") == 1
    assert [t for t, p in svg_texts(svg.encode()) if p.get("font-weight") == "bold"] == ["2017", "42"]


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


def test_importing_the_package_imports_no_matplotlib():
    out = run_py("import briefdeck.charts, briefdeck.charts.alt_text\n"
                 "from briefdeck.charts import describe\n"
                 "import test_charts as T\n"
                 "describe(T.fatalities_by_year()); describe(T.sahel_map()); describe(T.timeline())\n"
                 "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))")
    assert out.strip() == "[]"


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
    assert "Mali in the darkest shade" in m and "capitals marked: Bamako, N'Djamena, Niamey, Nouakchott and Ouagadougou" in m


# -- extension point and errors ------------------------------------------------------------------
def test_a_custom_kind_is_a_registered_function(service):
    from briefdeck.charts import KINDS, describe, register_kind

    @register_kind("test_dots", describe=lambda spec: f"Dot plot of {len(spec.table.rows)} missions.")
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


def test_unknown_kind_target_or_column_is_a_render_error(service):
    from briefdeck.errors import RenderError

    with pytest.raises(RenderError, match="unknown chart kind 'pie'"):
        service.render(figure(ChartSpec(**{**total_by_year().__dict__, "kind": "pie"})), "page", 5, 3)
    with pytest.raises(RenderError, match="unknown chart target"):
        service.render(figure(total_by_year()), "poster", 5, 3)
    with pytest.raises(RenderError, match="no column 'deaths'"):
        service.render(figure(ChartSpec(**{**total_by_year().__dict__, "series": ("deaths",)})), "page", 5, 3)


def test_palette_neighbours_differ_in_grey(theme):
    from briefdeck.charts.style import chart_style

    def grey(c):
        r, g, b = (int(c[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.299 * r + 0.587 * g + 0.114 * b

    pal = chart_style(theme, "page").palette
    assert sorted(pal) == sorted(c.upper() for c in theme.get("colours.data"))
    assert all(abs(grey(a) - grey(b)) >= 0.15 for a, b in zip(pal, pal[1:]))
    assert all(abs(grey(a) - grey(b)) >= 0.25 for a, b in zip(pal[:3], pal[1:3]))
