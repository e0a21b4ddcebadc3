"""Decks on templates this project did not make: the corpus of tests/fixtures/templates/corpus/ (PowerPoint
themes and LibreOffice Impress templates, localised, cut down, reordered, 4:3, dark, tiny footers, a house
font nobody has) and the two LibreOffice templates beside it, each with the default source and a hearing
with many people; six of them also with a committee evidence session.

For every deck, read back by real clients: every paragraph is in the slides or the notes, LibreOffice
draws no word outside its box or the slide (tests/clipped_words.py, on the PDF LibreOffice makes with the
fonts .ci/run installs), openxml-audit finds nothing, the template's slide size and masters are kept and
none of its sample slides is left, every slide has its own title, first in reading order. Slow: every
deck is built, converted by LibreOffice (two at a time) and audited once, in a module fixture.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pptx import Presentation

from briefdeck import api
from briefdeck.load import load_document

from . import clipped_words
from .conftest import DEFAULT_SOURCE, EXAMPLES, ROOT, tool

pytestmark = pytest.mark.slow

CORPUS = ROOT / "tests" / "fixtures" / "templates" / "corpus"
TEMPLATES = sorted(CORPUS.glob("*.pptx")) + sorted((ROOT / "tests" / "fixtures" / "templates").glob("*.pptx"))
SOURCES = {
    "minusma": DEFAULT_SOURCE,
    "sudan": EXAMPLES / "us-house-south-sudan-2016" / "us-house-south-sudan-2016.yaml",
    "idc": EXAMPLES / "uk-idc-conflict-development-2006" / "uk-idc-conflict-development-2006.yaml",
}
# the default source and the hearing on every template; the committee session on those that test most
THIRD = {"Focus", "Midnightblue", "Vintage", "title-only-blank", "tiny-footer", "classic-4x3"}
PAIRS = [(t, s) for t in TEMPLATES for s in SOURCES if s != "idc" or t.stem in THIRD]
CASES = [(t, SOURCES[s]) for t, s in PAIRS]
IDS = [f"{t.stem}-{s}" for t, s in PAIRS]
AUDIT = shutil.which("openxml-audit") or str(Path(sys.executable).parent / "openxml-audit")
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


@dataclass
class Case:
    template: Path
    source: Path
    result: api.SourceResult
    deck: Path
    report: dict = field(default_factory=dict)  # clipped_words.check on LibreOffice's PDF
    audit: str = ""


def _convert_and_check(case: Case) -> Case:
    with tempfile.TemporaryDirectory(prefix="lo-corpus-") as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run([tool("soffice"), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(case.deck.parent), str(case.deck)], capture_output=True, timeout=300, check=True)
    case.report = clipped_words.check(case.deck, case.deck.with_suffix(".pdf"))
    res = subprocess.run([AUDIT, "-f", "microsoft365", str(case.deck)], capture_output=True, text=True, timeout=300)
    case.audit = f"exit {res.returncode}\n{res.stdout}"
    return case


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Case]:
    cases = {}
    for (template, source), name in zip(CASES, IDS):
        out = tmp_path_factory.mktemp(name)
        opts = api.Options(formats=("pptx",), out_dir=out, settings=(("template", template),), force=True)
        [res] = api.build([source], opts)
        assert res.ok, f"{name}: {res.error}"
        cases[name] = Case(template, source, res, out / f"{source.stem}.pptx")
    with ThreadPoolExecutor(2) as pool:  # LibreOffice converts two decks at a time (each its own profile)
        list(pool.map(_convert_and_check, cases.values()))
    return cases


def _squeeze(text: str) -> str:
    return re.sub(r"[\W_]", "", text.lower())


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?…])\s+", " ".join(text.split())) if len(_squeeze(s)) > 3]


@pytest.mark.parametrize("name", IDS)
@pytest.mark.requires("soffice", "pdftotext")
def test_every_paragraph_is_in_the_slides_or_the_notes(corpus, name):
    case = corpus[name]
    doc = load_document(case.source)
    chunks = []
    for slide in Presentation(str(case.deck)).slides:
        chunks += [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        if slide.has_notes_slide:
            chunks.append(slide.notes_slide.notes_text_frame.text)
    deck = _squeeze(" ".join(chunks))
    texts = [doc.summary, *doc.key_messages, *(p for s in doc.sections for p in s.paragraphs), *(q.text for q in doc.quotes),
             *(r.text for r in doc.recommendations), *(p.bio for p in doc.people if p.bio)]
    missing = [s for t in texts for s in _sentences(t.plain) if _squeeze(s) not in deck]
    missing += [r.title for r in doc.references if _squeeze(r.title) not in deck]
    assert missing == []


@pytest.mark.parametrize("name", IDS)
@pytest.mark.requires("soffice", "pdftotext")
def test_libreoffice_draws_no_word_outside_its_box_or_the_slide(corpus, name):
    report = corpus[name].report
    assert report["pages"] == report["slides"]
    assert report["problems"] == [], clipped_words.summarise(report)


@pytest.mark.parametrize("name", IDS)
@pytest.mark.requires("soffice", "pdftotext")
def test_the_deck_opens_cleanly_per_openxml_audit(corpus, name):
    audit = corpus[name].audit
    assert audit.startswith("exit 0") and "Errors: 0" in audit, audit[-2000:]


@pytest.mark.parametrize("name", IDS)
@pytest.mark.requires("soffice", "pdftotext")
def test_the_template_is_kept_and_its_sample_slides_are_gone(corpus, name):
    case = corpus[name]
    template, deck = Presentation(str(case.template)), Presentation(str(case.deck))
    assert (deck.slide_width, deck.slide_height) == (template.slide_width, template.slide_height)
    assert len(deck.slide_masters) == len(template.slide_masters)
    assert [l.name for m in deck.slide_masters for l in m.slide_layouts] == \
        [l.name for m in template.slide_masters for l in m.slide_layouts]
    assert len(deck.slides) == case.result.artefacts[0].count
    with __import__("zipfile").ZipFile(case.deck) as z:  # no slide part is left over from the template
        slide_parts = [n for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
    assert len(slide_parts) == len(deck.slides)


@pytest.mark.parametrize("name", IDS)
@pytest.mark.requires("soffice", "pdftotext")
def test_every_slide_has_its_own_title_first_in_reading_order(corpus, name):
    titles = []
    for n, slide in enumerate(Presentation(str(corpus[name].deck)).slides, 1):
        title = slide.shapes.title
        assert title is not None and title.text_frame.text.strip(), f"slide {n} has no title"
        first = next(el for el in slide.shapes._spTree if el.tag in (f"{P}sp", f"{P}pic", f"{P}graphicFrame", f"{P}grpSp"))
        assert first is title._element, f"slide {n}: the title is not first in the shape tree"
        titles.append(title.text_frame.text)
    assert len(titles) == len(set(titles)), [t for t in titles if titles.count(t) > 1]


@pytest.mark.parametrize("name", IDS)
@pytest.mark.requires("soffice", "pdftotext")
def test_no_text_was_left_to_overflow(corpus, name):
    """The planner never plans what does not fit: no fitting warning on any template; the deck-wide ones
    it may give are about the template (its typeface, its colours, its footer)."""
    warnings = [w for w in corpus[name].result.warnings if w.code.startswith("deck.")]
    assert [w.format() for w in warnings if w.code == "deck.fit"] == []
    assert all(w.code in ("deck.font", "deck.font_substitution", "deck.contrast", "deck.footer", "deck.native")
               for w in warnings), [w.format() for w in warnings]


@pytest.mark.parametrize("template", ["Vivid", "corporate-font", "classic-4x3"])
@pytest.mark.requires("fc-list")
def test_a_deck_is_byte_identical_on_a_machine_with_only_dejavu(template, tmp_path):
    """Nothing about the building machine's fonts reaches the deck: the same source and template built
    where fontconfig knows only DejaVu (FONTCONFIG_FILE with one <dir>) gives the same bytes."""
    import os

    dejavu = next((d for d in (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")) if d.is_dir()),
                  tmp_path / "no-fonts")
    dejavu.mkdir(exist_ok=True)
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>{dejavu}</dir>'
                    f'<cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>\n', encoding="utf-8")
    decks = []
    for run, extra in (("normal", {}), ("dejavu-only", {"FONTCONFIG_FILE": str(conf)})):
        env = {**os.environ, "MPLCONFIGDIR": str(tmp_path / f"mpl-{run}"), **extra}
        out = tmp_path / run
        proc = subprocess.run([sys.executable, "-m", "briefdeck", str(DEFAULT_SOURCE), "--format", "pptx", "--force",
                               "--template", str(CORPUS / f"{template}.pptx"), "--out", str(out)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        decks.append((out / f"{DEFAULT_SOURCE.stem}.pptx").read_bytes())
    if run == "dejavu-only" and extra:
        check = subprocess.run(["fc-list"], env={**os.environ, "FONTCONFIG_FILE": str(conf)}, capture_output=True, text=True)
        assert "Carlito" not in check.stdout and "Liberation" not in check.stdout  # the other machine really lacks them
    assert decks[0] == decks[1]


@pytest.mark.parametrize("name", IDS)
@pytest.mark.requires("soffice", "pdftotext")
def test_links_read_on_the_slides_they_are_on(corpus, name):
    """Viewers draw a link in its master's theme hyperlink colour, whatever the run says: on every slide
    with a link, that colour reaches 4.5:1 on what the layout draws under the link's text box (a dark
    template's default blue is replaced in the deck's copy of its theme, with a warning)."""
    from briefdeck.render.pptx.backdrop import Backdrop
    from briefdeck.render.pptx.fit import Box
    from briefdeck.charts.colour import contrast
    from briefdeck.render.pptx.styles import Theme

    A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    prs = Presentation(str(corpus[name].deck))
    w, h = prs.slide_width / 914400, prs.slide_height / 914400
    drawn, checked = {}, 0
    for n, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            if not shape.has_text_frame or shape._element.find(f".//{A}hlinkClick") is None:
                continue
            layout = slide.slide_layout
            hlink = Theme(layout.slide_master).scheme["hlink"]
            bd = drawn.setdefault(id(layout), Backdrop(layout, w, h))
            under = bd.colour_under(Box(shape.width / 914400, shape.height / 914400, shape.left / 914400, shape.top / 914400))
            assert contrast(hlink, under) >= 4.5, f"slide {n}: links #{hlink} on #{under}"
            checked += 1
    assert checked, "no slide with a link"  # every source has references with links
    warned = [w.message for w in corpus[name].result.warnings if w.code == "deck.contrast" and w.message.startswith("link text")]
    if name.startswith(("Portfolio", "dark-corporate")):
        assert warned and "the deck sets links in #" in warned[0]


_CHROME = {"ftr", "sldNum", "dt"}  # footer, slide number and date: not what a slide says


def _shown_words(slide) -> int:
    """The words a slide shows, read back: every text shape but the footer, date and slide number."""
    from briefdeck.render.pptx.plan.types import count_words

    n = 0
    for shape in slide.shapes:
        if not shape.has_text_frame:
            continue
        ph = shape._element.find(f".//{P}nvPr/{P}ph")
        if ph is not None and ph.get("type") in _CHROME:
            continue
        n += count_words(shape.text_frame.text)
    return n


@pytest.mark.parametrize("name", IDS)
def test_one_structure_and_a_word_budget_read_back(corpus, name):
    """No slide over 75 words; a divider for every section or none, "Part 1 of N" to "Part N of N", on one
    layout; at most two title sizes on the slides of one layout (issue 22)."""
    from briefdeck.theme import load_theme

    budget = load_theme("default").get("deck.limits.slide_words")
    prs = Presentation(str(corpus[name].deck))
    over = [(n, _shown_words(s)) for n, s in enumerate(prs.slides, 1) if _shown_words(s) > budget]
    assert over == []
    doc = load_document(corpus[name].source)
    parts, layouts, sizes = [], set(), {}
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame and (m := re.fullmatch(r"Part (\d+) of (\d+)", shape.text_frame.text.split("\n")[0].strip())):
                parts.append((int(m.group(1)), int(m.group(2))))
                layouts.add(slide.slide_layout.name)
        title = slide.shapes.title
        if title is not None and title.has_text_frame:
            sz = {r.font.size.pt for p in title.text_frame.paragraphs for r in p.runs if r.font.size is not None}
            sizes.setdefault(str(slide.slide_layout.part.partname), set()).update(sz)  # two masters may name layouts alike
    total = len(doc.sections)
    assert parts in ([], [(k, total) for k in range(1, total + 1)])
    assert len(layouts) <= 1
    assert {k: v for k, v in sizes.items() if len(v) > 2} == {}


@pytest.mark.parametrize("name", IDS)
def test_every_chart_picture_names_the_templates_typeface(corpus, name):
    """On a template, a chart picture is drawn in the template's body face: its SVG names a face the
    template itself names (first, before the twin it was drawn with), the same in every picture."""
    import zipfile

    with zipfile.ZipFile(corpus[name].deck) as z:
        svgs = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("ppt/media/") and n.endswith(".svg")]
    with zipfile.ZipFile(corpus[name].template) as z:
        named = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                         if n.startswith(("ppt/theme/", "ppt/slideMasters/", "ppt/slideLayouts/")) and n.endswith(".xml"))
    if not svgs:
        pytest.skip("a deck without chart pictures")
    firsts = {m.group(1) for svg in svgs for m in re.finditer(r"font-family: '([^']+)'", svg)}
    assert len(firsts) == 1, firsts
    face = firsts.pop()
    assert f'typeface="{face}"' in named, face
