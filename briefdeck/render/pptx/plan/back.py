"""The deck's back matter: recommendations, the people, and the sources it closes on."""
from __future__ import annotations

import math
import re
from typing import Optional, Sequence

from ....model import NOWHERE, Span
from ....present.outline import ColophonPart, PeoplePart, PersonEntry, RecommendationsPart, ReferencesPart
from ..fit import Box
from .condense import derive_bullet
from .context import PlanContext
from .fitting import bullet, bullets_slides, continued, first_no_space, pack
from .types import PlanPara, SlidePlan, TextBlock, count_words


def recommendation_slides(ctx: PlanContext, part: RecommendationsPart) -> list[SlidePlan]:
    recs = [item.recommendation for item in part.items]
    # short recommendations go on the slide whole (bold lead, text); long ones by their lead alone
    # (a short imperative line), so no bullet runs to four lines; the notes carry the full text
    full = [bullet(ctx, ((Span(ctx.view.lead_in(r.lead), bold=True),) if r.lead.strip() else ()) + r.text.spans)
            for r in recs]
    short = all(len(p.plain.split()) <= 2 * ctx.bullet_words for p in full)
    if short and len(pack(PlanContext.quiet(ctx), full, ctx.box("content", "body"), ctx.sizes["body"], ctx.max_bullets, "")) == 1:
        items = full
    else:
        items = [bullet(ctx, [Span(r.lead.strip().rstrip(".:"))] if r.lead.strip()
                         else [Span(derive_bullet(r.text.plain, ctx.bullet_words, ctx.words))]) for r in recs]
    notes = "\n\n".join(item.line for item in part.items)
    return bullets_slides(ctx, kind="recommendations", role="content", title=part.label,
                           items=items, notes=notes, loc=recs[0].loc)


def _person_entry(ctx: PlanContext, e: PersonEntry, bio_words: int, first: bool) -> list[PlanPara]:
    """One person on an "About" slide: name and part, every title and the affiliation, and one line
    of the bio (its first sentence, cut at a clause within ``bio_words``): the whole bio is in the notes."""
    head = [Span(e.name, bold=True)]
    if e.role:
        head.append(Span(f"{ctx.view.separator}{e.role}"))
    paras = [PlanPara(tuple(head), bullet=False, space_before=0.0 if first else ctx.person_space)]
    if e.description:
        paras.append(PlanPara((Span(e.description),), bullet=False))
    bio = derive_bullet(e.bio.plain, bio_words, ctx.words) if (bio_words and e.bio.plain.strip()) else ""
    if bio:
        paras.append(PlanPara((Span(bio),), bullet=False, space_before=ctx.space / 2))
    return paras


