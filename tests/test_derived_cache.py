"""What a deck derives from its template (the analysis of its layouts, its fonts' widths) is kept as
plain data beside the outputs: a rebuild reads it instead of looking again, makes the same bytes and
says the same warnings, an unreadable entry is derived again, and --force derives everything anew."""
from __future__ import annotations

import json
import shutil

import pytest

from briefdeck import api
from briefdeck import theme as theme_mod
from briefdeck.publish import read_kept
from briefdeck.render.pptx import fit, layout_cache

from .conftest import DEFAULT_SOURCE, ROOT

CORPUS = ROOT / "tests" / "fixtures" / "templates" / "corpus"


def _deck(out, template, **opts):
    """A deck build in a process that has kept nothing: what it knows comes from ``out`` alone."""
    layout_cache._MEMO.clear()
    fit._LOADED.clear()
    theme_mod._PARSED.clear()  # the theme's settings, read back from derived/
    settings = (("template", template),) if template else ()
    [r] = api.build([DEFAULT_SOURCE], api.Options(formats=("pptx",), out_dir=out, settings=settings, **opts))
    assert r.ok, r.error
    deck = out / f"{DEFAULT_SOURCE.stem}.pptx"
    data = deck.read_bytes()
    deck.unlink()  # the next build makes it again
    return data, sorted(w.message for w in r.warnings if w.code.startswith("deck."))


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A corpus template whose typeface has no metrics and whose colours do not read: warnings of both kinds."""
    folder = tmp_path_factory.mktemp("template")
    for f in CORPUS.glob("corporate-font.*"):
        shutil.copy(f, folder / f.name)
    return folder / "corporate-font.pptx"


def test_a_rebuild_reads_what_was_derived_and_makes_the_same_deck(tmp_path, template, monkeypatch):
    out = tmp_path / "out"
    looked, said = _deck(out, template)
    derived = api.derived_dir(out)
    assert [p.suffix for p in (derived / "templates").iterdir()] == [".json"]
    assert len(list((derived / "fonts").iterdir())) >= 4
    assert any("contrast" in m for m in said) and any("Frutiger" in m for m in said)

    from briefdeck.render.pptx.template import ranking

    monkeypatch.setattr(ranking, "look_at", lambda *a: pytest.fail("the template was looked at again"))
    monkeypatch.setattr(fit._Metrics, "__init__", _widths_only(fit._Metrics.__init__))
    kept, said_again = _deck(out, template)
    assert kept == looked
    assert said_again == said


def _widths_only(init):
    def guarded(self, data=b"", widths=None):
        if widths is None:
            pytest.fail("a font was decoded again")
        init(self, data, widths)
    return guarded


def test_an_unreadable_kept_entry_is_derived_again(tmp_path, template):
    out = tmp_path / "out"
    first, said = _deck(out, template)
    files = list(api.derived_dir(out).rglob("*.json"))
    for f in files:
        f.write_text('{"layouts": ' if "templates" in f.parts else "[[65, ", encoding="utf-8")
    again, said_again = _deck(out, template)
    assert (again, said_again) == (first, said)
    for f in files:
        json.loads(read_kept(f))  # written anew, with its digest


def test_the_kept_analysis_belongs_to_the_template_its_side_file_and_the_theme(tmp_path, template, theme):
    from briefdeck.render.pptx.template.opening import side_file
    from briefdeck.theme import load_theme

    copy = tmp_path / template.name
    shutil.copy(template, copy)
    base = layout_cache.key(copy, side_file(copy), theme)
    assert layout_cache.key(copy, side_file(copy), theme) == base
    side_file(copy).write_text("content: \"Title and Content\"\n", encoding="utf-8")
    assert layout_cache.key(copy, side_file(copy), theme) != base
    side_file(copy).unlink()
    other = load_theme("default")
    other.data["deck"] = {**other.data["deck"], "layout_aliases": {}}
    assert layout_cache.key(copy, side_file(copy), other) != base
    copy.write_bytes(copy.read_bytes() + b"\0")
    assert layout_cache.key(copy, side_file(copy), theme) != base


def test_force_derives_everything_anew(tmp_path, template):
    out = tmp_path / "out"  # a user's template: the built-in one's analysis is shipped (test_shipped.py)
    _deck(out, template)
    stale = api.derived_dir(out) / "templates" / "stale.json"
    stale.write_text("{}", encoding="utf-8")
    _deck(out, template, force=True)
    assert not stale.exists()
    assert list((api.derived_dir(out) / "templates").glob("*.json"))


def test_the_kept_analysis_reads_back_as_found_in_order(template, theme, tmp_path):
    """Roles keep their order (the planner and the report walk them in it), variants theirs (best
    first), and every box, colour and warning is the one found."""
    from briefdeck.render.pptx.template.opening import open_clean_template, read_side_file
    from briefdeck.render.pptx.template.ranking import look_at

    prs, path, _ = open_clean_template(template, theme)
    found = look_at(prs, path, theme, read_side_file(path)[0])
    layout_cache.keep("k", tmp_path, found)
    layout_cache._MEMO.clear()
    back = layout_cache.recall("k", tmp_path)
    assert list(back["roles"]) == list(found["roles"])
    assert back == found
