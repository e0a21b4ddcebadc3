"""The measurer of a template's typefaces, and a warning for each face measured without its metrics."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Optional

from ....errors import Problem
from ..fit import CAPS
from ..fonts import build_measurer, embedded_fonts
from .info import TemplateInfo
from .opening import side_file


def with_measurer(info: TemplateInfo, prs, theme, ufonts, found: dict, cache_dir: Optional[Path] = None) -> TemplateInfo:
    """``info`` with the measurer of its typefaces, and warnings where a face has no metrics (read
    each build: font files are inputs of their own) before those ``found`` by looking."""
    used = info.text_areas()
    faces = [ph.box.face.removesuffix(CAPS) for _, _, _, ph in used if ph.box.face]
    default = next((ph.box.face.removesuffix(CAPS) for _, rl, n, ph in used if n == "body" and ph.box.face), None) \
        or (faces[0] if faces else "Calibri")
    measurer, how, table_files = build_measurer(theme, faces, default, embedded=_embedded(prs), user=ufonts,
                                                 cache_dir=Path(cache_dir) / "fonts" if cache_dir is not None else None)
    problems: list[Problem] = []
    where = str(info.path)
    for key, src in how.items():
        if src.how == "fallback":
            slots = sorted({n for _, _, n, ph in used if ph.box.face.removesuffix(CAPS).lower() == key})
            problems.append(Problem(where, 0, 0, (
                f"typeface '{src.face}' (the template's {', '.join(slots) or 'text'}) has no font metrics briefdeck ships "
                f"and no font embedded in the template: its text is measured with {src.detail}, deliberately wide, so "
                f"slides may hold less text than they could — name its font file in {side_file(info.path).name} "
                f"(fonts: {{{src.face}: assets/fonts/{src.face.replace(' ', '')}.ttf}})"), "deck.font", "warning"))
    return replace(info, measurer=measurer, faces=how, problems=tuple(problems) + found["problems"],
                   font_files=info.font_files + tuple(p for p in table_files if p not in info.font_files),
                   link_colours=found["link_colours"])


def _embedded(prs) -> dict:
    """``embedded_fonts(prs)``, without opening a template not opened yet whose presentation lists none."""
    from .opening import Unopened

    return {} if isinstance(prs, Unopened) and not prs.embeds_fonts() else embedded_fonts(prs)
