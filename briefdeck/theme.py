"""Themes: colours, fonts, sizes and spacing, read from ``assets/themes/NAME/``.

A theme is a folder of small YAML files, one per concern, so an organisation can restyle
the brief without touching the deck or any Python:

- ``base.yaml``   fonts (family -> TTF files) and named colours; may say ``extends: OTHER``
- ``brief.yaml``  the PDF brief: page, type sizes, spacing, box styles
- ``deck.yaml``   the PowerPoint deck: slide size, type sizes, colours, layout role names
- ``charts.yaml`` the chart service: fonts per target, palette, sizes per target

Files missing from a theme are taken from the theme it extends. Keys are looked up with
``theme.get("brief.body.size")``; an unknown key is an error, never a silent default.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ThemeError
from .paths import ASSETS

THEME_DIR = ASSETS / "themes"
PARTS = ("base", "brief", "deck", "charts")
_MISSING = object()
_FONT_MAGIC = {b"\x00\x01\x00\x00", b"true", b"OTTO"}  # sfnt versions: TrueType, Apple TrueType, CFF


@dataclass(frozen=True)
class Theme:
    name: str
    data: dict  # merged, read-only by convention
    files: tuple[Path, ...]  # every file the theme was built from (for build records)

    def get(self, dotted: str, default: Any = _MISSING) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is not _MISSING:
                    return default
                raise ThemeError(f"theme '{self.name}' has no setting '{dotted}' — add it to assets/themes/{self.name}/")
            node = node[part]
        return node

    def colour(self, name_or_hex: str) -> str:
        """A colour as '#RRGGBB', given a palette name ('accent') or a literal hex."""
        if name_or_hex.startswith("#"):
            return name_or_hex
        return self.get(f"colours.{name_or_hex}")

    def font_file(self, family: str, style: str = "regular") -> Path:
        """The TTF of a family's style (regular, bold, italic, bolditalic)."""
        rel = self.get(f"fonts.{family}.{style}")
        fonts = (ASSETS / "fonts").resolve()
        path = (fonts / str(rel)).resolve()
        where = f"assets/themes/{self.name}/base.yaml (fonts.{family}.{style})"
        if fonts not in path.parents:
            raise ThemeError(f"font '{rel}' in {where} is outside assets/fonts/ — copy the font into assets/fonts/ and name it there")
        if not path.is_file():
            raise ThemeError(f"font file assets/fonts/{rel} named in {where} is missing — restore it or name another font")
        with open(path, "rb") as f:
            magic = f.read(4)
        if magic not in _FONT_MAGIC or path.stat().st_size < 1024:
            raise ThemeError(f"font file assets/fonts/{rel} named in {where} is not a TrueType/OpenType font — replace it with a .ttf file")
        return path

    def font_files(self) -> tuple[Path, ...]:
        fams = {k: v for k, v in self.get("fonts").items() if isinstance(v, dict)}
        return tuple(sorted({self.font_file(fam, st) for fam, styles in fams.items() for st in styles}))

    def digest(self) -> str:
        """Hash of every theme file and font: part of each output's build record."""
        h = hashlib.sha256()
        for p in sorted(set(self.files) | set(self.font_files())):
            h.update(str(p.name).encode())
            h.update(p.read_bytes())
        return h.hexdigest()


def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ThemeError(f"{path}: cannot read theme file: {exc} — fix the YAML") from None
    if not isinstance(data, dict):
        raise ThemeError(f"{path}: a theme file must be a mapping of settings")
    return data


def load_theme(name: str = "default", _seen: tuple[str, ...] = ()) -> Theme:
    folder = THEME_DIR / name
    if not folder.is_dir():
        known = sorted(p.name for p in THEME_DIR.iterdir() if p.is_dir())
        raise ThemeError(f"unknown theme '{name}' — use one of: {', '.join(known)}")
    if name in _seen:
        raise ThemeError(f"theme '{name}' extends itself through {' -> '.join(_seen)}")
    base_file = folder / "base.yaml"
    base = _read(base_file) if base_file.is_file() else {}
    parent_name = base.pop("extends", None)
    if parent_name:
        parent = load_theme(parent_name, _seen + (name,))
        data, files = parent.data, list(parent.files)
    else:
        data, files = {}, []
    for part in PARTS:
        f = folder / f"{part}.yaml"
        if not f.is_file():
            continue
        content = base if part == "base" else {part: _read(f)}
        data = _deep_merge(data, content)
        files.append(f)
    return Theme(name=name, data=data, files=tuple(files))
