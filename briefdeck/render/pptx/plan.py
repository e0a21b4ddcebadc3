"""Document -> DeckPlan: which slides, in which layout role, with which text. Pure: no files.

The planner decides everything a reader sees (titles, bullets, their type size, how a long
section splits into "… (continued)" slides, the notes behind each slide); the writer only
puts the plan into placeholders. Text is measured against the real placeholder boxes of the
template in use (``geometry``), so what fits here fits on the slide.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Collection, Mapping, Optional, Sequence

from ...charts.registry import KINDS
from ...errors import Problem, UsageError
from ...model import NOWHERE, Document, Figure, Loc, Person, Span, Text
from ...present import View
from .fit import Box, Measurer, Para

Geometry = Mapping[str, Mapping[str, Box]]  # role -> slot -> box
TITLE_GAP_IN = 0.08  # a grown title box stops this far above the next placeholder
ROLES = ("title", "section", "content", "two-content", "chart", "quote", "closing")
_SENTENCE = re.compile(r"(?<=[.!?…])[”’\"]?\s+(?=[A-Z0-9“‘\"(À-Ý])")


@dataclass(frozen=True)
class PlanPara:
    spans: tuple[Span, ...]
    bullet: bool = True
    level: int = 0
    space_before: float = 0.0
    size: Optional[float] = None  # its own type size, when it differs from the block's (an attribution)
    align: Optional[str] = None  # "r" to set right; None keeps the placeholder's alignment

    @property
    def plain(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class TextBlock:
    paras: tuple[PlanPara, ...]
    size: float

    @property
    def plain(self) -> str:
        return "\n".join(p.plain for p in self.paras)


@dataclass(frozen=True)
class SlidePlan:
    role: str  # layout role: one of ROLES
    kind: str  # what the slide is: title, agenda, key-messages, section, content, chart, quote, ...
    title: str
    title_size: float
    blocks: tuple[tuple[str, TextBlock], ...] = ()  # slot name -> text
    title_height: Optional[float] = None  # inches: the title box grown down (small template title boxes)
    figure: Optional[Figure] = None
    notes: str = ""
    section_id: Optional[str] = None
    footer: Optional[str] = None  # None on slides without a footer (the title slide)
    number: int = 0
    loc: Loc = NOWHERE  # what in the source produced it (a section, a figure, a person...)
    problems: tuple[Problem, ...] = ()  # warnings about this slide, located in the source
    footer_size: float = 0.0  # planned to fit the template's footer placeholder
    footer_box: Optional[Box] = None  # the footer widened over the unused date placeholder, when needed
    native: Optional[str] = None  # a figure drawn as a native chart of this type (charts.registry.NATIVE_TYPES)
    chart_box: Optional[Box] = None  # the chart's box when it is not its placeholder's (room left for its source)
    source_box: Optional[Box] = None  # a text box under the chart for its source line, when no placeholder holds it

    def block(self, slot: str) -> Optional[TextBlock]:
        return dict(self.blocks).get(slot)

    @property
    def text(self) -> str:
        return "\n".join([self.title] + [b.plain for _, b in self.blocks])


@dataclass(frozen=True)
class DeckPlan:
    slides: tuple[SlidePlan, ...]
    warnings: tuple[Problem, ...] = field(default=())  # every slide's problems, "slide N: ..." and located


class _Ctx:
    """What the planning functions share: settings, measuring, words, pending warnings."""

    def __init__(self, view: View, theme, measurer: Measurer, geometry: Geometry, grow: Collection[str] = ROLES):
        self.view, self.doc, self.m, self.geo, self.grow = view, view.doc, measurer, geometry, grow
        g = theme.get
        self.sizes = {k: g(f"deck.type.{k}") for k in ("title", "body", "quote")}
        self.title_slide, self.subtitle = g("deck.type.title_slide"), g("deck.type.subtitle")
        self.section_size, self.source_size = g("deck.type.section"), g("deck.type.source")
        self.attribution = g("deck.type.attribution")
        self.space = g("deck.type.space_before")
        self.max_bullets = g("deck.limits.bullets_per_slide")
        self.bullet_words = g("deck.limits.bullet_words")
        self.safety = g("deck.limits.fit_safety")
        self.indent = g("deck.type.bullet_indent_in")  # the hanging indent the writer sets on bullets
        self.floor = g("deck.type.body")[-1]  # no body text below this
        self.footer_sizes = g("deck.type.footer_sizes")
        self.source_sizes = g("deck.type.source_sizes")  # a chart's source line: never smaller than the last
        self.L = {**view.locale.section("shared"), **view.locale.section("deck")}
        self.footer = view.footer
        self.pending: list[Problem] = []  # warnings for the next slide planned

    def warn(self, message: str, loc: Loc, code: str = "deck.fit") -> None:
        self.pending.append(Problem(loc.file, loc.line, loc.col, message, code, "warning"))

    def take(self) -> tuple[Problem, ...]:
        out, self.pending = tuple(self.pending), []
        return out

    @staticmethod
    def quiet(ctx: "_Ctx") -> "_Ctx":
        """The same context with its own warnings list, for trial packing."""
        import copy

        trial = copy.copy(ctx)
        trial.pending = []
        return trial

    def box(self, role: str, slot: str) -> Optional[Box]:
        return self.geo.get(role, {}).get(slot)

    def measure_paras(self, paras: Sequence[PlanPara]) -> list[Para]:
        return [
            Para(tuple((s.text, s.bold, bool(s.href)) for s in p.spans), self.indent if p.bullet else 0.0,
                 p.space_before, p.size)
            for p in paras
        ]

    def fits(self, paras: Sequence[PlanPara], size: float, box: Box) -> bool:
        return self.m.fits(self.measure_paras(paras), size, box, self.safety)

    def largest_fit(self, paras: Sequence[PlanPara], sizes: Sequence[float], box: Optional[Box]) -> Optional[float]:
        if box is None:
            return sizes[0]
        return next((s for s in sizes if self.fits(paras, s, box)), None)

    def grown_title_box(self, role: str) -> Optional[Box]:
        """The title box extended down to just above the role's next placeholder, for templates whose
        title box holds one line (LibreOffice's); None when nothing lies below it or there is no room."""
        box = self.box(role, "title")
        if box is None or role not in self.grow:
            return None
        end = box.top + box.height
        below = [b.top for slot, b in self.geo.get(role, {}).items() if slot != "title" and b.top >= end - 0.01]
        if not below or min(below) - TITLE_GAP_IN <= end + 0.05:
            return None
        return replace(box, height=min(below) - TITLE_GAP_IN - box.top)

    def fit_title(self, candidates: Sequence[str], role: str,
                  sizes: Sequence[float]) -> Optional[tuple[str, float, Optional[float]]]:
        """(text, size, grown height) of the first candidate (the fullest) that fits: in the template's own
        box at any of the sizes before a grown box (a one-line title stays on its band). None if none fits."""
        box = self.box(role, "title")
        if box is None:
            return candidates[0], sizes[0], None
        grown = self.grown_title_box(role)
        boxes = ((box, None),) + (((grown, grown.height),) if grown else ())
        for text in candidates:
            for b, height in boxes:
                for size in sizes:
                    if self.fits([PlanPara((Span(text, bold=True),), bullet=False)], size, b):
                        return text, size, height
        return None

    def one_line_title_box(self, role: str) -> bool:
        """A template's title box that holds one line at the smallest title size: made for labels
        ("Agenda"), not statements (LibreOffice templates). There a statement title that fits no way
        moves to the body; on boxes made for two lines it is the author's to shorten (a warning)."""
        box = self.box(role, "title")
        small = self.sizes["title"][-1]
        return box is not None and box.text_height_pt * self.safety < 2 * self.m.line_height_pt(small)

    def title(self, title: str, role: str, sizes: Sequence[float], loc: Loc = NOWHERE) -> tuple[float, Optional[float]]:
        """(size, grown height) for a title that must be kept as it is; a warning when it cannot fit."""
        hit = self.fit_title([title], role, sizes)
        if hit is None:
            self.warn(f"title ‘{title}’ does not fit its placeholder even at {sizes[-1]} pt — shorten it", loc)
            grown = self.grown_title_box(role)
            return sizes[-1], (grown.height if grown else None)
        return hit[1], hit[2]


# -- text helpers ------------------------------------------------------------------------------
def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]


