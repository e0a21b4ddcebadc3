"""Line breaks kept per process (render/pdf/breakmemo.py): a paragraph is broken by total fit once
for the same widths, words, style and hyphen-budget answers; its later layouts (and a rebuild in
the same process, as ``--watch`` runs) get a copy of that break, and the brief stays the same."""
from __future__ import annotations

import pytest

from briefdeck.render.pdf import breakmemo, flowables
from briefdeck.render.pdf.flowables import BodyParagraph
from briefdeck.render.pdf.fonts import load_fonts
from briefdeck.render.pdf.linebreak import _lines
from briefdeck.render.pdf.styles import Styles

from .conftest import DEFAULT_SOURCE

TEXT = ("Peacekeeping operations in the Sahel have demonstrated that multidimensional stabilization "
        "mandates, international interoperability requirements and counterterrorism responsibilities "
        "cannot be reconciled without extraordinary administrative coordination between contributing "
        "governments, humanitarian organizations and the regional intergovernmental institutions that "
        "increasingly characterize contemporary multilateral peacebuilding in <i>West Africa</i>. ") * 2


@pytest.fixture
def breaks(monkeypatch):
    """The paragraphs broken by total fit (linebreak.set_lines), in a fresh memo."""
    monkeypatch.setattr(breakmemo, "MEMO", breakmemo.BreakMemo())
    seen: list[str] = []
    real = flowables.set_lines

    def counting(para, *a, **kw):
        seen.append(" ".join(str(getattr(f, "text", "")) for f in para.frags)[:40])
        return real(para, *a, **kw)

    monkeypatch.setattr(flowables, "set_lines", counting)
    return seen


@pytest.fixture(scope="module")
def body(theme):
    return Styles(theme, load_fonts(theme), "en-CA").para("body")


def _words(bl) -> list[list[str]]:
    return [ln.words for ln in _lines(bl)]


@pytest.mark.quick
def test_a_paragraph_is_broken_once_per_width_and_its_copy_is_its_own(body, breaks):
    first = BodyParagraph(TEXT, body)
    lines = _words(first.breakLines([300, 300]))
    again = BodyParagraph(TEXT, body)
    bl = again.breakLines([300, 300])
    assert len(breaks) == 1 and _words(bl) == lines
    assert again.frags is not first.frags and len(again.frags) == len(first.frags)  # reportlab's word list, a copy
    bl.lines.clear()  # what reportlab does to one copy (a split) leaves the kept break alone
    assert _words(BodyParagraph(TEXT, body).breakLines([300, 300])) == lines
    assert len(breaks) == 1
    BodyParagraph(TEXT, body).breakLines([260, 260])  # another width: broken again
    BodyParagraph(TEXT.replace("Sahel", "Sahara"), body).breakLines([300, 300])  # another word
    assert len(breaks) == 3


@pytest.mark.quick
def test_a_kept_break_is_used_only_where_the_page_allows_the_same_hyphens(body, breaks):
    def broken(budget):
        p = BodyParagraph(TEXT, body)
        return _words(breakmemo.broken(p, [300, 300], super(BodyParagraph, p).breakLines, budget, flowables.set_lines))

    roomy = broken(lambda n: 9)
    assert broken(lambda n: 9) == roomy and len(breaks) == 1
    none = broken(lambda n: 0)  # a page that took its share already: no hyphen, broken again
    assert len(breaks) == 2 and not any(w[-1].endswith("-") for w in none[:-1])
    assert broken(lambda n: 0) == none and broken(lambda n: 9) == roomy and len(breaks) == 2


@pytest.mark.quick
def test_the_memo_is_bounded(body, monkeypatch):
    memo = breakmemo.BreakMemo(entries=3)
    monkeypatch.setattr(breakmemo, "MEMO", memo)
    for width in range(200, 260, 10):
        BodyParagraph(TEXT, body).breakLines([width, width])
    assert len(memo) == 3


