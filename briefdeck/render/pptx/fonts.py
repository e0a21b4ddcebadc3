"""Which font files measure a template's typefaces: data, never the building machine's fonts.

In order, for a typeface a template sets deck text in:
1. a file the user names in the template's side file (``NAME.layouts.yaml``: ``fonts: {Face: file}``);
2. the theme's table (deck.yaml ``measure.faces``): metric-compatible open twins shipped in fonts/,
   with what LibreOffice draws where a viewer lacks the face;
3. the font embedded in the template (``ppt/fonts/*.fntdata``: an EOT container, sometimes
   obfuscated; MicroType-compressed ones cannot be read and are skipped);
4. the theme's deliberately wide fallback, with one warning that names the face and how to supply it.
"""
from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Mapping, Optional, Sequence

from ...dataclass_code import dataclass
from ...errors import TemplateError, ThemeError
from .fit import CAPS, STYLES, Family, FontSource, Measurer, readable_font

_SFNT = (b"\x00\x01\x00\x00", b"true", b"OTTO")
R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
P_NS = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_EMBED_STYLES = {"regular": "regular", "bold": "bold", "italic": "italic", "boldItalic": "bolditalic"}


@dataclass(frozen=True)
class FaceSource:
    """How a face is measured: "user" | "table" | "embedded" | "fallback"."""

    face: str
    how: str
    detail: str = ""  # the families or files used


def _norm(face: str) -> str:
    return " ".join(face.split()).lower()


def table_family(theme, name: str, cache_dir: Optional[Path] = None) -> tuple[Family, list[Path]]:
    files = theme.get(f"deck.measure.families.{name}")
    if not isinstance(files, list) or len(files) != 4:
        raise ThemeError(f"deck.measure.families.{name} must list four font files (regular, bold, italic, bolditalic)")
    paths = {}
    for style, rel in zip(STYLES, files):
        path = theme.assets.find(f"fonts/{rel}")
        if path is None:
            raise ThemeError(f"font file fonts/{rel} named in deck.measure.families.{name} is missing — put it in assets/fonts/")
        with open(path, "rb") as f:
            if f.read(4) not in _SFNT:
                raise ThemeError(f"font file {path} named in deck.measure.families.{name} is not a TrueType/OpenType font")
        paths[style] = path
    return Family(paths, cache_dir), sorted(set(paths.values()))


# -- fonts embedded in a template ---------------------------------------------------------------
def font_from_fntdata(data: bytes, partname: str = "") -> Optional[bytes]:
    """The TrueType/OpenType bytes inside an embedded font part, or None when they cannot be had
    (MicroType Express compression) — PowerPoint stores them as EOT, Word-style parts obfuscated."""
    if data[:4] in _SFNT:
        return data if readable_font(data) else None
    if len(data) > 82 and struct.unpack_from("<H", data, 34)[0] == 0x504C:  # EOT magic number
        eot_size, font_size, _version, flags = struct.unpack_from("<IIII", data, 0)
        if flags & 0x4:  # TTEMBED_TTCOMPRESSED: MicroType Express, not decoded here
            return None
        start = eot_size - font_size
        if not (0 < start and eot_size <= len(data)):
            return None
        font = data[start:eot_size]
        if flags & 0x10000000:  # TTEMBED_XORENCRYPTDATA
            font = bytes(b ^ 0x50 for b in font)
        return font if font[:4] in _SFNT and readable_font(font) else None
    guid = re.search(r"([0-9A-Fa-f]{8})-?([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{12})", partname)
    if guid:  # obfuscated as ODTTF: the first 32 bytes XOR the GUID's bytes, reversed
        key = bytes.fromhex("".join(guid.groups()))[::-1]
        head = bytes(b ^ key[i % 16] for i, b in enumerate(data[:32]))
        font = head + data[32:]
        if font[:4] in _SFNT and readable_font(font):
            return font
    return None


