"""Give Noto Sans and Noto Serif the MINUS SIGN (U+2212) their 2.004 release lacks.

Negative numbers are typeset with U+2212 (−8,353), not the shorter, higher hyphen-minus
(-8,353); Carlito has the glyph, the Noto fonts of this folder did not, so a minus in the
brief (charts, facts) would have printed as a missing-glyph box. The added glyph is the plus
sign's horizontal bar: the same width, weight and height on the maths axis, so − and + line
up in a column of figures. Run once (idempotent, byte-stable output):

    python briefdeck/builtin/fonts/add_minus.py

The fonts stay under the SIL Open Font License 1.1 (no Reserved Font Name); OFL.txt says
what changed. The DSIG table, which a change invalidates, is dropped.
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools.pens.recordingPen import RecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
FAMILIES = ("NotoSans", "NotoSerif")
STYLES = ("Regular", "Bold", "Italic", "BoldItalic")
MINUS = 0x2212


def bar_of_plus(font: TTFont) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the plus sign's horizontal bar: its points at the outline's far left."""
    glyph = font.getBestCmap()[ord("+")]
    pen = RecordingPen()
    font.getGlyphSet()[glyph].draw(pen)
    points = [pt for op, args in pen.value for pt in args if op in ("moveTo", "lineTo")]
    if not points or any(op not in ("moveTo", "lineTo", "closePath", "endPath") for op, _ in pen.value):
        raise SystemExit(f"{font.reader.file.name}: the plus sign is not a polygon; draw the minus by hand")
    x0, x1 = min(x for x, _ in points), max(x for x, _ in points)
    ys = sorted({y for x, y in points if x == x0})
    if len(ys) != 2:
        raise SystemExit(f"{font.reader.file.name}: cannot find the plus sign's bar")
    return x0, ys[0], x1, ys[1]


def add_minus(path: Path) -> bool:
    font = TTFont(path, recalcTimestamp=False)
    if MINUS in font.getBestCmap():
        return False
    x0, y0, x1, y1 = bar_of_plus(font)
    pen = TTGlyphPen(None)
    pen.moveTo((x0, y0))
    pen.lineTo((x0, y1))
    pen.lineTo((x1, y1))
    pen.lineTo((x1, y0))
    pen.closePath()
    name = "minus" if "minus" not in font.getGlyphOrder() else "uni2212"
    glyph = pen.glyph()
    font["glyf"][name] = glyph  # appends the name to the glyph order
    plus = font.getBestCmap()[ord("+")]
    font["hmtx"][name] = (font["hmtx"][plus][0], x0)
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap[MINUS] = name
    font["maxp"].numGlyphs = len(font.getGlyphOrder())
    if "DSIG" in font:
        del font["DSIG"]
    font.save(path)
    return True


def main() -> int:
    for family in FAMILIES:
        for style in STYLES:
            path = HERE / f"{family}-{style}.ttf"
            print(f"{path.name}: {'added U+2212' if add_minus(path) else 'has U+2212 already'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
