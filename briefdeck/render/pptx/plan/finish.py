"""The deck as a whole, once its slides are planned: running footers, distinct titles, numbered warnings."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional, Sequence

from ....errors import Problem
from ....model import Span
from ..fit import Box
from .condense import clause_cuts, word_cuts
from .context import PlanContext
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
            for base in [sp.title] + clause_cuts(sp.title, ctx.words) + word_cuts(sp.title):
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


def numbered_warnings(slides) -> tuple[Problem, ...]:
    return tuple(replace(p, message=f"slide {s.number}: {p.message}") for s in slides for p in s.problems)
