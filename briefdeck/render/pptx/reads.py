"""What making a slide reads, without python-pptx: which charts the deck places as pictures and at
what size (``picture_requests``), and everything ``DeckWriter.add_slide`` reads for a slide besides
the deck's context (``slide_reads``), by which ``replay`` and ``kept_deck`` know a slide made before.
Planning a deck and telling which of its slides are the last deck's import none of python-pptx.
"""
from __future__ import annotations

from .plan import DeckPlan, SlidePlan


def picture_requests(plan: DeckPlan, info, kept=()) -> list[tuple]:
    """(figure, "slide", width_in, height_in) of every chart placed as a picture (but on the slides
    at the positions ``kept``: put in again as the last rebuild made them)."""
    requests = []
    for pos, sp in enumerate(plan.slides, 1):
        fig = sp.figure
        if fig is None or sp.native is not None or fig.picture is not None or pos in kept:
            continue
        requests.append((fig, "slide", *_chart_size(sp, info)))
    return requests


def _chart_size(sp: SlidePlan, info) -> tuple[float, float]:
    rl = info.role(sp.role, sp.variant)
    box = sp.chart_box or (rl.slot("chart") or rl.slot("body")).box
    return box.width, box.height


def slide_reads(sp: SlidePlan, position: int, info, view, charts) -> tuple:
    """Everything ``DeckWriter.add_slide`` reads to make a slide besides the deck's context (the
    template, the theme, the language, the date: ``replay.context``): its plan and position, its
    layout's analysis, its figure's label and its chart's drawing (by the chart service's key, which
    names the drawing's bytes; a native chart's too: its look is drawn from the same), the logos of a
    title or closing slide and the slide's size they are placed by. Keep it in step with add_slide:
    a slide with the same reads is put in again as it was made (replay.py). Also the chart cache
    files it reads, noted as in use when it is put in again."""
    reads = [position, sp, info.role(sp.role, sp.variant)]
    files = ()
    fig = sp.figure
    if fig is not None:
        reads.append(view.figure_label(fig))
        if fig.picture is None:
            w, h = _chart_size(sp, info)
            key = charts.key(fig.chart, "slide", w, h)
            reads.append(key)
            if sp.native is None and getattr(charts, "cache_dir", None) is not None:
                files = (charts.cache_dir / f"{key}.svg", charts.cache_dir / f"{key}.png")
    if sp.kind == "title" or sp.role == "closing":
        title, colophon = view.plan.find("title"), view.plan.find("colophon")
        reads += [title.logo if title is not None else None, colophon.logos if colophon is not None else (), info.size]
    return tuple(reads), files