def embedded_fonts(prs) -> dict[str, dict[str, bytes]]:
    """Face (as the template names it, lower case) -> style -> font bytes, for every embedded font
    whose data can be read."""
    out: dict[str, dict[str, bytes]] = {}
    lst = prs.part._element.find(f"{P_NS}embeddedFontLst")
    if lst is None:
        return out
    for ef in lst.findall(f"{P_NS}embeddedFont"):
        font = ef.find(f"{P_NS}font")
        face = font.get("typeface", "") if font is not None else ""
        if not face:
            continue
        styles = {}
        for tag, style in _EMBED_STYLES.items():
            el = ef.find(f"{P_NS}{tag}")
            rid = el.get(f"{R_NS}id") if el is not None else None
            if not rid:
                continue
            try:
                part = prs.part.related_part(rid)
            except KeyError:
                continue
            data = font_from_fntdata(part.blob, str(part.partname))
            if data is not None:
                styles[style] = data
        if "regular" in styles or styles:
            styles.setdefault("regular", next(iter(styles.values())))
            out[_norm(face)] = styles
    return out


# -- fonts the user names beside the template ---------------------------------------------------
def user_fonts(spec, side_file: Path) -> dict[str, dict[str, Path]]:
    """``fonts:`` of a template's side file: face -> a file, or {regular:, bold:, italic:, bolditalic:}.
    Paths are relative to the side file's folder."""
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise TemplateError(f"{side_file}: 'fonts' maps a typeface to its font file, e.g. fonts: {{Frutiger: assets/fonts/Frutiger.ttf}}")
    out: dict[str, dict[str, Path]] = {}
    for face, files in spec.items():
        if isinstance(files, str):
            files = {"regular": files}
        if not isinstance(files, dict) or not files or set(files) - set(STYLES) or "regular" not in files:
            raise TemplateError(f"{side_file}: fonts → '{face}' must name a file, or regular/bold/italic/bolditalic files (regular is needed)")
        paths = {}
        for style, rel in files.items():
            p = Path(str(rel))
            p = p if p.is_absolute() else side_file.parent / p
            if not p.is_file():
                raise TemplateError(f"{side_file}: font file '{rel}' for '{face}' ({style}) is not there — give its path relative to {side_file.parent}")
            with open(p, "rb") as f:
                head = f.read(4)
            if head not in _SFNT or not readable_font(p.read_bytes()):
                raise TemplateError(f"{side_file}: '{rel}' for '{face}' is not a TrueType/OpenType font — give a .ttf or .otf file")
            paths[style] = p
        out[_norm(str(face))] = paths
    return out


# -- the measurer for a template ----------------------------------------------------------------
def build_measurer(theme, faces: Sequence[str], default: str, *, embedded: Mapping[str, Mapping[str, bytes]] = {},
                   user: Mapping[str, Mapping[str, Path]] = {}, cache_dir: Optional[Path] = None,
                   ) -> tuple[Measurer, dict[str, FaceSource], tuple[Path, ...]]:
    """A measurer for every face in ``faces`` (and ``default``), how each one is measured, and the font
    files of the theme's table it reads (inputs of the build). ``cache_dir``: where fonts' widths are kept."""
    table = {_norm(k): v for k, v in theme.get("deck.measure.faces").items()}
    families: dict[str, tuple[Family, list[Path]]] = {}

    def fam(name: str) -> Family:
        if name not in families:
            families[name] = table_family(theme, name, cache_dir)
        return families[name][0]

    measured: dict[str, list] = {}
    how: dict[str, FaceSource] = {}
    for face in dict.fromkeys(f.removesuffix(CAPS) for f in [default, *faces]):
        key = _norm(face)
        if not key or key in measured:
            continue
        if key in user:
            measured[key] = [Family(dict(user[key]), cache_dir)]
            how[key] = FaceSource(face, "user", ", ".join(str(p) for p in user[key].values()))
        elif key in table:
            measured[key] = [fam(n) for n in table[key]]
            how[key] = FaceSource(face, "table", ", ".join(table[key]))
        elif key in embedded:
            data: Mapping[str, FontSource] = embedded[key]
            measured[key] = [Family(dict(data), cache_dir)]
            how[key] = FaceSource(face, "embedded", ", ".join(sorted(data)))
        else:
            fallback = theme.get("deck.measure.fallback")
            measured[key] = [fam(n) for n in fallback]
            how[key] = FaceSource(face, "fallback", ", ".join(fallback))
    files = tuple(sorted({p for _, paths in families.values() for p in paths}))
    return Measurer(measured, _norm(default.removesuffix(CAPS)), theme.get("deck.type.line_height"),
                    theme.get("deck.limits.fit_safety_width")), how, files
