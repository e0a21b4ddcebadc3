"""Speaker notes written without python-pptx's machinery (``render/pptx/notes.py``) are the bytes
python-pptx writes (``notes_text_frame.text``, then each run's language), on python-pptx's notes
master and a template's own; text python-pptx would escape is left to it."""
from __future__ import annotations

import copy

import pytest
from lxml import etree
from pptx import Presentation

from briefdeck.render.pptx.notes import set_notes
from briefdeck.render.pptx.template.opening import default_template
from briefdeck.theme import load_theme

from .test_pptx_clones import _with_own_notes_master

TEXTS = ["One line.", "Two\nlines", "A\n\nblank line between", "\nled by a blank line\n", "soft\vbreak\v\vtwice",
         "\v", "a tab\there", "ünïcödé — “quotes” & <angles>", "", "trailing space ", " " * 3]


def _python_pptx(notes_el, text: str, lang: str):
    """What the writer's fallback (python-pptx's own way) makes of the same notes slide."""
    from pptx.slide import NotesSlide

    el = copy.deepcopy(notes_el)
    tf = NotesSlide(el, None).notes_text_frame
    tf.text = text
    for p in tf.paragraphs:
        for r in p.runs:
            r._r.get_or_add_rPr().set("lang", lang)
    return el


@pytest.fixture(params=["python-pptx's", "own"])
def notes_slide(request, tmp_path):
    path = default_template(load_theme("default")) if request.param == "python-pptx's" else _with_own_notes_master(tmp_path)
    prs = Presentation(str(path))
    return prs.slides.add_slide(prs.slide_layouts[0]).notes_slide


@pytest.mark.parametrize("text", TEXTS)
def test_notes_are_written_as_python_pptx_writes_them(notes_slide, text):
    expected = etree.tostring(_python_pptx(notes_slide.element, text, "en-CA"))
    assert set_notes(notes_slide.element, text, "en-CA")
    assert etree.tostring(notes_slide.element) == expected
    assert notes_slide.notes_text_frame.text == text  # read back by python-pptx


def test_notes_written_again_replace_the_earlier_text(notes_slide):
    assert set_notes(notes_slide.element, "first\nsecond", "fr-CA")
    expected = etree.tostring(_python_pptx(notes_slide.element, "third", "fr-CA"))
    assert set_notes(notes_slide.element, "third", "fr-CA")
    assert etree.tostring(notes_slide.element) == expected
    assert [r._r.rPr.get("lang") for p in notes_slide.notes_text_frame.paragraphs for r in p.runs] == ["fr-CA"]


@pytest.mark.parametrize("text", ["bell\x07", "form\x0cfeed", "carriage\rreturn", "nul\x00"])
def test_text_python_pptx_would_escape_is_left_to_it(notes_slide, text):
    before = etree.tostring(notes_slide.element)
    assert set_notes(notes_slide.element, text, "en-CA") is False
    assert etree.tostring(notes_slide.element) == before


def test_a_notes_slide_without_a_notes_placeholder_is_left_to_python_pptx(notes_slide):
    tree = notes_slide.shapes._spTree
    for sp in [sp for sp in tree if sp.find(".//{*}ph") is not None and sp.find(".//{*}ph").get("type") == "body"]:
        tree.remove(sp)
    before = etree.tostring(notes_slide.element)
    assert set_notes(notes_slide.element, "text", "en-CA") is False
    assert etree.tostring(notes_slide.element) == before and notes_slide.notes_placeholder is None
