"""The placeholders python-pptx clones onto each new slide and notes slide, made once per layout (notes
master) and copied for the next slides.

python-pptx gives a new slide its layout's placeholders (``SlideShapes.clone_layout_placeholders``)
and a new notes slide its notes master's (``NotesSlide.clone_master_placeholders``): each one parsed
from text, its ``p:ph`` set attribute by attribute, its id and name found by XPath over the slide --
a third of writing the default deck's slides and notes, the same work again for each of them. What
it adds depends only on the layout's (notes master's) XML and on the new slide's, the same on every
slide. ``install`` has both methods run python-pptx's own code the first time for a pair of them
(their bytes are the key), keep the elements it added where it added them, and copy those in the
next times. A new notes slide's own element (``CT_NotesSlide.new``, read from a file of
python-pptx's each time) is copied from the first one python-pptx made.

Guarded as ``xpaths.py`` is: installed only on the python-pptx code it was written for
(``pptx_code.written_for``: a digest of the modules the cloning runs in); otherwise python-pptx's
methods stay. A recording is kept only if copying it onto a copy of the slide as it was before
gives the bytes python-pptx's own result has; else that pair is always cloned by python-pptx. ``tests/test_pptx_clones.py``
compares every slide and notes slide of real decks with python-pptx's own, foreign templates too.
"""
from __future__ import annotations

import copy
from typing import Callable, Optional

from lxml import etree

from . import pptx_code

_KEPT = 64  # recordings kept (a deck uses a few layouts and one notes master)


def install() -> bool:
    """Replay clones on python-pptx's slide and notes slide classes, and make a new notes slide's
    element by copying the first one python-pptx made (it reads it from a file each time), once a
    process; False (and nothing changed) if python-pptx is not the code this was written for."""
    from pptx.oxml.slide import CT_NotesSlide
    from pptx.shapes.shapetree import SlideShapes
    from pptx.slide import NotesSlide

    slide_own = SlideShapes.__dict__.get("clone_layout_placeholders")
    notes_own = NotesSlide.__dict__.get("clone_master_placeholders")
    blank_own = getattr(CT_NotesSlide.__dict__.get("new"), "__func__", None)
    if all(getattr(f, "_briefdeck", False) for f in (slide_own, notes_own, blank_own)):
        return True
    if getattr(slide_own, "__qualname__", "") != "SlideShapes.clone_layout_placeholders" \
            or getattr(notes_own, "__qualname__", "") != "NotesSlide.clone_master_placeholders" \
            or getattr(blank_own, "__qualname__", "") != "CT_NotesSlide.new" or not pptx_code.written_for():
        return False
    memo: dict = {}
    blank: list = []

    def clone_layout_placeholders(self, slide_layout) -> None:
        if self._cached_max_shape_id is not None:  # python-pptx's "turbo" ids: state outside the XML
            return slide_own(self, slide_layout)
        _replay(memo, lambda: slide_own(self, slide_layout), slide_layout.element, self._spTree)

    def clone_master_placeholders(self, notes_master) -> None:
        shapes = self.shapes
        if shapes._cached_max_shape_id is not None:
            return notes_own(self, notes_master)
        _replay(memo, lambda: notes_own(self, notes_master), notes_master.element, shapes._spTree)

    def new(cls):
        if cls is not CT_NotesSlide:
            return blank_own(cls)
        if not blank:  # python-pptx's, parsed from its template file once; only copies are handed out
            blank.append(blank_own(cls))
        return copy.deepcopy(blank[0])

    for made, own in ((clone_layout_placeholders, slide_own), (clone_master_placeholders, notes_own), (new, blank_own)):
        made.__doc__, made.__qualname__ = own.__doc__, own.__qualname__
        made._briefdeck, made._original, made._memo = True, own, memo
    SlideShapes.clone_layout_placeholders = clone_layout_placeholders
    NotesSlide.clone_master_placeholders = clone_master_placeholders
    CT_NotesSlide.new = classmethod(new)
    return True


def _replay(memo: dict, clone: Callable[[], None], source, sp_tree) -> None:
    """Add to ``sp_tree`` what ``clone`` (python-pptx's) adds there, taken from ``source``'s clone recorded
    for this source and slide, or recorded now."""
    root = sp_tree.getroottree().getroot()
    key = etree.tostring(source) + b"\0" + etree.tostring(root)
    if key in memo:
        recorded = memo[key]
        if recorded is None:
            return clone()
        for i, el in recorded:
            sp_tree.insert(i, copy.deepcopy(el))
        return None
    if len(memo) >= _KEPT:
        memo.clear()
    memo[key] = _record(clone, root, sp_tree)
    return None


def _record(clone: Callable[[], None], root, sp_tree) -> Optional[list]:
    """Run ``clone``; the elements it added to ``sp_tree`` with their positions, or None if it did more
    than add them (copying them onto a copy of the slide before does not give the same bytes)."""
    path = _path(root, sp_tree)
    before = copy.deepcopy(root)
    kept = list(sp_tree)
    clone()
    after = list(sp_tree)
    added = [(i, copy.deepcopy(el)) for i, el in enumerate(after) if not any(el is k for k in kept)]
    stayed = [el for el in after if any(el is k for k in kept)]
    if len(stayed) != len(kept) or any(a is not b for a, b in zip(stayed, kept)):
        return None  # it moved or removed something
    target = before
    for i in path:
        target = target[i]
    for i, el in added:
        target.insert(i, copy.deepcopy(el))
    return added if etree.tostring(before) == etree.tostring(root) else None


def _path(root, el) -> list[int]:
    """The child indexes from ``root`` down to ``el``."""
    steps = []
    while el is not root:
        parent = el.getparent()
        steps.append(parent.index(el))
        el = parent
    return steps[::-1]
