"""The page's charts: which size each is asked for, and each as inline SVG with its data table.

Charts are asked of the chart service like the brief's ("page" target: print sizes of type,
text as text): at the theme's ``html.figure`` size, which is the brief's main column, so a build
of both formats draws a chart once. The page scales the drawing to its column; the data stays
readable at any size in the table under it.
"""
from __future__ import annotations

from typing import Any

from ...model import Figure
from ...present import View
from ...present.outline import FigurePart
from ...theme import Theme
from .inline import esc
from .metrics import measure_for
from .parts import picture
from .stylesheet import Fonts
from .svg import inline_svg
from .table import data_table

TARGET = "page"
_MM = 1 / 25.4  # inches


def chart_request(theme: Theme, fig: Figure, charts: Any = None) -> tuple[Figure, str, float, float]:
    node = theme.get("html.figure")
    w = node["width_mm"] * _MM
    h = min(w * node["aspect_by_kind"].get(fig.chart.kind, node["aspect"]), node["max_height_mm"] * _MM)
    if charts is not None and hasattr(charts, "fit_height"):  # a long timeline: as tall as it needs
        h = charts.fit_height(fig, TARGET, w, h, max(node["tall_max_height_mm"] * _MM, h))
    return fig, TARGET, w, h


def figure_bodies(view: View, theme: Theme, fonts: Fonts, charts: Any, sizing: Any = None,
                  cache_dir: Any = None, memo: Any = None) -> dict[str, tuple[str, str]]:
    """Figure id -> (the chart as inline SVG, its data table in a ``<details>``). ``memo``
    (``kept.Memo``): each made as the last rebuild made it from the same arguments (--watch)."""
    figs = view.doc.charted_figures
    requests = [chart_request(theme, f, sizing) for f in figs]
    rendered = charts.render_many(requests) if hasattr(charts, "render_many") else [charts.render(*r) for r in requests]
    out = {}
    measure = measure_for(theme, cache_dir) if figs else None

    def made(what: str, args: tuple, make):
        return memo.get(what, args, make) if memo is not None else make()

    for f, r in zip(figs, rendered):
        fp = view.plan.figure(f)
        desc = f"{fp.label}{view.figure_separator}{fp.caption.plain}"
        svg = made("svg", (r.svg, f.anchor, f.alt, desc, sorted(fonts.by_family.items()), fonts.headings),
                   lambda: inline_svg(r.svg, prefix=f.anchor, title=f.alt, desc=desc, fonts=fonts.by_family,
                                      default_font=fonts.headings, measure=measure))
        caption, region = f.chart.title or fp.caption.plain, view.term("html", "data_region", figure=fp.label)
        table = made("table", (f.chart, caption, region), lambda: data_table(f.chart, caption, region_label=region))
        out[f.id] = (f'<div class="chart-img">{svg}</div>',
                     f'<details><summary>{esc(view.term("html", "data", figure=fp.label))}</summary>{table}</details>')
    for f in view.doc.figures:  # a photograph: the picture, embedded; no data table
        if f.picture is not None:
            out[f.id] = (f'<div class="chart-img">{picture(f.picture, "photograph")}</div>', "")
    return out


def body_of(bodies: dict[str, tuple[str, str]]):
    def body(fp: FigurePart) -> tuple[str, str]:
        return bodies[fp.figure.id]

    return body