def derive_bullet(text: str, max_words: int) -> str:
    """A slide line from a paragraph: its first sentence, shortened at a clause if long.

    The full paragraph is always in the notes, so shortening loses nothing from the deck.
    """
    first = (sentences(text) or [text])[0]
    words = first.split()
    if len(words) <= max_words:
        return first
    head = " ".join(words[:max_words])
    cut = max(head.rfind(", "), head.rfind("; "), head.rfind(" – "), head.rfind(": "))
    if cut > len(head) // 3:
        return head[:cut].rstrip(",;:– ") + " …"
    return head.rstrip(",;:– ") + " …"


_CLAUSE_WORDS = {"and", "but", "while", "whereas", "yet", "et", "mais", "dont", "tandis", "alors", "car", "plus"}
_LIST_WORDS = (" and ", " or ", " et ", " ou ")


def clause_cuts(text: str) -> list[str]:
    """Shorter forms of a statement that end where a clause ends, longest first.

    Cuts at a sentence end, a semicolon, colon or dash, and at a comma only when what follows it is
    a clause or an aside (", and first among …", ", 2013–2023"), never inside a list ("Mauritania,
    Burkina Faso, Niger and Chad"), so a shortened title still says something true.
    """
    text = " ".join(text.split())
    cuts = []
    for m in re.finditer(r"(?<=[.!?…])\s+|;\s+|:\s+|\s+[–—]\s+|,\s+", text):
        head, tail = text[:m.start()].rstrip(" ,;:–—"), text[m.end():]
        if len(head.split()) < 4:
            continue
        if m.group().startswith(","):
            first = tail.split(" ", 1)[0].lower()
            if first not in _CLAUSE_WORDS and any(w in f" {tail} " for w in _LIST_WORDS):
                continue
        cuts.append(head)
    return sorted(set(cuts), key=len, reverse=True)


