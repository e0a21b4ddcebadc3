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
