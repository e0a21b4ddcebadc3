"""What a template's analysis is: for each slide role, the layouts that serve it and where their text goes.

Plain frozen data: ``layout_cache`` keeps it as JSON, the planner reads its geometry, the writer
fills its placeholders. Nothing here opens or looks at a template.
"""
from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Optional

from ....dataclass_code import dataclass
from ....errors import Problem
from ..fit import Box

EMU_PER_IN = 914400
TEXT_SLOTS = ("title", "subtitle", "details", "body", "body2", "source", "attribution")


@dataclass(frozen=True)
class Ph:
    type: str  # OOXML ph type ("obj" when absent)
    idx: int
    box: Box  # where the deck's text goes, with the typeface it is measured in (box.face)
    rgb: Optional[str] = None  # the colour the template sets its text in
    algn: Optional[str] = None
    virtual: bool = False  # not on the layout: the deck adds it (it inherits the master's body style)
    placed: bool = False  # its box is not the layout's: the writer sets it on the slide
    ink: Optional[str] = None  # the colour the deck sets, where the template's does not read on what lies under

    @property
    def area(self) -> float:
        return self.box.width * self.box.height


@dataclass(frozen=True)
class RoleLayout:
    role: str
    layout_index: int  # in all_layouts(prs): every master's layouts in order
    layout_name: str
    how: str  # "mapping" | "name" | "alias" | "placeholders" | "added" | "fallback:<role>"
    slots: tuple[tuple[str, Ph], ...]  # slot -> placeholder on the layout (or added)
    chrome: tuple[Ph, ...] = ()  # footer, slide-number and date placeholders
    moved: bool = False  # LibreOffice master: formatting comes from the master's samples
    title_grow: Optional[Box] = None  # the most the title box may grow down and stay readable
    master: int = 0
    unclear: float = 0.0  # share of its text areas where text would not read, after shrinking
    decorated: float = 0.0  # share of its body areas over decoration (readable or not): plain is better
    footer_wide: Optional[Box] = None  # the footer widened over the date placeholder on its row, when clear

    def slot(self, name: str) -> Optional[Ph]:
        return dict(self.slots).get(name)


@dataclass(frozen=True)
class TemplateInfo:
    path: Path
    layouts: tuple[str, ...]
    roles: dict = field(default_factory=dict)  # role -> tuple of RoleLayout, best first
    size: tuple[float, float] = (13.333, 7.5)  # slide width and height, inches
    problems: tuple[Problem, ...] = ()  # about the template itself (typefaces, contrast)
    side_file: Optional[Path] = None
    font_files: tuple[Path, ...] = ()  # font files the measurer reads (the user's and the theme's: build inputs)
    measurer: object = None
    faces: dict = field(default_factory=dict)  # face key -> fonts.FaceSource
    # (master index, {"hlink"|"folHlink": rgb}): link colours of a master's theme that do not read on
    # its body text areas, and the readable colours the deck's copy of the theme takes instead
    link_colours: tuple[tuple[int, dict], ...] = ()

    def role(self, role: str, variant: int = 0) -> RoleLayout:
        variants = self.roles[role]
        return variants[min(variant, len(variants) - 1)]

    def geometry(self) -> dict:
        """role -> [variant: {slot: Box, "footer", "date", "title_grow", "footer_wide"}]."""
        chrome = {"ftr": "footer", "dt": "date"}
        out = {}
        for r, variants in self.roles.items():
            out[r] = []
            for rl in variants:
                g = {**{s: ph.box for s, ph in rl.slots}, **{chrome[p.type]: p.box for p in rl.chrome if p.type in chrome}}
                if rl.title_grow is not None:
                    g["title_grow"] = rl.title_grow
                if rl.footer_wide is not None:
                    g["footer_wide"] = rl.footer_wide
                out[r].append(g)
        return out

    def inputs(self) -> list[Path]:
        return [self.path] + ([self.side_file] if self.side_file else []) + list(self.font_files)

    def text_areas(self) -> list[tuple[str, RoleLayout, str, Ph]]:
        """(role, layout, slot, placeholder) of every text area the deck may fill, the best variants first."""
        out = []
        for role, variants in self.roles.items():
            for rl in variants:
                for name, ph in rl.slots:
                    if name in TEXT_SLOTS:
                        out.append((role, rl, name, ph))
                for ph in rl.chrome:
                    if ph.type == "ftr":
                        out.append((role, rl, "footer", ph))
        return out
