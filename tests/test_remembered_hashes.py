"""A long-running process (--watch) keeps the hashes of files that do not change, and never hides
a change: a rewritten file (same size, same name) is hashed anew, and a file written moments ago
is not kept (a second write within one tick of a coarse clock could leave its times the same)."""
from __future__ import annotations

import hashlib
import time

import pytest

from briefdeck import publish, safeio


@pytest.fixture
def remembering(monkeypatch):
    monkeypatch.setattr(publish, "_HASHED", None)
    publish.remember_hashes()
    yield
    monkeypatch.setattr(publish, "_HASHED", None)


def test_a_settled_file_is_hashed_once_and_a_rewrite_is_seen(tmp_path, monkeypatch, remembering):
    f = tmp_path / "font.ttf"
    f.write_bytes(b"A" * 5000)
    later = time.time_ns() + 10 * safeio._SETTLED_NS  # as if the file had been written long ago
    monkeypatch.setattr(safeio.time, "time_ns", lambda: later)
    first = publish.sha256_file(f)
    assert first == hashlib.sha256(b"A" * 5000).hexdigest()
    assert len(publish._HASHED) == 1
    reads = []
    real = publish._sha256
    monkeypatch.setattr(publish, "_sha256", lambda p: reads.append(p) or real(p))
    assert publish.sha256_file(f) == first and reads == []  # kept: not read again
    time.sleep(0.05)  # past the file system clock's tick
    f.write_bytes(b"B" * 5000)  # the same size, under the same name
    assert publish.sha256_file(f) == hashlib.sha256(b"B" * 5000).hexdigest()
    assert len(reads) == 1


def test_a_file_written_moments_ago_is_hashed_every_time(tmp_path, remembering):
    f = tmp_path / "source.yaml"
    f.write_bytes(b"title: x\n")
    assert publish.sha256_file(f) == hashlib.sha256(b"title: x\n").hexdigest()
    assert publish._HASHED == {}


def test_without_remembering_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "_HASHED", None)
    f = tmp_path / "data.csv"
    f.write_bytes(b"year,n\n2014,28\n")
    assert publish.sha256_file(f) == hashlib.sha256(b"year,n\n2014,28\n").hexdigest()
    assert publish._HASHED is None


# -- kept for the next process (publish.recall_hashes / keep_hashes): a fresh process's build
# hashes only what changed, and what it is handed it checks first


@pytest.fixture
def settled(monkeypatch):
    """Files count as settled at once (not two seconds after their last change)."""
    monkeypatch.setattr(safeio, "_SETTLED_NS", -1)


def _new_process(monkeypatch):
    monkeypatch.setattr(publish, "_HASHED", {})
    monkeypatch.setattr(publish, "_SEEN", {})
    monkeypatch.setattr(publish, "_RECALLED", {})


def _reads(monkeypatch) -> list:
    reads = []
    real = publish._sha256
    monkeypatch.setattr(publish, "_sha256", lambda p: reads.append(p) or real(p))
    return reads


def test_a_kept_hash_spares_the_next_process_reading_the_file_and_a_rewrite_is_seen(tmp_path, monkeypatch, settled):
    font, table = tmp_path / "font.ttf", tmp_path / "derived" / "hashes" / "t"
    font.write_bytes(b"A" * 5000)
    _new_process(monkeypatch)
    publish.take_seen()
    publish.sha256_file(font)
    publish.keep_hashes(table)
    assert table.is_file()
    _new_process(monkeypatch)
    reads = _reads(monkeypatch)
    publish.recall_hashes(table)
    assert publish.sha256_file(font) == hashlib.sha256(b"A" * 5000).hexdigest() and reads == []
    time.sleep(0.05)
    font.write_bytes(b"B" * 5000)  # the same size, under the same name
    assert publish.sha256_file(font) == hashlib.sha256(b"B" * 5000).hexdigest() and reads == [font]


