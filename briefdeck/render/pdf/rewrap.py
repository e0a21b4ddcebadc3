"""A paragraph wrapped again at the width it was wrapped at keeps its lines: platypus wraps one
flowable many times in a layout (a trial fit, a split, a figure that measures its caption and
source each time it is measured, a table that wraps every cell for its row heights and again to
draw it, the side column settling its notes), and reportlab breaks the paragraph's lines anew
each time. A multi-font paragraph (a caption, a note, a reference) costs a third to nearly a
millisecond a break; in the default brief about half of all wraps are such repeats.

Only a repeat of the same paragraph object is answered, and only when nothing its lines are made
from changed since: the width, its frags (the very list its last break left, reportlab's word
list for a multi-font paragraph), its style (the same object, every attribute equal), bullet and
``autoLeading``, and the lines themselves still the ones that break made. Its height is the one
that break gave. A split or a draw forgets it (reportlab's split marks the words it cuts at in the
lines and word list it was given; a split that was only tried leaves the paragraph so changed),
so only wraps that follow wraps are answered. A paragraph class with a breaking of its own (``BodyParagraph``: its hyphens
depend on the page it is tried on, see breakmemo.py) is always broken, as is CJK wrapping.

Nothing is kept between paragraphs or layouts (that would be breakmemo's cross-layout job, with
its keys): a paragraph object lives in one layout's story.
"""
from __future__ import annotations

from reportlab.platypus.paragraph import Paragraph

from .painting import paint_only_what_is_kept

_BREAK = Paragraph.breakLines
ORIGINAL: dict = {}  # reportlab's wrap, split and draw as install found them (the tests compare)


def install() -> None:
    """Paragraph.wrap answers a repeat from the paragraph's last wrap; split and draw forget it
    (idempotent)."""
    if getattr(Paragraph, "_briefdeck_rewrap", False):
        return
    paint_only_what_is_kept()  # first: a measuring layout's draw must reach the forgetting draw below
    wrap, split, draw = Paragraph.wrap, Paragraph.split, Paragraph.draw
    ORIGINAL.update(wrap=wrap, split=split, draw=draw)

    def wrapped(self, availWidth, availHeight):
        d = self.__dict__
        last = d.get("_rewrap")
        style = self.style
        if (last is not None and last[0] == availWidth and last[1] is self.frags and last[2] is style
                and last[3] is d.get("blPara") and last[5] is self.bulletText
                and last[6] == getattr(self, "autoLeading", None) and last[4] == style.__dict__):
            self.width = availWidth
            self.height = last[7]
            return availWidth, last[7]
        w, h = wrap(self, availWidth, availHeight)
        if type(self).breakLines is _BREAK and style.wordWrap != "CJK" and w == availWidth:
            d["_rewrap"] = (availWidth, self.frags, style, d.get("blPara"), dict(style.__dict__), self.bulletText,
                            getattr(self, "autoLeading", None), h)
        else:
            d.pop("_rewrap", None)
        return w, h

    def splitting(self, availWidth, availHeight):
        self.__dict__.pop("_rewrap", None)
        return split(self, availWidth, availHeight)

    def drawing(self):
        self.__dict__.pop("_rewrap", None)
        return draw(self)

    Paragraph.wrap, Paragraph.split, Paragraph.draw = wrapped, splitting, drawing
    Paragraph._briefdeck_rewrap = True
