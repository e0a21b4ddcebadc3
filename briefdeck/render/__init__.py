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

and, for a process that builds again and again (--watch, ``api.warm_up``), optionally
``keep_warm(view, *, theme, options, cache_dir, made)`` (after each build; ``made``: the format's
RenderResult of this build, whose ``kept`` it may keep for the next, or None).

A registry entry says everything the rest of briefdeck needs to know about a format, so a new
one is a package under ``render/`` plus an entry here: the command line takes its ``--format``
choices, each renderer's options and its commands (``--check-template``) from ``RENDERERS``; the
theme reads the renderer's file (``theme_part``: ``themes/NAME/brief.yaml``); the words it prints
on its own are its ``locale_section`` of the locale files; the build key holds the versions of its
``libraries``; the manifest counts what it made in its ``unit``; formats of one ``chart_target`` are
made in one process, so a chart they share is drawn once. Registering a name twice is an
error. This module imports nothing of briefdeck, so the theme and the presentation layer can read
it without loading a renderer.
"""
from __future__ import annotations

import importlib
from dataclasses import field
from typing import Any, Optional

from ..dataclass_code import dataclass


@dataclass(frozen=True)
class RendererOption:
    """A setting a renderer takes, offered on the command line as ``--NAME``."""

    name: str
    help: str
    choices: Optional[tuple[str, ...]] = None
    path: bool = False  # a file name (resolved against the working folder)
    metavar: Optional[str] = None


@dataclass(frozen=True)
class RendererCommand:
    """Something a renderer does instead of a build, offered on the command line as ``--NAME VALUE``:
    ``function`` (a name in the renderer's module) is called as ``function(value, strict=)`` and
    returns a ``CommandResult``."""

    name: str
    help: str
    function: str
    path: bool = False  # the value is a file name (resolved against the working folder)
    metavar: Optional[str] = None


@dataclass(frozen=True)
class CommandResult:
    text: str  # what it prints (--log-format text)
    data: dict  # the same as data (--log-format json)
    ok: bool  # False: the command line exits 2


@dataclass(frozen=True)
class RenderResult:
    count: int  # pages, slides...: in the renderer's unit
    warnings: tuple = ()  # errors.Problem, located in the source
    details: dict = field(default_factory=dict)
    # what a renderer keeps for its next build in a process that builds again and again (--watch): it
    # travels back from a forked format process to the watching one, which hands it to the renderer's
    # ``keep_warm`` (``made``); not part of the output
    kept: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Renderer:
    name: str  # the format: "pdf"
    suffix: str  # ".pdf"
    unit: str  # "pages"
    title: str  # what it makes, for help texts: "the PDF brief"
    module: str  # imported only when the format is built
    options: tuple[RendererOption, ...] = ()
    theme_part: Optional[str] = None  # its settings: themes/NAME/<theme_part>.yaml, read as theme.get("<part>.…")
    locale_section: Optional[str] = None  # the words only it prints: the <section>: of the locale files
    libraries: tuple[str, ...] = ()  # distributions (as pip names them) whose version is part of the build key
    commands: tuple[RendererCommand, ...] = ()
    links_editions: bool = False  # it links to the other formats built beside it: they reach it as options["editions"]
    chart_target: str = "page"  # the chart target it draws for: formats of one target share drawings (api._process_groups)

    def load(self):
        return importlib.import_module(self.module)

    def run(self, command: str, value: Any, *, strict: bool = False) -> CommandResult:
        """Run one of its ``commands`` by name."""
        cmd = next(c for c in self.commands if c.name == command)
        return getattr(self.load(), cmd.function)(value, strict=strict)

    def prepare(self, view, *, theme, options: dict[str, Any], charts=None, cache_dir=None):
        own = {o.name: options.get(o.name) for o in self.options}
        if self.links_editions:
            own["editions"] = tuple(options.get("editions", ()))  # ((format, file name), ...)
        return self.load().prepare(view, theme=theme, options=own, charts=charts, cache_dir=cache_dir)


RENDERERS: dict[str, Renderer] = {}
# set by api.warm_up in a process that builds again and again (--watch): from then on each build keeps
# what it made for the next (a renderer's ``RenderResult.kept``, ``keep_warm``); never in one that builds once
KEEPING: list[bool] = []


def keeping() -> bool:
    return bool(KEEPING)


KEPT_SOURCES = 8  # sources whose last rebuild a renderer keeps (the sources watched together)


def used_and_made(old: dict, used, made: dict) -> dict:
    """What a rebuild leaves to the next (``RenderResult.kept``): of what was kept (``old``), what it
    used (the keys ``used``), and what it made anew; nothing else, so what is kept stays bounded."""
    kept = {k: old[k] for k in used if k in old}
    kept.update(made)
    return kept


def keep_for_source(kept: dict, source: str, value) -> None:
    """``value`` kept in ``kept`` for ``source``'s next rebuild, in place of its last; the oldest
    source's goes when ``KEPT_SOURCES`` are kept."""
    kept.pop(source, None)
    if len(kept) >= KEPT_SOURCES:
        kept.pop(next(iter(kept)))
    kept[source] = value


def register(renderer: Renderer) -> Renderer:
    if renderer.name in RENDERERS:
        raise ValueError(f"renderer '{renderer.name}' is already registered")
    RENDERERS[renderer.name] = renderer
    return renderer


def theme_parts() -> tuple[str, ...]:
    """The renderers' theme files, in the order they are registered."""
    return tuple(r.theme_part for r in RENDERERS.values() if r.theme_part)


def commands() -> list[tuple[Renderer, RendererCommand]]:
    return [(r, c) for r in RENDERERS.values() for c in r.commands]


register(Renderer("pdf", ".pdf", "pages", "the PDF brief", "briefdeck.render.pdf", (
    RendererOption("paper", "paper size of the brief (overrides the source's meta.paper)", choices=("a4", "letter")),
), theme_part="brief", locale_section="brief", libraries=("reportlab", "svglib", "segno", "pyphen")))
register(Renderer("pptx", ".pptx", "slides", "the PowerPoint deck", "briefdeck.render.pptx", (
    RendererOption("template", "deck template .pptx whose layouts, colours and fonts the deck uses (overrides meta.template)",
                   path=True, metavar="FILE"),
    RendererOption("slides", "build a subset deck: slide numbers of the full deck ('1-3,7') or a section id"),
), theme_part="deck", locale_section="deck", libraries=("python-pptx", "XlsxWriter", "lxml", "Pillow", "numpy"), commands=(
    RendererCommand("check-template", "report which slide roles a .pptx template can serve, then exit", "check_template_command",
                    path=True, metavar="FILE"),
), chart_target="slide"))
register(Renderer("html", ".html", "figures", "the accessible web page (HTML edition)", "briefdeck.render.html",
                  theme_part="html", locale_section="html", libraries=("fonttools",), links_editions=True))
