"""Which characters of the built-in theme's chart fonts are plain ships with them
(``briefdeck/builtin/derived/charts.json``, ``charts/shipped.py``): each entry is what deciding it again
gives, it is used only for the same font bytes, code and locale language, and the charts measured and
drawn from it are the charts decided by fontTools."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from briefdeck import api
from briefdeck.charts import linewidth, mpl, shaping, shipped
from briefdeck.charts.derive_shipped import derive

from .conftest import DEFAULT_SOURCE

REGENERATE = "python -m briefdeck.charts.derive_shipped"


def test_the_shipped_entries_are_what_deciding_them_again_gives(theme):
    assert shipped.FILE.is_file(), f"{shipped.FILE} is missing — write it with {REGENERATE}"
    kept = json.loads(shipped.FILE.read_bytes())
    now = derive(theme)
    assert kept == now, f"the fonts, the code or fontTools changed — {REGENERATE}"
    assert sorted(e["font"] for e in now["plain"].values()) == \
        ["Carlito-Bold.ttf", "Carlito-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Regular.ttf"]
    for entry in now["plain"].values():
        assert len(entry["chars"]) > 800 and ord("A") in entry["chars"]  # plain text is modelled, not given up


def _fresh_measures():
    for f in (shipped.plain_chars, shipped._path_key, shaping.plain_chars, mpl.text_width, mpl.ink_box, linewidth.advance):
        getattr(f, "cache_clear", lambda: None)()  # (not on a stand-in)
    mpl._STEPS.clear()
    linewidth._FONTS.clear()


def _build(out):
    _fresh_measures()
    [r] = api.build([DEFAULT_SOURCE], api.Options(formats=("pdf", "pptx"), out_dir=out, jobs=1))
    assert r.ok, r.error
    return [(out / f"{DEFAULT_SOURCE.stem}{ext}").read_bytes() for ext in (".pdf", ".pptx")]


def test_a_cold_build_decides_nothing_and_makes_what_deciding_makes(tmp_path, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(shipped, "_LOADED", [{}])  # nothing shipped: decided by fontTools
        decided = _build(tmp_path / "decided")
    monkeypatch.setattr(shaping, "plain_chars", lambda path: pytest.fail(f"{path} was decided"))
    monkeypatch.setattr(shipped, "_LOADED", [])
    try:
        assert _build(tmp_path / "shipped") == decided
    finally:
        monkeypatch.undo()
        _fresh_measures()


def test_an_entry_serves_only_the_same_font_and_a_plain_locale(tmp_path, theme, monkeypatch):
    from briefdeck.charts.style import chart_style

    regular = chart_style(theme, "slide").fonts["regular"]
    data = Path(regular).read_bytes()
    assert shipped.shipped_plain(data) == shaping.plain_chars(regular)

    changed = tmp_path / "changed.ttf"
    changed.write_bytes(data + b"\0")  # another font file: decided, not looked up
    assert shipped.shipped_plain(changed.read_bytes()) is None
    copy = tmp_path / "copy.ttf"
    shutil.copy(regular, copy)  # the same bytes anywhere: looked up
    assert shipped.shipped_plain(copy.read_bytes()) is not None

    monkeypatch.setattr(shaping, "_locale_language", lambda: "fr")  # HarfBuzz's default language system differs
    assert shipped.shipped_plain(data) is None
