"""The reading plan -> the brief's flowables, in reading order.

The plan (``present.outline``) says what comes in which order and how each line reads; this
module decides only how each part looks on the page. Page 1: title band; preface with the key
messages beside it; summary; the sections begin. Then the sections (pull quotes, figure notes
and small figures in the side column; long timelines across both columns), recommendations,
references; on the last page the colophon at the foot and "about the speaker" in the side column.
"""
from __future__ import annotations

import re
from .xmltext import unescape
from dataclasses import field, replace
from typing import Optional

from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, HRFlowable, Indenter, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from ...charts.registry import KINDS
from ...dataclass_code import dataclass
from ...model import Document, Figure, Picture
from ...present import View
from ...present.outline import (ColophonPart, FigurePart, KeyFiguresPart, KeyMessagesPart, OpeningPart, PeopleLine, PeoplePart, QuotePart,
                                RecommendationsPart, ReferencesPart, SectionPart, TitlePart)
from .flowables import (Anchor, BackMatter, BodyParagraph, FigureBlock, FlushAsides, Framed, Heading, KeepWithText, SideColumn, Stack, Unbroken,
                         TitleBand, WithAside)
from .inline import esc, link, markup, url_lines
from .layout import Geometry
from .pages import FloatBarrier, SectionBreak
from .pictures import Row, sized
from .styles import Styles
from .quotes import _lines_of, _spaces, backfill, quote_position, quote_slot, untag_quote
from .tables import table_flowables
from .tagging import StructElem, StructTree, Tagged, untagged


@dataclass
class Context:
    doc: Document
    view: View  # the words a reader sees (labels, source lines, citation), shared with the deck
    st: Styles
    geo: Geometry
    side: SideColumn
    drawings: dict[str, Drawing]  # figure id -> chart, already at the main column's width
    tree: Optional[StructTree] = None  # the logical structure (tagged PDF); built with the story
    end_break: Optional[str] = None  # "recommendations" | "references": start a page there (balance, see pdf._render)
    dropped_quotes: list = field(default_factory=list)  # pull quotes with no place far enough from their sentence

    @property
    def root(self) -> Optional[StructElem]:
        return self.tree.root if self.tree is not None else None


# --- the structure tree ---------------------------------------------------------------
# Every flowable that draws text is wrapped in ``Tagged(flowable, element)`` where the story
# makes it; the elements are created here, in *reading order* (which is not the drawing order:
# side notes are drawn when the text beside them is, but read after their section's text).
# What is drawn outside any element (rules, bands, backgrounds, running header and footer) is
# an artifact. The shape of the tree:
#
#   Document
#     P series · H1 title · P subtitle · P event line (Link) · P people
#     P preface · H2 "Summary" · P summary
#     Div key messages: H2 · L > LI > (Lbl, LBody)
#     Sect per section: H2 · P byline · P ... · Div per figure: Caption · Figure (/Alt) · P source · Note
#                       · Div per table: Table (Caption · TR > TH /Scope /Column · TR > TD ...) · P source · Note
#                       · Aside (pull quotes: BlockQuote > P quote, P attribution)
#     Sect recommendations: H2 · L > LI > (Lbl, LBody > P lead, P text)
#     Sect references: H2 · L > LI > (Lbl, LBody with Link)
#     Aside about the speakers: H2 · P name, titles, affiliation, biography
#     Div colophon: P · P
def _add(parent: Optional[StructElem], role: str, **kw) -> Optional[StructElem]:
    return parent.add(role, **kw) if parent is not None else None


def _tag(flowable: Flowable, parent: Optional[StructElem], role: str, **kw) -> Flowable:
    """``flowable`` as the content of a new ``role`` element under ``parent`` (untagged: itself)."""
    if parent is None:
        return flowable
    if getattr(getattr(flowable, "style", None), "textTransform", None) == "uppercase":
        # set in capitals, read as written ("Summary", not the letters of "SUMMARY")
        kw.setdefault("actual_text", unescape(re.sub(r"<[^>]+>", "", flowable.text)))
    return Tagged(flowable, parent.add(role, **kw))


def _own(flowable: Flowable, elem: Optional[StructElem], **kw) -> Flowable:
    return Tagged(flowable, elem, **kw) if elem is not None else flowable


