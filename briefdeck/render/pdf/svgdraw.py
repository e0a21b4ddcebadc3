"""A chart's SVG as a reportlab Drawing, fast: the very Drawing svglib makes, for the SVG the chart
service writes (matplotlib's SVG backend, text as <text>), at a tenth of svglib's cost.

svglib walks a general SVG (style lookups climb the ancestors, every attribute set is validated,
every <use> deep-copies): 0.2 s of a cold build's CPU for the brief's charts, and its imports.
This module reads only the subset matplotlib writes -- groups and their transforms, paths
(M L C Q Z), style attributes, one universal CSS rule, clip paths of rectangles, <defs>/<use>
markers, <text> with its style and transform -- and builds the shapes svglib would build for it:
the same classes (its ClippingPath and NoStrokePath as svgshapes.ClipPath and FillOnlyPath), the
same attributes in the same order, the same values computed by the same arithmetic, so the
drawing's plain data (drawings.dumps) and the brief's PDF are byte for byte what svglib gives.

Anything it has not been shown to reproduce -- another element, attribute, unit, colour syntax,
style property, CSS rule, a comment or an entity in the file -- makes ``convert`` answer None and
the caller converts with svglib, so correctness never depends on this subset being complete.
``tests/test_svgdraw.py`` holds it to svglib's output for every chart the corpus draws.

Written against svglib 2.3 (``svglib.svglib``); the comments name the svglib code each step stands for.
"""
from __future__ import annotations

import re
import shlex
import xml.etree.ElementTree as ET
from typing import Any, Optional

from reportlab.graphics.shapes import Drawing, Group, Path, String, mmult, rotate, scale, translate
from reportlab.lib import colors
from reportlab.lib.attrmap import AttrMap

from .svgshapes import ClipPath, FillOnlyPath

_SVG = "{http://www.w3.org/2000/svg}"
_HREF = "{http://www.w3.org/1999/xlink}href"
_PX_TO_PT = 0.75  # svglib.svglib.PX_TO_PT
_NON_ZERO, _EVEN_ODD = 1, 0  # reportlab.pdfgen.canvas.FILL_NON_ZERO / FILL_EVEN_ODD
_MOVE, _LINE, _CURVE, _CLOSE = 0, 1, 2, 3  # reportlab.graphics.shapes path operators
_IDENTITY = (1, 0, 0, 1, 0, 0)

_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_CHARS = re.compile(r"[^0-9eE.\-\s MLCQZz]")
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_TRANSFORM = re.compile(r"\s*(matrix|translate|scale|rotate)\s*\(([^()]*)\)\s*,?")
_CSS = re.compile(r"\s*\*\s*\{([^{}]*)\}\s*")
_CLIP_REF = re.compile(r"url\(#([^)]*)\)")

# style properties whose conversion this module reproduces (svglib's applyStyleOnShape and
# convertText); stroke-dashoffset is read by neither and may stand
_PROPS = frozenset({
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linejoin",
    "stroke-linecap", "stroke-dasharray", "stroke-dashoffset", "font-family", "font-size", "font-weight",
    "font-style", "text-anchor"})
# the attributes each element may carry (a presentation attribute, an unknown one: svglib)
_ATTRS = {
    "g": frozenset({"id", "clip-path", "style", "transform"}),
    "path": frozenset({"id", "d", "clip-path", "style", "transform"}),
    "text": frozenset({"id", "x", "y", "style", "transform"}),
    "use": frozenset({_HREF, "x", "y", "style"}),
}
_JOINS = {"miter": 0, "round": 1, "bevel": 2}
_CAPS = {"butt": 0, "round": 1, "square": 2}
_ANCHORS = frozenset({"start", "middle", "end"})
_ARGS = {"M": 2, "L": 2, "C": 6, "Q": 4}
_OPS = frozenset("MLCQZz")


class Unsupported(Exception):
    """The SVG holds something this module does not reproduce: convert with svglib."""


# the attributes reportlab's constructors set, in their order: the shapes here are made with
# them directly (no validation, no __init__); another reportlab that sets others hands back to svglib
_PATH_KEYS = ["fillColor", "fillOpacity", "strokeColor", "strokeWidth", "strokeLineCap", "strokeLineJoin",
              "strokeMiterLimit", "strokeDashArray", "strokeOpacity", "points", "operators", "isClipPath",
              "autoclose", "fillMode"]
