"""A section's slides: its bullets, its divider, its charts, its tables and its quotes."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

from ....charts.registry import KINDS
from ....model import Figure, Span
from ....present.outline import FigurePart, QuotePart, SectionPart
from ..fit import Box
from .condense import clause_cuts, derive_bullet, plain_paras, sentences
from .context import PlanContext
from .fitting import bullet, bullets_slides, continued, merge_prose, pack
from .tables import table_slides
from .types import PlanPara, SlidePlan, TextBlock, count_words


def section_slides(ctx: PlanContext, sp: SectionPart) -> list[SlidePlan]:
    """A section's slides: its bullets, figures and quotes (its divider is decided for the whole deck:
    ``with_dividers``)."""
    sec = sp.section
    part = sp.part_label
    if sec.bullets:
        items = [bullet(ctx, b.spans) for b in sec.bullets]
    else:
        items = [bullet(ctx, [Span(derive_bullet(p.plain, ctx.bullet_words, ctx.words))]) for p in sp.paragraphs if p]
    prose = plain_paras(sp.paragraphs)
    who = list(sp.speakers)
    if who:
        prose = f"{'; '.join(who)}{ctx.word('colon').rstrip()}\n\n{prose}"
    body: list[SlidePlan] = []
    if items:
        body += bullets_slides(ctx, kind="content", role="content", title=sec.slide_title,
                                items=items, notes=f"{part}{ctx.word('colon')}{sec.title}\n\n{prose}", section_id=sec.id,
                                loc=sec.loc, short_title=sec.title if sec.slide_title and sec.slide_title != sec.title else None)
    shown = {id(fp): drawn_in(fp, sp.figures) for fp in sp.figures}
    for fp in sp.figures:
        if shown[id(fp)] is not None:
            continue  # one number, one slide: the chart that draws it carries its statement in its notes
        also = [f"{o.label}. {o.caption.plain}" for o in sp.figures if shown[id(o)] is fp]
        body += [replace(c, notes="\n\n".join([c.notes] + also)) for c in chart_slides(ctx, fp, sec.id)]
    for tp in sp.tables:
        body += table_slides(ctx, tp, sec.id, _source_below)
    for q in sp.quotes:
        body += quote_slides(ctx, q, sp)
    return body


def drawn_in(fp: FigurePart, figures: Sequence[FigurePart]) -> Optional[FigurePart]:
    """The chart of the same section that already draws a big number's value (one of its values, a
    series' total or the total of all its series), or None. One number gets one slide: the big number
    then has no slide of its own, and its statement goes in that chart's notes."""
    spec = fp.figure.chart
    kind = KINDS.get(spec.kind)
    if kind is None or not kind.compact or not spec.series or not spec.table.rows:  # a kind of one value
        return None
    value = spec.table.column(spec.series[0])[0]
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    for other in figures:
        o = other.figure.chart
        if other is fp or o.kind == spec.kind or not o.series:
            continue
        cols = [[v for v in o.table.column(c) if isinstance(v, (int, float)) and not isinstance(v, bool)]
                for c in o.series if c in o.table.columns]
        numbers = {v for col in cols for v in col} | {sum(col) for col in cols} | {sum(sum(col) for col in cols)}
        if any(abs(v - value) <= 1e-9 * max(1.0, abs(value)) for v in numbers):
            return other
    return None


def wants_dividers(ctx: PlanContext, sections: Sequence[SectionPart], bodies: Sequence[Sequence[SlidePlan]]) -> bool:
    """One decision for the deck (theme ``deck.structure.dividers``): every section gets a divider, or
    none. ``auto``: all when the deck has a few sections and they name who speaks in them (panels,
    hearings: the divider says who) or average ``divider_min_slides`` slides each; none in a short deck
    of one-slide sections, where a divider before each slide would double the deck."""
    mode = str(ctx.dividers).lower()
    if mode in ("all", "none"):
        return mode == "all"
    if len(sections) < max(2, ctx.dividers_min_sections):
        return False
    if any(sp.speakers for sp in sections):
        return True
    return sum(len(b) for b in bodies) >= ctx.divider_slides * len(sections)


def divider_variant(ctx: PlanContext, sections: Sequence[SectionPart]) -> int:
    """The one section layout every divider takes: the first of the template's (its styled one) that
    holds every section's title and "Part n of N" (who speaks is set as far as it fits: see
    ``divider_slide``), else the first that holds every title, else the first."""
    sizes = ctx.section_sizes
    variants = range(ctx.variants("section"))
    for need_part in (True, False):
        for v in variants:
            if all(ctx.fit_title([sp.title], "section", sizes, v) and (not need_part or ctx.largest_fit(
                    _divider_lines(ctx, sp.part_label, ()), ctx.sizes["body"], ctx.box("section", "body", v)) is not None)
                   for sp in sections):
                return v
    return 0


