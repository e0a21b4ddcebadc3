"""Text measurement with real font metrics, so the planner can split instead of overflowing.

Calibri is the font written into the deck; Carlito (assets/fonts) has the same advance widths
and vertical metrics, so measuring Carlito measures what PowerPoint and LibreOffice lay out.
Kerning is ignored (it only narrows text), and word wrap is greedy like both renderers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Sequence

import logging

from fontTools.ttLib import TTFont

logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)  # Carlito's old head date

PT_PER_IN = 72.0
_WORD = re.compile(r"\S+\s*")


@dataclass(frozen=True)
class Box:
    """A text placeholder's size and its insets, in inches."""

    width: float
    height: float
    left: float = 0.0
    top: float = 0.0
    inset_l: float = 0.1
    inset_r: float = 0.1
    inset_t: float = 0.05
    inset_b: float = 0.05

    @property
    def text_width_pt(self) -> float:
        return (self.width - self.inset_l - self.inset_r) * PT_PER_IN

    @property
    def text_height_pt(self) -> float:
        return (self.height - self.inset_t - self.inset_b) * PT_PER_IN


@dataclass(frozen=True)
class Para:
    """One paragraph to measure: (text, bold[, unbreakable]) segments, its left margin, space before
    and, when it differs from the block's, its own type size."""

    segments: tuple[tuple, ...]
    indent_in: float = 0.0
    space_before_pt: float = 0.0
    size_pt: Optional[float] = None


class _Face:
    def __init__(self, path: Path):
        with TTFont(str(path), lazy=True) as font:
            self.upm = font["head"].unitsPerEm
            cmap = font.getBestCmap()
            hmtx = font["hmtx"].metrics
            self.widths = {cp: hmtx[g][0] for cp, g in cmap.items() if g in hmtx}
            hhea = font["hhea"]
            self.line_em = (hhea.ascent - hhea.descent + hhea.lineGap) / self.upm
        self.fallback = sum(self.widths.values()) / max(1, len(self.widths))

    def width_em(self, text: str) -> float:
        w = self.widths
        return sum(w.get(ord(c), self.fallback) for c in text) / self.upm


@lru_cache(maxsize=16)
def _face(path: str) -> _Face:
    return _Face(Path(path))


class Measurer:
    """Widths and wrapped heights of text set in one family (regular and bold)."""

    def __init__(self, regular: Path, bold: Path, line_spacing: float = 1.0):
        self.regular = _face(str(regular))
        self.bold = _face(str(bold))
        self.line_spacing = line_spacing

    def width_pt(self, text: str, size: float, bold: bool = False) -> float:
        return (self.bold if bold else self.regular).width_em(text) * size

    def line_height_pt(self, size: float) -> float:
        return self.regular.line_em * size * self.line_spacing

    def count_lines(self, segments: Sequence[tuple], size: float, width_pt: float) -> int:
        """Greedy word wrap; a word wider than the line breaks by character, as renderers do.

        An unbreakable segment (a hyperlink: LibreOffice lays it out as one field) wraps as one word.
        """
        lines, x = 1, 0.0
        for seg in segments:
            text, bold, whole = seg[0], seg[1], len(seg) > 2 and seg[2]
            for k, part in enumerate(text.split("\n")):
                if k:  # a line break inside the paragraph
                    lines, x = lines + 1, 0.0
                for word in ([part] if whole else _WORD.findall(part)):
                    core = word.rstrip()
                    w_core = self.width_pt(core, size, bold)
                    w_all = self.width_pt(word, size, bold)
                    if x > 0 and x + w_core > width_pt:
                        lines, x = lines + 1, 0.0
                    while w_core > width_pt and x == 0:  # one overlong word: hard breaks
                        lines += 1
                        w_core -= width_pt
                        w_all -= width_pt
                    x += w_all
        return lines

    def height_pt(self, paras: Iterable[Para], size: float, box: Box, first_space: bool = True) -> float:
        total = 0.0
        for i, p in enumerate(paras):
            if i or first_space:
                total += p.space_before_pt
            width = box.text_width_pt - p.indent_in * PT_PER_IN
            own = p.size_pt or size
            total += self.count_lines(p.segments, own, width) * self.line_height_pt(own)
        return total

    def fits(self, paras: Sequence[Para], size: float, box: Box, safety: float = 1.0) -> bool:
        return self.height_pt(paras, size, box) <= box.text_height_pt * safety
