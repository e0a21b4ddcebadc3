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
"""
from __future__ import annotations

import inspect
from collections import OrderedDict
from typing import Any

from reportlab.graphics.shapes import Drawing
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


def painted_from_memory(d: Drawing, key: tuple) -> Drawing:
    """``d``, painted from the calls a paint of a drawing of the same ``key`` made before in this
    process, when one was noted (see the module's docstring)."""
    def draw(*args, **kwargs):
        canv = d.canv
        kept = _KEPT.get(key)
        if kept is not None and not args and not kwargs and kept.fits(canv):
            _KEPT.move_to_end(key)
            kept.replay(canv)
            return
        whole(d)  # (its shapes, when they were left for a paint by the renderer: drawings.py)
        if key not in _SEEN:  # a first paint is the renderer's alone: a process that paints a chart once pays nothing
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
            _KEPT[key] = noted
            while len(_KEPT) > _LIMIT:
                _KEPT.popitem(last=False)

    d.__dict__["draw"] = draw  # (past the shape's attribute checks: a method of this drawing only)
    return d


def kept(key: tuple) -> bool:
    """Whether a drawing of ``key`` (``painted_from_memory``'s) would be painted from noted calls."""
    return key in _KEPT

