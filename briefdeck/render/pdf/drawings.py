"""Charts as the brief embeds them: vector drawings, converted once and kept as plain data.

The chart service hands the brief an SVG (text as text); svgdraw.py converts it into the
reportlab Drawing svglib would make (svglib itself, for an SVG outside the subset matplotlib
writes, costs about as much as laying out a page and imports lxml). The converted drawing is
kept beside the chart cache as JSON -- plain data that loads fast and cannot execute code (a
pickle could) -- keyed by the chart's content hash and the fonts it is set in, so a build after
a prose edit converts nothing (nor runs matplotlib).

Only the shapes svglib produces are accepted when loading (a fixed list of reportlab classes,
plain attribute values, colours); anything else is refused, so a tampered cache file can at
worst be rejected and rebuilt.
"""
from __future__ import annotations

import hashlib
import io
import json
import weakref
from pathlib import Path
from typing import Any, Callable, Optional

from reportlab.graphics import shapes
from reportlab.lib import colors

from ...cache import note
from ...publish import distrust, keep_file, read_kept
from .svgshapes import ClipPath, FillOnlyPath

FORMAT = 1  # bump when the JSON layout changes
_CLASSES = {
    "Drawing": shapes.Drawing, "Group": shapes.Group, "Path": shapes.Path, "String": shapes.String,
    "Rect": shapes.Rect, "Line": shapes.Line, "PolyLine": shapes.PolyLine, "Polygon": shapes.Polygon,
    "Circle": shapes.Circle, "Ellipse": shapes.Ellipse,
}
_SKIP = {"_attrMap", "contents"}


class CacheFormatError(ValueError):
    pass


# -- Drawing -> plain data -------------------------------------------------------------------
_NUMBERS = {float, int}
_PLAIN = {float, int, str, bool, type(None)}  # decoded values that stand as they are


def _value(v: Any) -> Any:
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, colors.Color):
        return {"$color": [v.red, v.green, v.blue, v.alpha]}
    if isinstance(v, (list, tuple)):
        # a path's points and operators: numbers all, kept as they are (encoded at once)
        items = v if set(map(type, v)) <= _NUMBERS else [_value(x) for x in v]
        return {"$tuple": list(items)} if isinstance(v, tuple) else items
    raise CacheFormatError(f"cannot keep a {type(v).__name__} in a drawing cache")


def _node(n) -> dict:
    name = type(n).__name__
    if name in _SVGLIB or type(n) in _SVGLIB.values():
        kind = name if name in _SVGLIB else next(k for k, v in _SVGLIB.items() if type(n) is v)
    elif name in _CLASSES and type(n) is _CLASSES[name]:
        kind = name
    else:
        raise CacheFormatError(f"cannot keep a {type(n).__module__}.{name} in a drawing cache")
    # attributes in their own order: the renderer writes graphics state in the order it meets them
    out = {"$": kind, "a": [[k, _value(v)] for k, v in n.__dict__.items() if k not in _SKIP]}
    if isinstance(n, shapes.Group):
        out["c"] = [_node(c) for c in n.contents]
    return out


def dumps(d: shapes.Drawing) -> bytes:
    # a tree of fresh lists and dicts (_node would recurse forever first): no cycle to look for
    return json.dumps({"format": FORMAT, "drawing": _node(d)}, separators=(",", ":"), check_circular=False).encode()


# -- plain data -> Drawing -------------------------------------------------------------------
def _unvalue(v: Any) -> Any:
    if isinstance(v, dict):
        if "$color" in v:
            r, g, b, a = v["$color"]
            return colors.Color(r, g, b, alpha=a)
        if "$tuple" in v:
            return tuple(_unvalue(x) for x in v["$tuple"])
        raise CacheFormatError("unexpected mapping in a drawing cache")
    if isinstance(v, list):
        # a path's points and operators: a fresh list of the numbers (the decoded data is kept, _READ)
        return list(v) if set(map(type, v)) <= _NUMBERS else [_unvalue(x) for x in v]
    return v


_SVGLIB = {"ClippingPath": ClipPath, "NoStrokePath": FillOnlyPath}  # svglib's Path subclasses, by name