_STRING_KEYS = ["x", "y", "text", "textAnchor", "fontName", "fontSize", "fillColor"]
_LAYOUT: list[bool] = []


def _layout_known() -> bool:
    if not _LAYOUT:
        _LAYOUT.append(list(Path().__dict__) == _PATH_KEYS and list(String(0, 0, "").__dict__) == _STRING_KEYS
                       and list(Group().__dict__) == ["_attrMap", "contents", "transform"])
    return _LAYOUT[0]


def convert(svg: bytes, font_map: Any) -> Optional[Drawing]:
    """The Drawing ``svglib.svglib.svg2rlg(svg, font_map=font_map)`` makes, or None when the SVG
    is outside the subset this module reproduces (the caller then converts with svglib)."""
    if not _layout_known():
        return None
    if font_map is None or b"<!ENTITY" in svg or b"<!--" in svg or b"<![CDATA[" in svg or svg.count(b"<?") > 1:
        return None  # entities, comments, CDATA, processing instructions: parsers may differ
    try:
        root = ET.fromstring(svg)
        return _Converter(font_map).drawing(root)
    except Exception:  # noqa: BLE001 - Unsupported, or input this subset does not read: svglib decides
        return None


def drawing_size(width_in: float, height_in: float) -> tuple[float, float]:
    """The size of the Drawing made (here or by svglib) of the SVG matplotlib writes for a figure of
    that size in inches: printed in points (``%f``, no trailing zeros), read as svglib reads it."""
    return tuple(_length(f"{v * 72:f}".rstrip("0").rstrip(".") + "pt") * _PX_TO_PT for v in (width_in, height_in))


def _length(text: str, default: Optional[float] = 0.0) -> Optional[float]:
    """svglib's convertLength for one plain, px or pt length (user units)."""
    t = text.replace(",", " ").strip()
    if not t:
        return default
    if t.endswith("pt"):
        if _NUMBER.fullmatch(t[:-2]):
            return float(t[:-2]) * (96 / 72)
    elif t.endswith("px"):
        if _NUMBER.fullmatch(t[:-2]):
            return float(t[:-2])
    elif _NUMBER.fullmatch(t):
        return float(t)
    raise Unsupported(f"length {text!r}")


def _number(text: str) -> float:
    if not _NUMBER.fullmatch(text):
        raise Unsupported(f"number {text!r}")
    return float(text)


def _transform(text: str) -> list[tuple[str, Any]]:
    """svglib's convertTransform for a strict list of matrix/translate/scale/rotate."""
    out, pos, text = [], 0, text.strip()
    while pos < len(text):
        m = _TRANSFORM.match(text, pos)
        if m is None or m.end() == pos:
            raise Unsupported(f"transform {text!r}")
        args = [a for a in re.split(r"[\s,]+", m.group(2).strip())]
        if not all(_NUMBER.fullmatch(a) for a in args):
            raise Unsupported(f"transform {text!r}")
        vals = tuple(float(a) for a in args)
        out.append((m.group(1), vals if len(vals) > 1 else vals[0]))
        pos = m.end()
    if text.endswith(","):
        raise Unsupported(f"transform {text!r}")
    return out


def _apply_transform(text: str, tr: tuple) -> tuple:
    """svglib's applyTransformOnGroup on a group whose transform is ``tr``."""
    for op, values in _transform(text):
        if op == "scale":
            if not isinstance(values, tuple):
                values = (values, values)
            if len(values) != 2:
                raise Unsupported("scale")
            tr = mmult(tr, scale(*values))
        elif op == "translate":
            if not isinstance(values, tuple):
                values = values, 0
            if len(values) != 2:
                raise Unsupported("translate")
            tr = mmult(tr, translate(*values))
        elif op == "rotate":
            if not isinstance(values, tuple):
                tr = mmult(tr, rotate(values, 0, 0))
            elif len(values) == 3:
                angle, cx, cy = values
                tr = mmult(tr, translate(cx, cy))
                tr = mmult(tr, rotate(angle, 0, 0))
                tr = mmult(tr, translate(-cx, -cy))
            else:
                raise Unsupported("rotate")
        elif op == "matrix" and isinstance(values, tuple) and len(values) == 6:
            tr = mmult(tr, values)
        else:
            raise Unsupported(op)
    return tr


