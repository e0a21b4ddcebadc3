"""A chart painted from what it asked of the canvas the last time: ``--watch`` paints the same charts
after every prose edit, and walking a chart's shapes is most of the painted layout's cost after its
text (reportlab's renderer visits hundreds of svglib groups, paths and strings, tracks their state
and formats every coordinate: ~50 ms for the default brief's six charts).

The renderer turns a drawing into canvas calls (``setFillColor``, ``drawPath``, ``drawString``...),
and the calls depend only on the drawing and on the few canvas attributes it reads (the current
font). So the first paint of a drawing goes through a recorder that passes every call on to the
canvas and notes it; a later paint of the same drawing, on a canvas whose attributes read then are
the same, makes the noted calls again on its canvas. The canvas does what it always does with them
(font subsets, resource names, marked content), in the same order: the page's bytes are the ones
the renderer would have written. A drawing that asks anything else of the canvas (a value back from
a call, an attribute that is not a plain value) is painted by the renderer every time.

Kept in memory for the life of the process, by the chart's key (its cache key, the fonts, the width
it is set at). A drawing's first paint in a process is the renderer's alone, its second is noted, the
ones after are replayed: a process that paints each chart once (a one-shot build) pays nothing.

Kept beside the chart cache too, as plain data (JSON): a drawing read from the cache (drawings.py,
which knows its bytes) is noted at its first paint in a process and the calls written, named by a
hash of those bytes, the key and this code; a build in a fresh process after a prose edit replays
them instead of walking the drawing (about half a layout's painting of the default brief). A
drawing converted in this build (a first build of its chart) is painted as before. Read back only
through ``publish.read_kept``, as values of the few kinds the recorder keeps and calls of the
canvas methods reportlab's renderer makes (``_METHODS``): a planted entry can at worst be refused.
"""
from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any, Optional

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.pdfgen.pathobject import PDFPathObject

from .drawings import whole

_ATOMS = (str, int, float, bool, type(None))
_KEPT: "OrderedDict[tuple, _Calls]" = OrderedDict()
_SEEN: "OrderedDict[tuple, bool]" = OrderedDict()  # keys painted once by the renderer: the next paint is noted
_LIMIT = 64  # drawings kept (least recently used first out)
_SET = object()  # a call that sets a canvas attribute (the renderer sets ``_fillMode``)
_MISSING = object()


class _PathAsDrawn:
    """A path handed to ``drawPath``/``clipPath``, as it was then: its code and fill mode."""

    __slots__ = ("code", "fill_mode")

    def __init__(self, path: PDFPathObject):
        self.code = path.getCode()
        self.fill_mode = path.__dict__.get("_fillMode", _MISSING)

    def made_on(self, canv) -> PDFPathObject:
        p = canv.beginPath()
        p._code = [self.code] if self.code else []
        if self.fill_mode is not _MISSING:
            p._fillMode = self.fill_mode
        return p


def _noted(value: Any) -> Any:
    if isinstance(value, PDFPathObject):
        return _PathAsDrawn(value)
    if isinstance(value, list):  # (a dash array) a copy: the drawing's may change after
        return list(value)
    return value


def _made(value: Any, canv) -> Any:
    if isinstance(value, _PathAsDrawn):
        return value.made_on(canv)
    if isinstance(value, list):
        return list(value)
    return value


class _Calls:
    """What a drawing asked of the canvas: the calls it made, in order, and the attributes it read,
    with their values when the drawing began (what it read may come from them: the renderer's
    ``restoreState`` gives back the font the drawing began with)."""

    def __init__(self, read: dict, calls: list):
        self.read, self.calls = read, calls
        self.path: Optional[Path] = None  # the file they were read from or written to (beside the chart cache)

    def fits(self, canv) -> bool:
        for name, value in self.read.items():
            now = getattr(canv, name, _MISSING)
            if type(now) is not type(value) or now != value:
                return False
        return True

    def replay(self, canv) -> None:
        for name, args, kwargs, plain in self.calls:
            if args is _SET:
                setattr(canv, name, kwargs)
            elif plain:  # (most calls: nothing to make anew; thousands a chart)
                getattr(canv, name)(*args, **kwargs)
            else:
                getattr(canv, name)(*[_made(a, canv) for a in args], **{k: _made(v, canv) for k, v in kwargs.items()})


