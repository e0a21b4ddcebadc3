"""The deck as a whole, once its slides are planned: running footers, distinct titles, numbered warnings."""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Optional, Sequence

from ....errors import Problem
from ....model import Span
from ..fit import Box
from .condense import clause_cuts, word_cuts
from .context import PlanContext
from .fitting import continued
from .types import PlanPara, SlidePlan


def fit_footer(ctx: PlanContext, role: str, text: str, sizes: Sequence[float], variant: int = 0,
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


def plan_footers(ctx: PlanContext, slides: list[SlidePlan]) -> tuple[list[SlidePlan], tuple[Problem, ...]]:
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


def distinct_titles(ctx: PlanContext, slides: list[SlidePlan]) -> list[SlidePlan]:
    """No two slides share a title (a screen reader's slide list must tell them apart). The first keeps
    it; a repeat takes one of its own other titles that fit ("… (Figure 2)");
    those left are numbered together, "(1)", "(2)", never a "(2)" without a "(1)". After its part's
    divider, a lone repeat is that part "(continued)"."""
    groups: dict[str, list[int]] = {}
    for i, sp in enumerate(slides):
        groups.setdefault(_same(sp.title), []).append(i)
    used = set(groups)
    out = list(slides)
    for key, idx in groups.items():
        if len(idx) == 1:
            continue
        title = slides[idx[0]].title
        left = []
        for i in idx[1:]:
            sp = slides[i]
            alt = next((t for t in sp.titles if _same(t) not in used and _refit(ctx, sp, t)), None)
            if alt is None:
                left.append(i)
            else:
                used.add(_same(alt))
                out[i] = _refit(ctx, sp, alt)
        if not left:
            continue
        numbered = left if slides[idx[0]].kind == "section" else [idx[0]] + left
        for n, i in enumerate(numbered, 1):
            sp = slides[i]
            bases = [title] + clause_cuts(title, ctx.words) + word_cuts(title)  # cut to fit, never overflowing
            cands = [continued(b, 1, 2, ctx.deck_words) if len(numbered) == 1 else f"{b} ({n})" for b in bases]
            hit = next((r for t in cands if _same(t) not in used and (r := _refit(ctx, sp, t)) is not None), None)
            out[i] = hit or replace(sp, title=cands[-1])
            used.add(_same(out[i].title))
    return out


def _same(title: str) -> str:
    """A title as a reader hears it: the no-break spaces and joiners the slide sets are spaces or nothing
    ("… (continued)" planned with a plain space and with a no-break one is one title)."""
    return " ".join(title.replace("\u2060", "").replace("\u00a0", " ").replace("\u202f", " ").split())


def _refit(ctx: PlanContext, sp: SlidePlan, title: str) -> Optional[SlidePlan]:
    """``sp`` retitled, at its own title size where the new title fits it, else at the size it fits."""
    hit = ctx.fit_title([title], sp.role, [sp.title_size], sp.variant) or \
        ctx.fit_title([title], sp.role, ctx.title_sizes(ctx.sizes["title"]), sp.variant)
    return replace(sp, title=hit[0], title_size=hit[1], title_height=hit[2]) if hit else None


def title_sizes_per_layout(ctx: PlanContext, slides: list[SlidePlan], layouts: Mapping[tuple[str, int], int]) -> list[SlidePlan]:
    """At most two title sizes on the slides of one layout, so titles do not jump from slide to slide:
    where a layout's titles came out in more, the size most of them have stays (a title set larger
    comes down to it) and the titles that needed less all take the smallest of them. A smaller size
    that a title fits at is always found: a title that fits a box at one size fits it at a smaller."""
    groups: dict[tuple, list[int]] = {}
    for i, sp in enumerate(slides):
        key = (sp.role, sp.variant)
        groups.setdefault(layouts.get(key, key), []).append(i)
    out = list(slides)
    for idx in groups.values():
        sizes = [slides[i].title_size for i in idx]
        if len(set(sizes)) <= 2:
            continue
        common = max(set(sizes), key=lambda z: (sizes.count(z), z))
        low = min(sizes)
        for i in idx:
            sp = slides[i]
            want = common if sp.title_size >= common else low
            if want == sp.title_size:
                continue
            hit = ctx.fit_title([sp.title], sp.role, [want], sp.variant)
            if hit is None and want == common:  # (a grown box at the larger size only): the smallest
                want, hit = low, ctx.fit_title([sp.title], sp.role, [low], sp.variant)
            if hit is not None:
                out[i] = replace(sp, title=hit[0], title_size=hit[1], title_height=hit[2])
    return out


def numbered_warnings(slides) -> tuple[Problem, ...]:
    return tuple(replace(p, message=f"slide {s.number}: {p.message}") for s in slides for p in s.problems)