def build_story(ctx: Context) -> list[Flowable]:
    """The plan's parts in order; the key messages go beside the opening, the people and the
    colophon into the back matter of the last page."""
    plan = ctx.view.plan
    story: list[Flowable] = []
    recs: list[Flowable] = []
    refs: list[Flowable] = []
    people, small_print = None, None
    sections: list[tuple[SectionPart, int, dict[int, int]]] = []  # (section, its end, its paragraphs' starts) in the story
    for part in plan:
        if isinstance(part, TitlePart):
            story.append(title_band(ctx, part))
        elif isinstance(part, OpeningPart):
            story += opening(ctx, part, plan.find("key_messages"))
        elif isinstance(part, KeyFiguresPart) and ctx.st.get("key_figures").get("show", True):
            story += key_figures(ctx, part)
        elif isinstance(part, SectionPart):
            flowables = section_flowables(ctx, part)
            starts = ctx.__dict__.pop("paragraph_starts", {})
            sections.append((part, len(story) + len(flowables), {p: len(story) + j for p, j in starts.items()}))
            story += flowables
            if part.number == part.total and ctx.__dict__.get("backfill_quotes"):
                waiting = ctx.__dict__.pop("backfill_quotes")
                for q, box in backfill(ctx, story, sections[:-1], waiting, lambda p: _heading_lines(ctx, p),
                                       lambda box: in_column(ctx, box, "pull_quote")):
                    untag_quote(box)  # not set: nothing of it in the structure either
                    ctx.dropped_quotes.append(q)
        elif isinstance(part, RecommendationsPart):
            recs = recommendations(ctx, part)
        elif isinstance(part, ReferencesPart):
            refs = references(ctx, part)
        elif isinstance(part, PeoplePart):
            people = part
        elif isinstance(part, ColophonPart):
            small_print = part
    # a figure may wait past the recommendations (better than half a page left empty),
    # never past the references
    # "about the speaker" goes in the side column of the last page, level with the first
    # end-matter heading when that is on the last page too (as the key messages open page 1)
    if recs or refs:
        end = recs if recs else refs
        h = end[1]
        h.aside_offset = -(h.rule[3] if h.rule else 0)  # level with the heading's rule
        end[1] = WithAside(h, [], ctx.side, mark=True)
    if len(refs) > 2:  # the references' heading keeps its first reference
        refs[1:3] = [KeepWithText([refs[1]], refs[2])]
    if ctx.end_break == "recommendations" and recs:
        recs.insert(0, PageBreak())
    story += recs
    story.append(FloatBarrier())
    if ctx.end_break == "references" and refs:
        refs.insert(0, PageBreak())
    story += refs
    story.append(FlushAsides(ctx.side))
    box = speakers_box(ctx, people) if people is not None else None  # read before the small print
    story.append(BackMatter(colophon(ctx, small_print), box, ctx.side, ctx.st.get("side.gap"), getattr(box, "flow", ())))
    return story


def outline(view: View, st: Styles) -> list[tuple[str, str, int]]:
    """(title, destination, level) in reading order; figures under the section that owns
    them, even when a figure floats past the next heading."""
    return [(e.title, e.anchor, e.level) for e in view.plan.outline(view.figure_separator, bool(st.get("outline.figure_entries")))]


# --- helpers -------------------------------------------------------------------------
def _link_colour(ctx: Context) -> str:
    return ctx.st.hex(ctx.st.get("body.link_colour"))


def heading(ctx: Context, title: str, key: str, level: str = "h1", parent: Optional[StructElem] = None,
            role: str = "H2", kicker: Optional[tuple] = None) -> Heading:
    st = ctx.st
    node = st.get(level)
    rule = None
    if node.get("rule_colour"):
        rule = (st.colour(node["rule_colour"]), node["rule_width"], node["rule_length_mm"] * mm, node["rule_gap"])
    return _tag(Heading(esc(title), st.para(level), key=key, rule=rule, kicker=kicker), parent, role)


