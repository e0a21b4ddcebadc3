"""A template whose notes master has no notes placeholder: the deck gives it one, so every slide's
speaker notes still reach the deck (before, the build stopped on a bug: no text frame to write)."""
from __future__ import annotations

import copy
import io
from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from briefdeck.render.pptx import render_pptx
from briefdeck.render.pptx.template.notes_master import ensure_notes_body

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "templates"


def _without_notes_body(src: Path, dest: Path) -> Path:
    prs = Presentation(str(src))
    for ph in list(prs.notes_master.placeholders):
        if ph.placeholder_format.type == PP_PLACEHOLDER.BODY:
            ph._element.getparent().remove(ph._element)
    prs.save(str(dest))
    return dest


def _notes(path: Path) -> list[str]:
    return [s.notes_slide.notes_text_frame.text if s.has_notes_slide else "" for s in Presentation(str(path)).slides]


def test_a_notes_master_without_a_notes_placeholder_gets_one_on_its_notes_page(tmp_path):
    prs = Presentation(str(_without_notes_body(FIXTURES / "Blue_Curve.pptx", tmp_path / "nobody.pptx")))
    assert ensure_notes_body(prs)
    size = prs._element.find("{http://schemas.openxmlformats.org/presentationml/2006/main}notesSz")
    cx, cy = int(size.get("cx")), int(size.get("cy"))
    body = [ph for ph in prs.notes_master.placeholders if ph.placeholder_format.type == PP_PLACEHOLDER.BODY]
    assert len(body) == 1
    b = body[0]
    assert 0 < b.left and b.left + b.width < cx and cy / 2 - 0.05 * cy < b.top and b.top + b.height < cy
    ids = [el.get("id") for el in prs.notes_master.element.iter("{http://schemas.openxmlformats.org/presentationml/2006/main}cNvPr")]
    assert len(ids) == len(set(ids))  # the shape's id is its own
    assert not ensure_notes_body(prs)  # once


def test_a_notes_master_with_one_is_left_as_it_is():
    data = (FIXTURES / "Blue_Curve.pptx").read_bytes()
    prs = Presentation(io.BytesIO(data))
    before = copy.deepcopy(prs.notes_master.element)
    assert not ensure_notes_body(prs)
    assert [e.tag for e in prs.notes_master.element.iter()] == [e.tag for e in before.iter()]


def test_every_slides_notes_reach_a_deck_whose_template_had_no_notes_placeholder(default_doc, theme, service, tmp_path):
    nobody = _without_notes_body(FIXTURES / "Blue_Curve.pptx", tmp_path / "nobody.pptx")
    render_pptx(default_doc, tmp_path / "nobody-deck.pptx", theme=theme, charts=service, template=nobody)
    render_pptx(default_doc, tmp_path / "deck.pptx", theme=theme, charts=service, template=FIXTURES / "Blue_Curve.pptx")
    notes = _notes(tmp_path / "nobody-deck.pptx")
    assert notes == _notes(tmp_path / "deck.pptx")
    assert sum(1 for n in notes if n.strip()) >= len(notes) - 2  # the talk's text is in the notes