class _Recorder:
    """Stands for the canvas while the renderer paints a drawing: passes everything on to it, notes
    the calls, and notes that the drawing cannot be replayed when it asks for more than calls that
    return nothing and plain attribute values."""

    def __init__(self, canv):
        d = self.__dict__
        d["_rc_canv"], d["_rc_calls"], d["_rc_read"], d["_rc_ok"] = canv, [], set(), True
        d["_rc_began"] = {k: v for k, v in vars(canv).items() if type(v) in _ATOMS}

    def _rc_noted(self) -> "_Calls | None":
        """What was noted, or None when the drawing cannot be replayed."""
        began = self._rc_began
        if not self._rc_ok or not self._rc_read <= began.keys():
            return None
        return _Calls({name: began[name] for name in self._rc_read}, list(self._rc_calls))

    def __getattr__(self, name: str):  # (only names the recorder itself does not have)
        canv = self._rc_canv
        value = getattr(canv, name)
        if inspect.ismethod(value) and value.__self__ is canv:
            def call(*args, **kwargs):
                a, k = tuple(_noted(x) for x in args), {n: _noted(v) for n, v in kwargs.items()}
                plain = not any(isinstance(x, (_PathAsDrawn, list)) for x in (*a, *k.values()))
                noted = (name, a, k, plain)
                result = value(*args, **kwargs)
                if name == "beginPath":  # a fresh path object, nothing done to the canvas: made again where used
                    return result
                if result is not None:
                    self.__dict__["_rc_ok"] = False
                self._rc_calls.append(noted)
                return result
            return call
        if type(value) not in _ATOMS:
            self.__dict__["_rc_ok"] = False
        self._rc_read.add(name)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if type(value) not in _ATOMS:
            self.__dict__["_rc_ok"] = False
        self._rc_calls.append((name, _SET, value, False))
        setattr(self._rc_canv, name, value)


def painted_from_memory(d: Drawing, key: tuple, kept_in: Optional[Path] = None, stamp: Optional[bytes] = None) -> Drawing:
    """``d``, painted from the calls a paint of a drawing of the same ``key`` made before in this
    process, when one was noted (see the module's docstring). ``kept_in``, ``stamp``: the chart
    cache's folder and the digest of the kept drawing ``d`` was read from: the calls are kept there
    too, and read from there."""
    path = _record_path(kept_in, stamp, key) if kept_in is not None and stamp is not None else None

    def draw(*args, **kwargs):
        canv = d.canv
        kept = _KEPT.get(key)
        if kept is None and path is not None:
            kept = _read(path)
            if kept is not None:
                _keep(key, kept)
        elif kept is not None and path is not None and kept.path == path:
            _in_use(path, kept)  # in use by this build too (pruning keeps it), written where missing
        if kept is not None and not args and not kwargs and kept.fits(canv):
            _KEPT.move_to_end(key)
            kept.replay(canv)
            return
        whole(d)  # (its shapes, when they were left for a paint by the renderer: drawings.py)
        if path is None and key not in _SEEN:  # a first paint is the renderer's alone: a process that paints a chart once pays nothing
            _SEEN[key] = True
            while len(_SEEN) > _LIMIT:
                _SEEN.popitem(last=False)
            Drawing.draw(d, *args, **kwargs)
            return
        rec = _Recorder(canv)
        d.__dict__["canv"] = rec
        try:
            Drawing.draw(d, *args, **kwargs)
        finally:
            d.__dict__["canv"] = canv
        noted = rec._rc_noted()
        if noted is not None and not args and not kwargs:
            _keep(key, noted)
            if path is not None:
                _write(path, noted)

    d.__dict__["draw"] = draw  # (past the shape's attribute checks: a method of this drawing only)
    return d


def _keep(key: tuple, calls: _Calls) -> None:
    _KEPT[key] = calls
    _KEPT.move_to_end(key)
    while len(_KEPT) > _LIMIT:
        _KEPT.popitem(last=False)


# -- kept beside the chart cache ----------------------------------------------------------------
FORMAT = 1
# the canvas methods reportlab's renderer calls that return nothing (renderPDF), the attribute it sets
_METHODS = frozenset({
    "saveState", "restoreState", "transform", "setLineWidth", "setLineCap", "setLineJoin", "setDash",
    "setMiterLimit", "setFillAlpha", "setStrokeAlpha", "setFillColor", "setStrokeColor", "setFont",
    "drawPath", "clipPath", "drawString", "setFillOverprint", "setStrokeOverprint", "setOverprintMask",
    "line", "rect", "roundRect", "circle", "ellipse"})
_SETS = frozenset({"_fillMode"})
_NAME = re.compile(r"_?[A-Za-z][A-Za-z0-9_]*")
_ATOM_TYPES = frozenset(_ATOMS)
_SALT: list = []


class _NotKept(ValueError):
    pass


def _salt() -> bytes:
    """What a kept paint depends on beyond the drawing's bytes and its key: this code, the drawing's
    reading and fitting (drawings.py, flowables.fit_drawing) and reportlab's renderer."""
    if not _SALT:
        from ...versions import code_digest

        here = Path(__file__).parent
        _SALT.append(code_digest([here / n for n in ("chartpaint.py", "drawings.py", "flowables.py")], ("reportlab",)))
    return _SALT[0]


def _record_path(folder: Path, stamp: bytes, key: tuple) -> Path:
    h = hashlib.sha256(_salt() + stamp + repr(key).encode()).hexdigest()
    return Path(folder) / f"{h}.paint.json"


def _enc(v: Any) -> Any:
    t = type(v)
    if t in _ATOMS:
        return v
    if t is colors.Color and v.__dict__.keys() == {"red", "green", "blue", "alpha"}:
        return {"c": [v.red, v.green, v.blue, v.alpha]}
    if t is _PathAsDrawn:
        return {"p": v.code} if v.fill_mode is _MISSING else {"p": v.code, "m": _enc(v.fill_mode)}
    if t is list:
        return {"l": [_enc(x) for x in v]}
    if t is tuple:
        return {"t": [_enc(x) for x in v]}
    raise _NotKept(t.__name__)


