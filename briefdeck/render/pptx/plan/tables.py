"""A table's slides: a native table in the chart's area, its rows over as many slides as the area's
height and the slide's word budget need, the headings repeated on each and "(continued)" in the
title after the first; when no size sets it in the area, the whole table in the notes."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional

from ....model import Span
from ....present.outline import TablePart
from ..fit import Box
from .condense import clause_cuts
from .context import PlanContext
from .fitting import continued
from .types import PlanPara, SlidePlan, TableSlice, TextBlock, count_words


class _Setting:
    """A table measured at one type size in one box: column widths and row heights, in inches."""

    def __init__(self, ctx: PlanContext, tp: TablePart, size: float, box: Box, conf: dict):
        self.ctx, self.tp, self.size, self.box = ctx, tp, size, box
        mg = conf["cell_margin_in"]
        self.pad_w, self.pad_h = mg["left"] + mg["right"], mg["top"] + mg["bottom"]
        self.widths = self._widths(int(conf["heading_lines"]))
        if self.widths is not None:
            self.head_h = self._height(tp.headings, True)
            self.heights = [self._height(r, tp.total is not None and i == len(tp.body) - 1) for i, r in enumerate(tp.body)]

    def _w(self, text: str, bold: bool) -> float:
        """Inches, with the measurer's width safety (renderers round glyph positions)."""
        m = self.ctx.m
        return m.width_pt(text, self.size, bold, False, self.box.face) / 72 / getattr(m, "width_safety", 1.0)

    def _widths(self, lines: int) -> Optional[tuple[float, ...]]:
        """Each column as wide as its widest cell and its heading on at most ``lines`` lines, stretched to
        the box; past it only text columns wrap (never a number). None when even that is too wide."""
        tp, want, least, flat = self.tp, [], [], []
        for i, heading in enumerate(tp.headings):
            cells = [self._w(r[i], tp.total is not None and k == len(tp.body) - 1) for k, r in enumerate(tp.body)]
            head_words = [self._w(w, True) for w in heading.split(" ")]
            words = head_words + [self._w(w, False) for r in tp.body for w in r[i].split(" ")]
            widest = max(cells + [0.0])
            want.append(max(widest, max(words + [0.0]), self._w(heading, True) / lines) + self.pad_w)
            flat.append(max(widest, self._w(heading, True)) + self.pad_w)  # the heading on one line
            # the narrowest a column may be: a number whole, no word broken (its heading's words too)
            least.append(max(widest if tp.aligns[i] == "right" else 0.0, max(words + [0.0])) + self.pad_w)
        room = self.box.width
        if sum(want) <= room:  # room to spare: headings on one line where all of them fit so
            base = flat if sum(flat) <= room else want
            return tuple(w * room / sum(base) for w in base)
        if sum(least) > room:  # the numbers and the longest words do not fit side by side at this size
            return None
        # short of room: every column gives up the same share of what it would like beyond its least
        # (headings then take more lines: the heights are measured at the widths chosen)
        k = (room - sum(least)) / (sum(want) - sum(least))
        return tuple(lo + (w - lo) * k for lo, w in zip(least, want))

    def _height(self, row, bold: bool) -> float:
        m = self.ctx.m
        lines = max(m.count_lines([(c, bold)], self.size, max(w - self.pad_w, 0.01) * 72, self.box.face)
                    for c, w in zip(row, self.widths))
        return lines * m.line_height_pt(self.size) / 72 + self.pad_h

    def chunks(self, room_words: int, min_rows: int) -> Optional[list[list[int]]]:
        """The rows' indices slide by slide, or None when a row cannot stand under the headings."""
        height = self.box.height * self.ctx.safety - self.head_h
        words = room_words - count_words(" ".join(self.tp.headings))
        out: list[list[int]] = [[]]
        used_h = used_w = 0.0
        for i, (row, h) in enumerate(zip(self.tp.body, self.heights)):
            w = count_words(" ".join(row))
            if out[-1] and (used_h + h > height or used_w + w > words):
                out.append([])
                used_h = used_w = 0.0
            if h > height:
                return None
            out[-1].append(i)
            used_h += h
            used_w += w
        if len(out) > 1 and len(out[-1]) < min_rows:  # no slide of a lone row (or a lone total)
            move = min(min_rows - len(out[-1]), len(out[-2]) - min_rows)
            if move > 0:
                out[-1][0:0], out[-2] = out[-2][-move:], out[-2][:-move]
        return out


