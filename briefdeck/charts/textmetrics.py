"""A line of text measured once a process, not once a save.

matplotlib keeps the sizes of the texts it measured per renderer, and every save makes a new one:
a chart's text is measured for its layout, again for its SVG, and at the PNG's resolution for its
PNG, and a tick label such as '2015' again in every chart. Each measure is a layout by FreeType and
HarfBuzz (~0.25 ms). ``shared()`` has the two renderers a chart is saved with (SVG and Agg) keep
what they measured for the rest of the process, keyed by all their measure depends on: the loaded
font (``font_manager.get_font`` of the files the font properties find: the files, their hinting
and kerning factors), the size, for Agg the resolution and the hinting, and the text. The same key
is the same FreeType call on the same font object, so the same answer.

Only inside the block (``mpl.draw``), only for renderers of exactly these classes with the
measuring methods this was written for, and never for math text or TeX: anything else is measured
as before. ``tests/test_chart_textmetrics.py`` compares every answer with matplotlib's own.
"""
from __future__ import annotations

from contextlib import contextmanager

_KEPT = 20000  # answers kept; past it the memo starts again (a few MB at most)
_MEMO: dict = {}
_ORIGINAL: dict = {}  # class -> the method this was written for


def _written_for(cls, name: str) -> bool:
    own = cls.__dict__.get("get_text_width_height_descent")
    return own is not None and getattr(own, "__qualname__", "") == f"{name}.get_text_width_height_descent"


@contextmanager
def shared():
    """Within the block, SVG and Agg renderers answer a text's size from the process's memo."""
    from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.font_manager import fontManager, get_font
    from matplotlib.textpath import TextToPath

    if _ORIGINAL or not (_written_for(RendererSVG, "RendererSVG") and _written_for(RendererAgg, "RendererAgg")
                         and _written_for(TextToPath, "TextToPath")):
        yield  # already inside (nested), or not the methods this was written for
        return
    svg_own = RendererSVG.__dict__["get_text_width_height_descent"]
    agg_own = RendererAgg.__dict__["get_text_width_height_descent"]
    memo = _MEMO

    def kept(key, measure):
        found = memo.get(key)
        if found is None:
            if len(memo) >= _KEPT:
                memo.clear()
            found = memo[key] = measure()
        return found

    def svg_measure(self, s, prop, ismath):
        if ismath or type(self) is not RendererSVG or type(self._text2path) is not TextToPath:
            return svg_own(self, s, prop, ismath)
        # TextToPath: the font at FONT_SCALE and DPI (class constants), no hinting, scaled to the size
        font = get_font(fontManager._find_fonts_by_props(prop))
        return kept(("svg", font, prop.get_size_in_points(), s), lambda: svg_own(self, s, prop, ismath))

    def agg_measure(self, s, prop, ismath):
        if ismath or type(self) is not RendererAgg:
            return agg_own(self, s, prop, ismath)
        font = get_font(fontManager._find_fonts_by_props(prop))  # what RendererAgg._prepare_font loads
        return kept(("agg", font, prop.get_size_in_points(), self.dpi, get_hinting_flag(), s),
                    lambda: agg_own(self, s, prop, ismath))

    _ORIGINAL.update({RendererSVG: svg_own, RendererAgg: agg_own})
    RendererSVG.get_text_width_height_descent = svg_measure
    RendererAgg.get_text_width_height_descent = agg_measure
    try:
        yield
    finally:
        RendererSVG.get_text_width_height_descent = svg_own
        RendererAgg.get_text_width_height_descent = agg_own
        _ORIGINAL.clear()