def keep_room(ctx: Context, h: Flowable, level: str = "h1", *between: Flowable) -> SectionBreak:
    """Room for the heading (and what stands ``between`` it and the text: a byline) and the
    first lines after it, or a new page: no orphaned headings. Also where waiting figures
    may come out (pages.BriefTemplate), so never between a heading and its text.

    (platypus' keepWithNext would keep the heading with the *whole* next paragraph and
    leave gaps; this needs only ``keep_lines`` of it.)"""
    node = ctx.st.get(level)
    w = ctx.geo.main_width
    _, hh = h.wrap(w, 10_000)
    extra = sum(f.wrap(w, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in between)
    body = ctx.st.get("body")
    return SectionBreak(node["space_before"] + hh + node["space_after"] + extra + node["keep_lines"] * body["leading"])


def _people_lines(ctx: Context, lines: tuple[PeopleLine, ...], fits=lambda line: True) -> list[str]:
    """The title band's people, as the plan words them: each part with everyone's description.
    When a line of that full form does not fit on one line of the band (``fits``), the band names
    everyone in the compact form -- the parts and the names, the hosts on one line and all the
    contributors on the next; their titles are in the "about" box."""
    full = [markup(line.full) for line in lines]
    if all(fits(line) for line in full):
        return full
    sep = esc(ctx.view.separator)
    contributors = [markup(line.short) for line in lines if not line.hosts]
    hosts = [markup(line.short) for line in lines if line.hosts]
    return [x for x in (sep.join(hosts), sep.join(contributors)) if x]


# --- page 1 -------------------------------------------------------------------------
def title_band(ctx: Context, part: TitlePart) -> TitleBand:
    st, view = ctx.st, ctx.view
    tb = st.get("title_band")
    D = ctx.root
    paras = [_tag(Paragraph(esc(part.series), st.para("title_band.series")), D, "P"),
             _tag(Paragraph(esc(part.title), st.para("title_band.title")), D, "H1")]
    if part.subtitle:
        paras.append(_tag(Paragraph(esc(part.subtitle), st.para("title_band.subtitle")), D, "P"))
    meta = esc(part.event_line(under_series=True))
    if part.url:
        meta += esc(view.separator) + link(view.link_text(part.url), part.url, st.hex(tb["meta"]["colour"]))
    paras.append(_tag(Paragraph(meta, st.para("title_band.meta", spaceAfter=tb["meta"].get("space_after", 0) + 2)), D, "P"))
    style = st.para("title_band.speaker")

    def fits(line: str) -> bool:
        return len(Paragraph(line, style).breakLines([ctx.geo.text_width]).lines) <= 1

    for line in _people_lines(ctx, part.people, fits):
        paras.append(_tag(Paragraph(line, style), D, "P"))
    logo, lt = None, tb.get("logo", {})
    if part.logo is not None:
        logo = picture(ctx, part.logo, lt, D, first=True)
    return TitleBand(paras, ctx.geo, background=st.colour(tb["background"]), bleed=tb["bleed"],
                     pad_top=tb["padding_mm"]["top"] * mm, pad_bottom=tb["padding_mm"]["bottom"] * mm,
                     space_after=tb["space_after_mm"] * mm, side=ctx.side, logo=logo,
                     logo_plate=st.colour(lt["plate"]) if logo is not None and lt.get("plate") else None,
                     logo_pad=lt.get("padding_mm", 0) * mm, logo_gap=lt.get("gap_mm", 0) * mm)


def picture(ctx: Context, pic: Picture, box: dict, parent: Optional[StructElem], first: bool = False) -> Flowable:
    """A picture in a theme's box, tagged as a ``Figure`` whose ``/Alt`` is its alt text; a
    decorative one is drawn as an artifact (outside any element)."""
    f = sized(pic, box, ctx.st.fonts.chart_map)
    if pic.decorative or parent is None:
        return f
    elem = StructElem(parent.tree, "Figure", parent, alt=pic.alt)
    if first:  # the logo is read first: it names who holds the event
        parent.kids.insert(0, elem)
    else:
        parent.kids.append(elem)
    return Tagged(f, elem)


def key_messages_box(ctx: Context, part: KeyMessagesPart) -> Stack:
    st = ctx.st
    km = st.get("key_messages")
    item = st.para("key_messages", km, spaceAfter=km["item_space"], leftIndent=km["marker_width"],
                   bulletIndent=0, bulletFontName=ctx.st.fonts.family(km["font"]).bold,
                   bulletColor=st.colour(km["marker_colour"]))
    box = _add(ctx.root, "Div")
    items: list[Flowable] = [_tag(Paragraph(esc(part.label), st.para("label")), box, "H2")]
    lst = _add(box, "L", attrs=[{"O": "List", "ListNumbering": "Decimal"}])
    for i, msg in enumerate(part.items, 1):
        items.append(_list_item(lst, BodyParagraph(markup(msg, _link_colour(ctx)), item, bulletText=str(i))))  # an even rag
    # in one column, under the summary, a box that does not fit the page's foot splits between
    # two messages (two at least each side) rather than leave the space empty
    return Stack(items, background=st.colour(km["background"]), padding=km["padding"],
                 top_rule=(st.colour(km["top_rule_colour"]), km["top_rule_width"]),
                 anchor="key-messages", split_keep=km.get("split_keep", 2) if ctx.geo.single else 0)


def _list_item(lst: Optional[StructElem], p: Paragraph) -> Flowable:
    """A paragraph with a ``bulletText`` as one list item: the bullet is the label."""
    if lst is None:
        return p
    li = lst.add("LI")
    lbl = li.add("Lbl")
    return Tagged(p, li.add("LBody"), label=lbl)


def opening(ctx: Context, part: OpeningPart, messages: Optional[KeyMessagesPart]) -> list[Flowable]:
    st = ctx.st
    D = ctx.root
    out: list[Flowable] = []
    preface = _tag(Paragraph(markup(part.preface, _link_colour(ctx)), st.para("preface")), D, "P") if part.preface else None
    summary_label = _tag(Heading(esc(part.label), st.para("label", keepWithNext=1), key="summary"), D, "H2")
    summary = _tag(Paragraph(markup(part.summary, _link_colour(ctx)), st.para("lead")), D, "P")
    # beside the opening; read after the summary
    box = key_messages_box(ctx, messages) if messages is not None else None
    if ctx.geo.single:  # one column: the key messages under the summary
        out += [x for x in (preface, summary_label, summary) if x is not None]
        return out + (in_column(ctx, box, "key_messages") if box is not None else [])
    first: Flowable = preface if preface is not None else summary_label
    out.append(WithAside(first, [box] if box is not None else [], ctx.side))
    if preface is not None:
        out.append(summary_label)
    out.append(summary)
    return out


def in_column(ctx: Context, f: Flowable, key: str) -> list[Flowable]:
    """A side note set in the single column: space around it, inset from both edges if the
    theme says (``<key>.inset_mm``)."""
    node = ctx.st.get(key)
    inset = node.get("inset_mm", 0) * mm
    out: list[Flowable] = [Spacer(0, node.get("space_before", 0))]
    out += [Indenter(inset, inset), f, Indenter(-inset, -inset)] if inset else [f]
    return out + [Spacer(0, node.get("space_after", 0))]


def key_figures(ctx: Context, part: KeyFiguresPart) -> list[Flowable]:
    """The key figures: a band of big values, each over what it counts, ``per_row`` a row, and
    where they come from (one line when they share a source). Tagged as a Div: H2, then each
    value and label as a paragraph, then the source."""
    st = ctx.st
    kf = st.get("key_figures")
    div = _add(ctx.root, "Div")
    label = _tag(Paragraph(esc(part.label), st.para("label")), div, "H2")
    sources = list(dict.fromkeys(it.source for it in part.items if it.source))
    shared = len(sources) == 1 and all(it.source for it in part.items)
    per_row = max(1, min(kf["per_row"], len(part.items)))
    cells: list[list] = []
    for it in part.items:
        cell = [_tag(Paragraph(esc(it.value), st.para("key_figures.value")), div, "P"),
                _tag(Paragraph(markup(it.label, _link_colour(ctx)), st.para("key_figures.label")), div, "P")]
        if it.source and not shared:
            cell.append(_tag(Paragraph(esc(it.source), st.para("key_figures.source", spaceBefore=2)), div, "P"))
        cells.append(cell)
    width = ctx.geo.main_width
    gap = kf["cell_gap"]
    if len(cells) == 1:  # one figure: its value beside what it counts
        vs = st.para("key_figures.value")
        w = min(stringWidth(part.items[0].value, vs.fontName, vs.fontSize) + gap, width / 2)
        rows, widths = [[cells[0][0], cells[0][1:]]], [w, width - w + gap]
    else:
        rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
        rows[-1] += [""] * (per_row - len(rows[-1]))
        widths = [(width + gap) / per_row] * per_row
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    lab = st.para("key_figures.label")
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), lab.fontName, lab.fontSize),  # else the cell announces Helvetica
                               ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), gap), ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), kf["row_space"]),
                               ("BOTTOMPADDING", (0, -1), (-1, -1), 0)]))
    items: list[Flowable] = [label, table]
    if shared:
        items.append(_tag(Paragraph(esc(sources[0]), st.para("key_figures.source")), div, "P"))
    box = Stack(items, top_rule=(st.colour(kf["top_rule_colour"]), kf["top_rule_width"]), top_gap=kf["rule_gap"],
                anchor="key-figures")
    # a float, like a figure: when it does not fit under the opening, the text goes on and the
    # box comes out at the next section's start (pages.BriefTemplate)
    inset = kf.get("inset_mm", 0) * mm if ctx.geo.single else 0
    return [WithAside(Framed(box, kf["space_before"], kf["space_after"], inset), [], ctx.side, is_float=True)]