def test_a_table_holding_what_the_build_looked_up_is_not_written_again(tmp_path, monkeypatch, settled):
    font, table = tmp_path / "font.ttf", tmp_path / "t"
    font.write_bytes(b"A" * 5000)
    _new_process(monkeypatch)
    publish.sha256_file(font)
    publish.keep_hashes(table)
    before = table.stat()
    _new_process(monkeypatch)
    publish.recall_hashes(table)
    publish.sha256_file(font)
    publish.keep_hashes(table)
    assert (table.stat().st_ino, table.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    other = tmp_path / "data.csv"  # a build that read another file: the table is its build's files
    other.write_bytes(b"year,n\n")
    _new_process(monkeypatch)
    publish.recall_hashes(table)
    publish.sha256_file(other)
    publish.keep_hashes(table)
    _new_process(monkeypatch)
    publish.recall_hashes(table)
    assert [k[0] for k in publish._HASHED] == [str(other)]


@pytest.mark.parametrize("payload", [b'{"a": 1}', b"[[1, 2, 3]]", b"not json",
                                     b'[["/f", 1, 2, 3, 4, 5, "' + b"0" * 63 + b'"]]',  # a digest one short
                                     b'[["/f", 1, 2, true, 4, 5, "' + b"0" * 64 + b'"]]',
                                     b"[" * 200000 + b"]" * 200000])  # nested deeper than json recurses
def test_a_table_that_is_not_one_of_hashes_is_said_and_not_used(tmp_path, monkeypatch, payload):
    table = tmp_path / "t"
    publish.keep_file(table, payload)  # its digest verifies: it was written so, or planted with one
    said = []
    monkeypatch.setattr(publish, "cache_problem", lambda path, what: said.append((path, what)))
    _new_process(monkeypatch)
    publish.recall_hashes(table)
    assert publish._HASHED == {} and said and "not a table of file hashes" in said[0][1]


def test_a_damaged_table_is_said_and_not_used(tmp_path, monkeypatch, settled):
    font, table = tmp_path / "font.ttf", tmp_path / "t"
    font.write_bytes(b"A" * 5000)
    _new_process(monkeypatch)
    publish.sha256_file(font)
    publish.keep_hashes(table)
    raw = table.read_bytes()
    table.write_bytes(raw.replace(hashlib.sha256(b"A" * 5000).hexdigest().encode(), b"0" * 64))  # another hash, the header kept
    said = []
    monkeypatch.setattr(publish, "cache_problem", lambda path, what: said.append(what))
    _new_process(monkeypatch)
    reads = _reads(monkeypatch)
    publish.recall_hashes(table)
    assert publish.sha256_file(font) == hashlib.sha256(b"A" * 5000).hexdigest() and reads == [font]
    assert said and "does not match its digest" in said[0]


def test_a_no_op_build_in_a_fresh_process_reads_no_input_again(tmp_path, monkeypatch, settled):
    from briefdeck import api

    src = tmp_path / "talk.yaml"
    src.write_text(_TALK, encoding="utf-8")
    opts = api.Options(formats=("html",), out_dir=tmp_path / "out")
    _new_process(monkeypatch)
    assert [a.status for r in api.build([src], opts) for a in r.artefacts] == ["built"]
    api.build([src], opts)  # the first build's outputs had not settled then: now they are kept too
    _new_process(monkeypatch)
    reads = _reads(monkeypatch)
    assert [a.status for r in api.build([src], opts) for a in r.artefacts] == ["up-to-date"]
    assert reads == []
    src.write_text(_TALK.replace("Closing", "Closing words"), encoding="utf-8")
    _new_process(monkeypatch)
    reads = _reads(monkeypatch)
    assert [a.status for r in api.build([src], opts) for a in r.artefacts] == ["built"]
    assert src in reads and not [p for p in reads if p.suffix == ".ttf"]  # the edited source, not the fonts


def test_a_planted_table_nested_too_deep_is_said_once_and_the_build_keeps_a_good_one(tmp_path, monkeypatch, settled):
    from briefdeck import api

    src = tmp_path / "talk.yaml"
    src.write_text(_TALK, encoding="utf-8")
    opts = api.Options(formats=("html",), out_dir=tmp_path / "out")
    _new_process(monkeypatch)
    api.build([src], opts)
    table = api._hashes_entry(src, opts)
    publish.keep_file(table, b"[" * 200000 + b"]" * 200000)  # its digest verifies: planted with one
    src.write_text(_TALK.replace("Closing", "Closing words"), encoding="utf-8")
    said = []
    monkeypatch.setattr(publish, "cache_problem", lambda path, what: said.append((path, what)))
    _new_process(monkeypatch)
    res = api.build([src], opts)[0]
    assert res.ok and [a.status for a in res.artefacts] == ["built"]
    assert said == [(table, "cache entry is not a table of file hashes — not used; derived again")]
    _new_process(monkeypatch)
    publish.recall_hashes(table)  # written anew: a table of this build's hashes
    assert str(src) in {k[0] for k in publish._HASHED} and len(said) == 1


_TALK = """\
briefdeck: 1
meta: {updated: 2018-05-01}
event: {title: Hashes kept, organiser: Test organiser, date: 2018-04-25, place: Ottawa}
people: [{id: ana, name: Ana Example}]
summary: A summary.
key_messages: [One message.]
sections: [{id: intro, title: Closing, paragraphs: [A paragraph.]}]
"""


def test_a_build_record_nested_too_deep_is_no_record_and_names_no_entry(tmp_path):
    from briefdeck import cache

    out = tmp_path / "out"
    rec = publish.record_path(out, "talk")
    rec.parent.mkdir(parents=True)
    rec.write_bytes(b"[" * 200000 + b"]" * 200000)
    assert publish.read_json_state(rec) is None  # built again, as any damaged record
    charts = tmp_path / "charts"
    charts.mkdir()
    (charts / "old.json").write_bytes(b"{}")
    assert cache.prune_unrecorded(out, charts, started=time.time() + 10, shared=False) == 1
