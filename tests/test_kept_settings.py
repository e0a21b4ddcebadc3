"""A theme's files kept parsed in the build's cache (yamlsafe.read_settings ``kept_in``): the next
process reads back exactly what the parse made, a file with a problem is never kept, and a value
JSON would not give back as it is (a date, a number as a key) is not kept either."""
from __future__ import annotations

import pytest

from briefdeck import theme as theme_mod
from briefdeck import yamlsafe
from briefdeck.assets import Assets
from briefdeck.errors import ThemeError


def _same(a, b) -> None:
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same(x, y)
    else:
        assert a == b


def test_the_default_theme_read_back_is_the_theme_parsed(tmp_path, monkeypatch):
    monkeypatch.setattr(theme_mod, "_PARSED", {})
    parsed = theme_mod.load_theme("default", Assets(None))
    monkeypatch.setattr(theme_mod, "_PARSED", {})
    first = theme_mod.load_theme("default", Assets(None), kept_in=tmp_path)
    assert len(list(tmp_path.glob("settings-*.json"))) == len(parsed.files)
    monkeypatch.setattr(theme_mod, "_PARSED", {})
    monkeypatch.setattr(yamlsafe, "load_yaml", lambda *a, **k: pytest.fail("parsed again"))
    again = theme_mod.load_theme("default", Assets(None), kept_in=tmp_path)
    for t in (first, again):
        _same(t.data, parsed.data)
        assert t.files == parsed.files


def test_a_file_with_a_problem_is_not_kept_and_is_said_again(tmp_path):
    f = tmp_path / "brief.yaml"
    f.write_text("brief:\n  size: 1\n  size: 2\n", encoding="utf-8")  # a duplicate key
    kept = tmp_path / "kept"
    for _ in range(2):
        with pytest.raises(ThemeError, match="brief.yaml:3"):
            yamlsafe.read_settings(f, "brief.yaml", "theme file", ThemeError, kept)
    assert not kept.exists() or not list(kept.iterdir())


def test_values_json_would_change_are_not_kept(tmp_path):
    f = tmp_path / "base.yaml"
    f.write_text("updated: 2024-05-01\nlevels:\n  1: big\n", encoding="utf-8")
    kept = tmp_path / "kept"
    data = yamlsafe.read_settings(f, "base.yaml", "theme file", ThemeError, kept)
    assert not kept.exists() or not list(kept.iterdir())
    assert yamlsafe.read_settings(f, "base.yaml", "theme file", ThemeError, kept) == data
    plain = tmp_path / "plain.yaml"
    plain.write_text("a: 1\nb: 1.0\nc: [x, true, null, -0.0]\nd: {e: '1'}\n", encoding="utf-8")
    first = yamlsafe.read_settings(plain, "plain.yaml", "theme file", ThemeError, kept)
    assert len(list(kept.glob("settings-*.json"))) == 1
    _same(yamlsafe.read_settings(plain, "plain.yaml", "theme file", ThemeError, kept), first)


def test_a_damaged_entry_is_parsed_again(tmp_path):
    f = tmp_path / "plain.yaml"
    f.write_text("a: 1\n", encoding="utf-8")
    yamlsafe.read_settings(f, "plain.yaml", "theme file", ThemeError, tmp_path / "kept")
    entry, = (tmp_path / "kept").glob("settings-*.json")
    entry.write_bytes(entry.read_bytes()[:-3])
    assert yamlsafe.read_settings(f, "plain.yaml", "theme file", ThemeError, tmp_path / "kept") == {"a": 1}


@pytest.mark.parametrize("in_memory", [False, True], ids=["read-back", "in-memory"])
def test_a_build_notes_the_theme_entries_it_used(tmp_path, monkeypatch, in_memory):
    """The theme's kept entries are in use by every build that takes its settings from them, read back
    or held in memory (--watch, ``theme._PARSED``): pruning derived/ by use keeps them, and one
    pruned since is written again."""
    import os
    import time

    from briefdeck import api, cache

    from .conftest import DEFAULT_SOURCE

    monkeypatch.setattr(theme_mod, "_PARSED", {})
    out = tmp_path / "out"
    opts = api.Options(formats=("html",), out_dir=out)

    def build():
        if not in_memory:
            monkeypatch.setattr(theme_mod, "_PARSED", {})  # a fresh process: read back from derived/
        (out / f"{DEFAULT_SOURCE.stem}.html").unlink(missing_ok=True)  # made again
        [r] = api.build([DEFAULT_SOURCE], opts)
        assert r.ok, r.error
        return sorted(api.derived_dir(out).glob("settings-*.json"))

    entries = build()
    assert len(entries) == len(theme_mod.load_theme("default", Assets(None)).files)
    old = time.time() - 86_400
    for p in entries:
        os.utime(p, (old, old))
    monkeypatch.setattr(cache, "DERIVED_LIMIT_MB", 0)  # every entry the build does not use goes
    assert build() == entries
    assert all(p.stat().st_mtime > old + 3600 for p in entries)
    for p in entries[:2]:
        p.unlink()  # pruned by another build of a shared cache
    assert build() == entries


def test_a_theme_read_first_without_a_cache_is_kept_by_the_next_build(tmp_path, monkeypatch):
    """A process whose first read of the theme had no cache folder (a build server's warm-up, a
    ``--force`` build, a check) holds the settings in memory by path: every later build that has a
    folder still writes their entries there, then notes them, as a fresh process would."""
    from briefdeck import cache

    monkeypatch.setattr(theme_mod, "_PARSED", {})
    parsed = theme_mod.load_theme("default", Assets(None))  # no cache folder
    assert theme_mod._PARSED
    monkeypatch.setattr(yamlsafe, "load_yaml", lambda *a, **k: pytest.fail("parsed again"))
    kept = tmp_path / "derived"
    again = theme_mod.load_theme("default", Assets(None), kept_in=kept)
    _same(again.data, parsed.data)
    entries = sorted(kept.glob("settings-*.json"))
    assert len(entries) == len(parsed.files)
    noted = []
    monkeypatch.setattr(cache, "note", noted.append)
    theme_mod.load_theme("default", Assets(None), kept_in=kept)
    assert sorted(noted) == entries
    monkeypatch.setattr(theme_mod, "_PARSED", {})  # a fresh process reads them back, unparsed
    _same(theme_mod.load_theme("default", Assets(None), kept_in=kept).data, parsed.data)


def test_a_cache_folder_that_cannot_be_written_is_said_once_per_entry(tmp_path, monkeypatch):
    """derived/ cannot be made (a file stands where it goes): the build goes on, keep_file says
    False, and each theme entry is said once a process, not again at every rebuild of a --watch
    session (the theme held in memory tries to write its entries again each time)."""
    from briefdeck import publish

    said: list[str] = []
    monkeypatch.setattr(publish, "cache_problem", lambda path, what: said.append(path.name))
    monkeypatch.setattr(publish, "_UNKEPT", set())
    monkeypatch.setattr(theme_mod, "_PARSED", {})
    (tmp_path / "blocked").write_text("a file, not a folder", encoding="utf-8")
    kept = tmp_path / "blocked" / "derived"
    assert publish.keep_file(kept / "probe.json", b"{}") is False
    files = theme_mod.load_theme("default", Assets(None), kept_in=kept).files
    for _ in range(3):  # rebuilds, from memory
        theme_mod.load_theme("default", Assets(None), kept_in=kept)
    assert len(said) == len(set(said)) == 1 + len(files)
    ok = tmp_path / "derived"
    assert publish.keep_file(ok / "probe.json", b"{}") is True
