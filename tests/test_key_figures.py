"""A text-only event that looks designed (issue 23): facts with a label lifted out of the prose as
key figures -- in the brief, the deck and the web page, from the reading plan -- a fact given as
a literal value with its source, and section openers; the theme turns both on or off."""
from __future__ import annotations

import shutil
import subprocess
import textwrap

import pytest
from pptx import Presentation

from briefdeck import api
from briefdeck.errors import SourceError
from briefdeck.load import load_document
from briefdeck.present import default_view
from briefdeck.theme import load_theme

from .conftest import EXAMPLES

LAGOS = EXAMPLES / "uk-cleverly-lagos-2023" / "uk-cleverly-lagos-2023.yaml"

SOURCE = textwrap.dedent("""\
    briefdeck: 1
    event: {title: A lecture on climate finance, organiser: Test organiser, date: 2023-05-04, place: London}
    people: [{id: a, name: Ana Example}]
    summary: "The cost of capital is the obstacle, she said: {fact:capital} that of rich countries."
    key_messages: ["Finance follows the cost of capital."]
    sections:
      - id: s
        title: Money
        paragraphs: ["She said {fact:displaced} people could be displaced, and {fact:fund} was pledged."]
    facts:
      displaced: {text: 200 million, source: the speaker, label: people who could be displaced by 2050}
      fund: {text: "$1.2 billion", source: the speaker, label: pledged to the adaptation fund}
      capital: {text: three times, source: the speaker}
    """)


def write(tmp_path, text: str):
    (tmp_path / "assets").mkdir(exist_ok=True)
    src = tmp_path / "lecture.yaml"
    src.write_text(text, encoding="utf-8")
    return src


def test_a_literal_fact_is_cited_in_the_prose_and_a_labelled_one_is_a_key_figure(tmp_path):
    doc = load_document(write(tmp_path, SOURCE))
    assert "200 million people could be displaced" in doc.sections[0].paragraphs[0].plain
    assert "three times that of rich countries" in doc.summary.plain  # a value in the prose only: no label
    assert [(k.value, k.label.plain, k.source) for k in doc.key_figures] == [
        ("200 million", "people who could be displaced by 2050", "the speaker"),
        ("$1.2 billion", "pledged to the adaptation fund", "the speaker")]
    assert doc.key_figures[0].loc.line == 11  # where the fact is declared


@pytest.mark.parametrize("fact, message", [
    ("{text: 200 million}", "has no `source`"),
    ("{text: 200 million, source: the speaker, dataset: d, value: n}", "either `text`"),
    ("{label: people displaced}", "give `text`"),
])
def test_a_literal_fact_says_where_it_comes_from_else_a_located_error(tmp_path, fact, message):
    text = SOURCE.replace("{text: 200 million, source: the speaker, label: people who could be displaced by 2050}", fact)
    with pytest.raises(SourceError) as exc:
        load_document(write(tmp_path, text))
    [problem] = [p for p in exc.value.problems if "facts" in p.format()] or exc.value.problems[:1]
    assert message in problem.message and problem.line == 11


def test_the_reading_plan_carries_the_key_figures_after_the_key_messages(tmp_path):
    view = default_view(load_document(write(tmp_path, SOURCE)), load_theme("default"))
    kinds = [p.kind for p in view.plan]
    assert kinds.index("key_figures") == kinds.index("key_messages") + 1
    part = view.plan.find("key_figures")
    assert part.label == "Key figures"
    assert [it.line for it in part.items] == ["200 million people who could be displaced by 2050 (Source: the speaker)",
                                              "$1.2 billion pledged to the adaptation fund (Source: the speaker)"]
    assert ("Key figures", "key-figures", 0) in [(e.title, e.anchor, e.level) for e in view.plan.outline(". ")]


