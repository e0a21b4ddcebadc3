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
from typing import Optional

from ...lazyre import Deferred, deferring  # noqa: F401  (Deferred: what the patterns become)

URI = ("(^(?:[a-z0-9\\.\\-\\+]*)://)(?:\\S+(?::\\S*)?@)?(?:(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)"
       "(?:\\.(?:25[0-5]|2[0-4]\\d|[0-1]?\\d?\\d)){3}|\\[[0-9a-f:\\.]+\\]|([a-z\xa1-\uffff0-9]"
       "(?:[a-z\xa1-\uffff0-9-]{0,61}[a-z\xa1-\uffff0-9])?(?:\\.(?!-)[a-z\xa1-\uffff0-9-]{1,63}(?<!-))*"
       "\\.(?!-)(?:[a-z\xa1-\uffff-]{2,63}|xn--[a-z0-9]{1,59})(?<!-)\\.?|localhost))(?::\\d{2,5})?"
       "(?:[/?#][^\\s]*)?\\Z")
CJK = "([\u2e80-\uffff])"
# (pattern, flags) -> the text every match holds (None: no such shortcut)
_DEFERRED: dict[tuple[str, int], Optional[str]] = {(URI, int(re.I)): "://", (CJK, int(re.UNICODE)): None}


def defer_pil_image() -> None:
    """``reportlab.lib.utils`` imports ``PIL.Image`` as it is imported (8-11 ms of CPU: its enums,
    EXIF and TIFF tag tables) and uses it only for a raster image. Here the module is registered
    to be executed the first time one of its attributes is read (``importlib.util.LazyLoader``): a
    brief without pictures never pays for it, one with pictures pays it when it reads the first.
    The same module, run in full before any use; a process that imported it already keeps it.

    Only in briefdeck's own command-line process (``mplconfig.OWN_PROCESS``, set by cli.run_once): on
    Python 3.11 the lazy module takes no lock as it runs, so threads that first read it at once can see
    an attribute missing; the command line reads it from one thread, but a program that imports
    briefdeck may not, and keeps ``PIL.Image`` as PIL imports it."""
    from ... import mplconfig

    if not mplconfig.OWN_PROCESS or "PIL.Image" in sys.modules:
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
    with deferring(_DEFERRED):
        import reportlab.platypus.paragraph  # noqa: F401
