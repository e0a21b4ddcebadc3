"""Document -> DeckPlan: which slides, on which layout, with which text. Pure: no files.

The planner decides everything a reader sees (titles, bullets, their type size, how a long list
splits over slides, the notes behind each slide); the writer only puts the plan into placeholders.
Text is measured against the real placeholder boxes of the template in use (``geometry``: for each
role, the layouts that can serve it, best first), in the typeface each box is set in, so what fits
here fits on the slide. Nothing is planned that does not fit: text that does not fit one slide at
the smallest size splits, moves to a layout that holds it, or is condensed on the slide with the
whole of it in the notes.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Mapping, Optional, Sequence

from ...charts.registry import KINDS
from ...errors import Problem, UsageError
from ...model import NOWHERE, Figure, Loc, Span, Text
from ...present import View
from ...present.outline import (ColophonPart, FigurePart, KeyMessagesPart, OpeningPart, PeoplePart, PersonEntry, QuotePart,
                                ReadingPlan, RecommendationsPart, ReferencesPart, SectionPart, TitlePart)
from .fit import Box, Measurer, Para

Geometry = Mapping[str, Sequence[Mapping[str, Box]]]  # role -> variants (best first) -> slot -> box
ROLES = ("title", "section", "content", "two-content", "chart", "quote", "closing")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "no", "vs", "etc", "e.g", "i.e", "hon", "gen", "col", "lt",
                  "sen", "rep", "gov", "jr", "sr", "u.s", "u.k", "u.n", "mme", "m", "me", "art", "p", "pp", "fig", "vol"}


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
    variant: int = 0  # which of the role's layouts (TemplateInfo.roles[role][variant])
    titles: tuple[str, ...] = ()  # other titles that fit, shortest last (to tell two slides apart)
    tag: str = ""  # what tells this slide from another of the same title ("Figure 2", a speaker's name)

    def block(self, slot: str) -> Optional[TextBlock]:
        return dict(self.blocks).get(slot)

    @property
    def text(self) -> str:
        return "\n".join([self.title] + [b.plain for _, b in self.blocks])


@dataclass(frozen=True)
class DeckPlan:
    slides: tuple[SlidePlan, ...]
    warnings: tuple[Problem, ...] = field(default=())  # every slide's problems, "slide N: ..." and located


def measure_paras(paras: Sequence[PlanPara], indent: float) -> list[Para]:
    """Paragraphs as the measurer takes them: a hyperlinked span is one unbreakable field (LibreOffice),
    a bullet hangs by ``indent`` inches."""
    return [Para(tuple((s.text, s.bold, bool(s.href), s.italic) for s in p.spans), indent if p.bullet else 0.0,
                 p.space_before, p.size) for p in paras]


class _Ctx:
    """What the planning functions share: settings, measuring, words, pending warnings."""

    def __init__(self, view: View, theme, measurer: Measurer, geometry: Geometry, charts=None):
        self.view, self.doc, self.m, self.geo = view, view.doc, measurer, geometry
        self.charts = charts  # the chart service: splits a figure that cannot be drawn whole on one slide
        g = theme.get
        self.sizes = {k: g(f"deck.type.{k}") for k in ("title", "body", "quote")}
        self.body_short = g("deck.type.body_short")  # larger sizes a short list may take
        self.title_last = g("deck.type.title_last_resort")
        self.title_slide, self.subtitle = g("deck.type.title_slide"), g("deck.type.subtitle")
        self.section_size = g("deck.type.section")
        self.attribution = g("deck.type.attribution")
        self.space = g("deck.type.space_before")
        self.max_bullets = g("deck.limits.bullets_per_slide")
        self.bullet_words = g("deck.limits.bullet_words")
        self.bio_words = g("deck.limits.bio_words")
        self.people_per_slide = g("deck.limits.people_per_slide")
        self.divider_slides = g("deck.limits.divider_min_slides")
        self.safety = g("deck.limits.fit_safety")
        self.indent = g("deck.type.bullet_indent_in")  # the hanging indent the writer sets on bullets
        self.floor = g("deck.type.body")[-1]  # no body text below this
        self.footer_sizes = g("deck.type.footer_sizes")
        self.source_sizes = g("deck.type.source_sizes")  # a chart's source line: never smaller than the last
        self.L = {**view.locale.section("shared"), **view.locale.section("deck")}
        self.footer = view.footer
        self.pending: list[Problem] = []  # warnings for the next slide planned
        self.cut_titles: dict[str, str] = {}  # a title cut to fit its box -> the whole title (into the notes)

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

    def variants(self, role: str) -> int:
        return max(1, len(self.geo.get(role, ())))

    def box(self, role: str, slot: str, variant: int = 0) -> Optional[Box]:
        vs = self.geo.get(role, ())
        if not vs:
            return None
        return vs[min(variant, len(vs) - 1)].get(slot)

    def measure_paras(self, paras: Sequence[PlanPara]) -> list[Para]:
        return measure_paras(paras, self.indent)

    def fits(self, paras: Sequence[PlanPara], size: float, box: Box) -> bool:
        return self.m.fits(self.measure_paras(paras), size, box, self.safety)

    def height_in(self, paras: Sequence[PlanPara], size: float, box: Box) -> float:
        return self.m.height_pt(self.measure_paras(paras), size, box) / 72

    def largest_fit(self, paras: Sequence[PlanPara], sizes: Sequence[float], box: Optional[Box]) -> Optional[float]:
        if box is None:
            return sizes[0]
        return next((s for s in sizes if self.fits(paras, s, box)), None)

    def grown_title_box(self, role: str, variant: int = 0) -> Optional[Box]:
        """The title box extended down into the space the template analysis found readable below it."""
        return self.box(role, "title_grow", variant)

    def title_sizes(self, sizes: Sequence[float]) -> list[float]:
        return list(sizes) + [s for s in self.title_last if s < sizes[-1]]

    def fit_title(self, candidates: Sequence[str], role: str, sizes: Sequence[float],
                  variant: int = 0) -> Optional[tuple[str, float, Optional[float]]]:
        """(text, size, grown height) of the first candidate (the fullest) that fits: in the template's own
        box at any of the sizes before a grown box (a one-line title stays on its band). None if none fits."""
        box = self.box(role, "title", variant)
        if box is None:
            return candidates[0], sizes[0], None
        grown = self.grown_title_box(role, variant)
        boxes = ((box, None),) + (((grown, grown.height),) if grown else ())
        for text in candidates:
            for b, height in boxes:
                for size in sizes:
                    if self.fits([PlanPara((Span(text, bold=True),), bullet=False)], size, b):
                        return text, size, height
        return None

    def one_line_title_box(self, role: str, variant: int = 0) -> bool:
        """A template's title box that holds one line at the smallest title size: made for labels
        ("Agenda"), not statements (LibreOffice templates). There a statement title that fits no way
        moves to the body."""
        box = self.box(role, "title", variant)
        grown = self.grown_title_box(role, variant)
        small = self.sizes["title"][-1]
        tall = max(box.text_height_pt if box else 0, grown.text_height_pt if grown else 0)
        return box is not None and tall * self.safety < 2 * self.m.line_height_pt(small)

    def title(self, title: str, role: str, sizes: Sequence[float], loc: Loc = NOWHERE,
              variant: int = 0) -> tuple[str, float, Optional[float]]:
        """(text, size, grown height) for a title that should be kept as it is: at a last-resort size if
        need be, else cut at a clause or a word (the full title is in the notes)."""
        hit = self.fit_title([title], role, sizes, variant) or self.fit_title([title], role, self.title_sizes(sizes), variant)
        if hit is not None:
            return hit
        shorter = clause_cuts(title) + word_cuts(title)
        hit = self.fit_title(shorter, role, self.title_sizes(sizes), variant) if shorter else None
        if hit is None:
            grown = self.grown_title_box(role, variant)
            hit = (shorter[-1] if shorter else title, self.title_sizes(sizes)[-1], (grown.height if grown else None))
        self.cut_titles[hit[0]] = title
        self.warn(f"title ‘{_short(title)}’ does not fit its placeholder even at {self.title_sizes(sizes)[-1]} pt: "
                  f"the slide shows ‘{_short(hit[0])}’, the notes the whole title — shorten it", loc)
        return hit


# -- text helpers ------------------------------------------------------------------------------
def _short(text: str, n: int = 60) -> str:
    """A text for a message: at most ``n`` characters, cut at a word."""
    if len(text) <= n:
        return text
    return text[:n].rsplit(" ", 1)[0].rstrip(" ,;:…") + " …"


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph: split after . ! ? … before a capital or digit, but not after an initial
    ("Christopher H. Smith") or a common abbreviation ("Dr.", "U.S.")."""
    text = " ".join(text.split())
    out, start = [], 0
    for m in re.finditer(r"[.!?…][”’\"»)]*\s+(?=[«“‘\"(]?[A-Z0-9À-Ý])", text):
        head = text[start:m.start() + 1]
        last = re.search(r"(\S+)$", head[:-1] if head.endswith(".") else head)
        word = last.group(1).rstrip(".").lower() if last else ""
        if head.endswith(".") and (re.fullmatch(r"[A-Za-z]", word or "") or word in _ABBREVIATIONS
                                   or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word)):
            continue
        out.append(text[start:m.end()].strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


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


def condensed(text: str, max_words: int) -> str:
    """Whole sentences from the start of ``text`` within ``max_words`` (at least the first, cut at a
    clause if it alone is longer)."""
    parts = sentences(text)
    if not parts:
        return ""
    out, n = [], 0
    for s in parts:
        w = len(s.split())
        if out and n + w > max_words:
            break
        out.append(s)
        n += w
    return " ".join(out) if n <= max_words else derive_bullet(out[0], max_words)


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


def word_cuts(text: str) -> list[str]:
    """The last resort for a title no box holds: cut at a word, marked with an ellipsis, longest first."""
    words = text.split()
    return [" ".join(words[:n]).rstrip(",;:–—") + " …" for n in range(len(words) - 1, 1, -1)]


def plain_paras(texts: Sequence[Text]) -> str:
    return "\n\n".join(t.plain.strip() for t in texts if t)


# -- packing: split a list of paragraphs across as few slides as the box allows ----------------
def pack(ctx: _Ctx, items: Sequence[PlanPara], box: Optional[Box], sizes: Sequence[float],
         max_items: int, where: str, loc: Loc = NOWHERE) -> list[tuple[list[PlanPara], float, tuple]]:
    """Even, contiguous chunks at the largest common size >= the second-smallest size.

    The smallest size (the 18 pt floor) is used only for a paragraph that fits no other way; a
    paragraph too long for the box even then is split at its sentences, and a sentence at its
    words, over as many slides as it needs: nothing is planned that does not fit.
    """
    items = list(items)
    if not items:
        return [([], sizes[0], ())]
    if box is not None:
        items = [part for it in items for part in _fitting_parts(ctx, it, box, sizes[-1])]
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
    # chunks of one paragraph each, each at the largest size it fits (the floor at least: see above)
    out = []
    for it in items:
        c = _first_no_space([it])
        size = ctx.largest_fit(c, sizes, box) or sizes[-1]
        out.append((c, size, ()))
    return out


def _fitting_parts(ctx: _Ctx, item: PlanPara, box: Box, floor: float) -> list[PlanPara]:
    """``item`` as it is when it fits the box alone at ``floor``, else split at sentences, then words."""
    if ctx.fits([replace(item, space_before=0.0)], floor, box):
        return [item]
    text = item.plain
    parts = sentences(text)
    if len(parts) <= 1:
        parts = _word_chunks(ctx, item, box, floor)
        if len(parts) <= 1:
            return [item]
    out = []
    for j, s in enumerate(parts):
        piece = replace(item, spans=(Span(s, bold=all(x.bold for x in item.spans), italic=all(x.italic for x in item.spans)),),
                        space_before=item.space_before if j == 0 else 0.0, bullet=item.bullet and j == 0)
        out += _fitting_parts(ctx, piece, box, floor) if len(parts) > 1 and s != text else [piece]
    return out


def _word_chunks(ctx: _Ctx, item: PlanPara, box: Box, floor: float) -> list[str]:
    words = item.plain.split()
    chunks, cur = [], []
    for w in words:
        trial = cur + [w]
        if cur and not ctx.fits([replace(item, spans=(Span(" ".join(trial)),), space_before=0.0)], floor, box):
            chunks.append(" ".join(cur))
            cur = [w]
        else:
            cur = trial
    if cur:
        chunks.append(" ".join(cur))
    return chunks


def _first_no_space(chunk: Sequence[PlanPara]) -> list[PlanPara]:
    return [replace(p, space_before=0.0) if i == 0 else p for i, p in enumerate(chunk)]


def _merge_prose(chunk: Sequence[PlanPara]) -> tuple[PlanPara, ...]:
    """Sentences packed one per item are written back as one paragraph per original paragraph."""
    out: list[PlanPara] = []
    for p in chunk:
        if out and p.level == out[-1].level and not p.space_before and not p.bullet:
            prev = out[-1]
            out[-1] = replace(prev, spans=prev.spans + (Span(" "),) + p.spans)
        else:
            out.append(p)
    return tuple(out)


def continued(title: str, i: int, total: int, L: Mapping[str, str]) -> str:
    """The title of the i-th (0-based) of ``total`` slides of one list: "Sources", "Sources (continued)";
    with three or more, "Sources (2 of 3)"."""
    if i == 0:
        return title
    return f"{title} {L['continued']}" if total == 2 else f"{title} {L['continued_n'].format(n=i + 1, total=total)}"


# -- the slides -----------------------------------------------------------------------------------
def _bullets_slides(ctx: _Ctx, *, kind: str, role: str, title: str, items: Sequence[PlanPara], notes: str,
                    section_id: Optional[str] = None, max_items: Optional[int] = None,
                    short_title: Optional[str] = None, loc: Loc = NOWHERE, variant: int = 0) -> list[SlidePlan]:
    """Bullets over as many slides as they need. A statement title that a small title box cannot hold
    (at the smallest title size, even grown) gives way to ``short_title`` and leads the body instead.
    A short list that fits one slide may take a larger type size."""
    box = ctx.box(role, "body", variant)
    lead: list[PlanPara] = []
    if (short_title and box is not None and ctx.one_line_title_box(role, variant)
            and ctx.fit_title([title], role, ctx.sizes["title"], variant) is None):
        lead = [PlanPara((Span(title, bold=True),), bullet=False)]
        size = ctx.largest_fit(lead, ctx.sizes["body"], box) or ctx.sizes["body"][-1]
        lead = [replace(lead[0], size=size)]
        used = ctx.m.height_pt(ctx.measure_paras(lead), size, box) + ctx.space
        box = replace(box, height=box.height - used / 72)
        title = short_title
    limit = max_items or ctx.max_bullets
    chunks = None
    if len(items) <= 5 and box is not None:
        size = ctx.largest_fit(_first_no_space(items), ctx.body_short, box)
        if size is not None:
            chunks = [(_first_no_space(items), size, ())]
    if chunks is None:
        chunks = pack(ctx, items, box, ctx.sizes["body"], limit, f"‘{title}’", loc)
    out = []
    for i, (chunk, size, problems) in enumerate(chunks):
        t, tsize, theight = ctx.title(continued(title, i, len(chunks), ctx.L), role, ctx.sizes["title"], loc, variant)
        paras = tuple(lead) + tuple(replace(p, space_before=ctx.space) if lead and j == 0 else p
                                    for j, p in enumerate(chunk))
        out.append(SlidePlan(role=role, kind=kind, title=t, title_size=tsize, title_height=theight,
                             blocks=(("body", TextBlock(paras, size)),), notes=notes, variant=variant,
                             section_id=section_id, footer=ctx.footer, loc=loc, problems=ctx.take() + problems))
    return out


def _bullet(ctx: _Ctx, spans: Sequence[Span]) -> PlanPara:
    return PlanPara(tuple(spans), bullet=True, space_before=ctx.space)


def title_slide(ctx: _Ctx, part: TitlePart, opening: Optional[OpeningPart]) -> SlidePlan:
    """The full title in the title box, the subtitle, people and event below it, on the first of the
    template's title layouts where it all fits; else with less on the slide (all of it in the notes)."""
    doc, view = ctx.doc, ctx.view
    sizes = [ctx.title_slide - 4 * i for i in range(5)]  # 40 … 24: template title boxes can be small
    people_full = [PlanPara(line.full.spans, bullet=False) for line in part.people]
    people_short = [PlanPara(line.short.spans, bullet=False) for line in part.people]
    event = PlanPara((Span(part.event_line(under_series=False)),), bullet=False)  # no series line on a slide
    subtitle = [PlanPara((Span(part.subtitle),), bullet=False)] if part.subtitle else []
    short = doc.meta.short_title
    # what the slide may say, fullest first: everything; people by name only; the contributors alone;
    # without the subtitle; the title and the event line alone (the rest is in the notes then)
    contributors = [PlanPara(line.short.spans, bullet=False) for line in part.people if not line.hosts]
    contents = [(subtitle, people_full), (subtitle, people_short), (subtitle, contributors), ([], people_short),
                ([], contributors), (subtitle, []), ([], [])]
    plans = []  # (title rank + content rank, variant, title, fit, blocks, subtitle, people)
    for variant in range(ctx.variants("title")):
        full = ctx.fit_title([part.title], "title", sizes, variant)
        titles = [(0, part.title, full, [])] if full else []
        if short and short != part.title:
            hit = ctx.fit_title([short], "title", sizes, variant)
            if hit:  # a one-line title box: the short title there, the full one leads the subtitle
                titles.append((1, short, hit, [PlanPara((Span(part.title, bold=True),), bullet=False)]))
        for rank, title, hit, lead in titles:
            for k, (sub, people) in enumerate(contents):
                blocks = _title_blocks(ctx, variant, lead + sub, people + [event], bool(lead))
                if blocks is not None:
                    plans.append((rank + k, variant, title, hit, blocks, sub, people))
                    break
    plans.sort(key=lambda p: p[:2])
    notes = [t.plain for t in ((opening.preface, opening.summary) if opening else ()) if t]
    if part.url:
        notes.append(part.url)
    if not plans:  # no title layout holds even the title and the event line: title and event, split as need be
        title, tsize, theight = ctx.title(part.title, "title", sizes, part.loc)
        box = ctx.box("title", "subtitle")
        size = ctx.largest_fit([event], [ctx.subtitle, ctx.floor], box) or ctx.floor
        blocks = (("subtitle", TextBlock((event,), size)),)
        ctx.warn("title slide: the template's title layout holds only the title and the event line — the subtitle "
                 "and the people are in the notes", part.loc)
        return SlidePlan(role="title", kind="title", title=title, title_size=tsize, title_height=theight, blocks=blocks,
                         notes="\n\n".join([part.full_title] + notes), loc=part.loc, problems=ctx.take())
    _, variant, title, (_, tsize, theight), blocks, sub, people = plans[0]
    left_out = []
    if not sub and part.subtitle:
        left_out.append(part.subtitle)
    if [p.plain for p in people] != [p.plain for p in people_full]:
        left_out += [p.plain for p in people_full]
    return SlidePlan(role="title", kind="title", title=title, title_size=tsize, title_height=theight, variant=variant,
                     blocks=blocks, notes="\n\n".join(left_out + notes), loc=part.loc, problems=ctx.take())


def _title_blocks(ctx: _Ctx, variant: int, sub: list[PlanPara], details: list[PlanPara],
                  moved_title: bool) -> Optional[tuple]:
    """Subtitle and details blocks that fit the variant's boxes, or None."""
    sub_box, det_box = ctx.box("title", "subtitle", variant), ctx.box("title", "details", variant)
    if det_box is None:  # one placeholder for everything under the title
        sub, details = sub + details, []
    blocks = []
    if sub:
        size = None
        for bump in ((8, 4, 0) if moved_title else (0,)):  # a moved full title: larger than the rest
            trial = [replace(sub[0], size=ctx.subtitle + bump)] + sub[1:] if bump else sub
            size = ctx.largest_fit(trial, [ctx.subtitle, ctx.subtitle - 4, ctx.floor], sub_box)
            if size is not None:
                sub = trial
                break
        if size is None:
            return None
        blocks.append(("subtitle", TextBlock(tuple(sub), size)))
    if details:
        size = ctx.largest_fit(details, ctx.sizes["body"][1:], det_box)
        if size is None:
            return None
        blocks.append(("details", TextBlock(tuple(details), size)))
    return tuple(blocks)


def agenda_slides(ctx: _Ctx, sections: Sequence[SectionPart], opening: Optional[OpeningPart]) -> list[SlidePlan]:
    if len(sections) < 2:
        return []
    items = [_bullet(ctx, [Span(s.title)]) for s in sections]
    notes = f"{opening.label}{ctx.L['colon']}{opening.summary.plain}" if opening else ""
    return _bullets_slides(ctx, kind="agenda", role="content", title=ctx.L["agenda"], items=items, notes=notes,
                           max_items=max(ctx.max_bullets, 8), loc=sections[0].loc)


def key_message_slides(ctx: _Ctx, part: KeyMessagesPart, opening: Optional[OpeningPart]) -> list[SlidePlan]:
    items = [_bullet(ctx, t.spans) for t in part.items]
    notes = "\n\n".join(x for x in (plain_paras(part.items), opening.summary.plain if opening else "") if x)
    return _bullets_slides(ctx, kind="key-messages", role="content", title=part.label,
                           items=items, notes=notes, loc=part.loc)


def section_slides(ctx: _Ctx, sp: SectionPart) -> list[SlidePlan]:
    """A section's slides: its bullets, figures and quotes, behind a divider when the section is a part a
    lecturer would lift (several slides) or names who speaks in it (panels, hearings)."""
    sec = sp.section
    part = sp.part_label
    if sec.bullets:
        items = [_bullet(ctx, b.spans) for b in sec.bullets]
    else:
        items = [_bullet(ctx, [Span(derive_bullet(p.plain, ctx.bullet_words))]) for p in sp.paragraphs if p]
    prose = plain_paras(sp.paragraphs)
    who = list(sp.speakers)
    if who:
        prose = f"{'; '.join(who)}{ctx.L['colon'].rstrip()}\n\n{prose}"
    body: list[SlidePlan] = []
    if items:
        body += _bullets_slides(ctx, kind="content", role="content", title=sec.slide_title or sec.title,
                                items=items, notes=f"{part}{ctx.L['colon']}{sec.title}\n\n{prose}", section_id=sec.id,
                                loc=sec.loc, short_title=sec.title if sec.slide_title and sec.slide_title != sec.title else None)
    for fp in sp.figures:
        body += chart_slides(ctx, fp, sec.id)
    for q in sp.quotes:
        body += quote_slides(ctx, q, sp)
    if len(body) < ctx.divider_slides and not who and body:
        return body
    return [divider_slide(ctx, sec, part, who)] + body


def divider_slide(ctx: _Ctx, sec, part: str, who: Sequence[str]) -> SlidePlan:
    lines = [PlanPara((Span(part),), bullet=False)] + [PlanPara((Span(w),), bullet=False, space_before=ctx.space / 2) for w in who]
    sizes = [ctx.section_size, ctx.section_size - 6, 30, 28, 24]
    # the first of the template's section layouts that holds the whole title and the speakers
    variant = next((v for v in range(ctx.variants("section")) if ctx.fit_title([sec.title], "section", sizes, v)
                    and ctx.largest_fit(lines, ctx.sizes["body"], ctx.box("section", "body", v)) is not None), None)
    if variant is None:
        variant = next((v for v in range(ctx.variants("section")) if ctx.fit_title([sec.title], "section", sizes, v)), 0)
    title, tsize, theight = ctx.title(sec.title, "section", sizes, sec.loc, variant)
    box = ctx.box("section", "body", variant)
    size = ctx.largest_fit(lines, ctx.sizes["body"], box)
    while size is None and len(lines) > 1:  # the speakers' names with their roles are in the notes too
        lines = lines[:-1]
        size = ctx.largest_fit(lines, ctx.sizes["body"], box)
    notes = f"{part}{ctx.L['colon']}{sec.title}. {sec.slide_title}".strip()
    if who:
        notes += "\n\n" + "; ".join(who)
    blocks = (("body", TextBlock(tuple(lines), size)),) if size is not None else ()
    return SlidePlan(role="section", kind="section", title=title, title_size=tsize, title_height=theight,
                     blocks=blocks, variant=variant, notes=notes, section_id=sec.id, footer=ctx.footer, loc=sec.loc, problems=ctx.take())


def chart_slides(ctx: _Ctx, fp: FigurePart, section_id: Optional[str]) -> list[SlidePlan]:
    """The figure's chart slide; or, when its kind cannot draw it whole in the slide's chart box
    (a long timeline), one slide per part the chart service cuts it into, "(continued)", and a
    located warning for a part that still cannot be drawn whole."""
    before = list(ctx.pending)
    fig = fp.figure
    whole = chart_slide(ctx, fp, fig, section_id)
    if ctx.charts is None or not hasattr(ctx.charts, "parts"):
        return [whole]
    box = whole.chart_box or ctx.box("chart", "chart") or ctx.box("chart", "body")
    if box is None:
        return [whole]
    parts = ctx.charts.parts(fig, "slide", box.width, box.height)
    if len(parts) == 1 and parts[0].whole:
        return [whole]
    label = fp.label
    ctx.pending = before  # planned again, part by part
    out = []
    for i, part in enumerate(parts):
        if not part.whole:
            ctx.warn(f"{label}: {part.lost}", fig.loc, "deck.chart_fit")
        out.append(chart_slide(ctx, fp, replace(fig, chart=part.spec), section_id, part=i, parts=len(parts)))
    return out


def chart_slide(ctx: _Ctx, fp: FigurePart, fig: Figure, section_id: Optional[str], part: int = 0, parts: int = 1) -> SlidePlan:
    # the heading: the figure's own title when it has one (the docs' promise), else the caption,
    # which states the finding; on a small title box a clause of either, else the section's title
    # (the full caption opens the notes either way); after the first part of a split figure,
    # each with "(continued)"
    caption = fig.caption.plain
    sec = next((s for s in ctx.doc.sections if s.id == section_id), None)
    own = fig.chart.title

    def cont(titles: list[str]) -> list[str]:
        return [continued(t, part, parts, ctx.L) for t in titles]

    first = cont([own] + clause_cuts(own) if own else [caption] + clause_cuts(caption))
    hit = ctx.fit_title(first, "chart", ctx.sizes["title"])
    for others in (cont([caption] + clause_cuts(caption)) if own else [], cont([sec.title]) if sec else []):
        hit = hit or (ctx.fit_title(others, "chart", ctx.sizes["title"]) if others else None)
    if hit is None:
        title, tsize, theight = ctx.title(min(first, key=len), "chart", ctx.sizes["title"], fig.loc)
    else:
        title, tsize, theight = hit
    label = continued(fp.label, part, parts, ctx.L)
    alternatives = tuple(t for t in [f"{title} ({label})", label] if ctx.fit_title([t], "chart", ctx.title_sizes(ctx.sizes["title"])))
    src = fp.labelled_source
    prov = fig.provenance
    notes = [f"{label}. {caption}", fig.alt]
    if fig.note:
        notes.append(fig.note.plain)
    notes.append(f"{ctx.L['notes_sources']}{ctx.L['colon']}{fp.source_line.plain}" + (f" {prov.url}" if prov.url else ""))
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
                     footer_size=footer_size, footer_box=footer_box, titles=alternatives, tag=label)