def _dec(v: Any) -> Any:
    t = type(v)
    if t in _ATOMS:
        return v
    if t is dict and len(v) == 1 and "c" in v:
        c = v["c"]
        if type(c) is list and len(c) == 4 and all(type(x) in (int, float) for x in c):
            return colors.Color(c[0], c[1], c[2], alpha=c[3])
    elif t is dict and "p" in v and type(v["p"]) is str and v.keys() <= {"p", "m"}:
        p = _PathAsDrawn.__new__(_PathAsDrawn)
        p.code = v["p"]
        p.fill_mode = _dec(v["m"]) if "m" in v else _MISSING
        if p.fill_mode is _MISSING or type(p.fill_mode) in _ATOMS:
            return p
    elif t is dict and len(v) == 1 and ("l" in v or "t" in v):
        items = v.get("l", v.get("t"))
        if type(items) is list:
            out = [_dec(x) for x in items]
            return out if "l" in v else tuple(out)
    raise _NotKept("not a value the recorder keeps")


def _dumps(calls: _Calls) -> bytes:
    out = []
    for name, args, kwargs, _ in calls.calls:
        if args is _SET:
            out.append(["s", name, _enc(kwargs)])
        else:
            out.append(["c", name, [_enc(a) for a in args], {k: _enc(v) for k, v in kwargs.items()}])
    read = [[n, _enc(v)] for n, v in calls.read.items()]
    return json.dumps({"format": FORMAT, "read": read, "calls": out}, separators=(",", ":"), check_circular=False).encode()


def _loads(raw: bytes) -> _Calls:
    data = json.loads(raw)
    if type(data) is not dict or data.get("format") != FORMAT:
        raise _NotKept("format")
    read = {}
    for n, v in data["read"]:
        if type(n) is not str or not _NAME.fullmatch(n) or type(v) not in _ATOMS:
            raise _NotKept("read")
        read[n] = v
    calls = []
    add, atoms, methods = calls.append, _ATOM_TYPES, _METHODS
    for c in data["calls"]:  # (thousands a chart: values that stand as they are are taken as they are)
        kind, name = c[0], c[1]
        if kind == "c" and name in methods and len(c) == 4 and type(c[2]) is list and type(c[3]) is dict:
            plain = True
            args = c[2]
            if not atoms.issuperset(map(type, args)):
                args = [_dec(a) for a in args]
                plain = not any(type(x) in (_PathAsDrawn, list) for x in args)
            kwargs = c[3]
            if kwargs:
                if not all(type(k) is str and _NAME.fullmatch(k) for k in kwargs):
                    raise _NotKept("argument name")
                kwargs = {k: _dec(v) for k, v in kwargs.items()}
                plain = plain and not any(type(x) in (_PathAsDrawn, list) for x in kwargs.values())
            add((name, tuple(args), kwargs, plain))
        elif kind == "s" and name in _SETS and len(c) == 3 and type(c[2]) in atoms:
            add((name, _SET, c[2], False))
        else:
            raise _NotKept("call")
    return _Calls(read, calls)


def _read(path: Path) -> Optional[_Calls]:
    """The calls kept at ``path`` when it verifies and holds nothing else; None (said, if it was there) else."""
    from ...publish import distrust, read_kept

    raw = read_kept(path)  # (notes it as in use)
    if raw is None:
        return None
    try:
        calls = _loads(raw)
    except Exception:  # noqa: BLE001 - whatever a damaged or planted entry holds, the chart is painted anew
        distrust(path, "is not a chart's paint briefdeck kept")
        return None
    calls.path = path
    return calls


def _write(path: Path, calls: _Calls) -> None:
    from ...publish import keep_file

    try:
        raw = _dumps(calls)
    except _NotKept:
        return  # a value the file cannot hold: kept in memory only
    keep_file(path, raw)  # (notes it as in use)
    calls.path = path


def _in_use(path: Path, calls: _Calls) -> None:
    """Calls this process holds, read from or written to ``path``, are in use by this build: their
    entry is noted, or written again where it is missing (an entry pruned since)."""
    from ...publish import still_kept

    try:
        still_kept(path, lambda: _dumps(calls))
    except _NotKept:
        pass  # a value the file cannot hold: kept in memory only


def kept(key: tuple) -> bool:
    """Whether a drawing of ``key`` (``painted_from_memory``'s) would be painted from noted calls."""
    return key in _KEPT


def kept_beside(folder: Path, stamp: bytes, key: tuple) -> bool:
    """Whether a drawing of ``key`` read from the kept bytes of digest ``stamp`` would be painted from
    calls kept beside the chart cache in ``folder`` (``painted_from_memory``'s ``kept_in``): read now
    (and held for its paint), so its drawing need not be read whole (drawings._top)."""
    got = _KEPT.get(key)
    path = _record_path(folder, stamp, key)
    if got is not None:
        return got.path == path
    calls = _read(path)
    if calls is None:
        return False
    _keep(key, calls)
    return True

