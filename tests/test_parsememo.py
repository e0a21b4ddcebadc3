"""A paragraph's markup parsed once in a process (render/pdf/parsememo.py): a paragraph of the same
text in a style of the same attributes gets copies of the frags the first parse made; the brief is
the same as when every paragraph is parsed."""
from __future__ import annotations

import copy

import pytest
from reportlab.platypus import Paragraph

from briefdeck.render.pdf import parsememo
from briefdeck.render.pdf.fonts import load_fonts
from briefdeck.render.pdf.styles import Styles

from .conftest import DEFAULT_SOURCE

TEXT = 'See <a href="https://example.org/x" color="#0b5394">the <i>mission</i> report</a>, <b>2018</b> &amp; after.'


def _frags(p) -> list[dict]:
    return [dict(f.__dict__) for f in p.frags]


@pytest.fixture
def style(theme):
    return Styles(theme, load_fonts(theme), "en-CA").para("figure.note").clone("test-note")


@pytest.mark.quick
def test_the_same_text_and_style_get_copies_of_one_parse(style, monkeypatch):
    parses = []
    from reportlab.platypus import paraparser

    parse = paraparser.ParaParser.parse
    monkeypatch.setattr(paraparser.ParaParser, "parse", lambda self, *a: parses.append(1) or parse(self, *a))
    first = Paragraph(TEXT, style)
    again = Paragraph(TEXT, style)
    assert len(parses) == 1
    assert _frags(again) == _frags(first) and again.text == first.text and len(first.frags) >= 5
    assert all(a is not b for a, b in zip(again.frags, first.frags))  # each its own (reportlab changes them)
    again.frags[0].text = "changed"
    assert Paragraph(TEXT, style).frags[0].text == first.frags[0].text
    twin = Paragraph(TEXT, copy.copy(style))  # another style object alike (--watch's next build)
    assert len(parses) == 1 and _frags(twin) == _frags(first)
    style.fontSize += 1  # a style changed since: parsed anew, in its new size
    bigger = Paragraph(TEXT, style)
    assert len(parses) == 2 and bigger.frags[0].fontSize == first.frags[0].fontSize + 1
    Paragraph(TEXT + " ", style)  # another text
    assert len(parses) == 3


def test_the_brief_is_the_same_when_every_paragraph_is_parsed(theme, tmp_path, monkeypatch):
    from briefdeck.charts import ChartService
    from briefdeck.load import load_document
    from briefdeck.present import default_view
    from briefdeck.render.pdf import prepare

    charts = ChartService(theme, cache_dir=tmp_path / "cache")
    view = default_view(load_document(DEFAULT_SOURCE), theme)
    prepare(view, theme=theme, charts=charts).render(tmp_path / "kept.pdf", charts)
    monkeypatch.setattr(Paragraph, "_setup", parsememo.ORIGINAL["_setup"])
    prepare(view, theme=theme, charts=charts).render(tmp_path / "anew.pdf", charts)
    assert (tmp_path / "kept.pdf").read_bytes() == (tmp_path / "anew.pdf").read_bytes()