def _source_below(ctx: _Ctx, para: list[PlanPara]) -> tuple[Box, Box, float]:
    """(chart box, source box, size): the source line set under the chart, in the chart's own area,
    at the largest source size whose lines leave the chart at least half its height."""
    chart = ctx.box("chart", "chart")
    probe = replace(chart, inset_l=0.05, inset_r=0.05, inset_t=0.02, inset_b=0.02)
    gap = 0.08
    for size in ctx.source_sizes:
        height = ctx.height_in(para, size, probe) / ctx.safety + probe.inset_t + probe.inset_b
        if chart.height - height - gap >= chart.height * 0.5 or size == ctx.source_sizes[-1]:
            break
    chart_box = replace(chart, height=max(chart.height - height - gap, chart.height * 0.5))
    source_box = replace(probe, top=chart_box.top + chart_box.height + gap, height=height)
    return chart_box, source_box, size


def quote_slides(ctx: _Ctx, qp: QuotePart, sp: Optional[SectionPart]) -> list[SlidePlan]:
    q = qp.quote
    text = qp.quoted
    who = qp.attribution
    # a title of its own (its section, its speaker), so a screen reader's slide list tells quote slides apart
    topic = sp.title if sp is not None else ctx.doc.event.title
    title = ctx.L["quote_by"].format(topic=topic, name=q.speaker.name) if q.speaker else ctx.L["quote_on"].format(topic=topic)
    body = [PlanPara((Span(text, italic=True),), bullet=False)]
    attribution = [PlanPara((Span(who),), bullet=False)] if who else []
    if attribution and ctx.box("quote", "attribution") is None:  # one placeholder: a smaller last line
        body, attribution = body + [PlanPara((Span(who),), bullet=False, space_before=ctx.space * 1.5,
                                             size=ctx.attribution, align="r")], []
    box = ctx.box("quote", "body")
    size = ctx.largest_fit(body, ctx.sizes["quote"] + [s for s in ctx.sizes["body"] if s < ctx.sizes["quote"][-1]], box)
    if size is None:  # too long for one slide: the quote in body type over as many slides as it needs
        chunks = pack(ctx, [PlanPara((Span(s, italic=True),), bullet=False) for s in sentences(text)] + body[1:],
                      box, ctx.sizes["body"], 99, "quote", q.loc)
    else:
        chunks = [(body, size, ())]
    hit = ctx.fit_title([title, ctx.L["quote"]], "quote", [ctx.attribution + 4, ctx.attribution])
    if hit is None:
        title, tsize, theight = ctx.title(title, "quote", [ctx.attribution + 4, ctx.attribution], q.loc)
    else:
        title, tsize, theight = hit
    notes = f"{text} {who}".strip()
    out = []
    for i, (chunk, csize, problems) in enumerate(chunks):
        blocks = [("body", TextBlock(_merge_prose(chunk), csize))]
        if attribution and i == len(chunks) - 1:
            blocks.append(("attribution", TextBlock(tuple(attribution), ctx.attribution)))
        out.append(SlidePlan(role="quote", kind="quote", title=continued(title, i, len(chunks), ctx.L), title_size=tsize,
                             title_height=theight, blocks=tuple(blocks), notes=notes, section_id=q.section_id,
                             footer=ctx.footer, loc=q.loc, problems=ctx.take() + problems,
                             tag=q.speaker.name if q.speaker else ""))
    return out


