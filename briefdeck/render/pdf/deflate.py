"""A PDF stream compressed once per content in a process: ``--watch`` writes the brief again after
every edit, and most of its streams (the pages before and after the edited paragraph, the font
subsets) hold the same bytes as the build before; Flate-compressing them is a tenth of the painted
layout. zlib gives the same output for the same input, so the output kept for equal bytes (the
bytes themselves are the key) is the output compressing them again gives.

Bounded by what it holds (the least recently used go first); a one-shot build pays a hash of each
stream's bytes.

A build in a fresh process (a prose edit) reads the large streams (``KEEP_FROM`` bytes or more: a
page with a chart, the font subsets; ~10 ms of its ~12 ms of compressing) from the cache's
``derived/`` (``kept_in``), where the build before kept them: named by a hash of the stream and of
the zlib, level and reportlab that compressed it, and used only when they inflate to the stream (a shared
cache's entry is trusted for what it holds, not for its name: inflating costs a tenth of
compressing), as the deck's entries are (render/pptx/zipwrite.py).
"""
from __future__ import annotations

import contextlib
import hashlib
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Iterator, Optional

from reportlab import Version as _RL_VERSION

_KEPT: "OrderedDict[bytes, bytes]" = OrderedDict()
_MOST = 8 * 1024 * 1024  # bytes held (streams and their compressed forms): a dozen default briefs, a peak a build of many sources barely sees
_held = [0]
KEEP_FROM = 16 * 1024  # smaller streams compress in less time than reading a kept one takes
_SALT = (f"pdf flate (zlib format), level {zlib.Z_DEFAULT_COMPRESSION}, zlib {zlib.ZLIB_RUNTIME_VERSION}, "
         f"reportlab {_RL_VERSION}\0").encode()  # reportlab's filter is what the kept bytes stand in for
_FOLDER: list = []  # (the cache's derived/ of the build under way, the entries it noted): kept_in


@contextlib.contextmanager
def kept_in(folder: Optional[Path]) -> Iterator[None]:
    """Large streams read from and kept in ``folder`` (the cache's ``derived/``) while a brief is built."""
    if folder is None:
        yield
        return
    _FOLDER[:] = [(Path(folder), set())]
    try:
        yield
    finally:
        _FOLDER.clear()


def _entry(data: bytes) -> Path:
    h = hashlib.sha256(_SALT)
    h.update(data)
    return _FOLDER[0][0] / f"pdfz-{h.hexdigest()}.deflate"


def _from_folder(data: bytes, encode) -> bytes:
    """``data`` compressed: read from the folder of the build under way, or compressed and kept there."""
    from ...publish import deflated_kept

    out = deflated_kept(_entry(data), data, encode, 15)  # (verified against its digest; noted as in use)
    _FOLDER[0][1].add(data)
    return out


def _noted(data: bytes, out: bytes) -> None:
    """A stream this process compressed before is in use by this build too: its entry is noted
    (pruning keeps it), or written where it is missing (another output folder)."""
    from ...publish import still_kept

    folder, noted = _FOLDER[0]
    if data not in noted:
        noted.add(data)
        still_kept(_entry(data), lambda: out)


def install() -> None:
    """reportlab's Flate filter answers from the streams it compressed before (idempotent)."""
    from reportlab.pdfbase import pdfdoc

    cls = pdfdoc.PDFStreamFilterZCompress
    if getattr(cls, "_briefdeck_deflate", False):
        return
    encode = cls.encode

    def kept(self, text):
        data = text.encode("utf8") if isinstance(text, str) else text
        if type(data) is not bytes:
            return encode(self, text)
        out = _KEPT.get(data)
        large = _FOLDER and len(data) >= KEEP_FROM
        if out is None:
            out = _from_folder(data, lambda d: encode(self, d)) if large else encode(self, data)
            _KEPT[data] = out
            _held[0] += len(data) + len(out)
            while _held[0] > _MOST and _KEPT:
                old, z = _KEPT.popitem(last=False)
                _held[0] -= len(old) + len(z)
        else:
            _KEPT.move_to_end(data)
            if large:
                _noted(data, out)
        return out

    cls.encode = kept
    cls._briefdeck_deflate = True
