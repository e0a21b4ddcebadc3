"""A planned table slice -> a native PowerPoint table (a graphicFrame), in the template's table style.

The table takes the style the template names as its default (``ppt/tableStyles.xml``, ``def``), else
PowerPoint's built-in "Medium Style 2 - Accent 1", which takes the template's colours; its first row
is marked the header row (``firstRow``), its rows banded. The writer sets only what the plan measured
(column widths, type size and the typeface it measured with, the template's body face; alignment:
numbers right) and the language; the look is the template's.
"""
from __future__ import annotations

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu, Pt

from .package import A
from .plan.types import TableSlice
from .runs import add_run, plain

BUILT_IN_STYLE = "{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"  # Medium Style 2 - Accent 1: every PowerPoint knows it


def template_table_style(prs) -> str:
    """The id of the table style the template makes its default, when it defines one."""
    try:
        part = prs.part.part_related_by(RT.TABLE_STYLES)
    except KeyError:
        return BUILT_IN_STYLE
    try:
        root = etree.fromstring(part.blob)
    except etree.XMLSyntaxError:
        return BUILT_IN_STYLE
    default = root.get("def")
    ids = {s.get("styleId") for s in root.findall(f"{{{A}}}tblStyle")}
    return default if default and (default in ids or default == BUILT_IN_STYLE) else BUILT_IN_STYLE


def add_table(slide, piece: TableSlice, style_id: str, lang: str, typeface: str = ""):
    """The slice as a graphicFrame at its planned box: the headings' row first, marked as the header.
    ``typeface``: the face the plan measured, as the writer names it (a theme font's reference, +mn-lt)."""
    b = piece.box
    rows, cols = 1 + len(piece.rows), len(piece.headings)
    emu = lambda v: Emu(int(round(v * 914400)))  # noqa: E731
    frame = slide.shapes.add_table(rows, cols, emu(b.left), emu(b.top), emu(sum(piece.widths)), emu(sum(piece.heights)))
    frame.name = piece.name
    frame._element.nvGraphicFramePr.cNvPr.set("descr", f"{piece.name}. {piece.caption}" if piece.caption else piece.name)
    table = frame.table
    tbl_pr = table._tbl.tblPr
    tbl_pr.set("firstRow", "1")
    tbl_pr.set("bandRow", "1")
    style = tbl_pr.find(f"{{{A}}}tableStyleId")
    if style is None:
        style = etree.SubElement(tbl_pr, f"{{{A}}}tableStyleId")
    style.text = style_id
    for j, w in enumerate(piece.widths):
        table.columns[j].width = emu(w)
    for i, h in enumerate(piece.heights):
        table.rows[i].height = emu(h)
    last = len(piece.rows)
    # set in the typeface the plan measured: the template's body face (a table style's own text font
    # differs between PowerPoint and LibreOffice, and would break words the plan kept whole)
    face = typeface
    size = Pt(piece.size).centipoints
    for i, row in enumerate((piece.headings,) + piece.rows):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            bold = i == 0 or (piece.total and i == last)  # the header as the style sets it; the total as a total
            if _plain_cell(cell._tc, text, "r" if piece.aligns[j] == "right" else "l", size, face, bold, lang, "b" if i == 0 else "t"):
                continue
            p = cell.text_frame.paragraphs[0]
            p.alignment = None
            p._p.get_or_add_pPr().set("algn", "r" if piece.aligns[j] == "right" else "l")
            run = p.add_run()
            run.text = text
            run.font.size = Pt(piece.size)
            if face:
                run.font.name = face
            if bold:
                run.font.bold = True
            run._r.get_or_add_rPr().set("lang", lang)
            p._p.get_or_add_endParaRPr().set("lang", lang)
            cell.vertical_anchor = None
            cell._tc.get_or_add_tcPr().set("anchor", "b" if i == 0 else "t")
    return frame


_P, _PPR, _END = (f"{{{A}}}{t}" for t in ("p", "pPr", "endParaRPr"))


def _plain_cell(tc, text: str, algn: str, size: int, face: str, bold: bool, lang: str, anchor: str) -> bool:
    """A new cell's one paragraph and run, made as ``add_table``'s python-pptx calls make them (its
    per-attribute machinery was most of a table's time). False, with nothing changed, for a cell whose
    paragraph is not python-pptx's empty one, or a text or size python-pptx would escape or refuse."""
    body = tc.find(f"{{{A}}}txBody")
    p = body.find(_P) if body is not None else None
    if p is None or len(p) or p.attrib or not plain(text, size):
        return False
    etree.SubElement(p, _PPR).set("algn", algn)
    add_run(p, text, size, lang=lang, bold=bold, typeface=face)
    etree.SubElement(p, _END).set("lang", lang)
    tc_pr = tc.get_or_add_tcPr()
    tc_pr.attrib.pop("anchor", None)  # vertical_anchor = None, then the anchor: last among its attributes
    tc_pr.set("anchor", anchor)
    return True