# --- sections -----------------------------------------------------------------------
def pull_quote(ctx: Context, q: QuotePart, parent: Optional[StructElem] = None) -> Stack:
    """The quote and its attribution under a rule, tagged as a BlockQuote in ``parent``."""
    st = ctx.st
    pq = st.get("pull_quote")
    bq = _add(parent, "BlockQuote")
    text = markup(q.text)  # (a quote taken from mid-sentence already opens with the plan's ellipsis)
    items: list[Flowable] = [_tag(Paragraph(text, st.para("pull_quote")), bq, "P")]
    if q.attribution:
        items.append(_tag(Paragraph(esc(q.attribution), st.para("pull_quote.attribution")), bq, "P"))
    return Stack(items, top_rule=(st.colour(pq["rule_colour"]), pq["rule_width"]), top_gap=pq["rule_gap"])


def _heading_lines(ctx: Context, section: SectionPart) -> float:
    """A section's heading and byline, with the space around them, in body lines."""
    h = heading(ctx, section.title, section.anchor, kicker=opener(ctx, section))
    byline = [Paragraph(esc(section.byline), ctx.st.para("byline"))] if section.byline else []
    room = keep_room(ctx, h, "h1", *byline)
    body = ctx.st.get("body")
    return room.height / body["leading"] - ctx.st.get("h1")["keep_lines"]


