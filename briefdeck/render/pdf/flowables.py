"""The brief's own flowables: title band, side-column notes, figures, bottom-anchored colophon.

The frame is the main column only. Anything for the side column (key messages, pull quotes,
figure notes, speakers) travels *with* a main-column flowable (``WithAside``) and is drawn
beside it when that flowable is drawn, so it lands on the same page as the text it belongs
to. ``SideColumn`` keeps notes on one page from overlapping and carries a note that no
longer fits to the top of the next page.
"""
from __future__ import annotations

import re
from dataclasses import field
from typing import Optional, Sequence

from reportlab.graphics.shapes import Drawing
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Spacer

from ...dataclass_code import dataclass
from ...errors import RenderError
from .layout import Geometry
from .breakmemo import broken
from .painting import measuring
from .linebreak import HyphenLedger, set_lines
from .tagging import artifact, untagged


def _first_words(f: Flowable, n: int = 8) -> str:
    items = getattr(f, "items", None) or [f]
    for it in items:
        text = getattr(it, "text", "") or ""
        if isinstance(text, str) and text.strip():
            return " ".join(re.sub(r"<[^>]+>", "", text).split()[:n]) + "…"
    return "…"


def texts_of(f) -> list[str]:
    """The plain texts a flowable sets, in order (a Stack's items, a table's cells, a band's lines)."""
    if isinstance(f, str):
        return [f] if f.strip() else []
    if isinstance(f, (list, tuple)):
        return [t for x in f for t in texts_of(x)]
    f = untagged(f)
    text = getattr(f, "text", None)
    out = [re.sub(r"<[^>]+>", "", text)] if isinstance(text, str) and text.strip() else []
    for attr in ("main", "inner", "items", "paras", "_cellvalues", "notes"):
        out += texts_of(getattr(f, attr, None) or [])
    return out


class NoteTooLarge(RenderError):
    """A side-column note taller than the column (``note``: what it sets; ``times``: how much)."""

    def __init__(self, note: Flowable, times: float):
        super().__init__(f"a side-column note is {times:.1f} times the height of a page (it begins “{_first_words(note)}”) — shorten it")
        self.note, self.times = note, times


class Stack(Flowable):
    """Flowables drawn one under another at a fixed width, never split (a side note) -- unless
    given ``split_keep``: then, in the main column, it may split between two items, each part
    holding at least ``split_keep`` items after the first (a box's label stays with them); the
    part on the next page keeps the background, not the top rule."""

    def __init__(self, items: Sequence[Flowable], *, background=None, padding: float = 0,
                 top_rule: Optional[tuple] = None, top_gap: float = 0, anchor: Optional[str] = None,
                 split_keep: int = 0):
        super().__init__()
        self.items = list(items)
        self.background = background
        self.padding = padding
        self.top_rule = top_rule  # (colour, width)
        self.top_gap = top_gap  # space between the rule and the first item
        self.anchor = anchor  # destination key at the top (outline entries: pages.BriefTemplate)
        self.split_keep = split_keep

    def split(self, aW, aH):
        keep = self.split_keep
        if not keep or len(self.items) < 1 + 2 * keep:
            return []
        self.wrap(aW, aH)
        used = self.padding + self.top_gap
        best = 0
        for k, (before, h_, after) in enumerate(self._sizes[:-keep], 1):
            used += before + h_
            if used + self.padding > aH:
                break
            if k >= 1 + keep:
                best = k
            used += after
        if not best:
            return []
        head = Stack(self.items[:best], background=self.background, padding=self.padding, top_rule=self.top_rule,
                     top_gap=self.top_gap, anchor=self.anchor)
        tail = Stack(self.items[best:], background=self.background, padding=self.padding, split_keep=keep)
        return [head, tail]

    def wrap(self, aW, aH):
        inner = aW - 2 * self.padding
        self._sizes = []
        h = self.padding + self.top_gap
        for i, f in enumerate(self.items):
            w_, h_ = f.wrap(inner, 10_000)
            before = f.getSpaceBefore() if i else 0
            after = f.getSpaceAfter() if i < len(self.items) - 1 else 0
            self._sizes.append((before, h_, after))
            h += before + h_ + after
        h += self.padding
        self.width, self.height = aW, h
        return aW, h

    def draw(self):
        c = self.canv
        if self.background is not None:
            c.setFillColor(self.background)
            c.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        if self.top_rule:
            colour, width = self.top_rule
            c.setStrokeColor(colour)
            c.setLineWidth(width)
            c.line(0, self.height - width / 2, self.width, self.height - width / 2)
        if self.anchor:
            c.bookmarkHorizontal(self.anchor, 0, self.height)
        y = self.height - self.padding - self.top_gap
        for f, (before, h_, after) in zip(self.items, self._sizes):
            y -= before + h_
            f.drawOn(c, self.padding, y)
            y -= after


