"""Where things land on the page, read back with ``pdftotext -bbox``: figures never split a
run of paragraphs or a list, headings never end a page, words break only where they may.

The main column is read as a sequence of lines, page after page; each figure's caption,
chart and source line are one block in it."""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import DEFAULT_SOURCE, EXAMPLES

CORPUS = [DEFAULT_SOURCE] + sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*/*.yaml"))


def squeeze(text: str) -> str:
    return re.sub(r"[\W_]", "", text.lower())


@dataclass
class Line:
    page: int
    top: float
    x0: float
    text: str


def main_lines(pdf: Path, right: float, top: float, bottom: float) -> list[Line]:
    """The main column's lines (words starting left of ``right``), between the running
    header and footer, page after page, top to bottom."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out: list[Line] = []
    for n, (h, body) in enumerate(re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', xml, re.S)):
        words = []
        for x0, y0, x1, y1, w in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body):
            x0, y0, y1 = float(x0), float(y0), float(y1)
            if x0 < right and (top < y0 or n == 0) and y1 < float(h) - bottom:
                words.append((y1, x0, y0, w))
        words.sort()
        line: list = []
        for y1, x0, y0, w in words:
            if line and abs(y1 - line[-1][0]) > 2.5:
                out.append(_line(n, line))
                line = []
            line.append((y1, x0, y0, w))
        if line:
            out.append(_line(n, line))
    return out


def _line(page, words) -> Line:
    words = sorted(words, key=lambda w: w[1])
    import html
    return Line(page, min(w[2] for w in words), words[0][1], html.unescape(" ".join(w[3] for w in words)))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from briefdeck.charts import ChartService
    from briefdeck.load import load_document
    from briefdeck.present import default_view
    from briefdeck.render.pdf import prepare
    from briefdeck.theme import load_theme

    theme = load_theme("default")
    charts = ChartService(theme, cache_dir=tmp_path_factory.mktemp("chart-cache"))
    out = tmp_path_factory.mktemp("layout")
    made = {}

    def go(source: Path, paper=None):
        if (source, paper) not in made:
            doc = load_document(source)
            view = default_view(doc, theme)
            prepared = prepare(view, theme=theme, options={"paper": paper})
            path = out / f"{source.stem}-{paper or 'own'}.pdf"
            prepared.render(path, charts)
            made[(source, paper)] = (doc, view, prepared, path)
        return made[(source, paper)]

    return go


def _blocks(doc, view, prepared, path):
    """The main column as (kind, first line index, last line index): 'figure', 'heading',
    'text' (a line of a paragraph, list item or box)."""
    from briefdeck.render.pdf.story import placement

    geo = prepared.geo
    right = geo.side_x - geo.gutter / 2 if getattr(prepared, "has_side_column", True) else geo.width
    lines = main_lines(path, right, geo.top - 8, geo.bottom - 4)  # the frame: no running header or footer
    texts = [squeeze(x.text) for x in lines]
    kinds = ["text"] * len(lines)
    headings = [squeeze(s.title) for s in doc.sections] + [squeeze(view.label("recommendations")),
                                                           squeeze(view.label("references"))]
    for i, t in enumerate(texts):  # a heading: lines that together are exactly its title
        for h in headings:
            acc, k = t, i
            while t and h.startswith(acc) and acc != h and k + 1 < len(texts) and len(acc) < len(h):
                k += 1
                acc += texts[k]
            if acc == h:
                kinds[i:k + 1] = ["heading"] * (k + 1 - i)
    figures = []
    for fig in doc.figures:
        if placement(prepared.probe, fig) == "side":
            continue
        label = squeeze(view.figure_label(fig) + view.figure_separator + fig.caption.plain)
        start = next(i for i, t in enumerate(texts) if t and label.startswith(t) and t.startswith(squeeze(view.figure_label(fig))))
        tail = squeeze(view.source_line(fig).plain)
        if fig.note and placement(prepared.probe, fig) == "wide":
            tail += squeeze(view.term("brief", "note")) + squeeze(fig.note.plain)
        # the source line (and a wide figure's note) ends the figure: find where it ends
        end = start
        for j in range(start + 1, len(texts)):
            if tail.startswith(texts[j]) and texts[j]:
                acc, k = "", j
                while k < len(texts) and tail.startswith(acc + texts[k]):
                    acc += texts[k]
                    k += 1
                if acc == tail:
                    end = k - 1
                    break
        assert end > start, f"figure {fig.number}: no source line found under its caption"
        for i in range(start, end + 1):
            kinds[i] = "figure"
        figures.append((fig, start, end))
    for tp in view.plan.tables:  # a table is a block like a figure: from its caption to its source line and note
        label = squeeze(tp.label + view.figure_separator)
        start = next(i for i, t in enumerate(texts) if t.startswith(label))
        tail = squeeze(tp.source_line.plain) + (squeeze(view.term("brief", "note")) + squeeze(tp.note.plain) if tp.note else "")
        end = next(j for j in range(start, len(texts)) if texts[j] and tail.endswith(texts[j]) and len(texts[j]) > 8)
        for i in range(start, end + 1):
            kinds[i] = "figure"
    return lines, kinds, figures


def _ends_paragraph(line: Line, doc) -> bool:
    t = squeeze(line.text)
    ends = [squeeze(p.plain) for s in doc.sections for p in s.paragraphs] + [squeeze(doc.summary.plain)] \
        + [squeeze(r.text.plain) for r in doc.recommendations[-1:]]  # after the whole list, not inside it
    return any(e.endswith(t) for e in ends)


def check_figures_and_headings(doc, view, prepared, path) -> None:
    lines, kinds, figures = _blocks(doc, view, prepared, path)
    for fig, start, end in figures:
        before = start - 1
        while before >= 0 and kinds[before] == "figure":
            before -= 1
        after = end + 1
        while after < len(lines) and kinds[after] == "figure":
            after += 1
        where = f"figure {fig.number} (page {lines[start].page + 1})"
        # it comes after the end of a paragraph (or opens the text after the title band)...
        assert before < 0 or _ends_paragraph(lines[before], doc), \
            f"{where} interrupts a paragraph: it follows “{lines[before].text}”"
        # ...and before a heading, or the end: never inside a run of paragraphs or a list
        assert after >= len(lines) or kinds[after] == "heading" or squeeze(lines[after].text).startswith(
            squeeze(view.term("brief", "how_to_cite"))), f"{where} is followed by “{lines[after].text}”, not a heading"
    # a heading is never the last thing on a page: its first lines of text are under it
    for i, k in enumerate(kinds):
        if k != "heading" or (i and kinds[i - 1] == "heading" and lines[i - 1].page == lines[i].page):
            continue
        j = i
        while j < len(lines) and kinds[j] == "heading" and lines[j].page == lines[i].page:
            j += 1
        body = [x for x, kind in zip(lines[j:j + 3], kinds[j:j + 3]) if kind == "text" and x.page == lines[i].page]
        assert len(body) >= 2, f"the heading “{lines[i].text}” on page {lines[i].page + 1} is not followed by its text"


@pytest.mark.parametrize("paper", [None, "letter"])
@pytest.mark.requires("pdftotext")
def test_figures_sit_between_sections_and_headings_keep_their_text(built, paper):
    check_figures_and_headings(*built(DEFAULT_SOURCE, paper))


@pytest.mark.slow
@pytest.mark.parametrize("paper", [None, "letter"])
@pytest.mark.parametrize("source", CORPUS[1:], ids=lambda p: p.stem)
@pytest.mark.requires("pdftotext")
def test_on_the_corpus_figures_sit_between_sections_and_headings_keep_their_text(built, source, paper):
    check_figures_and_headings(*built(source, paper))


# --- hyphenation ------------------------------------------------------------------------
def _hyphenator(language: str):
    from briefdeck.render.pdf.fonts import load_fonts
    from briefdeck.render.pdf.styles import Styles
    from briefdeck.theme import load_theme

    theme = load_theme("default")
    style = Styles(theme, load_fonts(theme), language).para("body")
    return style.hyphenationLang.hyphenator, theme.get("brief.hyphen_exceptions")  # (under its gate: linebreak.Gate)


@pytest.mark.parametrize("language", ["en-CA", "en-GB", "en-US", "fr-CA", "fr-FR"])
@pytest.mark.quick
def test_hyphenation_follows_the_word_list_and_spares_names(language):
    hy, exceptions = _hyphenator(language)
    listed = exceptions[language.split("-")[0]]
    assert len(listed) >= 10
    for entry in listed:
        word = entry.replace("-", "")
        parts, at, points = entry.split("-"), 0, set()  # the breaks the list allows
        for p in parts[:-1]:
            at += len(p)
            points.add(at)
        got = {len(head) for head, _ in hy(word)}
        assert got <= points, (word, sorted(got), sorted(points))
        assert got or len(word) < 7, word
    # the field's own words, broken where a reader expects (the patterns say "coun-tert-er-ror-ism")
    if language.startswith("en"):
        assert [h for h, _ in hy("counterterrorism")] == ["counterterror", "counterter", "counter", "coun"]
        assert {h for h, _ in hy("peacekeepers")} <= {"peace", "peacekeep"}
        assert list(hy("implementation")), "ordinary words still break"
    else:
        assert {h for h, _ in hy("consolidation")} <= {"con", "conso", "consoli", "consolida"}
        assert list(hy("gouvernement")), "ordinary words still break"
    for name in ("MINUSMA", "Mali", "Burkina", "Ouagadougou", "Cleverly", "Vancouver", "Peacekeeping", "UNAMSIL"):
        assert list(hy(name)) == [], name  # names, acronyms, capitalised words: never
    for short in ("border", "troops", "armée"):
        assert list(hy(short)) == [], short


def check_line_end_breaks(doc, view, prepared, path) -> None:
    """No line of the brief ends in a broken name or capitalised word, or in a listed word
    broken where the list does not allow."""
    hy, exceptions = _hyphenator(doc.meta.language)
    xml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r"<word [^>]*>(.*?)</word>", xml)
    source = " ".join([p.plain for s in doc.sections for p in s.paragraphs] + [doc.summary.plain]
                      + [m.plain for m in doc.key_messages] + [r.text.plain for r in doc.recommendations]
                      + [p.bio.plain for p in doc.people if p.bio])
    in_text = set(re.findall(r"\w+", source))
    for w, nxt in zip(words, words[1:]):
        if not (w.endswith("-") and len(w) > 2 and w[-2].isalpha()):
            continue
        head = re.sub(r"^\W+", "", w[:-1])
        tail = re.sub(r"\W+$", "", nxt)
        if f"{head}-{tail}" in source or not tail:  # a hyphen the author wrote
            continue
        word = head + tail
        if word not in in_text:  # not the brief's own words (a chart's label)
            continue
        assert word[:1].islower() and word.isalpha(), f"“{word}” broken at a line end as {head}-"
        points = {len(h) for h, _ in hy(word.lower())}
        assert len(head) in points, f"“{word}” broken as {head}- (allowed: {sorted(points)})"


@pytest.mark.slow
@pytest.mark.parametrize("source", CORPUS, ids=lambda p: p.stem)
@pytest.mark.requires("pdftotext")
def test_on_the_corpus_line_end_breaks_are_allowed_ones(built, source):
    check_line_end_breaks(*built(source))


# --- what an event has: text only, many people, the last page ------------------------------
LAGOS = EXAMPLES / "uk-cleverly-lagos-2023" / "uk-cleverly-lagos-2023.yaml"
HEARING = EXAMPLES / "us-house-south-sudan-2016" / "us-house-south-sudan-2016.yaml"
PANEL_OF_SIX = EXAMPLES / "uk-idc-conflict-development-2006" / "uk-idc-conflict-development-2006.yaml"


def _words(path: Path):
    xml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = re.findall(r"<page [^>]*>(.*?)</page>", xml, re.S)
    return [[(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', p)]
            for p in pages]


@pytest.mark.parametrize("paper", [None, "letter"])
@pytest.mark.requires("pdftotext")
def test_a_text_only_event_is_set_in_one_wider_column(built, paper):
    """No figures, so no side column left mostly empty: one column of 60-75 characters a
    line at a larger size, the key messages and pull quotes in it."""
    doc, view, prepared, path = built(LAGOS, paper)
    assert not doc.figures and not prepared.has_side_column
    geo = prepared.geo
    for page in _words(path):
        for x0, _, x1, _, w in page:  # everything stands in the column (band and furniture too)
            assert geo.left - 1 <= x0 and x1 <= geo.left + geo.main_width + 1, w
    lines = main_lines(path, geo.width, geo.top - 8, geo.bottom - 4)
    body = [squeeze(p.plain) for s in doc.sections for p in s.paragraphs]
    quotes = [squeeze(q.text.plain) for q in doc.quotes]
    full = [x for x in lines if len(squeeze(x.text)) > 25 and not any(squeeze(x.text) in q for q in quotes)
            and any(squeeze(x.text) in b and not b.endswith(squeeze(x.text)) for b in body)]  # not a paragraph's last
    assert len(full) > 20
    mean = sum(len(x.text) for x in full) / len(full)
    assert 60 <= mean <= 75, mean
    assert all(50 <= len(x.text) <= 85 for x in full), [x.text for x in full if not 50 <= len(x.text) <= 85]
    text = squeeze(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)
    # the key messages follow the summary; each pull quote is set in its own section, or next to it
    # where its section has no place ten lines from its sentence (tests/test_text_setting.py)
    assert text.index(squeeze(doc.summary.plain)) < text.index(squeeze(doc.key_messages[0].plain))
    starts = [text.index(squeeze(s.paragraphs[0].plain)[:40]) for s in doc.sections]  # (a page break may split a paragraph)
    for q in doc.quotes:
        k = next(n for n, s in enumerate(doc.sections) if s.id == q.section_id)
        spots = [m.start() for m in re.finditer(re.escape(squeeze(q.text.plain)), text)]
        assert len(spots) >= 2, q.text.plain  # the sentence, and the quote set
        nxt = min(k + 1, len(doc.sections) - 1)
        end = squeeze(doc.sections[nxt].paragraphs[-1].plain)[-40:]
        assert all((starts[k - 1] if k else 0) < at < text.index(end, starts[nxt]) for at in spots), q.text.plain


def check_last_page(doc, view, prepared, path) -> None:
    """The last page has some of the brief's text or end matter, not only the 'about' box
    and the colophon -- unless the page before is full (issue 23: no page before the last
    left more than brief.page.max_gap_share empty), and then the 'about' box stands in the
    main column of the last page (the people flow into it), not alone in its side column."""
    geo = prepared.geo
    right = geo.side_x - geo.gutter / 2 if prepared.has_side_column else geo.width
    lines = main_lines(path, right, geo.top - 8, geo.bottom - 4)
    last = [squeeze(x.text) for x in lines if x.page == lines[-1].page]
    content = [squeeze(p.plain) for s in doc.sections for p in s.paragraphs] \
        + [squeeze(r.lead + r.text.plain) for r in doc.recommendations] + [squeeze(r.title) for r in doc.references] \
        + [squeeze(view.label("references")), squeeze(view.label("recommendations"))]
    if any(t and len(t) > 6 and any(t in c or c in t for c in content) for t in last):
        return
    assert any(squeeze(view.about_label) in t for t in last), last[:5]
    before = [x for x in lines if x.page == lines[-1].page - 1]
    area = geo.frame_top(False) - geo.bottom
    lowest = max(x.top for x in before) + 14  # (a line's top; its body below)
    assert (geo.height - geo.bottom) - lowest <= 0.12 * area + 14, "the page before the last is not full"


@pytest.mark.slow
@pytest.mark.parametrize("paper", [None, "letter"])
@pytest.mark.parametrize("source", CORPUS, ids=lambda p: p.stem)
@pytest.mark.requires("pdftotext")
def test_on_the_corpus_the_last_page_is_not_back_matter_alone(built, source, paper):
    check_last_page(*built(source, paper))


@pytest.mark.parametrize("source", [HEARING, PANEL_OF_SIX], ids=lambda p: p.stem)
@pytest.mark.requires("pdftotext")
def test_the_title_band_names_everyone_by_part_on_whole_lines(built, source):
    """A hearing and a panel of six: every person in the title band under their part,
    each part's line unbroken (the compact form when the full one would wrap); the about
    box gives everyone's part too."""
    doc, view, prepared, path = built(source)
    page1 = _words(path)[0]
    text1 = squeeze(" ".join(w for *_, w in page1))
    for p in doc.people:
        assert squeeze(p.name) in text1
    for g in view.people_groups:
        assert squeeze(g.label) in text1
    # the band's people lines: each starts with a part's label and none wraps onto a line of its own
    lines = main_lines(path, prepared.geo.width, 0, 0)
    preface = next(x for x in lines if squeeze(doc.preface.plain).startswith(squeeze(x.text)))
    band = [x for x in lines if x.page == 0 and x.top < preface.top
            and any(squeeze(x.text).startswith(squeeze(g.label)) for g in view.people_groups)]
    assert 1 <= len(band) <= 3
    for x in band:
        i = lines.index(x)
        nxt = squeeze(lines[i + 1].text)
        assert any(nxt.startswith(squeeze(g.label)) for g in view.people_groups) or \
            nxt.startswith(squeeze(doc.preface.plain)[:20]), f"the band line “{x.text}” wraps"
    text = squeeze(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)
    about = text[text.rindex(squeeze(view.about_label)):]
    for p in doc.people:
        assert squeeze(view.role_label(p)) + squeeze(p.name) in about, p.name


@pytest.mark.slow
@pytest.mark.parametrize("source", CORPUS, ids=lambda p: p.stem)
@pytest.mark.requires("pdftotext")
def test_on_the_corpus_the_small_print_reads_cleanly(built, source):
    """No doubled full stop after a licence; the title band shows the event link's host,
    linked to the full address."""
    from pypdf import PdfReader

    doc, view, prepared, path = built(source)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert ".." not in text.replace("...", "")
    if doc.meta.licence:
        assert " ".join(view.licence.split()) + "." in " ".join(text.split())
    if doc.event.url:
        page1 = " ".join(subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True,
                                        text=True, check=True).stdout.split())
        assert view.link_text(doc.event.url) in page1 and doc.event.url.split("://")[1] not in page1.replace(" ", "")
        uris = [a.get_object()["/A"].get("/URI") for a in PdfReader(path).pages[0].get("/Annots", [])]
        assert doc.event.url in uris


@pytest.mark.quick
def test_a_box_of_messages_splits_between_messages_two_at_least_each_side():
    """One column (issue 23): a key messages box too tall for the page's foot splits rather than
    leave the space empty -- its label with the first messages, at least two messages each side,
    the part continued without the top rule; a side note never splits."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from briefdeck.render.pdf.flowables import Stack

    style = ParagraphStyle("s", fontName="Helvetica", fontSize=9, leading=12)
    items = [Paragraph("KEY MESSAGES", style)] + [Paragraph(f"Message {i}", style) for i in range(1, 6)]
    box = Stack(items, padding=8, top_rule=("black", 1), split_keep=2, anchor="key-messages")
    assert box.wrap(300, 1000)[1] == 8 + 6 * 12 + 8
    assert box.split(300, 8 + 2 * 12 + 8) == []  # the label and one message: too few
    head, tail = box.split(300, 8 + 4 * 12 + 8 + 1)
    assert [p.text for p in head.items] == ["KEY MESSAGES", "Message 1", "Message 2", "Message 3"]
    assert head.top_rule and head.anchor == "key-messages" and tail.top_rule is None and tail.anchor is None
    assert [p.text for p in tail.items] == ["Message 4", "Message 5"]
    head, tail = box.split(300, 500)  # (asked to split, it never leaves fewer than two after)
    assert len(tail.items) == 2
    assert Stack(items, padding=8).split(300, 60) == []  # a side note


@pytest.mark.requires("pdftotext")
def test_a_pull_quote_no_place_stands_far_enough_from_is_left_out_with_a_located_warning(tmp_path):
    """One column, one short section: no place in the brief stands ten lines from the quoted
    sentence, so the brief leaves the quote out (the deck and the web page keep it) and says so
    at the quote's line; nothing of it is left in the structure tree."""
    import shutil

    import pikepdf

    from briefdeck import api

    src = LAGOS.parent
    lines = (src / LAGOS.name).read_text(encoding="utf-8").splitlines(keepends=True)
    at = {key: next(i for i, ln in enumerate(lines) if ln.startswith(key)) for key in ("sections:", "facts:", "quotes:", "recommendations:")}
    forward = next(i for i, ln in enumerate(lines) if ln.startswith("  - id: forward"))
    values = next(i for i, ln in enumerate(lines) if ln.startswith("  - id: values"))
    tectonic = next(i for i, ln in enumerate(lines) if "text: the tectonic plates" in ln)
    text = "".join(lines[:at["sections:"] + 1] + lines[forward:values] + lines[at["facts:"]:at["quotes:"] + 1]
                   + lines[tectonic:tectonic + 3] + lines[at["recommendations:"]:])
    shutil.copytree(src / "assets", tmp_path / "assets")
    copy = tmp_path / LAGOS.name
    copy.write_text(text, encoding="utf-8")
    [res] = api.build([copy], api.Options(out_dir=tmp_path / "out", formats=("pdf",), force=True))
    assert res.ok, res.error
    warned = [w for w in res.warnings if w.code == "brief.quote_placement"]
    assert len(warned) == 1 and warned[0].line == text[:text.index("  - text: the tectonic")].count("\n") + 1, warned
    brief = squeeze(subprocess.run(["pdftotext", str(tmp_path / "out" / f"{LAGOS.stem}.pdf"), "-"], capture_output=True,
                                   text=True, check=True).stdout)
    assert brief.count(squeeze("the tectonic plates of world politics are shifting decisively")) == 1  # the sentence only
    with pikepdf.open(tmp_path / "out" / f"{LAGOS.stem}.pdf") as pdf:
        roles = []

        def walk(node):
            if isinstance(node, pikepdf.Dictionary) and "/S" in node:
                roles.append(str(node.S))
            kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
            for k in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
                walk(k)

        walk(pdf.Root.StructTreeRoot)
    assert "/BlockQuote" not in roles
