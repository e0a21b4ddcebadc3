"""Every point of the talk survives: each sentence of the text as given is in the brief, and in the deck."""
from __future__ import annotations

import re
import subprocess

import pytest
from pptx import Presentation

from .conftest import TALK

pytestmark = pytest.mark.quick  # one build of the default source, shared with other tests


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


def pdf_pages_text(pdf) -> list[str]:
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    return [squeeze(p) for p in pages]


def in_brief(sentence: str, pages: list[str]) -> bool:
    """On one page, or continued from the foot of one page to the next (where a figure
    placed at the top of the next page may stand between the two halves in reading order)."""
    if any(squeeze(sentence) in p for p in pages):
        return True
    words = sentence.split()
    for k in range(2, len(words) - 1):
        head, tail = squeeze(" ".join(words[:k])), squeeze(" ".join(words[k:]))
        if any(head in a and tail in b for a, b in zip(pages, pages[1:])):
            return True
    return False


@pytest.mark.parametrize("sentence", talk_sentences())
@pytest.mark.requires("pdftotext")
def test_every_sentence_of_the_talk_is_in_the_brief(sentence, _brief_pages):
    assert in_brief(sentence, _brief_pages), sentence


@pytest.mark.parametrize("sentence", talk_sentences())
def test_every_sentence_of_the_talk_is_in_the_deck_slides_or_notes(sentence, _deck_text):
    assert squeeze(sentence) in _deck_text, sentence


@pytest.fixture(scope="module")
def _brief_pages(default_pdf):
    return pdf_pages_text(default_pdf)


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