class Framed(Flowable):
    """A block with space above and below that is kept where it stands (at a page's top or
    foot too, unlike platypus' space before and after), inset from both sides by ``inset``."""

    def __init__(self, inner: Flowable, before: float, after: float, inset: float = 0.0):
        super().__init__()
        self.inner, self.before, self.after, self.inset = inner, before, after, inset

    def wrap(self, aW, aH):
        _, h = self.inner.wrap(aW - 2 * self.inset, aH)
        self.width, self.height = aW, self.before + h + self.after
        return self.width, self.height

    def draw(self):
        self.inner.drawOn(self.canv, self.inset, self.after)


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
    drawn: list = field(default_factory=list)  # the page of each note drawn, in order (two layouts compared)

    def top_of(self, page: int) -> float:
        return self.geo.frame_top(page == 1)

    def _turn_to(self, page: int) -> None:
        if page != self.page:
            self.page, self.floor = page, self.top_of(page) + self.gap
            self.used = []

    def pull(self, canv, note: Flowable, y_top: float, y_bottom: float) -> None:
        """A pull quote whose sentence spans ``y_top``..``y_bottom`` on this page: set at the
        page's end (settle)."""
        self._turn_to(canv.getPageNumber())
        self.pulled.append((note, y_top, y_bottom))

    def settle(self, canv) -> None:
        """At the end of a page: set its pull quotes in the side column where it is free, at least
        ``note.pull_distance`` from their sentence (above or below it), as near to it as that
        allows; where no such place is free, at the top of the next page."""
        self._turn_to(canv.getPageNumber())
        waiting, self.pulled = self.pulled, []
        top, bottom = self.top_of(self.page), self.geo.bottom
        if self.page == 1 and self.used:  # the title band spans both columns above the first note
            top = min(top, max(t for t, _ in self.used))
        for note, y_top, y_bottom in waiting:
            _, h = note.wrap(self.geo.side_width, 10_000)
            far = getattr(note, "pull_distance", 0.0)
            y = (y_top + y_bottom) / 2
            tops = {top, bottom + h, y_bottom - far, y_top + far + h}
            tops |= {b - self.gap for _, b in self.used} | {t + self.gap + h for t, _ in self.used}
            free = [t for t in sorted(tops, reverse=True) if t <= top + 0.01 and t - h >= bottom - 0.01
                    and all(t - h >= ut + self.gap - 0.01 or t <= ub - self.gap + 0.01 for ut, ub in self.used)]
            away = [t for t in free if t - h >= y_top + far - 0.01 or t <= y_bottom - far + 0.01]
            if away:
                t = min(away, key=lambda t: abs(t - h / 2 - y))
            elif free and self.final:  # the last page: as far from the words as it can stand
                t = max(free, key=lambda t: abs(t - h / 2 - y))
            else:  # the next page, where it is free once that page is set, rather than beside the words
                self.carried.append(note)
                continue
            note.at_column_top = t >= top - 0.5
            note.drawOn(canv, self.geo.side_x, t - h)
            self.drawn.append(self.page)
            self.used.append((t, t - h))
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
        self.drawn.append(self.page)
        self.used.append((top, top - h))
        self.floor = top - h

    def claim(self, page: int, y: float) -> None:
        """Something spanning both columns reaches down to ``y``: notes go below it."""
        self._turn_to(page)
        self.floor = min(self.floor, y)
        self.used.append((self.top_of(page), y))  # (pull quotes set at the page's end keep off it too)

    def flush(self, canv) -> None:
        """At the start of a page: draw notes that did not fit on the previous one."""
        self._turn_to(canv.getPageNumber())
        waiting, self.pending = self.pending, []
        for note in waiting:
            self.place(canv, self.top_of(self.page), note, deferred=True)
        for note in self.carried:  # its sentence is on the page before: any free place will do
            self.pulled.append((note, float("inf"), float("inf")))
        self.carried = []