def quoted(text: str) -> str:
    t = text.strip()
    return t if t[:1] in "“«\"" else f"“{t}”"


def plain_paras(texts: Sequence[Text]) -> str:
    return "\n\n".join(t.plain.strip() for t in texts if t)


def figure_source(ctx: "_Ctx", fig: Figure) -> str:
    """"Figure 2. Source: ... (as of ...). Data licence: ...": the brief's source line, labelled."""
    return f"{ctx.view.figure_label(fig)}. {ctx.view.source_line(fig).plain}"


# -- packing: split a list of paragraphs across as few slides as the box allows ----------------
def pack(ctx: _Ctx, items: Sequence[PlanPara], box: Optional[Box], sizes: Sequence[float],
         max_items: int, where: str, loc: Loc = NOWHERE) -> list[tuple[list[PlanPara], float, tuple]]:
    """Even, contiguous chunks at the largest common size >= the second-smallest size.

    The smallest size (the 18 pt floor) is used only for a single paragraph that fits no other
    way; if even that fails, the paragraph is placed at the floor and a warning names the slide.
    """
    items = list(items)
    if not items:
        return [([], sizes[0], ())]
    preferred = sizes[:-1] or sizes
    n = len(items)
    for k in range(1, n + 1):
        per = math.ceil(n / k)
        if per > max_items:
            continue
        chunks = [items[round(i * n / k): round((i + 1) * n / k)] for i in range(k)]
        found = [ctx.largest_fit(_first_no_space(c), preferred, box) for c in chunks]
        if all(f is not None for f in found):
            size = min(found)
            return [(_first_no_space(c), size, ()) for c in chunks]
    # one paragraph per slide and still too long: the floor, then a warning
    out = []
    for it in items:
        c = _first_no_space([it])
        size = ctx.largest_fit(c, sizes, box)
        problems: tuple = ()
        if size is None:
            size = sizes[-1]
            problems = (Problem(loc.file, loc.line, loc.col, f"{where}: ‘{it.plain[:60]}…’ does not fit its placeholder "
                                f"even at {size} pt — shorten it", "deck.fit", "warning"),)
        out.append((c, size, problems))
    return out


def _first_no_space(chunk: Sequence[PlanPara]) -> list[PlanPara]:
    return [replace(p, space_before=0.0) if i == 0 else p for i, p in enumerate(chunk)]


def _merge_prose(chunk: Sequence[PlanPara]) -> tuple[PlanPara, ...]:
    """Sentences packed one per item are written back as one paragraph per original paragraph."""
    out: list[PlanPara] = []
    for p in chunk:
        if out and p.level == out[-1].level and not p.space_before:
            prev = out[-1]
            out[-1] = replace(prev, spans=prev.spans + (Span(" "),) + p.spans)
        else:
            out.append(p)
    return tuple(out)


def continued(title: str, i: int, L: Mapping[str, str]) -> str:
    return title if i == 0 else f"{title} {L['continued']}"


