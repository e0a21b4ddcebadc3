"""Pictures on slides: the organiser's and partners' logos, speakers' photos.

A picture goes in as its checked raster (PNG or JPEG) with the SVG beside it when there is one
(PowerPoint 2016+ draws the SVG, others the PNG), named, with its alt text as ``descr``; a
decorative one is marked so (``adec:decorative``) and has no description. Its place is a corner
of the slide, the first of the theme's corners where it overlaps no text the slide holds, so it
works on any template; its size is the theme's (``deck.yaml`` ``pictures``).
"""
from __future__ import annotations

import io
from typing import Iterable, Optional, Sequence

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.util import Emu

from ...model import Picture
from .fit import Box
from .package import A, R

SVG_EXT_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
ASVG = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
DECORATIVE_EXT_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
ADEC = "http://schemas.microsoft.com/office/drawing/2017/decorative"
EMU = 914400


def add_svg(slide, pic, svg: bytes) -> None:
    """The SVG beside a picture's PNG (``asvg:svgBlip``): PowerPoint draws it, others the PNG."""
    package = slide.part.package
    part = Part(package.next_partname("/ppt/media/image%d.svg"), "image/svg+xml", package, svg)
    rid = slide.part.relate_to(part, RT.IMAGE)
    blip = pic._element.find(f".//{{{A}}}blip")
    ext_lst = blip.find(f"{{{A}}}extLst")
    if ext_lst is None:
        ext_lst = etree.SubElement(blip, f"{{{A}}}extLst")
    ext = etree.SubElement(ext_lst, f"{{{A}}}ext", uri=SVG_EXT_URI)
    svg_blip = etree.SubElement(ext, f"{{{ASVG}}}svgBlip", nsmap={"asvg": ASVG})
    svg_blip.set(f"{{{R}}}embed", rid)


def add_picture(slide, pic: Picture, box: Box, name: str):
    """``pic`` on ``slide`` at ``box`` (inches), described by its alt text, or marked decorative."""
    shape = slide.shapes.add_picture(io.BytesIO(pic.raster), *(Emu(int(round(v * EMU))) for v in (box.left, box.top, box.width, box.height)))
    cnv = shape._element.nvPicPr.cNvPr
    cnv.set("name", name)
    if pic.decorative:
        cnv.attrib.pop("descr", None)
        ext_lst = etree.SubElement(cnv, f"{{{A}}}extLst")
        ext = etree.SubElement(ext_lst, f"{{{A}}}ext", uri=DECORATIVE_EXT_URI)
        etree.SubElement(ext, f"{{{ADEC}}}decorative", nsmap={"adec": ADEC}, val="1")
    else:
        cnv.set("descr", pic.alt)
    if pic.svg is not None:
        add_svg(slide, shape, pic.svg)
    return shape


def fit(pic: Picture, height: float, max_width: float) -> tuple[float, float]:
    w = height * pic.width / pic.height
    return (max_width, max_width * pic.height / pic.width) if w > max_width else (w, height)


def _overlaps(a: Box, b: Box) -> bool:
    return a.left < b.left + b.width and b.left < a.left + a.width and a.top < b.top + b.height and b.top < a.top + a.height


def corner_box(size: tuple[float, float], w: float, h: float, margin: float, corner: str) -> Box:
    sw, sh = size
    left = sw - margin - w if corner.endswith("right") else margin
    top = sh - margin - h if corner.startswith("bottom") else margin
    return Box(w, h, left, top)


def row_box(size, widths: Sequence[float], h: float, gap: float, margin: float, corner: str) -> Box:
    """The box of a row of pictures (logos side by side) at a corner."""
    return corner_box(size, sum(widths) + gap * max(0, len(widths) - 1), h, margin, corner)


def free_place(size: tuple[float, float], taken: Iterable[Box], w: float, h: float, spec: dict) -> Optional[Box]:
    """The first of the theme's corners where a ``w`` × ``h`` box overlaps none of ``taken``; then the
    same smaller, down to the theme's ``min_scale``; None when no corner is free (the picture is left out)."""
    taken = list(taken)
    steps = int(round((1.0 - spec.get("min_scale", 1.0)) / 0.05))
    for scale in (1.0 - 0.05 * i for i in range(steps + 1)):  # the largest that fits, in 5 % steps
        for corner in spec["corners"]:
            b = corner_box(size, w * scale, h * scale, spec["margin_in"], corner)
            if not any(_overlaps(b, t) for t in taken):
                return b
    return None


def place_row(slide, pics: Sequence[Picture], size, taken: Iterable[Box], spec: dict, names: Sequence[str],
              plate: Optional[str] = None) -> list:
    """Pictures side by side (the logos) at the first free corner; [] when none is free."""
    sized = [fit(p, spec["height_in"], spec["max_width_in"]) for p in pics]
    gap = spec.get("gap_in", 0.3)
    total = sum(w for w, _ in sized) + gap * max(0, len(sized) - 1)
    tall = max(h for _, h in sized)
    pad = spec.get("plate_pad_in", 0.1) if plate else 0.0
    where = free_place(size, taken, total + 2 * pad, tall + 2 * pad, spec)
    if where is None:
        return []
    scale = where.height / (tall + 2 * pad)
    where = Box(total * scale, tall * scale, where.left + pad * scale, where.top + pad * scale)
    x, out = where.left, []
    if plate:  # a plate of the paper's colour behind the logos, so they read on any background
        pad = spec.get("plate_pad_in", 0.1) * scale
        add_plate(slide, Box(where.width + 2 * pad, where.height + 2 * pad, where.left - pad, where.top - pad), plate)
    for p, (w, h), name in zip(pics, sized, names):
        out.append(add_picture(slide, p, Box(w * scale, h * scale, x, where.top + where.height - h * scale), name))
        x += w * scale + gap * scale
    return out


def add_plate(slide, box: Box, rgb: str) -> None:
    """A rounded plate (``rgb``, no outline) marked decorative: it is no content of the slide."""
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE

    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, *(Emu(int(round(v * EMU))) for v in (box.left, box.top, box.width, box.height)))
    shape.name = "Logo plate"
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor.from_string(rgb.lstrip("#").upper())
    shape.line.fill.background()
    shape.shadow.inherit = False
    shape.adjustments[0] = 0.12
    cnv = shape._element.nvSpPr.cNvPr
    ext_lst = etree.SubElement(cnv, f"{{{A}}}extLst")
    ext = etree.SubElement(ext_lst, f"{{{A}}}ext", uri=DECORATIVE_EXT_URI)
    etree.SubElement(ext, f"{{{ADEC}}}decorative", nsmap={"adec": ADEC}, val="1")