class WithAside(Flowable):
    """A main-column flowable with notes for the side column, drawn level with its top."""

    def __init__(self, main: Flowable, notes: Sequence[Flowable], side: SideColumn, *, is_float: bool = False,
                 mark: bool = False):
        super().__init__()
        self.main = main
        self.notes = list(notes)
        self.side = side
        self.is_float = is_float
        self.mark = mark  # remember where this was drawn (SideColumn.mark): the back matter aligns to it

    def wrap(self, aW, aH):
        main = untagged(self.main)
        for a in ("_frame", "canv"):  # the frame sets these on us only; a figure needs them
            if hasattr(self, a):
                setattr(main, a, getattr(self, a))
            elif a in main.__dict__:  # left from an earlier frame: not where we are now
                delattr(main, a)
        self.width, self.height = self.main.wrap(aW, aH)
        return self.width, self.height

    def split(self, aW, aH):
        parts = self.main.split(aW, aH)
        if not parts:
            return []
        return [WithAside(parts[0], self.notes, self.side, mark=self.mark)] + list(parts[1:])

    def getSpaceBefore(self):
        return self.main.getSpaceBefore()

    def getSpaceAfter(self):
        return self.main.getSpaceAfter()

    def getKeepWithNext(self):
        return self.main.getKeepWithNext()

    def drawOn(self, canvas, x, y, _sW=0):
        self.main.drawOn(canvas, x, y, _sW)
        top = y + self.height - getattr(self.main, "aside_offset", 0)
        if self.mark:
            self.side.mark = (canvas.getPageNumber(), top)
        for note in self.notes:  # later notes stack under earlier ones (SideColumn.floor)
            if getattr(note, "pulled_from", None) is not None:  # a pull quote: away from its sentence
                self.side.pull(canvas, note, *self._span(y + self.height, *note.pulled_from))
            else:
                self.side.place(canvas, top, note)


    def _span(self, top: float, start: int, end: int) -> tuple[float, float]:
        """The top and bottom (page y) of the lines holding characters ``start``..``end`` of the text."""
        inner = untagged(self.main)
        bl, lead = getattr(inner, "blPara", None), getattr(getattr(inner, "style", None), "leading", 0)
        if bl is None or not lead:
            return top, top - self.height
        first = last = None
        at = 0
        for k, line in enumerate(bl.lines):
            at += len(_line_text(line).strip()) + 1
            if first is None and at > start:
                first = k
            if at > end:
                last = k
                break
        first = len(bl.lines) if first is None else first  # on the next page: below this one
        last = max(first, len(bl.lines) if last is None else last)
        return top - first * lead, top - (last + 1) * lead


class FlushAsides(Flowable):
    """End of the story: if side notes are still waiting, start a page for them."""

    def __init__(self, side: SideColumn):
        super().__init__()
        self.side = side

    def wrap(self, aW, aH):
        return (aW, aH + 1) if self.side.pending else (0, 0)

    def split(self, aW, aH):
        return []

    def draw(self):
        pass


