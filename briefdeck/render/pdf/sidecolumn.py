"""The side column: where the notes beside the main column's text are set (key messages, figure
notes, pull quotes, speakers). A note travels with a main-column flowable (flowables.WithAside) and
is placed level with it when it is drawn; ``SideColumn`` keeps notes on one page from overlapping,
carries a note that no longer fits to the top of the next page, sets pull quotes where they are
free at a page's end, and moves its notes with the main column when a page is justified
vertically (``justify``)."""
from __future__ import annotations

import re
from dataclasses import field
from typing import Optional

from reportlab.platypus import Flowable

from ...dataclass_code import dataclass
from ...errors import RenderError
from .layout import Geometry


def _first_words(f: Flowable, n: int = 8) -> str:
    items = getattr(f, "items", None) or [f]
    for it in items:
        text = getattr(it, "text", "") or ""
        if isinstance(text, str) and text.strip():
            return " ".join(re.sub(r"<[^>]+>", "", text).split()[:n]) + "…"
    return "…"


class NoteTooLarge(RenderError):
    """A side-column note taller than the column (``note``: what it sets; ``times``: how much)."""

    def __init__(self, note: Flowable, times: float):
        super().__init__(f"a side-column note is {times:.1f} times the height of a page (it begins “{_first_words(note)}”) — shorten it")
        self.note, self.times = note, times