# -- the slides -----------------------------------------------------------------------------------
def _bullets_slides(ctx: _Ctx, *, kind: str, role: str, title: str, items: Sequence[PlanPara], notes: str,
                    section_id: Optional[str] = None, max_items: Optional[int] = None,
                    short_title: Optional[str] = None, loc: Loc = NOWHERE) -> list[SlidePlan]:
    """Bullets over as many slides as they need. A statement title that a small title box cannot hold
    (at the smallest title size, even grown) gives way to ``short_title`` and leads the body instead."""
    box = ctx.box(role, "body")
    lead: list[PlanPara] = []
    if (short_title and box is not None and ctx.one_line_title_box(role)
            and ctx.fit_title([title], role, ctx.sizes["title"]) is None):
        lead = [PlanPara((Span(title, bold=True),), bullet=False)]
        size = ctx.largest_fit(lead, ctx.sizes["body"], box) or ctx.sizes["body"][-1]
        lead = [replace(lead[0], size=size)]
        used = ctx.m.height_pt(ctx.measure_paras(lead), size, box) + ctx.space
        box = replace(box, height=box.height - used / 72)
        title = short_title
    chunks = pack(ctx, items, box, ctx.sizes["body"], max_items or ctx.max_bullets, f"‘{title}’", loc)
    out = []
    for i, (chunk, size, problems) in enumerate(chunks):
        t = continued(title, i, ctx.L)
        tsize, theight = ctx.title(t, role, ctx.sizes["title"], loc)
        paras = tuple(lead) + tuple(replace(p, space_before=ctx.space) if lead and j == 0 else p
                                    for j, p in enumerate(chunk))
        out.append(SlidePlan(role=role, kind=kind, title=t, title_size=tsize, title_height=theight,
                             blocks=(("body", TextBlock(paras, size)),), notes=notes,
                             section_id=section_id, footer=ctx.footer, loc=loc, problems=ctx.take() + problems))
    return out


def _bullet(ctx: _Ctx, spans: Sequence[Span]) -> PlanPara:
    return PlanPara(tuple(spans), bullet=True, space_before=ctx.space)


def title_slide(ctx: _Ctx) -> SlidePlan:
    doc, ev, view = ctx.doc, ctx.doc.event, ctx.view
    sizes = [ctx.title_slide - 4 * i for i in range(5)]  # 40 … 24: template title boxes can be small
    title, sub = ev.title, []
    hit = ctx.fit_title([title], "title", sizes)
    short = doc.meta.short_title
    if hit is None and short and short != title and ctx.fit_title([short], "title", sizes):
        # a one-line title box (LibreOffice templates): the short title there, the full one leads the subtitle
        hit = ctx.fit_title([short], "title", sizes)
        title = short
        sub = [PlanPara((Span(ev.title, bold=True),), bullet=False)]
    if hit is None:
        tsize, theight = ctx.title(title, "title", sizes, ev.loc)
    else:
        tsize, theight = hit[1], hit[2]
    # everyone in `people`: contributors by name and affiliation, then those who lead ("Chair: ...")
    details = []
    for g in view.people_groups:
        if g.hosts:
            line = f"{g.label}{ctx.L['colon']}{', '.join(p.name for p in g.people)}"
            details.append(PlanPara((Span(line),), bullet=False))
        else:
            details += [PlanPara((Span(view.person_line(p), bold=True),), bullet=False) for p in g.people]
    details.append(PlanPara((Span(view.separator.join(x for x in (ev.organiser, ev.place, ev.date_text) if x)),), bullet=False))
    blocks = []
    sub += [PlanPara((Span(ev.subtitle),), bullet=False)] if ev.subtitle else []
    if ctx.box("title", "details") is None:  # template without a third placeholder: one block
        sub, details = sub + details, []
    if sub:
        size = None
        for bump in ((8, 4, 0) if title != ev.title else (0,)):  # a moved full title: larger than the rest
            trial = [replace(sub[0], size=ctx.subtitle + bump)] + sub[1:] if bump else sub
            size = ctx.largest_fit(trial, [ctx.subtitle, ctx.subtitle - 4, ctx.floor], ctx.box("title", "subtitle"))
            if size is not None:
                sub = trial
                break
        if size is None:
            size = ctx.floor
            ctx.warn(f"title slide: the subtitle does not fit its placeholder at {ctx.floor} pt — shorten the subtitle", ev.loc)
        blocks.append(("subtitle", TextBlock(tuple(sub), size)))
    if details:
        size = ctx.largest_fit(details, ctx.sizes["body"][1:], ctx.box("title", "details"))
        if size is None:
            size = ctx.sizes["body"][-1]
            ctx.warn(f"title slide: people and event details do not fit their placeholder at {size} pt", ev.loc)
        blocks.append(("details", TextBlock(tuple(details), size)))
    notes = [t.plain for t in (doc.preface, doc.summary) if t]
    if ev.url:
        notes.append(ev.url)
    return SlidePlan(role="title", kind="title", title=title, title_size=tsize, title_height=theight,
                     blocks=tuple(blocks), notes="\n\n".join(notes), loc=ev.loc, problems=ctx.take())