def _line_text(line) -> str:
    if isinstance(line, tuple):  # a paragraph of one font: (extra space, words)
        return " ".join(line[1])
    return "".join(getattr(w, "text", "") for w in line.words)


class BodyParagraph(Paragraph):
    """A paragraph whose page break never falls inside a word: a page that would end in a
    hyphen ends one line sooner (a word split across pages is hard to read, and hides it
    from a search of either page).

    Its lines are broken with hyphenation by need and without runts (linebreak.py)."""

    def breakLines(self, width):
        kept = getattr(self, "_lines_kept", None)
        if kept is not None:
            return kept
        canv, budget = getattr(self, "canv", None), None
        setting = getattr(self.style, "line_setting", None)
        if canv is not None and setting is not None:
            least = 0.4 * canv._pagesize[1] / self.style.leading  # half a column of text, about
            known = getattr(getattr(canv, "_doctemplate", None), "page_lines", {}).get(canv.getPageNumber())
            if known is not None:  # a layout before found this page shorter: its own count of lines
                least = min(least, known)
            budget = HyphenLedger.of(canv).budget(canv.getPageNumber(), setting.max_share, least)
        return broken(self, width, super().breakLines, budget, set_lines)  # (kept from an earlier layout)

    def drawOn(self, canvas, x, y, _sW=0):
        HyphenLedger.of(canvas).drawn(canvas.getPageNumber(), self.blPara, self.width)
        super().drawOn(canvas, x, y, _sW)

    def split(self, aW, aH):
        parts = super().split(aW, aH)
        while len(parts) == 2 and _line_text(parts[0].blPara.lines[-1]).rstrip().endswith(("-", "\u00ad", "\u2010")):
            aH -= self.style.leading
            parts = super().split(aW, aH) if aH > 0 else []
        if len(parts) == 2:  # the head keeps the lines it was cut from (broken again alone, they would differ)
            full = self.blPara
            parts[0]._lines_kept = full.clone(lines=full.lines[:len(parts[0].blPara.lines)])
        return parts


class Unbroken(Paragraph):
    """A paragraph never split across pages: a reference keeps its URL."""

    def split(self, aW, aH):
        return []


class KeepWithText(Flowable):
    """A heading (and its byline) kept with the first lines of its text, always: if the
    first paragraph cannot begin under the heading on this page (it neither fits nor
    splits there, orphan and hyphen rules included), all of it starts the next page.

    Like platypus' KeepTogether it reports an impossible height so that the frame asks it
    to split, and hands the frame its parts; unlike it, it needs only the paragraph's first
    lines to fit, not the whole paragraph."""

    def __init__(self, head: Sequence[Flowable], first: Flowable):
        super().__init__()
        self.head = list(head)
        self.first = first

    def wrap(self, aW, aH):
        self.width = aW
        return aW, 0xFFFFFF  # never drawn whole: split() gives the frame the parts

    def getSpaceBefore(self):
        return self.head[0].getSpaceBefore()

    def split(self, aW, aH):
        from reportlab.platypus.doctemplate import FrameBreak

        parts: list[Flowable] = self.head + [self.first]
        room = aH
        for i, f in enumerate(self.head):
            _, h = f.wrap(aW, room)
            room -= h + f.getSpaceAfter() + (f.getSpaceBefore() if i else 0)
        room -= self.first.getSpaceBefore()
        frame = getattr(self, "_frame", None)
        at_top = frame is not None and getattr(frame, "_atTop", False)
        _, h = self.first.wrap(aW, max(room, 0))
        if at_top or (room > 0 and (h <= room or self.first.split(aW, room))):
            return parts
        return [FrameBreak()] + parts


