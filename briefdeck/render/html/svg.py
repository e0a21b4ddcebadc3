"""A chart's SVG (from the chart service) made fit to stand inline in the web page.

The chart service's page SVGs are matplotlib's, with text as text. Inline in a page, an SVG is
part of the document: its ids share the page's one namespace, a ``<style>`` in it styles the
whole page, and a link or a script in it would run or fetch. So the drawing is rebuilt from an
allowlist: drawing elements and their presentation attributes only; no script, foreignObject,
metadata, style sheet, event attribute or animation; references only to its own ids (each
prefixed with the figure's anchor, so two charts never share one), images only as embedded
PNG/JPEG data. The text keeps its place and size but is set in the page's font stack, so a
reader without the theme's font sees a near one, not the browser's default serif.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Callable, Mapping, Optional

from ...errors import RenderError
from .inline import esc

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

# elements kept with their children; ``a`` is unwrapped (its children kept, the link dropped)
_ELEMENTS = {"svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "defs",
             "clipPath", "mask", "pattern", "marker", "symbol", "use", "linearGradient", "radialGradient", "stop",
             "image", "title", "desc"}
_TEXTUAL = {"text", "tspan", "title", "desc"}
_ATTR_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9-]*$")
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I)
_UNSAFE = re.compile(r"(?i)javascript:|expression\s*\(|@import|\\")  # a value that could run or fetch
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=\s]+$")
# what a style sheet inside a matplotlib SVG sets for every element: inherited, so set on the root instead
_ROOT_PROPERTIES = {"stroke-linejoin", "stroke-linecap"}


def _local(tag: str) -> Optional[str]:
    """The SVG element's name, or None for anything from another namespace."""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return name if ns == SVG_NS else None
    return tag


def _ids_used(root: ET.Element) -> set[str]:
    used: set[str] = set()
    for el in root.iter():
        for k, v in el.attrib.items():
            if k in ("href", f"{{{XLINK_NS}}}href") and v.startswith("#"):
                used.add(v[1:])
            for m in _URL.finditer(v):
                if m.group(2).startswith("#"):
                    used.add(m.group(2)[1:])
    return used


def _declarations(style: str) -> dict[str, str]:
    out = {}
    for decl in style.split(";"):
        prop, sep, val = decl.partition(":")
        if sep:
            out[prop.strip().lower()] = val.strip()
    return out


