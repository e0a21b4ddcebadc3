"""TrueType faces parsed once and kept as plain data in the build's cache (``derived/``).

reportlab parses a TTF's tables in Python as it registers the font (``TTFontFile.extractInfo``:
the character map, the widths, the glyph offsets), 5-6 ms a face: the brief's eight faces are
most of what it does before its first layout, in every fresh process (a prose edit). What the
parse leaves on the face depends only on the file's bytes, its name (reportlab's subsetting
rules read it) and reportlab, so it is kept, keyed by all three and this code: the face's few
values as JSON, its five tables (character -> glyph, glyph -> characters, widths, metrics,
offsets) as arrays of numbers after it, each number's type (int or float) kept. A process that
parsed a face keeps it once the brief is written (``keep_parsed``: 2-3 ms a face, off the path
to the first layout). Reading one back takes about a fifth of the parse; anything unexpected
(another reportlab's attributes, a value of another type, a damaged entry) parses the file as
reportlab does.

The font around a kept face is made as ``TTFont.__init__`` makes it (tests/test_faces.py
compares every attribute with reportlab's own, for every bundled font).
"""
from __future__ import annotations

import array
import hashlib
import io
import json
from fnmatch import fnmatch
import operator
from itertools import accumulate, chain, repeat
from pathlib import Path
from typing import Any, Optional
from weakref import WeakKeyDictionary

from reportlab import rl_config
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

from ...publish import distrust, keep_file, read_kept, still_kept

_READER: list[bytes] = []
_TABLES = ("charToGlyph", "glyphToChar", "charWidths", "hmetrics", "glyphPos")
_HERE = ("_ttf_data", "_pdfScale", "filename")  # this process's: the bytes read, the scale (a function), the name
_KEPT: dict[str, tuple[bytes, str]] = {}  # font name -> its file's digest and name, for a font registered before in this process


class _Unkept(Exception):
    """A face holding something this module does not keep."""


def _reader_digest() -> bytes:
    """This module and reportlab's version: what turns a font file into the kept data."""
    if not _READER:
        from ...versions import code_digest

        _READER.append(code_digest([Path(__file__)], ("reportlab",)))
    return _READER[0]


def _entry(digest: bytes, filename: str, cache_dir: Path) -> Path:
    settings = repr((getattr(rl_config, "allowTTFSubsetting", None), getattr(rl_config, "autoGenerateTTFMissingTTFName", None))).encode()
    h = hashlib.sha256(_reader_digest() + digest + filename.encode("utf-8", "surrogateescape") + b"\0" + settings)
    return cache_dir / f"face-{h.hexdigest()}.bin"


def ttfont(name: str, data: bytes, filename: str, cache_dir: Optional[Path], digest: Optional[bytes] = None) -> TTFont:
    """``TTFont(name, file)`` for a file holding ``data`` (whose sha256 is ``digest``) named
    ``filename``: its face read back from ``cache_dir`` when kept there, else parsed (and kept)."""
    if cache_dir is None:
        return _parsed(name, data, filename)
    digest = digest or hashlib.sha256(data).digest()
    _KEPT[name] = (digest, filename)
    kept = _entry(digest, filename, Path(cache_dir))
    raw = read_kept(kept)
    if raw is not None:
        try:
            return _font(name, _face(raw, data, filename))
        except (ValueError, TypeError, KeyError, IndexError, RecursionError, _Unkept):
            distrust(kept, "holds no font face")
    font = _parsed(name, data, filename)
    _PENDING.append((kept, font.face))
    return font


_PENDING: list[tuple[Path, TTFontFace]] = []  # faces parsed by this process, to keep once the brief is written


def keep_parsed() -> None:
    """Keep the faces this process parsed (``ttfont``): 2-3 ms a face, paid once the brief is written
    (a first build's deck and charts are still at work then), not before its first layout."""
    while _PENDING:
        kept, face = _PENDING.pop()
        try:
            keep_file(kept, _as_data(face))
        except _Unkept:
            pass  # parsed again by the next process


