"""Writes ``shipped.FILE``: which characters of the built-in theme's chart fonts are plain, decided as a
build decides it (``shipped.py`` says what for). Run after changing what an entry's key covers:

    python -m briefdeck.charts.derive_shipped
"""
from __future__ import annotations

import json
from pathlib import Path

from .shipped import _LOADED, _PLAIN_LOCALES, FILE, font_key, plain_chars


def derive(theme=None) -> dict:
    """The entries for the fonts the built-in theme's charts measure text with (each target's regular
    and bold), decided as a build decides them."""
    from ..theme import load_theme
    from .shaping import _locale_language, plain_chars as decide
    from .style import TARGETS, chart_style

    if _locale_language() not in _PLAIN_LOCALES:
        raise RuntimeError("derive the entries in the C or an English locale (LC_ALL=C.UTF-8): other languages are not modelled")
    theme = theme or load_theme("default")
    paths = dict.fromkeys(chart_style(theme, t).fonts[s] for t in TARGETS for s in ("regular", "bold"))
    plain = {}
    for path in paths:
        decide.cache_clear()
        chars, pairs, ligatures = decide(path)
        plain[font_key(Path(path).read_bytes())] = {
            "font": Path(path).name, "chars": sorted(chars), "pairs": sorted(pairs),
            "ligatures": {k: list(v) for k, v in sorted(ligatures.items())}}  # in the order the shaper tries them
    return {"plain": plain}


def write(entries: dict) -> bytes:
    raw = (json.dumps(entries, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")
    FILE.parent.mkdir(parents=True, exist_ok=True)
    FILE.write_bytes(raw)
    _LOADED.clear()  # this process reads the new one
    plain_chars.cache_clear()
    return raw


if __name__ == "__main__":
    raw = write(derive())
    print(f"wrote {FILE} ({len(raw)} bytes)")