def _style(text: str) -> dict[str, str]:
    """svglib's parseMultiAttributes, for the properties this module knows."""
    out = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        k, v = part.split(":")  # two colons: svglib fails too, and decides
        k, v = k.strip(), v.strip()
        if k not in _PROPS or "!" in v:
            raise Unsupported(f"style {k}")
        out[k] = v
    return out


def _clean_text(text: str) -> str:
    """svglib's clean_text for a <text> without children (xml:space default)."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    text = text.lstrip().rstrip()
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _path_data(d: str) -> tuple[list, list, list]:
    """svglib's normalise_svg_path and the loop of its convertPath, for ``M L C Q Z z`` each
    followed by its numbers (a moveto's further pairs are linetos): the path's points, its
    operators, and where its unclosed subpaths end."""
    if _PATH_CHARS.search(d):
        raise Unsupported("path data")
    toks = d.split()
    n = len(toks)
    if not n or toks[0] != "M":
        raise Unsupported("path must start with M")
    points: list = []
    operators: list = []
    unclosed: list = []
    ext, app = points.extend, operators.append
    i = 0
    while i < n:
        op = toks[i]
        if op == "z" or op == "Z":
            app(_CLOSE)
            i += 1
            continue
        k = _ARGS.get(op)
        if k is None:
            raise Unsupported("path operator")  # or numbers after z
        j = i + 1
        while True:
            end = j + k
            if end > n:
                raise Unsupported("path arguments")
            if k == 2:  # a number that is an operator letter fails float(): svglib decides
                x, y = float(toks[j]), float(toks[j + 1])
                if op == "M":
                    if operators and operators[-1] != _CLOSE:
                        unclosed.append(len(operators))
                    app(_MOVE)
                else:
                    app(_LINE)
                ext((x, y))
            elif k == 6:
                ext(map(float, toks[j:end]))
                app(_CURVE)
            else:  # Q: svglib's convert_quadratic_to_cubic_path from the current point
                x0, y0 = points[-2], points[-1]
                x1, y1, xn, yn = map(float, toks[j:end])
                c1 = (x0 + 2 / 3 * (x1 - x0), y0 + 2 / 3 * (y1 - y0))
                c2 = (c1[0] + 1 / 3 * (xn - x0), c1[1] + 1 / 3 * (yn - y0))
                ext((c1[0], c1[1], c2[0], c2[1], xn, yn))
                app(_CURVE)
            j = end
            if j >= n or toks[j] in _OPS:
                break
            if op == "M":
                op = "L"  # svglib's split_floats: a moveto's further pairs are linetos
        i = j
    return points, operators, unclosed


_GROUP_MAP = Group._attrMap


def _group(contents: list, transform: tuple = _IDENTITY) -> Group:
    """Group(*contents) with ``transform``: its own copy of the class's attribute map (what
    AttrMap.clone makes, without its keyword handling), contents, transform."""
    m = AttrMap.__new__(AttrMap)
    dict.update(m, _GROUP_MAP)
    g = Group.__new__(Group)
    g.__dict__.update({"_attrMap": m, "contents": contents, "transform": transform})
    return g


def _split_outside_quotes(attr: str) -> list[str]:
    """svglib's Svg2RlgAttributeConverter._split_outside_quotes."""
    segments: list[str] = []
    current: list[str] = []
    quote_char = None
    escaped = False
    for char in attr:
        if escaped:
            current.append(char)
            escaped = False
            continue
        if char == "\\":
            current.append(char)
            escaped = True
            continue
        if quote_char is not None:
            current.append(char)
            if char == quote_char:
                quote_char = None
            continue
        if char in "\"'":
            quote_char = char
            current.append(char)
            continue
        if char == ",":
            segments.append("".join(current))
            current = []
            continue
        current.append(char)
    segments.append("".join(current))
    return segments


