"""svglib's two Path subclasses, without importing svglib: the shapes its drawings hold beside
reportlab's own, for the drawings briefdeck converts itself (svgdraw.py) and reads back from its
cache (drawings.py)."""
from __future__ import annotations

from reportlab.graphics import shapes


class ClipPath(shapes.Path):
    """svglib's ClippingPath without importing svglib: a path that clips what follows it in its
    group and is itself never filled or stroked."""

    def getProperties(self, *args, **kwargs):
        props = shapes.Path.getProperties(self, *args, **kwargs)
        for key in ("fillColor", "strokeColor"):
            if key in props:
                props[key] = None
        return props


class FillOnlyPath(shapes.Path):
    """svglib's NoStrokePath without importing svglib: an unclosed path drawn filled, never stroked."""

    def getProperties(self, *args, **kwargs):
        props = shapes.Path.getProperties(self, *args, **kwargs)
        if "strokeWidth" in props:
            props["strokeWidth"] = 0
        if "strokeColor" in props:
            props["strokeColor"] = None
        return props