class Heading(Paragraph):
    """A heading that is also a PDF destination (its outline entry: pages.BriefTemplate)."""

    def __init__(self, text, style, *, key: str, rule: Optional[tuple] = None, kicker: Optional[tuple] = None):
        super().__init__(text, style)
        self.key = key
        self.rule = rule  # (colour, width, length, gap): short rule above the heading
        self.kicker = kicker  # (text, font, size, colour): a section opener where the rule starts ("01 ——")

    def draw(self):
        if self.rule:
            colour, width, length, gap = self.rule
            self.canv.saveState()
            x = stringWidth(self.kicker[0], self.kicker[1], self.kicker[2]) + 0.5 * self.kicker[2] if self.kicker else 0.0
            self.canv.setStrokeColor(colour)
            self.canv.setLineWidth(width)
            self.canv.line(x, self.height + gap, x + length, self.height + gap)
            if self.kicker:  # in the space above the heading, the rule continuing after it: decoration,
                text, font, size, ink = self.kicker  # as the rule is (the title is what is read)
                with artifact(self.canv, "Layout"):
                    self.canv.setFont(font, size)
                    self.canv.setFillColor(ink)
                    self.canv.drawString(0, self.height + gap - 0.35 * size, text)
            self.canv.restoreState()
        self.canv.bookmarkHorizontal(self.key, 0, self.height + (self.rule[3] + 4 if self.rule else 4))
        super().draw()

    def split(self, aW, aH):
        return []  # headings are never broken across pages


class TitleBand(Flowable):
    """Page 1: series, title, subtitle, event line and speaker on a solid band bled off the top."""

    def __init__(self, paragraphs: Sequence[Paragraph], geo: Geometry, *, background, bleed: bool,
                 pad_top: float, pad_bottom: float, space_after: float, side: Optional[SideColumn] = None,
                 logo: Optional[Flowable] = None, logo_plate=None, logo_pad: float = 0, logo_gap: float = 0):
        super().__init__()
        self.side = side
        self.paras = list(paragraphs)
        self.geo = geo
        self.background = background
        self.bleed = bleed
        self.pad_top, self.pad_bottom, self.space_after = pad_top, pad_bottom, space_after
        # the organiser's logo at the band's top right, on a plate of the paper's colour so any
        # logo reads on the band; the text beside it is set narrower
        self.logo, self.logo_plate, self.logo_pad, self.logo_gap = logo, logo_plate, logo_pad, logo_gap
        self._logo_size = logo.wrap(geo.text_width, 10_000) if logo is not None else (0, 0)

    @property
    def _logo_room(self) -> float:
        return self._logo_size[0] + 2 * self.logo_pad + self.logo_gap if self.logo is not None else 0

    def wrap(self, aW, aH):
        w = self.geo.text_width - self._logo_room
        h = self.pad_top
        self._sizes = []
        for i, p in enumerate(self.paras):
            _, ph = p.wrap(w, 10_000)
            after = p.getSpaceAfter() if i < len(self.paras) - 1 else 0
            self._sizes.append((ph, after))
            h += ph + after
        if self.logo is not None:
            h = max(h, self.pad_top + self._logo_size[1] + 2 * self.logo_pad)
        self.height = h + self.pad_bottom
        self.width = aW
        return aW, self.height

    def getSpaceAfter(self):
        return self.space_after

    def drawOn(self, canvas, x, y, _sW=0):
        # the band spans both columns: a side note too tall for the room below it (five long
        # key messages) goes to the next page, never up over the title
        if self.side is not None:
            self.side.claim(canvas.getPageNumber(), y - self.space_after + self.side.gap)
        super().drawOn(canvas, x, y, _sW)

    def draw(self):
        c = self.canv
        # the band reaches the paper's top edge (and its sides when bled)
        x0 = -self.geo.left if self.bleed else -3
        w = self.geo.width if self.bleed else self.geo.text_width + 6
        top_gap = self.geo.first_top
        c.setFillColor(self.background)
        c.rect(x0, 0, w, self.height + top_gap, stroke=0, fill=1)
        y = self.height - self.pad_top
        for p, (ph, after) in zip(self.paras, self._sizes):
            y -= ph
            p.drawOn(c, 0, y)
            y -= after
        if self.logo is not None:
            lw, lh = self._logo_size
            pad = self.logo_pad
            x, y = self.geo.text_width - lw - pad, self.height - self.pad_top - pad - lh
            if self.logo_plate is not None:  # drawn outside any element: an artifact
                c.setFillColor(self.logo_plate)
                c.roundRect(x - pad, y - pad, lw + 2 * pad, lh + 2 * pad, pad, stroke=0, fill=1)
            self.logo.drawOn(c, x, y)


