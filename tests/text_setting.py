"""The text setting of a brief, read back from the PDF (poppler's ``pdftotext -bbox-layout``),
not from the layout engine: lines that end in a hyphen, runts, widows and orphans, and how far
a main column ends above the footer.

A *column* is the main column or the side column (``Geometry``: from the source and the theme,
or, for any brief, read off the PDF itself: ``infer_geometry``); a line belongs to the column
its left edge lies in. Running header and footer (outside the frame) are left out. A *prose
line* is a line at least 40 % of its column wide, or one that ends in a hyphen: chart labels
and short captions do not count towards a page's lines.
"""
from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefdeck.load import load_document
from briefdeck.render.pdf import single_column
from briefdeck.render.pdf.layout import Geometry, geometry
from briefdeck.theme import load_theme

NS = "{http://www.w3.org/1999/xhtml}"
HYPHENS = ("-", "\u2010", "\u00ad")


@dataclass
class Line:  # noqa: D101 (one line of text as pdftotext sees it)
    page: int
    x0: float
    y0: float  # top, from the top of the page (pdftotext's coordinates)
    x1: float
    y1: float
    words: list[str]
    column: str = ""  # "main" | "side" | "wide"
    gap_above: float = 0.0  # from the previous line of the same column (its top to this top)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    @property
    def hyphenated(self) -> bool:
        """Ends in a hyphen that breaks a word (a URL broken after its own hyphen does not)."""
        w = self.words[-1]
        return len(w) > 1 and w.endswith(HYPHENS) and w[-2].isalpha() and not re.search(r"[/.:_=?&#@]", w)

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Page:
    number: int
    lines: list[Line] = field(default_factory=list)

    def column(self, name: str) -> list[Line]:
        return [ln for ln in self.lines if ln.column == name]


def source_geometry(src: Path, paper: str | None = None) -> Geometry:
    theme = load_theme("default")
    doc = load_document(src)
    return geometry(theme, (paper or doc.meta.paper).lower(), single_column(doc, theme))


def _bbox_xml(pdf: Path) -> ET.Element:
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))


def infer_geometry(pdf: Path, theme_name: str = "default") -> Geometry:
    """The brief's page geometry read off the PDF alone (a brief of a source, or in a house style,
    this test does not know): the paper from the page size; the text column from where most lines
    start and where justified lines end; one column when that column stands well inside the
    theme's left margin (the single column is centred). Margins top and bottom are the theme's."""
    root = _bbox_xml(pdf)
    page = next(root.iter(NS + "page"))
    w = float(page.get("width"))
    paper = "letter" if abs(w - 612) < 2 else "a4"
    theme = load_theme(theme_name)
    lines = [(float(ln.get("xMin")), float(ln.get("xMax"))) for ln in root.iter(NS + "line")]
    lefts = [round(x0) for x0, _ in lines]
    left = max(set(lefts), key=lefts.count)
    rights = [round(x1) for x0, x1 in lines if abs(x0 - left) < 1.5]
    right = max(set(rights), key=rights.count)
    two = geometry(theme, paper, False)
    if left > two.left + 10 * 2.835:  # centred: one column
        one = geometry(theme, paper, True)
        return replace(one, left=float(left), right=w - right, main_width=float(right - left))
    return replace(two, main_width=float(right - left))


