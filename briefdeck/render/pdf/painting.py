"""Which layouts of the brief are painted: the brief is laid out up to four times (pdf._render)
and only the layout it keeps is painted and written; the others only measure."""
from __future__ import annotations

from reportlab.platypus import Paragraph


def measuring(canv) -> bool:
    """True on the canvas of a layout that only measures (``BriefTemplate(measure_only=True)``,
    see pdf._render): its pages are thrown away, so its text and charts are not painted. Its
    layout is the same: what the next one is decided on is set by wrapping, splitting and
    placing, never by painting."""
    return getattr(canv, "_measuring", False)


def paint_only_what_is_kept() -> None:
    """Paragraphs are not painted on a canvas that only measures (idempotent; reportlab's
    ``Paragraph.draw``, which every paragraph of the brief ends in)."""
    if getattr(Paragraph, "_briefdeck_measuring", False):
        return
    draw = Paragraph.draw

    def painted(self):
        if not measuring(self.canv):
            draw(self)

    Paragraph.draw = painted
    Paragraph._briefdeck_measuring = True
