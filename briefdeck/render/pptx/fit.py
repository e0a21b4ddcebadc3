"""Text measurement with real font metrics, so the planner can split instead of overflowing.

Every typeface a template names is measured with font files shipped in the assets (never the
building machine's fonts, so the same source gives the same deck everywhere): its metric-compatible
open twin (Carlito for Calibri, Liberation Sans for Arial...), and for a face that viewers may lack,
also what they draw in its place; a word is as wide as the widest of them, so the text fits both
where the face is installed and where it is replaced (``fonts.py`` decides which files).

Line height does not depend on the typeface: PowerPoint and LibreOffice both set 100 % line
spacing at 1.2 x the type size in a .pptx (measured in LibreOffice 7.4 for Carlito, Liberation,
Caladea and DejaVu alike). Kerning is ignored (it only narrows text), and word wrap is greedy like
both renderers.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import re
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence, Union

from ...dataclass_code import dataclass
from ...publish import distrust, keep_file, read_kept, still_kept

logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)  # Carlito's old head date

PT_PER_IN = 72.0
STYLES = ("regular", "bold", "italic", "bolditalic")
_WORD = re.compile(r"[^ \t]+[ \t]*")  # lines break at spaces, never at a no-break space
FontSource = Union[Path, bytes]  # a font file, or a font's bytes (embedded in a template)
CAPS = "+caps"  # a face key with this ending: text set in capitals


@dataclass(frozen=True)
class Box:
    """A text placeholder's size and its insets, in inches, and the typeface its text is set in
    (a key of the measurer's faces; "" is the measurer's default)."""

    width: float
    height: float
    left: float = 0.0
    top: float = 0.0
    inset_l: float = 0.1
    inset_r: float = 0.1
    inset_t: float = 0.05
    inset_b: float = 0.05
    face: str = ""  # ending in "+caps" when the template draws the text in capitals

    @property
    def text_width_pt(self) -> float:
        return (self.width - self.inset_l - self.inset_r) * PT_PER_IN

    @property
    def text_height_pt(self) -> float:
        return (self.height - self.inset_t - self.inset_b) * PT_PER_IN

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def right(self) -> float:
        return self.left + self.width


@dataclass(frozen=True)
class Para:
    """One paragraph to measure: (text, bold[, unbreakable[, italic]]) segments, its left margin,
    space before and, when it differs from the block's, its own type size."""

    segments: tuple[tuple, ...]
    indent_in: float = 0.0
    space_before_pt: float = 0.0
    size_pt: Optional[float] = None


class _Metrics:
    """Advance widths of one font file, in em."""

    def __init__(self, data: bytes = b"", widths: Optional[dict[int, float]] = None):
        if widths is None:
            from fontTools.ttLib import TTFont  # only for a font whose widths are not kept

            with TTFont(io.BytesIO(data), lazy=True) as font:
                upm = font["head"].unitsPerEm
                cmap = font.getBestCmap() or {}
                hmtx = font["hmtx"].metrics
                widths = {cp: hmtx[g][0] / upm for cp, g in cmap.items() if g in hmtx}
        self.widths = widths
        self.fallback = sum(self.widths.values()) / max(1, len(self.widths))

    def width_em(self, text: str) -> float:
        w = self.widths
        return sum(w.get(ord(c), self.fallback) for c in text)


_LOADED: dict[str, _Metrics] = {}  # by content (sha256): the same font read once per process


def _reader_digest() -> bytes:
    """This module and fontTools' version: what turns a font into widths (a change reads fonts again)."""
    from ...versions import code_digest

    return code_digest([Path(__file__)], ("fonttools",))


def metrics_of(source: FontSource, cache_dir: Optional[Path] = None) -> _Metrics:
    """The widths of a font file, read once per process; with ``cache_dir``, kept there as JSON by
    the font's hash (fontTools takes 20-30 ms to decode one font's character map; JSON 2 ms)."""
    data = Path(source).read_bytes() if isinstance(source, Path) else bytes(source)
    digest = hashlib.sha256(data).hexdigest()
    kept = Path(cache_dir) / f"{hashlib.sha256(_reader_digest() + digest.encode()).hexdigest()}.json" if cache_dir is not None else None
    if digest in _LOADED:
        still_kept(kept, lambda: json.dumps(list(_LOADED[digest].widths.items())).encode("utf-8"))
        return _LOADED[digest]
    found = None
    if kept is not None:
        raw = read_kept(kept)
        if raw is not None:
            try:  # in the order the font lists them, as the sum of the fallback width was taken
                found = _Metrics(widths={int(cp): float(w) for cp, w in json.loads(raw)})
                if not all(math.isfinite(w) and w >= 0 for w in found.widths.values()):
                    raise ValueError("no widths")
            except Exception:  # noqa: BLE001 - absent or unreadable: read the font
                distrust(kept, "holds no font widths")
                found = None
    if found is None:
        from .shipped import widths  # a font briefdeck ships: its widths are shipped too

        shipped = widths(data)
        if shipped is not None:
            found = _Metrics(widths=shipped)
    if found is None:
        found = _Metrics(data)
        if kept is not None:
            keep_file(kept, json.dumps(list(found.widths.items())).encode("utf-8"))
    _LOADED[digest] = found
    return found


