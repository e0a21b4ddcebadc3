"""A template's analysis kept as plain data, so a rebuild on an unchanged template looks at none of
its layouts again (drawing their backdrops costs 0.2-0.3 s, and numpy and Pillow to import).

What ``template.map_roles`` finds by looking (which layouts serve each role, where text reads, the
colours the deck sets, the contrast warnings) depends only on the template's bytes, its side file,
the theme and this code. It is kept by a hash of all of them: in memory for the life of the process
(``--watch``), and as JSON in the build's cache folder for the next process. JSON, not pickle: a
cache file is read back as data and can never run code. Floats go through ``repr`` and back, so a
deck built from the cache is byte-identical to one built by looking.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from pathlib import Path
from typing import Any, Optional

from ...errors import Problem
from ...publish import distrust, keep_file, read_kept, still_kept
from ...versions import code_digest
from .fit import Box
from .template.info import Ph, RoleLayout

_PKG = Path(__file__).resolve().parent
_LIBS = ("python-pptx", "numpy", "pillow", "lxml")  # they parse and draw what is looked at
_MEMO: dict[str, dict] = {}
_CODE = (_PKG, _PKG.parent.parent / "charts" / "colour.py")


def _code_digest() -> bytes:
    """The looking code itself: this package (its template analysis too) and the contrast it judges by
    (a change re-looks)."""
    return code_digest(_CODE, _LIBS)


def key(path: Path, side_file: Path, theme) -> str:
    """The hash of everything the analysis depends on; the path is part of it, as warnings name it."""
    h = hashlib.sha256(_code_digest())
    h.update(str(path).encode() + b"\0" + Path(path).read_bytes())
    h.update(b"\0" + (side_file.read_bytes() if side_file.is_file() else b""))
    h.update(json.dumps(theme.data, sort_keys=True, default=str).encode())
    return h.hexdigest()


def recall(k: str, cache_dir: Optional[Path]) -> Optional[dict]:
    """The analysis kept under ``k``, or None (absent, unreadable or of another shape: look again)."""
    if k in _MEMO:
        if cache_dir is not None:  # in use by this build too (kept again where missing)
            still_kept(Path(cache_dir) / f"{k}.json", lambda: json.dumps(to_data(_MEMO[k])).encode("utf-8"))
        return _MEMO[k]
    if cache_dir is None:
        return None
    path = Path(cache_dir) / f"{k}.json"
    raw = read_kept(path)
    if raw is None:
        return None
    try:
        found = from_data(json.loads(raw))
    except Exception:  # noqa: BLE001 - whatever a damaged entry holds, the template is looked at again
        distrust(path, "is not a template analysis briefdeck kept")
        return None
    _MEMO[k] = found
    return found


def keep(k: str, cache_dir: Optional[Path], found: dict) -> None:
    if len(_MEMO) > 32:
        _MEMO.clear()
    _MEMO[k] = found
    if cache_dir is not None:  # in order: roles best first, as found
        keep_file(Path(cache_dir) / f"{k}.json", json.dumps(to_data(found)).encode("utf-8"))


# -- plain data and back ------------------------------------------------------------------------------
# ``found``: {"layouts": (names), "roles": {role: (RoleLayout, ...)}, "size": (w, h),
#             "problems": (Problem, ...), "link_colours": ((master, {name: rgb}), ...)}

def to_data(found: dict) -> dict:
    return {
        "layouts": list(found["layouts"]),
        "roles": {r: [_plain(rl) for rl in variants] for r, variants in found["roles"].items()},
        "size": list(found["size"]),
        "problems": [_plain(p) for p in found["problems"]],
        "link_colours": [[m, dict(c)] for m, c in found["link_colours"]],
    }


def from_data(d: dict) -> dict:
    def ph(x: dict) -> Ph:
        return Ph(**{**x, "box": Box(**x["box"])})

    def role(x: dict) -> RoleLayout:
        return RoleLayout(**{
            **x,
            "slots": tuple((name, ph(p)) for name, p in x["slots"]),
            "chrome": tuple(ph(p) for p in x["chrome"]),
            "title_grow": Box(**x["title_grow"]) if x["title_grow"] else None,
            "footer_wide": Box(**x["footer_wide"]) if x["footer_wide"] else None,
        })

    return {
        "layouts": tuple(d["layouts"]),
        "roles": {r: tuple(role(x) for x in variants) for r, variants in d["roles"].items()},
        "size": tuple(d["size"]),
        "problems": tuple(Problem(**p) for p in d["problems"]),
        "link_colours": tuple((int(m), dict(c)) for m, c in d["link_colours"]),
    }


def _plain(obj: Any) -> Any:
    """A dataclass (Box, Ph, Problem) as a dict of its fields, nested ones too."""
    if hasattr(obj, "__dataclass_fields__"):
        return {f.name: _plain(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, (tuple, list)):
        return [_plain(x) for x in obj]
    return obj