def section_flowables(ctx: Context, section: SectionPart) -> list[Flowable]:
    st = ctx.st
    sect = _add(ctx.root, "Sect")
    h = heading(ctx, section.title, section.anchor, parent=sect, kicker=opener(ctx, section))
    byline = []
    if section.byline:
        byline.append(_tag(Paragraph(esc(section.byline), st.para("byline")), sect, "P"))
    out: list[Flowable] = [keep_room(ctx, h, "h1", *byline)]
    body = st.para("body")
    paras = [_tag(BodyParagraph(markup(p, _link_colour(ctx)), body), sect, "P") for p in section.paragraphs]
    figures = [(fp.figure, figure(ctx, fp, sect)) for fp in section.figures]  # read after the text
    quotes = section.quotes
    # a quote sits beside the paragraph it comes from (else beside the first); read after
    # the section's text and figures
    aside = _add(sect, "Aside") if quotes else None
    # a pull quote stands away from the sentence it repeats (pull_quote.min_distance_lines):
    # in the side column, on the same page (flowables.SideColumn.settle); in one column, before
    # the paragraph that far from it (quote_slot)
    notes: dict[int, list[Flowable]] = {}
    before: dict[int, list[Flowable]] = {}
    carried = ctx.__dict__.pop("carried_quotes", [])  # from a section too short to set them away
    if carried:
        before.setdefault(min(1, len(paras)), []).extend(carried)
    for q in quotes:
        i, where = quote_position(q, section)
        box = pull_quote(ctx, q, aside)
        if ctx.geo.single:
            slot = quote_slot(ctx, section, i, where, q, lambda part: _heading_lines(ctx, part))
            if slot is not None:
                before.setdefault(slot, []).append(box)
            elif section.number < section.total:
                ctx.__dict__.setdefault("carried_quotes", []).append(box)
            else:  # the last section: back into the one before (story.backfill)
                n = _lines_of(ctx, section)
                length = max(len(" ".join(section.paragraphs[i].plain.split())), 1)
                start = (sum(n[:i]) + i * _spaces(ctx)[0] + n[i] * where[0] / length + _heading_lines(ctx, section)
                         + _spaces(ctx)[2])
                ctx.__dict__.setdefault("backfill_quotes", []).append((q, box, start))
        else:
            box.pulled_from = where  # where in its paragraph's text the sentence is
            box.pull_distance = st.get("pull_quote").get("min_distance_lines", 10) * st.get("body")["leading"]
            notes.setdefault(i, []).append(box)
    for i, p in enumerate(paras):
        if ctx.geo.single:
            for q in before.get(i, []):
                out += in_column(ctx, q, "pull_quote")
            out.append(WithAside(p, [], ctx.side))
        else:
            out.append(WithAside(p, notes.get(i, []), ctx.side))
    for q in before.get(len(paras), []) if ctx.geo.single else ():
        out += in_column(ctx, q, "pull_quote")
    for fig, f in figures:
        if placement(ctx, fig) == "side":
            # beside the flowable before it (a figure or the last paragraph), after that one's notes
            out[-1].notes.append(f)
        else:
            out.append(f)
    for tp in section.tables:  # in the main column's flow, after the figures: a long one breaks across pages
        out += table_flowables(ctx, tp, sect, _link_colour(ctx))
    first = next((k for k, f in enumerate(out) if isinstance(f, WithAside)), None) if paras else None
    if first is not None:  # the heading never ends a page: it keeps the first lines of the text (and a quote under it)
        out[1:first + 1] = [KeepWithText([h, *byline, *out[1:first]], out[first])]
    else:
        out[1:1] = [h, *byline]
    lead = [x for q in before.get(-1, []) for x in in_column(ctx, q, "pull_quote")]  # set before the heading
    starts, k = {}, 0
    for j, f in enumerate(out):  # where each paragraph starts (story.backfill)
        if isinstance(f, KeepWithText) or (isinstance(f, WithAside) and isinstance(untagged(f.main), BodyParagraph)):
            if k < len(paras):
                starts[k] = len(lead) + j
            k += 1
    ctx.__dict__["paragraph_starts"] = starts
    return lead + out


