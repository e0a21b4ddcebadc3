"""Templates saved by LibreOffice: what their masters say that their layouts do not.

LibreOffice writes no master text styles (``p:txStyles``): colour, typeface and alignment live only in
each master placeholder's sample paragraph, which neither PowerPoint nor LibreOffice passes on to new
text (black text on Metropolis's dark blue). It also writes one generic set of layouts per master, with
the same positions and samples whatever the master (Blue Curve's title master centres an orange title
at mid-slide; its layouts put a white title at the top). So for such templates the deck takes positions
and formatting from the master's title and body placeholders, and keeps text readable (WCAG AA) against
the slide's background.
"""
from __future__ import annotations

import copy
from typing import Optional

from lxml import etree


P = "http://schemas.openxmlformats.org/presentationml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
EMU_PER_IN = 914400
_FILLS = ("noFill", "solidFill", "gradFill", "blipFill", "pattFill", "grpFill")
_BEFORE_LATIN = _FILLS + ("ln", "effectLst", "effectDag", "highlight", "uLnTx", "uLn", "uFillTx", "uFill")


def master_keeps_styles(master) -> bool:
    """False for LibreOffice-saved masters (no text styles): then the master's samples are the style."""
    return master._element.find(f"{{{P}}}txStyles") is not None


def master_placeholder(master, kind: str):
    """The master's title ("title") or main text ("body") placeholder element."""
    want = ("title", "ctrTitle") if kind == "title" else ("body", "obj")
    for sp in master.placeholders:
        ph = sp._element.find(f".//{{{P}}}ph")
        if ph is not None and (ph.get("type") or "obj") in want:
            return sp._element
    return None


def _local(el) -> str:
    return etree.QName(el).localname


class SampleStyle:
    """Colour, typeface and alignment of a placeholder's sample paragraph."""

    def __init__(self, fill, typeface: Optional[str], algn: Optional[str]):
        self.fill, self.typeface, self.algn = fill, typeface, algn

    @property
    def rgb(self) -> Optional[str]:
        clr = self.fill.find(f"{{{A}}}srgbClr") if self.fill is not None else None
        return clr.get("val").upper() if clr is not None else None

    @classmethod
    def read(cls, *elements) -> Optional["SampleStyle"]:
        """From the first of ``elements`` (placeholder sp elements, most authoritative first) that says."""
        fill = typeface = algn = None
        for el in elements:
            p = el.find(f"{{{P}}}txBody/{{{A}}}p") if el is not None else None
            if p is None:
                continue
            rpr = p.find(f"{{{A}}}r/{{{A}}}rPr")
            if rpr is None:
                rpr = p.find(f"{{{A}}}endParaRPr")
            ppr = p.find(f"{{{A}}}pPr")
            if rpr is not None:
                if fill is None:
                    fill = rpr.find(f"{{{A}}}solidFill")
                latin = rpr.find(f"{{{A}}}latin")
                if typeface is None and latin is not None:
                    typeface = latin.get("typeface")
            if algn is None and ppr is not None:
                algn = ppr.get("algn")
        if fill is None and typeface is None and algn is None:
            return None
        return cls(fill, typeface, algn)

    def themed(self, theme) -> "SampleStyle":
        """The same look as references to the master's theme where it is the theme's (its major or minor
        font, a scheme colour): a run then follows the theme when someone changes it, as text on a
        PowerPoint template does. ``theme``: ``styles.Theme`` of the master."""
        typeface = self.typeface
        if typeface and not typeface.startswith("+"):
            low = typeface.strip().lower()
            if theme.minor and low == theme.minor.strip().lower():
                typeface = "+mn-lt"
            elif theme.major and low == theme.major.strip().lower():
                typeface = "+mj-lt"
        fill = self.fill
        rgb = self.rgb
        if rgb:
            # the scheme's names as text refers to them (tx1, bg1...) through the master's colour map
            names = {v: k for k, v in theme.clr_map.items() if k in ("tx1", "bg1", "tx2", "bg2")}
            scheme = next((names.get(n, n) for n, v in theme.scheme.items() if v == rgb and n not in ("hlink", "folHlink")), None)
            if scheme is not None:
                fill = etree.fromstring(f'<a:solidFill xmlns:a="{A}"><a:schemeClr val="{scheme}"/></a:solidFill>')
        return SampleStyle(fill, typeface, self.algn)

    def apply(self, rpr) -> None:
        """Colour and typeface on a run that has none of its own (in schema order)."""
        if self.fill is not None and not any(_local(c) in _FILLS for c in rpr):
            rpr.insert(1 if rpr.find(f"{{{A}}}ln") is not None else 0, copy.deepcopy(self.fill))
        if self.typeface and rpr.find(f"{{{A}}}latin") is None:
            before = [c for c in rpr if _local(c) in _BEFORE_LATIN]
            latin = etree.Element(f"{{{A}}}latin")
            latin.set("typeface", self.typeface)
            rpr.insert(rpr.index(before[-1]) + 1 if before else 0, latin)
