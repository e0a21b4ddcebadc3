"""Writes ``shipped.FILE``: what a build derives from the built-in template and its fonts, derived as a
build derives it (``shipped.py`` says what for). Run after changing what an entry's key covers:

    python -m briefdeck.render.pptx.derive_shipped
"""
from __future__ import annotations

import io
import json
from pathlib import Path

from .shipped import FILE, _LOADED, font_key, template_key


def derive(theme=None) -> dict:
    """The entries for the built-in theme's template and the fonts its typefaces are measured with,
    derived as a build derives them."""
    from fontTools.ttLib import TTFont

    from ...theme import load_theme
    from . import fit, layout_cache
    from .template.opening import open_clean_template, read_side_file, side_file
    from .template.ranking import look_at
    from .template.typefaces import with_measurer
    from .template.info import TemplateInfo

    theme = theme or load_theme("default")
    prs, path, _ = open_clean_template(None, theme)
    mapping, ufonts = read_side_file(path)
    found = look_at(prs, path, theme, mapping)
    data = layout_cache.to_data(found)
    for p in data["problems"]:
        if p["file"] != str(path):
            raise ValueError(f"a warning of the analysis names {p['file']}, not the template")
        p["file"] = ""  # the template's path where it is found
    side = side_file(path)
    key = template_key(path.read_bytes(), side.read_bytes() if side.is_file() else None, theme)

    read: list[bytes] = []  # the fonts a build on this template measures with
    metrics_of = fit.metrics_of

    def recording(source, cache_dir=None):
        read.append(Path(source).read_bytes() if isinstance(source, Path) else bytes(source))
        return metrics_of(source, None)

    fit.metrics_of = recording
    try:
        info = TemplateInfo(path, found["layouts"], found["roles"], found["size"])
        with_measurer(info, prs, theme, ufonts, found)
    finally:
        fit.metrics_of = metrics_of
    fonts = {}
    for font in read:
        widths = fit._Metrics(font).widths
        with TTFont(io.BytesIO(font), lazy=True) as tt:
            upm = tt["head"].unitsPerEm
            hmtx, cmap = tt["hmtx"].metrics, tt.getBestCmap() or {}
            units = [[cp, hmtx[g][0]] for cp, g in cmap.items() if g in hmtx]
        if {cp: u / upm for cp, u in units} != widths or [cp for cp, _ in units] != list(widths):
            raise ValueError("font widths in units do not give fit._Metrics's widths")
        fonts[font_key(font)] = {"upm": upm, "widths": units}
    return {"templates": {key: data}, "fonts": fonts}


def write(entries: dict) -> bytes:
    raw = (json.dumps(entries, separators=(",", ":")) + "\n").encode("utf-8")  # in order: roles best first
    FILE.parent.mkdir(parents=True, exist_ok=True)
    FILE.write_bytes(raw)
    _LOADED.clear()  # this process reads the new one
    return raw


if __name__ == "__main__":
    raw = write(derive())
    print(f"wrote {FILE} ({len(raw)} bytes)")