def _build(data: dict):
    kind = data.get("$")
    if kind in _SVGLIB:
        cls = _SVGLIB[kind]
    elif kind in _CLASSES:
        cls = _CLASSES[kind]
    else:
        raise CacheFormatError(f"unexpected shape {kind!r} in a drawing cache")
    obj = cls.__new__(cls)
    attrs = data.get("a", [])
    if not isinstance(attrs, list):
        raise CacheFormatError("bad attributes in a drawing cache")
    d = obj.__dict__
    if isinstance(obj, shapes.Group):
        d["_attrMap"] = cls._attrMap.clone() if hasattr(cls._attrMap, "clone") else cls._attrMap
    for p in attrs:
        if not (type(p) is list and len(p) == 2 and type(p[0]) is str and not p[0].startswith("__")):
            raise CacheFormatError("bad attributes in a drawing cache")
        k, v = p
        d[k] = v if type(v) in _PLAIN else _unvalue(v)
    if isinstance(obj, shapes.Group):
        obj.__dict__["contents"] = [_build(c) for c in data.get("c", [])]
    return obj


def loads(raw: bytes) -> shapes.Drawing:
    return _from_data(json.loads(raw))


def _from_data(data: dict) -> shapes.Drawing:
    if data.get("format") != FORMAT:
        raise CacheFormatError("old drawing cache format")
    d = _build(data["drawing"])
    if not isinstance(d, shapes.Drawing):
        raise CacheFormatError("a drawing cache must hold a Drawing")
    return d


def _shell(data: dict) -> shapes.Drawing:
    """``_from_data``'s drawing without the shapes inside it, which ``whole`` adds before the renderer
    paints it: all a layout reads of a drawing is its size, and one painted from memory
    (chartpaint.py) is never walked. For data that proved whole before (``_READ``)."""
    top = data["drawing"]
    d = _build({k: v for k, v in top.items() if k != "c"})
    if not isinstance(d, shapes.Drawing):
        raise CacheFormatError("a drawing cache must hold a Drawing")
    d.__dict__["_shapes_later"] = top.get("c", [])
    return d


def whole(d: shapes.Drawing) -> None:
    """A drawing from ``_shell`` or ``_top`` given its shapes (those ``_from_data`` builds); any other as it is.
    Shapes not yet read (``_top``) are read and checked now; an entry that does not hold a drawing's
    shapes after all is said, and the drawing is converted anew from its SVG (its shapes and its own
    attributes: the entry's are not trusted either)."""
    later = d.__dict__.pop("_shapes_later", None)
    if later is not None:
        d.__dict__["contents"] = [_build(c) for c in later]
    unread = d.__dict__.pop("_shapes_unread", None)
    if unread is not None:
        path, raw, again = unread
        try:
            contents = _from_data(json.loads(raw)).contents
        except Exception:  # noqa: BLE001 - whatever a damaged entry holds, the shapes are converted anew
            distrust(path, "is not a drawing briefdeck kept")
            fresh = again()
            if fresh is None:
                from ...errors import RenderError

                raise RenderError(f"{path}: a kept chart is damaged and its SVG cannot be read — build again with --force")
            d.__dict__.update(fresh.__dict__)  # its own attributes too: the entry's cannot be trusted either
            return
        d.__dict__["contents"] = contents


# drawings read from the cache -> the digest of the bytes they were read from (chartpaint keeps their paint by it)
_STAMPS: "weakref.WeakKeyDictionary[shapes.Drawing, bytes]" = weakref.WeakKeyDictionary()


def kept_as(d: shapes.Drawing) -> Optional[bytes]:
    """The digest of the kept drawing ``d`` was read from; None for a drawing converted (or loaded) otherwise."""
    return _STAMPS.get(d)


# decoded cache files, by their verified bytes' digest: a process that builds again (--watch) builds
# the shapes anew (drawing changes them) but decodes no file it decoded
_READ: dict[bytes, dict] = {}


_TOP = b'{"format":%d,"drawing":{"$":"Drawing","a":' % FORMAT  # how ``dumps`` begins: the drawing's own attributes next
_DECODER = json.JSONDecoder()


