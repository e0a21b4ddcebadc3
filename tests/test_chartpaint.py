"""A chart painted again in the same process (--watch) from the calls its first paint made gives the
bytes reportlab's renderer gives; a canvas that differs in what the drawing read is painted by the
renderer; a drawing that asks more of the canvas than calls and plain values is never replayed."""
from __future__ import annotations

import io

import pytest
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, Line, Path, PolyLine, Polygon, Rect, String
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from briefdeck.render.pdf import chartpaint


def _chart() -> Drawing:
    """Shapes of the kinds svglib makes of a chart: groups with transforms, paths, a dashed line,
    translucent fills, text; and a node whose colour depends on the canvas's font when it is drawn
    (what it reads is part of what decides a replay)."""
    d = Drawing(200, 120)
    d.add(Rect(0, 0, 200, 120, fillColor=Color(0.9, 0.9, 0.95), strokeColor=None))
    g = Group(transform=(1, 0, 0, 1, 10.123456, 5.5))
    p = Path(fillColor=Color(0.2, 0.4, 0.6, alpha=0.5), strokeColor=Color(0, 0, 0), strokeWidth=0.75)
    p.moveTo(0, 0)
    p.lineTo(50.333333, 80.1)
    p.curveTo(60, 90, 70, 95, 80, 60)
    p.closePath()
    g.add(p)
    g.add(Line(0, 0, 150, 0, strokeColor=Color(0.5, 0.5, 0.5), strokeDashArray=[2, 1.5]))
    g.add(PolyLine([0, 10, 40, 30, 90, 20], strokeColor=Color(1, 0, 0), strokeWidth=1.2))
    g.add(Polygon([100, 10, 130, 40, 160, 10], fillColor=Color(0, 0.6, 0), strokeColor=None))
    d.add(g)
    labels = Group()
    labels.add(String(20, 100, "Fatalities by year", fontName="Helvetica-Bold", fontSize=9))
    labels.add(String(180, 8, "2018", fontName="Helvetica", fontSize=7, textAnchor="end"))
    d.add(labels)
    mark = Rect(190, 110, 5, 5, strokeColor=None)
    mark.__dict__["_drawTimeCallback"] = lambda node, canvas, renderer: canvas.setFillColor(
        Color(0, 0, 1) if canvas._fontname == "Courier" else Color(1, 0, 0))
    d.add(mark)
    return d


def _page(drawing: Drawing, font_before: str = "Times-Roman") -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, invariant=1)
    c.setFont(font_before, 11)
    c.drawString(20, 700, "Text before the chart")
    drawing.drawOn(c, 40, 400)
    c.drawString(20, 380, "Text after it")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def rendered(monkeypatch):
    """How many times reportlab's renderer walked a drawing."""
    chartpaint._KEPT.clear()
    chartpaint._SEEN.clear()
    calls = []
    draw = renderPDF.draw

    def counted(*a, **k):
        calls.append(1)
        return draw(*a, **k)

    monkeypatch.setattr(renderPDF, "draw", counted)
    yield calls
    chartpaint._KEPT.clear()
    chartpaint._SEEN.clear()


def test_a_third_paint_replays_the_second_and_writes_the_renderers_bytes(rendered):
    plain = _page(_chart())
    assert len(rendered) == 1
    first = _page(chartpaint.painted_from_memory(_chart(), ("chart", 200)))
    assert ("chart", 200) not in chartpaint._KEPT  # a first paint notes nothing (a one-shot build)
    second = _page(chartpaint.painted_from_memory(_chart(), ("chart", 200)))
    assert ("chart", 200) in chartpaint._KEPT
    third = _page(chartpaint.painted_from_memory(_chart(), ("chart", 200)))
    assert len(rendered) == 3  # the third paint did not walk the shapes
    assert first == plain and second == plain and third == plain


def test_a_canvas_that_differs_in_what_the_drawing_read_is_painted_by_the_renderer(rendered):
    key = ("chart", 200)
    for _ in range(2):
        _page(chartpaint.painted_from_memory(_chart(), key), font_before="Times-Roman")
    kept = chartpaint._KEPT[key]
    assert "_fontname" in kept.read
    n = len(rendered)
    other = _page(chartpaint.painted_from_memory(_chart(), key), font_before="Courier")
    assert len(rendered) == n + 1
    assert other == _page(_chart(), font_before="Courier")


