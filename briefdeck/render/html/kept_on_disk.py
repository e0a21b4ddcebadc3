"""The web page's charts kept beside the build's derived data, for a page made in a fresh process.

What ``kept.Memo`` keeps in memory for --watch -- each chart's inline SVG and data table, a pure
function of its arguments and of the bytes of the theme's font files -- is kept here as a cache entry
(``derived/html-charts/<key>``, written and verified as every entry is: ``publish.keep_file`` and
``read_kept``), so the page of a prose edit built in a fresh process reads its charts back instead of
parsing, rewriting and measuring each drawing again. The key is a sha256 of the maker's name, its
arguments (pickled without a memo: equal arguments, equal bytes), the fonts' bytes
(``kept.fonts_digest``) and the code that makes them (``_CODE``: this package, ``charts/format.py``,
``dates.py`` and ``alt_text.py``, ``model.py``; briefdeck's version; babel's and fonttools' versions;
Python's), so an entry is used only for what would be made the same. The derived folder is pruned
by use like the rest of it (``cache.prune_derived``).
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Callable, Optional

_PKG = Path(__file__).resolve().parent
_CHARTS = _PKG.parent.parent / "charts"
# what the page's charts are made with besides this package: the formats, dates and alt text of the
# data tables and labels (charts/dates.py: cadence, the points' style), the chart spec's label (model.py)
_CODE = (_PKG, _CHARTS / "format.py", _CHARTS / "dates.py", _CHARTS / "alt_text.py", _PKG.parent.parent / "model.py")
_LIBS = ("babel", "fonttools")  # the numbers' and dates' words; the fonts' metrics


def _code() -> bytes:
    from ...versions import code_digest  # worked out once a process

    return code_digest(_CODE, _LIBS) + sys.version.encode()  # drawings parsed by the standard library's ElementTree


class DiskMemo:
    """``kept.Memo``'s ``get``, from and to cache entries in ``folder``."""

    def __init__(self, folder: Path, theme):
        from .kept import fonts_digest

        self.folder = Path(folder)
        self.base = hashlib.sha256(b"briefdeck html charts 1\0" + _code() + fonts_digest(theme)).digest()

    def get(self, what: str, args: tuple, make: Callable[[], str]) -> str:
        """``make()``, or what it made for the same ``what`` and ``args`` before, read back."""
        from ...publish import distrust, keep_file, read_kept

        key = self._key(what, args)
        if key is None:
            return make()
        path = self.folder / f"{key}.html"
        raw = read_kept(path)
        if raw is not None:
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                distrust(path, "is not a chart of the page briefdeck kept")
        made = make()
        if isinstance(made, str):
            keep_file(path, made.encode("utf-8"))
        return made

    def _key(self, what: str, args: tuple) -> Optional[str]:
        from ...publish import value_digest

        return value_digest((what, args), self.base)

    def harvest(self):
        return None  # nothing travels back: a process that builds once keeps nothing in memory