@dataclass
class SideColumn:
    """Where the next side note may start on the current page; notes waiting for a page."""

    geo: Geometry
    gap: float
    page: int = 0
    floor: float = 0.0  # lowest y used so far on ``page``
    pending: list = field(default_factory=list)
    mark: Optional[tuple] = None  # (page, y) of the first end-matter heading
    lonely_end: object = False  # the back matter began a page of its own (BackMatter): "box" (the people) or "colophon"
    used: list = field(default_factory=list)  # (top, bottom) of the notes on ``page``
    pulled: list = field(default_factory=list)  # (pull quote, y of its sentence) waiting for the page's end
    carried: list = field(default_factory=list)  # pull quotes with no place on their page, for the next one's end
    final: bool = False  # the back matter is on this page: nothing follows it
    segment: int = 0  # the main column's segment on ``page`` that what is set now moves with (justify)
    moves: list = field(default_factory=list)  # for each of ``used``: (its segment, its top moves too)

    def top_of(self, page: int) -> float:
        return self.geo.frame_top(page == 1)

    def _turn_to(self, page: int) -> None:
        if page != self.page:
            self.page, self.floor = page, self.top_of(page) + self.gap
            self.used, self.segment, self.moves = [], 0, []

    def begin_segment(self, page: int, segment: int) -> None:
        """A break in ``page``'s main column (BriefCanvas.begin_segment): the notes set from here move with
        what follows it."""
        self._turn_to(page)
        self.segment = segment

    def _used(self, top: float, bottom: float, whole: bool = True) -> None:
        self.used.append((top, bottom))
        self.moves.append((self.segment, whole))

    def justify(self, offsets: list[float]) -> bool:
        """The page's segments moved down by ``offsets`` (points, by segment; pages.BriefTemplate._justify):
        its notes move with them, and its pull quotes, set next (settle), keep their distance from their
        sentences as moved. False, and nothing moved, when a note would reach past the foot, or when a
        pull quote that has a place on the page as laid out would have none once the notes moved (it
        would go to the next page, away from its sentence)."""
        used = [(t - (offsets[s] if whole else 0.0), b - offsets[s]) for (t, b), (s, whole) in zip(self.used, self.moves)]
        if any(b < self.geo.bottom - 0.01 for _, b in used):
            return False
        pulled = [(note, t - offsets[s], b - offsets[s], s) for note, t, b, s in self.pulled]
        before, after = self._places(self.pulled, self.used), self._places(pulled, used)
        if any(was is not None and now is None for was, now in zip(before, after)):
            return False
        self.used, self.pulled = used, pulled
        return True

    def _places(self, waiting: list, used: list) -> list:
        """Where ``settle`` would set each of ``waiting``'s pull quotes, in turn, beside the notes ``used``:
        (top, height), or None for one carried to the next page."""
        used = list(used)
        places = []
        for note, y_top, y_bottom, _ in waiting:
            place = self._slot(note, y_top, y_bottom, used)
            places.append(place)
            if place is not None:
                used.append((place[0], place[0] - place[1]))
        return places

    def _slot(self, note: Flowable, y_top: float, y_bottom: float, used: list) -> Optional[tuple[float, float]]:
        """Where a pull quote whose sentence spans ``y_top``..``y_bottom`` stands on this page beside the
        notes ``used``: (its top, its height); None when no place is free (``settle``)."""
        top, bottom = self.top_of(self.page), self.geo.bottom
        if self.page == 1 and used:  # the title band spans both columns above the first note
            top = min(top, max(t for t, _ in used))
        _, h = note.wrap(self.geo.side_width, 10_000)
        far = getattr(note, "pull_distance", 0.0)
        y = (y_top + y_bottom) / 2
        tops = {top, bottom + h, y_bottom - far, y_top + far + h}
        tops |= {b - self.gap for _, b in used} | {t + self.gap + h for t, _ in used}
        free = [t for t in sorted(tops, reverse=True) if t <= top + 0.01 and t - h >= bottom - 0.01
                and all(t - h >= ut + self.gap - 0.01 or t <= ub - self.gap + 0.01 for ut, ub in used)]
        away = [t for t in free if t - h >= y_top + far - 0.01 or t <= y_bottom - far + 0.01]
        if away:
            return min(away, key=lambda t: abs(t - h / 2 - y)), h
        if free and self.final:  # the last page: as far from the words as it can stand
            return max(free, key=lambda t: abs(t - h / 2 - y)), h
        return None  # the next page, where it is free once that page is set, rather than beside the words

    def pull(self, canv, note: Flowable, y_top: float, y_bottom: float) -> None:
        """A pull quote whose sentence spans ``y_top``..``y_bottom`` on this page: set at the
        page's end (settle)."""
        self._turn_to(canv.getPageNumber())
        self.pulled.append((note, y_top, y_bottom, self.segment))

    def settle(self, canv) -> None:
        """At the end of a page: set its pull quotes in the side column where it is free, at least
        ``note.pull_distance`` from their sentence (above or below it), as near to it as that
        allows; where no such place is free, at the top of the next page."""
        self._turn_to(canv.getPageNumber())
        waiting, self.pulled = self.pulled, []
        top = self.top_of(self.page)
        if self.page == 1 and self.used:  # (as _slot: below the title band)
            top = min(top, max(t for t, _ in self.used))
        for note, y_top, y_bottom, _ in waiting:
            place = self._slot(note, y_top, y_bottom, self.used)
            if place is None:
                self.carried.append(note)
                continue
            t, h = place
            note.at_column_top = t >= top - 0.5
            note.drawOn(canv, self.geo.side_x, t - h)
            self._used(t, t - h)
            self.floor = min(self.floor, t - h)

    def place(self, canv, top: float, note: Flowable, *, deferred: bool = False) -> None:
        """Draw ``note`` with its top at ``top`` or lower; defer it if the page is full.

        A note that cannot stand level with what it belongs to (pushed down by other notes,
        or carried to the next page) and has a ``displaced`` version (a figure note naming
        its figure) is drawn as that version."""
        self._turn_to(canv.getPageNumber())
        moved = deferred or top - (self.floor - self.gap) > self.gap  # pushed down more than a gap
        if moved and getattr(note, "displaced", None) is not None:
            note = note.displaced
        _, h = note.wrap(self.geo.side_width, 10_000)
        column = self.geo.frame_top(False) - self.geo.bottom
        if h > column:
            raise NoteTooLarge(note, h / column)
        top = min(top, self.floor - self.gap)
        if top - h < self.geo.bottom:
            top = self.geo.bottom + h
            if top > self.floor - self.gap:  # no room left on this page
                self.pending.append(note)
                return
        note.at_column_top = top >= self.top_of(self.page) - 0.5  # (FigureBlock drops its rule there)
        note.drawOn(canv, self.geo.side_x, top - h)
        self._used(top, top - h)
        self.floor = top - h

    def claim(self, page: int, y: float) -> None:
        """Something spanning both columns reaches down to ``y``: notes go below it."""
        self._turn_to(page)
        self.floor = min(self.floor, y)
        self._used(self.top_of(page), y, whole=False)  # (pull quotes set at the page's end keep off it too)

    def flush(self, canv) -> None:
        """At the start of a page: draw notes that did not fit on the previous one."""
        self._turn_to(canv.getPageNumber())
        waiting, self.pending = self.pending, []
        for note in waiting:
            self.place(canv, self.top_of(self.page), note, deferred=True)
        for note in self.carried:  # its sentence is on the page before: any free place will do
            self.pulled.append((note, float("inf"), float("inf"), 0))
        self.carried = []