def speaker_slides(ctx: PlanContext, part: PeoplePart) -> list[SlidePlan]:
    """About the people in `people`: several to a slide, each by name, part, titles and affiliation and
    one line of their bio, within the slide's word budget; the whole bios are in the notes."""
    entries = part.entries
    title = part.label
    role, variant = "content", 0
    box = ctx.box(role, "body", variant)
    room = ctx.room(title, 3)  # "(2 of 3)"
    groups = []
    for e in entries:
        for w in (ctx.bio_line_words, ctx.bio_line_words // 2, 0):  # an entry too long for a slide alone: less bio
            entry = _person_entry(ctx, e, w, False)
            if (box is None or ctx.fits(first_no_space(entry), ctx.sizes["body"][-1], box)) and _words(entry) <= room:
                break
        groups.append((e, entry, w))
    chunks = _pack_groups(ctx, [g[1] for g in groups], box, ctx.sizes["body"], ctx.people_per_slide, room)
    out = []
    k = 0
    for i, (chunk, size) in enumerate(chunks):
        members = groups[k:k + len(chunk)]
        k += len(chunk)
        paras = tuple(_flat(chunk))
        t, tsize, theight = ctx.title(continued(title, i, len(chunks), ctx.deck_words), role, ctx.sizes["title"], NOWHERE, variant)
        notes = "\n\n".join("\n".join(x for x in (". ".join(y for y in (
            ctx.view.label("person_role", name=e.name, role=e.role) if e.role else e.name, e.description) if y) + ".",
            e.bio.plain) if x.strip(".")) for e, _, _ in members)
        out.append(SlidePlan(role=role, kind="speaker", title=t, title_size=tsize, title_height=theight, variant=variant,
                             blocks=(("body", TextBlock(paras, size)),), notes=notes, footer=ctx.footer,
                             loc=members[0][0].person.loc, problems=ctx.take(), tag=members[0][0].name))
    return out


def _words(paras: Sequence[PlanPara]) -> int:
    return sum(count_words(p.plain) for p in paras)


def _pack_groups(ctx: PlanContext, groups: Sequence[list[PlanPara]], box: Optional[Box], sizes: Sequence[float],
                 per_slide: int, max_words: int) -> list[tuple[list[list[PlanPara]], float]]:
    """Groups of paragraphs (a person's entry), whole, over as few slides as fit, evenly, each slide
    within ``max_words``."""
    n = len(groups)
    for k in range(math.ceil(n / per_slide), n + 1):
        chunks = [list(groups[round(i * n / k): round((i + 1) * n / k)]) for i in range(k)]
        if any(_words(_flat(c)) > max_words for c in chunks):
            continue
        found = [ctx.largest_fit(_flat(c), sizes, box) for c in chunks]
        if all(f is not None for f in found):
            return [(c, min(found)) for c in chunks]
    return [([g], ctx.largest_fit(first_no_space(g), sizes, box) or sizes[-1]) for g in groups]


def _flat(chunk: Sequence[list[PlanPara]]) -> list[PlanPara]:
    return [q for j, entry in enumerate(chunk) for q in (entry if j else first_no_space(entry))]


def sources_slides(ctx: PlanContext, part: Optional[ReferencesPart], colophon: Optional[ColophonPart]) -> list[SlidePlan]:
    """The sources as short cites (title before its subtitle, linked; publisher and year), the figures'
    by their publisher; the full references, notes and URLs are in the notes."""
    if part is None:
        return []
    items, notes = [], []
    shorts = [short_title(r.title) for r in part.items]
    for r, short in zip(part.items, shorts):
        # the title linked word by word, each with its space: LibreOffice lays a hyperlink out as one
        # unbreakable field, so a link in one piece breaks mid-word when it is longer than a line, and
        # words linked apart with plain spaces between them come out in two colours
        words = (short if shorts.count(short) == 1 else r.title.rstrip(".")).split(" ")  # two works never alike
        who = ", ".join(x for x in (r.reference.publisher, _year(r.reference.date_text)) if x)
        if who:  # the full stop in the link's last field: LibreOffice may break between a field and what follows
            words[-1] += "."
        spans = [Span(w + (" " if j < len(words) - 1 else ""), italic=True, href=r.url) for j, w in enumerate(words)]
        if who:
            spans.append(Span(f" {who}."))
        items.append(PlanPara(tuple(spans), bullet=True, space_before=ctx.space / 2))
        notes.append(r.line)
    by_source: dict[str, list] = {}  # on the slide, one line per publisher (as-of dates and licences in the notes)
    for label, line, figs in part.figure_sources:
        by_source.setdefault(figs[0].provenance.source, []).extend(figs)
        urls = " ".join(dict.fromkeys(f.provenance.url for f in figs if f.provenance.url))
        notes.append(" ".join(x for x in (f"{label}. {line}", urls) if x))
    view = ctx.view
    for source, figs in by_source.items():
        figs = sorted(figs, key=lambda f: f.number)
        label = view.figures_label(figs)
        # a photograph's line says it is one, by whom, under what licence, as under the picture
        said = view.source_line(figs[0]).plain.rstrip(".") if figs[0].picture is not None else source
        items.append(PlanPara((Span(f"{label}{ctx.word('colon')}{said}"),), bullet=True, space_before=ctx.space / 2))
    if colophon is not None and colophon.url:  # where the brief is published: the accessible edition
        items.append(PlanPara((Span(f"{colophon.url_label} "), Span(colophon.url, href=colophon.url)), bullet=True,
                              space_before=ctx.space / 2))
        notes.append(f"{colophon.url_label} {colophon.url}")
    if colophon is not None:
        notes.append(colophon.citation.plain)
    if not items:
        return []
    return bullets_slides(ctx, kind="sources", role="closing", title=ctx.word("sources"), items=items,
                           notes="\n\n".join(notes), max_items=ctx.list_items, loc=part.loc)


def short_title(title: str) -> str:
    """A work's title before its subtitle ("Mali: the long road" -> "Mali"), when that says enough
    (two words or more)."""
    head = re.split(r"\s*[:–—]\s+", title.rstrip("."), maxsplit=1)[0]
    return head if len(head.split()) >= 2 else title.rstrip(".")


def _year(date_text: str) -> str:
    years = re.findall(r"\b(1[5-9]\d\d|20\d\d)\b", date_text)
    return years[-1] if years else date_text
