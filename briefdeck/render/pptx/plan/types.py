"""What the deck planner makes: slides on layout roles, their text blocks and notes (pure data)."""
from __future__ import annotations

from dataclasses import field
from typing import Mapping, Optional, Sequence

from ....dataclass_code import dataclass
from ....errors import Problem
from ....model import NOWHERE, Figure, Loc, Span
from ..fit import Box, Para
from ..roles import ROLES  # noqa: F401  (re-exported: the planner's roles are the template analysis' roles)

Geometry = Mapping[str, Sequence[Mapping[str, Box]]]  # role -> variants (best first) -> slot -> box


@dataclass(frozen=True)
class PlanPara:
    spans: tuple[Span, ...]
    bullet: bool = True
    level: int = 0
    space_before: float = 0.0
    size: Optional[float] = None  # its own type size, when it differs from the block's (an attribution)
    align: Optional[str] = None  # "r" to set right; None keeps the placeholder's alignment

    @property
    def plain(self) -> str:
        return "".join(s.text for s in self.spans)


@dataclass(frozen=True)
class TextBlock:
    paras: tuple[PlanPara, ...]
    size: float

    @property
    def plain(self) -> str:
        return "\n".join(p.plain for p in self.paras)


@dataclass(frozen=True)
class TableSlice:
    """The rows of a table one slide shows, under its repeated headings, at a measured size."""

    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    aligns: tuple[str, ...]  # "left" | "right" per column
    total: bool  # the last row is the table's computed total
    size: float
    widths: tuple[float, ...]  # inches
    heights: tuple[float, ...]  # inches, the headings' row first
    box: Box  # where the table stands (its width is the widths' sum)
    name: str = ""  # "Table 1", the frame's name
    caption: str = ""  # its description (alt text) with the name

    @property
    def plain(self) -> str:
        return "\n".join(" ".join(r) for r in (self.headings,) + self.rows)


@dataclass(frozen=True)
class SlidePlan:
    role: str  # layout role: one of ROLES
    kind: str  # what the slide is: title, agenda, key-messages, section, content, chart, quote, ...
    title: str
    title_size: float
    blocks: tuple[tuple[str, TextBlock], ...] = ()  # slot name -> text
    title_height: Optional[float] = None  # inches: the title box grown down (small template title boxes)
    figure: Optional[Figure] = None
    notes: str = ""
    section_id: Optional[str] = None
    footer: Optional[str] = None  # None on slides without a footer (the title slide)
    number: int = 0
    loc: Loc = NOWHERE  # what in the source produced it (a section, a figure, a person...)
    problems: tuple[Problem, ...] = ()  # warnings about this slide, located in the source
    footer_size: float = 0.0  # planned to fit the template's footer placeholder
    footer_box: Optional[Box] = None  # the footer widened over the unused date placeholder, when needed
    native: Optional[str] = None  # a figure drawn as a native chart of this type (charts.registry.NATIVE_TYPES)
    chart_box: Optional[Box] = None  # the chart's box when it is not its placeholder's (room left for its source)
    source_box: Optional[Box] = None  # a text box under the chart for its source line, when no placeholder holds it
    variant: int = 0  # which of the role's layouts (TemplateInfo.roles[role][variant])
    titles: tuple[str, ...] = ()  # other titles that fit, shortest last (to tell two slides apart)
    tag: str = ""  # what tells this slide from another of the same title ("Figure 2", a speaker's name)
    table: Optional[TableSlice] = None  # a native table in the chart's area

    def block(self, slot: str) -> Optional[TextBlock]:
        return dict(self.blocks).get(slot)

    @property
    def text(self) -> str:
        return "\n".join([self.title] + [b.plain for _, b in self.blocks])

    @property
    def words(self) -> int:
        """The words the slide shows: its title, text blocks and table cells (a chart's source line
        included; the footer, date and slide number not)."""
        return count_words(self.text) + (count_words(self.table.plain) if self.table else 0)


def count_words(text: str) -> int:
    """Words as a reader counts them: runs between spaces (no-break spaces too), a lone dash not one."""
    return sum(1 for w in text.split() if any(c.isalnum() for c in w))


@dataclass(frozen=True)
class DeckPlan:
    slides: tuple[SlidePlan, ...]
    warnings: tuple[Problem, ...] = field(default=())  # every slide's problems, "slide N: ..." and located


def measure_paras(paras: Sequence[PlanPara], indent: float) -> list[Para]:
    """Paragraphs as the measurer takes them: a hyperlinked span is one unbreakable field (LibreOffice),
    a bullet hangs by ``indent`` inches."""
    return [Para(tuple((s.text, s.bold, bool(s.href), s.italic) for s in p.spans), indent if p.bullet else 0.0,
                 p.space_before, p.size) for p in paras]