def test_a_brief_laid_out_again_breaks_no_paragraph_again(theme, tmp_path, breaks, monkeypatch):
    """The default brief is laid out twice (the second for the hyphen budgets of two pages): the
    second breaks only the paragraphs whose page budget changed, and it is the layout kept, painted
    as it is laid out (each chart drawn once; vertical justification as its pages are painted) and
    written: no third layout paints it; built again in the same process, it breaks no paragraph,
    and its bytes are the same."""
    from reportlab.graphics.shapes import Drawing
    from reportlab.pdfgen.canvas import Canvas

    from briefdeck.charts import ChartService
    from briefdeck.load import load_document
    from briefdeck.present import default_view
    from briefdeck.render.pdf import pages, prepare

    painted = {"charts": 0, "files": 0, "layouts": 0}
    before: list[int] = []  # paragraphs broken before each layout

    def counted(key, real):
        def call(*a, **kw):
            painted[key] += 1
            if key == "layouts":
                before.append(len(breaks))
            return real(*a, **kw)
        return call

    monkeypatch.setattr(Drawing, "drawOn", counted("charts", Drawing.drawOn))
    monkeypatch.setattr(Canvas, "save", counted("files", Canvas.save))
    monkeypatch.setattr(pages.BriefTemplate, "build", counted("layouts", pages.BriefTemplate.build))
    charts = ChartService(theme, cache_dir=tmp_path / "cache")
    doc = load_document(DEFAULT_SOURCE)
    view = default_view(doc, theme)
    prepare(view, theme=theme, charts=charts).render(tmp_path / "a.pdf", charts)
    assert painted["layouts"] == 2 and painted["files"] == 1
    assert painted["charts"] == len(doc.charted_figures)
    first = len(breaks)
    memo = breakmemo.MEMO
    assert memo.hits > first - before[1]  # most of the second layout's paragraphs
    assert len(breaks) == memo.misses
    prepare(view, theme=theme, charts=charts).render(tmp_path / "b.pdf", charts)
    assert len(breaks) == first, "the second build broke paragraphs again"
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


@pytest.mark.quick
def test_a_fresh_process_reads_the_breaks_kept_in_the_cache(theme, body, breaks, tmp_path):
    fonts = load_fonts(theme)
    with breakmemo.kept_in(tmp_path, fonts):
        lines = _words(BodyParagraph(TEXT, body).breakLines([300, 300]))
    assert len(breaks) == 1 and len(list(tmp_path.glob("brk-*.pickle"))) == 1
    breakmemo.MEMO.clear()  # as a new process starts
    with breakmemo.kept_in(tmp_path, fonts):
        again = BodyParagraph(TEXT, body)
        assert _words(again.breakLines([300, 300])) == lines
    assert len(breaks) == 1, "broken again though its break was kept"
    breakmemo.MEMO.clear()
    BodyParagraph(TEXT, body).breakLines([300, 300])  # no folder: nothing read
    assert len(breaks) == 2


@pytest.mark.quick
def test_a_planted_or_damaged_entry_is_refused_and_the_paragraph_broken_anew(theme, body, breaks, tmp_path):
    import pickle

    from briefdeck.publish import keep_file

    fonts = load_fonts(theme)
    with breakmemo.kept_in(tmp_path, fonts):
        lines = _words(BodyParagraph(TEXT, body).breakLines([300, 300]))
    (entry,) = tmp_path.glob("brk-*.pickle")
    ran = tmp_path / "ran"

    class Planted:
        def __reduce__(self):
            return (open, (str(ran), "w"))

    for payload in (pickle.dumps([([], pickle.dumps(Planted()))]), pickle.dumps(Planted()), b"\x80\x05garbage"):
        keep_file(entry, payload)  # a valid header: only the unpickler stands in the way
        breakmemo.MEMO.clear()
        with breakmemo.kept_in(tmp_path, fonts):
            assert _words(BodyParagraph(TEXT, body).breakLines([300, 300])) == lines
        assert not ran.exists()
    assert len(breaks) == 4  # broken anew each time
