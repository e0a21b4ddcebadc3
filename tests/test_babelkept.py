"""babel's merged data for a locale, kept for the next process (babelkept.py): the same data babel
merges from its files, used only while those files are the ones it was made from, and read back by
an unpickler that makes babel's four classes of locale data alone, each checked: a planted entry
is said and not used, and babel reads its own files."""
from __future__ import annotations

import json
import pickle
import sys

import pytest
from babel import localedata
from babel.plural import PluralRule

from briefdeck import babelkept, publish
from briefdeck.locale import babel_locale, format_date, format_number

pytestmark = pytest.mark.quick


@pytest.fixture
def kept(tmp_path, monkeypatch):
    """A fresh process's babel (no locale data merged yet) keeping its data in ``tmp_path``."""
    monkeypatch.setattr(localedata, "_cache", {})
    monkeypatch.setattr(localedata, "_dict_cache", {})
    monkeypatch.setattr(babelkept, "_WANTED", set())
    babel_locale.cache_clear()
    babelkept.use(tmp_path)
    said = []
    monkeypatch.setattr(publish, "cache_problem", lambda path, what: said.append(what))
    yield said
    babelkept.use(None)
    babel_locale.cache_clear()


def _fresh_process(monkeypatch):
    monkeypatch.setattr(localedata, "_cache", {})
    monkeypatch.setattr(localedata, "_dict_cache", {})
    babel_locale.cache_clear()


def _loads_counted(monkeypatch) -> list:
    read = []
    real = localedata.load
    monkeypatch.setattr(localedata, "load", lambda name, *a, **k: read.append(name) or real(name, *a, **k))
    return read


def _entry(tmp_path):
    entries = list((tmp_path / "babel").iterdir())
    assert len(entries) == 1
    return entries[0]


def test_the_next_process_gets_the_data_babel_merges_without_reading_its_files(kept, tmp_path, monkeypatch):
    babel_locale("fr-CA")
    text = format_number(1440.5, "fr-CA"), format_date(__import__("datetime").date(2023, 12, 7), "d MMMM y", "fr-CA")
    merged = pickle.dumps(localedata.load("fr_CA"), protocol=5)
    babelkept.keep()
    _fresh_process(monkeypatch)
    read = _loads_counted(monkeypatch)
    assert (format_number(1440.5, "fr-CA"), format_date(__import__("datetime").date(2023, 12, 7), "d MMMM y", "fr-CA")) == text
    assert babel_locale("fr-CA").plural_form(2) == "other" and babel_locale("fr-CA").plural_form(1) == "one"
    assert read == ["fr_CA"]  # babel asked for it once, and found it merged: root, fr and global.dat unread
    assert pickle.dumps(localedata._cache["fr_CA"], protocol=5) == merged
    assert kept == []


def test_an_entry_made_from_other_files_is_not_used(kept, tmp_path, monkeypatch):
    babel_locale("en-CA").months  # noqa: B018 (its data merged)
    babelkept.keep()
    entry = _entry(tmp_path)
    head, _, body = publish.read_kept(entry).partition(b"\n")
    sources = json.loads(head)
    sources[0][-1] += 1  # global.dat changed since (its change time)
    publish.keep_file(entry, json.dumps(sources).encode() + b"\n" + body)
    _fresh_process(monkeypatch)
    read = _loads_counted(monkeypatch)
    babel_locale("en-CA").months  # noqa: B018
    assert "root" in read and kept == []  # read from babel's files, nothing said: the entry was merely old


def _plant(tmp_path, forge, recursion_limit: int = 0):
    """An entry with a valid digest and fresh sources holding babel's data changed by ``forge``
    (pickled under ``recursion_limit`` when what it plants is nested deep); its path."""
    babel_locale("en-CA").months  # noqa: B018
    babelkept.keep()
    entry = _entry(tmp_path)
    head = publish.read_kept(entry).partition(b"\n")[0]
    data = dict(localedata.load("en_CA"))
    forge(data)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(recursion_limit or limit)
    try:
        body = pickle.dumps(data, protocol=5)
    finally:
        sys.setrecursionlimit(limit)
    publish.keep_file(entry, head + b"\n" + body)
    return entry


def _planted(tmp_path, monkeypatch, forge):
    """``_plant``, then babel's data read as a fresh process reads it; the names it loaded itself."""
    _plant(tmp_path, forge)
    _fresh_process(monkeypatch)
    read = _loads_counted(monkeypatch)
    babel_locale("en-CA").months  # noqa: B018
    return read


