"""Stage: the pictures a source names (logos, photos, photographs as figures), read and checked.

Each is found in the project like a data file (``Files``: confined to it, an input of the build),
then taken in by ``images.intake`` (limits, bombs, truncated and mislabelled files, hostile SVG):
a refusal is reported at the line that declares the picture. Alt text is required unless the
picture is decorative; a logo's defaults to its organisation's name.
"""
from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Optional, Union

from .. import model as m
from ..images import Refused, intake
from . import quickcheck
from .files import Files

if TYPE_CHECKING:  # the schema's models, or quickcheck's objects of the same names and fields
    from .. import schema as s


class Pictures:
    def __init__(self, files: Files, typeset=lambda t: t):
        self.files, self.report, self.typeset = files, files.report, typeset
        self._taken: dict[str, object] = {}  # a file named twice is read once

    def __call__(self, decl: Optional[Union[str, s.PictureSrc]], *at, alt: Optional[str] = None,
                 what: str = "picture") -> Optional[m.Picture]:
        """The picture declared at ``at`` (``alt``: the default alt text, e.g. a logo's organisation)."""
        if decl is None:
            return None
        src = quickcheck.model("PictureSrc", {"file": decl}) if isinstance(decl, str) else decl
        file_at = at if isinstance(decl, str) else at + ("file",)
        path = self.files.find(src.file, file_at)
        if path is None:
            return None
        key = str(path)
        if key not in self._taken:
            try:
                self._taken[key] = intake(path, src.file)
            except Refused as exc:
                self._taken[key] = exc
        got = self._taken[key]
        if isinstance(got, Refused):
            self.report.problem(file_at, str(got), "picture.refused")
            return None
        text = "" if src.decorative else (src.alt or alt or "")
        if src.decorative and src.alt:
            self.report.problem(at + ("alt",), f"this {what} is marked decorative and has alt text — a decorative picture "
                                f"is skipped by screen readers; remove `decorative: true` or the alt text", "picture.alt")
        if not src.decorative and not text.strip():
            self.report.problem(at, f"this {what} has no alt text — say what it shows under `alt:` (e.g. 'Portrait of "
                                f"the speaker'), or write `decorative: true` when it adds nothing a reader needs", "picture.alt")
            return None
        digest = hashlib.sha256(got.raster + (got.svg or b"")).hexdigest()
        return m.Picture(src.file, self.typeset(text), src.decorative, got.width, got.height, got.format, got.raster, got.svg,
                         credit=self.typeset(src.credit or ""), licence=src.licence or "", digest=digest, loc=self.report.loc(*at))
