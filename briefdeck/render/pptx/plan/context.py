"""What the slide planners share: the theme's sizes and limits, the measurer and the template's
boxes, the language's words, and the warnings waiting for the next slide."""
from __future__ import annotations

from typing import Optional, Sequence

from ....errors import Problem
from ....model import NOWHERE, Loc, Span
from ....present import View
from ..fit import Box, Measurer, Para
from .breaks import TitleBreaks
from .condense import Words, clause_cuts, short_text, word_cuts
from .types import Geometry, PlanPara, count_words, measure_paras


class PlanContext:
    """What the planning functions share: settings, measuring, words, pending warnings."""

    def __init__(self, view: View, theme, measurer: Measurer, geometry: Geometry, charts=None):
        self.view, self.doc, self.m, self.geo = view, view.doc, measurer, geometry
        self.charts = charts  # the chart service: splits a figure that cannot be drawn whole on one slide
        g = theme.get
        self.sizes = {k: g(f"deck.type.{k}") for k in ("title", "body", "quote")}
        self.body_short = g("deck.type.body_short")  # larger sizes a short list may take
        self.title_last = g("deck.type.title_last_resort")
        self.title_slide_sizes = g("deck.type.title_slide_sizes")  # the title slide's title, tried in order
        self.subtitle = g("deck.type.subtitle")
        self.subtitle_sizes = g("deck.type.subtitle_sizes")
        self.moved_title_bumps = g("deck.type.moved_title_bumps")  # a full title moved under a short one: larger
        self.section_sizes = g("deck.type.section_sizes")
        self.quote_title_sizes = g("deck.type.quote_title_sizes")
        self.person_space = g("deck.type.person_space")
        self.attribution = g("deck.type.attribution")
        self.space = g("deck.type.space_before")
        self.max_bullets = g("deck.limits.bullets_per_slide")
        self.bullet_words = g("deck.limits.bullet_words")
        self.people_per_slide = g("deck.limits.people_per_slide")
        self.list_items = g("deck.limits.list_items_per_slide")  # an agenda's or the sources' lines on one slide
        self.short_list = g("deck.limits.short_list")  # a list this short that fits one slide may be set larger
        self.divider_slides = g("deck.limits.divider_min_slides")  # auto dividers: slides a section averages
        self.dividers = g("deck.structure.dividers")  # all | none | auto, for every section alike
        self.dividers_min_sections = g("deck.structure.dividers_min_sections")
        self.slide_words = g("deck.limits.slide_words")  # what a slide shows, at most; the rest is in its notes
        self.bio_line_words = g("deck.limits.bio_line_words")
        self.safety = g("deck.limits.fit_safety")
        self.indent = g("deck.type.bullet_indent_in")  # the hanging indent the writer sets on bullets
        self.floor = g("deck.type.body")[-1]  # no body text below this
        self.footer_sizes = g("deck.type.footer_sizes")
        self.source_sizes = g("deck.type.source_sizes")
        self.table = g("deck.table")  # a native table's sizes, cell margins and split rules  # a chart's source line: never smaller than the last
        self.deck_words = view.locale.section("deck")  # the deck's own words ("Agenda", "(continued)")
        self.words = Words.of(view.locale)  # for cutting the language's sentences
        self.breaks = TitleBreaks.of(view.locale)  # where the language's titles may not break
        self.footer = view.footer
        self.pending: list[Problem] = []  # warnings for the next slide planned
        self.cut_titles: dict[str, str] = {}  # a title cut to fit its box -> the whole title (into the notes)

    def room(self, title: str, more: int = 0) -> int:
        """Words left for a slide's text under ``title`` (and ``more`` words besides: "(2 of 3)"). A title
        longer than a third of the budget is cut to fit its box (the whole of it in the notes), so it
        counts for a third at most: a long title never leaves its text a word or two per slide."""
        return max(1, self.slide_words - min(count_words(title), self.slide_words // 3) - more)

    def word(self, key: str, **fields) -> str:
        """A word the deck prints: its own (``deck`` in the locale file), else one both outputs share."""
        return self.view.term("deck", key, **fields) if key in self.deck_words else self.view.label(key, **fields)

    def warn(self, message: str, loc: Loc, code: str = "deck.fit") -> None:
        self.pending.append(Problem(loc.file, loc.line, loc.col, message, code, "warning"))

    def take(self) -> tuple[Problem, ...]:
        out, self.pending = tuple(self.pending), []
        return out

    @staticmethod
    def quiet(ctx: "PlanContext") -> "PlanContext":
        """The same context with its own warnings list, for trial packing."""
        import copy

        trial = copy.copy(ctx)
        trial.pending = []
        return trial

    def variants(self, role: str) -> int:
        return max(1, len(self.geo.get(role, ())))

    def box(self, role: str, slot: str, variant: int = 0) -> Optional[Box]:
        vs = self.geo.get(role, ())
        if not vs:
            return None
        return vs[min(variant, len(vs) - 1)].get(slot)

    def measure_paras(self, paras: Sequence[PlanPara]) -> list[Para]:
        return measure_paras(paras, self.indent)

    def fits(self, paras: Sequence[PlanPara], size: float, box: Box) -> bool:
        return self.m.fits(self.measure_paras(paras), size, box, self.safety)

    def height_in(self, paras: Sequence[PlanPara], size: float, box: Box) -> float:
        return self.m.height_pt(self.measure_paras(paras), size, box) / 72

    def largest_fit(self, paras: Sequence[PlanPara], sizes: Sequence[float], box: Optional[Box]) -> Optional[float]:
        if box is None:
            return sizes[0]
        return next((s for s in sizes if self.fits(paras, s, box)), None)

    def grown_title_box(self, role: str, variant: int = 0) -> Optional[Box]:
        """The title box extended down into the space the template analysis found readable below it."""
        return self.box(role, "title_grow", variant)

    def title_sizes(self, sizes: Sequence[float]) -> list[float]:
        return list(sizes) + [s for s in self.title_last if s < sizes[-1]]

    def fit_title(self, candidates: Sequence[str], role: str, sizes: Sequence[float],
                  variant: int = 0) -> Optional[tuple[str, float, Optional[float]]]:
        """(text, size, grown height) of the first candidate (the fullest) that fits: in the template's own
        box at any of the sizes before a grown box (a one-line title stays on its band). None if none fits."""
        candidates = [self.breaks.apply(t) for t in candidates]  # fitted as it will break
        box = self.box(role, "title", variant)
        if box is None:
            return candidates[0], sizes[0], None
        grown = self.grown_title_box(role, variant)
        boxes = ((box, None),) + (((grown, grown.height),) if grown else ())
        for text in candidates:
            for b, height in boxes:
                for size in sizes:
                    if self.fits([PlanPara((Span(text, bold=True),), bullet=False)], size, b):
                        return text, size, height
        return None

    def one_line_title_box(self, role: str, variant: int = 0) -> bool:
        """A template's title box that holds one line at the smallest title size: made for labels
        ("Agenda"), not statements (LibreOffice templates). There a statement title that fits no way
        moves to the body."""
        box = self.box(role, "title", variant)
        grown = self.grown_title_box(role, variant)
        small = self.sizes["title"][-1]
        tall = max(box.text_height_pt if box else 0, grown.text_height_pt if grown else 0)
        return box is not None and tall * self.safety < 2 * self.m.line_height_pt(small)

    def title(self, title: str, role: str, sizes: Sequence[float], loc: Loc = NOWHERE,
              variant: int = 0) -> tuple[str, float, Optional[float]]:
        """(text, size, grown height) for a title that should be kept as it is: at a last-resort size if
        need be, else cut at a clause or a word (the full title is in the notes)."""
        hit = self.fit_title([title], role, sizes, variant) or self.fit_title([title], role, self.title_sizes(sizes), variant)
        if hit is not None:
            return hit
        shorter = clause_cuts(title, self.words) + word_cuts(title)
        hit = self.fit_title(shorter, role, self.title_sizes(sizes), variant) if shorter else None
        if hit is None:
            grown = self.grown_title_box(role, variant)
            hit = (self.breaks.apply(shorter[-1] if shorter else title), self.title_sizes(sizes)[-1], (grown.height if grown else None))
        self.cut_titles[hit[0]] = title
        self.warn(f"title ‘{short_text(title)}’ does not fit its placeholder even at {self.title_sizes(sizes)[-1]} pt: "
                  f"the slide shows ‘{short_text(hit[0])}’, the notes the whole title — shorten it", loc)
        return hit


# -- text helpers ------------------------------------------------------------------------------
