"""Templates arrive by email: a foreign .pptx judged before anything builds on it, once per build.

- ``archive``  the zip itself, from its directory: members, sizes, ratios, names (zip bombs, names
               that climb out or occur twice)
- ``hostile``  what the template would carry into every deck (linked pictures and objects, macros,
               embedded objects, ActiveX, click actions, web add-ins), found and left out of a copy

``scan`` does both. The loader scans the template a source names (what it finds are warnings at
``meta.template``) and the deck builds on the same scan: a scan is kept by the template's bytes for
the life of the process (a format process forked for the deck inherits it), so a build reads, checks
and cleans a template once. Nothing here imports python-pptx or a renderer: ``load/`` and
``render/pptx`` both stand on it.
"""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Optional

from ..errors import TemplateError
from .archive import check_pptx_zip
from .hostile import Cleaned, clean

__all__ = ["scan", "Cleaned"]

_KEPT: dict[tuple[str, str], Cleaned] = {}
_MAX_KEPT = 4  # templates a process keeps scans of (a --watch session may switch between a few)


def scan(path: Path, limits: dict, shown: Optional[str] = None) -> Cleaned:
    """The template at ``path`` checked (``archive``: ``limits`` from the theme's deck.template_limits)
    and cleaned (``hostile``): the bytes a build opens, and what was left out. ``shown``: how messages
    name the file (default: its path). A template that fails is a TemplateError, scanned again if asked
    again; one that passes is kept by its bytes and the limits it passed."""
    shown = shown or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise TemplateError(f"{shown}: cannot read the template ({exc.strerror}) — check the path and permissions") from None
    key = (hashlib.sha256(raw).hexdigest(), json.dumps(limits, sort_keys=True, default=str))
    kept = _KEPT.get(key)
    if kept is not None:
        return kept
    check_pptx_zip(io.BytesIO(raw), limits, shown)
    found = clean(raw, shown)
    if len(_KEPT) >= _MAX_KEPT:
        _KEPT.clear()
    _KEPT[key] = found
    return found