def read_pages(pdf: Path, geo: Geometry) -> list[Page]:
    root = _bbox_xml(pdf)
    pages = []
    for n, page in enumerate(root.iter(NS + "page"), 1):
        pg = Page(n)
        top = geo.height - geo.frame_top(n == 1)  # frame top, from the top of the page
        bottom = geo.height - geo.bottom
        for line in page.iter(NS + "line"):
            boxes = list(line.iter(NS + "word"))
            words = [w.text or "" for w in boxes]
            x0, y0, x1, y1 = (float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            if not words or y1 < top - 2 or y0 > bottom + 2:
                continue  # running header or footer
            ln = Line(n, x0, y0, x1, y1, words)
            ln.gaps = [float(b.get("xMin")) - float(a.get("xMax")) for a, b in zip(boxes, boxes[1:])]
            if geo.single or x0 < geo.side_x - geo.gutter / 2:
                ln.column = "wide" if x1 > geo.side_x + 1 else "main"
            else:
                ln.column = "side"
            pg.lines.append(ln)
        for name in ("main", "side"):
            col = sorted(pg.column(name), key=lambda ln: ln.y0)
            for a, b in zip(col, col[1:]):
                b.gap_above = b.y0 - a.y0
        pages.append(pg)
    return pages


def column_width(geo: Geometry, name: str) -> float:
    return geo.side_width if name == "side" else geo.main_width


def prose(pages: list[Page], geo: Geometry, name: str | None = None) -> list[Line]:
    out = []
    for pg in pages:
        for ln in pg.lines:
            if ln.column == "wide" or (name and ln.column != name):
                continue
            if ln.hyphenated or ln.x1 - ln.x0 >= 0.4 * column_width(geo, ln.column):
                out.append(ln)
    return out


def hyphen_share(pages: list[Page], geo: Geometry) -> dict[int, tuple[int, int]]:
    """page -> (prose lines ending in a hyphen, prose lines)."""
    out = {}
    for pg in pages:
        lines = prose([pg], geo)
        out[pg.number] = (sum(ln.hyphenated for ln in lines), len(lines))
    return out


def _runs(col: list[Line], leading_max: float):
    """Lines of one column in reading order, cut into runs of successive lines (no larger gap)."""
    run: list[Line] = []
    for ln in sorted(col, key=lambda ln: ln.y0):
        if run and ln.gap_above > leading_max:
            yield run
            run = []
        run.append(ln)
    if run:
        yield run


def hyphen_runs(pages: list[Page], geo: Geometry) -> list[list[Line]]:
    """Runs of successive hyphenated lines in one column (a run of 3 breaks the rule)."""
    out = []
    for pg in pages:
        for name in ("main", "side"):
            streak: list[Line] = []
            for run in _runs(prose([pg], geo, name), 16):
                for ln in run:
                    if ln.hyphenated:
                        streak.append(ln)
                    else:
                        if streak:
                            out.append(streak)
                        streak = []
                if streak:
                    out.append(streak)
                streak = []
    return out


def column_ends_hyphenated(pages: list[Page], geo: Geometry) -> list[Line]:
    """The last line of a column, when it is a prose line that ends in a hyphen (a word split across
    columns or pages; a short line under it -- the word's tail -- means it is not the last)."""
    out = []
    for pg in pages:
        for name in ("main", "side"):
            col = pg.column(name)
            if col:
                last = max(col, key=lambda ln: ln.y0)
                if last.hyphenated and last in prose([pg], geo, name):
                    out.append(last)
    return out


def letters(word: str) -> str:
    return re.sub(r"[^\w]", "", word)


def body_paragraph_ends(pages: list[Page], geo: Geometry, leading: float) -> list[tuple[Line, Line | None]]:
    """(last line, line before it) of each justified main-column paragraph: a line well short of
    the column's right edge under a full-width line of body leading."""
    out = []
    for pg in pages:
        col = sorted(pg.column("main"), key=lambda ln: ln.y0)
        right = geo.left + geo.main_width
        for prev, ln in zip(col, col[1:]):
            full_prev = prev.x1 > right - 1.5 and abs(ln.gap_above - leading) < 0.6 and abs(prev.height - ln.height) < 0.5
            if full_prev and ln.x1 < right - 3 and ln.x0 < prev.x0 + 1:
                out.append((ln, prev))
    return out


def runts(pages: list[Page], geo: Geometry, leading: float) -> list[Line]:
    """A paragraph's last line holding one word of fewer than 6 letters."""
    return [ln for ln, _ in body_paragraph_ends(pages, geo, leading)
            if len(ln.words) == 1 and len(letters(ln.words[0])) < 6]


def last_word_hyphenated(pages: list[Page], geo: Geometry, leading: float) -> list[Line]:
    """A paragraph whose last word is split over its last two lines."""
    return [ln for ln, prev in body_paragraph_ends(pages, geo, leading) if prev.hyphenated and len(ln.words) == 1]


def main_column_gaps(pages: list[Page], geo: Geometry) -> dict[int, float]:
    """page -> the share of the text area left empty under the main column's last text line
    (pages before the last)."""
    out = {}
    for pg in pages[:-1]:
        col = pg.column("main") + pg.column("wide")
        if not col:
            continue
        bottom = geo.height - geo.bottom
        top = geo.height - geo.frame_top(pg.number == 1)
        lowest = max(ln.y1 for ln in col)
        out[pg.number] = (bottom - lowest) / (bottom - top)
    return out


def squeeze(word: str) -> str:
    return re.sub(r"[\W_]", "", word.lower())


def find_phrase(pages: list[Page], phrase: str, n: int = 4) -> list[tuple[Line, Line]]:
    """Where the first ``n`` words of ``phrase`` stand, in one column: (first line, line of the
    n-th word) per occurrence."""
    want = [w for w in (squeeze(x) for x in phrase.split()) if w][:n]
    out = []
    for pg in pages:
        for name in ("main", "side", "wide"):
            seq: list = []
            joined = False  # the last word of the line before ended in a hyphen: this one completes it
            for ln in sorted(pg.column(name), key=lambda ln: ln.y0):
                for k, w in enumerate(ln.words):
                    if joined and k == 0 and seq:
                        seq[-1] = (seq[-1][0] + squeeze(w), seq[-1][1])
                    elif squeeze(w):
                        seq.append((squeeze(w), ln))
                joined = ln.hyphenated
            for i in range(len(seq) - len(want) + 1):
                if [w for w, _ in seq[i:i + len(want)]] == want:
                    out.append((seq[i][1], seq[i + len(want) - 1][1]))
    return out


def quote_distances(pages: list[Page], quote: str, leading: float) -> list[float]:
    """For each pull quote box showing ``quote`` (set larger than the text), its distance in body
    lines from the nearest place its sentence stands in the text on the same page (inf: another
    page)."""
    spots = find_phrase(pages, quote)
    boxes = [(a, b) for a, b in spots if a.height > body_height(pages) * 1.08]
    texts = [(a, b) for a, b in spots if (a, b) not in boxes]
    out = []
    for a, b in boxes:
        top, bottom = a.y0, b.y1
        gaps = [max(s.y0 - bottom, top - e.y1, 0.0) / leading for s, e in texts if s.page == a.page]
        out.append(min(gaps) if gaps else float("inf"))
    return out


def body_height(pages: list[Page]) -> float:
    """The height of a body text line (the most common among the main column's lines)."""
    heights = sorted(round(ln.height, 1) for pg in pages for ln in pg.column("main") if len(ln.words) >= 6)
    return max(set(heights), key=heights.count)


def spacing(pages: list[Page], geo: Geometry) -> list[tuple[float, Line]]:
    """(mean word space / the text's usual word space, line) for each justified main-column line
    of body text (full width, body line height, three words or more)."""
    h = body_height(pages)
    right = geo.left + geo.main_width
    lines = [ln for pg in pages for ln in pg.column("main")
             if len(ln.words) >= 3 and abs(ln.height - h) < 0.3 and ln.x1 > right - 1.5]
    means = sorted(sum(ln.gaps) / len(ln.gaps) for ln in lines)
    usual = means[len(means) // 4] if means else 1.0  # most lines are set near their natural spacing
    return [(sum(ln.gaps) / len(ln.gaps) / usual, ln) for ln in lines]


def report(pdf: Path, geo: Geometry | None = None, quotes: tuple[str, ...] = ()) -> dict:
    """Every measure of issue 23 that needs no source, for any brief: per page the hyphenated share
    of its text lines, runs of hyphenated lines, words split across a column or page, runts, a
    paragraph ending in a hyphenated word, and (pages before the last) how far the main column
    ends above the foot; with the pull quotes' words (``quotes``), each one's distance in body lines
    from its sentence. ``worst_hyphen_share``, ``longest_hyphen_run`` and ``worst_gap`` sum it up."""
    geo = geo or infer_geometry(pdf)
    pages = read_pages(pdf, geo)
    leading = round(_body_leading(pages), 1)
    shares = hyphen_share(pages, geo)
    gaps = main_column_gaps(pages, geo)
    runs = hyphen_runs(pages, geo)
    return {
        "pages": len(pages),
        "worst_hyphen_share": max((h / n for h, n in shares.values() if n), default=0.0),
        "hyphens": {p: f"{h}/{n}" for p, (h, n) in shares.items()},
        "longest_hyphen_run": max((len(r) for r in runs), default=0),
        "split_across_columns": [ln.text for ln in column_ends_hyphenated(pages, geo)],
        "runts": [ln.text for ln in runts(pages, geo, leading)],
        "last_word_hyphenated": [ln.text for ln in last_word_hyphenated(pages, geo, leading)],
        "worst_gap": max(gaps.values(), default=0.0),
        "gaps": {p: round(g, 3) for p, g in gaps.items()},
        "quote_distances": {q[:40]: round(min(quote_distances(pages, q, leading), default=float("nan")), 1) for q in quotes},
    }


def _body_leading(pages: list[Page]) -> float:
    """The body text's leading: the most common distance between successive main-column lines."""
    steps = [round(ln.gap_above, 1) for pg in pages for ln in pg.column("main") if 8 < ln.gap_above < 24]
    return max(set(steps), key=steps.count) if steps else 14.0


def check(measures: dict, max_share: float = 0.10, max_gap: float = 0.12) -> list[str]:
    """What breaks the rules of issue 23 in ``report``'s measures (empty: none)."""
    out = []
    if measures["worst_hyphen_share"] > max_share:
        out.append(f"hyphenated lines over {max_share:.0%} of a page: {measures['hyphens']}")
    if measures["longest_hyphen_run"] > 2:
        out.append(f"{measures['longest_hyphen_run']} hyphenated lines in a row")
    for key in ("split_across_columns", "runts", "last_word_hyphenated"):
        if measures[key]:
            out.append(f"{key.replace('_', ' ')}: {measures[key]}")
    near = {q: d for q, d in measures.get("quote_distances", {}).items() if not d >= 9.5}  # (nan: not found)
    if near:
        out.append(f"pull quotes within ten lines of their sentence (or not found): {near}")
    if measures["worst_gap"] > max_gap:
        out.append(f"a main column ends more than {max_gap:.0%} above the foot: {measures['gaps']}")
    return out


if __name__ == "__main__":  # python -m tests.text_setting BRIEF.pdf...: the measures of any brief
    import json
    import sys

    bad = 0
    for arg in sys.argv[1:]:
        m = report(Path(arg))
        problems = check(m)
        bad += bool(problems)
        print(json.dumps({"pdf": arg, "ok": not problems, "problems": problems,
                          **{k: m[k] for k in ("pages", "worst_hyphen_share", "longest_hyphen_run", "worst_gap")}},
                         ensure_ascii=False))
    sys.exit(1 if bad else 0)
