"""A line of text measured once a process, not once a save.

matplotlib keeps the sizes of the texts it measured per renderer, and every save makes a new one:
a chart's text is measured for its layout, again for its SVG, and at the PNG's resolution for its
PNG, and a tick label such as '2015' again in every chart. Each measure is a layout by FreeType and
HarfBuzz (~0.25 ms). ``shared()`` has the two renderers a chart is saved with (SVG and Agg) keep
what they measured for the rest of the process, keyed by all their measure depends on: the loaded
font (``font_manager.get_font`` of the files the font properties find: the files, their hinting
and kerning factors), the size, for Agg the resolution and the hinting, and the text. The same key
is the same FreeType call on the same font object, so the same answer.

A line of a built-in chart font's plain characters is not even laid out once (``_composed``; the SVG's
TextToPath measures every line at 100 pt, scaled, Agg unhinted at its resolution): its width is what
``linewidth`` sums from the font's shipped metrics, its height and descent the union of its glyphs'
ink boxes, each glyph seen alone once a process.

Only inside the block (``mpl.draw``), only for renderers of exactly these classes with the
measuring methods this was written for, and never for math text or TeX: anything else is measured
as before. ``tests/test_chart_drawcost.py`` compares every answer with matplotlib's own.
"""
from __future__ import annotations

from contextlib import contextmanager

_KEPT = 20000  # answers kept; past it the memo starts again (a few MB at most)
_MEMO: dict = {}
_ORIGINAL: dict = {}  # class -> the method this was written for


def _written_for(cls, name: str) -> bool:
    own = cls.__dict__.get("get_text_width_height_descent")
    return own is not None and getattr(own, "__qualname__", "") == f"{name}.get_text_width_height_descent"


def _unhinted():
    """FreeType's no-hinting load flag, as mpl._UNHINTED (not imported from there: mpl imports this)."""
    try:
        from matplotlib.ft2font import LoadFlags

        return LoadFlags.NO_HINTING
    except ImportError:  # matplotlib < 3.10
        from matplotlib.ft2font import LOAD_NO_HINTING

        return LOAD_NO_HINTING


@contextmanager
def shared():
    """Within the block, SVG and Agg renderers answer a text's size from the process's memo."""
    from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.font_manager import fontManager, get_font
    from matplotlib.textpath import TextToPath

    no_hinting = _unhinted()

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
                _EXTENTS.clear()  # (its FT2Font objects too: a drawing server lives long)
            found = memo[key] = measure()
        return found

    def svg_measure(self, s, prop, ismath):
        if ismath or type(self) is not RendererSVG or type(self._text2path) is not TextToPath:
            return svg_own(self, s, prop, ismath)
        # TextToPath: the font at FONT_SCALE and DPI (class constants), no hinting, scaled to the size
        files = fontManager._find_fonts_by_props(prop)
        font = get_font(files)
        return kept(("svg", font, prop.get_size_in_points(), s),
                    lambda: (self._text2path.DPI == 72 and _composed(font, files, s, float(self._text2path.FONT_SCALE), 72,
                                                                    prop.get_size_in_points() / self._text2path.FONT_SCALE))
                    or svg_own(self, s, prop, ismath))

    def agg_measure(self, s, prop, ismath):
        if ismath or type(self) is not RendererAgg:
            return agg_own(self, s, prop, ismath)
        files = fontManager._find_fonts_by_props(prop)
        font = get_font(files)  # what RendererAgg._prepare_font loads
        flag = get_hinting_flag()
        return kept(("agg", font, prop.get_size_in_points(), self.dpi, flag, s),
                    lambda: (flag == no_hinting and _composed(font, files, s, prop.get_size_in_points(), self.dpi, 1.0))
                    or agg_own(self, s, prop, ismath))

    _ORIGINAL.update({RendererSVG: svg_own, RendererAgg: agg_own})
    RendererSVG.get_text_width_height_descent = svg_measure
    RendererAgg.get_text_width_height_descent = agg_measure
    try:
        yield
    finally:
        RendererSVG.get_text_width_height_descent = svg_own
        RendererAgg.get_text_width_height_descent = agg_own
        _ORIGINAL.clear()


_EXTENTS: dict = {}  # (FT2Font, size, dpi, glyph's characters) -> (top, bottom) of its ink, 26.6; cleared with _MEMO


def _composed(font, files, s: str, size: float, dpi, scale: float):
    """What a layout of the line ``s`` on ``font`` at ``size`` points and ``dpi``, unhinted, measures
    (``set_text``; ``get_width_height``, ``get_descent``: width, height and descent in 26.6, over 64,
    times ``scale``), for a line of a built-in chart font's plain characters, without laying it out
    (a layout by HarfBuzz and FreeType loads every glyph: 0.25 ms a label): its width is the sum
    ``linewidth`` makes of the font's shipped metrics (exact but for the widest glyphs at large sizes),
    its height and descent those of the union of its glyphs' ink boxes, each glyph's seen alone once
    a process on this very font (a line only moves a glyph sideways). None where that is not known:
    the line is laid out as before. TextToPath (the SVG) measures at 100 pt and 72 dpi, scaled; Agg
    at the size and its resolution."""
    from matplotlib import rcParams

    from .linewidth import advance, glyphs_of
    from .shipped import plain_chars

    no_hinting = _unhinted()
    if len(files) != 1 or not s or rcParams["text.kerning_factor"] not in (None, 0) or dpi != int(dpi):
        return None
    path, dpi = str(files[0]), int(dpi)
    width = advance(path, s, size, dpi)  # None unless every character is plain and shipped for this font
    if width is None:
        return None
    top = bottom = None
    for glyph in glyphs_of(s, plain_chars(path)[2]):
        found = _EXTENTS.get((font, size, dpi, glyph))
        if found is None:
            font.set_size(size, dpi)  # as the renderers set it (each sets its own size before measuring)
            font.set_text(glyph, 0.0, flags=no_hinting)
            h, d = font.get_width_height()[1], font.get_descent()
            found = _EXTENTS[(font, size, dpi, glyph)] = (h - d, -d)
        top = found[0] if top is None else max(top, found[0])
        bottom = found[1] if bottom is None else min(bottom, found[1])
    return width / 64.0 * scale, (top - bottom) / 64.0 * scale, -bottom / 64.0 * scale