def _divider_lines(ctx: PlanContext, part: str, who: Sequence[str]) -> list[PlanPara]:
    return [PlanPara((Span(part),), bullet=False)] + [PlanPara((Span(w),), bullet=False, space_before=ctx.space / 2) for w in who]


def divider_slide(ctx: PlanContext, sp: SectionPart, variant: int) -> SlidePlan:
    """The section's title, "Part n of N" and who speaks in it: each with their role, else their names
    on one line, else as many as fit (all of them are in the notes)."""
    sec, part, who = sp.section, sp.part_label, sp.speakers
    sizes = ctx.section_sizes
    title, tsize, theight = ctx.title(sec.title, "section", sizes, sec.loc, variant)
    box = ctx.box("section", "body", variant)
    size, lines = None, []
    for lines in [_divider_lines(ctx, part, who)] + ([_divider_lines(ctx, part, [sp.byline])] if sp.byline and len(who) > 1 else []):
        size = ctx.largest_fit(lines, ctx.sizes["body"], box)
        if size is not None:
            break
    while size is None and len(lines) > 1:  # the speakers' names with their roles are in the notes too
        lines = lines[:-1]
        size = ctx.largest_fit(lines, ctx.sizes["body"], box)
    notes = f"{part}{ctx.word('colon')}{sec.title}. {sec.slide_title}".strip()
    if who:
        notes += "\n\n" + "; ".join(who)
    blocks = (("body", TextBlock(tuple(lines), size)),) if size is not None else ()
    return SlidePlan(role="section", kind="section", title=title, title_size=tsize, title_height=theight,
                     blocks=blocks, variant=variant, notes=notes, section_id=sec.id, footer=ctx.footer, loc=sec.loc, problems=ctx.take())


def chart_slides(ctx: PlanContext, fp: FigurePart, section_id: Optional[str]) -> list[SlidePlan]:
    """The figure's chart slide; or, when its kind cannot draw it whole in the slide's chart box
    (a long timeline), one slide per part the chart service cuts it into, "(continued)", and a
    located warning for a part that still cannot be drawn whole."""
    before = list(ctx.pending)
    fig = fp.figure
    whole = chart_slide(ctx, fp, fig, section_id)
    if ctx.charts is None or not hasattr(ctx.charts, "parts") or fig.picture is not None:
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


def chart_slide(ctx: PlanContext, fp: FigurePart, fig: Figure, section_id: Optional[str], part: int = 0, parts: int = 1) -> SlidePlan:
    # the heading: the figure's own title when it has one (the docs' promise), else the caption,
    # which states the finding; on a small title box a clause of either, else the section's title
    # (the full caption opens the notes either way); after the first part of a split figure,
    # each with "(continued)"
    caption = fig.caption.plain
    sec = next((s for s in ctx.doc.sections if s.id == section_id), None)
    own = fig.chart.title

    def cont(titles: list[str]) -> list[str]:
        return [continued(t, part, parts, ctx.deck_words) for t in titles]

    first = cont([own] + clause_cuts(own, ctx.words) if own else [caption] + clause_cuts(caption, ctx.words))
    hit = ctx.fit_title(first, "chart", ctx.sizes["title"])
    for others in (cont([caption] + clause_cuts(caption, ctx.words)) if own else [], cont([sec.title]) if sec else []):
        hit = hit or (ctx.fit_title(others, "chart", ctx.sizes["title"]) if others else None)
    if hit is None:
        title, tsize, theight = ctx.title(min(first, key=len), "chart", ctx.sizes["title"], fig.loc)
    else:
        title, tsize, theight = hit
    label = continued(fp.label, part, parts, ctx.deck_words)
    alternatives = tuple(t for t in [f"{title} ({label})", label] if ctx.fit_title([t], "chart", ctx.title_sizes(ctx.sizes["title"])))
    src = fp.labelled_source
    prov = fig.provenance
    notes = [f"{label}. {caption}", fig.alt]
    if fig.note:
        notes.append(fig.note.plain)
    notes.append(fp.labelled_source + (f" {prov.url}" if prov.url else ""))  # "Figure 2. Source: …", never "Source: Source:"
    # the source line: in the layout's source placeholder, else under the chart, which gives up the room;
    # never in the footer (the deck's running footer stays on every slide), never below the source floor
    para = [PlanPara((Span(src),), bullet=False)]
    footer, blocks, chart_box, source_box = ctx.footer, (), None, None
    footer_size, footer_box = 0.0, None
    size = ctx.largest_fit(para, ctx.source_sizes, ctx.box("chart", "source")) if ctx.box("chart", "source") else None
    if size is not None:
        blocks = (("source", TextBlock(tuple(para), size)),)
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