def in_use(name: str, cache_dir: Optional[Path]) -> None:
    """A font this process registered before is in use by this build too: its entry is noted
    (pruning keeps it), or kept again where it is missing (another output folder)."""
    from reportlab.pdfbase import pdfmetrics

    known = _KEPT.get(name)
    if known is None or cache_dir is None:
        return
    try:
        still_kept(_entry(*known, Path(cache_dir)), lambda: _as_data(pdfmetrics.getFont(name).face))
    except (_Unkept, KeyError, OSError):
        pass  # only the next process's time is at stake


def _parsed(name: str, data: bytes, filename: str) -> TTFont:
    f = io.BytesIO(data)
    f.name = filename  # what reportlab reads as the file's name (subsetting rules, messages)
    return TTFont(name, f)


def _font(name: str, face: TTFontFace) -> TTFont:
    """The font ``TTFont(name, file)`` makes, around a face made already."""
    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = face
    font.encoding = TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = True and not any(fnmatch(name, g) for g in ttfonts.unShapedFontGlob)
    return font


# -- the kept form -------------------------------------------------------------------------

def _value(v: Any) -> Any:
    t = type(v)
    if t in (int, float, str, bool) or v is None:
        return v
    if t is TTFNameBytes:
        return {"name": [bytes(v).hex(), v.ustr]}
    if t is bytes:
        return {"bytes": v.hex()}
    if t is tuple:
        return {"tuple": [_value(x) for x in v]}
    if t is list:
        return [_value(x) for x in v]
    if t is dict and all(type(k) is str for k in v):
        return {"dict": {k: _value(x) for k, x in v.items()}}
    raise _Unkept(t.__name__)


def _unvalue(v: Any) -> Any:
    if isinstance(v, list):
        return [_unvalue(x) for x in v]
    if not isinstance(v, dict):
        return v
    (kind, x), = v.items()
    if kind == "name":
        n = bytes.__new__(TTFNameBytes, bytes.fromhex(x[0]))
        n.ustr = x[1]
        return n
    if kind == "bytes":
        return bytes.fromhex(x)
    if kind == "tuple":
        return tuple(_unvalue(y) for y in x)
    if kind == "dict":
        return {k: _unvalue(y) for k, y in x.items()}
    raise ValueError(kind)


def _numbers(values: list, arrays: list) -> list:
    """Numbers as an array (its place in ``arrays``) and the type of each: "int" every one an int,
    "float" every one a float, "mixed" both (then a second array says which are ints)."""
    types = set(map(type, values))  # (map: a face's tables are thousands of numbers, kept on a cold build's path)
    if types <= {int}:
        arrays.append(array.array("i" if -1 << 31 <= min(values, default=0) and max(values, default=0) < 1 << 31 else "q", values))
        return ["int", len(arrays) - 1]
    floats = array.array("d", values) if types <= {int, float} else None
    if types == {float}:
        arrays.append(floats)
        return ["float", len(arrays) - 1]
    if types == {int, float} and floats.tolist() == values:  # every int a float holds exactly
        arrays.append(floats)
        arrays.append(array.array("b", bytes(map(operator.is_, map(type, values), repeat(int)))))
        return ["mixed", len(arrays) - 2]
    raise _Unkept("numbers of other types")


def _unnumbers(spec: list, arrays: list) -> list:
    kind, at = spec
    values = arrays[at].tolist()
    if kind == "mixed":
        return [int(v) if i else v for v, i in zip(values, arrays[at + 1].tolist())]
    return values


