"""A plain run of text made as python-pptx makes it, without its per-attribute machinery (its
generic, schema-ordered child insertion was a third of filling a deck's text and most of a
table's). Only what python-pptx writes unchanged: a run whose text it would escape (a control
character, as ``_xHHHH_``) or whose size it would refuse is left to python-pptx (``plain``)."""
from __future__ import annotations

import re
from typing import Optional

from lxml import etree

from .package import A

_R, _RPR, _LATIN, _T = (f"{{{A}}}{tag}" for tag in ("r", "rPr", "latin", "t"))
_CONTROL = re.compile(r"[\x00-\x08\x0B-\x1F]")  # what python-pptx writes as _xHHHH_ in a run's text


def plain(text: str, centipoints: int) -> bool:
    """Whether a run of ``text`` at that size is one python-pptx writes as given."""
    return not _CONTROL.search(text) and 100 <= centipoints <= 400000


def add_run(p_el, text: str, centipoints: int, *, lang: str, bold: bool = False, italic: bool = False,
            typeface: Optional[str] = None) -> etree._Element:
    """A run appended to the paragraph ``p_el`` (its properties in python-pptx's order: size, bold,
    italic, language; the typeface as ``font.name`` sets it), for text that is ``plain``; its rPr."""
    r = etree.SubElement(p_el, _R)
    rpr = etree.SubElement(r, _RPR)
    rpr.set("sz", str(centipoints))
    if typeface:
        etree.SubElement(rpr, _LATIN).set("typeface", typeface)
    if bold:
        rpr.set("b", "1")
    if italic:
        rpr.set("i", "1")
    rpr.set("lang", lang)
    etree.SubElement(r, _T).text = text
    return rpr