def recommendation_slides(ctx: _Ctx, part: RecommendationsPart) -> list[SlidePlan]:
    recs = [item.recommendation for item in part.items]
    # short recommendations go on the slide whole (bold lead, text); long ones by their lead alone
    # (a short imperative line), so no bullet runs to four lines; the notes carry the full text
    full = [_bullet(ctx, ((Span(ctx.view.lead_in(r.lead), bold=True),) if r.lead.strip() else ()) + r.text.spans)
            for r in recs]
    short = all(len(p.plain.split()) <= 2 * ctx.bullet_words for p in full)
    if short and len(pack(_Ctx.quiet(ctx), full, ctx.box("content", "body"), ctx.sizes["body"], ctx.max_bullets, "")) == 1:
        items = full
    else:
        items = [_bullet(ctx, [Span(r.lead.strip().rstrip(".:"))] if r.lead.strip()
                         else [Span(derive_bullet(r.text.plain, ctx.bullet_words))]) for r in recs]
    notes = "\n\n".join(item.line for item in part.items)
    return _bullets_slides(ctx, kind="recommendations", role="content", title=part.label,
                           items=items, notes=notes, loc=recs[0].loc)


def _person_entry(ctx: _Ctx, e: PersonEntry, bio_words: int, first: bool) -> list[PlanPara]:
    """One person on an "About" slide: name and part, every title and the affiliation, a condensed bio."""
    head = [Span(e.name, bold=True)]
    if e.role:
        head.append(Span(f"{ctx.view.separator}{e.role}"))
    paras = [PlanPara(tuple(head), bullet=False, space_before=0.0 if first else ctx.space * 1.6)]
    if e.description:
        paras.append(PlanPara((Span(e.description),), bullet=False))
    bio = condensed(e.bio.plain, bio_words) if bio_words else ""
    if bio:
        paras.append(PlanPara((Span(bio),), bullet=False, space_before=ctx.space / 2))
    return paras


