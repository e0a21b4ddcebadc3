"""The renderer protocol and registry: every output format says what it is, what it takes and what it made.

A renderer module (imported only when its format is built, so checks and no-op rebuilds never
pay for reportlab or python-pptx) has::

    prepare(view, *, theme, options, charts=None, cache_dir=None) -> Prepared
        view: present.View (the document and the words a reader sees), options: its own
        settings by name (from the command line; a renderer falls back to the source's meta),
        charts: the build's ChartService, for layout that depends on a chart (a figure too
        long for its box is split: ``charts.parts``); None plans as if every chart fits;
        cache_dir: a folder of the build's where the renderer may keep, as plain data keyed by
        the content it came from, what it derived from its inputs (a template's analysis), or None

and the ``Prepared`` object it returns has::

    chart_requests() -> [(figure, target, width_in, height_in), ...]  # drawn in one batch first
    inputs() -> [Path, ...]                                          # files it reads besides the theme
    render(out_path, charts) -> RenderResult

The command line takes its ``--format`` choices and each renderer's options from ``RENDERERS``;
the manifest counts what each made in its ``unit``. Registering a name twice is an error.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass(frozen=True)
class RendererOption:
    """A setting a renderer takes, offered on the command line as ``--NAME``."""

    name: str
    help: str
    choices: Optional[tuple[str, ...]] = None
    path: bool = False  # a file name (resolved against the working folder)
    metavar: Optional[str] = None


@dataclass(frozen=True)
class RenderResult:
    count: int  # pages, slides...: in the renderer's unit
    warnings: tuple = ()  # errors.Problem, located in the source
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Renderer:
    name: str  # the format: "pdf"
    suffix: str  # ".pdf"
    unit: str  # "pages"
    title: str  # what it makes, for help texts: "the PDF brief"
    module: str  # imported only when the format is built
    options: tuple[RendererOption, ...] = ()

    def load(self):
        return importlib.import_module(self.module)

    def prepare(self, view, *, theme, options: dict[str, Any], charts=None, cache_dir=None):
        own = {o.name: options.get(o.name) for o in self.options}
        return self.load().prepare(view, theme=theme, options=own, charts=charts, cache_dir=cache_dir)


RENDERERS: dict[str, Renderer] = {}


def register(renderer: Renderer) -> Renderer:
    if renderer.name in RENDERERS:
        raise ValueError(f"renderer '{renderer.name}' is already registered")
    RENDERERS[renderer.name] = renderer
    return renderer


register(Renderer("pdf", ".pdf", "pages", "the PDF brief", "briefdeck.render.pdf", (
    RendererOption("paper", "paper size of the brief (overrides the source's meta.paper)", choices=("a4", "letter")),
)))
register(Renderer("pptx", ".pptx", "slides", "the PowerPoint deck", "briefdeck.render.pptx", (
    RendererOption("template", "deck template .pptx whose layouts, colours and fonts the deck uses (overrides meta.template)",
                   path=True, metavar="FILE"),
    RendererOption("slides", "build a subset deck: slide numbers of the full deck ('1-3,7') or a section id"),
)))
