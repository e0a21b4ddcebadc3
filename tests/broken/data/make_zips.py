"""Hostile .pptx archives for the broken corpus (issue 17): zip tricks, each on an otherwise valid deck.

Made from tests/fixtures/templates/corpus/python-pptx-default.pptx; byte-stable (fixed entry times).
Run: python tests/broken/data/make_zips.py

- zip-duplicate.pptx: ppt/presentation.xml twice (readers disagree about which one is the part)
- zip-case-duplicate.pptx: PPT/Presentation.xml beside ppt/presentation.xml (OPC names ignore case)
- zip-traversal.pptx: a member named ../../../tmp/briefdeck-evil.sh (an extractor would write outside)
- zip-absolute.pptx: a member named /etc/cron.d/briefdeck-evil
- zip-huge-claim.pptx: a member whose directory entry claims 4 GiB
- zip-bomb.pptx: 8 MiB of zeros compressed about 1000:1
- zip-lying-size.pptx: ppt/presentation.xml's directory entry claims fewer bytes than its data holds
- zip-stored-in-nothing.pptx: a member that claims bytes but has no compressed data
"""
from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASE = HERE.parent.parent / "fixtures" / "templates" / "corpus" / "python-pptx-default.pptx"
DATE = (2024, 1, 1, 0, 0, 0)


def members() -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(BASE) as z:
        return [(n, z.read(n)) for n in z.namelist()]


def write(name: str, items: list[tuple[str, bytes]], level: int = 6) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for n, blob in items:
            info = zipfile.ZipInfo(n, DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, blob)
    data = buf.getvalue()
    (HERE / name).write_bytes(data)
    return data


def patch_sizes(data: bytes, member: str, *, file_size: int | None = None, compress_size: int | None = None) -> bytes:
    """Rewrite what the local header and the central directory say of ``member``'s sizes."""
    raw = bytearray(data)
    name = member.encode()
    for sig, name_at, comp_at, size_at in ((b"PK\x03\x04", 30, 18, 22), (b"PK\x01\x02", 46, 20, 24)):
        k = raw.find(sig)
        while k >= 0:
            n_len = struct.unpack_from("<H", raw, k + (26 if sig == b"PK\x03\x04" else 28))[0]
            if bytes(raw[k + name_at:k + name_at + n_len]) == name:
                if file_size is not None:
                    struct.pack_into("<I", raw, k + size_at, file_size)
                if compress_size is not None:
                    struct.pack_into("<I", raw, k + comp_at, compress_size)
            k = raw.find(sig, k + 4)
    return bytes(raw)


def main() -> None:
    import warnings

    base = members()
    pres = dict(base)["ppt/presentation.xml"]
    with warnings.catch_warnings():  # zipfile warns about the duplicate name: that is the point
        warnings.simplefilter("ignore")
        write("zip-duplicate.pptx", base + [("ppt/presentation.xml", pres)])
    write("zip-case-duplicate.pptx", base + [("PPT/Presentation.xml", pres)])
    write("zip-traversal.pptx", base + [("../../../tmp/briefdeck-evil.sh", b"#!/bin/sh\necho pwned\n")])
    write("zip-absolute.pptx", base + [("/etc/cron.d/briefdeck-evil", b"* * * * * root true\n")])
    data = write("zip-huge-claim.pptx", base + [("ppt/media/huge.bin", b"\0" * 1024)])
    (HERE / "zip-huge-claim.pptx").write_bytes(patch_sizes(data, "ppt/media/huge.bin", file_size=0xFFFFFFFE))
    write("zip-bomb.pptx", base + [("ppt/media/bomb.bin", b"\0" * (8 * 2**20))], level=9)
    data = write("zip-lying-size.pptx", base)
    (HERE / "zip-lying-size.pptx").write_bytes(patch_sizes(data, "ppt/presentation.xml", file_size=len(pres) - 100))
    data = write("zip-stored-in-nothing.pptx", base + [("ppt/media/nothing.bin", b"x" * 4096)])
    (HERE / "zip-stored-in-nothing.pptx").write_bytes(patch_sizes(data, "ppt/media/nothing.bin", compress_size=0))


if __name__ == "__main__":
    main()
