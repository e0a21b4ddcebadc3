"""Writes ``shipped.FILE``: which characters of the built-in theme's chart fonts are plain, decided as a
build decides it, and their unscaled metrics (``shipped.py`` says what for). Each unscaled entry is
checked against the installed matplotlib's layouts first (``check``) and names its version: after
changing what an entry's key covers, or matplotlib, run

    python -m briefdeck.charts.derive_shipped
"""
from __future__ import annotations

import json
from pathlib import Path

from .shipped import _LOADED, _PLAIN_LOCALES, FILE, _path_key, font_key, plain_chars
from . import linewidth
from .unscaled import unscaled


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
    plain, metrics = {}, {}
    for path in paths:
        decide.cache_clear()
        chars, pairs, ligatures = decide(path)
        key = font_key(Path(path).read_bytes())
        plain[key] = {
            "font": Path(path).name, "chars": sorted(chars), "pairs": sorted(pairs),
            "ligatures": {k: list(v) for k, v in sorted(ligatures.items())}}  # in the order the shaper tries them
        entry = unscaled(path, chars, ligatures)
        if entry is not None:
            metrics[key] = {"font": Path(path).name, "matplotlib": check(path, entry, ligatures, pairs), **entry}
    return {"plain": plain, "unscaled": metrics}


SIZES = (5, 6.5, 7, 7.3, 8, 9, 10.5, 11.999, 12, 14, 20, 33.3)


def check(path: str, entry: dict, ligatures: dict, pairs) -> str:
    """The installed matplotlib's version, once its layouts of the font at ``path`` give the widths
    ``linewidth`` gives from ``entry`` -- every glyph alone, and lines of all the characters in a dozen
    orders -- at each of ``SIZES``; a difference raises (``tests/test_chart_linewidth.py`` checks more)."""
    from matplotlib import __version__, font_manager

    from .linewidth import _Metrics
    from .mpl import _UNHINTED

    metrics, font = _Metrics(entry, ligatures, frozenset(pairs)), font_manager.get_font(path)
    keys = entry["keys"]
    singles = [k for k in keys if len(k) == 1]
    lines = keys + ["".join(singles[i::7]) for i in range(7)] + ["".join(reversed(singles[i::5])) for i in range(5)]
    for size in SIZES:
        font.set_size(size, 72)
        for line in lines:
            font.set_text(line, 0.0, flags=_UNHINTED)
            if metrics.width(line, size) != font.get_width_height()[0]:
                raise RuntimeError(f"{Path(path).name} at {size} pt: {line!r} is {font.get_width_height()[0]} (26.6) "
                                   f"as matplotlib {__version__} sets it, {metrics.width(line, size)} from its unscaled metrics")
    return __version__


def write(entries: dict) -> bytes:
    raw = (json.dumps(entries, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")
    FILE.parent.mkdir(parents=True, exist_ok=True)
    FILE.write_bytes(raw)
    _LOADED.clear()  # this process reads the new one, and measures from it
    plain_chars.cache_clear()
    _path_key.cache_clear()
    linewidth.forget()
    return raw


if __name__ == "__main__":
    raw = write(derive())
    print(f"wrote {FILE} ({len(raw)} bytes)")
