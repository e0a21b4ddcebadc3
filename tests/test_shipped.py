"""What a cold build derives from the files briefdeck ships is shipped with them
(``briefdeck/builtin/derived/deck.json``, ``render/pptx/shipped.py``): the built-in template's analysis
and its fonts' widths. Each entry is what deriving it again gives, it is used only for the same
template, side file, theme settings and code, and a deck built from it is the deck built by looking."""
from __future__ import annotations

import json
import shutil

import pytest

from briefdeck import api
from briefdeck.render.pptx import fit, layout_cache, shipped
from briefdeck.render.pptx.derive_shipped import derive
from briefdeck.render.pptx.template.opening import side_file

from .conftest import DEFAULT_SOURCE

REGENERATE = "python -m briefdeck.render.pptx.derive_shipped"


def test_the_shipped_entries_are_what_deriving_them_again_gives(theme):
    """Keys (bytes, side file, theme, code) and values, derived now with the installed libraries."""
    assert shipped.FILE.is_file(), f"{shipped.FILE} is missing — write it with {REGENERATE}"
    kept = json.loads(shipped.FILE.read_bytes())
    now = derive(theme)
    assert list(kept["templates"]) == list(now["templates"]), f"the built-in template or the code changed — {REGENERATE}"
    assert kept == now, f"the shipped analysis or widths differ from what is derived now — {REGENERATE}"
    assert len(now["fonts"]) == 4  # Calibri's four styles, measured with Carlito's files


def _deck(out, template=None):
    layout_cache._MEMO.clear()
    fit._LOADED.clear()
    settings = (("template", template),) if template else ()
    [r] = api.build([DEFAULT_SOURCE], api.Options(formats=("pptx",), out_dir=out, settings=settings))
    assert r.ok, r.error
    return (out / f"{DEFAULT_SOURCE.stem}.pptx").read_bytes(), sorted(w.message for w in r.warnings if w.code.startswith("deck."))


def test_a_cold_build_on_the_built_in_template_derives_nothing_and_makes_the_deck_looking_makes(tmp_path, monkeypatch):
    from briefdeck.render.pptx.template import ranking

    with monkeypatch.context() as m:
        m.setattr(shipped, "_LOADED", [{}])  # nothing shipped: looked at and decoded
        looked = _deck(tmp_path / "looked")
    assert list((api.derived_dir(tmp_path / "looked") / "templates").glob("*.json"))

    monkeypatch.setattr(ranking, "look_at", lambda *a: pytest.fail("the built-in template was looked at"))
    monkeypatch.setattr(fit._Metrics, "__init__", _widths_only(fit._Metrics.__init__))
    monkeypatch.setattr(shipped, "_LOADED", [])
    cold = _deck(tmp_path / "cold")
    assert cold == looked
    assert not (api.derived_dir(tmp_path / "cold") / "templates").exists()  # nothing to keep: it ships


def _widths_only(init):
    def guarded(self, data=b"", widths=None):
        if widths is None:
            pytest.fail("a shipped font was decoded")
        init(self, data, widths)
    return guarded


def test_an_entry_serves_only_the_same_template_side_file_and_theme(tmp_path, theme):
    from briefdeck.theme import load_theme

    builtin = theme.default_template()
    copy = tmp_path / "elsewhere" / builtin.name
    copy.parent.mkdir()
    shutil.copy(builtin, copy)
    found = shipped.analysis(copy, side_file(copy), theme)
    assert found is not None  # by its bytes, wherever it lies; warnings would name this path
    assert all(p.file == str(copy) for p in found["problems"])

    side_file(copy).write_text("content: \"Title and Content\"\n", encoding="utf-8")
    assert shipped.analysis(copy, side_file(copy), theme) is None
    side_file(copy).unlink()

    other = load_theme("default")
    other.data["deck"] = {**other.data["deck"], "layout_aliases": {}}
    assert shipped.analysis(copy, side_file(copy), other) is None

    copy.write_bytes(copy.read_bytes() + b"\0")
    assert shipped.analysis(copy, side_file(copy), theme) is None


def test_a_font_not_shipped_is_read_from_its_file(theme):
    carlito = theme.assets.find("fonts/Carlito-Regular.ttf").read_bytes()
    assert shipped.widths(carlito) == fit._Metrics(carlito).widths
    assert list(shipped.widths(carlito)) == list(fit._Metrics(carlito).widths)  # the order the fallback width sums in
    assert shipped.widths(theme.assets.find("fonts/Caladea-Regular.ttf").read_bytes()) is None
    assert shipped.widths(carlito + b"\0") is None
