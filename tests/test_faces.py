"""TrueType faces kept in the build's cache (render/pdf/faces.py): a face read back is the face
reportlab parses, attribute by attribute and type by type, for every bundled font."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFont

from briefdeck.assets import BUILTIN
from briefdeck.render.pdf import faces

FONTS = sorted((BUILTIN / "fonts").glob("*.ttf"))


def _same(a, b, where="") -> None:
    assert type(a) is type(b), where
    if isinstance(a, dict):
        assert list(a) == list(b), where  # the same keys in the same order
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, TTFNameBytes):
        assert (bytes(a), a.ustr) == (bytes(b), b.ustr), where
    else:
        assert a == b, where


def _parsed(path: Path) -> TTFont:
    data = path.read_bytes()
    f = io.BytesIO(data)
    f.name = str(path)
    return TTFont(f"p-{path.stem}", f)


def _assert_same_font(kept: TTFont, parsed: TTFont) -> None:
    a, b = kept.face.__dict__, parsed.face.__dict__
    assert list(a) == list(b)
    for k in a:
        if k != "_pdfScale":
            _same(a[k], b[k], k)
    for x in (0, 1, 7, 1000, 2048, -3.5, 123.25):
        _same(a["_pdfScale"](x), b["_pdfScale"](x), "_pdfScale")
    for r in a["tables"]:  # the directory by tag holds the very records of the list, as the parse leaves it
        assert a["table"][r["tag"]] is r
    assert type(kept.face) is type(parsed.face)
    fa = {k: v for k, v in kept.__dict__.items() if k not in ("face", "state", "encoding", "fontName")}
    fb = {k: v for k, v in parsed.__dict__.items() if k not in ("face", "state", "encoding", "fontName")}
    _same(fa, fb, "font")
    assert type(kept.state) is type(parsed.state) and not kept.state
    assert type(kept.encoding) is type(parsed.encoding) and kept.encoding.__dict__ == parsed.encoding.__dict__


@pytest.mark.parametrize("path", FONTS, ids=[p.name for p in FONTS])
def test_a_kept_face_is_the_face_reportlab_parses(path):
    parsed = _parsed(path)
    kept = faces._font(f"p-{path.stem}", faces._face(faces._as_data(parsed.face), path.read_bytes(), str(path)))
    _assert_same_font(kept, parsed)
    assert kept.stringWidth("Quelles priorités ? 1 234,5 €", 9.5) == parsed.stringWidth("Quelles priorités ? 1 234,5 €", 9.5)


def test_a_face_is_kept_then_read_back_instead_of_parsed(tmp_path, monkeypatch):
    path = BUILTIN / "fonts" / "NotoSerif-Italic.ttf"
    data = path.read_bytes()
    first = faces.ttfont("k-1", data, str(path), tmp_path)
    assert not list(tmp_path.glob("face-*.bin"))  # kept once the brief is written
    faces.keep_parsed()
    kept = list(tmp_path.glob("face-*.bin"))
    assert len(kept) == 1
    monkeypatch.setattr(faces, "_parsed", lambda *a: pytest.fail("parsed again"))
    again = faces.ttfont("k-1", data, str(path), tmp_path)
    _assert_same_font(again, first)
    # another file name is another entry: reportlab's subsetting rules read it
    monkeypatch.undo()
    faces.ttfont("k-1", data, str(tmp_path / "Other.ttf"), tmp_path)
    faces.keep_parsed()
    assert len(list(tmp_path.glob("face-*.bin"))) == 2


def test_a_damaged_entry_is_parsed_as_reportlab_does(tmp_path):
    path = BUILTIN / "fonts" / "NotoSans-Bold.ttf"
    data = path.read_bytes()
    faces.ttfont("d-1", data, str(path), tmp_path)
    faces.keep_parsed()
    entry, = tmp_path.glob("face-*.bin")
    raw = entry.read_bytes()
    entry.write_bytes(raw[:-40])  # cut short: its digest no longer matches
    _assert_same_font(faces.ttfont("d-1", data, str(path), tmp_path), _parsed(path))
    # an entry whose digest matches but whose arrays are cut short (written so by another briefdeck)
    from briefdeck.publish import keep_file

    payload = faces._as_data(_parsed(path).face)
    keep_file(entry, payload[:-8])
    _assert_same_font(faces.ttfont("d-1", data, str(path), tmp_path), _parsed(path))
