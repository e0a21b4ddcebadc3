"""A PDF stream compressed once per content in a process: ``--watch`` writes the brief again after
every edit, and most of its streams (the pages before and after the edited paragraph, the font
subsets) hold the same bytes as the build before; Flate-compressing them is a tenth of the painted
layout. zlib gives the same output for the same input, so the output kept for equal bytes (the
bytes themselves are the key) is the output compressing them again gives.

Bounded by what it holds (the least recently used go first); a one-shot build pays a hash of each
stream's bytes.
"""
from __future__ import annotations

from collections import OrderedDict

_KEPT: "OrderedDict[bytes, bytes]" = OrderedDict()
_MOST = 8 * 1024 * 1024  # bytes held (streams and their compressed forms): a dozen default briefs, a peak a build of many sources barely sees
_held = [0]


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
        if out is None:
            out = encode(self, data)
            _KEPT[data] = out
            _held[0] += len(data) + len(out)
            while _held[0] > _MOST and _KEPT:
                old, z = _KEPT.popitem(last=False)
                _held[0] -= len(old) + len(z)
        else:
            _KEPT.move_to_end(data)
        return out

    cls.encode = kept
    cls._briefdeck_deflate = True
