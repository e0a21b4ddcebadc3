"""What a deck derives from files briefdeck ships, shipped with them: the analysis of the built-in
template (``template.ranking.look_at``: drawing its layouts' backdrops costs 0.2-0.3 s) and the
advance widths of the fonts its typefaces are measured with (``fit._Metrics``: fontTools takes
15-30 ms a font). A cold build, whose output folder has kept nothing yet (``layout_cache``,
``fit.metrics_of``), reads them here instead of deriving them again.

An entry is used only when everything it was derived from is the same: the template's bytes, its
side file, the theme's ``deck`` settings and the deriving code (the files in ``_CODE``) for the
analysis; a font's bytes and ``fit.py`` for widths. Anything else is derived as before. The
libraries that parse and draw are not part of the key, so the same template gives the same deck on
any machine; ``tests/test_shipped.py`` derives every entry again with the installed ones and compares.
After changing what the key covers, write the entries again:

    python -m briefdeck.render.pptx.derive_shipped
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Optional

_PKG = Path(__file__).resolve().parent
FILE = _PKG.parent.parent / "builtin" / "derived" / "deck.json"
# the code an entry is derived by: the template's analysis and a font's widths (kept as layout_cache writes them)
_CODE = ("template/ranking.py", "template/placeholders.py", "template/info.py", "template/contrast.py",
         "template/opening.py", "backdrop.py", "styles.py", "samples.py", "roles.py", "fit.py", "layout_cache.py",
         "shipped.py", "derive_shipped.py", "../../charts/colour.py")
_FILES = tuple(_PKG / rel for rel in _CODE)
_LOADED: list[dict] = []  # the file, read once per process


def code_digest() -> str:
    from ...versions import code_digest as digest

    return digest(_FILES).hex()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def template_key(template: bytes, side_file: Optional[bytes], theme) -> str:
    """What a template's analysis depends on: its bytes, its side file's, the theme's deck settings, the code."""
    deck = json.dumps(theme.data.get("deck"), sort_keys=True, default=str).encode()
    return _sha("\0".join((_sha(template), _sha(side_file) if side_file is not None else "-", _sha(deck),
                           code_digest())).encode())


def font_key(data: bytes) -> str:
    return _sha(f"{_sha(data)}\0{code_digest()}".encode())


def _shipped() -> dict:
    if not _LOADED:
        try:
            found = json.loads(FILE.read_bytes())
        except (OSError, ValueError):  # not shipped (a trimmed install): derive as before
            found = {}
        _LOADED.append(found if isinstance(found, dict) else {})
    return _LOADED[0]


def analysis(path: Path, side_file: Path, theme) -> Optional[dict]:
    """The shipped analysis of the template at ``path`` as plain data (``layout_cache.to_data``), or
    None when none was derived from the same bytes, side file, theme settings and code."""
    entries = _shipped().get("templates")
    if not entries:
        return None
    side = side_file.read_bytes() if side_file.is_file() else None
    entry = entries.get(template_key(Path(path).read_bytes(), side, theme))
    if entry is None:
        return None
    return dict(entry, problems=[dict(p, file=str(path)) for p in entry["problems"]])


def widths(data: bytes) -> Optional[dict[int, float]]:
    """The shipped advance widths (em, by code point, in the font's order) of the font ``data``, or None."""
    entry = _shipped().get("fonts", {}).get(font_key(data))
    if entry is None:
        return None
    upm = entry["upm"]
    return {cp: units / upm for cp, units in entry["widths"]}
