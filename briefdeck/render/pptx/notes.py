"""A slide's speaker notes written as python-pptx writes them (``notes_text_frame.text = text``, then
each run's language), without its shape proxies and generic child insertion: finding the notes
placeholder and setting its text was two thirds of writing a slide's notes. Only text python-pptx
writes unchanged (no control character other than a tab, a line feed or a vertical tab); the rest
is left to python-pptx (``set_notes`` returns False). ``tests/test_pptx_notes.py`` compares the two."""
from __future__ import annotations

import re

from lxml import etree

from .samples import A, P  # (not package.py: writing notes anew from the last deck imports none of python-pptx)

_CONTROL = re.compile(r"[\x00-\x08\x0C-\x1F]")  # escaped as _xHHHH_ by python-pptx (\v is a line break)
_PH = etree.XPath("./*[1]/p:nvPr/p:ph", namespaces={"p": P})  # a shape's placeholder, as python-pptx finds it
_SP, _TXBODY = f"{{{P}}}sp", f"{{{P}}}txBody"
_P, _R, _RPR, _T, _BR = (f"{{{A}}}{tag}" for tag in ("p", "r", "rPr", "t", "br"))


def notes_text(notes: str) -> str:
    """The text a slide's notes in the plan are written as (a blank line between paragraphs is one
    line feed); "" for none."""
    return notes.replace("\n\n", "\n") if notes else ""


def written_by_set_notes(text: str) -> bool:
    """Whether notes of ``text`` are written by ``set_notes`` (for the python-pptx it was written for,
    ``pptx_code``; the rest python-pptx writes, escaping control characters)."""
    from . import pptx_code

    return pptx_code.written_for() and not _CONTROL.search(text)


def set_notes(notes_el, text: str, lang: str) -> bool:
    """The notes placeholder's text on the notes slide ``notes_el``: a paragraph for each line, a
    line break for each vertical tab, each run of language ``lang``. False, and nothing changed,
    where python-pptx would do otherwise than this (a control character to escape, a notes
    placeholder that is not a text shape, none)."""
    if _CONTROL.search(text):
        return False
    body = _notes_body(notes_el)
    if body is None:
        return False
    for p in body.findall(_P):  # as txBody.clear_content
        body.remove(p)
    for line in text.split("\n"):
        p = etree.SubElement(body, _P)
        for i, part in enumerate(line.split("\v")):
            if i:
                etree.SubElement(p, _BR)
            if part:
                r = etree.SubElement(p, _R)
                etree.SubElement(r, _RPR).set("lang", lang)
                etree.SubElement(r, _T).text = part
    return True


def _notes_body(notes_el):
    """The txBody of the notes slide's notes placeholder (``NotesSlide.notes_placeholder``: its first
    placeholder of type body), if it is a ``p:sp`` that has one; else None."""
    tree = notes_el.find(f"{{{P}}}cSld/{{{P}}}spTree")
    if tree is None:
        return None
    for shape in tree:
        found = _PH(shape)
        if found and found[0].get("type") == "body":
            return shape.find(_TXBODY) if shape.tag == _SP else None
    return None
