"""How wide a chart's text is in the theme's own font, so the page can hold it to that width.

A chart is laid out for the theme's font (Noto Sans), but a reader's browser sets its text in
whatever face of the stack it has: a wider one would run labels into each other and past the
drawing's edge. Each ``<text>`` therefore carries the width it has in the theme's font
(``textLength``): the browser fits its own face to it. Widths come from the font files' advance
widths (fontTools; no matplotlib), which is what the chart service lays out with, less kerning.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

from ...errors import ThemeError
from ...theme import Theme
from .stylesheet import family_name

Measure = Callable[[str, bool, bool, str, float], Optional[float]]  # (family, bold, italic, text, size) -> width


@lru_cache(maxsize=16)
def _advances(path: Path) -> tuple[dict[int, int], int, int]:
    """(code point -> advance width, the advance of the font's missing glyph, units per em)."""
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        cmap = font.getBestCmap() or {}
        hmtx = font["hmtx"]
        widths = {cp: hmtx[name][0] for cp, name in cmap.items()}
        return widths, hmtx[font.getGlyphOrder()[0]][0], font["head"].unitsPerEm


def text_width(path: Path, text: str, size: float) -> float:
    widths, missing, upem = _advances(path)
    return sum(widths.get(ord(ch), missing) for ch in text) * size / upem


def measure_for(theme: Theme) -> Measure:
    """Widths in the theme's fonts, by the family name an SVG gives (None for a family the theme
    does not have)."""
    families: dict[str, str] = {}
    for key, node in theme.get("fonts").items():
        if isinstance(node, dict) and "regular" in node:
            families.setdefault(family_name(theme.font_file(key)), key)

    def measure(family: str, bold: bool, italic: bool, text: str, size: float) -> Optional[float]:
        key = families.get(family)
        if key is None:
            return None
        style = ("bold" if bold else "") + ("italic" if italic else "") or "regular"
        try:
            path = theme.font_file(key, style)
        except ThemeError:  # the theme names no such style: the regular face's widths are near
            path = theme.font_file(key)
        return text_width(path, text, size)

    return measure
