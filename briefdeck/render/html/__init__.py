"""The HTML edition: the brief as one accessible, self-contained web page.

``prepare(view, theme=, options=)`` then ``.render(out, charts)`` (the renderer protocol, see
``briefdeck.render``). It walks the same reading plan as the brief and the deck, so it says what
they say in the same order and words. One file that works offline, by email or uploaded
anywhere: the style sheet inline (from the theme's ``html.yaml``), no script, no web font, no
request leaving the file; charts inline as SVG (named by their alt text) with their data as a
table. Bytes depend only on the document and the theme.

Modules: ``document`` (the page and its head), ``parts`` (each part of the plan), ``inline``
(text runs, links), ``charts`` (sizes, inline SVG, data tables: ``svg``, ``table``),
``stylesheet`` (the CSS).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from ...present import View
from ...theme import Theme
from .. import RenderResult
from .charts import body_of, chart_request, figure_bodies
from .document import page
from .stylesheet import fonts, stylesheet

__all__ = ["prepare", "PreparedPage", "render_html"]


class PreparedPage:
    def __init__(self, view: View, theme: Theme, charts: Any = None, cache_dir: Any = None, editions=()):
        self.view, self.theme = view, theme
        self.editions = tuple(editions)  # ((format, file name), ...) built beside it: linked from the masthead
        self.charts = charts  # sizes a chart that would run over (a long timeline) to fit
        self.cache_dir = cache_dir  # where the fonts' names and widths are kept (metrics)

    def chart_requests(self) -> list[tuple]:
        return [chart_request(self.theme, f, self.charts) for f in self.view.doc.charted_figures]

    def inputs(self) -> list[Path]:
        return []

    def html(self, charts: Any, memo: Any = None) -> str:
        f = fonts(self.theme, self.cache_dir)
        bodies = figure_bodies(self.view, self.theme, f, charts, self.charts, self.cache_dir, memo)
        return page(self.view, stylesheet(self.theme, self.view.doc.meta.paper, self.cache_dir, pictures=_has_pictures(self.view.doc)), body_of(bodies), self.editions)

    def render(self, out_path: Path, charts: Any) -> RenderResult:
        from . import kept

        memo = kept.memo(str(self.view.doc.source_path), self.theme) if self.view.doc.charted_figures else None
        if memo is None and self.view.doc.charted_figures and self.cache_dir is not None \
                and not getattr(charts, "refresh", False):  # a process that builds once (not --force: made anew)
            from .kept_on_disk import DiskMemo

            memo = DiskMemo(Path(self.cache_dir) / "html-charts", self.theme)
        data = self.html(charts, memo).encode("utf-8")
        out_path = Path(out_path)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_bytes(data)
        return RenderResult(len(self.view.doc.figures), (), {"bytes": len(data)}, kept=memo.harvest() if memo is not None else None)


def keep_warm(view, *, theme, options: dict, cache_dir: Any, made: Any = None) -> None:
    """In a process that builds again and again (--watch): keep the charts the page of this build
    made (``made``: its RenderResult), for the next rebuild's page (kept.py)."""
    from . import kept

    kept.absorb(getattr(made, "kept", None))


def prepare(view: View, *, theme: Theme, options: Optional[dict] = None, charts: Any = None, cache_dir: Any = None) -> PreparedPage:
    """No options of its own but ``editions``, the other formats built beside it (linked from the
    masthead). ``charts``: the chart service, which sizes a chart that would run over its box to
    fit; ``cache_dir``: where the fonts' family names and widths are kept as JSON."""
    return PreparedPage(view, theme, charts, cache_dir, (options or {}).get("editions", ()))


def render_html(doc_or_view, out_path: Path, *, theme: Theme, charts: Any) -> dict:
    """Write the page to ``out_path`` (a convenience for tests and scripts); ``{"bytes": N}``."""
    from ...present import default_view

    view = doc_or_view if isinstance(doc_or_view, View) else default_view(doc_or_view, theme)
    result = prepare(view, theme=theme, charts=charts).render(Path(out_path), charts)
    return dict(result.details)


def _has_pictures(doc) -> bool:
    return (doc.event.logo is not None or any(o.logo for o in doc.organisations) or any(p.photo for p in doc.people)
            or any(f.picture for f in doc.figures))
