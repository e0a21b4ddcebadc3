"""The brief is a tagged PDF (PDF/UA-1), checked by real clients: the ``pdfua`` checker,
poppler's ``pdfinfo -struct-text``, and the structure tree walked with pikepdf
(tests/pdf_tags.py) -- headings, lists, figures with alt text, links, reading order, and no
page content that is neither tagged nor an artifact."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DEFAULT_SOURCE, EXAMPLES
from .pdf_tags import read

PDFUA = [sys.executable, "-m", "pdfua"]  # the checker from the [test] extras
CORPUS = sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*/*.yaml"))


def squeeze(text: str) -> str:
    return re.sub(r"[^0-9a-zà-ÿ]", "", text.lower())


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """build(source, paper) -> (document, pdf path), each built once per module."""
    from briefdeck.charts import ChartService
    from briefdeck.load import load_document
    from briefdeck.render.pdf import render_pdf
    from briefdeck.theme import load_theme

    theme = load_theme("default")
    charts = ChartService(theme, cache_dir=tmp_path_factory.mktemp("chart-cache"))
    out = tmp_path_factory.mktemp("tagged")
    made: dict = {}

    def go(source: Path, paper=None):
        key = (source, paper)
        if key not in made:
            doc = load_document(source)
            path = out / f"{source.stem}-{paper or 'own'}.pdf"
            render_pdf(doc, path, theme=theme, charts=charts, paper=paper)
            made[key] = (doc, path)
        return made[key]

    return go


def pdfua_check(path: Path) -> None:
    proc = subprocess.run([*PDFUA, "check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # 0: no error, no warning, no info
    assert "errors=0 warnings=0" in proc.stdout
    assert "skip" not in proc.stdout.lower()  # pdfua skips a rule it cannot evaluate: none may be


def struct_text(path: Path) -> str:
    proc = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True)
    assert proc.stderr == "", proc.stderr  # poppler reports a malformed tree on stderr
    return proc.stdout


def check_brief(doc, path: Path) -> None:
    """Everything the tests ask of every brief (the default one, the examples, Letter)."""
    pdfua_check(path)
    tagged = read(path)

    # the poppler view: a tree, and every paragraph of the talk in its text, exactly once
    text = squeeze("".join(re.findall(r'^\s*"(.*)"$', struct_text(path), re.M)))
    for section in doc.sections:
        for p in section.paragraphs:
            assert text.count(squeeze(p.plain)) == 1, p.plain[:60]
    assert text.count(squeeze(doc.summary.plain)) == 1

    # the catalog and the pages
    cat = tagged.catalog
    assert bool(cat.MarkInfo.Marked) is True
    assert str(cat.Lang) == doc.meta.language
    assert bool(cat.ViewerPreferences.DisplayDocTitle) is True
    assert set(tagged.tabs) == {"/S"}
    xmp = cat.Metadata.read_bytes().decode()
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp and "<dc:title>" in xmp

    # nothing on any page is left out of the tree without being marked an artifact
    assert tagged.untagged == []
    assert all(e is not None for e in tagged.mcid_elem.values()), "an MCID the parent tree does not know"
    owned = {m for e in tagged.root.walk() for m in [k[1:] for k in e.kids if isinstance(k, tuple) and k[0] == "mcid"]}
    assert owned == set(tagged.page_text), "every marked sequence belongs to one element and back"

    root = tagged.root
    assert root.std == "Document"
    # one H1, the title; an H2 for each section, in order
    h1 = root.find("H1")
    assert len(h1) == 1 and squeeze(h1[0].text(tagged.page_text)) == squeeze(doc.event.title)
    h2 = [squeeze(e.text(tagged.page_text)) for e in root.find("H2")]
    titles = [squeeze(s.title) for s in doc.sections]
    assert [h for h in h2 if h in titles] == titles
    for sect in root.find("Sect"):
        kids = [k for k in sect.kids if hasattr(k, "std")]
        assert kids[0].std == "H2", "a section opens with its heading"
        seen_side = False
        for k in kids[1:]:  # the section's text, then its figures, then its side material
            if k.role == "Aside":
                seen_side = True
            else:
                assert not seen_side, "side material is read after the section's text"

    # lists: key messages, recommendations, references; each item a label and a body
    lists = root.find("L")
    want = [len(doc.key_messages)] + ([len(doc.recommendations)] if doc.recommendations else []) \
        + ([len(doc.references)] if doc.references else [])
    assert [len([k for k in lst.kids if hasattr(k, "std")]) for lst in lists] == want
    for lst in lists:
        for li in lst.kids:
            assert li.std == "LI" and [k.std for k in li.kids if hasattr(k, "std")][:2] == ["Lbl", "LBody"]

    # figures: alt text, a caption beside them, the chart's own words not read out as text
    # (and the logos: the organiser's first in the title band, then with the partners' on the back page)
    figs = root.find("Figure")
    logos = [p for p in (doc.event.logo, *(o.logo for o in doc.organisations)) if p is not None and not p.decorative]
    first = [doc.event.logo.alt] if doc.event.logo is not None and not doc.event.logo.decorative else []
    assert [f.alt for f in figs] == first + [f.alt for f in doc.figures] + [p.alt for p in logos]
    for fig_elem in figs:
        assert fig_elem.attrs.get("/O") == "/Layout" and len(fig_elem.attrs["/BBox"]) == 4
    for div in [e for e in root.walk() if e.std != "Table" and any(getattr(k, "std", None) == "Caption" for k in e.kids)]:
        assert [k.std for k in div.kids if hasattr(k, "std")][:2] == ["Caption", "Figure"]
    drawn = squeeze(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)
    for f in doc.figures:  # the alt text is in /Alt, not also drawn as invisible words (read twice)
        assert squeeze(f.alt) not in drawn, f.id

    # links: every annotation is the content of a Link element, with a description
    linked = {k[1].objgen for e in root.find("Link") for k in e.kids if isinstance(k, tuple) and k[0] == "objr"}
    for page in tagged.pdf.pages:
        for a in page.obj.get("/Annots", []):
            if a.get("/Subtype") == "/Link":
                assert a.objgen in linked
                assert "/StructParent" in a and str(a.Contents).strip()

    # quotes and side notes
    assert len(root.find("BlockQuote")) == len(doc.quotes)


@pytest.mark.requires("pdfinfo", "pdftotext")
def test_default_brief_is_tagged(build):
    check_brief(*build(DEFAULT_SOURCE))


@pytest.mark.requires("pdfinfo", "pdftotext")
def test_default_brief_on_letter_is_tagged(build):
    check_brief(*build(DEFAULT_SOURCE, "letter"))


@pytest.mark.slow
@pytest.mark.parametrize("source", CORPUS, ids=lambda p: p.stem)
@pytest.mark.requires("pdfinfo", "pdftotext")
def test_every_example_is_tagged(build, source):
    check_brief(*build(source))


def test_reading_order_follows_the_talk(build):
    """Extraction through the tags gives the summary, then each section's paragraphs in
    order, then the recommendations and references: the order of the source."""
    doc, path = build(DEFAULT_SOURCE)
    tagged = read(path)
    text = squeeze(tagged.text())
    parts = [doc.summary.plain] + [p.plain for s in doc.sections for p in s.paragraphs] \
        + [r.lead for r in doc.recommendations] + [r.title for r in doc.references]
    at = 0
    for p in parts:  # each after the one before
        i = text.find(squeeze(p), at)
        assert i >= 0, p[:60]
        at = i + len(squeeze(p))


def test_page_furniture_is_artifact_and_page_numbers_are_not_read(build):
    doc, path = build(DEFAULT_SOURCE)
    text = read(path).text()
    assert "Page 1 of" not in text and doc.meta.short_title not in text.replace(doc.event.title, "")


def test_a_paragraph_split_over_two_pages_is_one_element(build):
    doc, path = build(DEFAULT_SOURCE)
    tagged = read(path)
    split = [e for e in tagged.root.find("P") if len({k[1] for k in e.kids if isinstance(k, tuple) and k[0] == "mcid"}) > 1]
    assert split, "the default brief has a paragraph that runs on to the next page"
    paras = {squeeze(p.plain) for s in doc.sections for p in s.paragraphs}
    assert any(squeeze(e.text(tagged.page_text)) in paras for e in split)


def test_line_end_hyphens_are_not_part_of_the_tagged_text(build):
    """A hyphen the line break inserted is marked as replacement text: the words read whole."""
    doc, path = build(DEFAULT_SOURCE)
    tagged = read(path)
    words = set()
    for s in doc.sections:
        for p in s.paragraphs:
            words.update(w for w in re.findall(r"[A-Za-z]+", p.plain) if len(w) > 8)
    text = tagged.text()
    found = set(re.findall(r"[A-Za-z]+", text))
    assert words <= found, sorted(words - found)[:10]


def test_headings_set_in_capitals_read_as_written(build):
    """'SUMMARY' on the page is set in capitals by the theme; assistive technology gets the
    word as written (/ActualText), not a string of capitals."""
    import pikepdf
    from briefdeck.present import default_view
    from briefdeck.theme import load_theme

    doc, path = build(DEFAULT_SOURCE)
    view = default_view(doc, load_theme("default"))
    with pikepdf.open(path) as pdf:
        actual = {str(o.get("/ActualText")) for o in pdf.objects
                  if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem" and "/ActualText" in o}
    assert {view.label("summary"), view.label("key_messages"), view.about_label} <= actual


@pytest.mark.parametrize("paper", [None, "letter"])
@pytest.mark.requires("pdftoppm")
def test_tagging_changes_nothing_on_the_page(tmp_path, build, paper):
    """The same brief untagged: the same number of pages, and every page the same pixels."""
    from PIL import Image, ImageChops

    from briefdeck.charts import ChartService
    from briefdeck.present import default_view
    from briefdeck.render.pdf import prepare
    from briefdeck.theme import load_theme

    doc, tagged = build(DEFAULT_SOURCE, paper)
    theme = load_theme("default")
    plain = tmp_path / "untagged.pdf"
    prepare(default_view(doc, theme), theme=theme, options={"paper": paper, "tagged": False}).render(
        plain, ChartService(theme, cache_dir=tmp_path / "charts"))
    with pytest.raises(AssertionError):
        read(plain)  # no structure tree: the comparison is with a really untagged file
    for name, pdf in (("a", tagged), ("b", plain)):
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / name)], check=True)
    pages_a, pages_b = sorted(tmp_path.glob("a-*.png")), sorted(tmp_path.glob("b-*.png"))
    assert len(pages_a) == len(pages_b) > 1
    for a, b in zip(pages_a, pages_b):
        assert ImageChops.difference(Image.open(a).convert("RGB"), Image.open(b).convert("RGB")).getbbox() is None, a.name


@pytest.mark.quick
def test_a_move_or_rise_after_a_link_mark_goes_before_the_mark():
    """A link that ends a line leaves its end mark last in the text object; the next line's indent
    (a move) or a superscript (a rise) must not trip reportlab, which reads the last entry as text
    to merge moves (found by the fuzz test: AttributeError '_LinkEnd' has no 'endswith')."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    from briefdeck.render.pdf.tagging import TaggedTextObject, _LinkEnd

    tx = TaggedTextObject(Canvas(io.BytesIO()))
    tx._code.append("1 0 Td")
    end = _LinkEnd(None)
    tx._code.append(end)
    tx.moveCursor(2, 0)
    tx.setRise(3)
    # the moves merged as reportlab merges them, the rise after them, the mark still last
    assert tx._code[-3:] == ["3 0 Td", "3 Ts", end]