def readable_font(data: bytes) -> bool:
    """Whether fontTools can read advance widths from these bytes."""
    try:
        _Metrics(data)
    except Exception:  # noqa: BLE001 - any unreadable font is simply not used
        return False
    return True


class Family:
    """Four styles of one family (a style may reuse another's file when their widths agree)."""

    def __init__(self, files: Mapping[str, FontSource], cache_dir: Optional[Path] = None):
        regular = files["regular"]
        bold = files.get("bold", regular)
        self.styles = {"regular": metrics_of(regular, cache_dir), "bold": metrics_of(bold, cache_dir),
                       "italic": metrics_of(files.get("italic", regular), cache_dir),
                       "bolditalic": metrics_of(files.get("bolditalic", bold), cache_dir)}

    def get(self, bold: bool, italic: bool) -> _Metrics:
        return self.styles[("bold" if bold else "") + ("italic" if italic else "") or "regular"]


def _key(face: str) -> str:
    return " ".join(face.split()).lower()


class Measurer:
    """Widths and wrapped heights of text, per typeface.

    ``faces``: face key (lower case) -> the families it is measured with; a word is as wide as in
    the widest of them. ``default``: the face of boxes that name none.
    """

    def __init__(self, faces: Mapping[str, Sequence[Family]], default: str, line_em: float = 1.2,
                 width_safety: float = 0.98):
        self.faces = {_key(k): tuple(v) for k, v in faces.items()}
        if _key(default) not in self.faces:
            raise ValueError(f"default face {default!r} is not among the measured faces")
        self.default = _key(default)
        self.line_em = line_em
        self.width_safety = width_safety  # a line uses this share of its width: renderers round glyph positions
        self._cache: dict = {}

    @classmethod
    def of_files(cls, regular: Path, bold: Path, italic: Optional[Path] = None,
                 bolditalic: Optional[Path] = None, line_em: float = 1.2, width_safety: float = 0.98) -> "Measurer":
        files = {"regular": regular, "bold": bold}
        if italic:
            files["italic"] = italic
        if bolditalic:
            files["bolditalic"] = bolditalic
        return cls({"text": [Family(files)]}, "text", line_em, width_safety)

    def _families(self, face: str) -> tuple[Family, ...]:
        return self.faces.get(_key(face or self.default)) or self.faces[self.default]

    def width_pt(self, text: str, size: float, bold: bool = False, italic: bool = False, face: str = "") -> float:
        key = (face, bold, italic, text)
        em = self._cache.get(key)
        if em is None:
            if face.endswith(CAPS):  # a style that draws capitals ("cap=all"): measured as drawn
                em = max(f.get(bold, italic).width_em(text.upper()) for f in self._families(face[:-len(CAPS)]))
            else:
                em = max(f.get(bold, italic).width_em(text) for f in self._families(face))
            if len(self._cache) < 200_000:
                self._cache[key] = em
        return em * size

    def line_height_pt(self, size: float) -> float:
        return self.line_em * size

    def count_lines(self, segments: Sequence[tuple], size: float, width_pt: float, face: str = "") -> int:
        """Greedy word wrap; a word wider than the line breaks by character, as renderers do.

        An unbreakable segment (a hyperlink: LibreOffice lays it out as one field, its trailing space
        included) wraps as one word.
        """
        width_pt *= self.width_safety
        lines, x = 1, 0.0
        for seg in segments:
            text, bold = seg[0], seg[1]
            whole = len(seg) > 2 and seg[2]
            italic = len(seg) > 3 and seg[3]
            for k, part in enumerate(text.split("\n")):
                if k:  # a line break inside the paragraph
                    lines, x = lines + 1, 0.0
                for word in ([part] if whole else _WORD.findall(part)):
                    core = word if whole else word.rstrip()  # a field's trailing space is part of it
                    w_core = self.width_pt(core, size, bold, italic, face)
                    w_all = w_core + (self.width_pt(word[len(core):], size, bold, italic, face) if len(word) > len(core) else 0.0)
                    if x > 0 and x + w_core > width_pt:
                        lines, x = lines + 1, 0.0
                    while w_core > width_pt and x == 0 and width_pt > 0:  # one overlong word: hard breaks
                        lines += 1
                        w_core -= width_pt
                        w_all -= width_pt
                    x += w_all
        return lines

    def height_pt(self, paras: Iterable[Para], size: float, box: Box, first_space: bool = True) -> float:
        total = 0.0
        for i, p in enumerate(paras):
            if i or first_space:
                total += p.space_before_pt
            width = box.text_width_pt - p.indent_in * PT_PER_IN
            own = p.size_pt or size
            total += self.count_lines(p.segments, own, width, box.face) * self.line_height_pt(own)
        return total

    def fits(self, paras: Sequence[Para], size: float, box: Box, safety: float = 1.0) -> bool:
        return self.height_pt(paras, size, box) <= box.text_height_pt * safety
