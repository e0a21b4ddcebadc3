"""Hyphenation patterns read once and kept as plain data in the build's cache (``derived/``).

pyphen parses a ``hyph_*.dic`` file pattern by pattern (en_GB: 14,000 patterns, 60-120 ms here),
on every build that sets a hyphenated paragraph: a third of what a prose edit's brief costs
before layout. The parsed patterns are the same for the same file and pyphen, so they are kept
as JSON, keyed by both, and handed to pyphen through its own per-process dictionary cache
(``pyphen.hdcache``). Anything unexpected (another pyphen, a damaged entry) parses the file as
pyphen does.

The entry is two lists, the patterns and their values, each value written once as a string
("offset:digits", 1,500 distinct for 14,000 patterns): read back in about 4 ms, where a table of
pattern -> [offset, [values]] took 25 (its JSON, then checking and converting every value).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Optional

from ...cache import note
from ...publish import distrust, keep_file, read_kept, still_kept

_READER: list[bytes] = []


def _reader_digest() -> bytes:
    """This module and pyphen's version: what turns a pattern file into the kept data."""
    if not _READER:
        from ...versions import code_digest

        _READER.append(code_digest([Path(__file__)], ("pyphen",)))
    return _READER[0]


def pyphen_for(lang: str, cache_dir: Optional[Path]):
    """``pyphen.Pyphen(lang=lang, left=3, right=3)``, its patterns read from ``cache_dir`` when kept there."""
    import pyphen

    path = pyphen.LANGUAGES.get(lang)
    parsed = getattr(pyphen, "hdcache", None)  # pyphen's dictionaries parsed in this process, by file
    if cache_dir is not None and path is not None and isinstance(parsed, dict):
        try:
            if path not in parsed:
                _preload(pyphen, Path(path), Path(cache_dir))
            else:
                in_use(lang, cache_dir)
        except (OSError, AttributeError, TypeError, ValueError):
            pass  # pyphen parses the file itself, below
    return pyphen.Pyphen(lang=lang, left=3, right=3)


def in_use(lang: str, cache_dir: Optional[Path]) -> None:
    """The patterns of ``lang`` are in use by this build: their entry is noted (pruning keeps it),
    whether this process reads them or not (styles.Hyphenator reads them when a word first needs
    them), or kept again where it is missing (another output folder) when this process parsed them."""
    import pyphen

    path = pyphen.LANGUAGES.get(lang)
    parsed = getattr(pyphen, "hdcache", None)
    if cache_dir is None or path is None or not isinstance(parsed, dict):
        return
    try:
        kept = _kept(Path(path), Path(cache_dir))
        if path not in parsed:
            if kept.is_file():
                note(kept)
            return
        if kept.is_file() or (data := _as_data(parsed[path])) is not None:
            still_kept(kept, lambda: json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    except (OSError, AttributeError, TypeError, ValueError):
        pass  # only the next process's time is at stake


def _kept(path: Path, cache_dir: Path) -> Path:
    return cache_dir / f"hyph-{hashlib.sha256(_reader_digest() + hashlib.sha256(path.read_bytes()).digest()).hexdigest()}.json"


def _preload(pyphen, path: Path, cache_dir: Path) -> None:
    kept = _kept(path, cache_dir)
    raw = read_kept(kept)
    hd = None
    if raw is not None:
        try:
            hd = _from_data(pyphen, json.loads(raw))
        except (ValueError, TypeError, AttributeError, RecursionError):
            distrust(kept, "holds no hyphenation patterns")
    if hd is None:
        hd = pyphen.HyphDict(path)
        data = _as_data(hd)
        if data is None:  # patterns with alternative spellings ("ff=f"): not plain data; pyphen's own
            pyphen.hdcache[path] = hd
            return
        keep_file(kept, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    pyphen.hdcache[path] = hd


def _as_data(hd) -> Optional[list]:
    """[patterns, their values as "offset:digits"], or None when a value is more than a digit
    (pyphen's alternative spellings)."""
    keys, values = [], []
    for key, (offset, digits) in hd.patterns.items():
        if type(offset) is not int or offset < 0 or not all(type(v) is int and 0 <= v <= 9 for v in digits):
            return None
        keys.append(key)
        values.append(f"{offset}:{''.join(map(str, digits))}")
    return [keys, values]


def _value(text) -> tuple[int, tuple[int, ...]]:
    offset, colon, digits = text.partition(":") if type(text) is str else ("", "", "")
    if not (colon and offset.isascii() and offset.isdigit() and digits.isascii() and digits.isdigit()):
        raise ValueError("not a pattern's values")
    return int(offset), tuple(map(int, digits))


def _from_data(pyphen, data):
    """A ``pyphen.HyphDict`` holding the kept patterns, as its parser would have made it."""
    if not (isinstance(data, list) and len(data) == 2 and all(isinstance(x, list) for x in data)):
        raise ValueError("not a table of patterns")
    keys, values = data
    if not keys or len(keys) != len(values) or set(map(type, keys)) != {str} or "" in keys:
        raise ValueError("not a table of patterns")
    decoded = {text: _value(text) for text in set(values)}  # (each distinct value once; the tuples are shared, as immutable)
    patterns = dict(zip(keys, map(decoded.__getitem__, values)))
    if len(patterns) != len(keys):
        raise ValueError("a pattern kept twice")
    hd = pyphen.HyphDict.__new__(pyphen.HyphDict)
    hd.patterns = patterns
    hd.cache = {}
    hd.maxlen = max(map(len, keys))
    return hd