def opener(ctx: Context, section: SectionPart) -> Optional[tuple]:
    """The section's opener (``h1.kicker``: its number, "01"), set where the short rule over
    the heading starts, the rule after it: (text, font, size, colour) or None."""
    node = ctx.st.get("h1")
    if not node.get("kicker"):
        return None
    style = ctx.st.para("h1.kicker_style")
    return (node["kicker"].format(number=section.number, total=section.total), style.fontName, style.fontSize,
            style.textColor)


def figure(ctx: Context, fp: FigurePart, parent: Optional[StructElem] = None) -> Flowable:
    """A main-column figure (note beside it), a wide one (note under it, in the side column),
    or a small one that sits in the side column itself.

    Tagged as a ``Div``: the ``Caption``, the chart as a ``Figure`` whose ``/Alt`` is the alt text
    (its own words -- axis labels, values -- are not read: the alt text says what matters),
    the source line and the note."""
    st, view = ctx.st, ctx.view
    fig = fp.figure
    fs = st.get("figure")
    where = placement(ctx, fig)
    label = fp.label
    div = _add(parent, "Div")
    number = f'<font color="{st.hex(fs["number_colour"])}">{esc(label + view.figure_separator)}</font>'
    caption = _tag(Paragraph(number + markup(fp.caption), st.para("figure.side_caption" if where == "side" else "figure.caption")),
                   div, "Caption")
    drawing = _tag(ctx.drawings[fig.id] if fig.picture is None else photograph(ctx, fig, where), div, "Figure", alt=fig.alt)
    source = _tag(Paragraph(markup(fp.source_line, _link_colour(ctx)), st.para("figure.source")), div, "P")
    note = None
    if fp.note:
        body = markup(fp.note, _link_colour(ctx))
        note_elem = _add(div, "Note")
        note = _own(Paragraph(f"<b>{esc(view.term('brief', 'note'))}</b> {body}", st.para("figure.note")), note_elem)
        # the version used when the side column cannot set the note level with its figure
        note.displaced = _own(Paragraph(f"<b>{esc(view.term('brief', 'note_to', figure=label))}</b> {body}",
                                        st.para("figure.note")), note_elem)
    block = FigureBlock(caption, drawing, source, key=fig.anchor,
                        rule=(st.colour(fs["rule_colour"]), fs["rule_width"], fs["rule_gap"]),
                        space_before=fs["space_before"], space_after=fs["space_after"],
                        wide=ctx.side if where == "wide" else None, note=note if where != "main" else None)
    if where == "side":
        return block
    return WithAside(block, [note] if (note and where == "main") else [], ctx.side, is_float=True)


def photograph(ctx: Context, fig: Figure, where: str) -> Flowable:
    """A photograph as a figure: the column's width (the theme's ``figure.photo``), its own shape,
    no taller than the theme allows."""
    fs = ctx.st.get("figure")
    w = {"wide": ctx.geo.text_width, "side": ctx.geo.side_width, "main": ctx.geo.main_width}[where]
    return sized(fig.picture, {"height_mm": fs["photo"]["max_height_mm"], "max_width_mm": w / mm,
                               "min_height_mm": fs["photo"].get("min_height_mm", 0)}, ctx.st.fonts.chart_map)


def placement(ctx: Context, fig: Figure) -> str:
    """'main' column, 'wide' across both columns (long timelines, by the theme), or the 'side' column
    (kinds that declare themselves compact: a big number)."""
    fs = ctx.st.get("figure")
    kind = fig.chart.kind
    wide_over = fs["wide_when_rows_over"]
    if kind in wide_over and len(fig.chart.table.rows) > wide_over[kind]:
        return "wide"
    declared = KINDS.get(kind)
    return "side" if declared is not None and declared.compact else "main"


