"""SVG: parsed with no DTD, no entities and no network, and refused when it would run or reach out.

An SVG is a program as much as a picture: it may hold scripts, event handlers, HTML
(``foreignObject``), entities that expand without end (billion laughs) and references to files
and web addresses that a renderer would fetch while building. Only a self-contained drawing is
embedded: references inside the file (``#id``) are the only ones allowed.
"""
from __future__ import annotations

import re
from typing import Optional

from .base import Intake, Refused

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# elements that run code, embed another document or play media: never in a picture
FORBIDDEN = {"script", "foreignObject", "handler", "listener", "iframe", "embed", "object", "audio", "video", "canvas"}
# animation may set an attribute (an href to javascript:, an event handler) after the checks
ANIMATION = {"set", "animate", "animateMotion", "animateTransform", "animateColor", "discard"}
_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.I)
_UNITS = {"px": 1.0, "": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}
FALLBACK_SIDE = 1200  # pixels on the longest side of the PNG drawn for outputs that cannot take SVG
MAX_ELEMENTS = 20_000
NL = b"\n"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _line(data: bytes, needle: str) -> str:
    """' (line N)' of the first place ``needle`` stands in the file, for the message."""
    i = data.find(needle.encode())
    return f" (line {data.count(NL, 0, i) + 1} of the file)" if i >= 0 else ""


def check(data: bytes, shown: str):
    """The parsed root of a self-contained SVG, or Refused."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise Refused(f"'{shown}' declares a DTD or entities ({type(exc).__name__}) — an SVG picture needs neither; "
                      f"export it again as plain SVG (entities can expand without end or read other files)") from None
    except ParseError as exc:
        raise Refused(f"'{shown}' is not well-formed SVG ({exc}) — export it again from the drawing program") from None
    if _local(root.tag) != "svg":
        raise Refused(f"'{shown}' is XML but not an SVG drawing (its root is <{_local(root.tag)}>) — name an SVG file")
    count = 0
    for el in root.iter():
        count += 1
        if count > MAX_ELEMENTS:
            raise Refused(f"'{shown}' has more than {MAX_ELEMENTS:,} elements — simplify the drawing or export it as PNG")
        name = _local(el.tag)
        if name in FORBIDDEN:
            raise Refused(f"'{shown}' holds a <{name}> element{_line(data, '<' + name)} — a picture may not run code or embed "
                          f"another document; remove it, or export the drawing as plain SVG or PNG")
        if name in ANIMATION:
            raise Refused(f"'{shown}' holds an animation (<{name}>){_line(data, '<' + name)} — export a still drawing")
        for attr, value in el.attrib.items():
            a = _local(attr)
            if a.lower().startswith("on"):
                raise Refused(f"'{shown}' has an event handler '{a}'{_line(data, a)} — remove it: a picture may not run code")
            if a == "href" and not value.strip().startswith("#"):
                raise Refused(f"'{shown}' refers to '{value[:60]}' outside itself{_line(data, value[:40])} — embed what it "
                              f"draws, or remove the reference: a build never fetches files or web addresses for a picture")
            if a == "style":
                _check_css(value, data, shown)
        if name == "style":
            _check_css(el.text or "", data, shown)
    return root


def _check_css(css: str, data: bytes, shown: str) -> None:
    if "@import" in css.lower():
        raise Refused(f"'{shown}' imports a style sheet{_line(data, '@import')} — remove the @import: a picture must be self-contained")
    for ref in _URL.findall(css):
        if ref and not ref.startswith("#"):
            raise Refused(f"'{shown}' refers to '{ref[:60]}' in its style{_line(data, ref[:40])} — remove the reference: a picture "
                          f"must be self-contained")


def _length(value: Optional[str]) -> Optional[float]:
    m = re.fullmatch(r"\s*([0-9.]+(?:e[-+]?\d+)?)\s*(px|pt|pc|mm|cm|in|)\s*", value or "")
    if not m:
        return None
    try:
        return float(m.group(1)) * _UNITS[m.group(2)]
    except ValueError:
        return None


def size(root, shown: str) -> tuple[float, float]:
    """The drawing's own size in CSS pixels: width and height, else its viewBox."""
    w, h = _length(root.get("width")), _length(root.get("height"))
    box = [float(x) for x in re.split(r"[\s,]+", root.get("viewBox", "").strip()) if x] if root.get("viewBox") else []
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        if w and not h:
            h = w * box[3] / box[2]
        elif h and not w:
            w = h * box[2] / box[3]
        elif not (w and h):
            w, h = box[2], box[3]
    if not (w and h and w > 0 and h > 0):
        raise Refused(f"'{shown}' has no size (no width and height, no viewBox) — give the <svg> element a viewBox")
    return w, h


def intake(data: bytes, shown: str) -> Intake:
    import resvg_py

    from ..assets import BUILTIN
    from .raster import png_of

    root = check(data, shown)
    w, h = size(root, shown)
    scale = FALLBACK_SIDE / max(w, h)
    fonts = sorted(str(p) for p in (BUILTIN / "fonts").glob("*.ttf"))  # the same glyphs on every machine
    try:
        png = bytes(resvg_py.svg_to_bytes(svg_string=data.decode("utf-8"), width=max(1, round(w * scale)),
                                          height=max(1, round(h * scale)), skip_system_fonts=True, font_files=fonts,
                                          font_family="Carlito", sans_serif_family="Carlito", serif_family="Caladea"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(f"'{shown}' cannot be drawn ({exc}) — export it again as plain SVG") from None
    return Intake("svg", round(w), round(h), png_of(png), data)