def _font_names(attr: str) -> list[str]:
    """svglib's split_font_family_list."""
    names: list[str] = []
    for segment in _split_outside_quotes(attr.strip()):
        words = shlex.split(segment.strip())
        if not words:
            continue
        full_name = " ".join(words)
        if full_name not in names:
            names.append(full_name)
        for word in words:
            if word not in names:
                names.append(word)
    return names


class _Converter:
    def __init__(self, font_map: Any):
        self.font_map = font_map
        self.css: dict[str, str] = {}
        self.parent: dict[ET.Element, ET.Element] = {}
        self.ctx: dict[ET.Element, dict[str, str]] = {}  # inherited properties by element (findAttr)
        self.memo: dict[tuple, tuple] = {}  # (parent's properties, style, root) -> (parent's, element's)
        self.styles: dict[int, tuple] = {}  # id(properties) -> (properties, their shape style)
        self.markers: dict[str, ET.Element] = {}  # <use> targets: paths in <defs>
        self.clips: dict[str, tuple] = {}  # clip paths by id: (properties, points, operators)
        self.clip_nodes: dict[str, ET.Element] = {}
        self.colours: dict[str, colors.Color] = {}
        self.fonts: dict[tuple, str] = {}

    # -- properties: svglib's findAttr, applied CSS and style attribute, climbing ancestors ----
    def context(self, el: ET.Element, parent_ctx: dict[str, str], root: bool = False) -> dict[str, str]:
        """The element's inherited properties: its parent's, then the CSS rule (not on the root:
        svglib applies the root's rules before it reads any <style>), then its style attribute.
        Elements of one style under one parent share one answer (and one dict)."""
        style = el.get("style")
        key = (id(parent_ctx), style, root)
        hit = self.memo.get(key)
        if hit is not None:
            return hit[1]
        own = {} if root else dict(self.css)
        if style:
            own.update(_style(style))
        add = {}
        for k, v in own.items():
            v = v.strip()
            if v and v != "inherit" and parent_ctx.get(k) != v:  # else the parent's value stands
                add[k] = v
        ctx = parent_ctx
        if add:
            ctx = dict(parent_ctx)
            ctx.update(add)
        self.memo[key] = (parent_ctx, ctx)  # the parent held: its id is not reused while memo lives
        return ctx

    def defs_context(self, el: ET.Element) -> dict[str, str]:
        """The inherited properties of an element in <defs>, through its ancestors."""
        if el in self.ctx:
            return self.ctx[el]
        p = self.parent.get(el)
        if p is None:
            return self.ctx[el]
        ctx = self.context(el, self.defs_context(p))
        self.ctx[el] = ctx
        return ctx

    # -- values: svglib's Svg2RlgAttributeConverter ------------------------------------------
    def colour(self, text: str) -> Optional[colors.Color]:
        if text == "none":
            return None
        base = self.colours.get(text)
        if base is None:
            if text == "black":  # the default: cssParse fails, colors.black.clone()
                base = colors.black.clone()
            elif _HEX.fullmatch(text):
                base = colors.HexColor(text, hasAlpha=False)
            else:
                raise Unsupported(f"colour {text!r}")
            self.colours[text] = base
        return colors.Color(base.red, base.green, base.blue, base.alpha)  # a fresh one per shape, as svglib's

    def opacity(self, ctx: dict, name: str) -> float:
        v = ctx.get(name)
        if v is None:
            return 1.0  # svglib: default [1] through convertOpacity = float(1)
        o = _number(v)
        if not 0 <= o <= 1:
            raise Unsupported(name)  # reportlab refuses it and svglib leaves None
        return o

    def shape_style(self, ctx: dict) -> tuple:
        """applyStyleOnShape on a Path or Rect: the values it sets, by svglib's mapping (colours
        as their components: each shape gets its own Color)."""
        fill = self.colour(ctx.get("fill", "black"))
        fill_opacity = self.opacity(ctx, "fill-opacity")
        rule = ctx.get("fill-rule", "nonzero")
        if rule not in ("nonzero", "evenodd"):
            raise Unsupported("fill-rule")
        stroke = self.colour(ctx.get("stroke", "none"))
        width = _length(ctx.get("stroke-width", "1"))
        stroke_opacity = self.opacity(ctx, "stroke-opacity")
        join = ctx.get("stroke-linejoin")
        cap = ctx.get("stroke-linecap")
        if (join is not None and join not in _JOINS) or (cap is not None and cap not in _CAPS):
            raise Unsupported("line join or cap")
        dash = ctx.get("stroke-dasharray", "none")
        if dash == "none":
            dashes = None
        else:
            dashes = tuple(_number(a) for a in shlex.split(dash.strip().replace(",", " ")))
            if not dashes:
                raise Unsupported("dash array")
        if fill is not None:  # svglib: fillOpacity is set (never None here), fillColor truthy
            fill = (fill.red, fill.green, fill.blue, fill_opacity)
        if width == 0:
            stroke = None
        if stroke is not None:
            stroke = (stroke.red, stroke.green, stroke.blue, stroke.alpha)
        return (fill, fill_opacity, stroke, width, 0 if cap is None else _CAPS[cap], 0 if join is None else _JOINS[join],
                dashes, stroke_opacity, _NON_ZERO if rule == "nonzero" else _EVEN_ODD)

    def path_attrs(self, ctx: dict, points: list, operators: list, clip: int) -> dict:
        """A Path's attributes in the order Path() sets them, styled for ``ctx`` (shapes of one
        style share the conversion, never an object)."""
        hit = self.styles.get(id(ctx))
        if hit is None:
            hit = self.styles[id(ctx)] = (ctx, self.shape_style(ctx))  # ctx held: its id stays its own
        fill, fill_opacity, stroke, width, cap, join, dashes, stroke_opacity, mode = hit[1]
        return {
            "fillColor": None if fill is None else colors.Color(*fill), "fillOpacity": fill_opacity,
            "strokeColor": None if stroke is None else colors.Color(*stroke), "strokeWidth": width,
            "strokeLineCap": cap, "strokeLineJoin": join, "strokeMiterLimit": 0,
            "strokeDashArray": None if dashes is None else list(dashes), "strokeOpacity": stroke_opacity,
            "points": points, "operators": operators, "isClipPath": clip, "autoclose": None,
            "fillMode": _NON_ZERO if clip else mode,  # a clip path's is its clip rule's
        }

    def font(self, family: str, weight: str, style: str) -> str:
        """svglib's convertFontFamily."""
        key = (family, weight, style)
        name = self.fonts.get(key)
        if name is None:
            non_exact = []
            for font_name in _font_names(family):
                font_name, exact = self.font_map.find_font(font_name, weight, style)
                if exact:
                    name = font_name
                    break
                elif font_name:
                    non_exact.append(font_name)
            if name is None:
                if not non_exact:
                    raise Unsupported("no font")  # svglib warns and sets Helvetica
                name = non_exact[0]
            self.fonts[key] = name
        return name

    # -- the document: svglib's SvgRenderer.render and renderSvg ------------------------------
    def drawing(self, root: ET.Element) -> Drawing:
        if root.tag != _SVG + "svg" or set(root.attrib) - {"width", "height", "viewBox", "version"}:
            raise Unsupported("root")
        for p in root.iter():
            for c in p:
                self.parent[c] = p
        vb = [float(v) for v in root.get("viewBox", "").replace(",", " ").split()]
        if len(vb) != 4:
            raise Unsupported("viewBox")
        vx, vy, vw, vh = vb
        root_ctx = self.context(root, {}, root=True)
        self.ctx[root] = root_ctx
        self.read_defs(root)

        contents: list = []
        for child in root:
            self.node(child, contents, root_ctx)
        group = _group(contents)
        width = _length(root.get("width", ""), None)
        height = _length(root.get("height", ""), None)
        if width is None:
            width = vw
        if height is None:
            height = vh
        x_scale = (width * _PX_TO_PT) / vw if vw else 1
        y_scale = (height * _PX_TO_PT) / vh if vh else 1
        uniform = min(x_scale, y_scale)  # preserveAspectRatio xMidYMid meet
        tx = (width * _PX_TO_PT - vw * uniform) / 2
        ty = (height * _PX_TO_PT - vh * uniform) / 2
        tr = _IDENTITY
        if tx or ty:
            tr = mmult(tr, translate(tx, ty))
        tr = mmult(tr, scale(uniform, uniform * -1))
        tr = mmult(tr, translate(0 - vx, -vh - vy))
        group.__dict__["transform"] = tr
        d = Drawing(width * _PX_TO_PT, height * _PX_TO_PT)
        d.add(group)
        return d

    def read_defs(self, root: ET.Element) -> None:
        """svglib renders every <defs> first, in document order: the <style> (which must come
        first, before any style is looked up), marker paths for <use>, clip paths."""
        first = True
        for defs in root.iter(_SVG + "defs"):
            if defs.attrib:
                raise Unsupported("defs attributes")
            for i, el in enumerate(defs):
                tag = el.tag
                if tag == _SVG + "style":
                    if not (first and i == 0) or set(el.attrib) - {"type"} or len(el):
                        raise Unsupported("style")
                    self.read_css(el.text or "")
                elif tag == _SVG + "path":
                    if set(el.attrib) - {"id", "d", "style"} or not el.get("id") or len(el):
                        raise Unsupported("defs path")
                    self.markers[el.get("id")] = el
                elif tag == _SVG + "clipPath":
                    if set(el.attrib) != {"id"}:
                        raise Unsupported("clipPath")
                    self.clip_nodes[el.get("id")] = el
                else:
                    raise Unsupported(f"in defs: {tag}")
            first = False
        ids = [el.get("id") for el in root.iter() if el.get("id")]
        if len(ids) != len(set(ids)):
            raise Unsupported("an id used twice")

    def read_css(self, text: str) -> None:
        """svglib's CSSMatcher for matplotlib's one rule: ``*{stroke-linejoin: round; ...}``."""
        if not text.strip():
            return
        m = _CSS.fullmatch(text)
        if m is None:
            raise Unsupported("CSS")
        for decl in m.group(1).split(";"):
            if ":" not in decl:
                if decl.strip():
                    raise Unsupported("CSS")
                continue
            k, v = decl.split(":")
            k, v = k.strip(), v.strip()
            if k not in ("stroke-linejoin", "stroke-linecap") or not re.fullmatch(r"[a-z]+", v):
                raise Unsupported("CSS property")
            self.css[k] = v

    # -- elements: svglib's renderNode ---------------------------------------------------------
    def node(self, el: ET.Element, out: list, parent_ctx: dict) -> None:
        tag = el.tag
        if tag == _SVG + "metadata":
            if el.attrib:
                raise Unsupported("metadata attributes")
            return
        if tag == _SVG + "defs":
            return  # read first (read_defs)
        name = tag[len(_SVG):] if tag.startswith(_SVG) else None
        allowed = _ATTRS.get(name)
        if allowed is None or set(el.attrib) - allowed:
            raise Unsupported(f"element {tag}")
        ctx = self.context(el, parent_ctx)
        clipping = self.clip_path(el)
        if name == "g":
            contents: list = []
            if clipping is not None:
                contents.append(clipping)
            for child in el:
                self.node(child, contents, ctx)
            item = _group(contents)
            t = el.get("transform")
            if t:
                item.__dict__["transform"] = _apply_transform(t, _IDENTITY)
        elif name == "use":
            if clipping is not None:
                raise Unsupported("clipped use")
            item = self.use(el, ctx)
        else:
            shape = self.path(el, ctx) if name == "path" else self.text(el, ctx)
            if shape is None:
                return  # a path without d: svglib adds nothing
            item = shape
            if clipping is not None:
                item = _group([clipping, item])
            t = el.get("transform")
            if t:
                item.__dict__["transform"] = mmult(_apply_transform(t, _IDENTITY), item.transform)
        out.append(item)
        nid = el.get("id")
        if nid:
            item.__dict__["svgid"] = nid

    def use(self, el: ET.Element, ctx: dict) -> Group:
        """svglib's renderUse: a copy of the marker, as a child of the <use>, drawn in a group
        moved to the use's x, y."""
        href = el.get(_HREF, "")
        if not href.startswith("#") or href[1:] not in self.markers or len(el):
            raise Unsupported("use target")
        target = self.markers[href[1:]]
        tctx = self.context(target, ctx)
        shape = self.path(target, tctx)
        if shape is None:
            raise Unsupported("empty marker")
        shape.__dict__["svgid"] = href[1:]
        tr = _IDENTITY
        x, y = el.get("x", ""), el.get("y", "")
        if x or y:
            tr = mmult(tr, translate(_number(x or "0"), _number(y or "0")))
        return _group([shape], tr)

    def clip_path(self, el: ET.Element) -> Optional[ClipPath]:
        """svglib's get_clippath: the clip path's rectangles as one ClippingPath, new each time."""
        ref = el.get("clip-path")
        if not ref:
            return None
        m = _CLIP_REF.match(ref)
        if m is None or m.group(1) not in self.clip_nodes:
            raise Unsupported("clip-path reference")
        key = m.group(1)
        proto = self.clips.get(key)
        if proto is None:
            proto = self.clips[key] = self.clip_proto(self.clip_nodes[key])
        ctx, points, operators = proto
        c = ClipPath.__new__(ClipPath)
        c.__dict__.update(self.path_attrs(ctx, list(points), list(operators), 1))
        return c

    def clip_proto(self, clip: ET.Element) -> tuple:
        """A clip path's rectangles as svglib's shapeToPath makes them (corners, closed), joined;
        the first one's properties stand, and the clip rule nonzero: no style here can name
        another (get_clippath)."""
        rects = list(clip)
        if not rects:
            raise Unsupported("empty clip path")  # svglib: no clipping
        points: list = []
        operators: list = []
        for rect in rects:
            if rect.tag != _SVG + "rect" or set(rect.attrib) - {"x", "y", "width", "height"} or len(rect):
                raise Unsupported("clip path shape")
            x, y, w, h = (_length(rect.get(a, "")) for a in ("x", "y", "width", "height"))
            points += [x, y, x + w, y, x + w, y + h, x, y + h]
            operators += [_MOVE, _LINE, _LINE, _LINE, _CLOSE]
        ctx = self.defs_context(rects[0])
        self.shape_style(ctx)  # its values must convert
        return ctx, points, operators

    # -- shapes: svglib's convertPath and convertText ------------------------------------------
    def path(self, el: ET.Element, ctx: dict) -> Optional[Group]:
        d = el.get("d")
        if not d:
            return None
        if len(el):
            raise Unsupported("path children")
        points, operators, unclosed = _path_data(d)
        if operators[-1] != _CLOSE:
            unclosed.append(len(operators))
        attrs = self.path_attrs(ctx, points, operators, 0)
        contents: list = []
        if unclosed and attrs["fillColor"] is not None:
            # svglib's NoStrokePath(copy_from=path): the path with every subpath closed, filled only
            ops = list(operators)
            for pointer in reversed(unclosed):
                ops.insert(pointer, _CLOSE)
            f = FillOnlyPath.__new__(FillOnlyPath)
            f.__dict__.update(self.path_attrs(ctx, list(points), ops, 0))
            contents.append(f)
            attrs["fillColor"] = None
        p = Path.__new__(Path)
        p.__dict__.update(attrs)
        contents.append(p)
        return _group(contents)

    def text(self, el: ET.Element, ctx: dict) -> Group:
        if len(el):
            raise Unsupported("text with children")
        family = ctx.get("font-family", "Helvetica")
        weight = ctx.get("font-weight", "normal")
        fstyle = ctx.get("font-style", "normal")
        size = _length(ctx.get("font-size", "12pt"))
        anchor = ctx.get("text-anchor", "start")
        if anchor not in _ANCHORS:
            raise Unsupported("text-anchor")
        x = _length(el.get("x", ""))
        y = _length(el.get("y", ""))
        contents: list = []
        raw = el.text
        text = _clean_text(raw) if raw else None
        if text:
            dx = dy = 0.0
            # svglib: x1 + dx with an x attribute, else x + dx0 + sum(widths before) = x + (0 + dx) + 0
            new_x = x + dx if el.get("x", "") != "" else x + (0 + dx) + 0
            new_y = y + dy if el.get("y", "") != "" else y + (0 + dy)
            s = String.__new__(String)
            s.__dict__.update({
                "x": new_x, "y": -(new_y - 0.0), "text": text, "textAnchor": anchor,
                "fontName": self.font(family, weight, fstyle), "fontSize": size,
                "fillColor": self.colour(ctx.get("fill", "black")),
            })
            contents.append(s)
        return _group(contents, mmult(_IDENTITY, scale(1, -1)))
