"""Page templates, running header and footer, and where figures float to.

Figures float, by one rule: **a waiting figure comes out only at a section boundary** (a
``SectionBreak``, before a heading) **or at the ``FloatBarrier``** (before the references) --
never inside a run of paragraphs or a numbered list, and never between a heading and its
text. A figure that does not fit in the space left on its page waits when more than
``float_min_gap`` would stay empty and text follows; the next section fills the page, and
the figure comes out at the end of that section (on that page if it fits there, else at the
top of the next page, before the next heading). When the next section cannot begin on the
page either, the figure opens the next page, right before that section's heading. It waits
past at most ``float_max_sections`` sections; after that it comes out at the next boundary
whatever the gap.

A column that still ends far above the foot (the next section, figure or end-matter box did
not fit) is *vertically justified*, as TeX's ``\\flushbottom`` does: as the page is painted, the
space left goes to the breaks between its blocks (before a section, around a figure) and, a little,
between its paragraphs, a bounded amount each (``justify``; see ``flush_bottom`` in pdf/__init__.py):
what follows each break moves down on its own page, the side notes beside it with it
(``BriefCanvas.justify``, ``SideColumn.justify``). Nothing changes pages, so no layout of its own.
"""
from __future__ import annotations

import datetime as _dt
import re

from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus import BaseDocTemplate, CondPageBreak, Flowable, Frame, FrameBreak, PageTemplate, Spacer

from ...dataclass_code import dataclass
from .flowables import BodyParagraph, KeepWithText, SideColumn, WithAside
from .layout import Geometry
from .tagging import DEFERRED, artifact, untagged


