"""A deck's zip, byte for byte as ``zipfile`` writes it, with its large entries' deflated bytes kept
between builds.

Deflating the deck's charts (a PNG and an SVG each, ~1 MB for the default deck) was a quarter of
writing it, and a prose edit deflates the same charts again. Here an entry of ``KEEP_FROM`` bytes or
more is deflated once and kept beside the charts in the chart cache (``<hash>.deflate``, named by a
hash of the entry and the zlib that deflated it: another zlib's bytes are never mixed in); the next
build reads it back. Like a chart, it is in the deck's build record while the deck uses it, and
pruned with the charts when no record names it.
The zip around the entries is written as ``zipfile.ZipFile.writestr`` writes it (deflated at zlib's
default level, no data descriptors, no zip64: a deck is far below 4 GB); ``tests/test_pptx_zip.py``
checks it is the same bytes.
"""
from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path
from typing import Iterable, Optional

KEEP_FROM = 16 * 1024  # smaller entries deflate in less time than reading a kept one takes
_SALT = f"deflate raw, level {zlib.Z_DEFAULT_COMPRESSION}, zlib {zlib.ZLIB_RUNTIME_VERSION}\0".encode()
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile.structCentralDir
_END = struct.Struct("<4s4H2LH")  # zipfile.structEndArchive
_VERSION = 20  # zipfile.DEFAULT_VERSION: what deflate needs to extract
_UNIX = 3  # zipfile.ZipInfo's create_system off Windows
_MODE = 0o600 << 16  # what _zip_entries sets (zipfile's default for writestr too)
_DEFLATED = 8  # zipfile.ZIP_DEFLATED


def deflate(blob: bytes) -> bytes:
    """``blob`` deflated as zipfile deflates an entry (zlib's default level, raw stream)."""
    z = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return z.compress(blob) + z.flush()


class KeptDeflate:
    """Large entries' deflated bytes in ``folder`` (a build's chart cache), read or made and kept."""

    def __init__(self, folder: Path, refresh: bool = False):
        self.folder = Path(folder)
        self.refresh = refresh  # --force: deflated anew (and kept for the next build), none read
        self.files: list[Path] = []  # the cache files read or written (kept_deck lists them)

    def __call__(self, blob: bytes) -> bytes:
        return self.deflate(blob)[0]

    def deflate(self, blob: bytes) -> tuple[bytes, Optional[Path]]:
        """``blob`` deflated, and the cache file that keeps it (None for a small entry, never kept)."""
        if len(blob) < KEEP_FROM:
            return deflate(blob), None
        from ...publish import deflated_kept

        h = hashlib.sha256(_SALT)
        h.update(blob)
        path = self.folder / f"{h.hexdigest()}.deflate"
        data = deflated_kept(path, blob, deflate, -15, read=not self.refresh)  # --force: none read
        self.files.append(path)
        return data, path


def zip_bytes(entries: Iterable[tuple[str, bytes]], date_time: tuple, deflated=deflate) -> bytes:
    """(name, bytes) entries, deflated by ``deflated``, as ``zipfile.ZipFile`` (mode "w", ZIP_DEFLATED)
    writes them with ``writestr`` given a ``ZipInfo(name, date_time)`` whose ``external_attr`` is
    ``_MODE``, in the order given."""

    def items():
        for name, blob in entries:
            yield name, zlib.crc32(blob), deflated(blob), len(blob)

    return zip_deflated(items(), date_time)


def zip_deflated(items: Iterable[tuple[str, int, bytes, int]], date_time: tuple) -> bytes:
    """The zip ``zip_bytes`` writes, of entries deflated already: (name, CRC, deflated bytes, size)."""
    year, month, day, hour, minute, second = date_time
    dostime, dosdate = hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day
    out = io.BytesIO()
    central = []
    for name, crc, data, size in items:
        try:
            raw, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            raw, flags = name.encode("utf-8"), 0x800  # zipfile: the name is UTF-8
        offset = out.tell()
        if size > 0x7FFFFFFF or offset > 0x7FFFFFFF:
            raise ValueError("a deck entry past 2 GB: zipfile would write zip64 records")
        out.write(_LOCAL.pack(b"PK\x03\x04", _VERSION, 0, flags, _DEFLATED, dostime, dosdate, crc, len(data), size, len(raw), 0))
        out.write(raw)
        out.write(data)
        central.append(_CENTRAL.pack(b"PK\x01\x02", _VERSION, _UNIX, _VERSION, 0, flags, _DEFLATED, dostime, dosdate, crc,
                                     len(data), size, len(raw), 0, 0, 0, 0, _MODE, offset) + raw)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()
