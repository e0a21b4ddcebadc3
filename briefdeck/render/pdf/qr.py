"""A QR code as a vector drawing: the brief's web address (meta.url) on its last page, so a
printed copy leads a phone to the accessible edition. segno (pure Python) makes the symbol;
dark modules are drawn as rectangles, a run of them in a row as one."""
from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Rect


def qr_drawing(url: str, size: float, colour) -> Drawing:
    """``url`` as a QR code ``size`` points square, its quiet zone (4 modules) included."""
    import segno

    code = segno.make(url, error="m", micro=False)
    rows = [list(r) for r in code.matrix]
    border = 4
    n = len(rows) + 2 * border
    m = size / n
    d = Drawing(size, size)
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            d.add(Rect((start + border) * m, size - (y + border + 1) * m, (x - start) * m, m, fillColor=colour,
                       strokeColor=None, strokeWidth=0))
    return d