def _as_data(face: TTFontFace) -> bytes:
    """The face as kept: a JSON line, then its arrays of numbers."""
    if type(face) is not TTFontFace:
        raise _Unkept(type(face).__name__)
    arrays: list = []
    order, values = [], {}
    for k, v in face.__dict__.items():
        order.append(k)
        if k in _HERE or k in _TABLES or k in ("table", "tables"):
            continue
        values[k] = _value(v)
    tables = face.tables
    expected = {r["tag"]: r for r in tables}  # the directory by tag, as the parse leaves it
    if list(face.table) != list(expected) or any(face.table[t] is not r for t, r in expected.items()):
        raise _Unkept("a table directory of another shape")
    c2g, g2c, widths, metrics = face.charToGlyph, face.glyphToChar, face.charWidths, face.hmetrics
    if not set(map(type, g2c.values())) <= {list} or not set(map(type, metrics)) <= {tuple} or not set(map(len, metrics)) <= {2}:
        raise _Unkept("tables of another shape")
    head = {
        "order": order, "values": values, "tables": _value(tables),
        "charToGlyph": [_numbers(list(c2g), arrays), _numbers(list(c2g.values()), arrays)],
        "glyphToChar": [_numbers(list(g2c), arrays), _numbers(list(map(len, g2c.values())), arrays),
                        _numbers(list(chain.from_iterable(g2c.values())), arrays)],
        "charWidths": [_numbers(list(widths), arrays), _numbers(list(widths.values()), arrays)],
        "hmetrics": _numbers(list(chain.from_iterable(metrics)), arrays),
        "glyphPos": _numbers(face.glyphPos, arrays),
        "arrays": [[a.typecode, len(a)] for a in arrays],
    }
    return json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n" + b"".join(a.tobytes() for a in arrays)


def _face(raw: bytes, data: bytes, filename: str) -> TTFontFace:
    """The face ``TTFontFace(file)`` makes, from its kept form."""
    line, _, rest = raw.partition(b"\n")
    head = json.loads(line)
    arrays, at = [], 0
    for code, n in head["arrays"]:
        a = array.array(code)
        size = a.itemsize * n
        if code not in "iqdb" or at + size > len(rest):
            raise ValueError("arrays cut short")
        a.frombytes(rest[at:at + size])
        arrays.append(a)
        at += size
    if at != len(rest):
        raise ValueError("arrays of another length")
    values = {k: _unvalue(v) for k, v in head["values"].items()}
    tables = _unvalue(head["tables"])
    keys, glyphs = (_unnumbers(s, arrays) for s in head["charToGlyph"])
    g_keys, lengths, chars = (_unnumbers(s, arrays) for s in head["glyphToChar"])
    if len(chars) == len(g_keys):  # a character a glyph, as in most fonts
        g_values = [[c] for c in chars]
    else:
        g_values = [chars[e - n:e] for e, n in zip(accumulate(lengths), lengths)]
    w_keys, w_values = (_unnumbers(s, arrays) for s in head["charWidths"])
    metrics = _unnumbers(head["hmetrics"], arrays)
    units = values["unitsPerEm"]
    if units == 1000:
        scale = lambda x: x  # noqa: E731  (as extractInfo sets it)
    else:
        _1000mult = 1000 / units
        scale = lambda x: x * _1000mult  # noqa: E731
    made = {
        "_ttf_data": data, "_pdfScale": scale, "filename": filename,
        "table": {r["tag"]: r for r in tables}, "tables": tables,
        "charToGlyph": dict(zip(keys, glyphs)),
        "glyphToChar": dict(zip(g_keys, g_values)),
        "charWidths": dict(zip(w_keys, w_values)),
        "hmetrics": list(zip(metrics[::2], metrics[1::2])),
        "glyphPos": _unnumbers(head["glyphPos"], arrays),
    }
    face = TTFontFace.__new__(TTFontFace)
    face.__dict__.update((k, values[k] if k in values else made[k]) for k in head["order"])
    if face.__dict__.keys() != set(head["order"]) or len(face.charToGlyph) != len(keys):
        raise ValueError("a face of another shape")
    return face
