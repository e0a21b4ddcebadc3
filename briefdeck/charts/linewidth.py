"""The width of a line of plain characters of a built-in chart font, as matplotlib lays it out, from the
font's unscaled metrics shipped with it (``unscaled.py``, ``shipped.py``): no matplotlib, no FreeType.

Measuring a chart's text imported matplotlib (a third of a second) in every process that fits a chart
to its page or slide, and laid each new line out with FreeType. matplotlib 3.11 lays a line out with
libraqm and HarfBuzz on a FreeType face (``font_manager.get_font``: no hinting factor, no transform),
here set to ``size`` points at 72 dpi and loaded with ``NO_HINTING``:

- FreeType's scale: ``x_scale = FT_DivFix(int(size * 64), upem)`` (16.16);
- HarfBuzz's advance of a glyph (``hb_ft_get_glyph_h_advances``): FreeType's unhinted advance
  ``FT_MulDiv(advance, x_scale, 64)`` (16.16) rounded to 26.6, ``(v + 512) >> 10``;
- HarfBuzz's kerning (GPOS x advance, ``em_mult``): ``(value * x_mult + 32768) >> 16``, where
  ``x_mult = (x_scale_hb << 16) // upem`` and ``x_scale_hb = (x_scale * upem + 32768) >> 16``
  (``hb_ft_font_changed``);
- the line's width (``get_width_height()[0]``): the pen after the last glyph, the sum of those.

Answered only for what the entry holds (plain characters, in a locale whose language system the
entry holds for), for the matplotlib version the entry was checked against, and for sizes whose
advances stay within what HarfBuzz's float arithmetic keeps exact; anything else is None and is laid
out by FreeType as before. ``tests/test_chart_linewidth.py`` compares with matplotlib's FT2Font.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from typing import Optional

_FONTS: dict = {}  # path -> _Metrics, or None (no entry: measured by FreeType)
_EXACT = 1 << 23  # a 16.16 advance below it is exact in HarfBuzz's float arithmetic (a float has 24 bits)


class _Metrics:
    """One font's entry, ready to set lines: each glyph's index by its characters, and per size the
    glyphs' advances in 26.6 (made once a size)."""

    __slots__ = ("upem", "index", "units", "left", "right", "kern", "ligatures", "pairs", "sizes")

    def __init__(self, entry: dict, ligatures: dict, pairs: frozenset):
        self.upem = int(entry["upem"])
        self.index = {k: i for i, k in enumerate(entry["keys"])}
        self.units, self.left, self.right = entry["advance"], entry["left"], entry["right"]
        self.kern = [dict(zip(row[::2], row[1::2])) for row in entry["kern"]]
        self.ligatures, self.pairs = ligatures, pairs
        self.sizes: dict = {}

    def at(self, size: float, dpi: int = 72) -> Optional[tuple]:
        """(advances in 26.6, the kerning's multiplier) at ``size`` points and ``dpi`` (a whole number: Agg
        measures at the PNG's resolution); None where not exact: the whole size, or a glyph's advance
        (None) past what HarfBuzz's float arithmetic keeps exact (a wide glyph at a large size:
        TextToPath measures every line at 100 pt)."""
        found = self.sizes.get((size, dpi))
        if found is None:
            if dpi != int(dpi) or dpi <= 0:
                return None
            width = int(size * 64)  # FT_Set_Char_Size's (FT_F26Dot6)(ptsize * 64)
            width = (width * int(dpi) + 36) // 72  # FT_REQUEST_WIDTH at (FT_UInt)dpi: the same at 72
            if width <= 0:
                return None
            upem = self.upem
            x_scale = ((width << 16) + (upem >> 1)) // upem  # FT_DivFix
            if min(self.units) * x_scale // 64 >= _EXACT:
                return None
            advances = [((u * x_scale + 32) // 64 + 512) >> 10 if u * x_scale // 64 < _EXACT else None
                        for u in self.units]  # FT_MulDiv, then to 26.6
            found = self.sizes[(size, dpi)] = (advances, (((x_scale * upem + 32768) >> 16) << 16) // upem)
        return found

    def width(self, text: str, size: float, dpi: int = 72) -> Optional[int]:
        scaled = self.at(size, dpi)
        if scaled is None:
            return None
        index = self.index
        try:
            glyphs = [index[g] for g in glyphs_of(text, self.ligatures)]
        except KeyError:  # a character the entry does not hold
            return None
        if self.pairs and any(text[i:i + 2] in self.pairs for i in range(len(text) - 1)):
            return None
        advances, mult = scaled
        try:
            total = sum(advances[g] for g in glyphs)
        except TypeError:  # a glyph whose advance is not exact at this size
            return None
        left, right, kern = self.left, self.right, self.kern
        for a, b in zip(glyphs, glyphs[1:]):
            value = kern[left[a]].get(right[b])
            if value:
                total += (value * mult + 32768) >> 16
        return total


def glyphs_of(text: str, ligatures: dict) -> list[str]:
    """The characters of each glyph of a line of plain characters: ligatures formed as the shaper
    forms them, left to right, the first of a character's ligatures that matches (``ligatures``:
    ``shaping.plain_chars``'s, by first character)."""
    if not ligatures or ligatures.keys().isdisjoint(text):
        return list(text)
    out, i, n = [], 0, len(text)
    while i < n:
        for seq in ligatures.get(text[i], ()):
            if text.startswith(seq, i):
                break
        else:
            seq = text[i]
        out.append(seq)
        i += len(seq)
    return out


def _metrics(path: str) -> Optional[_Metrics]:
    if path not in _FONTS:
        from .shipped import plain_chars, shipped_unscaled

        entry = shipped_unscaled(path)
        if entry is None:
            _FONTS[path] = None
        else:
            _, pairs, ligatures = plain_chars(path)
            _FONTS[path] = _Metrics(entry, ligatures, pairs)
    return _FONTS[path]


def forget() -> None:
    """What was measured from the shipped entries, forgotten (the entries were written anew)."""
    _FONTS.clear()
    advance.cache_clear()


@lru_cache(maxsize=8192)
def advance(path: str, text: str, size: float, dpi: int = 72) -> Optional[int]:
    """What matplotlib's ``font.set_size(size, dpi); font.set_text(text, flags=NO_HINTING);
    font.get_width_height()[0]`` gives (26.6) for the font at ``path``; None when not known here."""
    if not text:
        return None
    metrics = _metrics(path)
    return metrics.width(text, size, dpi) if metrics is not None else None


class NeedsFreeType(BaseException):
    """A measure inside ``without_freetype()`` that only matplotlib can answer (a BaseException: a
    kind's own ``except Exception`` does not take it for a failure of its own)."""


_WITHOUT: list = []  # the open ``without_freetype`` blocks' refusals


@contextmanager
def without_freetype():
    """Within the block, a chart measure that would import matplotlib raises ``NeedsFreeType``
    instead (``needs_freetype``): a process that has a drawing server asks it then, rather than
    importing matplotlib itself. The block gives a list that is not empty once a measure was refused
    (even if the code measuring caught it: its answer is then not to be used)."""
    refused: list = []
    _WITHOUT.append(refused)
    try:
        yield refused
    finally:
        _WITHOUT.pop()


def needs_freetype() -> None:
    """Called where a measure is about to import matplotlib."""
    if _WITHOUT:
        _WITHOUT[-1].append(True)
        raise NeedsFreeType
