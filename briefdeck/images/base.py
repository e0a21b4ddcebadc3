"""What every picture module shares: the limits, the refusal, and what an intake returns."""
from __future__ import annotations

from dataclasses import field
from typing import Optional

from ..dataclass_code import dataclass

MAX_FILE_BYTES = 20 * 1024 * 1024  # a photograph straight off a camera is 5-15 MB
MAX_SVG_BYTES = 2 * 1024 * 1024  # a logo is a few KB; a 2 MB SVG is a drawing exported badly
MAX_PIXELS = 40_000_000  # 40 megapixels: more than any camera a brief's photographer uses; bombs are far beyond


class Refused(ValueError):
    """A picture briefdeck will not embed: the message says why and what to do."""


@dataclass(frozen=True)
class Intake:
    format: str  # "png" | "jpeg" | "svg": what the file holds
    width: int  # pixels (an SVG: its own size in CSS pixels)
    height: int
    raster: bytes = field(repr=False)  # PNG or JPEG to embed: upright, sRGB, no metadata (an SVG: drawn as PNG)
    svg: Optional[bytes] = field(default=None, repr=False)  # the checked SVG, for outputs that draw vectors

    @property
    def raster_format(self) -> str:
        return "jpeg" if self.format == "jpeg" else "png"
