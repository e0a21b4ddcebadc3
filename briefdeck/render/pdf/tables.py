"""A table of the reading plan as the brief sets it: a tagged, ruled table in the main column, or
across both columns when its columns need more room (as a wide figure).

Tagged as ``Div``: a ``Table`` (its ``Caption``, a ``TR`` of ``TH`` with ``/Scope /Column``, a ``TR``
of ``TD`` per row, the total row last), then the source line (``P``) and the note (``Note``). When
the table breaks across pages its headings are set again at the top of the next one, as a
pagination artifact: a reader of the structure meets them once.
"""
from __future__ import annotations

import weakref
from typing import Optional

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from ...present.outline import TablePart
from .flowables import Anchor, KeepWithText
from .inline import esc, markup
from .tagging import Decoration, StructElem, Tagged, untagged


class DataTable(Table):
    """A platypus Table whose continuation on the next page repeats the heading row as an artifact
    (the same words drawn again are page furniture, not content read twice)."""

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if len(parts) == 2 and self.repeatRows:
            rest = parts[1]
            for r in range(self.repeatRows):
                rest._cellvalues[r] = [_repeat(c) for c in rest._cellvalues[r]]
        return parts


def _repeat(cell):
    """A cell drawn again on a new page: the same flowables, as page furniture (reportlab keeps a
    cell's flowables in a tuple of its own type)."""
    if isinstance(cell, (list, tuple)):
        return type(cell)(Decoration(untagged(c)) for c in cell)
    return Decoration(untagged(cell)) if isinstance(cell, Flowable) else cell


class WideTable(Flowable):
    """A table wider than the main column, set across both columns as a wide figure is: it starts
    below the side notes already on its page, and claims the side column down to its foot so that
    notes placed after it go below it. Each page's part of a long one does the same."""

    def __init__(self, table: Flowable, side, width: float):
        super().__init__()
        self.table, self.side, self.full = table, side, width

    def _clearance(self) -> float:
        frame, canv, side = getattr(self, "_frame", None), getattr(self, "canv", None), self.side
        if frame is None or canv is None or side.page != canv.getPageNumber():
            return 0.0
        return max(0.0, frame._y - (side.floor - side.gap))

    def wrap(self, aW, aH):
        self._top = self._clearance()
        _, h = self.table.wrap(self.full, max(aH - self._top, 0))
        self.width, self.height = aW, self._top + h
        return aW, self.height

    def split(self, aW, aH):
        top = self._clearance()
        parts = self.table.split(self.full, max(aH - top, 0))
        return [WideTable(p, self.side, self.full) for p in parts]

    def draw(self):
        self.table.drawOn(self.canv, 0, 0)
        self.side.claim(self.canv.getPageNumber(), self.canv.absolutePosition(0, 0)[1])


def _wants(part: TablePart, st) -> float:
    """The width the table would take with every heading on at most ``heading_lines`` lines."""
    return sum(_columns(part, st)[0])


_MEASURED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # styles -> id(part) -> (part, its _columns)


def _columns(part: TablePart, st):
    """``_measured``, once per table and styles: a build lays the brief out two to four times with
    the same styles and reading plan, and each layout asked twice (``_wants``, ``_widths``)."""
    kept = _MEASURED.setdefault(st, {})
    got = kept.get(id(part))
    if got is None or got[0] is not part:
        got = kept[id(part)] = (part, _measured(part, st))
    return got[1]


def _measured(part: TablePart, st):
    """Per column: the width it wants (headings on at most ``heading_lines`` lines), the least it
    takes, and its width with the heading on one line (cells' padding included)."""
    ts = st.get("table")
    pad = 2 * ts["padding"]["sides"]
    cell, head, total = (st.para(f"table.{k}") for k in ("cell", "head", "total"))
    lines = max(1, ts["heading_lines"])
    want, least, flat = [], [], []
    for i, heading in enumerate(part.headings):
        cells = [stringWidth(r[i], cell.fontName, cell.fontSize) for r in part.rows]
        if part.total:
            cells.append(stringWidth(part.total[i], total.fontName, total.fontSize))
        words = [stringWidth(w, head.fontName, head.fontSize) for w in heading.split(" ")] \
            + [stringWidth(w, cell.fontName, cell.fontSize) for r in part.body for w in r[i].split(" ")]
        whole = stringWidth(heading, head.fontName, head.fontSize)
        widest = max(cells + [0.0])
        want.append(max(widest, max(words), whole / lines) + pad)
        flat.append(max(widest, whole) + pad)  # the heading on one line
        least.append((widest if part.aligns[i] == "right" else max(words)) + pad)
    return want, least, flat


def _widths(part: TablePart, st, avail: float) -> list[float]:
    """Column widths filling ``avail``: each column as wide as its widest cell and its heading set on
    at most ``heading_lines`` lines; past the width, only text columns wrap (never a number)."""
    want, least, flat = _columns(part, st)
    if sum(want) <= avail:  # room to spare: headings on one line where all of them fit so
        base = flat if sum(flat) <= avail else want
        return [w * avail / sum(base) for w in base]
    # too wide: numbers keep their width, the text columns share what is left (at least a word each)
    fixed = sum(w for w, a in zip(want, part.aligns) if a == "right")
    flexible = [i for i, a in enumerate(part.aligns) if a != "right"]
    room = max(avail - fixed, sum(least[i] for i in flexible))
    share = sum(want[i] for i in flexible) or 1.0
    out = list(want)
    for i in flexible:
        out[i] = max(least[i], room * want[i] / share)
    scale = avail / sum(out)
    return [w * scale for w in out] if scale < 1 else out


