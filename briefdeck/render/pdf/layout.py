"""Page geometry: paper size, margins, and the main and side columns, in points."""
from __future__ import annotations

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm

from ...dataclass_code import dataclass
from ...errors import RenderError
from ...theme import Theme

PAPERS = {"a4": A4, "letter": LETTER}


@dataclass(frozen=True)
class Geometry:
    paper: str
    width: float  # page
    height: float
    left: float  # margins
    right: float
    top: float
    bottom: float
    first_top: float  # top margin of page 1 (no running header there)
    main_width: float  # the text column
    gutter: float
    single: bool = False  # one column, no side column (events with no figures: see geometry)

    @property
    def text_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def side_x(self) -> float:
        return self.left + self.main_width + self.gutter

    @property
    def side_width(self) -> float:
        return 0.0 if self.single else self.text_width - self.main_width - self.gutter

    def frame_top(self, first: bool) -> float:
        return self.height - (self.first_top if first else self.top)


def geometry(theme: Theme, paper: str, single: bool = False) -> Geometry:
    """The page. ``single``: one column of ``brief.single_column.main_width_mm``, centred,
    for an event with nothing to set beside the text (no figures, so no figure notes): the
    key messages, pull quotes and the "about" box then stand in the column, and the
    measure and type are larger instead of a side column left mostly empty."""
    if paper not in PAPERS:
        raise RenderError(f"unknown paper size '{paper}' — use one of: {', '.join(PAPERS)}")
    w, h = PAPERS[paper]
    m = theme.get("brief.page.margin_mm")
    if single:
        main = theme.get("brief.single_column.main_width_mm") * mm
        side = (w - main) / 2
        return Geometry(paper=paper, width=w, height=h, left=side, right=side, top=m["top"] * mm,
                        bottom=m["bottom"] * mm, first_top=theme.get("brief.page.first_top_mm") * mm,
                        main_width=main, gutter=0.0, single=True)
    g = Geometry(
        paper=paper, width=w, height=h,
        left=m["left"] * mm, right=m["right"] * mm, top=m["top"] * mm, bottom=m["bottom"] * mm,
        first_top=theme.get("brief.page.first_top_mm") * mm,
        main_width=theme.get("brief.page.main_width_mm") * mm,
        gutter=theme.get("brief.page.gutter_mm") * mm,
    )
    if g.side_width < 30 * mm:
        raise RenderError(f"the side column on {paper} paper is {g.side_width / mm:.0f} mm wide — "
                          f"narrow brief.page.main_width_mm or the margins in the theme")
    return g
