"""The reading plan -> DeckPlan: which slides, on which layout, with which text. Pure: no files.

The planner walks the reading plan (``present.outline``), which says what comes in which order
and how each line reads, and decides how each part becomes slides: titles, bullets, their type
size, how a long list splits over slides, the notes behind each slide; the writer only puts the
plan into placeholders. Text is measured against the real placeholder boxes of the template in use
(``geometry``: for each role, the layouts that can serve it, best first), in the typeface each box
is set in, so what fits here fits on the slide. Nothing is planned that does not fit: text that
does not fit one slide at the smallest size splits, moves to a layout that holds it, or is
condensed on the slide with the whole of it in the notes.

    types      what a plan is made of          context   what the planners share
    condense   the language's sentences cut    fitting   text over slides at the theme's sizes
    front      title, agenda, key messages     sections  bullets, dividers, charts, quotes
    back       recommendations, people, sources
    finish     footers, distinct titles, numbered warnings
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Optional, Sequence

from ....errors import Problem
from ....present import View
from ....present.outline import KeyFiguresPart, KeyMessagesPart, PeoplePart, ReadingPlan, RecommendationsPart, SectionPart, TitlePart
from ..fit import Measurer
from .back import recommendation_slides, sources_slides, speaker_slides
from .condense import Words, clause_cuts, condensed, derive_bullet, sentences, word_cuts
from .context import PlanContext
from .finish import distinct_titles, numbered_warnings, plan_footers, title_sizes_per_layout
from .fitting import continued, pack
from .front import agenda_slides, key_figure_slides, key_message_slides, title_slide
from .sections import divider_slide, divider_variant, section_slides, wants_dividers
from .types import ROLES, DeckPlan, Geometry, PlanPara, SlidePlan, TextBlock, measure_paras

__all__ = ["plan_deck", "DeckPlan", "SlidePlan", "TextBlock", "PlanPara", "Geometry", "ROLES", "measure_paras", "Words",
           "sentences", "derive_bullet", "condensed", "clause_cuts", "word_cuts", "continued", "pack", "PlanContext"]


def plan_deck(view: View, *, theme, measurer: Measurer, geometry: Geometry,
              problems: Sequence[Problem] = (), charts=None, layouts: Optional[Mapping[tuple[str, int], int]] = None) -> DeckPlan:
    """``problems``: about the template itself (typefaces, contrast), reported with the deck's;
    ``charts``: the chart service, which splits a figure too long for one slide (else one slide each);
    ``layouts``: which of the template's layouts each (role, variant) is, where roles share one (content
    and chart slides often do): title sizes are kept to two per layout."""
    ctx = PlanContext(view, theme, measurer, geometry, charts)
    plan: ReadingPlan = view.plan
    opening = plan.find("opening")
    # the reading plan's parts in order; the deck adds an agenda after the title, and closes on the
    # sources (its closing layout) with the citation in their notes
    slides: list[SlidePlan] = []
    # the sections' own slides first: whether every section gets a divider, and on which layout, is
    # decided once for the deck from all of them
    bodies = {sp.id: section_slides(ctx, sp) for sp in plan.sections}
    divided = wants_dividers(ctx, plan.sections, list(bodies.values()))
    variant = divider_variant(ctx, plan.sections) if divided else 0
    for part in plan:
        if isinstance(part, TitlePart):
            slides.append(title_slide(ctx, part, opening))
            slides += agenda_slides(ctx, plan.sections, opening)
        elif isinstance(part, KeyMessagesPart):
            slides += key_message_slides(ctx, part, opening)
        elif isinstance(part, KeyFiguresPart):
            slides += key_figure_slides(ctx, part)
        elif isinstance(part, SectionPart):
            if divided:
                slides.append(divider_slide(ctx, part, variant))
            slides += bodies[part.id]
        elif isinstance(part, RecommendationsPart):
            slides += recommendation_slides(ctx, part)
        elif isinstance(part, PeoplePart):
            slides += speaker_slides(ctx, part)
    slides += sources_slides(ctx, plan.find("references"), plan.find("colophon"))
    slides, footer_problems = plan_footers(ctx, slides)
    slides = [replace(sp, notes=f"{ctx.cut_titles[sp.title]}\n\n{sp.notes}".strip()) if sp.title in ctx.cut_titles
              and ctx.cut_titles[sp.title] not in sp.notes else sp for sp in slides]
    slides = title_sizes_per_layout(ctx, distinct_titles(ctx, slides), layouts or {})
    numbered = tuple(replace(s, number=i) for i, s in enumerate(slides, 1))
    return DeckPlan(numbered, tuple(problems) + footer_problems + numbered_warnings(numbered))
