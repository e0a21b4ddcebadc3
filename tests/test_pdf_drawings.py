"""Converted chart drawings are kept as plain data: a warm build never runs svglib, and the
kept drawing draws the very same bytes as a fresh conversion."""
from __future__ import annotations

import io
import json

import pytest
from reportlab.graphics import renderPDF

from briefdeck.publish import keep_file, read_kept
from briefdeck.render.pdf import drawings


@pytest.fixture(scope="module")
def charts(tmp_path_factory):
    from briefdeck.charts import ChartService
    from briefdeck.load import load_document
    from briefdeck.present import default_view
    from briefdeck.render.pdf import prepare
    from briefdeck.theme import load_theme

    from .conftest import DEFAULT_SOURCE, EXAMPLES

    theme = load_theme()
    out = []
    for src in (DEFAULT_SOURCE, EXAMPLES / "two-speaker-panel.yaml"):
        doc = load_document(src)
        p = prepare(default_view(doc, theme), theme=theme)
        svc = ChartService(theme, cache_dir=tmp_path_factory.mktemp("charts"))
        out += [(r, p.fonts) for r in svc.render_many(p.chart_requests())]
    return out


def pdf_of(d) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(d.width, d.height), invariant=1)
    renderPDF.draw(d, c, 0, 0)
    c.save()
    return buf.getvalue()


def test_a_kept_drawing_draws_the_same_bytes_as_a_fresh_conversion(charts, tmp_path):
    from svglib.svglib import svg2rlg

    kinds = set()
    for r, fonts in charts:
        fresh = svg2rlg(io.BytesIO(r.svg), font_map=fonts.chart_map)
        kept = drawings.loads(drawings.dumps(fresh))
        assert pdf_of(kept) == pdf_of(svg2rlg(io.BytesIO(r.svg), font_map=fonts.chart_map))
        kinds.add(json.loads(drawings.dumps(fresh))["drawing"]["$"])
    assert kinds == {"Drawing"} and len(charts) >= 9


def test_the_second_build_reads_the_kept_drawing_and_does_not_convert(charts, tmp_path, monkeypatch):
    r, fonts = charts[0]
    first = drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path)
    assert list(tmp_path.glob("*.rl.json"))
    import svglib.svglib

    monkeypatch.setattr(svglib.svglib, "svg2rlg", lambda *a, **k: pytest.fail("converted again"))
    second = drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path)
    assert pdf_of(second) == pdf_of(first)


def test_a_tampered_cache_is_refused_and_rebuilt_never_executed(charts, tmp_path):
    r, fonts = charts[0]
    drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path)
    [kept] = tmp_path.glob("*.rl.json")
    data = json.loads(read_kept(kept))
    data["drawing"]["$"] = "os.system"
    keep_file(kept, json.dumps(data).encode())  # forged with a good digest: the format still refuses it
    with pytest.raises(drawings.CacheFormatError):
        drawings.loads(read_kept(kept))
    again = drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path)  # refused, converted anew
    assert again is not None and json.loads(read_kept(kept))["drawing"]["$"] == "Drawing"


def test_a_process_that_builds_again_decodes_a_kept_drawing_once(charts, tmp_path, monkeypatch):
    """--watch: the second build reads no JSON it already read (the shapes are built anew, as
    drawing changes them); a file changed on disk since is read again."""
    r, fonts = charts[0]
    drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path)
    first = drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path)  # read from the file
    real = json.loads
    monkeypatch.setattr(drawings.json, "loads", lambda *a, **k: pytest.fail("decoded again"))
    second = drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path)
    assert second is not first and second.width == first.width
    assert len(second.contents) == len(first.contents)
    monkeypatch.setattr(drawings.json, "loads", real)
    [kept] = tmp_path.glob("*.rl.json")
    keep_file(kept, b"{}")
    assert drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path) is not None  # refused, converted anew
    assert json.loads(read_kept(kept))["format"] == drawings.FORMAT


def test_a_drawing_read_without_its_shapes_is_the_same_drawing_once_they_are_added(charts, tmp_path):
    """--watch: a chart painted from memory (chartpaint.py) is read without its shapes, which only its
    size is needed of; should it be painted by the renderer after all, ``whole`` gives them, and it is
    the drawing read whole: the same attributes in the same order, the same bytes drawn."""
    for r, fonts in charts[:4]:
        drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path)
        full = drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path)  # decoded: kept in this process
        shell = drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path, shapes_later=True)
        assert shell.contents == [] and (shell.width, shell.height) == (full.width, full.height)
        assert shell.wrap(1000, 1000) == full.wrap(1000, 1000)
        drawings.whole(shell)
        assert list(shell.__dict__) == list(full.__dict__)
        assert drawings.dumps(shell) == drawings.dumps(full)
        assert pdf_of(shell) == pdf_of(full)
        drawings.whole(shell)  # (twice: nothing more)
        assert drawings.dumps(shell) == drawings.dumps(full)


def test_a_drawing_painted_from_a_kept_paint_is_read_from_its_own_attributes_alone(charts, tmp_path, monkeypatch):
    """A fresh process (a prose edit) whose chart is painted from calls kept beside the cache
    (chartpaint.kept_beside) reads the kept drawing's own attributes, not its shapes; ``whole`` reads
    them if the renderer paints it after all: the drawing read whole, the same bytes drawn."""
    for r, fonts in charts[:4]:
        drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path)
        drawings._READ.clear()  # (a fresh process)
        full = drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path)
        drawings._READ.clear()
        asked = []
        monkeypatch.setattr(drawings.json, "loads", lambda *a, **k: pytest.fail("read whole"))
        top = drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path, painted=lambda stamp: asked.append(stamp) or True)
        monkeypatch.undo()
        assert asked == [drawings.kept_as(top)] and asked[0] is not None
        assert top.contents == [] and (top.width, top.height) == (full.width, full.height)
        assert top.wrap(1000, 1000) == full.wrap(1000, 1000)
        drawings.whole(top)
        assert list(top.__dict__) == list(full.__dict__)
        assert drawings.dumps(top) == drawings.dumps(full) and pdf_of(top) == pdf_of(full)


def test_shapes_not_read_that_prove_damaged_are_said_and_converted_anew(charts, tmp_path, monkeypatch):
    from briefdeck import publish

    r, fonts = charts[0]
    full = drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path)
    [kept] = tmp_path.glob("*.rl.json")
    raw = read_kept(kept)
    own = raw[:raw.index(b',"c":')]
    assert b'["hAlign","LEFT"]' in own
    keep_file(kept, own.replace(b'["hAlign","LEFT"]', b'["hAlign","RIGHT"]') + b',"c":[{"$":"os.system"}]}}')  # own attributes read
    drawings._READ.clear()
    top = drawings.drawing(r.svg, r.key, fonts.chart_map, "f", tmp_path, painted=lambda stamp: True)
    assert top.contents == [] and top.hAlign == "RIGHT"
    said = []
    monkeypatch.setattr(publish, "cache_problem", lambda path, what: said.append(path.name))
    drawings.whole(top)
    assert said == [kept.name] and pdf_of(top) == pdf_of(full)
    assert top.hAlign == full.hAlign and drawings.dumps(top) == drawings.dumps(full)  # all of the fresh conversion's