def test_a_drawing_that_asks_for_more_than_calls_and_plain_values_is_not_kept(rendered):
    d = _chart()

    class Peeks(Group):  # a node whose callback reads the canvas's page code (a list)
        pass

    peek = Peeks()
    peek.__dict__["_drawTimeCallback"] = lambda node, canvas, renderer: len(canvas._code)
    d.add(peek)
    chartpaint._SEEN[("peek",)] = True  # (painted once before: this paint would be noted)
    page = _page(chartpaint.painted_from_memory(d, ("peek",)))
    assert ("peek",) not in chartpaint._KEPT
    fresh = _chart()
    fresh.add(Peeks())
    assert page == _page(fresh)


STAMP = b"\x01" * 32  # (the digest of the kept drawing a chart was read from: drawings.kept_as)


def test_a_drawing_read_from_the_cache_keeps_its_paint_there_for_a_fresh_process(rendered, tmp_path):
    key = ("chart", 200)
    plain = _page(_chart())
    first = _page(chartpaint.painted_from_memory(_chart(), key, tmp_path, STAMP))  # noted at its first paint
    (entry,) = tmp_path.glob("*.paint.json")
    assert len(rendered) == 2 and first == plain
    chartpaint._KEPT.clear()  # a fresh process
    again = _page(chartpaint.painted_from_memory(_chart(), key, tmp_path, STAMP))
    assert len(rendered) == 2 and again == plain  # replayed from the file, the renderer's bytes
    kept = chartpaint._KEPT[key]
    raw = entry.read_bytes()
    assert chartpaint._dumps(kept) in raw  # (after the entry's digest header)
    assert chartpaint._dumps(chartpaint._loads(chartpaint._dumps(kept))) == chartpaint._dumps(kept)
    chartpaint._KEPT.clear()  # another drawing's bytes (another stamp): painted and kept anew
    _page(chartpaint.painted_from_memory(_chart(), key, tmp_path, b"\x02" * 32))
    assert len(rendered) == 3 and len(list(tmp_path.glob("*.paint.json"))) == 2


def test_a_planted_or_damaged_paint_is_refused_and_the_chart_painted_by_the_renderer(rendered, tmp_path):
    import json

    from briefdeck.publish import keep_file

    key = ("chart", 200)
    plain = _page(_chart())
    _page(chartpaint.painted_from_memory(_chart(), key, tmp_path, STAMP))
    (entry,) = tmp_path.glob("*.paint.json")
    good = json.loads(chartpaint._dumps(chartpaint._KEPT[key]))
    saved = tmp_path / "saved.pdf"
    planted = [
        {**good, "calls": good["calls"] + [["c", "save", [], {}]]},  # a canvas method the renderer never calls
        {**good, "calls": good["calls"] + [["c", "drawInlineImage", [str(saved), 0, 0], {}]]},
        {**good, "calls": good["calls"] + [["s", "_filename", str(saved)]]},  # an attribute it never sets
        {**good, "calls": [["c", "setFillColor", [{"x": 1}], {}]]},  # a value the recorder never keeps
        {**good, "format": 99},
    ]
    for payload in [json.dumps(p).encode() for p in planted] + [b"{not json"]:
        keep_file(entry, payload)  # a valid header: only the reading stands in the way
        chartpaint._KEPT.clear()
        n = len(rendered)
        assert _page(chartpaint.painted_from_memory(_chart(), key, tmp_path, STAMP)) == plain
        assert len(rendered) == n + 1 and not saved.exists()


def test_a_paint_kept_beside_the_cache_is_read_before_the_drawing_and_replayed(rendered, tmp_path):
    """kept_beside: whether a chart will be painted from a kept paint (then its drawing is read without
    its shapes, drawings._top), the paint read once, for its paint; another stamp's paint is not it."""
    key = ("chart", 200)
    plain = _page(_chart())
    _page(chartpaint.painted_from_memory(_chart(), key, tmp_path, STAMP))
    chartpaint._KEPT.clear()  # a fresh process
    assert not chartpaint.kept_beside(tmp_path, b"\x02" * 32, key) and key not in chartpaint._KEPT
    assert chartpaint.kept_beside(tmp_path, STAMP, key) and key in chartpaint._KEPT
    assert chartpaint.kept_beside(tmp_path, STAMP, key)  # (held now: not read again)
    n = len(rendered)
    assert _page(chartpaint.painted_from_memory(_chart(), key, tmp_path, STAMP)) == plain and len(rendered) == n
    assert not chartpaint.kept_beside(tmp_path, b"\x02" * 32, key)  # held, but another drawing's
