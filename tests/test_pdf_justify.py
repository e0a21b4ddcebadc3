"""Vertical justification as a page is painted (pages.BriefTemplate._justify, brief.page.flush_bottom):
the default brief set with it and without it has the same words on the same pages; on a page before
the last whose main column ends high, what follows each break moves down on its page, and what is
placed on the page with it -- a link's rectangle, an outline destination, a figure's bounding box
-- moves the same distance as the words it stands on."""
from __future__ import annotations

import re
import subprocess
from dataclasses import replace

import pikepdf
import pytest
from reportlab.lib.pagesizes import A4

from briefdeck.render.pdf.flowables import SideColumn
from briefdeck.render.pdf.layout import Geometry
from briefdeck.theme import _deep_merge

from .conftest import DEFAULT_SOURCE, tool


@pytest.fixture(scope="module")
def briefs(theme, tmp_path_factory):
    """(justified, as laid out): the default brief with the theme's flush_bottom, and without it."""
    from briefdeck.charts import ChartService
    from briefdeck.load import load_document
    from briefdeck.present import default_view
    from briefdeck.render.pdf import prepare

    out = tmp_path_factory.mktemp("justify")
    doc = load_document(DEFAULT_SOURCE)
    plain = replace(theme, data=_deep_merge(theme.data, {"brief": {"page": {"flush_bottom": False}}}))
    made = []
    for name, th in (("justified", theme), ("laid-out", plain)):
        charts = ChartService(th, cache_dir=out / "cache")
        prepare(default_view(doc, th), theme=th, charts=charts).render(out / f"{name}.pdf", charts)
        made.append(out / f"{name}.pdf")
    return tuple(made)


