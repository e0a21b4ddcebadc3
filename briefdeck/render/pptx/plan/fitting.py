"""Fitting text to slides: a list of paragraphs over as few slides as the box allows, at the
largest common size the theme offers, never below its floor."""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable, Mapping, Optional, Sequence

from ....model import NOWHERE, Loc, Span
from ....typography import words as split_words
from ..fit import Box
from .condense import sentences
from .context import PlanContext
from .types import PlanPara, SlidePlan, TextBlock, count_words


def pack(ctx: PlanContext, items: Sequence[PlanPara], box: Optional[Box], sizes: Sequence[float],
         max_items: int, where: str, loc: Loc = NOWHERE, max_words: Optional[Callable[[int], int]] = None) -> list[tuple[list[PlanPara], float, tuple]]:
    """Even, contiguous chunks at the largest common size >= the second-smallest size, each within
    ``max_words(k)`` words when there are k of them (the slide's word budget less its title, which
    grows by "(continued)" or "(2 of 3)").

    The smallest size (the 18 pt floor) is used only for a paragraph that fits no other way; a
    paragraph too long for the box even then, or longer than the word budget, is split at its
    sentences, and a sentence at its words, over as many slides as it needs: nothing is planned
    that does not fit, and the budget is never met by setting text smaller.
    """
    items = list(items)
    if not items:
        return [([], sizes[0], ())]
    if box is not None:
        items = [part for it in items for part in _fitting_parts(ctx, it, box, sizes[-1])]
    if max_words:
        items = [part for it in items for part in _within_words(it, max_words(3), ctx)]
    preferred = sizes[:-1] or sizes
    n = len(items)
    for k in range(1, n + 1):
        per = math.ceil(n / k)
        if per > max_items:
            continue
        # as many items on each, or as many words (long items beside short ones)
        for chunks in (_even(items, k), _even_words(items, k)):
            if any(len(c) > max_items or not c for c in chunks):
                continue
            if max_words and any(sum(count_words(p.plain) for p in c) > max_words(k) for c in chunks):
                continue
            found = [ctx.largest_fit(first_no_space(c), preferred, box) for c in chunks]
            if all(f is not None for f in found):
                size = min(found)
                return [(first_no_space(c), size, ()) for c in chunks]
    # chunks of one paragraph each, each at the largest size it fits (the floor at least: see above)
    out = []
    for it in items:
        c = first_no_space([it])
        size = ctx.largest_fit(c, sizes, box) or sizes[-1]
        out.append((c, size, ()))
    return out


def _fitting_parts(ctx: PlanContext, item: PlanPara, box: Box, floor: float) -> list[PlanPara]:
    """``item`` as it is when it fits the box alone at ``floor``, else split at sentences, then words."""
    if ctx.fits([replace(item, space_before=0.0)], floor, box):
        return [item]
    text = item.plain
    parts = sentences(text, ctx.words)
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


def _even(items: Sequence[PlanPara], k: int) -> list[list[PlanPara]]:
    n = len(items)
    return [list(items[round(i * n / k): round((i + 1) * n / k)]) for i in range(k)]


def _even_words(items: Sequence[PlanPara], k: int) -> list[list[PlanPara]]:
    """k contiguous chunks whose word counts are as even as a cut between items allows."""
    counts = [count_words(p.plain) for p in items]
    total, out, cur, acc = sum(counts), [], [], 0
    for it, c in zip(items, counts):
        goal = total * (len(out) + 1) / k
        if cur and len(out) < k - 1 and abs(acc + c - goal) > abs(acc - goal):
            out.append(cur)
            cur = []
        cur.append(it)
        acc += c
    out.append(cur)
    return out


def _within_words(item: PlanPara, max_words: int, ctx: PlanContext) -> list[PlanPara]:
    """``item`` as it is when it has at most ``max_words`` words, else its sentences grouped within the
    budget (a sentence longer than that cut at its words)."""
    max_words = max(1, max_words)  # a budget of 0 (a crowded slide) would cut nothing, for ever
    if count_words(item.plain) <= max_words:
        return [item]
    pieces: list[str] = []
    for s in sentences(item.plain, ctx.words):
        tokens = split_words(s)  # at breakable spaces: a date or a number stays whole
        while len(tokens) > max_words:
            pieces.append(" ".join(tokens[:max_words]))
            tokens = tokens[max_words:]
        if pieces and count_words(pieces[-1]) + len(tokens) <= max_words and pieces[-1][-1:] in ".!?…":
            pieces[-1] += " " + " ".join(tokens)
        elif tokens:
            pieces.append(" ".join(tokens))
    bold, italic = all(x.bold for x in item.spans), all(x.italic for x in item.spans)
    return [replace(item, spans=(Span(t, bold=bold, italic=italic),), space_before=item.space_before if j == 0 else 0.0,
                    bullet=item.bullet and j == 0) for j, t in enumerate(pieces)]


def _word_chunks(ctx: PlanContext, item: PlanPara, box: Box, floor: float) -> list[str]:
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


def first_no_space(chunk: Sequence[PlanPara]) -> list[PlanPara]:
    return [replace(p, space_before=0.0) if i == 0 else p for i, p in enumerate(chunk)]


def merge_prose(chunk: Sequence[PlanPara]) -> tuple[PlanPara, ...]:
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


def bullets_slides(ctx: PlanContext, *, kind: str, role: str, title: str, items: Sequence[PlanPara], notes: str,
                    section_id: Optional[str] = None, max_items: Optional[int] = None,
                    short_title: Optional[str] = None, loc: Loc = NOWHERE, variant: int = 0,
                    alternatives: Sequence[str] = ()) -> list[SlidePlan]:
    """Bullets over as many slides as they need. A statement title that a small title box cannot hold
    (at the smallest title size, even grown) gives way to ``short_title`` and leads the body instead.
    A short list that fits one slide may take a larger type size. ``alternatives``: other titles for
    the first slide, should another slide have its title (``finish.distinct_titles``)."""
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
    room = ctx.room(title, sum(count_words(p.plain) for p in lead))  # the word budget, less the title's
    if len(items) <= ctx.short_list and box is not None and sum(count_words(p.plain) for p in items) <= room:
        size = ctx.largest_fit(first_no_space(items), ctx.body_short, box)
        if size is not None:
            chunks = [(first_no_space(items), size, ())]
    if chunks is None:
        chunks = pack(ctx, items, box, ctx.sizes["body"], limit, f"‘{title}’", loc, max_words=lambda k: room - (
            count_words(continued(title, k - 1, k, ctx.deck_words)) - count_words(title)))
    out = []
    for i, (chunk, size, problems) in enumerate(chunks):
        t, tsize, theight = ctx.title(continued(title, i, len(chunks), ctx.deck_words), role, ctx.sizes["title"], loc, variant)
        paras = tuple(lead) + tuple(replace(p, space_before=ctx.space) if lead and j == 0 else p
                                    for j, p in enumerate(chunk))
        out.append(SlidePlan(role=role, kind=kind, title=t, title_size=tsize, title_height=theight,
                             blocks=(("body", TextBlock(paras, size)),), notes=notes, variant=variant,
                             section_id=section_id, footer=ctx.footer, loc=loc, problems=ctx.take() + problems,
                             titles=tuple(alternatives) if i == 0 else ()))
    return out


def bullet(ctx: PlanContext, spans: Sequence[Span]) -> PlanPara:
    return PlanPara(tuple(spans), bullet=True, space_before=ctx.space)
