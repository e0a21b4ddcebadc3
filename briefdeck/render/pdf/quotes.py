"""Where a pull quote goes in the brief, away from the sentence it repeats (issue 23: at least
``pull_quote.min_distance_lines`` body lines; tests/test_text_setting.py measures it).

Two columns: in the side column, on its sentence's page, where it is free (flowables.SideColumn).
One column, set in the text: in its own section (between paragraphs, or under its heading), else
next to it -- the next section's text when its speaker speaks there too, else before its own
heading; the last section's quote goes back into the sections before (``backfill``); a quote no
place stands far enough from is left out of the brief, with a located warning (pdf._dropped).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

from reportlab.platypus import Flowable

from ...present.outline import QuotePart, SectionPart
from .flowables import BodyParagraph, Stack
from .inline import markup

if TYPE_CHECKING:  # (story imports this module; the type only)
    from .story import Context


def quote_position(q: QuotePart, section: SectionPart) -> tuple[int, tuple[int, int]]:
    """The paragraph a quote comes from, and where in its text (first and last character)."""
    i = q.paragraph
    plain = " ".join(section.paragraphs[i].plain.split()) if section.paragraphs else ""
    quote = " ".join(q.quote.text.plain.split())  # the words as said, without an ellipsis
    at = max(plain.lower().find(quote.lower()[:40]), 0)
    return i, (at, at + len(quote))


def _spaces(ctx: Context) -> tuple[float, float, float]:
    """In body lines: the space between two paragraphs, and before and after a pull quote."""
    body, pq = ctx.st.get("body"), ctx.st.get("pull_quote")
    return (body.get("space_after", 0) / body["leading"], pq.get("space_before", 0) / body["leading"],
            pq.get("space_after", 0) / body["leading"])


def _lines_of(ctx: Context, section: SectionPart) -> list[float]:
    """Each paragraph's height in body lines, set alone in the single column."""
    body = ctx.st.para("body")
    return [BodyParagraph(markup(p), body).wrap(ctx.geo.main_width, 10_000)[1] / body.leading for p in section.paragraphs]


def quote_slot(ctx: Context, section: SectionPart, i: int, where: tuple[int, int],
               quote: Optional[QuotePart], heading_lines: Callable[[SectionPart], float]) -> Optional[int]:
    """One column: the paragraph before which a quote from paragraph ``i`` (characters ``where``
    of it) goes (``len(paragraphs)``: after the last) -- the nearest place at least
    ``pull_quote.min_distance_lines`` lines from its sentence, inside its own section: between two
    paragraphs, else under the heading (0: before the first paragraph); else None (the quote opens
    the next section's text; in the last section, it goes back into the sections before:
    ``backfill``) or, when the next section is other people's, right before its own heading (-1)."""
    need = ctx.st.get("pull_quote").get("min_distance_lines", 10)
    paras = section.paragraphs
    n = _lines_of(ctx, section)
    length = max(len(" ".join(paras[i].plain.split())), 1)
    before, after = n[i] * where[0] / length, n[i] * (1 - where[1] / length)
    gap, q_before, q_after = _spaces(ctx)
    # lines between the sentence and a quote set before paragraph p (the space between
    # paragraphs, and the quote's own space on the sentence's side, count)
    dist = {p: sum(n[p:i]) + (i - p) * gap + before + q_after for p in range(0, i + 1)}
    dist.update({p: after + sum(n[i + 1:p]) + (p - i) * gap + q_before for p in range(i + 1, len(paras) + 1)})
    far = [p for p, d in dist.items() if d >= need and p > 0]
    if far:
        return min(far, key=lambda p: dist[p])
    if dist[0] >= need:  # under the heading, kept with it (the section's text follows)
        return 0
    # else next to its section: the next one's text when the speaker speaks there too (or no one is
    # named), else right before its own heading (after the section before): never under the byline of
    # people who did not say it
    nxt = next((p for p in ctx.view.plan if isinstance(p, SectionPart) and p.number == section.number + 1), None)
    speaker = quote.speaker if quote is not None else None
    if nxt is not None and (speaker is None or not nxt.section.speakers or speaker in nxt.section.speakers):
        return None
    if section.number > 1 and dist[0] + heading_lines(section) >= need:
        return -1  # the quote opens its own section
    return None


def backfill(ctx: Context, story: list[Flowable], sections: list[tuple[SectionPart, int, dict[int, int]]],
             waiting: list[tuple[QuotePart, Flowable, float]], heading_lines: Callable[[SectionPart], float],
             set_in_column: Callable[[Flowable], list[Flowable]]) -> list[tuple[QuotePart, Flowable]]:
    """One column, the last section too short to set its quotes away from their sentences: each
    goes back into the sections before, at the nearest paragraph break at least
    ``min_distance_lines`` from its sentence (``waiting``: quote, its box, the lines it stands
    from its sentence at the last section's start). ``sections``: each earlier section, where its
    flowables end in ``story`` and where each paragraph starts. The quotes with no such place."""
    need = ctx.st.get("pull_quote").get("min_distance_lines", 10)
    left = []
    for q, box, start in waiting:
        spot = None
        d = start
        for k in range(len(sections) - 1, -1, -1):
            part, end, starts = sections[k]
            n = _lines_of(ctx, part)
            if d >= need:
                spot = end
                break
            for p in range(len(n) - 1, 0, -1):  # (never between a heading and its text)
                d += n[p] + _spaces(ctx)[0]
                if d >= need:
                    spot = starts[p]
                    break
            if spot is not None:
                break
            d += n[0] + heading_lines(part)
        if spot is None:
            left.append((q, box))
            continue
        items = set_in_column(box)
        story[spot:spot] = items
        m = len(items)
        for k, (part, end, starts) in enumerate(sections):  # (later places move down)
            sections[k] = (part, end + (m if end >= spot else 0), {p: x + (m if x >= spot else 0) for p, x in starts.items()})
    return left


def untag_quote(box: Stack) -> None:
    """Take a pull quote that is not set out of the structure tree (its BlockQuote, and the
    section's Aside when that held nothing else)."""
    elem = getattr(box.items[0], "_elem", None)
    bq = elem.parent if elem is not None else None
    if bq is None or bq.parent is None:
        return
    aside = bq.parent
    aside.kids.remove(bq)
    if not aside.kids and aside.parent is not None:
        aside.parent.kids.remove(aside)
