"""A paragraph wrapped again at its width keeps its lines (render/pdf/rewrap.py): platypus wraps one
flowable many times a layout, and only a wrap that follows a wrap of the same paragraph, at the same
width, with nothing it breaks from changed, is answered from the last one; the brief is the same."""
from __future__ import annotations

import pytest
from reportlab.platypus import Paragraph

from briefdeck.render.pdf import rewrap
from briefdeck.render.pdf.fonts import load_fonts
from briefdeck.render.pdf.styles import Styles

from .conftest import DEFAULT_SOURCE, EXAMPLES

TEXT = ("<b>Note.</b> Fatalities are counted by the date of the incident, not of death; the "
        "<i>malicious acts</i> category follows the UN's own classification, see "
        "https://peacekeeping.un.org/en/peacekeeper-fatalities for the series. ") * 2


@pytest.fixture(scope="module")
def note(theme):
    return Styles(theme, load_fonts(theme), "en-CA").para("figure.note")


@pytest.mark.quick
def test_a_wrap_at_the_same_width_keeps_the_lines_and_anything_else_breaks_again(note):
    p = Paragraph(TEXT, note)
    w, h = p.wrap(200, 1000)
    lines = p.blPara
    assert len(lines.lines) > 3 and p.wrap(200, 50) == (w, h) and p.blPara is lines  # (the height offered: not read)
    assert p.wrap(180, 1000)[1] > h and p.blPara is not lines  # another width
    again = p.blPara
    assert p.wrap(180, 1000) and p.blPara is again
    p.split(180, 3 * note.leading)  # a split (tried) marks the words it cuts at: forgotten
    assert p.wrap(180, 1000) and p.blPara is not again
    again = p.blPara
    p.style = note.clone("other", fontSize=note.fontSize + 1)  # another style: broken again
    assert p.wrap(180, 1000) and p.blPara is not again


@pytest.mark.quick
def test_the_lines_kept_are_the_lines_reportlab_breaks_again(note):
    """reportlab breaks a multi-font paragraph from the word list its last break left: the same lines."""
    p = Paragraph(TEXT, note)
    p.wrap(200, 1000)
    kept = p.blPara
    rewrap.ORIGINAL["wrap"](p, 200, 1000)
    fresh = p.blPara
    assert fresh is not kept
    assert [(ln.extraSpace, [(f.text, f.fontName) for f in ln.words]) for ln in fresh.lines] == \
        [(ln.extraSpace, [(f.text, f.fontName) for f in ln.words]) for ln in kept.lines]


@pytest.mark.parametrize("source", [DEFAULT_SOURCE, EXAMPLES / "us-house-south-sudan-2016" / "us-house-south-sudan-2016.yaml"],
                         ids=["default", "south-sudan"])
def test_the_brief_is_the_same_when_every_wrap_breaks_again(theme, tmp_path, monkeypatch, source):
    from briefdeck.charts import ChartService
    from briefdeck.load import load_document
    from briefdeck.present import default_view
    from briefdeck.render.pdf import prepare

    charts = ChartService(theme, cache_dir=tmp_path / "cache")
    view = default_view(load_document(source), theme)
    prepare(view, theme=theme, charts=charts).render(tmp_path / "kept.pdf", charts)
    for name, method in rewrap.ORIGINAL.items():
        monkeypatch.setattr(Paragraph, name, method)
    prepare(view, theme=theme, charts=charts).render(tmp_path / "anew.pdf", charts)
    assert (tmp_path / "kept.pdf").read_bytes() == (tmp_path / "anew.pdf").read_bytes()
