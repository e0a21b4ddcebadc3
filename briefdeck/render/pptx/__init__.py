"""The PowerPoint deck: Document -> plan (pure, measured) -> .pptx on the default or a user template."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from .fit import Measurer
from .plan import DeckPlan, plan_deck, select
from .template import check_template, font_files_for, format_report, map_roles, open_template, template_font

__all__ = ["render_pptx", "prepare", "check_template", "format_report", "build_plan"]


def measurer_for(theme, prs=None) -> Measurer:
    """Measure with the font the deck will be drawn in: Carlito for Calibri, else the template's font."""
    regular, bold = font_files_for(template_font(prs), theme) if prs is not None else (
        theme.font_file("deck", "regular"), theme.font_file("deck", "bold"))
    return Measurer(regular, bold, theme.get("deck.type.line_height"))


def build_plan(doc, *, theme, template: Optional[Path] = None, slides: Optional[str] = None):
    """The slide plan for a document on a template, and the opened template (for the writer)."""
    prs, path = open_template(template or (Path(doc.meta.template) if doc.meta.template else None), theme)
    info = map_roles(prs, path, theme)
    measurer = measurer_for(theme, prs)
    full = plan_deck(doc, theme=theme, measurer=measurer, geometry=info.geometry(), grow=info.growable())
    full = _name_slides_in_warnings(full)
    return select(full, slides), prs, info, measurer


@dataclass
class PreparedDeck:
    """A planned deck on its opened template: what to draw, before anything is drawn.

    A build asks it for ``chart_requests()`` (to draw every chart of every format in one
    parallel batch) and then hands it to ``render_pptx`` so the plan is not made twice.
    """

    plan: DeckPlan
    prs: Any
    info: Any
    measurer: Measurer

    def chart_requests(self) -> list[tuple]:
        from .writer import picture_requests

        return picture_requests(self.plan, self.info)


def prepare(doc, *, theme, template: Optional[Path] = None, slides: Optional[str] = None) -> PreparedDeck:
    return PreparedDeck(*build_plan(doc, theme=theme, template=template, slides=slides))


def render_pptx(doc, out_path: Path, *, theme, charts, template: Optional[Path] = None,
                slides: Optional[str] = None, prepared: Optional[PreparedDeck] = None) -> dict:
    from .writer import DeckWriter, save

    p = prepared or prepare(doc, theme=theme, template=template, slides=slides)
    plan, prs, info, measurer = p.plan, p.prs, p.info, p.measurer
    writer = DeckWriter(prs, info, doc, theme, charts, measurer)
    writer.write(plan)
    size = save(prs, Path(out_path), doc.meta.updated)
    return {"slides": len(plan.slides), "warnings": list(plan.warnings) + writer.warnings, "bytes": size,
            "template": str(info.path), "roles": {r: rl.layout_name for r, rl in info.roles.items()}}


def _name_slides_in_warnings(plan: DeckPlan) -> DeckPlan:
    from dataclasses import replace

    out = []
    for w in plan.warnings:
        hit = next((s for s in plan.slides if s.title and f"‘{s.title}" in w), None)
        out.append(f"slide {hit.number}: {w}" if hit else w)
    return replace(plan, warnings=tuple(out))


render = render_pptx  # the uniform entry point the build's renderer registry calls
