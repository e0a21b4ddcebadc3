"""The PowerPoint deck: view -> plan (pure, measured) -> .pptx on the default or a user template.

``prepare(view, theme=, options=)`` then ``.render(out, charts)``: the renderer protocol
(``briefdeck.render``). Options: ``template`` (a .pptx; else the source's meta.template, else
the theme's) and ``slides`` (a subset: "1-3,7" or a section id).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

from ...dataclass_code import dataclass
from ...present import View, default_view
from ...templatesafety import hostile
from .. import RenderResult
from .fit import Measurer
from .warm import keep_warm  # noqa: F401 -- api.warm_up's processes: the template looked at once
from .plan import DeckPlan, plan_deck
from .select import select
from .template.opening import opened, template_to_open
from .template.ranking import map_roles
from .template.report import check_template, check_template_command, format_report
from .template_look import chart_look, substitution_warnings, with_chart_look

__all__ = ["render_pptx", "prepare", "check_template", "check_template_command", "format_report", "build_plan", "PreparedDeck"]


def _template(view: View, template: Optional[Path]) -> Optional[Path]:
    return Path(template) if template else (Path(view.doc.meta.template) if view.doc.meta.template else None)


def build_plan(doc_or_view, *, theme, template: Optional[Path] = None, slides: Optional[str] = None, charts=None,
               cache_dir: Optional[Path] = None):
    """The slide plan for a document on a template, and the opened template (for the writer).
    ``charts``: the chart service, asked to split a figure too long for one slide; ``cache_dir``:
    where the template's analysis is kept for the next build."""
    view = doc_or_view if isinstance(doc_or_view, View) else default_view(doc_or_view, theme)
    from .warm import take_opened

    # opened when first looked into (template.opening.Unopened): not when the analysis is kept and
    # the deck is put in from the last one (kept_deck)
    prs, path, findings = take_opened(_template(view, template), theme) or template_to_open(_template(view, template), theme)
    info = map_roles(prs, path, theme, cache_dir=cache_dir)
    layouts = {(r, v): rl.layout_index for r, rls in info.roles.items() for v, rl in enumerate(rls)}
    own = _template(view, template) is not None  # someone else's template: its look, not ours
    problems = info.problems + (substitution_warnings(info, str(path)) if own else ())
    full = plan_deck(view, theme=theme, measurer=info.measurer, geometry=info.geometry(), problems=problems,
                     charts=charts, layouts=layouts)
    if own:
        full = with_chart_look(full, chart_look(theme, prs, info))
    plan = select(full, slides)
    if template or not view.doc.meta.template:  # the source's own template was reported by the loader
        plan = replace(plan, warnings=tuple(hostile.problems(findings, str(path))) + plan.warnings)
    return plan, prs, info, info.measurer


@dataclass
class PreparedDeck:
    """A planned deck on its opened template: what to draw, before anything is drawn."""

    view: View
    theme: Any
    plan: DeckPlan
    prs: Any
    info: Any
    measurer: Measurer
    charts: Any = None  # the build's chart service (the keys of the slides' drawings)
    cache_dir: Optional[Path] = None  # the build's derived folder (kept_deck's entries)
    _kept: Any = None

    def kept(self):
        """The slides of the last rebuild this deck puts in again (``replay.Session``), in a process
        that builds again and again (--watch); else None."""
        from . import replay

        if self._kept is None and replay.on() and self.charts is not None:
            from .reads import slide_reads

            self._kept = replay.Session(str(self.view.doc.source_path), self.prs, self.theme, self.view, self.plan,
                                        self.info, self.charts, slide_reads)
        return self._kept

    def chart_requests(self) -> list[tuple]:
        from .reads import picture_requests

        kept = self.kept()
        return picture_requests(self.plan, self.info, kept.records if kept is not None else ())

    def inputs(self) -> list[Path]:
        """The template, its side file and the font files it names: a change to any rebuilds the deck."""
        return [Path(p) for p in self.info.inputs()]

    def render(self, out_path: Path, charts: Any) -> RenderResult:
        session = self.kept()
        if session is None:  # a process that builds once: the last deck, when only speaker notes changed
            from . import kept_deck

            size = kept_deck.take(self, charts, Path(out_path))
            if size is not None:
                return self._result(size)
        from .package import save  # python-pptx: from here on
        from .writer import DeckWriter
        from .zipwrite import KeptDeflate

        self.prs = opened(self.prs)
        writer = DeckWriter(self.prs, self.info, self.view, self.theme, charts, session)
        writer.write(self.plan)
        # the zip's large entries (the charts) as an earlier build deflated them, kept beside the charts
        folder = getattr(charts, "cache_dir", None)
        kept = KeptDeflate(folder, refresh=getattr(charts, "refresh", False)) if folder is not None else None
        if session is not None:
            from .zipwrite import deflate

            kept = session.deflate(kept or deflate)
        saved: list = []
        size = save(self.prs, Path(out_path), self.view.doc.meta.updated, kept, saved if session is not None else None)
        harvest = session.harvest(self.prs, [l.part for l in writer.layouts], saved) if session is not None else None
        if session is None:
            from . import kept_deck

            kept_deck.remember(self, charts, Path(out_path), kept.files if kept is not None else [])
        return self._result(size, harvest)

    def _result(self, size: int, harvest=None) -> RenderResult:
        return RenderResult(len(self.plan.slides), tuple(self.plan.warnings), {
            "bytes": size, "template": str(self.info.path), "roles": {r: rl[0].layout_name for r, rl in self.info.roles.items()}},
            kept=harvest)


def prepare(view: View, *, theme, options: Optional[dict] = None, charts=None, cache_dir=None) -> PreparedDeck:
    opts = options or {}
    plan, prs, info, measurer = build_plan(view, theme=theme, template=opts.get("template"), slides=opts.get("slides"),
                                           charts=charts, cache_dir=cache_dir)
    return PreparedDeck(view, theme, plan, prs, info, measurer, charts, cache_dir)


def render_pptx(doc_or_view, out_path: Path, *, theme, charts, template: Optional[Path] = None,
                slides: Optional[str] = None) -> dict:
    """Write the deck (a convenience for tests and scripts); slides, warnings, bytes, template, roles."""
    view = doc_or_view if isinstance(doc_or_view, View) else default_view(doc_or_view, theme)
    result = prepare(view, theme=theme, options={"template": template, "slides": slides}, charts=charts).render(Path(out_path), charts)
    return {"slides": result.count, "warnings": list(result.warnings), **result.details}