class FigureBlock(Flowable):
    """Caption, chart and source line: one unit that never splits.

    The figure is a destination (``fig-<id>``) for in-text references and an outline entry
    under its section. Its alt text is the ``/Alt`` of its ``Figure`` element (story.figure).

    A *wide* figure (``wide`` = the side column) spans both columns, and the side column
    above it is kept clear: the figure starts below any side note already on the page. A
    figure given a ``note`` (wide, or itself in the side column) sets it under the source line.
    """

    def __init__(self, caption: Flowable, drawing: Flowable, source: Flowable, *, key: str, rule: tuple,
                 space_before: float, space_after: float,
                 wide: Optional[SideColumn] = None, note: Optional[Paragraph] = None):
        super().__init__()
        self.caption, self.drawing, self.source = caption, drawing, source
        self.key = key
        self.rule = rule  # (colour, width, gap)
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self.wide, self.note = wide, note

    def _clearance(self) -> float:
        """How far a wide figure must move down to start below the side notes on this page."""
        frame, canv = getattr(self, "_frame", None), getattr(self, "canv", None)
        side = self.wide
        if side is None or frame is None or canv is None or side.page != canv.getPageNumber():
            return 0.0
        return max(0.0, frame._y - (side.floor - side.gap))

    def wrap(self, aW, aH):
        geo = self.wide.geo if self.wide else None
        full = geo.text_width if geo else aW
        _, self._ch = self.caption.wrap(full, 10_000)
        _, self._sh = self.source.wrap(geo.main_width if geo else aW, 10_000)
        self._nh = self.note.wrap(geo.main_width if geo else aW, 10_000)[1] if self.note else 0
        self._gap_c = self.caption.getSpaceAfter()
        self._gap_s = self.source.getSpaceBefore()
        self._gap_n = self.note.getSpaceBefore() if self.note else 0
        self._top = self._clearance()
        frame = getattr(self, "_frame", None)
        # at the head of a page the running header's hairline is just above: a second rule
        # there reads as a double line
        self._draw_rule = not (frame is not None and frame._atTop and not self._top)
        self.width = aW
        self._full = full
        foot = self._sh + self._gap_n + self._nh
        self.height = self._top + self.rule[2] + self._ch + self._gap_c + self.drawing.height + self._gap_s + foot
        shrink = getattr(self.drawing, "shrink_to", None)  # a photograph may be set smaller to stay on this page
        if shrink is not None and self.height > aH and shrink(self.drawing.height - (self.height - aH)):
            self.height = self._top + self.rule[2] + self._ch + self._gap_c + self.drawing.height + self._gap_s + foot
        self.aside_offset = self._top + self.rule[2] + self._ch + self._gap_c  # side notes start level with the chart
        return aW, self.height

    def split(self, aW, aH):
        return []

    def draw(self):
        c = self.canv
        colour, width, gap = self.rule
        top = self.height - self._top
        if self._draw_rule and not getattr(self, "at_column_top", False):
            c.saveState()
            c.setStrokeColor(colour)
            c.setLineWidth(width)
            c.line(0, top, self._full, top)
            c.restoreState()
        c.bookmarkHorizontal(self.key, 0, top + 6)
        y = top - gap - self._ch
        self.caption.drawOn(c, 0, y)
        y -= self._gap_c + self.drawing.height
        if not measuring(c):
            self.drawing.drawOn(c, 0, y)
        y -= self._gap_s
        self.source.drawOn(c, 0, y - self._sh)
        if self.note is not None:
            self.note.drawOn(c, 0, y - self._sh - self._gap_n - self._nh)
        if self.wide:  # side notes placed after this figure go below it
            self.wide.claim(c.getPageNumber(), c.absolutePosition(0, 0)[1])


