"""The theme's TrueType fonts, registered once with reportlab and with svglib.

A font is registered under a name that holds a hash of its bytes, once per process and content:
a long-running process (``--watch``) sees a font file edited under the same name (a new name,
so nothing kept by font name -- reportlab's registry and its bold/italic mapping, line breaks
kept per font -- answers for the old one), and two projects' fonts with one file name never
share a name. The name never reaches the PDF (its fonts are named by their PostScript names).

Chart SVGs name fonts by family ("Noto Sans") and CSS weight ("700"); svglib's own map
would fall back to Helvetica -- unembedded, with other metrics -- for anything it does not
know. ``ChartFontMap`` answers every request with one of the theme's fonts instead, so no
base-14 font can reach the PDF through a chart.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics

from ...dataclass_code import dataclass
from ...safeio import read_regular, version_of
from ...theme import Theme
from .faces import in_use, ttfont

STYLES = ("regular", "bold", "italic", "bolditalic")


@dataclass(frozen=True)
class Family:
    """reportlab names of one family's four styles; ``name`` is the CSS family name."""

    name: str
    regular: str
    bold: str
    italic: str
    bolditalic: str

    def style(self, style: str) -> str:
        return getattr(self, style)

    def pick(self, bold: bool, italic: bool) -> str:
        return self.style(("bold" if bold else "") + ("italic" if italic else "") or "regular")


_NAMES: dict[tuple, str] = {}  # a version of a font file (safeio.version_of) -> the name its content was registered under


def _register(path: Path, cache_dir: Optional[Path] = None) -> str:
    """Register a TTF under a name derived from its file name and its content (once per process
    and content); return the name. The bytes hashed are the bytes registered (read once). A file
    whose version is unchanged (``safeio.version_of``) is not read again: 4 ms a build for the
    brief's eight files. Its parsed face is kept in ``cache_dir`` for the next process (faces.py)."""
    seen = version_of(path)  # None: changed a moment ago, read anew
    name = _NAMES.get(seen) if seen is not None else None
    if name is not None and name in pdfmetrics.getRegisteredFontNames():
        in_use(name, cache_dir)
        return name
    data = read_regular(path)
    digest = hashlib.sha256(data).digest()
    name = f"bd-{path.stem}-{digest.hex()[:16]}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(ttfont(name, data, str(path), cache_dir, digest))
    else:
        in_use(name, cache_dir)
    if seen is not None:
        _NAMES[seen] = name
    return name


def register_family(theme: Theme, family: str, cache_dir: Optional[Path] = None) -> Family:
    names = {st: _register(theme.font_file(family, st), cache_dir) for st in STYLES}
    face = pdfmetrics.getFont(names["regular"]).face
    css_name = getattr(face, "familyName", None) or family
    if isinstance(css_name, bytes):
        css_name = css_name.decode("utf-8", "replace")
    # <b> and <i> inside a paragraph pick the right file
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(names["regular"], bold, italic, names[("bold" if bold else "") + ("italic" if italic else "") or "regular"])
    return Family(css_name, **names)


class ChartFontMap:
    """svglib font lookup restricted to the theme's families (no Helvetica fallback). svglib only
    calls ``find_font``; not subclassing its FontMap keeps svglib unimported on warm builds."""

    def __init__(self, families: dict[str, Family], default: Family):
        self._families = {f.name.lower(): f for f in families.values()}
        self._default = default
        self.default_font = default.regular

    def find_font(self, font_name: str, weight: str = "normal", style: str = "normal") -> tuple[str, bool]:
        fam = self._families.get(font_name.strip("'\" ").lower())
        bold = str(weight).lower() in ("bold", "bolder") or (str(weight).isdigit() and int(weight) >= 600)
        italic = str(style).lower() in ("italic", "oblique")
        return (fam or self._default).pick(bold, italic), fam is not None


@dataclass(frozen=True)
class Fonts:
    families: dict[str, Family]  # base.yaml family key -> registered names
    chart_map: ChartFontMap

    def family(self, key: str) -> Family:
        return self.families[key]


def _font_keys(node) -> set[str]:
    """Every `font:` value in the brief's settings."""
    if isinstance(node, dict):
        found = {node["font"]} if isinstance(node.get("font"), str) else set()
        for v in node.values():
            found |= _font_keys(v)
        return found
    return set()


def load_fonts(theme: Theme, cache_dir: Optional[Path] = None) -> Fonts:
    """The brief's families, registered; ``cache_dir``: where their parsed faces are kept (faces.py)."""
    chart_font = theme.get("charts.targets.page.font", "sans")
    keys = sorted(_font_keys(theme.get("brief")) | {chart_font})
    families = {k: register_family(theme, k, cache_dir) for k in keys}
    return Fonts(families, ChartFontMap(families, families[chart_font]))