class _Cleaner:
    def __init__(self, prefix: str, fonts: Mapping[str, str], default_font: str, used: set[str], measure: Optional[Callable]):
        self.prefix, self.fonts, self.default_font, self.used = prefix, fonts, default_font, used
        self.measure = measure
        self.names: dict[str, str] = {}

    def text_length(self, el: ET.Element) -> list[tuple[str, str]]:
        """The width a line of text has in the font the chart was laid out in, for the browser to
        fit its own face to (``metrics``)."""
        if self.measure is None or len(el):
            return []
        d = _declarations(el.get("style", ""))
        size = re.match(r"([0-9.]+)(px)?$", d.get("font-size", ""))
        text = re.sub(r"[ \t\n\r]+", " ", el.text or "").strip(" ")  # as the browser sets it (no-break spaces hold)
        if not size or not text:
            return []
        weight = d.get("font-weight", "normal")
        bold = weight == "bold" or (weight.isdigit() and int(weight) >= 600)
        width = self.measure(d.get("font-family", "").strip("'\" "), bold, d.get("font-style") == "italic", text,
                             float(size.group(1)))
        if not width:
            return []
        return [("textLength", f"{width:.2f}"), ("lengthAdjust", "spacingAndGlyphs")]

    def ref(self, ident: str) -> str:
        """An id as the page knows it: the figure's anchor and a number in order of first use
        (matplotlib names clip paths and markers by a salted hash, which differs between runs)."""
        if ident not in self.names:
            self.names[ident] = f"{self.prefix}-{len(self.names) + 1}"
        return self.names[ident]

    def value(self, v: str) -> Optional[str]:
        """An attribute value with its url(#id) references renamed; None when it points outside."""
        bad = False

        def repl(m: re.Match) -> str:
            nonlocal bad
            target = m.group(2)
            if not target.startswith("#") or target[1:] not in self.used:
                bad = True
                return ""
            return f"url(#{self.ref(target[1:])})"

        out = _URL.sub(repl, v) if "(" in v else v  # (no reference without a parenthesis: most values)
        if bad or _UNSAFE.search(out):
            return None
        return out

    def style(self, v: str) -> Optional[str]:
        decls = []
        for decl in v.split(";"):
            prop, sep, val = decl.partition(":")
            prop, val = prop.strip().lower(), val.strip()
            if not sep or not _ATTR_NAME.match(prop):
                continue
            if prop == "font-family":
                family = val.strip("'\" ")
                val = self.fonts.get(family, self.default_font)
            elif prop == "font":
                continue  # matplotlib writes the longhands; a shorthand could smuggle a family back
            else:
                cleaned = self.value(val)
                if cleaned is None:
                    continue
                val = cleaned
            decls.append(f"{prop}: {val}")
        return "; ".join(decls) or None

    def attrs(self, name: str, el: ET.Element) -> list[tuple[str, str]]:
        out = []
        for k, v in el.attrib.items():
            if k == f"{{{XLINK_NS}}}href" or k == "href":
                if name == "image":
                    if _DATA_IMAGE.match(v):
                        out.append(("href", re.sub(r"\s+", "", v)))
                elif v.startswith("#") and v[1:] in self.used:
                    out.append(("href", f"#{self.ref(v[1:])}"))
                continue
            if k.startswith("{") or not _ATTR_NAME.match(k) or k.lower().startswith("on"):
                continue  # other namespaces (xml:space...), event handlers
            if k == "id":
                if v in self.used:
                    out.append(("id", self.ref(v)))
                continue
            if k == "style":
                cleaned = self.style(v)
            elif k == "d" or k == "points":
                cleaned = " ".join(v.split())
            elif k.lower() in ("font-family",):
                cleaned = self.fonts.get(v.strip("'\" "), self.default_font)
            else:
                cleaned = self.value(v)
            if cleaned is not None:
                out.append((k, cleaned))
        if name in ("image", "use") and not any(k == "href" for k, _ in out):
            return []  # a picture or a copy of something outside the drawing: left out
        if name == "text":
            out += self.text_length(el)
        return out

    def element(self, el: ET.Element, parent: str, out: list[str]) -> None:
        name = _local(el.tag)
        if name is None or name in ("metadata", "style", "script", "foreignObject"):
            return  # dropped with everything in it
        if name == "a":  # a link: its drawing stays, the link goes
            self.children(el, parent, out)
            return
        if name not in _ELEMENTS:
            return
        attrs = self.attrs(name, el)
        if name in ("image", "use") and not attrs:
            return
        out.append(f"<{name}" + "".join(f' {k}="{esc(v)}"' for k, v in attrs) + ">")
        if name in _TEXTUAL and el.text:
            out.append(esc(el.text))
        self.children(el, name, out)
        out.append(f"</{name}>")

    def children(self, el: ET.Element, name: str, out: list[str]) -> None:
        for child in el:
            self.element(child, name, out)
            if name in _TEXTUAL and child.tail:
                out.append(esc(child.tail))


def inline_svg(svg: bytes, *, prefix: str, title: str, desc: str, fonts: Mapping[str, str], default_font: str,
               measure: Optional[Callable] = None) -> str:
    """``svg`` as an inline ``<svg role="img">`` named by ``title`` and described by ``desc``:
    ids prefixed with ``prefix``, fixed size dropped (the viewBox keeps the proportions; the
    page's CSS sets the width), font families mapped to the page's stacks (``fonts``: family ->
    CSS stack; ``default_font`` for the others). ``measure(family, bold, italic, text, size)``: a
    line's width in the font it was laid out in (``metrics``), kept by the browser whatever face it uses."""
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as exc:
        raise RenderError(f"the chart service returned an SVG that cannot be read ({exc})") from None
    if _local(root.tag) != "svg":
        raise RenderError("the chart service returned something other than an SVG")
    cleaner = _Cleaner(prefix, fonts, default_font, _ids_used(root), measure)
    for el in root.iter():  # numbered in the order they are defined
        if el.get("id") in cleaner.used:
            cleaner.ref(el.get("id"))
    view_box = cleaner.value(root.get("viewBox", "")) or ""
    if not re.fullmatch(r"[-0-9.eE ,]+", view_box):
        raise RenderError("the chart service returned an SVG without a viewBox")
    root_style = []
    for style in root.iter(f"{{{SVG_NS}}}style"):
        for prop, val in re.findall(r"([a-z-]+)\s*:\s*([a-z-]+)", style.text or ""):
            if prop in _ROOT_PROPERTIES:
                root_style.append((prop, val))
    head = [("viewBox", " ".join(view_box.split())), *sorted(set(root_style)), ("role", "img"),
            ("aria-labelledby", f"{prefix}-title"), ("aria-describedby", f"{prefix}-desc"), ("focusable", "false")]
    out = ["<svg" + "".join(f' {k}="{esc(v)}"' for k, v in head) + ">",
           f'<title id="{esc(prefix)}-title">{esc(title)}</title>',
           f'<desc id="{esc(prefix)}-desc">{esc(desc)}</desc>']
    cleaner.children(root, "svg", out)
    out.append("</svg>")
    return "".join(out)
