"""Pictures a source names (logos, photos, photographs as figures): read, checked, made safe to embed.

``intake`` reads one PNG, JPEG or SVG file of the project and returns what every output embeds:

* a raster (``raster.py``): within a file size and a pixel limit (a decompression bomb is refused
  before it is decoded), whole (a truncated file is refused, never half drawn), of the kind its
  extension says; turned upright by its EXIF orientation, converted to sRGB through its ICC
  profile, and re-encoded from its pixels alone, so no EXIF, GPS, camera or editing metadata
  reaches an output and the same file gives the same bytes on any machine;
* an SVG (``svg.py``): parsed without DTDs, entities or network, refused when it carries scripts,
  event handlers, foreignObject or references outside itself; kept as checked for vector
  outputs, with a PNG drawn from it by resvg (with briefdeck's own fonts) for those that need one.

A refusal is ``Refused`` with what is wrong and what to do; the loader locates it at the line
that declares the picture.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..safeio import NotRegular, TooLarge, read_regular
from . import raster, svg
from .base import MAX_FILE_BYTES, MAX_PIXELS, MAX_SVG_BYTES, Intake, Refused

__all__ = ["intake", "sniff", "Intake", "Refused", "MAX_FILE_BYTES", "MAX_PIXELS", "MAX_SVG_BYTES"]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
EXTENSIONS = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".svg": "svg"}
NAMES = {"png": "PNG", "jpeg": "JPEG", "svg": "SVG"}


def sniff(head: bytes) -> Optional[str]:
    """What a file holds, by its first bytes (never by its name)."""
    if head.startswith(PNG_MAGIC):
        return "png"
    if head.startswith(JPEG_MAGIC):
        return "jpeg"
    text = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith((b"<?xml", b"<svg", b"<!--", b"<!DOCTYPE", b"<!doctype")) and b"<svg" in head[:65536]:
        return "svg"
    return None


def intake(path: Path, shown: str) -> Intake:
    """The picture at ``path`` (``shown``: its name as the source writes it), ready to embed."""
    wanted = EXTENSIONS.get(Path(path).suffix.lower())
    if wanted is None:
        raise Refused(f"'{shown}' is not a picture briefdeck embeds — use a PNG, JPEG or SVG file (.png, .jpg, .svg)")
    limit = MAX_SVG_BYTES if wanted == "svg" else MAX_FILE_BYTES
    try:
        data = read_regular(Path(path), max_bytes=limit)
    except TooLarge as exc:
        raise Refused(f"'{shown}' is {exc.size / 1048576:.1f} MB, more than the {limit // 1048576} MB a picture may be — "
                      f"export it smaller (a photograph 2,000 pixels wide is plenty for print)") from None
    except NotRegular as exc:
        raise Refused(f"'{shown}' is {exc.kind}, not a regular file — name a picture file") from None
    found = sniff(data[:65536])
    if found is None:
        raise Refused(f"'{shown}' is not a PNG, JPEG or SVG image (its content is none of them) — export the picture again as PNG, JPEG or SVG")
    if found != wanted:
        raise Refused(f"'{shown}' holds a {NAMES[found]} image but is named as {NAMES[wanted]} — rename it to "
                      f"'{Path(shown).stem}.{'jpg' if found == 'jpeg' else found}' (and the source with it)")
    if found == "svg":
        return svg.intake(data, shown)
    return raster.intake(data, found, shown)
