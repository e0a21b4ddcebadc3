"""PNG and JPEG: bounded, whole, upright, sRGB, and re-encoded from their pixels alone.

Re-encoding is what strips metadata: only the pixels are written back (no EXIF, GPS, XMP, IPTC,
ICC or text chunks), with fixed encoder settings, so the same file gives the same bytes. A JPEG
stays a JPEG (a photograph as PNG is five times the size); anything else becomes PNG.
"""
from __future__ import annotations

import io
import re
import warnings

from .base import MAX_PIXELS, Intake, Refused

JPEG_QUALITY = 90  # re-encoding a photograph at 90 is not visible in print; the size is about the original's
MAX_SIDE = 3000  # pixels: larger pictures are scaled down (a full-page photograph at 300 dpi is 2,500 wide)


def intake(data: bytes, fmt: str, shown: str) -> Intake:
    from PIL import Image, ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated file is refused, never drawn half grey
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=[fmt.upper()])
            w, h = im.size  # read from the header: nothing is decoded yet
            if w * h > MAX_PIXELS:
                raise Refused(f"'{shown}' is {w:,} × {h:,} pixels, more than the {MAX_PIXELS // 1_000_000} megapixels a picture "
                              f"may have (a decompression bomb looks like this) — scale it down, 3,000 pixels on its longest side is plenty")
            if getattr(im, "n_frames", 1) > 1:
                raise Refused(f"'{shown}' is an animation ({im.n_frames} frames) — export a single still picture")
            im.load()
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:  # Pillow's own guard, at open
        n = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(n.group(1)):,} pixels" if n else "more pixels than Pillow will decode"
        raise Refused(f"'{shown}' is {size}, more than the {MAX_PIXELS // 1_000_000} megapixels a picture may have (a "
                      f"decompression bomb looks like this) — scale it down, 3,000 pixels on its longest side is plenty") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        why = "it is cut short (truncated)" if "truncat" in str(exc).lower() or isinstance(exc, EOFError) else f"it cannot be decoded ({exc})"
        raise Refused(f"'{shown}' is a damaged {fmt.upper()} file: {why} — export or download it again") from None
    im = upright(im)
    im = to_srgb(im)
    if max(im.size) > MAX_SIDE:
        scale = MAX_SIDE / max(im.size)
        im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.LANCZOS)
    return Intake(fmt, im.width, im.height, encode(im, fmt))


def upright(im):
    """The picture as the camera's orientation tag says it is seen (then the tag is gone)."""
    from PIL import ImageOps

    try:
        return ImageOps.exif_transpose(im) or im
    except Exception:  # a malformed EXIF block: the pixels as stored (the block is dropped anyway)
        return im


def to_srgb(im):
    """Pixels in sRGB (what screens, PowerPoint and PDF viewers assume for an untagged image), in
    L, LA, RGB or RGBA. An embedded ICC profile is applied; CMYK without one is converted plainly."""
    from PIL import ImageCms

    icc = im.info.get("icc_profile")
    alpha = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
    if im.mode in ("P", "PA", "1", "I", "I;16", "F"):
        im = im.convert("RGBA" if alpha else ("L" if im.mode in ("1", "I", "I;16", "F") else "RGB"))
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            out_mode = "RGBA" if im.mode in ("RGBA", "LA") else ("RGB" if im.mode not in ("L",) else "L")
            dst = ImageCms.createProfile("sRGB") if out_mode != "L" else None
            if dst is not None:
                im = ImageCms.profileToProfile(im, src, dst, outputMode=out_mode,
                                               renderingIntent=ImageCms.Intent.PERCEPTUAL)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the numbers as they are (the profile is not carried)
    if im.mode == "CMYK":
        im = im.convert("RGB")
    if im.mode == "LA":
        im = im.convert("RGBA")
    if im.mode not in ("L", "RGB", "RGBA"):
        im = im.convert("RGBA" if "A" in im.mode else "RGB")
    im.info.clear()
    return im


def encode(im, fmt: str) -> bytes:
    """Only the pixels, with fixed settings: the same picture gives the same bytes."""
    out = io.BytesIO()
    if fmt == "jpeg" and im.mode in ("L", "RGB"):
        im.save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=False, progressive=False)
    else:
        im.save(out, "PNG", optimize=False, compress_level=9)
    return out.getvalue()


def png_of(data: bytes) -> bytes:
    """A PNG made elsewhere (an SVG's drawing) as ``encode`` writes it: metadata gone, bytes fixed."""
    from PIL import Image

    im = Image.open(io.BytesIO(data), formats=["PNG"])
    im.load()
    return encode(to_srgb(im), "png")
