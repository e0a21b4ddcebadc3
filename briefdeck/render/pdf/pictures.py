"""Pictures in the brief: an SVG drawn as vectors (svglib), a raster embedded as checked.

The loader has made every picture safe and stable (``images``): a raster is re-encoded without
metadata, an SVG is self-contained. Sizes come from the theme; a picture keeps its shape,
within a box of the theme's height and greatest width.
"""
from __future__ import annotations

import io

from reportlab.graphics.shapes import Drawing, Group
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from ...model import Picture


def fit(pic: Picture, height: float, max_width: float) -> tuple[float, float]:
    """Width and height in points: ``height`` tall, narrower when the picture would be wider than ``max_width``."""
    w = height * pic.width / pic.height
    if w > max_width:
        return max_width, max_width * pic.height / pic.width
    return w, height


def flowable(pic: Picture, width: float, height: float, font_map=None, min_height: float = 0.0) -> Flowable:
    """The picture at ``width`` × ``height`` points: vectors from its SVG (its text in the theme's
    fonts, ``font_map``: never an unembedded Helvetica), else its raster."""
    if pic.svg is not None:
        from svglib.svglib import svg2rlg

        d = svg2rlg(io.BytesIO(pic.svg), **({"font_map": font_map} if font_map is not None else {}))
        if d is not None and d.width and d.height:
            g = Group(*d.contents)
            g.scale(width / d.width, height / d.height)
            out = Drawing(width, height)
            out.add(g)
            if font_map is not None:
                out.initialFontName = font_map.default_font  # renderPDF would start from Helvetica
            return out
    return Raster(pic.raster, width, height, min_height)


class Raster(Flowable):
    """A PNG or JPEG at a given size (reportlab embeds a JPEG's bytes as they are). With
    ``min_height`` it may be set smaller, keeping its shape, where a page has less room."""

    def __init__(self, data: bytes, width: float, height: float, min_height: float = 0.0):
        super().__init__()
        self.data, self.width, self.height, self.min_height = data, width, height, min_height

    def shrink_to(self, height: float) -> bool:
        if not self.min_height or height < self.min_height or height >= self.height:
            return False
        self.width, self.height = self.width * height / self.height, height
        return True

    def wrap(self, aW, aH):
        return self.width, self.height

    def draw(self):
        from reportlab.lib.utils import ImageReader

        self.canv.drawImage(ImageReader(io.BytesIO(self.data)), 0, 0, self.width, self.height, mask="auto")


def sized(pic: Picture, box: dict, font_map=None) -> Flowable:
    """The picture in a theme's box ({height_mm, max_width_mm}; ``min_height_mm``: a raster may be
    set smaller, down to this, where a page has less room)."""
    w, h = fit(pic, box["height_mm"] * mm, box["max_width_mm"] * mm)
    f = flowable(pic, w, h, font_map, min(h, box.get("min_height_mm", 0) * mm))
    return f


class Row(Flowable):
    """Pictures side by side, bottom-aligned, left to right (the back page's logos)."""

    def __init__(self, items: list[Flowable], *, gap: float, space_after: float = 0):
        super().__init__()
        self.items, self.gap, self.spaceAfter = items, gap, space_after

    def wrap(self, aW, aH):
        self._sizes = [f.wrap(aW, aH) for f in self.items]
        self.width = sum(w for w, _ in self._sizes) + self.gap * max(0, len(self.items) - 1)
        self.height = max((h for _, h in self._sizes), default=0)
        return self.width, self.height

    def draw(self):
        x = 0.0
        for f, (w, _) in zip(self.items, self._sizes):
            f.drawOn(self.canv, x, 0)
            x += w + self.gap
