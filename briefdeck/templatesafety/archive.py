"""A template is a zip archive, and a zip can be a bomb: the archive judged before anything is read from it.

Judged on the archive's directory before anything is decompressed: how many members, how large
they say they expand (in all, and each against its compressed size), and whether their names are
ones a PowerPoint package can have. Names that climb out (``../``), start at a root or a drive,
use backslashes or NUL, or occur twice (also differing only in case, as OPC part names compare)
are refused: readers disagree about which of two same-named members is "the" part, so a checker
and PowerPoint could be shown different files. Sizes a member merely claims are bounded when read
(``zipfile`` stops at the declared size and checks the CRC).
"""
from __future__ import annotations

import re
import zipfile

from ..errors import TemplateError

_BAD_NAME = re.compile(r"(^|/)\.\.?(/|$)|^/|^[A-Za-z]:|\\|\x00")


def check_pptx_zip(path, limits: dict, shown: str | None = None) -> None:
    """Refuse archives that are not a deck or would expand beyond reason (zip bombs). ``path``: a file
    name, or the archive's bytes as a file object (``io.BytesIO``).

    ``limits``: max_members, max_uncompressed_mb, max_ratio (from the theme's deck.yaml).
    """
    shown = shown or str(path)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except zipfile.BadZipFile:
        raise TemplateError(f"{shown}: not a .pptx file (not a zip archive) — save the template as .pptx") from None
    except OSError as exc:
        raise TemplateError(f"{shown}: cannot read the template ({exc.strerror}) — check the path and permissions") from None
    if len(infos) > limits["max_members"]:
        raise TemplateError(f"{shown}: {len(infos)} members in the template (limit {limits['max_members']}) — use a smaller template")
    total = sum(i.file_size for i in infos)
    if total > limits["max_uncompressed_mb"] * 1024 * 1024:
        raise TemplateError(f"{shown}: the template expands to {total // 2**20} MiB (limit {limits['max_uncompressed_mb']}) — remove large media from it")
    seen: dict[str, str] = {}
    for i in infos:
        name = i.filename
        if _BAD_NAME.search(name):
            raise TemplateError(f"{shown}: member {name!r} has a name no PowerPoint file has (a path that climbs out, "
                                "starts at a root or drive, or holds a backslash) — not a normal template; open and save it in PowerPoint")
        key = name.lower()
        if key in seen:
            raise TemplateError(f"{shown}: member {name!r} is in the archive twice{'' if seen[key] == name else f' (as {seen[key]!r})'} — "
                                "not a normal template; open and save it in PowerPoint")
        seen[key] = name
        if i.file_size and not i.compress_size:
            raise TemplateError(f"{shown}: member {name} claims {i.file_size} bytes stored in none — not a normal template")
        if i.compress_size and i.file_size / i.compress_size > limits["max_ratio"] and i.file_size > 2**20:
            raise TemplateError(f"{shown}: member {name} is compressed {i.file_size // i.compress_size}:1 — not a normal template")
    if "ppt/presentation.xml" not in seen:
        raise TemplateError(f"{shown}: not a PowerPoint deck (no ppt/presentation.xml) — save the template as .pptx")
