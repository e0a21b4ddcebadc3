"""A PDF stream compressed once per content in a process (render/pdf/deflate.py): the kept output is
zlib's for the same bytes; --watch's rebuilds compress only the streams that changed."""
from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfdoc

from briefdeck.render.pdf import deflate  # noqa: F401 - installed with the brief's renderer


def counted(monkeypatch) -> list:
    """The lengths of what reportlab's streams hand zlib.compress from now on."""
    calls, real = [], zlib.compress

    class Counting:
        @staticmethod
        def compress(data, *a):
            calls.append(len(data))
            return real(data, *a)

    monkeypatch.setattr(pdfdoc, "zlib", Counting)
    return calls


@pytest.mark.quick
def test_equal_bytes_are_compressed_once_and_as_zlib_compresses_them(monkeypatch):
    calls, real = counted(monkeypatch), zlib.compress
    page = "BT /F1 11 Tf 72 720 Td (Lastly, the mission) Tj ET\n" * 50 + "\u2019"
    first = pdfdoc.PDFZCompress.encode(page)
    again = pdfdoc.PDFZCompress.encode(page.encode("utf8"))  # (a str is its UTF-8 bytes)
    assert first == again == real(page.encode("utf8")) and len(calls) == 1
    other = pdfdoc.PDFZCompress.encode(page.replace("Lastly", "Finally"))
    assert other == real(page.replace("Lastly", "Finally").encode("utf8")) and len(calls) == 2


@pytest.mark.quick
def test_what_it_holds_is_bounded(monkeypatch):
    monkeypatch.setattr(deflate, "_MOST", 10_000)
    for i in range(40):
        pdfdoc.PDFZCompress.encode(bytes([i]) * 1000)
    assert deflate._held[0] <= 10_000 and sum(len(k) + len(v) for k, v in deflate._KEPT.items()) == deflate._held[0]


@pytest.mark.quick
def test_large_streams_are_kept_for_a_fresh_process_and_used_only_when_they_inflate_to_the_stream(tmp_path, monkeypatch):
    from briefdeck.publish import keep_file, read_kept

    calls, real = counted(monkeypatch), zlib.compress
    page = ("BT /F1 11 Tf 72 720 Td (a page kept beside the outputs) Tj ET\n" * 400).encode()
    assert len(page) >= deflate.KEEP_FROM
    with deflate.kept_in(tmp_path):
        assert pdfdoc.PDFZCompress.encode(page) == real(page) and len(calls) == 1
    [entry] = tmp_path.glob("pdfz-*.deflate")
    assert read_kept(entry) == real(page)
    deflate._KEPT.clear()  # (a fresh process)
    with deflate.kept_in(tmp_path):
        assert pdfdoc.PDFZCompress.encode(page) == real(page) and len(calls) == 1  # read back, not compressed
    keep_file(entry, real(page.replace(b"kept", b"KEPT")))  # verifies as an entry, holds another stream
    deflate._KEPT.clear()
    with deflate.kept_in(tmp_path):
        assert pdfdoc.PDFZCompress.encode(page) == real(page) and len(calls) == 2  # compressed anew
    assert read_kept(entry) == real(page)  # and kept again
    deflate._KEPT.clear()
    small = b"BT ET\n" * 10
    with deflate.kept_in(tmp_path):
        pdfdoc.PDFZCompress.encode(small)
    assert len(list(tmp_path.glob("pdfz-*.deflate"))) == 1  # small streams are not kept


def test_force_reads_no_kept_stream_nor_break(tmp_path, monkeypatch):
    """--force reads nothing kept (as the deck's and the page's): the brief's large streams are
    compressed and its paragraphs broken anew, the same bytes."""
    from collections import OrderedDict

    from briefdeck import api, publish

    from .conftest import DEFAULT_SOURCE

    monkeypatch.setenv("BRIEFDECK_SERVER", "0")
    out = tmp_path / "out"
    [r] = api.build([DEFAULT_SOURCE], api.Options(out_dir=out, formats=("pdf",)))
    assert r.ok, r.error
    derived = out / ".briefdeck" / "derived"
    assert list(derived.glob("pdfz-*.deflate")) and list(derived.rglob("brk-*.pickle"))
    first = (out / f"{DEFAULT_SOURCE.stem}.pdf").read_bytes()
    read: list = []
    real = publish.read_kept
    monkeypatch.setattr(publish, "read_kept", lambda path, *a, **k: (read.append(Path(path).name), real(path, *a, **k))[1])
    monkeypatch.setattr(deflate, "_KEPT", OrderedDict())  # (as in a fresh process)
    monkeypatch.setattr(deflate, "_held", [0])
    [r] = api.build([DEFAULT_SOURCE], api.Options(out_dir=out, formats=("pdf",), force=True))
    assert r.ok, r.error
    assert (out / f"{DEFAULT_SOURCE.stem}.pdf").read_bytes() == first
    assert not [n for n in read if n.startswith(("pdfz-", "brk-"))], read
