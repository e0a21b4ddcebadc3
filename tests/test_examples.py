"""Real events of every shape, held to the full battery: every paragraph in the brief and in the
deck (slides + notes), every person and bio in both, dates in the language's format, fonts
embedded, the deck clean for PowerPoint (openxml-audit) and nothing off the slide in LibreOffice.

The corpus: the default source and every example under tests/examples/ (a hearing, a keynote
with no data, a panel of six, a long ministerial, a French speech, an en-US data hearing, a
hearing in two panels, a fictional French panel). Quotes are checked verbatim by the loader itself.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pptx import Presentation

from briefdeck import api
from briefdeck.assets import Assets
from briefdeck.load import load_document
from briefdeck.locale import load_locale

from .conftest import DEFAULT_SOURCE, EXAMPLES, libreoffice_to_pdf
from .test_fidelity import in_brief, pdf_pages_text

SOURCES = [DEFAULT_SOURCE] + sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*/*.yaml"))
AUDIT = shutil.which("openxml-audit") or str(Path(sys.executable).parent / "openxml-audit")

pytestmark = [pytest.mark.slow, pytest.mark.requires("pdftotext")]  # `built` reads every brief with pdftotext


def squeeze(text: str) -> str:
    """Letters and digits only: immune to line breaks, hyphenation, quote and dash styles."""
    return re.sub(r"[\W_]", "", text.lower())


@pytest.fixture(scope="module", params=SOURCES, ids=lambda p: p.stem)
def built(request, tmp_path_factory):
    src = request.param
    out = tmp_path_factory.mktemp(src.stem)
    [res] = api.build([src], api.Options(out_dir=out, force=True, jobs=2))
    assert res.ok, res.error
    doc = load_document(src)
    pdf, pptx = out / f"{src.stem}.pdf", out / f"{src.stem}.pptx"
    brief = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    deck_chunks = []
    for slide in Presentation(str(pptx)).slides:
        deck_chunks += [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        if slide.has_notes_slide:
            deck_chunks.append(slide.notes_slide.notes_text_frame.text)
    return {"src": src, "doc": doc, "pdf": pdf, "pptx": pptx, "out": out, "res": res,
            "brief": squeeze(brief), "deck": squeeze("\n".join(deck_chunks)), "brief_raw": brief,
            "pages": pdf_pages_text(pdf)}


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?…])\s+", " ".join(text.split())) if len(squeeze(s)) > 3]


def texts_of(doc) -> list:
    return ([doc.summary, *doc.key_messages, *(p for s in doc.sections for p in s.paragraphs),
             *(q.text for q in doc.quotes), *(r.text for r in doc.recommendations), *(p.bio for p in doc.people if p.bio)]
            + ([doc.preface] if doc.preface else []))


def test_every_sentence_is_in_the_brief(built):
    # on one page, or from the foot of one page to the head of the next (where a figure placed at
    # the top of the page may stand between the halves in pdftotext's reading order)
    missing = [s for t in texts_of(built["doc"]) for s in sentences(t.plain) if not in_brief(s, built["pages"])]
    assert missing == []


def test_every_sentence_is_in_the_deck_slides_or_notes(built):
    missing = [s for t in texts_of(built["doc"]) for s in sentences(t.plain) if squeeze(s) not in built["deck"]]
    assert missing == []


def test_every_person_is_in_both_outputs_with_their_bio(built):
    for p in built["doc"].people:
        assert squeeze(p.name) in built["brief"] and squeeze(p.name) in built["deck"], p.name
        if p.bio:
            assert squeeze(p.bio.plain) in built["brief"] and squeeze(p.bio.plain) in built["deck"], p.name


def test_dates_follow_the_documents_language(built):
    doc = built["doc"]
    locale = load_locale(Assets.for_source(built["src"]), doc.meta.language)
    shown = locale.date(doc.event.date)
    assert squeeze(shown) in built["brief"] and squeeze(shown) in built["deck"]
    day, month = doc.event.date.day, locale.date(doc.event.date, "month").split()[0]
    day_first, month_first = f"{day} {month}", f"{month} {day},"
    raw = " ".join(built["brief_raw"].split())
    if doc.meta.language == "en-US":
        assert month_first in raw and day_first not in raw
    else:
        assert day_first in raw or f"1er {month}" in raw


@pytest.mark.requires("pdffonts")
def test_every_font_is_embedded(built):
    fonts = subprocess.run(["pdffonts", str(built["pdf"])], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts


def test_the_deck_opens_cleanly_in_powerpoint_per_openxml_audit(built):
    res = subprocess.run([AUDIT, "-f", "microsoft365", str(built["pptx"])], capture_output=True, text=True)
    assert res.returncode == 0 and "Errors: 0" in res.stdout, res.stdout[-2000:]


@pytest.mark.requires("soffice", "pdfinfo")
def test_no_word_leaves_a_slide_in_libreoffice(built, tmp_path):
    pdf = libreoffice_to_pdf(built["pptx"], tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == built["res"].artefacts[1].count
    words = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', words):
        x0, y0, x1, y1 = map(float, m.groups()[:4])
        assert -0.5 <= x0 and x1 <= w + 0.5 and -0.5 <= y0 and y1 <= h + 0.5, (m.group(5), x0, y0, x1, y1)


def test_the_build_has_no_fitting_warnings(built):
    fitting = [w.format() for w in built["res"].warnings if w.code.startswith("deck.") or w.code.startswith("brief.")]
    assert fitting == []