def _words(pdf) -> list[list[tuple[str, float, float, float, float]]]:
    """Each page's words, as (text, x0, y0, x1, y1) in PDF coordinates (y up)."""
    out = subprocess.run([tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages: list[list] = []
    height = 0.0
    for line in out.splitlines():
        page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', line)
        if page:
            height = float(page.group(2))
            pages.append([])
        m = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            x0, top, x1, bottom = (float(m.group(i)) for i in range(1, 5))
            pages[-1].append((m.group(5), x0, height - bottom, x1, height - top))
    return pages


def _placed(pdf):
    """Link rectangles (page, [x0, y0, x1, y1]), outline destinations (page, title, left, top) and figures'
    bounding boxes (page, [x0, y0, x1, y1]), in the file's order."""
    with pikepdf.open(pdf) as p:
        number = {page.objgen: i for i, page in enumerate(p.pages)}
        links = [(i, [float(v) for v in a.Rect]) for i, page in enumerate(p.pages) for a in page.obj.get("/Annots", [])]
        dests = []
        item = p.Root.Outlines.get("/First")
        stack = []
        while item is not None:
            d = item.Dest
            dests.append((number[d[0].objgen], str(item.Title), float(d[2]), float(d[3])))
            if "/First" in item:
                stack.append(item.get("/Next"))
                item = item.First
                continue
            item = item.get("/Next")
            while item is None and stack:
                item = stack.pop()
        boxes = []
        for obj in p.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure" and "/A" in obj:
                boxes.append((number[obj.Pg.objgen], [float(v) for v in obj.A.BBox]))
    return links, dests, boxes


def _paired(a: list, b: list) -> list[tuple]:
    """A page's words in two briefs paired: the same text at the same x, top down (poppler reads a
    page in its own order, which blocks moved down may change)."""
    def groups(words):
        out: dict = {}
        for w in words:
            out.setdefault((w[0], round(w[1], 1)), []).append(w)
        return {k: sorted(v, key=lambda w: -w[2]) for k, v in out.items()}
    ga, gb = groups(a), groups(b)
    assert ga.keys() == gb.keys() and all(len(ga[k]) == len(gb[k]) for k in ga), "other words"
    return [pair for k in ga for pair in zip(ga[k], gb[k])]


def _moved(words_a, words_b, page: int, inside) -> set[float]:
    """How far down the words of ``page`` that ``inside`` takes (by their place as laid out) moved."""
    return {round(b[2] - a[2], 2) for a, b in _paired(words_a[page], words_b[page]) if inside(b)}


@pytest.mark.requires("pdftotext")
def test_a_justified_page_moves_its_blocks_down_and_nothing_to_another_page(briefs):
    justified, laid_out = _words(briefs[0]), _words(briefs[1])
    assert len(justified) == len(laid_out)
    moved_pages = set()
    for i, (a, b) in enumerate(zip(justified, laid_out)):
        for wa, wb in _paired(a, b):  # the same words at the same x
            down = wb[2] - wa[2]
            assert down > -0.01, f"page {i + 1}: '{wa[0]}' moved up"
            if down > 1:
                moved_pages.add(i)
                assert wa[2] > 56.69, f"page {i + 1}: '{wa[0]}' moved into the bottom margin"
    assert moved_pages, "no page of the default brief was justified"
    assert len(justified) - 1 not in moved_pages, "the last page is never justified"


@pytest.mark.requires("pdftotext")
def test_links_destinations_and_figure_boxes_move_with_the_words_they_stand_on(briefs):
    words_a, words_b = _words(briefs[0]), _words(briefs[1])
    (links_a, dests_a, boxes_a), (links_b, dests_b, boxes_b) = _placed(briefs[0]), _placed(briefs[1])
    assert len(links_a) == len(links_b) and len(dests_a) == len(dests_b) and len(boxes_a) == len(boxes_b)
    moved = {"link": 0, "destination": 0}

    def over(rect):
        return lambda w: w[1] < rect[2] and w[3] > rect[0] and w[2] < rect[3] and w[4] > rect[1]

    for (page, ra), (page_b, rb) in zip(links_a, links_b):
        assert page == page_b
        down = _moved(words_a, words_b, page, over(rb))
        assert len(down) == 1, f"page {page + 1}: the link at {rb} stands on words that moved apart: {down}"
        [d] = down
        assert abs((rb[1] - ra[1]) - d) < 0.02 and abs((rb[3] - ra[3]) - d) < 0.02, f"page {page + 1}: link {rb} -> {ra}, words {d}"
        moved["link"] += d > 1
    for (page, title, left, top_a), (page_b, _, _, top_b) in zip(dests_a, dests_b):
        assert page == page_b
        # the heading or figure it opens: the words under it in its column
        below = [w for w in words_b[page] if top_b - 30 < w[4] <= top_b + 0.01 and left - 0.5 < w[1] < left + 200]
        assert below, f"nothing under the destination of “{title}”"
        first = max(below, key=lambda w: w[4])
        down = _moved(words_a, words_b, page, lambda w: w == first)
        assert down == {round(top_b - top_a, 2)}, f"“{title}”: destination {top_b} -> {top_a}, its words {down}"
        moved["destination"] += top_b - top_a > 1
    for (page, ba), (page_b, bb) in zip(boxes_a, boxes_b):
        assert page == page_b
        down = _moved(words_a, words_b, page, over(bb))
        assert len(down) <= 1 and abs((bb[1] - ba[1]) - next(iter(down), bb[1] - ba[1])) < 0.02, (page, bb, ba, down)
    assert moved["link"] and moved["destination"], moved


def _side(bottom: float = 50.0) -> SideColumn:
    w, h = A4
    geo = Geometry(paper="a4", width=w, height=h, left=50, right=50, top=60, bottom=bottom, first_top=40,
                   main_width=330, gutter=20)
    return SideColumn(geo, 6.0)


@pytest.mark.quick
def test_side_notes_move_with_their_segment_and_pull_quotes_keep_off_them():
    side = _side()
    side.begin_segment(2, 0)
    side._used(500.0, 450.0)  # a note beside the first block
    side.claim(2, 400.0)  # a wide figure's foot: the column's top stays where it is
    side.begin_segment(2, 1)
    side._used(300.0, 250.0)
    quote = _Quote()
    side.pulled.append((quote, 280.0, 260.0, 1))
    assert side.justify([0.0, 12.0])
    assert side.used == [(500.0, 450.0), (side.top_of(2), 400.0), (288.0, 238.0)]
    assert side.pulled == [(quote, 268.0, 248.0, 1)]


@pytest.mark.quick
def test_a_page_whose_side_note_would_pass_the_foot_is_left_as_laid_out():
    side = _side(bottom=50.0)
    side.begin_segment(3, 0)
    side.begin_segment(3, 1)
    side._used(100.0, 55.0)
    assert not side.justify([0.0, 10.0])
    assert side.used == [(100.0, 55.0)]


class _Quote:
    """A pull quote 60 points tall that must stand 100 points from its sentence; where it is drawn."""

    pull_distance = 100.0

    def __init__(self):
        self.drawn = []

    def wrap(self, width, height):
        return width, 60.0

    def drawOn(self, canv, x, y):
        self.drawn.append(y + 60.0)


class _Page:
    def getPageNumber(self):
        return 2


@pytest.mark.quick
def test_a_page_whose_pull_quote_would_lose_its_place_is_left_as_laid_out():
    """As laid out, the quote's one free place is below the second block's note (its sentence near the
    top); moved down 50 points, that note leaves no room above the foot: the page is not justified and
    the quote stays on its sentence's page."""
    def side_with(quote):
        side = _side(bottom=50.0)
        side.begin_segment(2, 0)
        side._used(700.0, 210.0)
        side.begin_segment(2, 1)
        side._used(200.0, 120.0)
        side.pulled.append((quote, 690.0, 680.0, 0))
        return side

    q0 = _Quote()
    laid_out = side_with(q0)
    laid_out.settle(_Page())
    assert q0.drawn == [114.0] and not laid_out.carried
    quote = _Quote()
    side = side_with(quote)
    assert not side.justify([0.0, 50.0])
    assert side.used == [(700.0, 210.0), (200.0, 120.0)] and side.pulled[0][1:3] == (690.0, 680.0)
    side.settle(_Page())
    assert quote.drawn == [114.0] and not side.carried
    # with room for it below the moved note, the page is justified and the quote set there
    roomy = side_with(_Quote())
    assert roomy.justify([0.0, 2.0])
    roomy.settle(_Page())
    assert roomy.pulled == [] and not roomy.carried and roomy.used[1] == (198.0, 118.0) and roomy.used[2] == (112.0, 52.0)


@pytest.mark.quick
def test_the_canvas_moves_each_segment_and_what_it_placed_then_stands_back():
    import datetime
    import io

    from briefdeck.render.pdf.pages import canvas_class

    c = canvas_class(datetime.date(2018, 4, 25))(io.BytesIO(), pagesize=A4)
    c.rect(10, 700, 50, 20, fill=1)  # before the first break: stays
    c.begin_segment()
    c.rect(10, 600, 50, 20, fill=1)
    c.linkURL("https://example.org", (10, 600, 60, 620))
    c.bookmarkHorizontal("here", 10, 620)
    c.begin_segment()
    c.rect(10, 500, 50, 20, fill=1)
    c.justify([0.0, 5.0, 12.0])
    c.rect(300, 500, 50, 20, fill=1)  # drawn after (a pull quote): stands where it is drawn
    c.showPage()
    assert c._doc.Pages.pages[-1].stream.splitlines()[1:-1] == [
        "n 10 700 50 20 re B*",
        "1 0 0 1 0 -5 cm", "n 10 600 50 20 re B*",
        "1 0 0 1 0 -7 cm", "n 10 500 50 20 re B*",
        "1 0 0 1 0 12 cm", "n 300 500 50 20 re B*"]
    [link] = [o for o in c._doc.idToObject.values() if "Rect" in getattr(o, "dict", {})]
    assert list(link["Rect"].sequence) == [10, 595, 60, 615]
    assert c._bookmarkReference("here").fmt.top == 615
    # the next page starts with no segment and nothing to move
    c.rect(10, 700, 50, 20, fill=1)
    c.showPage()
    assert "cm" not in c._doc.Pages.pages[-1].stream.split("\n", 1)[1]
    # a justified page that draws nothing after its last segment (no pull quote) still moves back at its end
    c.begin_segment()
    c.rect(10, 600, 50, 20, fill=1)
    c._code.append("EMC")
    c.justify([0.0, 9.0])
    c.showPage()
    assert c._doc.Pages.pages[-1].stream.splitlines()[1:-1] == [
        "1 0 0 1 0 -9 cm", "n 10 600 50 20 re B*", "EMC", "1 0 0 1 0 9 cm"]


def _page_ends(pdf: pikepdf.Pdf) -> list[tuple[int, list[float], int]]:
    """For each page: its number, the transformation in force at the end of its content stream (its
    cm operators, composed, outside the q/Q pairs closed) and the q left open (negative: a Q too many)."""
    ends = []
    for number, page in enumerate(pdf.pages, 1):
        ctm, saved, open_ = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], 0
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) == "q":
                saved.append(ctm)
                open_ += 1
            elif str(op) == "Q":
                open_ -= 1
                ctm = saved.pop() if saved else ctm
            elif str(op) == "cm":
                a, b, c, d, e, f = (float(x) for x in operands)
                A, B, C, D, E, F = ctm
                ctm = [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]
        ends.append((number, ctm, open_))
    return ends


def test_every_page_ends_with_no_translation_in_force_and_its_q_closed(briefs):
    """A justified page moves its segments down with cm and back at its end, whatever follows its last
    segment: a tool appending content to a page draws it where it says (not 47 points lower, as the
    default brief's page 2 did)."""
    moves = []
    for path in briefs:
        with pikepdf.open(path) as pdf:
            for number, ctm, open_ in _page_ends(pdf):
                assert open_ == 0, (path.name, number, open_)
                assert all(abs(x - y) < 1e-6 for x, y in zip(ctm, [1, 0, 0, 1, 0, 0])), (path.name, number, ctm)
            moves.append(sum(str(op) == "cm" and [float(x) for x in operands[:5]] == [1, 0, 0, 1, 0]
                             for page in pdf.pages for operands, op in pikepdf.parse_content_stream(page)))
    assert moves[0] > moves[1]  # the justified brief's moves (down and back) were read