class _Evil:
    def __reduce__(self):
        import os

        return (os.getenv, ("HOME",))


def test_an_entry_holding_a_call_is_refused_and_said(kept, tmp_path, monkeypatch):
    read = _planted(tmp_path, monkeypatch, lambda data: data.update(evil=_Evil()))
    assert "root" in read and kept and "not babel's locale data" in kept[0]


def test_a_plural_rule_that_would_compile_other_code_is_refused(kept, tmp_path, monkeypatch):
    def forge(data):
        rule = PluralRule({"one": "n is 1"})
        rule.abstract = [("one", ("relation", ("in", ("n", ()), ("range_list", [(("value", ("__import__('os')",)), ("value", (1,)))]))))]
        data["plural_form"] = rule

    read = _planted(tmp_path, monkeypatch, forge)
    assert "root" in read and kept and "not babel's locale data" in kept[0]


def test_a_number_pattern_holding_other_values_is_refused(kept, tmp_path, monkeypatch):
    def forge(data):
        forged = pickle.loads(pickle.dumps(data["decimal_formats"][None]))
        forged.grouping = ("3", 3)
        data["decimal_formats"] = {None: forged}

    read = _planted(tmp_path, monkeypatch, forge)
    assert "root" in read and kept and "not babel's locale data" in kept[0]


def test_a_pattern_holding_a_name_that_is_not_a_string_is_refused(kept, tmp_path, monkeypatch):
    def forge(data):
        forged = pickle.loads(pickle.dumps(data["date_formats"]["long"]))
        forged.__dict__[1] = "x"  # sorted() of its names would raise
        data["date_formats"] = {"long": forged}

    read = _planted(tmp_path, monkeypatch, forge)
    assert "root" in read and kept == ["cache entry is not babel's locale data — not used; derived again"]


def test_a_plural_rule_nested_deeper_than_python_recurses_is_refused(kept, tmp_path, monkeypatch):
    def forge(data):
        cond = ("relation", ("in", ("n", ()), ("range_list", [(("value", (1,)), ("value", (1,)))])))
        for _ in range(3000):
            cond = ("not", (cond,))
        rule = PluralRule({})
        rule.abstract = [("one", cond)]
        data["plural_form"] = rule

    entry = _plant(tmp_path, forge, recursion_limit=20000)
    _fresh_process(monkeypatch)
    read = _loads_counted(monkeypatch)
    assert babel_locale("en-CA").plural_form(1) == "one"
    assert "root" in read and kept == ["cache entry is not babel's locale data — not used; derived again"]
    babelkept.keep()  # written anew, from babel's files
    assert babelkept._read(entry) is not None


def test_a_header_nested_deeper_than_json_recurses_is_refused(kept, tmp_path, monkeypatch):
    babel_locale("en-CA").months  # noqa: B018
    babelkept.keep()
    entry = _entry(tmp_path)
    body = publish.read_kept(entry).partition(b"\n")[2]
    publish.keep_file(entry, b"[" * 200000 + b"]" * 200000 + b"\n" + body)
    _fresh_process(monkeypatch)
    read = _loads_counted(monkeypatch)
    assert babel_locale("en-CA").months["format"]["wide"][1] == "January"
    assert "root" in read and kept == ["cache entry is not babel's locale data — not used; derived again"]
    babelkept.keep()
    assert babelkept._read(entry) is not None


def test_a_damaged_entry_is_said_and_babel_reads_its_files(kept, tmp_path, monkeypatch):
    babel_locale("en-CA").months  # noqa: B018
    babelkept.keep()
    entry = _entry(tmp_path)
    entry.write_bytes(entry.read_bytes()[:-100])
    _fresh_process(monkeypatch)
    read = _loads_counted(monkeypatch)
    assert babel_locale("en-CA").months["format"]["wide"][1] == "January"
    assert "root" in read and kept and "does not match its digest" in kept[0]


def test_nothing_is_kept_or_read_outside_a_build(tmp_path, monkeypatch):
    monkeypatch.setattr(localedata, "_cache", {})
    monkeypatch.setattr(localedata, "_dict_cache", {})
    babel_locale.cache_clear()
    babelkept.use(None)
    babel_locale("en-CA").months  # noqa: B018
    babelkept.keep()
    babel_locale.cache_clear()
    assert not list(tmp_path.iterdir())