def agenda_slides(ctx: _Ctx) -> list[SlidePlan]:
    items = [_bullet(ctx, [Span(s.title)]) for s in ctx.doc.sections]
    notes = f"{ctx.L['summary']}{ctx.L['colon']}{ctx.doc.summary.plain}"
    return _bullets_slides(ctx, kind="agenda", role="content", title=ctx.L["agenda"], items=items, notes=notes,
                           max_items=max(ctx.max_bullets, 8), loc=ctx.doc.sections[0].loc)


def key_message_slides(ctx: _Ctx) -> list[SlidePlan]:
    items = [_bullet(ctx, t.spans) for t in ctx.doc.key_messages]
    notes = plain_paras(ctx.doc.key_messages) + "\n\n" + ctx.doc.summary.plain
    return _bullets_slides(ctx, kind="key-messages", role="content", title=ctx.L["key_messages"],
                           items=items, notes=notes, loc=ctx.doc.key_messages[0].loc)


def section_slides(ctx: _Ctx, n: int, total: int) -> list[SlidePlan]:
    sec = ctx.doc.sections[n - 1]
    part = ctx.L["part"].format(n=n, total=total)
    tsize, theight = ctx.title(sec.title, "section", [ctx.section_size, ctx.section_size - 6, 30, 28, 24], sec.loc)
    out = [SlidePlan(role="section", kind="section", title=sec.title, title_size=tsize, title_height=theight,
                     blocks=(("body", TextBlock((PlanPara((Span(part),), bullet=False),), ctx.sizes["body"][0])),),
                     notes=f"{part}{ctx.L['colon']}{sec.title}. {sec.slide_title}".strip(), section_id=sec.id,
                     footer=ctx.footer, loc=sec.loc, problems=ctx.take())]
    if sec.bullets:
        items = [_bullet(ctx, b.spans) for b in sec.bullets]
    else:
        items = [_bullet(ctx, [Span(derive_bullet(p.plain, ctx.bullet_words))]) for p in sec.paragraphs if p]
    prose = plain_paras(sec.paragraphs)
    if sec.speakers:
        prose = f"{', '.join(p.name for p in sec.speakers)}:\n\n{prose}"
    if items:
        out += _bullets_slides(ctx, kind="content", role="content", title=sec.slide_title or sec.title,
                               items=items, notes=prose, section_id=sec.id, loc=sec.loc,
                               short_title=sec.title if sec.slide_title and sec.slide_title != sec.title else None)
    for fig in sec.figures:
        out.append(chart_slide(ctx, fig, sec.id))
    for q in ctx.view.quotes_for(sec):
        out += quote_slides(ctx, q)
    return out


def chart_slide(ctx: _Ctx, fig: Figure, section_id: Optional[str]) -> SlidePlan:
    # the heading: the figure's own title when it has one (the docs' promise), else the caption,
    # which states the finding; on a small title box a clause of either, else the section's title
    # (the full caption opens the notes either way)
    caption = fig.caption.plain
    sec = next((s for s in ctx.doc.sections if s.id == section_id), None)
    own = fig.chart.title
    first = [own] + clause_cuts(own) if own else [caption] + clause_cuts(caption)
    hit = ctx.fit_title(first, "chart", ctx.sizes["title"])
    for others in ([caption] + clause_cuts(caption) if own else [], [sec.title] if sec else []):
        hit = hit or (ctx.fit_title(others, "chart", ctx.sizes["title"]) if others else None)
    if hit is None:
        title = min(first, key=len)
        tsize, theight = ctx.title(title, "chart", ctx.sizes["title"], fig.loc)
    else:
        title, tsize, theight = hit
    label = ctx.view.figure_label(fig)
    src = figure_source(ctx, fig)
    prov = fig.provenance
    notes = [f"{label}. {caption}", fig.alt]
    if fig.note:
        notes.append(fig.note.plain)
    notes.append(f"{ctx.L['notes_sources']}{ctx.L['colon']}{ctx.view.source_line(fig).plain}" + (f" {prov.url}" if prov.url else ""))
    # the source line: in the layout's source placeholder, else in the footer, else (a small footer,
    # LibreOffice templates) under the chart, which gives up the room; never below the source floor
    para = [PlanPara((Span(src),), bullet=False)]
    footer, blocks, chart_box, source_box = ctx.footer, (), None, None
    footer_size, footer_box = 0.0, None
    size = ctx.largest_fit(para, ctx.source_sizes, ctx.box("chart", "source")) if ctx.box("chart", "source") else None
    if size is not None:
        blocks = (("source", TextBlock(tuple(para), size)),)
    elif (fit := fit_footer(ctx, "chart", src, ctx.source_sizes)) is not None:
        footer, (footer_size, footer_box) = src, fit
    else:
        chart_box, source_box, size = _source_below(ctx, para)
        blocks = (("source_below", TextBlock(tuple(para), size)),)
    kind = KINDS.get(fig.chart.kind)
    native = kind.native_type(fig.chart) if (fig.editable and kind is not None) else None
    if fig.editable and native is None:
        ctx.warn(f"{label}: chart kind '{fig.chart.kind}' has no native PowerPoint chart; placed as a picture", fig.loc, "deck.native")
    return SlidePlan(role="chart", kind="chart", title=title, title_size=tsize, title_height=theight,
                     blocks=blocks, figure=fig, notes="\n\n".join(notes), section_id=section_id, footer=footer,
                     loc=fig.loc, problems=ctx.take(), native=native, chart_box=chart_box, source_box=source_box,
                     footer_size=footer_size, footer_box=footer_box)


