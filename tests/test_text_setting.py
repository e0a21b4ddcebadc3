"""The text setting of every bundled brief, measured from the PDF (tests/text_setting.py):
hyphens (at most one line in ten on a page, never three in a row, at least three letters each
side, never a proper name, never across a column or page, never in a paragraph's last word), no
runts, URLs broken after their own punctuation only."""
from __future__ import annotations

import re
import shutil

import pytest

from briefdeck import api

from . import text_setting as ts
from .conftest import DEFAULT_SOURCE, EXAMPLES

SOURCES = [DEFAULT_SOURCE] + sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*/*.yaml"))

pytestmark = [pytest.mark.slow, pytest.mark.requires("pdftotext")]  # a corpus of builds, read back by poppler


@pytest.fixture(scope="module", params=SOURCES, ids=lambda p: p.stem)
def brief(request, tmp_path_factory):
    src = request.param
    out = tmp_path_factory.mktemp(src.stem)
    [res] = api.build([src], api.Options(out_dir=out, formats=("pdf",), force=True))
    assert res.ok, res.error
    geo = ts.source_geometry(src)
    pages = ts.read_pages(out / f"{src.stem}.pdf", geo)
    leading = 15.5 if geo.single else 14.0  # the theme's body leading in each layout
    return {"src": src, "geo": geo, "pages": pages, "leading": leading, "text": src.read_text(encoding="utf-8")}


def test_at_most_one_line_in_ten_ends_in_a_hyphen(brief):
    over = {p: f"{h}/{n}" for p, (h, n) in ts.hyphen_share(brief["pages"], brief["geo"]).items() if n and h / n > 0.10}
    assert over == {}


def test_never_three_hyphens_in_a_row(brief):
    assert [[ln.text for ln in run] for run in ts.hyphen_runs(brief["pages"], brief["geo"]) if len(run) > 2] == []


def test_no_word_split_across_a_column_or_page(brief):
    assert [ln.text for ln in ts.column_ends_hyphenated(brief["pages"], brief["geo"])] == []


def test_hyphenated_words_keep_three_letters_each_side_and_are_not_names(brief):
    bad = []
    for pg in brief["pages"]:
        for name in ("main", "side"):
            col = sorted(pg.column(name), key=lambda ln: ln.y0)  # (a word's tail may be a short last line)
            for ln, nxt in zip(col, col[1:]):
                if not ln.hyphenated:
                    continue
                head, tail = ts.letters(ln.words[-1]), ts.letters(nxt.words[0])
                word = ln.words[-1][:-1] + nxt.words[0]
                compound = ln.words[-1] + nxt.words[0]  # a compound's own hyphen (“post-conflict”)
                if compound in brief["text"]:
                    continue
                if len(head) < 3 or len(tail) < 3 or head[:1].isupper():
                    bad.append(f"page {pg.number}: {word}")
    assert bad == []


def test_no_runts_and_no_hyphen_in_a_paragraphs_last_word(brief):
    geo, pages, leading = brief["geo"], brief["pages"], brief["leading"]
    assert [ln.text for ln in ts.runts(pages, geo, leading)] == []
    assert [ln.text for ln in ts.last_word_hyphenated(pages, geo, leading)] == []


def test_justified_lines_do_not_gape(brief):
    """Word spaces in a justified line at most about three times those of a well-set line (where
    a name or a number cannot break, a line may need that), and gaping lines are few."""
    ratios = ts.spacing(brief["pages"], brief["geo"])
    assert [(round(r, 1), ln.text) for r, ln in ratios if r > 3.2] == []
    assert sum(r > 2.2 for r, _ in ratios) <= max(2, 0.06 * len(ratios))


def test_urls_break_only_after_their_own_punctuation(brief):
    """A URL set over several lines (references) breaks after / . - ? & = _ #, no hyphen added."""
    bad = []
    for pg in brief["pages"]:
        col = sorted(pg.lines, key=lambda ln: (ln.column, ln.y0))
        for ln, nxt in zip(col, col[1:]):
            last = ln.words[-1]
            continued = (nxt.column == ln.column and abs(nxt.x0 - ln.x0) < 1 and len(nxt.words) == 1
                         and 0 < nxt.y0 - ln.y0 < 1.5 * ln.height)
            if len(ln.words) == 1 and re.match(r"https?://", last) and continued:
                if not last.endswith(tuple("/.-?&=_#")):
                    bad.append(last + nxt.words[0])
    assert bad == []


@pytest.mark.parametrize("credit, expect", [(None, "Composé avec briefdeck"), ("false", None),
                                            ("Mis en page par l’équipe des publications.", "Mis en page par l’équipe des publications.")])
def test_the_colophons_tool_credit_follows_meta_credit(tmp_path, credit, expect):
    import subprocess

    src = EXAMPLES / "two-speaker-panel.yaml"
    text = src.read_text(encoding="utf-8")
    if credit is not None:
        text = text.replace("meta:\n", f"meta:\n  credit: {credit}\n", 1)
    copy = tmp_path / src.name
    copy.write_text(text, encoding="utf-8")
    shutil.copytree(DEFAULT_SOURCE.parent.parent / "assets", tmp_path / "assets")  # the data it reads
    [res] = api.build([copy], api.Options(out_dir=tmp_path / "out", formats=("pdf",), force=True))
    assert res.ok, res.error
    brief = " ".join(subprocess.run(["pdftotext", str(tmp_path / "out" / "two-speaker-panel.pdf"), "-"],
                                    capture_output=True, text=True, check=True).stdout.split())
    assert "Composé avec" not in brief or expect == "Composé avec briefdeck"
    if expect:
        assert expect in brief


def test_a_pull_quote_stands_ten_lines_or_more_from_its_sentence(brief):
    """Never beside the words it repeats: at least ten body lines away on its page (or on
    another page of the spread)."""
    doc = ts.load_document(brief["src"])
    near = {}
    for q in doc.quotes:
        dists = ts.quote_distances(brief["pages"], q.text.plain, brief["leading"])
        assert dists, f"pull quote not found: {q.text.plain[:40]}"
        if min(dists) < 9.5:  # (measured between line boxes: half a line's tolerance)
            near[q.text.plain[:40]] = round(min(dists), 1)
    assert near == {}


def test_a_pull_quote_taken_from_mid_sentence_opens_with_an_ellipsis(brief):
    doc = ts.load_document(brief["src"])
    for q in doc.quotes:
        if q.text.plain[:1].islower():
            spots = ts.find_phrase(brief["pages"], q.text.plain)
            boxes = [a for a, _ in spots if a.height > ts.body_height(brief["pages"]) * 1.08]  # set larger
            assert boxes and all(re.match(r"(…|\[…\])", " ".join(a.words)) for a in boxes), q.text.plain[:40]


def test_no_main_column_ends_far_above_the_footer_before_the_last_page(brief):
    """Before the last page no main column ends more than 12 % of the text area above the foot
    (issue 23): the end matter never starts a page of its own when that leaves the page before
    half empty, and a column whose next block (a section, a figure, the recommendations) did not
    fit is justified vertically (brief.page.flush_bottom)."""
    gaps = {p: round(g, 3) for p, g in ts.main_column_gaps(brief["pages"], brief["geo"]).items() if g > 0.12}
    assert gaps == {}


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.stem)
def test_the_rules_hold_on_the_other_paper_measured_from_the_pdf_alone(src, tmp_path):
    """Not tuned to the corpus: each brief on the other paper size (other lines, other pages) keeps
    every rule, measured with the geometry read off the PDF (as for a brief of any source)."""
    other = "a4" if ts.load_document(src).meta.paper == "letter" else "letter"
    [res] = api.build([src], api.Options(out_dir=tmp_path, formats=("pdf",), force=True, settings=(("paper", other),)))
    assert res.ok, res.error
    pdf = tmp_path / f"{src.stem}.pdf"
    assert ts.infer_geometry(pdf).paper == other
    assert ts.check(ts.report(pdf)) == []
