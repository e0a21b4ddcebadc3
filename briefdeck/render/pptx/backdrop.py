"""What lies behind a layout's text: its background and decorations, drawn into a small picture.

A layout is drawn at a coarse resolution (``PX_PER_IN``) the way a viewer would draw a slide made
from it with nothing on it: the background (colour, gradient or picture), then the master's shapes
(unless the layout hides them), then the layout's own: filled shapes as their outlines (preset and
custom geometry), lines, pictures at their pixels. Shapes a viewer draws text in (a credit line),
strokes on their own (rules, dashed curves) and pictures that do not fill the slide (illustrations,
logos) are also marked *busy*: no text goes over them. The planner asks which boxes are clear for text of a colour (WCAG contrast on every pixel), the
largest clear part of a box, and the colour under a box.
"""
from __future__ import annotations

import io
import math
from dataclasses import replace
from typing import Optional

import numpy as np
from lxml import etree
from PIL import Image, ImageDraw

from .fit import Box
from .styles import A, P, colour_of, fill_colour, theme_of

R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
EMU = 914400
PX_PER_IN = 20


def _rgb_tuple(rgb: str) -> tuple[int, int, int]:
    return tuple(int(rgb[i:i + 2], 16) for i in (0, 2, 4))


def _lin(c: np.ndarray) -> np.ndarray:
    c = c / 255.0
    return np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def luminance_map(img: np.ndarray) -> np.ndarray:
    lin = _lin(img.astype(np.float64))
    return 0.2126 * lin[..., 0] + 0.7152 * lin[..., 1] + 0.0722 * lin[..., 2]