def _source_below(ctx: _Ctx, para: list[PlanPara]) -> tuple[Box, Box, float]:
    """(chart box, source box, size): the source line set under the chart, in the chart's own area."""
    chart = ctx.box("chart", "chart")
    size = ctx.source_sizes[0]
    probe = replace(chart, inset_l=0.05, inset_r=0.05, inset_t=0.02, inset_b=0.02)
    height = (ctx.m.height_pt(ctx.measure_paras(para), size, probe) / 72) + probe.inset_t + probe.inset_b
    gap = 0.08
    chart_box = replace(chart, height=max(chart.height - height - gap, chart.height * 0.5))
    source_box = replace(probe, top=chart_box.top + chart_box.height + gap, height=height)
    return chart_box, source_box, size


def quote_slides(ctx: _Ctx, q) -> list[SlidePlan]:
    text = quoted(q.text.plain)
    who = f"— {ctx.view.person_line(q.speaker)}" if q.speaker else ""
    sec = next((s for s in ctx.doc.sections if s.id == q.section_id), None)
    # a title of its own (its section, its speaker), so a screen reader's slide list tells quote slides apart
    topic = sec.title if sec is not None else ctx.doc.event.title
    title = ctx.L["quote_by"].format(topic=topic, name=q.speaker.name) if q.speaker else ctx.L["quote_on"].format(topic=topic)
    body = [PlanPara((Span(text, italic=True),), bullet=False)]
    attribution = [PlanPara((Span(who),), bullet=False)] if who else []
    if attribution and ctx.box("quote", "attribution") is None:  # one placeholder: a smaller last line
        body, attribution = body + [PlanPara((Span(who),), bullet=False, space_before=ctx.space * 1.5,
                                             size=ctx.attribution, align="r")], []
    size = ctx.largest_fit(body, ctx.sizes["quote"], ctx.box("quote", "body"))
    if size is None:
        size = ctx.sizes["quote"][-1]
        ctx.warn(f"quote ‘{text[:50]}…’ does not fit its placeholder at {size} pt — shorten the quote", q.loc)
    blocks = [("body", TextBlock(tuple(body), size))]
    if attribution:
        blocks.append(("attribution", TextBlock(tuple(attribution), ctx.attribution)))
    notes = f"{text} {who}".strip()
    hit = ctx.fit_title([title, ctx.L["quote"]], "quote", [ctx.attribution + 4, ctx.attribution])
    if hit is None:
        tsize, theight = ctx.title(title, "quote", [ctx.attribution + 4, ctx.attribution], q.loc)
    else:
        title, tsize, theight = hit
    return [SlidePlan(role="quote", kind="quote", title=title, title_size=tsize, title_height=theight,
                      blocks=tuple(blocks), notes=notes, section_id=q.section_id, footer=ctx.footer,
                      loc=q.loc, problems=ctx.take())]


def recommendation_slides(ctx: _Ctx) -> list[SlidePlan]:
    recs = ctx.doc.recommendations
    if not recs:
        return []
    # short recommendations go on the slide whole (bold lead, text); long ones by their lead alone
    # (a short imperative line), so no bullet runs to four lines; the notes carry the full text
    full = [_bullet(ctx, ((Span(_lead(r.lead, ctx.L), bold=True),) if r.lead.strip() else ()) + r.text.spans)
            for r in recs]
    short = all(len(p.plain.split()) <= 2 * ctx.bullet_words for p in full)
    if short and len(pack(_Ctx.quiet(ctx), full, ctx.box("content", "body"), ctx.sizes["body"], ctx.max_bullets, "")) == 1:
        items = full
    else:
        items = [_bullet(ctx, [Span(r.lead.strip().rstrip(".:"))] if r.lead.strip()
                         else [Span(derive_bullet(r.text.plain, ctx.bullet_words))]) for r in recs]
    notes = "\n\n".join(f"{_lead(r.lead, ctx.L)}{r.text.plain}" if r.lead.strip() else r.text.plain for r in recs)
    return _bullets_slides(ctx, kind="recommendations", role="content", title=ctx.L["recommendations"],
                           items=items, notes=notes, loc=recs[0].loc)