def speaker_slides(ctx: _Ctx, part: PeoplePart) -> list[SlidePlan]:
    """About the people in `people`: several to a slide, each with their part, titles, affiliation and
    a condensed bio; the whole bio is in the notes."""
    entries = part.entries
    title = part.label
    role, variant = "content", 0
    box = ctx.box(role, "body", variant)
    budget = ctx.bio_words * (2 if len(entries) == 1 else 1)
    best = None
    for words in (budget, budget // 2, 15):  # fewer slides with shorter bios, when that is what it takes
        groups = []
        for e in entries:
            for w in (words, 15, 0):  # an entry that does not fit a slide alone at the floor: a shorter bio
                entry = _person_entry(ctx, e, w, False)
                if box is None or ctx.fits(_first_no_space(entry), ctx.sizes["body"][-1], box):
                    break
            groups.append((e, entry, w))
        chunks = _pack_groups(ctx, [g[1] for g in groups], box, ctx.sizes["body"], ctx.people_per_slide)
        if best is None or len(chunks) < len(best[1]):
            best = (groups, chunks)
    groups, chunks = best
    out = []
    k = 0
    for i, (chunk, size) in enumerate(chunks):
        members = groups[k:k + len(chunk)]
        k += len(chunk)
        paras = tuple(_flat(chunk))
        t, tsize, theight = ctx.title(continued(title, i, len(chunks), ctx.L), role, ctx.sizes["title"], NOWHERE, variant)
        notes = "\n\n".join(
            f"{e.name}{' (' + e.role + ')' if e.role else ''}. {e.description}\n{e.bio.plain}".strip() for e, _, _ in members)
        out.append(SlidePlan(role=role, kind="speaker", title=t, title_size=tsize, title_height=theight, variant=variant,
                             blocks=(("body", TextBlock(paras, size)),), notes=notes, footer=ctx.footer,
                             loc=members[0][0].person.loc, problems=ctx.take(), tag=members[0][0].name))
    return out


def _pack_groups(ctx: _Ctx, groups: Sequence[list[PlanPara]], box: Optional[Box], sizes: Sequence[float],
                 per_slide: int) -> list[tuple[list[list[PlanPara]], float]]:
    """Groups of paragraphs (a person's entry), whole, over as few slides as fit, evenly."""
    n = len(groups)
    for k in range(math.ceil(n / per_slide), n + 1):
        chunks = [list(groups[round(i * n / k): round((i + 1) * n / k)]) for i in range(k)]
        found = [ctx.largest_fit(_flat(c), sizes, box) for c in chunks]
        if all(f is not None for f in found):
            return [(c, min(found)) for c in chunks]
    return [([g], ctx.largest_fit(_first_no_space(g), sizes, box) or sizes[-1]) for g in groups]


def _flat(chunk: Sequence[list[PlanPara]]) -> list[PlanPara]:
    return [q for j, entry in enumerate(chunk) for q in (entry if j else _first_no_space(entry))]


def sources_slides(ctx: _Ctx, part: Optional[ReferencesPart], colophon: Optional[ColophonPart]) -> list[SlidePlan]:
    if part is None:
        return []
    items, notes = [], []
    for r in part.items:
        # the title linked word by word, each with its space: LibreOffice lays a hyperlink out as one
        # unbreakable field, so a link in one piece breaks mid-word when it is longer than a line, and
        # words linked apart with plain spaces between them come out in two colours
        words = r.title.rstrip(".").split(" ")
        spans = [Span(w + (" " if j < len(words) - 1 else ""), italic=True, href=r.url) for j, w in enumerate(words)]
        if r.who:
            spans.append(Span(f". {r.who}."))
        items.append(PlanPara(tuple(spans), bullet=True, space_before=ctx.space / 2))
        notes.append(r.line)
    for label, line, figs in part.figure_sources:  # one line per distinct source, listing the figures it serves
        items.append(PlanPara((Span(f"{label}. {line}"),), bullet=True, space_before=ctx.space / 2))
        urls = " ".join(dict.fromkeys(f.provenance.url for f in figs if f.provenance.url))
        notes.append(" ".join(x for x in (f"{label}. {line}", urls) if x))
    if colophon is not None:
        notes.append(colophon.citation.plain)
    if not items:
        return []
    return _bullets_slides(ctx, kind="sources", role="closing", title=ctx.L["sources"], items=items,
                           notes="\n\n".join(notes), max_items=8, loc=part.loc)


def fit_footer(ctx: _Ctx, role: str, text: str, sizes: Sequence[float], variant: int = 0,
               one_line: bool = False) -> Optional[tuple[float, Optional[Box]]]:
    """(size, widened box or None) at which ``text`` fits the role's footer placeholder (on one line when
    ``one_line``): its own box first, then the box widened over the date placeholder on its row (the
    deck leaves dates empty)."""
    fbox = ctx.box(role, "footer", variant)
    if fbox is None:
        return None
    wide = ctx.box(role, "footer_wide", variant)  # over the date placeholder, where nothing lies under it
    para = ctx.measure_paras([PlanPara((Span(text),), bullet=False)])
    for b in (fbox, wide) if wide else (fbox,):
        size = next((z for z in sizes if ctx.m.fits(para, z, b) and
                     (not one_line or ctx.m.count_lines(para[0].segments, z, b.text_width_pt, b.face) == 1)), None)
        if size is not None:
            return size, (None if b is fbox else b)
    return None


def plan_footers(ctx: _Ctx, slides: list[SlidePlan]) -> tuple[list[SlidePlan], tuple[Problem, ...]]:
    """The running footer on every slide: "short title · date" where it fits the template's footer box
    on one line, else the short title alone, else none (the slide number stays). One warning per deck."""
    out, problems = [], []
    candidates = [ctx.footer] + [x for x in (ctx.doc.meta.short_title,) if x and x != ctx.footer]
    fits: dict = {}
    dropped = set()
    for sp in slides:
        if sp.footer is None or sp.footer_size:
            out.append(sp)
            continue
        key = (sp.role, sp.variant)
        if key not in fits:
            fits[key] = next(((text, f) for text in candidates if (f := fit_footer(ctx, sp.role, text, ctx.footer_sizes, sp.variant, True))), None)
            if ctx.box(sp.role, "footer", sp.variant) is None:
                fits[key] = (ctx.footer, (ctx.footer_sizes[0], None))
        hit = fits[key]
        if hit is None:
            dropped.add(ctx.footer)
            out.append(replace(sp, footer=None))
        else:
            text, (size, box) = hit
            if text != ctx.footer:
                dropped.add(ctx.footer)
            out.append(replace(sp, footer=text, footer_size=size, footer_box=box))
    if dropped:
        m = ctx.doc.meta.loc
        problems.append(Problem(m.file, m.line, m.col, f"the template's footer placeholder holds no line of ‘{ctx.footer}’ "
                                f"at {ctx.footer_sizes[-1]} pt or more: slides show a shorter footer or none — shorten "
                                f"meta.short_title, or widen the footer in the template", "deck.footer", "warning"))
    return out, tuple(problems)


def distinct_titles(ctx: _Ctx, slides: list[SlidePlan]) -> list[SlidePlan]:
    """No two slides share a title (a screen reader's slide list must tell them apart): a repeat takes one
    of its own other titles that fit ("… (Figure 2)"), else its number, "(2)", cut to fit."""
    seen: dict[str, int] = {}
    for sp in slides:
        seen[sp.title] = seen.get(sp.title, 0) + 1
    used: set[str] = set()
    out = []
    counts: dict[str, int] = {}
    for sp in slides:
        if seen[sp.title] == 1 or sp.title not in used:
            used.add(sp.title)
            out.append(sp)
            continue
        alt = next((t for t in sp.titles if t not in used and t not in seen), None)
        if alt is None:
            counts[sp.title] = counts.get(sp.title, 1) + 1
            for base in [sp.title] + clause_cuts(sp.title) + word_cuts(sp.title):
                t = f"{base} ({counts[sp.title]})"
                if t not in used and ctx.fit_title([t], sp.role, ctx.title_sizes(ctx.sizes["title"]), sp.variant):
                    alt = t
                    break
            alt = alt or f"{sp.title} ({counts[sp.title]})"
        hit = ctx.fit_title([alt], sp.role, ctx.title_sizes([sp.title_size]), sp.variant) or \
            ctx.fit_title([alt], sp.role, ctx.title_sizes(ctx.sizes["title"]), sp.variant)
        used.add(alt)
        out.append(replace(sp, title=alt, title_size=hit[1] if hit else sp.title_size,
                           title_height=hit[2] if hit else sp.title_height))
    return out


def plan_deck(view: View, *, theme, measurer: Measurer, geometry: Geometry,
              problems: Sequence[Problem] = (), charts=None) -> DeckPlan:
    """``problems``: about the template itself (typefaces, contrast), reported with the deck's;
    ``charts``: the chart service, which splits a figure too long for one slide (else one slide each)."""
    ctx = _Ctx(view, theme, measurer, geometry, charts)
    plan: ReadingPlan = view.plan
    opening = plan.find("opening")
    # the reading plan's parts in order; the deck adds an agenda after the title, and closes on the
    # sources (its closing layout) with the citation in their notes
    slides: list[SlidePlan] = []
    for part in plan:
        if isinstance(part, TitlePart):
            slides.append(title_slide(ctx, part, opening))
            slides += agenda_slides(ctx, plan.sections, opening)
        elif isinstance(part, KeyMessagesPart):
            slides += key_message_slides(ctx, part, opening)
        elif isinstance(part, SectionPart):
            slides += section_slides(ctx, part)
        elif isinstance(part, RecommendationsPart):
            slides += recommendation_slides(ctx, part)
        elif isinstance(part, PeoplePart):
            slides += speaker_slides(ctx, part)
    slides += sources_slides(ctx, plan.find("references"), plan.find("colophon"))
    slides, footer_problems = plan_footers(ctx, slides)
    slides = [replace(sp, notes=f"{ctx.cut_titles[sp.title]}\n\n{sp.notes}".strip()) if sp.title in ctx.cut_titles
              and ctx.cut_titles[sp.title] not in sp.notes else sp for sp in slides]
    slides = distinct_titles(ctx, slides)
    numbered = tuple(replace(s, number=i) for i, s in enumerate(slides, 1))
    return DeckPlan(numbered, tuple(problems) + footer_problems + _numbered_warnings(numbered))


def _numbered_warnings(slides) -> tuple[Problem, ...]:
    return tuple(replace(p, message=f"slide {s.number}: {p.message}") for s in slides for p in s.problems)


def select(plan: DeckPlan, spec: Optional[str]) -> DeckPlan:
    """Slides "1-3,7" as numbered in the full deck, or a section id -> that section's slides."""
    if not spec:
        return plan
    spec = spec.strip()
    deck_wide = tuple(p for p in plan.warnings if not p.message.startswith("slide "))
    ids = {s.section_id for s in plan.slides if s.section_id}
    if spec in ids:
        chosen = tuple(s for s in plan.slides if s.section_id == spec)
        return replace(plan, slides=chosen, warnings=deck_wide + _numbered_warnings(chosen))
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
    return replace(plan, slides=chosen, warnings=deck_wide + _numbered_warnings(chosen))
