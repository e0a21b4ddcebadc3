"""reportlab's paragraph module imported without compiling two patterns it rarely or never uses.

As it is imported, ``reportlab.platypus.paragraph`` compiles ``uri_pat``, a case-insensitive
pattern whose classes run to U+FFFF: Python's ``re`` folds the case of every character of those
ranges, 30-60 ms of CPU in every process that makes a brief, before anything is laid out.
reportlab only asks it whether a word it would split over lines (``uriWasteReduce``) is a URI,
and the pattern starts with a group that is not optional, ``scheme://``: a word without "://"
never matches. ``reportlab.lib.textsplit``, which it imports, compiles a CJK pattern its
``cjkwrap`` alone uses (6 ms). Here both are compiled the first time they are used, and a word
without "://" is answered at once: the same answers, and the URI pattern is paid for only by a
brief that splits a URI. The patterns are recognised by their exact text (reportlab 5.1): any
other text, or another reportlab's, is compiled as before (tests/test_rlpatterns.py notices).
"""
from __future__ import annotations

import re
import sys
from typing import Any, Optional

URI = ("(^(?:[a-z0-9\\.\\-\\+]*)://)(?:\\S+(?::\\S*)?@)?(?:(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)"
       "(?:\\.(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)){3}|\\[[0-9a-f:\\.]+\\]|([a-z\xa1-\uffff0-9]"
       "(?:[a-z\xa1-\uffff0-9-]{0,61}[a-z\xa1-\uffff0-9])?(?:\\.(?!-)[a-z\xa1-\uffff0-9-]{1,63}(?<!-))*"
       "\\.(?!-)(?:[a-z\xa1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\\.?|localhost))(?::\\d{2,5})?"
       "(?:[/?#][^\\s]*)?\\Z")
CJK = "([\u2e80-\uffff])"
# (pattern, flags) -> the text every match holds (None: no such shortcut)
_DEFERRED: dict[tuple[str, int], Optional[str]] = {(URI, int(re.I)): "://", (CJK, int(re.UNICODE)): None}


class Deferred:
    """A pattern compiled when first used; ``match`` answers None at once for a text without
    ``needs`` (which every match holds)."""

    __slots__ = ("_pattern", "_flags", "_needs", "_compiled", "_compile")

    def __init__(self, pattern: str, flags: int, needs: Optional[str], compile_: Any):
        self._pattern, self._flags, self._needs, self._compile = pattern, flags, needs, compile_
        self._compiled: Optional[re.Pattern] = None

    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = self._compile(self._pattern, self._flags)
        return self._compiled

    def match(self, string, *args, **kwargs):
        if self._needs is not None and isinstance(string, str) and self._needs not in string:
            return None
        return self.compiled().match(string, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.compiled(), name)


def defer_pil_image() -> None:
    """``reportlab.lib.utils`` imports ``PIL.Image`` as it is imported (8-11 ms of CPU: its enums,
    EXIF and TIFF tag tables) and uses it only for a raster image. Here the module is registered
    to be executed the first time one of its attributes is read (``importlib.util.LazyLoader``): a
    brief without pictures never pays for it, one with pictures pays it when it reads the first.
    The same module, run in full before any use; a process that imported it already keeps it."""
    if "PIL.Image" in sys.modules:
        return
    import importlib.util

    try:
        spec = importlib.util.find_spec("PIL.Image")  # imports the PIL package (small)
    except ImportError:
        return
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["PIL.Image"] = module
    spec.loader.exec_module(module)
    setattr(sys.modules["PIL"], "Image", module)  # as an import binds a submodule on its package


def import_paragraph() -> None:
    """Import reportlab's paragraph module (once a process) with the two patterns deferred, and
    ``PIL.Image`` loaded when first used (``defer_pil_image``); a process that imported it already
    keeps it as it is."""
    if "reportlab.platypus.paragraph" in sys.modules:
        return
    defer_pil_image()
    compile_ = re.compile

    def deferring(pattern, flags=0):
        key = (pattern, int(flags)) if isinstance(pattern, str) else None
        if key not in _DEFERRED:
            return compile_(pattern, flags)
        return Deferred(pattern, flags, _DEFERRED[key], compile_)

    re.compile = deferring
    try:
        import reportlab.platypus.paragraph  # noqa: F401
    finally:
        re.compile = compile_