@pytest.fixture(scope="module")
def lecture(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lecture")
    src = write(tmp, SOURCE)
    [res] = api.build([src], api.Options(out_dir=tmp / "out", formats=("pdf", "pptx", "html"), force=True))
    assert res.ok, res.error
    return tmp / "out"


def pdf_words(path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())


@pytest.mark.requires("pdftotext")
def test_the_brief_sets_the_key_figures_and_opens_each_section_with_its_number(lecture):
    words = pdf_words(lecture / "lecture.pdf")
    assert "KEY FIGURES 200 million people who could be displaced by 2050 $1.2 billion pledged to the adaptation fund" in words
    assert "Source: the speaker" in words
    assert "01 Money" in words  # the opener over the heading (a text-only event: one column)


def test_the_opener_is_decoration_and_the_box_is_read_in_order(lecture):
    from . import pdf_tags

    tagged = pdf_tags.read(lecture / "lecture.pdf")
    headings = [" ".join(e.text(tagged.page_text).split()) for e in tagged.root.find("H2")]
    assert "Money" in headings and not any(h.startswith("01") for h in headings)  # the number is not read
    [box] = [e for e in tagged.root.find("Div") if any(" ".join(h.text(tagged.page_text).split()).lower() == "key figures"
                                                       for h in e.find("H2"))]
    paras = [" ".join(e.text(tagged.page_text).split()) for e in box.find("P")]
    assert paras == ["200 million", "people who could be displaced by 2050", "$1.2 billion", "pledged to the adaptation fund",
                     "Source: the speaker"]


def test_the_deck_has_a_key_figures_slide_and_the_web_page_a_key_figures_section(lecture):
    prs = Presentation(str(lecture / "lecture.pptx"))
    [slide] = [s for s in prs.slides if any(sh.has_text_frame and sh.text_frame.text == "Key figures" for sh in s.shapes)]
    body = [sh for sh in slide.shapes if sh.has_text_frame and "200 million" in sh.text_frame.text][0]
    first = body.text_frame.paragraphs[0]
    assert first.runs[0].text == "200 million" and first.runs[0].font.bold
    assert "Source: the speaker" in slide.notes_slide.notes_text_frame.text
    html = (lecture / "lecture.html").read_text(encoding="utf-8")
    assert '<section id="key-figures"' in html and "<dt>$1.2 billion</dt>" in html


@pytest.mark.requires("pdftotext")
def test_a_house_style_turns_key_figures_and_openers_off(tmp_path):
    src = write(tmp_path, SOURCE.replace("briefdeck: 1\n", "briefdeck: 1\nmeta: {theme: house}\n"))
    house = tmp_path / "assets" / "themes" / "house"
    house.mkdir(parents=True)
    (house / "base.yaml").write_text("extends: default\n", encoding="utf-8")
    (house / "brief.yaml").write_text("key_figures: {show: false}\nsingle_column: {styles: {h1: {kicker: ''}}}\n", encoding="utf-8")
    [res] = api.build([src], api.Options(out_dir=tmp_path / "out", formats=("pdf",), force=True))
    assert res.ok, res.error
    words = pdf_words(tmp_path / "out" / "lecture.pdf")
    assert "KEY FIGURES" not in words and "01 Money" not in words and "Money" in words
    assert "200 million people could be displaced" in words  # the value stays in the prose


@pytest.mark.slow
@pytest.mark.requires("pdftotext")
def test_the_keynote_example_lifts_the_speakers_number(tmp_path):
    shutil.copytree(LAGOS.parent, tmp_path / "lagos")
    [res] = api.build([tmp_path / "lagos" / LAGOS.name], api.Options(out_dir=tmp_path / "out", formats=("pdf",), force=True))
    assert res.ok, res.error
    words = pdf_words(tmp_path / "out" / f"{LAGOS.stem}.pdf")
    assert "KEY FIGURES Half" in words and "of Africa’s people will be under 25 by 2050" in words  # (value beside label)
    assert all(f"0{n}" in words for n in range(1, 5))