def table_flowables(ctx, part: TablePart, parent: Optional[StructElem], link_colour: str) -> list[Flowable]:
    """The caption kept with the first rows, the table, the source line and the note."""
    st, view = ctx.st, ctx.view
    ts = st.get("table")
    div = parent.add("Div") if parent is not None else None
    tab = div.add("Table") if div is not None else None

    def tag(f: Flowable, elem: Optional[StructElem], role: str, **kw) -> Flowable:
        return Tagged(f, elem.add(role, **kw)) if elem is not None else f

    number = f'<font color="{st.hex(ts["number_colour"])}">{esc(part.label + view.figure_separator)}</font>'
    caption = tag(Paragraph(number + markup(part.caption), st.para("table.caption", spaceBefore=ts["space_before"])), tab, "Caption")
    aligned = {"left": TA_LEFT, "right": TA_RIGHT}
    styles = {k: {a: st.para(f"table.{k}", alignment=aligned[a]) for a in aligned} for k in ("head", "cell", "total")}
    rows: list[list[Flowable]] = []
    head_tr = tab.add("TR") if tab is not None else None
    rows.append([tag(Paragraph(esc(h), styles["head"][a]), head_tr, "TH", attrs=[{"O": "Table", "Scope": "Column"}])
                 for h, a in zip(part.headings, part.aligns)])
    for kind, row in [("cell", r) for r in part.rows] + ([("total", part.total)] if part.total else []):
        tr = tab.add("TR") if tab is not None else None
        rows.append([tag(Paragraph(esc(c), styles[kind][a]), tr, "TD") for c, a in zip(row, part.aligns)])
    # wider than the main column: across both columns, as a wide figure is (never in one column)
    wide = not ctx.geo.single and _wants(part, st) > ctx.geo.main_width
    widths = _widths(part, st, ctx.geo.text_width if wide else ctx.geo.main_width)
    pad = ts["padding"]
    n = len(rows)
    cmds = [
        ("FONT", (0, 0), (-1, -1), styles["cell"]["left"].fontName, styles["cell"]["left"].fontSize),  # else Helvetica is named
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"), ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), pad["top"]), ("BOTTOMPADDING", (0, 0), (-1, -1), pad["bottom"]),
        ("LEFTPADDING", (0, 0), (-1, -1), pad["sides"]), ("RIGHTPADDING", (0, 0), (-1, -1), pad["sides"]),
        ("LEFTPADDING", (0, 0), (0, -1), 0), ("RIGHTPADDING", (-1, 0), (-1, -1), 0),  # flush with the column
        ("LINEABOVE", (0, 0), (-1, 0), ts["top_rule"]["width"], st.colour(ts["top_rule"]["colour"])),
        ("LINEBELOW", (0, 0), (-1, 0), ts["head_rule"]["width"], st.colour(ts["head_rule"]["colour"])),
        ("LINEBELOW", (0, -1), (-1, -1), ts["bottom_rule"]["width"], st.colour(ts["bottom_rule"]["colour"])),
    ]
    if n > 2:
        cmds.append(("LINEBELOW", (0, 1), (-1, n - 2), ts["row_rule"]["width"], st.colour(ts["row_rule"]["colour"])))
    if ts.get("zebra"):
        cmds.append(("ROWBACKGROUNDS", (0, 1), (-1, n - (2 if part.total else 1)), [None, st.colour(ts["zebra"])]))
    if part.total:
        cmds.append(("LINEABOVE", (0, -1), (-1, -1), ts["total_rule"]["width"], st.colour(ts["total_rule"]["colour"])))
    keep = int(ts.get("min_rows", 2))  # a page break leaves at least this many rows on each side (no orphan, no widow)
    grid = DataTable(rows, colWidths=widths, repeatRows=1, hAlign="LEFT", spaceAfter=0, rowSplitRange=(1 + keep, -keep))
    grid.setStyle(TableStyle(cmds))
    placed: Flowable = WideTable(grid, ctx.side, ctx.geo.text_width) if wide else grid
    body: Flowable = Tagged(placed, tab, "group") if tab is not None else placed
    last = {"spaceAfter": ts["space_after"]}
    source = tag(Paragraph(markup(part.source_line, link_colour), st.para("table.source", **({} if part.note else last))), div, "P")
    out: list[Flowable] = [KeepWithText([Anchor(part.anchor), caption], body), source]
    if part.note:
        note = Paragraph(f"<b>{esc(view.term('brief', 'note'))}</b> {markup(part.note, link_colour)}", st.para("table.note", **last))
        out.append(tag(note, div, "Note"))
    for f in out:  # after figures that wait for room, it waits too (pages.BriefTemplate)
        f.follows_floats = True
    return out
