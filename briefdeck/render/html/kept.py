"""The web page's charts kept between rebuilds, in a process that builds again and again (--watch).

A chart's inline SVG and its data table (``charts.figure_bodies``) are most of the page's time after a
prose edit (the SVG parsed, its ids and fonts rewritten, each label measured in the font it was laid
out in), and a prose edit changes neither. Each is a pure function of its arguments: the drawing's
bytes, the names and words around it, the page's font stacks and -- for the labels' widths -- the
bytes of the theme's font files (``fonts_digest``). ``Memo`` keeps what was made under a sha256 of all
of it; the forked page process sends back what it made (``RenderResult.kept``) and the watching
process keeps it (``absorb``, from ``keep_warm``), so the next page process inherits it. Only what the
last page of each source used is kept; nothing in a process that builds once (``render.keeping``).
"""
from __future__ import annotations

import hashlib
import pickle
from typing import Callable, Optional

from ...dataclass_code import dataclass

_KEPT: dict[str, dict] = {}  # page (its source) -> key -> what was made


@dataclass
class Harvest:
    page: str
    made: dict  # key -> what was made anew
    used: tuple  # the keys taken from what was kept


def fonts_digest(theme) -> bytes:
    """The bytes of every font file a chart's labels may be measured in (``metrics.measure_for``: each
    face of each of the theme's families, the regular one where a face is missing)."""
    from ...errors import ThemeError
    from ...publish import sha256_file
    from .metrics import face_file, measured_families

    h = hashlib.sha256()
    for key in measured_families(theme):
        for style in ("regular", "bold", "italic", "bolditalic"):
            try:
                path = face_file(theme, key, style)
            except ThemeError:  # not even a regular face: said when the page measures with it
                path = None
            h.update(f"{key}\0{style}\0{path}\0".encode() + (sha256_file(path).encode() if path is not None else b"-") + b"\0")
    return h.digest()


class Memo:
    """What one page's build makes of its charts, by key: taken from the last rebuild's when kept."""

    def __init__(self, page: str, theme):
        self.page = page
        self.kept = _KEPT.get(page, {})
        self.fonts = fonts_digest(theme)
        self.made: dict = {}
        self.used: list = []

    def get(self, what: str, args: tuple, make: Callable[[], object]):
        """``make()``, or what it made for the same ``args`` before (``what`` names the maker)."""
        key = hashlib.sha256(pickle.dumps((what, self.fonts, args), protocol=5)).digest()
        if key in self.kept:
            self.used.append(key)
            return self.kept[key]
        out = self.made[key] = make()
        return out

    def harvest(self) -> Harvest:
        return Harvest(self.page, self.made, tuple(self.used))


def memo(page: str, theme) -> Optional[Memo]:
    from .. import keeping

    return Memo(page, theme) if keeping() else None


def absorb(harvest: Optional[Harvest]) -> None:
    """Keep what a page's build made and used, for the next: nothing else of that page's."""
    from .. import keep_for_source, used_and_made

    if harvest is None:
        return
    keep_for_source(_KEPT, harvest.page, used_and_made(_KEPT.get(harvest.page, {}), harvest.used, harvest.made))
