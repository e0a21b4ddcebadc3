"""What the page needs to know of the theme's font files: each one's family name (the font
stacks name it first) and how wide a chart's text is in it, so the page can hold the text to
that width.

A chart is laid out for the theme's font (Noto Sans), but a reader's browser sets its text in
whatever face of the stack it has: a wider one would run labels into each other and past the
drawing's edge. Each ``<text>`` therefore carries the width it has in the theme's font
(``textLength``): the browser fits its own face to it. Widths come from the font files' advance
widths (what the chart service lays out with, less kerning). fontTools reads a font once; what it
read is kept in the build's cache folder as JSON by the font's hash, so a build after a prose edit
decodes no font (tests/test_warm_builds.py). The built-in theme's fonts' facts ship with them
(``SHIPPED``, one file a font, used only for the same font bytes and this module's code): a cold build
imports no fontTools for the page (45 ms) and decodes none of them. After changing this module:

    python -c "from briefdeck.render.html.metrics import derive_shipped; derive_shipped()"
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Callable, Optional

from ...errors import ThemeError
from ...publish import distrust, keep_file, read_kept, still_kept
from ...theme import Theme

Measure = Callable[[str, bool, bool, str, float], Optional[float]]  # (family, bold, italic, text, size) -> width
# the deck's Carlito has an old head date that fontTools warns about on stderr (as render/pptx/fit.py
# says too: this process may read it without the deck's renderer, which is made in another)
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)
_LOADED: dict[str, dict] = {}  # by the font's sha256: read once per process
SHIPPED = Path(__file__).resolve().parents[2] / "builtin" / "derived" / "html-fonts"  # <font file name>.json


def _shipped_key(digest: str) -> str:
    """What a shipped entry is for: the font's bytes and this module (not fontTools' version: the same
    font gives the same page on any machine; tests/test_html_fonts_shipped.py reads them again)."""
    from ...versions import code_digest

    return hashlib.sha256(code_digest([Path(__file__)]) + digest.encode()).hexdigest()


def _shipped(path: Path, digest: str) -> Optional[dict]:
    """The shipped facts of the font at ``path`` (its digest ``digest``), or None."""
    try:
        entry = json.loads((SHIPPED / f"{Path(path).name}.json").read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != _shipped_key(digest) or not isinstance(entry.get("facts"), dict):
        return None
    return entry["facts"]


def _reader_digest() -> bytes:
    """This module and fontTools' version: what turns a font into what is kept."""
    from ...versions import code_digest

    return code_digest([Path(__file__)], ("fonttools",))


def _read(data: bytes) -> dict:
    import io

    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(data), lazy=True) as font:
        hmtx = font["hmtx"]
        return {"family": font["name"].getBestFamilyName() or "", "upem": font["head"].unitsPerEm,
                "missing": hmtx[font.getGlyphOrder()[0]][0],
                "widths": {str(cp): hmtx[name][0] for cp, name in sorted((font.getBestCmap() or {}).items())}}


def font_facts(path: Path, cache_dir: Optional[Path] = None) -> dict:
    """{family, upem, missing, widths: {code point: advance}} of a font file; with ``cache_dir``,
    kept there (``html-fonts/``) as JSON by the font's hash."""
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    kept = None
    if cache_dir is not None:
        kept = Path(cache_dir) / "html-fonts" / f"{hashlib.sha256(_reader_digest() + digest.encode()).hexdigest()}.json"
    if digest in _LOADED:
        still_kept(kept, lambda: json.dumps(_LOADED[digest], sort_keys=True).encode("utf-8"))
        return _LOADED[digest]
    found = _shipped(path, digest)
    if found is not None:
        found["family"] = found["family"] or Path(path).stem.split("-")[0]
        _LOADED[digest] = found
        return found
    raw = read_kept(kept) if kept is not None else None  # verified, never through a link (publish.py)
    if raw is not None:
        try:
            found = json.loads(raw)
        except (ValueError, RecursionError):
            found = None
        if not (isinstance(found, dict) and {"family", "upem", "missing", "widths"} <= set(found)
                and isinstance(found["widths"], dict)):
            distrust(kept, "holds no font facts")
            found = None
    if found is None:
        found = _read(data)
        if kept is not None:
            keep_file(kept, json.dumps(found, sort_keys=True).encode("utf-8"))
    found["family"] = found["family"] or Path(path).stem.split("-")[0]
    _LOADED[digest] = found
    return found


def family_name(path: Path, cache_dir: Optional[Path] = None) -> str:
    """The family a font file names itself ("Noto Serif")."""
    return font_facts(path, cache_dir)["family"]


def text_width(path: Path, text: str, size: float, cache_dir: Optional[Path] = None, facts: Optional[dict] = None) -> float:
    facts = facts or font_facts(path, cache_dir)
    widths, missing = facts["widths"], facts["missing"]
    return sum(widths.get(str(ord(ch)), missing) for ch in text) * size / facts["upem"]


def measured_families(theme: Theme) -> list[str]:
    """The theme's font families a chart's text may be measured in: those with a regular face."""
    return [key for key, node in theme.get("fonts").items() if isinstance(node, dict) and "regular" in node]


def face_file(theme: Theme, family: str, style: str) -> Path:
    """The font file the text of ``family``'s ``style`` face is measured in: the face's own, else the
    family's regular one (the theme names no such style: the regular face's widths are near)."""
    try:
        return theme.font_file(family, style)
    except ThemeError:
        return theme.font_file(family)


def measure_for(theme: Theme, cache_dir: Optional[Path] = None) -> Measure:
    """Widths in the theme's fonts, by the family name an SVG gives (None for a family the theme
    does not have)."""
    families: dict[str, str] = {}
    # each file's facts once per build, not per text: font_facts reads and hashes the whole file
    # (half a megabyte) to find them, which was most of the page's time after a prose edit
    read: dict[Path, dict] = {}
    # and each face's file found once (theme.font_file looks for it and checks its first bytes: a
    # chart's hundred texts did it a hundred times)
    faces: dict[tuple[str, str], Path] = {}
    for key in measured_families(theme):
        families.setdefault(family_name(theme.font_file(key), cache_dir), key)

    def measure(family: str, bold: bool, italic: bool, text: str, size: float) -> Optional[float]:
        key = families.get(family)
        if key is None:
            return None
        style = ("bold" if bold else "") + ("italic" if italic else "") or "regular"
        path = faces.get((key, style))
        if path is None:
            path = faces[(key, style)] = face_file(theme, key, style)
        facts = read.get(path)
        if facts is None:
            facts = read[path] = font_facts(path, cache_dir)
        return text_width(path, text, size, cache_dir, facts)

    return measure


def derive_shipped(theme=None) -> list[Path]:
    """Write ``SHIPPED``: the facts of every font file of the built-in theme, read as a build reads them."""
    from ...theme import load_theme

    theme = theme or load_theme("default")
    SHIPPED.mkdir(parents=True, exist_ok=True)
    written = []
    for key, node in theme.get("fonts").items():
        if isinstance(node, dict):
            for style in node:
                path = theme.font_file(key, style)
                data = path.read_bytes()
                entry = {"key": _shipped_key(hashlib.sha256(data).hexdigest()), "font": path.name, "facts": _read(data)}
                out = SHIPPED / f"{path.name}.json"
                out.write_bytes((json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8"))
                written.append(out)
    return written

