"""Every point of the talk survives: each sentence of the text as given is in the brief, and in the deck."""
from __future__ import annotations

import re
import subprocess

import pytest
from pptx import Presentation

from .conftest import TALK


def talk_sentences() -> list[str]:
    text = " ".join(TALK.read_text(encoding="utf-8").split())
    text = text.replace("Canada.She", "Canada. She")  # the one typo the source corrects
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", text)
    return [p for p in parts if len(p) > 3]


def squeeze(text: str) -> str:
    """Letters and digits only: immune to line breaks, hyphenation, quote and dash styles."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def test_talk_is_split_into_all_its_sentences():
    sentences = talk_sentences()
    assert len(sentences) == 28
    assert sentences[0].startswith("The following is a summary of Corey Levine")
    assert sentences[-1].endswith("Mali would not be the quagmire it is today.")


def pdf_reading_text(pdf, doc) -> str:
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    body = []
    for page in pages:
        # drop the running header and footer so a sentence that crosses a page break reads on
        lines = [ln for ln in page.splitlines()
                 if ln.strip() not in {doc.meta.short_title, doc.meta.series}
                 and not re.search(r"[Pp]age \d+ of \d+", ln)]
        body.append("\n".join(lines))
    return "\n".join(body)


@pytest.mark.parametrize("sentence", talk_sentences())
def test_every_sentence_of_the_talk_is_in_the_brief(sentence, default_pdf, default_doc, _brief_text):
    assert squeeze(sentence) in _brief_text, sentence


@pytest.mark.parametrize("sentence", talk_sentences())
def test_every_sentence_of_the_talk_is_in_the_deck_slides_or_notes(sentence, _deck_text):
    assert squeeze(sentence) in _deck_text, sentence


@pytest.fixture(scope="module")
def _brief_text(default_pdf, default_doc):
    return squeeze(pdf_reading_text(default_pdf, default_doc))


@pytest.fixture(scope="module")
def _deck_text(default_pptx):
    chunks = []
    for slide in Presentation(str(default_pptx)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                chunks.append(shape.text_frame.text)
        if slide.has_notes_slide:
            chunks.append(slide.notes_slide.notes_text_frame.text)
    return squeeze("\n".join(chunks))