def chart_request(ctx: Context, fig: Figure) -> Figure:
    """The figure as the chart service should draw it here: the theme may add options for a
    placement (a big number in the side column sits flush left under its caption); options
    the author wrote win."""
    extra = ctx.st.get("figure").get(f"{placement(ctx, fig)}_options_by_kind", {}).get(fig.chart.kind)
    if not extra:
        return fig
    options = dict(extra)
    options.update(dict(fig.chart.options))
    chart = replace(fig.chart, options=tuple(sorted(options.items())))
    return replace(fig, chart=chart)


def chart_size(ctx: Context, fig: Figure, charts=None) -> tuple[float, float]:
    """Width and height in points at which the chart is drawn in the main column. With the
    chart service, a chart that would run over its box (a long timeline) is made as tall as
    it needs to be drawn whole, up to a page's text height less room for its caption."""
    fs = ctx.st.get("figure")
    where = placement(ctx, fig)
    w = {"wide": ctx.geo.text_width, "side": ctx.geo.side_width, "main": ctx.geo.main_width}[where]
    aspect = fs[f"{where}_aspect_by_kind"].get(fig.chart.kind, fs["aspect"])
    h = min(w * aspect, fs["max_height_mm"] * mm)
    if charts is not None and hasattr(charts, "fit_height"):
        # a page's frame less a three-line caption, a two-line source line and the spacing
        room = (3 * fs["caption"]["leading"] + fs["caption"]["space_after"] + 2 * fs["source"]["leading"]
                + fs["source"]["space_before"] + fs["rule_gap"] + fs["space_before"] + fs["space_after"])
        page = ctx.geo.frame_top(False) - ctx.geo.bottom - room
        h = charts.fit_height(chart_request(ctx, fig), "page", w / 72, h / 72, max(page, h) / 72) * 72
    return w, h


# --- end matter ---------------------------------------------------------------------
def recommendations(ctx: Context, part: RecommendationsPart) -> list[Flowable]:
    st = ctx.st
    rs = st.get("recommendations")
    num, lead, text = st.para("recommendations.number"), st.para("recommendations.lead"), st.para("recommendations.text")
    pad, gap = rs["padding"], rs["item_space"]
    widths = [rs["number_width"] + pad, ctx.geo.main_width - rs["number_width"] - pad]
    # one table per item, touching: they read as one box, and the heading need only keep the first
    sect = _add(ctx.root, "Sect")
    h = heading(ctx, part.label, "recommendations", parent=sect)
    lst = _add(sect, "L", attrs=[{"O": "List", "ListNumbering": "Decimal"}])
    items: list[Flowable] = []
    n = len(part.items)
    for i, r in enumerate(part.items, 1):
        li = _add(lst, "LI")
        lbl = _add(li, "Lbl")
        body = _add(li, "LBody")
        cells = [_own(Paragraph(str(i), num), lbl),
                 [_tag(Paragraph(esc(r.recommendation.lead), lead), body, "P"), _tag(Paragraph(markup(r.text, _link_colour(ctx)), text), body, "P")]]
        t = Table([cells], colWidths=widths, hAlign="LEFT")
        t.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), lead.fontName, lead.fontSize),  # else the cell announces Helvetica
            ("BACKGROUND", (0, 0), (-1, -1), st.colour(rs["background"])),
            ("LINEBEFORE", (0, 0), (0, -1), rs["left_rule_width"], st.colour(rs["left_rule_colour"])),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (0, -1), pad), ("LEFTPADDING", (1, 0), (1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad if i == 1 else gap / 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), pad if i == n else gap / 2),
        ]))
        items.append(t)
    h.keepWithNext = 1
    return [SectionBreak(0), h] + items


