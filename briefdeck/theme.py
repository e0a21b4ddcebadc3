"""Themes: colours, fonts, sizes and spacing, read from ``themes/NAME/`` in the assets.

A theme is a folder of small YAML files, one per concern, so an organisation can restyle
the brief without touching the deck or any Python:

- ``base.yaml``   fonts (family -> TTF files) and named colours; may say ``extends: OTHER``
- ``brief.yaml``  the PDF brief: page, type sizes, spacing, box styles
- ``deck.yaml``   the PowerPoint deck: slide size, type sizes, colours, layout role names
- ``charts.yaml`` the chart service: fonts per target, palette, sizes per target
- ``html.yaml``   the HTML edition: font stacks, measure, type scale, spacing, chart size

Each renderer's file is the ``theme_part`` of its registry entry (``briefdeck.render``): a new
output format brings its own file without a change here.

Files missing from a theme are taken from the theme it extends. Keys are looked up with
``theme.get("brief.body.size")``; an unknown key is an error, never a silent default.
Theme folders and font files are found through ``Assets`` (a project's ``assets/`` over the
built-ins in ``briefdeck/builtin/``).
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Optional

from .dataclass_code import dataclass
from .assets import Assets
from .errors import ThemeError
from .render import theme_parts
from .safeio import per_version
from .yamlsafe import read_settings_kept, still_kept_settings

_MISSING = object()
_FONT_MAGIC = {b"\x00\x01\x00\x00", b"true", b"OTTO"}  # sfnt versions: TrueType, Apple TrueType, CFF


@dataclass(frozen=True)
class Theme:
    name: str
    data: dict  # merged, read-only by convention
    files: tuple[Path, ...]  # every file the theme was built from (for build records)
    assets: Assets = Assets()  # where its fonts, chart style and template are found

    def get(self, dotted: str, default: Any = _MISSING) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is not _MISSING:
                    return default
                raise ThemeError(f"theme '{self.name}' has no setting '{dotted}' — add it to themes/{self.name}/ in the assets")
            node = node[part]
        return node

    def colour(self, name_or_hex: str) -> str:
        """A colour as '#RRGGBB', given a palette name ('accent') or a literal hex."""
        if name_or_hex.startswith("#"):
            return name_or_hex
        return self.get(f"colours.{name_or_hex}")

    def font_file(self, family: str, style: str = "regular") -> Path:
        """The TTF of a family's style (regular, bold, italic, bolditalic), from ``fonts/`` in the assets."""
        rel = self.get(f"fonts.{family}.{style}")
        where = f"themes/{self.name}/base.yaml (fonts.{family}.{style})"
        try:
            path = self.assets.find(f"fonts/{rel}")
        except ThemeError:
            raise ThemeError(f"font '{rel}' in {where} is outside the fonts folder — copy the font into assets/fonts/ and name it there") from None
        if path is None:
            raise ThemeError(f"font file fonts/{rel} named in {where} is missing — put it in assets/fonts/ or name another font")
        with open(path, "rb") as f:
            magic = f.read(4)
        if magic not in _FONT_MAGIC or path.stat().st_size < 1024:
            raise ThemeError(f"font file {self.assets.shown(path)} named in {where} is not a TrueType/OpenType font — replace it with a .ttf file")
        return path

    def font_files(self) -> tuple[Path, ...]:
        fams = {k: v for k, v in self.get("fonts").items() if isinstance(v, dict)}
        return tuple(sorted({self.font_file(fam, st) for fam, styles in fams.items() for st in styles}))

    def chart_inputs(self) -> tuple[Path, ...]:
        """Files whose content changes what a chart looks like: the chart style and the chart fonts."""
        style = self.assets.find(str(self.get("charts.style_file")))
        if style is None:
            raise ThemeError(f"chart style file {self.get('charts.style_file')} (charts.style_file in theme '{self.name}') is missing — restore it or fix charts.style_file")
        files = {style}
        for target in ("page", "slide"):
            family = self.get(f"charts.targets.{target}.font")
            files |= {self.font_file(family, st) for st in ("regular", "bold", "italic", "bolditalic")}
        return tuple(sorted(files))

    def default_template(self) -> Optional[Path]:
        """The deck template the theme names (``deck.template``, under ``templates/``)."""
        name = self.get("deck.template", None)
        return self.assets.find(f"templates/{name}") if name else None


def parts() -> tuple[str, ...]:
    """A theme's files, in the order they are merged: base, each registered renderer's, the charts'."""
    return ("base",) + theme_parts() + ("charts",)


def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


_PARSED: dict[str, tuple[tuple, dict]] = {}  # path -> (the version read, its settings): --watch parses a file once per version


def _read(path: Path, assets: Assets, kept_in: Optional[Path] = None) -> dict:
    """A theme file's settings, parsed once per version of the file (``safeio.per_version``): a
    process that builds again and again (--watch) sees every edit and parses nothing else again;
    ``kept_in``: a cache folder where the next process finds them parsed (``read_settings``), whose
    entry this build notes as in use also when it has them from memory (pruning keeps it).
    A copy: the caller may change what it is handed."""
    shown = assets.shown(path)
    data, entry = per_version(_PARSED, path, (shown,), lambda: read_settings_kept(path, shown, "theme file", ThemeError, kept_in))
    if kept_in is not None and entry is not None:
        still_kept_settings(kept_in, entry, data)
    return copy.deepcopy(data)


def theme_names(assets: Assets) -> list[str]:
    return [n for n in assets.names("themes") if assets.find(f"themes/{n}/base.yaml") or any(
        assets.find(f"themes/{n}/{part}.yaml") for part in parts())]


def load_theme(name: str = "default", assets: Optional[Assets] = None, _seen: tuple[str, ...] = (), kept_in: Optional[Path] = None) -> Theme:
    """``kept_in``: a cache folder (a build's ``derived/``) where the theme's files are kept parsed."""
    assets = assets or Assets()
    found = {part: assets.find(f"themes/{name}/{part}.yaml") for part in parts()}
    if not any(found.values()):
        raise ThemeError(f"unknown theme '{name}' — use one of: {', '.join(theme_names(assets))} (themes are folders of assets/themes/)")
    if name in _seen:
        raise ThemeError(f"theme '{name}' extends itself through {' -> '.join(_seen)}")
    base = _read(found["base"], assets, kept_in) if found["base"] else {}
    parent_name = base.pop("extends", None)
    if parent_name:
        parent = load_theme(parent_name, assets, _seen + (name,), kept_in)
        data, files = parent.data, list(parent.files)
    else:
        data, files = {}, []
    for part in found:
        f = found[part]
        if f is None:
            continue
        content = base if part == "base" else {part: _read(f, assets, kept_in)}
        data = _deep_merge(data, content)
        files.append(f)
    return Theme(name=name, data=data, files=tuple(files), assets=assets)