def _lead(lead: str, L: Mapping[str, str]) -> str:
    return lead + (" " if lead.rstrip()[-1:] in ".:!?" else L["colon"])


def speaker_slides(ctx: _Ctx) -> list[SlidePlan]:
    """About the people: everyone in `people`, with their part, titles, affiliation and bio."""
    view = ctx.view
    people = ctx.doc.people
    title = view.about_label
    out = []
    for p in people:
        left = [PlanPara((Span(p.name, bold=True),), bullet=False)]
        if not view.single_speaker_event:
            left.append(PlanPara((Span(view.role_label(p)),), bullet=False, space_before=ctx.space))
        left += [PlanPara((Span(t),), bullet=False, space_before=ctx.space) for t in p.titles]
        if p.affiliations:
            left.append(PlanPara((Span(view.affiliation(p)),), bullet=False, space_before=ctx.space))
        role = "two-content" if ctx.box("two-content", "body2") is not None else "content"
        # the bio, sentence by sentence so it can split; merged back into paragraphs when written
        bio_items = []
        for j, s in enumerate(sentences(p.bio.plain)):
            bio_items.append(PlanPara((Span(s),), bullet=False, space_before=ctx.space if j == 0 else 0.0))
        if role == "content":
            bio_items = left + bio_items
            left = []
        chunks = pack(ctx, bio_items, ctx.box(role, "body2" if left else "body"), ctx.sizes["body"], 99, f"‘{title}’", p.loc)
        lsize = ctx.largest_fit(left, ctx.sizes["body"], ctx.box(role, "body")) or ctx.sizes["body"][-1]
        common = min([lsize] + [size for _, size, _ in chunks])  # both columns in one size
        for i, (chunk, size, problems) in enumerate(chunks):
            t = continued(title, i, ctx.L)
            blocks = [("body", TextBlock(tuple(left), common))] if left else []
            blocks.append(("body2" if left else "body", TextBlock(_merge_prose(chunk), common if left else size)))
            tsize, theight = ctx.title(t, role, ctx.sizes["title"], p.loc)
            titles = "; ".join(p.titles)
            notes = f"{view.person_line(p)}{' (' + view.role_label(p) + ')' if not view.single_speaker_event else ''}. {titles}"
            out.append(SlidePlan(role=role, kind="speaker", title=t, title_size=tsize, title_height=theight,
                                 blocks=tuple(blocks), notes=f"{notes}\n\n{p.bio.plain}".strip(),
                                 footer=ctx.footer, loc=p.loc, problems=ctx.take() + problems))
    return out


def sources_slides(ctx: _Ctx) -> list[SlidePlan]:
    items, notes = [], []
    box = ctx.box("closing", "body")
    line = (box.text_width_pt - ctx.indent * 72) if box else None
    for r in ctx.doc.references:
        head = ", ".join(x for x in (r.publisher, r.date_text) if x)
        # LibreOffice lays a hyperlink out as one unbreakable field (a long one breaks mid-word), so
        # only a title that fits on one line is linked; every URL is in the notes
        linked = r.url if line is None or ctx.m.width_pt(r.title, ctx.sizes["body"][0]) <= line else None
        spans = (Span(r.title, italic=True, href=linked),) + ((Span(f" — {head}"),) if head else ())
        items.append(PlanPara(spans, bullet=True, space_before=ctx.space / 2))
        notes.append(" ".join(x for x in (r.title, head, r.url or "", r.note) if x))
    for fig in ctx.doc.figures:
        src = figure_source(ctx, fig)
        items.append(PlanPara((Span(src),), bullet=True, space_before=ctx.space / 2))
        notes.append(" ".join(x for x in (src, fig.provenance.url or "") if x))
    notes.append(ctx.view.citation.plain)
    if not items:
        return []
    loc = ctx.doc.references[0].loc if ctx.doc.references else ctx.doc.figures[0].loc
    return _bullets_slides(ctx, kind="sources", role="closing", title=ctx.L["sources"], items=items,
                           notes="\n\n".join(notes), max_items=8, loc=loc)


