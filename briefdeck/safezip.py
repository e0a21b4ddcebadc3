"""Opening .pptx files from elsewhere safely: a template is a zip archive, and a zip can be a bomb."""
from __future__ import annotations

import zipfile
from pathlib import Path

from .errors import TemplateError


def check_pptx_zip(path: Path, limits: dict, shown: str | None = None) -> None:
    """Refuse archives that are not a deck or would expand beyond reason (zip bombs).

    ``limits``: max_members, max_uncompressed_mb, max_ratio (from the theme's deck.yaml).
    """
    shown = shown or str(path)
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if len(infos) > limits["max_members"]:
                raise TemplateError(f"{shown}: {len(infos)} members in the template (limit {limits['max_members']}) — use a smaller template")
            total = sum(i.file_size for i in infos)
            if total > limits["max_uncompressed_mb"] * 1024 * 1024:
                raise TemplateError(f"{shown}: the template expands to {total // 2**20} MiB (limit {limits['max_uncompressed_mb']}) — remove large media from it")
            for i in infos:
                if i.compress_size and i.file_size / i.compress_size > limits["max_ratio"] and i.file_size > 2**20:
                    raise TemplateError(f"{shown}: member {i.filename} is compressed {i.file_size // i.compress_size}:1 — not a normal template")
            if "ppt/presentation.xml" not in {i.filename for i in infos}:
                raise TemplateError(f"{shown}: not a PowerPoint deck (no ppt/presentation.xml) — save the template as .pptx")
    except zipfile.BadZipFile:
        raise TemplateError(f"{shown}: not a .pptx file (not a zip archive) — save the template as .pptx") from None
    except OSError as exc:
        raise TemplateError(f"{shown}: cannot read the template ({exc.strerror}) — check the path and permissions") from None
