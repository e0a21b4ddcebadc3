"""The deck's front matter: the title slide, the agenda, the key messages and the key figures."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

from ....present.outline import KeyFiguresPart, KeyMessagesPart, OpeningPart, SectionPart, TitlePart
from ....model import Span
from .condense import cut_spans, lead, plain_paras
from .context import PlanContext
from .fitting import bullet, bullets_slides
from .types import PlanPara, SlidePlan, TextBlock, count_words


def title_slide(ctx: PlanContext, part: TitlePart, opening: Optional[OpeningPart]) -> SlidePlan:
    """The full title in the title box, the subtitle, people and event below it, on the first of the
    template's title layouts where it all fits; else with less on the slide (all of it in the notes)."""
    doc = ctx.doc
    sizes = ctx.title_slide_sizes  # template title boxes can be small
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
        for rank, title, hit, moved in titles:
            for k, (sub, people) in enumerate(contents):
                blocks = _title_blocks(ctx, variant, moved + sub, people + [event], bool(moved))
                if blocks is not None and count_words(title) + sum(count_words(b.plain) for _, b in blocks) <= ctx.slide_words:
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


def _title_blocks(ctx: PlanContext, variant: int, sub: list[PlanPara], details: list[PlanPara],
                  moved_title: bool) -> Optional[tuple]:
    """Subtitle and details blocks that fit the variant's boxes, or None."""
    sub_box, det_box = ctx.box("title", "subtitle", variant), ctx.box("title", "details", variant)
    if det_box is None:  # one placeholder for everything under the title
        sub, details = sub + details, []
    blocks = []
    if sub:
        size = None
        for bump in (ctx.moved_title_bumps if moved_title else (0,)):  # a moved full title: larger than the rest
            trial = [replace(sub[0], size=ctx.subtitle + bump)] + sub[1:] if bump else sub
            size = ctx.largest_fit(trial, ctx.subtitle_sizes, sub_box)
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


def agenda_slides(ctx: PlanContext, sections: Sequence[SectionPart], opening: Optional[OpeningPart]) -> list[SlidePlan]:
    if len(sections) < 2:
        return []
    items = [bullet(ctx, [Span(s.title)]) for s in sections]
    notes = f"{opening.label}{ctx.word('colon')}{opening.summary.plain}" if opening else ""
    return bullets_slides(ctx, kind="agenda", role="content", title=ctx.word("agenda"), items=items, notes=notes,
                           max_items=max(ctx.max_bullets, ctx.list_items), loc=sections[0].loc)


def key_message_slides(ctx: PlanContext, part: KeyMessagesPart, opening: Optional[OpeningPart]) -> list[SlidePlan]:
    """The key messages on one slide within the word budget: whole, else each by its lead (its first
    clause, ``condense.lead``), else whole over as many slides as they need. The notes hold them all."""
    notes = "\n\n".join(x for x in (plain_paras(part.items), opening.summary.plain if opening else "") if x)
    whole = [bullet(ctx, t.spans) for t in part.items]
    leads = [bullet(ctx, cut_spans(t.spans, lead(t.plain, ctx.words).rstrip(".")) if lead(t.plain, ctx.words) != t.plain.strip()
                    else t.spans) for t in part.items]
    return _whole_else_leads(ctx, "key-messages", part, whole, leads, notes)


def key_figure_slides(ctx: PlanContext, part: KeyFiguresPart) -> list[SlidePlan]:
    """The key figures on one slide within the word budget: each value in bold with what it counts,
    else each value with its label cut to its lead; the notes hold them all with their sources."""
    notes = "\n\n".join(it.line for it in part.items)
    whole = [bullet(ctx, (Span(it.value, bold=True), Span(" "), *it.label.spans)) for it in part.items]
    leads = [bullet(ctx, (Span(it.value, bold=True), Span(" "), *cut_spans(it.label.spans, lead(it.label.plain, ctx.words))))
             for it in part.items]
    return _whole_else_leads(ctx, "key-figures", part, whole, leads, notes)


def _whole_else_leads(ctx: PlanContext, kind: str, part, whole: list, leads: list, notes: str) -> list[SlidePlan]:
    """One slide of the items whole if they fit the word budget and the slide, else of their leads;
    else the whole items over as many slides as they need."""
    room = ctx.room(part.label)
    for items in (whole, leads):
        if sum(count_words(p.plain) for p in items) > room:
            continue
        trial = bullets_slides(PlanContext.quiet(ctx), kind=kind, role="content", title=part.label,
                               items=items, notes=notes, loc=part.loc)
        if len(trial) == 1:
            return bullets_slides(ctx, kind=kind, role="content", title=part.label, items=items, notes=notes, loc=part.loc)
    return bullets_slides(ctx, kind=kind, role="content", title=part.label, items=whole, notes=notes, loc=part.loc)