class Backdrop:
    """One layout's background and decorations as pixels, ``PX_PER_IN`` per inch."""

    def __init__(self, layout, width_in: float, height_in: float):
        self.px = PX_PER_IN
        size = (max(1, int(round(width_in * self.px))), max(1, int(round(height_in * self.px))))
        self.layout = layout
        self.theme = theme_of(layout.slide_master)
        cmap = layout._element.find(f"{P}clrMapOvr/{A}overrideClrMapping")
        self.clr_map = dict(cmap.attrib) if cmap is not None else self.theme.clr_map
        self.img = Image.new("RGB", size, (255, 255, 255))
        self.busy = Image.new("L", size, 0)
        self._background()
        self.background = self._dominant(np.asarray(self.img, dtype=np.uint8).reshape(-1, 3))  # before decoration
        master = layout.slide_master
        if layout._element.get("showMasterSp", "1") not in ("0", "false"):
            self._draw_tree(master._element.find(f"{P}cSld/{P}spTree"), master.part, _identity)
        self._draw_tree(layout._element.find(f"{P}cSld/{P}spTree"), layout.part, _identity)
        self.pixels = np.asarray(self.img, dtype=np.uint8)
        self.lum = luminance_map(self.pixels)
        self.busy_mask = np.asarray(self.busy, dtype=np.uint8) > 0

    # -- drawing ---------------------------------------------------------------------------------
    def _background(self) -> None:
        for part in (self.layout, self.layout.slide_master):
            bg = part._element.find(f"{P}cSld/{P}bg")
            if bg is None:
                continue
            pr = bg.find(f"{P}bgPr")
            if pr is not None:
                blip = pr.find(f"{A}blipFill/{A}blip")
                if blip is not None:
                    im = self._image(part.part, blip)
                    if im is not None:
                        self.img.paste(im.convert("RGB").resize(self.img.size, Image.BILINEAR))
                        return
                c = fill_colour(pr, self.theme, self.clr_map)
                if c is not None:
                    self.img.paste(_rgb_tuple(c[0]), (0, 0, *self.img.size))
                    return
            ref = bg.find(f"{P}bgRef")
            if ref is not None:
                c = colour_of(ref, self.theme, self.clr_map)
                if c is not None:
                    self.img.paste(_rgb_tuple(c[0]), (0, 0, *self.img.size))
                    return
        c = self.theme.scheme_rgb("bg1", self.clr_map)
        if c:
            self.img.paste(_rgb_tuple(c), (0, 0, *self.img.size))

    def _image(self, part, blip) -> Optional[Image.Image]:
        rid = blip.get(f"{R}embed")
        if not rid:
            return None
        try:
            blob = part.related_part(rid).blob
            im = Image.open(io.BytesIO(blob))
            im.load()
        except Exception:  # noqa: BLE001 - an unreadable picture: drawn as busy, not as pixels
            return None
        if im.mode == "P":
            im = im.convert("RGBA")
        return im.convert("RGBA")

    def _draw_tree(self, tree, part, xf) -> None:
        if tree is None:
            return
        for el in tree:
            tag = etree.QName(el).localname
            if tag == "sp":
                if el.find(f"{P}nvSpPr/{P}nvPr/{P}ph") is not None:
                    continue  # placeholders on layouts and masters are prompts, not drawn on slides
                self._shape(el, xf)
            elif tag == "cxnSp":
                self._shape(el, xf)
            elif tag == "pic":
                self._picture(el, part, xf)
            elif tag == "grpSp":
                self._group(el, part, xf)
            elif tag == "graphicFrame":
                box = _xfrm(el.find(f"{P}xfrm"), xf)
                if box:
                    self._mark_busy(box)
            elif tag == "AlternateContent":
                choice = el.find("{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback")
                if choice is not None:
                    self._draw_tree(choice, part, xf)

    def _group(self, el, part, xf) -> None:
        x = el.find(f"{P}grpSpPr/{A}xfrm")
        if x is None:
            return self._draw_tree(el, part, xf)
        off, ext = x.find(f"{A}off"), x.find(f"{A}ext")
        choff, chext = x.find(f"{A}chOff"), x.find(f"{A}chExt")
        if off is None or ext is None:
            return self._draw_tree(el, part, xf)
        ox, oy, cx, cy = (int(off.get("x")), int(off.get("y")), int(ext.get("cx")), int(ext.get("cy")))
        cox, coy = (int(choff.get("x")), int(choff.get("y"))) if choff is not None else (ox, oy)
        ccx, ccy = (int(chext.get("cx")), int(chext.get("cy"))) if chext is not None else (cx, cy)
        sx, sy = (cx / ccx if ccx else 1.0), (cy / ccy if ccy else 1.0)

        def inner(px, py, _xf=xf):
            return _xf(ox + (px - cox) * sx, oy + (py - coy) * sy)
        self._draw_tree(el, part, inner)

    def _pixel(self, x_emu: float, y_emu: float) -> tuple[float, float]:
        return x_emu / EMU * self.px, y_emu / EMU * self.px

    def _shape(self, el, xf) -> None:
        sppr = el.find(f"{P}spPr")
        if sppr is None:
            return
        x = sppr.find(f"{A}xfrm")
        if x is None or x.find(f"{A}off") is None or x.find(f"{A}ext") is None:
            return
        poly = _outline(sppr, x)
        if not poly:
            return
        pts = [self._pixel(*xf(px, py)) for px, py in poly]
        style = el.find(f"{P}style")
        fill = None
        if sppr.find(f"{A}noFill") is None:
            fill = fill_colour(sppr, self.theme, self.clr_map)
            blip = sppr.find(f"{A}blipFill/{A}blip")
            if fill is None and blip is not None:
                self._polygon_busy(pts)
            if fill is None and sppr.find(f"{A}solidFill") is None and sppr.find(f"{A}gradFill") is None \
                    and style is not None and int((style.find(f"{A}fillRef") if style.find(f"{A}fillRef") is not None else etree.Element("x")).get("idx", "0")) > 0:
                fill = colour_of(style.find(f"{A}fillRef"), self.theme, self.clr_map)
        if fill is not None and fill[1] > 0.05:
            self._fill_polygon(pts, fill)
        ln = sppr.find(f"{A}ln")
        line = None
        if ln is not None and ln.find(f"{A}noFill") is None:
            line = fill_colour(ln, self.theme, self.clr_map)
        elif ln is None and style is not None:
            ref = style.find(f"{A}lnRef")
            if ref is not None and int(ref.get("idx", "0")) > 0:
                line = colour_of(ref, self.theme, self.clr_map)
        if line is not None:
            width = max(1, int(round(int((ln.get("w") if ln is not None else None) or 12700) / EMU * self.px)))
            closed = pts + pts[:1] if len(pts) > 2 else pts
            ImageDraw.Draw(self.img).line(closed, fill=_rgb_tuple(line[0]), width=width)
            if fill is None:  # a stroke on its own (a rule, a dashed curve, a connector): text never crosses it
                ImageDraw.Draw(self.busy).line(closed, fill=255, width=width + 2)
        if el.find(f"{P}txBody") is not None and "".join(el.find(f"{P}txBody").itertext()).strip():
            self._polygon_busy(pts)  # text a viewer draws on every slide (a credit line, a label)

    def _fill_polygon(self, pts, fill) -> None:
        rgb, alpha = fill
        if alpha >= 0.99:
            ImageDraw.Draw(self.img).polygon(pts, fill=_rgb_tuple(rgb))
            return
        layer = Image.new("RGB", self.img.size, _rgb_tuple(rgb))
        mask = Image.new("L", self.img.size, 0)
        ImageDraw.Draw(mask).polygon(pts, fill=int(round(alpha * 255)))
        self.img.paste(layer, (0, 0), mask)

    def _polygon_busy(self, pts) -> None:
        ImageDraw.Draw(self.busy).polygon(pts, fill=255)

    def _mark_busy(self, box: tuple[float, float, float, float]) -> None:
        x0, y0, x1, y1 = (v * self.px / EMU for v in box)
        ImageDraw.Draw(self.busy).rectangle((x0, y0, x1, y1), fill=255)

    def _picture(self, el, part, xf) -> None:
        box = _xfrm(el.find(f"{P}spPr/{A}xfrm"), xf)
        if not box:
            return
        x0, y0, x1, y1 = (v * self.px / EMU for v in box)
        blip = el.find(f"{P}blipFill/{A}blip")
        im = self._image(part, blip) if blip is not None else None
        w, h = int(round(x1 - x0)), int(round(y1 - y0))
        if im is not None and w > 0 and h > 0:
            im = im.resize((w, h), Image.BILINEAR)
            self.img.paste(im.convert("RGB"), (int(round(x0)), int(round(y0))), im.getchannel("A"))
        covers = (x1 - x0) >= 0.9 * self.img.size[0] and (y1 - y0) >= 0.9 * self.img.size[1]
        if not covers:  # an illustration or a logo: text never goes over it
            self._mark_busy(box)

    # -- questions ---------------------------------------------------------------------------------
    def _window(self, box: Box) -> tuple[slice, slice]:
        x0 = max(0, int(math.floor(box.left * self.px)))
        y0 = max(0, int(math.floor(box.top * self.px)))
        x1 = min(self.pixels.shape[1], int(math.ceil((box.left + box.width) * self.px)))
        y1 = min(self.pixels.shape[0], int(math.ceil((box.top + box.height) * self.px)))
        return slice(y0, max(y0, y1)), slice(x0, max(x0, x1))

    def clear(self, box: Box, rgb: str, ratio: float) -> np.ndarray:
        """Pixels of ``box`` where text of colour ``rgb`` would be readable (contrast >= ratio) and
        nothing busy lies; outside the slide counts as not clear."""
        ys, xs = self._window(box)
        text = luminance_map(np.array([[_rgb_tuple(rgb)]], dtype=np.uint8))[0, 0]
        lum = self.lum[ys, xs]
        hi, lo = np.maximum(lum, text), np.minimum(lum, text)
        good = ((hi + 0.05) / (lo + 0.05) >= ratio) & ~self.busy_mask[ys, xs]
        want_h = max(1, int(round(box.height * self.px)))
        want_w = max(1, int(round(box.width * self.px)))
        if good.shape != (want_h, want_w):  # part of the box lies off the slide
            full = np.zeros((want_h, want_w), dtype=bool)
            oy = max(0, -int(math.floor(box.top * self.px)))
            ox = max(0, -int(math.floor(box.left * self.px)))
            full[oy:oy + good.shape[0], ox:ox + good.shape[1]] = good[:want_h - oy, :want_w - ox]
            good = full
        return good

    def same_colour(self, box: Box, rgb: str, tolerance: int = 40) -> np.ndarray:
        """Pixels of ``box`` (as ``clear`` shapes them) within ``tolerance`` of colour ``rgb`` on every channel."""
        ys, xs = self._window(box)
        diff = np.abs(self.pixels[ys, xs].astype(np.int16) - np.array(_rgb_tuple(rgb), dtype=np.int16)).max(axis=2)
        same = diff <= tolerance
        want = (max(1, int(round(box.height * self.px))), max(1, int(round(box.width * self.px))))
        if same.shape != want:
            full = np.zeros(want, dtype=bool)
            full[:min(want[0], same.shape[0]), :min(want[1], same.shape[1])] = same[:want[0], :want[1]]
            same = full
        return same

    def decorated_share(self, box: Box, tolerance: int = 24) -> float:
        """Share of ``box`` over anything but the slide's plain background: shapes, lines, pictures."""
        ys, xs = self._window(box)
        px = self.pixels[ys, xs]
        if px.size == 0:
            return 0.0
        bg = np.array(_rgb_tuple(self.background), dtype=np.int16)
        differs = np.abs(px.astype(np.int16) - bg).max(axis=2) > tolerance
        return float((differs | self.busy_mask[ys, xs]).mean())

    def unclear_share(self, box: Box, rgb: str, ratio: float) -> float:
        good = self.clear(box, rgb, ratio)
        return 1.0 - (float(good.mean()) if good.size else 0.0)

    def colour_under(self, box: Box) -> str:
        """The most common colour under a box (its background for text)."""
        ys, xs = self._window(box)
        return self._dominant(self.pixels[ys, xs].reshape(-1, 3))

    @staticmethod
    def _dominant(px: np.ndarray) -> str:
        if px.size == 0:
            return "FFFFFF"
        q = (px // 8).astype(np.int32)
        keys = q[:, 0] * 1024 + q[:, 1] * 32 + q[:, 2]
        vals, counts = np.unique(keys, return_counts=True)
        k = vals[int(np.argmax(counts))]
        mask = keys == k
        mean = px[mask].mean(axis=0)
        return "".join(f"{int(round(c)):02X}" for c in mean)

    def largest_clear(self, box: Box, rgb: str, ratio: float) -> Optional[Box]:
        """The largest axis-aligned part of ``box`` where text of colour ``rgb`` reads everywhere."""
        good = self.clear(box, rgb, ratio)
        if good.size == 0:
            return None
        if good.all():
            return box
        best = _max_rectangle(good)
        if best is None:
            return None
        r0, c0, r1, c1 = best
        left = box.left + c0 / self.px
        top = box.top + r0 / self.px
        width = min(box.width - c0 / self.px, (c1 - c0) / self.px)
        height = min(box.height - r0 / self.px, (r1 - r0) / self.px)
        return replace(box, left=left, top=top, width=width, height=height)


def _identity(x, y):
    return x, y


def _xfrm(x, xf) -> Optional[tuple[float, float, float, float]]:
    if x is None:
        return None
    off, ext = x.find(f"{A}off"), x.find(f"{A}ext")
    if off is None or ext is None:
        return None
    x0, y0 = xf(int(off.get("x")), int(off.get("y")))
    x1, y1 = xf(int(off.get("x")) + int(ext.get("cx")), int(off.get("y")) + int(ext.get("cy")))
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _outline(sppr, x) -> list[tuple[float, float]]:
    """The shape's outline in EMU (slide or group coordinates): preset geometries the common ways,
    custom geometry from its path points (curves by their control points), else its box."""
    off, ext = x.find(f"{A}off"), x.find(f"{A}ext")
    ox, oy, cx, cy = int(off.get("x")), int(off.get("y")), int(ext.get("cx")), int(ext.get("cy"))
    flip_h, flip_v = x.get("flipH") in ("1", "true"), x.get("flipV") in ("1", "true")
    rot = int(x.get("rot", "0")) / 60000
    unit: list[tuple[float, float]]  # points in the unit square
    prst = sppr.find(f"{A}prstGeom")
    cust = sppr.find(f"{A}custGeom")
    if cust is not None:
        unit = []
        for path in cust.iter(f"{A}path"):
            w, h = int(path.get("w", cx or 1)) or 1, int(path.get("h", cy or 1)) or 1
            for pt in path.iter(f"{A}pt"):
                unit.append((int(pt.get("x", "0")) / w, int(pt.get("y", "0")) / h))
        if len(unit) < 3:
            unit = [(0, 0), (1, 0), (1, 1), (0, 1)]
    else:
        name = prst.get("prst") if prst is not None else "rect"
        if name in ("ellipse", "donut", "pie", "chord", "flowChartConnector"):
            unit = [(0.5 + 0.5 * math.cos(t / 24 * 2 * math.pi), 0.5 + 0.5 * math.sin(t / 24 * 2 * math.pi)) for t in range(24)]
        elif name == "triangle":
            unit = [(0.5, 0), (1, 1), (0, 1)]
        elif name == "rtTriangle":
            unit = [(0, 0), (1, 1), (0, 1)]
        elif name == "diamond":
            unit = [(0.5, 0), (1, 0.5), (0.5, 1), (0, 0.5)]
        elif name == "line" or name.startswith(("straightConnector", "bentConnector", "curvedConnector")):
            unit = [(0, 0), (1, 1)]
        else:
            unit = [(0, 0), (1, 0), (1, 1), (0, 1)]
    pts = []
    cxm, cym = ox + cx / 2, oy + cy / 2
    ca, sa = math.cos(math.radians(rot)), math.sin(math.radians(rot))
    for u, v in unit:
        if flip_h:
            u = 1 - u
        if flip_v:
            v = 1 - v
        px, py = ox + u * cx, oy + v * cy
        if rot:
            dx, dy = px - cxm, py - cym
            px, py = cxm + dx * ca - dy * sa, cym + dx * sa + dy * ca
        pts.append((px, py))
    return pts


def _max_rectangle(good: np.ndarray) -> Optional[tuple[int, int, int, int]]:
    """(row0, col0, row1, col1) of the largest all-True rectangle (histogram method)."""
    rows, cols = good.shape
    heights = np.zeros(cols, dtype=np.int32)
    best, best_area = None, 0
    for r in range(rows):
        heights = np.where(good[r], heights + 1, 0)
        stack: list[int] = []
        for c in range(cols + 1):
            h = heights[c] if c < cols else 0
            while stack and heights[stack[-1]] >= h:
                top = stack.pop()
                left = stack[-1] + 1 if stack else 0
                area = int(heights[top]) * (c - left)
                if area > best_area:
                    best_area, best = area, (r - int(heights[top]) + 1, left, r + 1, c)
            if c < cols:
                stack.append(c)
    return best