def _top(raw: bytes, path: Path, again: Callable[[], shapes.Drawing]) -> Optional[shapes.Drawing]:
    """The drawing kept as ``raw`` without its shapes, read from its own attributes alone (``dumps``
    writes them first, its shapes after them): for a drawing painted from a kept paint (chartpaint.py),
    which never walks them. ``whole`` reads and checks the shapes if it is painted otherwise after all
    (``again``: the drawing converted anew, for an entry whose shapes are not a drawing's). None when
    ``raw`` does not begin as ``dumps`` writes."""
    if not raw.startswith(_TOP):
        return None
    text = raw.decode("utf-8")
    attrs, end = _DECODER.raw_decode(text, len(_TOP))  # (the prefix is ASCII: its length in bytes is in characters)
    if not text.startswith(',"c":', end):
        return None
    d = _build({"$": "Drawing", "a": attrs})
    if not isinstance(d, shapes.Drawing):
        return None
    d.__dict__["_shapes_unread"] = (path, raw, again)
    return d


def _load(path: Path, shapes_later: bool = False, painted: Optional[Callable[[bytes], bool]] = None,
          again: Optional[Callable[[], shapes.Drawing]] = None) -> Optional[shapes.Drawing]:
    """The kept drawing at ``path`` when it verifies and decodes; None (said, if it was there) else.
    ``shapes_later``: without its shapes (``_shell``) when this process decoded it before. ``painted``:
    given the digest of the kept bytes, whether the drawing will be painted from a kept paint; then it
    is read without its shapes (``_top``) even in a process that never decoded it (``again``: see ``_top``)."""
    raw = read_kept(path)
    if raw is None:
        return None
    stamp = hashlib.sha256(raw).digest()
    try:
        if stamp in _READ:
            d = (_shell if shapes_later and _READ[stamp].get("format") == FORMAT else _from_data)(_READ[stamp])
            _STAMPS[d] = stamp
            return d
        if painted is not None and again is not None and painted(stamp):
            d = _top(raw, path, again)
            if d is not None:
                _STAMPS[d] = stamp
                return d
        data = json.loads(raw)
        d = _from_data(data)
    except Exception:  # noqa: BLE001 - whatever a damaged entry holds, it is converted anew
        distrust(path, "is not a drawing briefdeck kept")
        return None
    if len(_READ) > 256:
        _READ.clear()
    _READ[stamp] = data  # kept once it proved readable
    _STAMPS[d] = stamp
    return d


# -- the cache -----------------------------------------------------------------------------
def drawing(svg: bytes, chart_key: str, font_map, fonts_digest: str, cache_dir: Optional[Path],
            refresh: bool = False, shapes_later: bool = False,
            painted: Optional[Callable[[bytes], bool]] = None) -> Optional[shapes.Drawing]:
    """The reportlab Drawing of a chart's SVG, from the cache when it holds it, else converted
    (and kept): by svgdraw where the SVG is the subset it reproduces, else by svglib. ``refresh``
    (--force) converts anew and rewrites the cache. None when svglib cannot read the SVG.
    ``shapes_later``: its shapes may come when it is painted (``whole``); ``painted``: see ``_load``."""
    path = None
    if cache_dir is not None:
        key = hashlib.sha256(f"{chart_key}|{fonts_digest}|{FORMAT}".encode()).hexdigest()
        path = Path(cache_dir) / f"{key}.rl.json"
        if not refresh:
            kept = _load(path, shapes_later, painted, lambda: _convert(svg, font_map))
            if kept is not None:
                note(path)  # in use: pruning keeps it
                return kept  # else missing or damaged: convert anew
    d = _convert(svg, font_map)
    if d is None:
        return None
    if path is not None:
        try:
            raw = dumps(d)
        except CacheFormatError:
            return d  # a shape the cache does not know: simply not kept
        keep_file(path, raw)
    return d


def _convert(svg: bytes, font_map) -> Optional[shapes.Drawing]:
    from .svgdraw import convert

    d = convert(svg, font_map)  # the subset of SVG matplotlib writes: svglib's very drawing, faster
    if d is None:  # anything else
        from svglib.svglib import svg2rlg

        d = svg2rlg(io.BytesIO(svg), font_map=font_map)
    return d