def _source_below(ctx: PlanContext, para: list[PlanPara]) -> tuple[Box, Box, float]:
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


def quote_slides(ctx: PlanContext, qp: QuotePart, sp: Optional[SectionPart]) -> list[SlidePlan]:
    """The words in the language's quotation marks, the plan's attribution set right under them (the
    last paragraph of the quote's box, never a placeholder of its own at the foot of the slide), with
    the name and role kept together; the heading names who speaks wherever the source says who."""
    q = qp.quote
    text = ctx.breaks.apply(qp.quoted)  # no one-word last line, no break inside a date (as in titles)
    who = qp.attribution
    topic = sp.title if sp is not None else ctx.doc.event.title
    titles = _quote_titles(ctx, qp, sp, topic)
    title = titles[0]
    box = ctx.box("quote", "body")
    body = [PlanPara((Span(text, italic=True),), bullet=False)]
    attribution = [PlanPara((Span(_kept_together(ctx, who, box)),), bullet=False, space_before=ctx.space,
                            size=ctx.attribution, align="r")] if who else []
    sizes = ctx.sizes["quote"] + [s for s in ctx.sizes["body"] if s < ctx.sizes["quote"][-1]]
    room = ctx.room(title, 1)
    size = ctx.largest_fit(body + attribution, sizes, box) if count_words(text + " " + who) <= room else None
    if size is None:  # too long for one slide: the quote in body type over as many slides as it needs
        chunks = pack(ctx, [PlanPara((Span(s, italic=True),), bullet=False) for s in sentences(text, ctx.words)] + attribution,
                      box, ctx.sizes["body"], 99, "quote", q.loc, max_words=lambda k: room - 3)
    else:
        chunks = [(body + attribution, size, ())]
    hit = ctx.fit_title(titles, "quote", ctx.quote_title_sizes)
    if hit is None:
        title, tsize, theight = ctx.title(title, "quote", ctx.quote_title_sizes, q.loc)
    else:
        title, tsize, theight = hit
    notes = f"{text} {who}".strip()
    out = []
    for i, (chunk, csize, problems) in enumerate(chunks):
        blocks = [("body", TextBlock(merge_prose(chunk), csize))]
        out.append(SlidePlan(role="quote", kind="quote", title=continued(title, i, len(chunks), ctx.deck_words), title_size=tsize,
                             title_height=theight, blocks=tuple(blocks), notes=notes, section_id=q.section_id,
                             footer=ctx.footer, loc=q.loc, problems=ctx.take() + problems,
                             tag=q.speaker.name if q.speaker else ""))
    return out


def _quote_titles(ctx: PlanContext, qp: QuotePart, sp: Optional[SectionPart], topic: str) -> list[str]:
    """A quote slide's own titles, fullest first (a screen reader's slide list tells quote slides apart):
    the topic in the speaker's words, the speaker being the quote's, else the one person who speaks in
    the section or at the event; when nobody can be named, no "the speaker's" that could be anyone's.
    Shorter forms cut the topic where a clause ends, then name the speaker alone."""
    q = qp.quote
    people = ctx.doc.people
    named = q.speaker or (sp.section.speakers[0] if sp is not None and len(sp.section.speakers) == 1 else None) \
        or (people[0] if len(people) == 1 else None)
    topics = [topic] + clause_cuts(topic, ctx.words)
    if named is not None:
        return [ctx.word("quote_by", topic=t, name=named.name) for t in topics] + [ctx.word("quote_by_name", name=named.name)]
    return [ctx.word("quote_unattributed", topic=t) for t in topics]


def _kept_together(ctx: PlanContext, who: str, box: Optional[Box]) -> str:
    """The attribution with no-break spaces: all of it on one line where it fits one line of the box,
    else its role kept whole and with the name ("Peter White,\u00a0Foreign\u00a0Secretary")."""
    whole = who.replace(" ", "\u00a0")
    if box is None or ctx.m.count_lines(ctx.measure_paras([PlanPara((Span(whole),), bullet=False)])[0].segments,
                                        ctx.attribution, box.text_width_pt, box.face) == 1:
        return whole
    name, sep, role = who.rpartition(", ")
    if not sep:
        return who
    return f"{name},\u00a0{role.replace(' ', chr(0xa0))}"