def speakers_box(ctx: Context, part: PeoplePart) -> Stack:
    st = ctx.st
    sb = st.get("speaker_box")
    box = _add(ctx.root, "Aside")
    items: list[Flowable] = [_tag(Paragraph(esc(part.label), st.para("label")), box, "H2")]
    for i, p in enumerate(part.entries):
        gap = sb["person_space"] if i else 0
        first = len(items)
        if p.role:  # everyone with their part in the event (not at a single speaker's)
            items.append(_tag(Paragraph(esc(p.role), st.para("speaker_box.role", spaceBefore=gap)), box, "P"))
            gap = 0
        photo = p.person.photo
        if photo is not None:  # above the name, the theme's size; a Figure named by its alt text
            f = picture(ctx, photo, sb["photo"], box)
            f.spaceBefore, f.spaceAfter = gap, sb["photo"]["space_after"]
            items.append(f)
            gap = 0
        items.append(_tag(Paragraph(esc(p.name), st.para("speaker_box.name", spaceBefore=gap)), box, "P"))
        items[first]._starts_person = True
        for t in p.titles:
            items.append(_tag(Paragraph(esc(t), st.para("speaker_box.titles", spaceBefore=sb["titles"].get("space_between", 0))),
                              box, "P"))
        if p.affiliation:
            items.append(_tag(Paragraph(esc(p.affiliation), st.para("speaker_box.affiliation")), box, "P"))
        if p.bio:
            items.append(_tag(Paragraph(markup(p.bio, _link_colour(ctx)), st.para("speaker_box.bio")), box, "P"))
    box = Stack(items, top_rule=(st.colour(sb["top_rule_colour"]), sb["top_rule_width"]), top_gap=sb["padding_top"],
                anchor="speakers")
    # the same words for the main column, when the box must flow there (BackMatter): one
    # person at a time, the title kept with the first
    people_items: list[list[Flowable]] = []
    for f in items[1:]:
        if not people_items or getattr(f, "_starts_person", False):
            people_items.append([])
        people_items[-1].append(f)
    rule = HRFlowable(width="100%", thickness=sb["top_rule_width"], color=st.colour(sb["top_rule_colour"]),
                      spaceBefore=0, spaceAfter=sb["padding_top"], hAlign="LEFT")
    box.flow = [Anchor("speakers"), KeepTogether([rule, items[0], *people_items[0]])] + [KeepTogether(g) for g in people_items[1:]]
    return box


def references(ctx: Context, part: ReferencesPart) -> list[Flowable]:
    st = ctx.st
    rf = st.get("references")
    colour = st.hex(rf["link_colour"])
    out: list[Flowable] = []
    if part.items:  # the figures' sources are under each figure already
        sect = _add(ctx.root, "Sect")
        h = heading(ctx, part.label, "references", parent=sect)
        lst = _add(sect, "L", attrs=[{"O": "List", "ListNumbering": "Decimal"}])
        out += [keep_room(ctx, h), h]
        style = st.para("references", rf, leftIndent=rf["number_width"], bulletIndent=0, spaceAfter=rf["item_space"],
                        bulletFontName=st.fonts.family(rf["font"]).regular)
        url_width = ctx.geo.main_width - rf["number_width"]
        for i, r in enumerate(part.items, 1):
            # the plan's cite, its title set in italics and linked
            text = ". ".join([f"<i>{link(r.title.rstrip('.'), r.url, colour)}</i>"] + ([esc(r.who)] if r.who else [])) + "."
            if r.note:
                text += " " + esc(r.note)
            if r.url:
                text += "<br/>" + url_lines(r.url, style.fontName, style.fontSize, url_width, colour)
            out.append(_list_item(lst, Unbroken(text, style, bulletText=f"{i}.")))  # kept with its URL
    return out


def colophon(ctx: Context, part: ColophonPart) -> Stack:
    st = ctx.st
    cs = st.get("colophon")
    style = st.para("colophon", cs, spaceAfter=2)
    lines = [f"<b>{esc(part.cite_label)}</b> {markup(part.citation, _link_colour(ctx))}"]
    tail = [esc(part.published)]
    if part.licence:
        tail.append(f"<b>{esc(part.licence_label)}</b> {esc(part.licence)}.")
    if part.credit and (ctx.doc.meta.credit is not None or cs.get("tool_credit", True)):  # the source's words win
        tail.append(esc(part.credit))
    lines.append(" ".join(tail))
    if part.url:  # the web edition: its address as a link, and a QR code a phone can follow
        lines.append(f"<b>{esc(part.url_label)}</b> {link(part.url, part.url, _link_colour(ctx))}")
    div = _add(ctx.root, "Div")
    items: list[Flowable] = []
    if part.logos:  # the organiser's and the partners' logos, each a Figure named by its alt text
        lg = cs["logos"]
        items.append(Row([picture(ctx, p, lg, div) for p in part.logos], gap=lg["gap_mm"] * mm, space_after=lg["space_after"]))
    items += [_tag(Paragraph(x, style), div, "P") for x in lines]
    if part.url:
        from .qr import qr_drawing

        # an artifact: it says what the line above it says, which is read
        items.append(qr_drawing(part.url, cs["qr_size_mm"] * mm, st.colour(cs["qr_colour"])))
    return Stack(items, top_rule=(st.colour(cs["rule_colour"]), cs["rule_width"]), top_gap=cs["rule_gap"])