def fit_footer(ctx: _Ctx, role: str, text: str, sizes: Sequence[float]) -> Optional[tuple[float, Optional[Box]]]:
    """(size, widened box or None) at which ``text`` fits the role's footer placeholder: its own box
    first, then the box widened over the date placeholder on its row (the deck leaves dates empty)."""
    fbox = ctx.box(role, "footer")
    if fbox is None:
        return None
    dbox = ctx.box(role, "date")
    wide = None
    if dbox is not None and dbox.left < fbox.left and abs(dbox.top - fbox.top) < 0.2:
        wide = replace(fbox, left=dbox.left, width=fbox.left + fbox.width - dbox.left)
    para = ctx.measure_paras([PlanPara((Span(text),), bullet=False)])
    for b in (fbox, wide) if wide else (fbox,):
        size = next((z for z in sizes if ctx.m.fits(para, z, b)), None)
        if size is not None:
            return size, (None if b is fbox else b)
    return None


def plan_footers(ctx: _Ctx, slides: list[SlidePlan]) -> list[SlidePlan]:
    """The footer's type size on each slide (a chart's source line in the footer is sized already)."""
    out = []
    for sp in slides:
        if sp.footer is None or sp.footer_size:
            out.append(sp)
            continue
        if ctx.box(sp.role, "footer") is None:
            out.append(replace(sp, footer_size=ctx.footer_sizes[0]))
            continue
        fit = fit_footer(ctx, sp.role, sp.footer, ctx.footer_sizes)
        if fit is None:
            problem = Problem(sp.loc.file, sp.loc.line, sp.loc.col, f"footer ‘{sp.footer[:50]}’ does not fit its "
                              f"placeholder at {ctx.footer_sizes[-1]} pt — shorten meta.short_title", "deck.fit", "warning")
            out.append(replace(sp, footer_size=ctx.footer_sizes[-1], problems=sp.problems + (problem,)))
        else:
            out.append(replace(sp, footer_size=fit[0], footer_box=fit[1]))
    return out


def distinct_titles(slides: list[SlidePlan], L: Mapping[str, str]) -> list[SlidePlan]:
    """No two slides share a title (a screen reader's slide list must tell them apart): a repeat
    gets its number, "(2)", "(3)"."""
    seen: dict[str, int] = {}
    out = []
    for sp in slides:
        n = seen.get(sp.title, 0) + 1
        seen[sp.title] = n
        out.append(sp if n == 1 else replace(sp, title=f"{sp.title} ({n})"))
    return out


def plan_deck(view: View, *, theme, measurer: Measurer, geometry: Geometry,
              grow: Collection[str] = ROLES) -> DeckPlan:
    """``grow``: roles whose title box may grow down into free space when a title needs two lines."""
    ctx = _Ctx(view, theme, measurer, geometry, grow)
    doc = view.doc
    slides: list[SlidePlan] = [title_slide(ctx)]
    slides += agenda_slides(ctx)
    slides += key_message_slides(ctx)
    total = len(doc.sections)
    for n in range(1, total + 1):
        slides += section_slides(ctx, n, total)
    slides += recommendation_slides(ctx)
    slides += speaker_slides(ctx)
    slides += sources_slides(ctx)
    slides = distinct_titles(plan_footers(ctx, slides), ctx.L)
    numbered = tuple(replace(s, number=i) for i, s in enumerate(slides, 1))
    return DeckPlan(numbered, _numbered_warnings(numbered))


def _numbered_warnings(slides) -> tuple[Problem, ...]:
    return tuple(replace(p, message=f"slide {s.number}: {p.message}") for s in slides for p in s.problems)


def select(plan: DeckPlan, spec: Optional[str]) -> DeckPlan:
    """Slides "1-3,7" as numbered in the full deck, or a section id -> that section's slides."""
    if not spec:
        return plan
    spec = spec.strip()
    ids = {s.section_id for s in plan.slides if s.section_id}
    if spec in ids:
        chosen = tuple(s for s in plan.slides if s.section_id == spec)
        return replace(plan, slides=chosen, warnings=_numbered_warnings(chosen))
    wanted: list[int] = []
    total = len(plan.slides)
    for part in spec.split(","):
        m = re.fullmatch(r"\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?", part)
        if not m:
            known = ", ".join(sorted(ids)) or "none"
            raise UsageError(f"--slides {spec!r}: '{part}' is neither a slide range like 1-3,7 nor a section id "
                             f"(sections: {known})")
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        if not (1 <= a <= b <= total):
            raise UsageError(f"--slides {spec!r}: '{part.strip()}' is outside the deck's slides 1-{total}")
        wanted += [i for i in range(a, b + 1) if i not in wanted]
    chosen = tuple(plan.slides[i - 1] for i in sorted(wanted))
    return replace(plan, slides=chosen, warnings=_numbered_warnings(chosen))