class Anchor(Flowable):
    """A destination (an outline entry's target) at this point of the main column."""

    def __init__(self, key: str):
        super().__init__()
        self.key = key

    def wrap(self, aW, aH):
        return 0, 0

    def draw(self):
        self.canv.bookmarkHorizontal(self.key, 0, 4)


class BackMatter(Flowable):
    """The last page: the colophon pinned to the bottom of the main column, and the
    speakers' box in the side column (level with the first end-matter heading when that is
    on this page, else at the top); when the side column of this page has no room for it,
    in the main column above the colophon; when the main column has no room for both
    either, the box *flows* in the main column from here (``flow``: its parts, one person
    at a time) and the colophon follows it. On a page of its own (nothing of the text
    left for it) the box is set in the main column: never a last page with the box alone in
    its side column and nothing but the colophon beside it."""

    def __init__(self, colophon: Flowable, box: Optional[Flowable], side: SideColumn, gap: float,
                 flow: Sequence[Flowable] = ()):
        super().__init__()
        self.colophon, self.box, self.side, self.gap = colophon, box, side, gap
        self.flow = list(flow)

    def _side_top(self, page: int) -> float:
        """Where the box starts: level with the first end-matter heading when that is on this
        page, else at the top of the side column; below any note already there."""
        side = self.side
        top = side.mark[1] if side.mark and side.mark[0] == page else side.top_of(page)
        if side.page == page:
            top = min(top, side.floor - side.gap)
        return top

    def _side_room(self) -> float:
        """Free height in this page's side column from where the box would start."""
        canv = getattr(self, "canv", None)
        if canv is None or self.side.geo.single:
            return 0.0
        return self._side_top(canv.getPageNumber()) - self.side.geo.bottom

    def wrap(self, aW, aH):
        self.width = aW
        _, ch = self.colophon.wrap(aW, 10_000)
        self._mode, need = "side", ch
        frame = getattr(self, "_frame", None)
        # a page of its own: nothing of the text on it (at most the space before this)
        self._alone = frame is not None and (bool(frame._atTop) or frame._y2 - frame._y <= self.gap + 0.5)
        if self.box is not None:
            alone = self._alone
            _, bh_side = self.box.wrap(self.side.geo.side_width, 10_000) if not (self.side.geo.single or alone) else (0, 1e9)
            if bh_side > self._side_room():
                self._mode = "main"
                _, bh = self.box.wrap(aW, 10_000)
                need = bh + self.gap + ch
                if need > aH and self.flow:
                    self._mode = "flow"
                    return aW, 0xFFFFFF  # the frame asks split() for the parts
        self._ch = ch
        self.height = max(need, aH - 0.01) if need <= aH else need
        return aW, self.height

    def split(self, aW, aH):
        if getattr(self, "_mode", None) == "flow":
            return self.flow + [Spacer(0, self.gap), BackMatter(self.colophon, None, self.side, self.gap)]
        return []

    def drawOn(self, canvas, x, y, _sW=0):  # page coordinates: the side column is outside the frame
        self.side.lonely_end = self._alone and ("box" if self.box is not None else "colophon")  # what stands alone
        self.side.final = True
        self.colophon.drawOn(canvas, x, y)
        if self.box is None:
            return
        if self._mode == "main":
            _, bh = self.box.wrap(self.width, 10_000)
            self.box.drawOn(canvas, x, y + self.height - bh)
        else:
            self.side.place(canvas, self._side_top(canvas.getPageNumber()), self.box)


def fit_drawing(d: Drawing, width: float) -> Drawing:
    """Scale a chart drawing to exactly ``width`` points (it should already be that size)."""
    if d.width and abs(d.width - width) > 0.5:
        s = width / d.width
        d.scale(s, s)
        d.width, d.height = d.width * s, d.height * s
    return d
