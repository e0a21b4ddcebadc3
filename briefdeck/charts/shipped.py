"""Which characters of the built-in theme's chart fonts are plain (``shaping.plain_chars``), and their
unscaled metrics (``unscaled.py``: what ``linewidth`` sets a line of them with), shipped with them:
deciding it parses the font's layout tables with fontTools, 15 ms a font and 45 ms more for importing
fontTools, in every process that measures or draws a chart's text (a cold build: the brief's and the
deck's). A process reads the answer here instead.

An entry is used only for the same font bytes, the same deciding code (``shaping.py``, this file,
``derive_shipped.py``) and the locale language the answer holds for (HarfBuzz's default: C or
English, see ``shaping._lookups``); anything else is decided as before. fontTools is not part of the key, so the
same font gives the same charts on any machine; ``tests/test_chart_shipped.py`` decides every entry
again with the installed one and compares. An unscaled entry names the matplotlib version its widths
were checked against (``derive_shipped``) and serves only that one. After changing what the key covers, write the entries again:

    python -m briefdeck.charts.derive_shipped
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Optional

_PKG = Path(__file__).resolve().parent
FILE = _PKG.parent / "builtin" / "derived" / "charts.json"
_CODE = ("shaping.py", "unscaled.py", "shipped.py", "derive_shipped.py")
_PLAIN_LOCALES = ("c", "posix", "en")  # where shaping._lookups models the default language system
_LOADED: list[dict] = []  # the file, read once per process


def font_key(data: bytes) -> str:
    from ..versions import code_digest

    return hashlib.sha256(hashlib.sha256(data).digest() + code_digest([_PKG / rel for rel in _CODE])).hexdigest()


def _shipped() -> dict:
    if not _LOADED:
        try:
            found = json.loads(FILE.read_bytes())
        except (OSError, ValueError):  # not shipped (a trimmed install): decided as before
            found = {}
        _LOADED.append(found if isinstance(found, dict) else {})
    return _LOADED[0]


def shipped_plain(data: bytes) -> Optional[tuple[frozenset, frozenset, dict]]:
    """The shipped ``plain_chars`` answer for the font ``data``, or None."""
    return _plain(font_key(data))


def _plain(key: str) -> Optional[tuple[frozenset, frozenset, dict]]:
    from .shaping import _locale_language

    entries = _shipped().get("plain")
    if not entries or _locale_language() not in _PLAIN_LOCALES:
        return None
    entry = entries.get(key)
    if entry is None:
        return None
    return frozenset(entry["chars"]), frozenset(entry["pairs"]), {k: tuple(v) for k, v in entry["ligatures"].items()}


@lru_cache(maxsize=16)
def _path_key(path: str) -> Optional[str]:
    """The key of the font file at ``path`` (read and hashed once a process)."""
    try:
        return font_key(Path(path).read_bytes())
    except OSError:
        return None


def shipped_unscaled(path: str) -> Optional[dict]:
    """The shipped unscaled metrics of the font at ``path`` (``unscaled.unscaled``), if its plain
    characters ship too and the installed matplotlib is the one its widths were checked against."""
    from ..versions import version

    key = _path_key(path)
    if key is None or _plain(key) is None:
        return None
    entry = _shipped().get("unscaled", {}).get(key)
    if entry is None or entry.get("matplotlib") != version("matplotlib"):
        return None
    return entry


@lru_cache(maxsize=16)
def plain_chars(path: str) -> tuple[frozenset, frozenset, dict]:
    """``shaping.plain_chars(path)``: shipped for the built-in theme's chart fonts, else decided."""
    key = _path_key(path)
    found = _plain(key) if key is not None else None
    if found is not None:
        return found
    from .shaping import plain_chars as decide

    return decide(path)