def fit_line(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut at a word to fit ``width`` on one line, with an ellipsis: a running line
    never runs into the one beside it (a title at its 200-character limit)."""
    if stringWidth(text, font, size) <= width:
        return text
    words = text.split()
    while words and stringWidth(" ".join(words) + "\u2026", font, size) > width:
        words.pop()
    if words:
        return " ".join(words).rstrip(",;:.\u2013\u2014-") + "\u2026"
    cut = text  # one unbroken word: cut it by characters
    while cut and stringWidth(cut + "\u2026", font, size) > width:
        cut = cut[:-1]
    return cut + "\u2026" if cut else ""


@dataclass(frozen=True)
class Furniture:
    """What the header and footer print (already formatted)."""

    header_left: str
    header_right: str
    footer_left: str
    page_label: str  # "Page {page} of {pages}"
    header: dict  # theme nodes, font names resolved
    footer: dict


class FloatBarrier(Flowable):
    """Waiting figures are placed before this point."""

    def wrap(self, aW, aH):
        return 0, 0

    def draw(self):
        pass


class SectionBreak(CondPageBreak):
    """Before a section's heading: a new page unless the heading and the first lines of its
    text fit (``height``), and the point where waiting figures may come out."""


def canvas_class(updated: _dt.date):
    """A canvas whose info dates are the edition date, not the clock (reproducible bytes), and
    which can write text that depends on the page count ("Page 2 of 5") once it is known, at
    save: one layout pass, not two."""
    stamp = updated.strftime("D:%Y%m%d000000+00'00'")

    class BriefCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._doc.info._dateFormatter = lambda *_: stamp
            self.destinations: set[str] = set()
            self._deferred: list = []
            self._segments: list[tuple[int, list]] = [(0, [])]  # this page's: (first code, what moves with it)
            self._moves: list[tuple[int, float]] = []  # (code, points down from there): justify

        def bookmarkHorizontal(self, key, relativeX, relativeY, **kw):
            self.destinations.add(key)
            left, top = self.absolutePosition(relativeX, relativeY)
            self.bookmarkHorizontalAbsolute(key, top, left=left, **kw)
            xyz = self._bookmarkReference(key).fmt
            self.moves_with(lambda dy: setattr(xyz, "top", top - dy))

        def _addAnnotation(self, annotation, name=None, addtopage=1):
            super()._addAnnotation(annotation, name, addtopage)
            if addtopage:
                self.moves_with(lambda dy: _lower_rect(annotation, dy))

        # --- vertical justification, as a page is painted (BriefTemplate._justify) ---
        def begin_segment(self) -> int:
            """A break in the main column: what is drawn from here on moves down with it when the page
            is justified. The segment's number on this page (0: the page's start)."""
            self._segments.append((len(self._code), []))
            return len(self._segments) - 1

        def moves_with(self, shift) -> None:
            """``shift(dy)``: what was just placed at a position of the page itself (a destination, a
            link's rectangle, a figure's bounding box) moves down ``dy`` points with its segment."""
            self._segments[-1][1].append(shift)

        def justify(self, offsets: list[float]) -> None:
            """This page's segments moved down, each by its offset (points, one for each segment so far);
            what is drawn after this (the pull quotes set at the page's end) stands where it is drawn."""
            before = 0.0
            for (start, shifts), off in zip(self._segments, offsets):
                for shift in shifts:
                    shift(off)
                if off != before:
                    self._moves.append((start, off - before))
                before = off
            self._moves.append((len(self._code), None))  # back to where the page began (showPage)
            self._segments.append((len(self._code), []))

        def showPage(self):
            """A translation before each moved segment's first code (it has its sequences by now), none
            before a segment that draws nothing; and where the page was justified (after its last segment),
            the translation back, always, so the page ends with none in force: what is drawn after (a pull
            quote, or a tool appending to the page) stands where it is drawn."""
            code, net = self._code, 0.0
            for at, dy in self._moves:
                if dy is None:
                    dy = -net
                    if not dy:
                        continue
                elif not any(c.strip() not in ("", "EMC") for c in code[at:]):
                    continue
                move = "1 0 0 1 0 %s cm" % fp_str(-dy)
                if at < len(code):
                    code[at] = "%s\n%s" % (move, code[at])
                else:
                    code.append(move)
                net += dy
            self._segments, self._moves = [(0, [])], []
            super().showPage()

        def drawRightStringOfTotal(self, x: float, y: float, text) -> None:
            """Draw ``text(total_pages)`` right-aligned at ``x`` once the page count is known.

            A placeholder (a PDF comment, so it paints nothing) stands in the page's content
            until ``save``; the current font is used. Page streams stay Python strings until
            the document is written (pdfdoc.PDFPage.check_format), so the placeholder is
            replaced in the page's stream by the finished text object."""
            token = f"{DEFERRED}{len(self._deferred)}"
            self._deferred.append((token, x, y, self._fontname, self._fontsize, text))
            self._code.append(token + "\n")

        def save(self):
            if len(self._code):  # as Canvas.save does, but the last page must exist to count it
                self.showPage()
            total = len(self._doc.Pages.pages)
            made = {}
            for token, x, y, font, size, text in self._deferred:
                s = text(total)
                t = PDFTextObject(self, x - stringWidth(s, font, size), y)
                t.setFont(font, size)
                t.textOut(s)
                made[token] = t.getCode()
            if made:
                for page in self._doc.Pages.pages:
                    if DEFERRED in page.stream:
                        page.stream = _resolve(page.stream, made)
            super().save()

    return BriefCanvas


def _lower_rect(annotation, dy: float) -> None:
    """A link annotation's rectangle (canvas.linkURL's dictionary or linkRect's LinkAnnotation) ``dy`` lower."""
    if isinstance(annotation, PDFDictionary):
        x0, y0, x1, y1 = annotation["Rect"].sequence
        annotation["Rect"] = PDFArray([x0, y0 - dy, x1, y1 - dy])
    else:
        x0, y0, x1, y1 = annotation.Rect
        annotation.Rect = (x0, y0 - dy, x1, y1 - dy)


def _resolve(stream: str, made: dict[str, str]) -> str:
    return re.sub(re.escape(DEFERRED) + r"\d+\n", lambda m: made[m.group(0)[:-1]] + "\n", stream)


class TooLarge(LayoutError):
    """A flowable that no page can hold (``flowable``: what it is, for the located message)."""

    def __init__(self, flowable):
        super().__init__(f"{flowable.__class__.__name__} does not fit on a page")
        self.flowable = flowable


class BriefTemplate(BaseDocTemplate):
    def __init__(self, target, *, geo: Geometry, side: SideColumn, furniture: Furniture,
                 float_min_gap: float, float_max_sections: int, outline: list, justify=None,
                 page_lines: dict | None = None, measure_only: bool = False, **kw):
        self.geo, self.side, self.furniture = geo, side, furniture
        self.outline = outline
        self.float_min_gap = float_min_gap
        self.float_max_sections = float_max_sections
        self._waiting: list[Flowable] = []
        self.gaps: dict[int, float] = {}
        self._waited = 0  # section boundaries the first waiting figure has been held past
        self._tries = (None, 0, 0)  # (flowable, page, times handled): a flowable that never fits ends the layout
        # vertical justification, as each page is painted: (its breaks (call, kind), where its main column
        # ends) -> call -> extra points before that break (pdf.flush_bottom); None: a layout that only measures
        self.justify = justify
        self._page_breaks: list[tuple[int, float, str, int]] = []  # (call, y, kind, segment) on the page under way
        self._story: list = []  # the flowables still to set (none: the page ending is the last)
        self.page_lines = page_lines or {}  # page -> its lines of text, where a layout before found it short (hyphens)
        self._last = None  # the flowable handled before
        self.ends: dict[int, float] = {}  # page -> y where its main column ended
        self.calls = 0  # flowables handled (a break is known by its call)
        self.measure_only = measure_only  # a layout only measured: not painted, not written (painting.measuring)
        self._doSave = not measure_only  # (reportlab's)
        super().__init__(target, pagesize=(geo.width, geo.height), leftMargin=geo.left,
                         rightMargin=geo.right, topMargin=geo.top, bottomMargin=geo.bottom, **kw)
        def frame(first: bool) -> Frame:
            top = geo.frame_top(first)
            return Frame(geo.left, geo.bottom, geo.main_width, top - geo.bottom, id="main" + ("1" if first else ""),
                         leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate("first", [frame(True)], onPage=self._furnish, onPageEnd=self._finish, autoNextPageTemplate="later"),
            PageTemplate("later", [frame(False)], onPage=self._furnish, onPageEnd=self._finish),
        ])

    def _makeCanvas(self, *a, **kw):
        canv = super()._makeCanvas(*a, **kw)
        canv._measuring = self.measure_only
        return canv

    # --- page furniture -------------------------------------------------------------
    def _furnish(self, canv: Canvas, doc) -> None:
        """Running header (pages 2+) and footer: artifacts, which assistive technology skips. A layout
        that only measures sets neither (they stand outside the columns, and its pages are thrown away)."""
        if self.measure_only:
            self.side.flush(canv)
            return
        g, f = self.geo, self.furniture
        page = canv.getPageNumber()
        canv.saveState()
        if page > 1:
            with artifact(canv, "Pagination", "Header"):
                h = f.header
                y = g.height - h["baseline_mm"] * mm
                canv.setFont(h["fontName"], h["size"])
                canv.setFillColor(h["colour"])
                font = (h["fontName"], h["size"])
                room = g.width - g.left - g.right - h["size"] * 2  # two ems between the two
                # both whole when they fit; else the right one keeps what the left leaves, at least 45%
                left_w = stringWidth(f.header_left, *font)
                right = fit_line(f.header_right, *font, max(room - left_w, room * 0.45))
                canv.drawString(g.left, y, fit_line(f.header_left, *font, room - stringWidth(right, *font)))
                canv.drawRightString(g.width - g.right, y, right)
                canv.setStrokeColor(h["rule_colour"])
                canv.setLineWidth(h["rule_width"])
                canv.line(g.left, y - h["rule_gap"], g.width - g.right, y - h["rule_gap"])
        with artifact(canv, "Pagination", "Footer"):
            ft = f.footer
            y = ft["baseline_mm"] * mm
            canv.setFont(ft["fontName"], ft["size"])
            canv.setFillColor(ft["colour"])
            label = f.page_label
            widest = stringWidth(label.format(page=9999, pages=9999), ft["fontName"], ft["size"])
            room = g.width - g.left - g.right - widest - ft["size"] * 2
            canv.drawString(g.left, y, fit_line(f.footer_left, ft["fontName"], ft["size"], room))
            canv.drawRightStringOfTotal(g.width - g.right, y, lambda total: label.format(page=page, pages=total))
        canv.restoreState()
        self.side.flush(canv)

    def _finish(self, canv: Canvas, doc) -> None:
        """At the end of a page: how much of its main column stayed empty (``gaps``: share of the
        frame's height, by page); its blocks moved down to the foot (``justify``); its pull quotes,
        once everything else on it is set."""
        frame = getattr(self, "frame", None)
        if frame is not None and frame._y2 > frame._y1:
            self.gaps[canv.getPageNumber()] = max(frame._y - frame._y1p, 0.0) / (frame._y2 - frame._y1)
            self.ends[canv.getPageNumber()] = frame._y
        breaks, self._page_breaks = self._page_breaks, []
        if self.justify is not None and breaks and self._story and frame is not None:
            self._justify(canv, breaks, frame._y)
        self.side.settle(canv)

    def _justify(self, canv: Canvas, breaks: list, end: float) -> None:
        """Vertical justification of a page before the last, as it is painted: the breaks inside its main
        column (something of the page set after them), one per place, get the extra space ``justify``
        gives them; each segment of the page (what was drawn after a break) moves down by what the
        breaks above it got, with the side notes set beside it. A layout of its own would set the same
        pages, the blocks lower: the layout just made is the one painted. Not when a side note would
        then reach past the foot (it stays as laid out)."""
        seen: set[float] = set()
        chosen = []
        for call, y, kind, segment in breaks:
            if y - end > 0.5 and round(y, 2) not in seen:
                seen.add(round(y, 2))
                chosen.append((call, kind, segment))
        extra = self.justify([(call, kind) for call, kind, _ in chosen], end)
        if not extra:
            return
        given = {segment: extra.get(call, 0.0) for call, _, segment in chosen}
        offsets, down = [], 0.0
        for segment in range(len(canv._segments)):
            down += given.get(segment, 0.0)
            offsets.append(down)
        if self.side.justify(offsets):
            canv.justify(offsets)

    def _endBuild(self):
        # the outline is written once the layout is done, in reading order (see story.outline)
        canv = self.canv
        level = -1
        for title, key, lvl in self.outline:
            if key in canv.destinations and lvl <= level + 1:
                canv.addOutlineEntry(title, key, level=lvl, closed=False)
                level = lvl
        super()._endBuild()

    # --- floats ---------------------------------------------------------------------
    def _room(self, frame, f) -> float:
        return frame._y - frame._y1p - f.getSpaceBefore()

    def _release(self, flowables) -> None:
        """Put the waiting figures in front of the story (an empty spacer after them keeps
        their space after from merging with a heading's space before)."""
        flowables[0:0], self._waiting = self._waiting + [Spacer(0, 0)], []
        self._waited = 0

    MAX_TRIES = 40  # times one flowable may be handled on one page before it is judged too large

    def handle_flowable(self, flowables):
        frame = getattr(self, "frame", None)
        f = flowables[0]
        self._story = flowables
        call, self.calls = self.calls, self.calls + 1
        kind = self._break_kind(f)
        self._last = f
        if frame is not None and not frame._atTop and kind and self.justify is not None and not self.canv.state_stack:
            segment = self.canv.begin_segment()
            self.side.begin_segment(self.page, segment)
            self._page_breaks.append((call, frame._y, kind, segment))
        if not isinstance(f, (Spacer,)) and f.__class__.__name__ not in ("NullActionFlowable", "_FrameBreak"):
            last, page, n = self._tries
            n = n + 1 if (last is f and page == self.page) else 1
            self._tries = (f, self.page, n)
            if n > self.MAX_TRIES:  # reportlab would turn pages (or frames) for ever: say what does not fit
                raise TooLarge(f)
        if self._waiting and isinstance(f, FloatBarrier):
            self._release(flowables)
        elif self._waiting and isinstance(f, SectionBreak) and frame is not None:
            first = self._waiting[0]
            _, h = first.wrap(frame._getAvailableWidth(), self._room(frame, first))
            fits = frame._atTop or h <= self._room(frame, first)
            if (fits or not self._section_starts_here(flowables, frame) or self._waited >= self.float_max_sections
                    or not self._text_follows(flowables[1:], self._room(frame, first))):
                # here; or, when the next section cannot begin on this page either, at the
                # top of the next one, right before its heading
                self._release(flowables)
            else:
                self._waited += 1
        elif self._waiting and getattr(f, "follows_floats", False):
            self._waiting.append(flowables.pop(0))  # a table after waiting figures waits with them: reading order kept
            return
        elif isinstance(f, WithAside) and f.is_float and frame is not None and not frame._atTop:
            if self._waiting:  # figures keep their order: one waits, the ones after it wait too
                self._waiting.append(flowables.pop(0))
                return
            room = self._room(frame, f)
            _, h = f.wrap(frame._getAvailableWidth(), room)
            if h > room and room > self.float_min_gap and self._text_follows(flowables[1:], room):
                self._waiting.append(flowables.pop(0))
                return
        try:
            super().handle_flowable(flowables)
        except TooLarge:
            raise
        except LayoutError as exc:  # reportlab's own "too large": keep what did not fit, to locate it
            raise TooLarge(f) from exc

    def _break_kind(self, f) -> str:
        """"block": before a section or a figure; "paragraph": between two paragraphs of text
        (not between a heading and its text); "": no place to give space."""
        if isinstance(f, SectionBreak) or getattr(f, "is_float", False):
            return "block"

        def paragraph(x) -> bool:
            return isinstance(untagged(getattr(x, "main", None)), BodyParagraph)

        return "paragraph" if paragraph(f) and self._last is not None and paragraph(self._last) else ""

    def _section_starts_here(self, flowables, frame) -> bool:
        """Would the section at ``flowables[0]`` (a SectionBreak) begin on this page: its
        heading and first lines fit (the same tests as SectionBreak and KeepWithText)?"""
        room = frame._y - frame._y1p
        if room < flowables[0].height:
            return False
        nxt = flowables[1] if len(flowables) > 1 else None
        if isinstance(nxt, KeepWithText):
            parts = nxt.split(frame._getAvailableWidth(), room - nxt.getSpaceBefore())
            return not parts or not isinstance(parts[0], type(FrameBreak))
        return True

    def _text_follows(self, rest, room: float) -> bool:
        """True when text comes before the next barrier: the figure can wait for it, because
        a waiting figure is placed at the latest at that barrier."""
        width = self.geo.main_width
        for f in rest:
            if isinstance(f, FloatBarrier):
                return False
            if getattr(f, "is_float", False) or getattr(f, "follows_floats", False):
                continue  # it will wait as well
            if f.wrap(width, 10_000)[1] > 0:
                return True
        return False