def table_slides(ctx: PlanContext, tp: TablePart, section_id: Optional[str],
                 source_below: Callable[[PlanContext, list[PlanPara]], tuple[Box, Box, float]]) -> list[SlidePlan]:
    conf = ctx.table
    table = tp.table
    caption = tp.caption.plain
    sec = next((s for s in ctx.doc.sections if s.id == section_id), None)
    own = table.title  # the slides' short title, else the caption (the full caption opens the notes either way)

    def heading(c: PlanContext, i: int, n: int) -> tuple[str, float, Optional[float]]:
        """The i-th of n slides' title: the fullest that fits with "(continued)", else the section's; a
        continuation, else "Table 1 (continued)" (the section's title goes on its own slides' continuations)."""
        def cont(titles: list[str]) -> list[str]:
            return [continued(t, i, n, ctx.deck_words) for t in titles]

        first = cont([own] + clause_cuts(own, ctx.words) if own else [caption] + clause_cuts(caption, ctx.words))
        fallback = cont([tp.label]) if i else ([sec.title] if sec else [])
        hit = c.fit_title(first, "chart", c.sizes["title"]) or (c.fit_title(fallback, "chart", c.sizes["title"]) if fallback else None)
        return hit if hit is not None else c.title(min(first, key=len), "chart", c.sizes["title"], table.loc)

    title, tsize, theight = heading(PlanContext.quiet(ctx), 0, 1)  # for the word budget; each slide's is set below
    src = tp.labelled_source
    para = [PlanPara((Span(src),), bullet=False)]
    blocks: tuple = ()
    source_box = None
    area = ctx.box("chart", "chart") or ctx.box("chart", "body")
    size = ctx.largest_fit(para, ctx.source_sizes, ctx.box("chart", "source")) if ctx.box("chart", "source") else None
    if size is not None:
        blocks = (("source", TextBlock(tuple(para), size)),)
    elif area is not None:
        area, source_box, size = source_below(ctx, para)
        blocks = (("source_below", TextBlock(tuple(para), size)),)
    notes_head = [f"{tp.label}. {caption}"]
    notes_tail = ([tp.note.plain] if tp.note else []) + [src + (f" {table.provenance.url}" if table.provenance.url else "")]
    room = ctx.room(title, count_words(src) + 2)  # "(continued)" or "(2 of 3)"
    best = None
    for s in conf["sizes"]:
        setting = _Setting(ctx, tp, s, area, conf) if area is not None else None
        parts = setting.chunks(room, int(conf["min_rows"])) if setting is not None and setting.widths is not None else None
        if parts is not None and (best is None or len(parts) < len(best[1])):
            best = (setting, parts)
    if best is None:  # no size sets it in the area: the whole table in the notes, said on the slide
        ctx.warn(f"{tp.label} does not fit a slide's table area even at {conf['sizes'][-1]} pt: the slide says so and its "
                 f"notes hold the table — show fewer columns or shorter headings", table.loc, "deck.table_fit")
        title, tsize, theight = heading(ctx, 0, 1)
        body = PlanPara((Span(ctx.word("table_in_notes", table=tp.label)),), bullet=False)
        fit = ctx.largest_fit([body], ctx.sizes["body"], ctx.box("content", "body")) or ctx.sizes["body"][-1]
        return [SlidePlan(role="content", kind="table", title=title, title_size=tsize, title_height=theight,
                          blocks=(("body", TextBlock((body,), fit)),), notes="\n\n".join(notes_head + [tp.plain()] + notes_tail),
                          section_id=section_id, footer=ctx.footer, loc=table.loc, problems=ctx.take(), tag=tp.label)]
    setting, parts = best
    out = []
    for i, rows in enumerate(parts):
        label = continued(tp.label, i, len(parts), ctx.deck_words)
        shown = tuple(tp.body[k] for k in rows)
        heights = (setting.head_h,) + tuple(setting.heights[k] for k in rows)
        box = replace(area, height=min(area.height, sum(heights)))
        piece = TableSlice(tp.headings, shown, tp.aligns, tp.total is not None and rows[-1] == len(tp.body) - 1, setting.size,
                           setting.widths, heights, box, name=tp.label, caption=caption)
        # each slide's notes hold its rows; the first of several the whole table, to read or copy at once
        plain = tp.plain() if i == 0 and len(parts) > 1 else "\n".join("\t".join(r) for r in (tp.headings,) + shown)
        ttext, tsize, theight = heading(ctx, i, len(parts))
        out.append(SlidePlan(role="chart", kind="table", title=ttext, title_size=tsize, title_height=theight, blocks=blocks, notes="\n\n".join(notes_head + [plain] + notes_tail),
                             section_id=section_id, footer=ctx.footer, loc=table.loc, problems=ctx.take(),
                             source_box=source_box, table=piece, tag=label,
                             titles=tuple(t for t in [f"{ttext} ({label})", label] if ctx.fit_title([t], "chart", ctx.title_sizes(ctx.sizes["title"])))))
    return out
