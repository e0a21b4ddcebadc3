"""What a template says about its text: typeface, colour, weight and alignment of a placeholder,
resolved the way PowerPoint does (layout placeholder, master placeholder, the master's text styles,
the theme's fonts and colour scheme through the master's colour map). LibreOffice-saved templates
write no text styles and keep these on each master placeholder's sample text (see samples.py).
"""
from __future__ import annotations

import colorsys
import weakref
from typing import Optional

from lxml import etree

from ...dataclass_code import dataclass

_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"  # python-pptx's RT.THEME (not imported: planning needs none of it)

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
TITLE_TYPES = ("title", "ctrTitle")
_COLOUR_TAGS = ("srgbClr", "schemeClr", "sysClr", "prstClr", "scrgbClr", "hslClr")
_PRESET = {"black": "000000", "white": "FFFFFF", "red": "FF0000", "green": "008000", "blue": "0000FF",
           "yellow": "FFFF00", "gray": "808080", "grey": "808080", "darkGray": "A9A9A9", "lightGray": "D3D3D3"}


@dataclass(frozen=True)
class TextStyle:
    face: Optional[str]  # typeface name (theme references resolved)
    rgb: Optional[str]  # "RRGGBB"
    bold: bool
    algn: Optional[str]
    caps: bool = False  # drawn in capitals (cap="all" or "small")


class Theme:
    """A master's theme: colour scheme, fonts, and the master's colour map."""

    def __init__(self, master):
        self.scheme: dict[str, str] = {}
        self.major = self.minor = None
        try:
            root = etree.fromstring(master.part.part_related_by(_THEME).blob)
        except (KeyError, etree.XMLSyntaxError):
            root = None
        if root is not None:
            scheme = root.find(f".//{A}clrScheme")
            for el in (scheme if scheme is not None else []):
                name = etree.QName(el).localname
                clr = el.find(f"{A}srgbClr")
                sys_ = el.find(f"{A}sysClr")
                if clr is not None:
                    self.scheme[name] = clr.get("val").upper()
                elif sys_ is not None:
                    self.scheme[name] = (sys_.get("lastClr") or ("000000" if sys_.get("val") == "windowText" else "FFFFFF")).upper()
            major = root.find(f".//{A}majorFont/{A}latin")
            minor = root.find(f".//{A}minorFont/{A}latin")
            self.major = major.get("typeface") if major is not None else None
            self.minor = minor.get("typeface") if minor is not None else None
        cmap = master._element.find(f"{P}clrMap")
        self.clr_map = dict(cmap.attrib) if cmap is not None else {
            "bg1": "lt1", "tx1": "dk1", "bg2": "lt2", "tx2": "dk2"}

    def face(self, typeface: Optional[str], title: bool) -> Optional[str]:
        if not typeface:
            return None
        if typeface.startswith("+mj"):
            return self.major
        if typeface.startswith("+mn"):
            return self.minor
        return typeface

    def scheme_rgb(self, name: str, clr_map: Optional[dict] = None) -> Optional[str]:
        name = (clr_map or self.clr_map).get(name, name)
        return self.scheme.get(name)


_THEMES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # master part -> Theme, while it is open


def theme_of(master) -> Theme:
    theme = _THEMES.get(master.part)
    if theme is None:
        theme = _THEMES[master.part] = Theme(master)
    return theme


# -- colours -----------------------------------------------------------------------------------------
def _clamp(v: float) -> float:
    return min(1.0, max(0.0, v))


def _linear(c: float) -> float:
    return c ** 2.3  # the gamma LibreOffice's importer uses for tint and shade (oox drawingml color.cxx)


def _gamma(c: float) -> float:
    return _clamp(c) ** (1 / 2.3)


def _apply_mods(rgb: str, el) -> tuple[str, float]:
    """Colour modifiers (lumMod/lumOff, tint, shade, alpha) applied the way Office does."""
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    alpha = 1.0
    for m in el:
        tag = etree.QName(m).localname
        val = int(m.get("val", "0")) / 100000
        if tag in ("lumMod", "lumOff"):
            h, l, s = colorsys.rgb_to_hls(r, g, b)
            l = _clamp(l * val) if tag == "lumMod" else _clamp(l + val)
            r, g, b = colorsys.hls_to_rgb(h, l, s)
        elif tag == "tint":  # in linear light, as PowerPoint and LibreOffice draw it: a 75% tint of black is
            # #8B8B8B, not #404040
            r, g, b = (_gamma(_linear(c) + (1 - _linear(c)) * (1 - val)) for c in (r, g, b))
        elif tag == "shade":
            r, g, b = (_gamma(_linear(c) * val) for c in (r, g, b))
        elif tag == "alpha":
            alpha = val
    return "".join(f"{int(round(_clamp(c) * 255)):02X}" for c in (r, g, b)), alpha


def colour_of(el, theme: Theme, clr_map: Optional[dict] = None) -> Optional[tuple[str, float]]:
    """(RRGGBB, alpha) of a colour element (srgbClr, schemeClr...) or of its parent fill."""
    if el is None:
        return None
    tag = etree.QName(el).localname
    if tag not in _COLOUR_TAGS:
        el = next((c for c in el if etree.QName(c).localname in _COLOUR_TAGS), None)
        if el is None:
            return None
        tag = etree.QName(el).localname
    if tag == "srgbClr":
        base = el.get("val", "000000").upper()
    elif tag == "schemeClr":
        base = theme.scheme_rgb(el.get("val", ""), clr_map)
    elif tag == "sysClr":
        base = (el.get("lastClr") or "000000").upper()
    elif tag == "prstClr":
        base = _PRESET.get(el.get("val", ""), "808080")
    elif tag == "scrgbClr":
        base = "".join(f"{int(round(_clamp(int(el.get(k, '0')) / 100000) ** (1 / 2.2) * 255)):02X}" for k in "rgb")
    else:
        return None
    if base is None:
        return None
    return _apply_mods(base, el)


def fill_colour(sppr, theme: Theme, clr_map=None) -> Optional[tuple[str, float]]:
    """The colour a fill paints (a gradient's mean stop colour, a pattern's foreground)."""
    if sppr is None:
        return None
    solid = sppr.find(f"{A}solidFill")
    if solid is not None:
        return colour_of(solid, theme, clr_map)
    grad = sppr.find(f"{A}gradFill")
    if grad is not None:
        stops = [colour_of(gs, theme, clr_map) for gs in grad.iter(f"{A}gs")]
        stops = [s for s in stops if s]
        if stops:
            chans = [sum(int(s[0][i:i + 2], 16) for s in stops) / len(stops) for i in (0, 2, 4)]
            return "".join(f"{int(round(c)):02X}" for c in chans), sum(s[1] for s in stops) / len(stops)
    patt = sppr.find(f"{A}pattFill")
    if patt is not None:
        fg, bg = colour_of(patt.find(f"{A}fgClr"), theme, clr_map), colour_of(patt.find(f"{A}bgClr"), theme, clr_map)
        if fg and bg:
            chans = [(int(fg[0][i:i + 2], 16) + int(bg[0][i:i + 2], 16)) / 2 for i in (0, 2, 4)]
            return "".join(f"{int(round(c)):02X}" for c in chans), 1.0
        return fg or bg
    return None


# -- text styles ------------------------------------------------------------------------------------
def _lvl1(el):
    """lvl1pPr of a placeholder's list style, and the first paragraph's run properties (a LibreOffice sample)."""
    if el is None:
        return []
    out = []
    lst = el.find(f"{P}txBody/{A}lstStyle/{A}lvl1pPr")
    if lst is not None:
        out.append((lst, lst.find(f"{A}defRPr")))
    p = el.find(f"{P}txBody/{A}p")
    if p is not None:
        rpr = p.find(f"{A}r/{A}rPr")
        if rpr is None:
            rpr = p.find(f"{A}endParaRPr")
        out.append((p.find(f"{A}pPr"), rpr))
    return out


def master_placeholder_el(master, ptype: str):
    want = TITLE_TYPES if ptype in TITLE_TYPES else (ptype,) if ptype in ("dt", "ftr", "sldNum") else ("body", "obj")
    for sp in master.placeholders:
        ph = sp._element.find(f".//{P}ph")
        if ph is not None and (ph.get("type") or "obj") in want:
            return sp._element
    return None


def text_style(layout, ph_el, ptype: str) -> TextStyle:
    """Typeface, colour, weight and alignment the text of a layout placeholder is drawn in."""
    master = layout.slide_master
    theme = theme_of(master)
    clr_map = _layout_clr_map(layout, theme)
    title = ptype in TITLE_TYPES
    styles = master._element.find(f"{P}txStyles")
    if styles is None:  # LibreOffice: the master's samples rule; its layouts are the same for every master
        chain = _lvl1(master_placeholder_el(master, ptype)) + _lvl1(ph_el)
    else:
        chain = _lvl1(ph_el) + _lvl1(master_placeholder_el(master, ptype))
    if styles is not None:
        st = styles.find(f"{P}{'titleStyle' if title else 'bodyStyle'}/{A}lvl1pPr")
        if st is not None:
            chain.append((st, st.find(f"{A}defRPr")))
    face = rgb = bold = algn = caps = None
    for ppr, rpr in chain:
        if algn is None and ppr is not None and ppr.get("algn"):
            algn = ppr.get("algn")
        if rpr is None:
            continue
        if face is None:
            latin = rpr.find(f"{A}latin")
            if latin is not None and latin.get("typeface"):
                face = theme.face(latin.get("typeface"), title)
        if rgb is None:
            c = fill_colour(rpr, theme, clr_map)
            if c is not None:
                rgb = c[0]
        if bold is None and rpr.get("b") is not None:
            bold = rpr.get("b") in ("1", "true")
        if caps is None and rpr.get("cap") is not None:
            caps = rpr.get("cap") in ("all", "small")
    face = face or (theme.major if title else theme.minor)
    rgb = rgb or theme.scheme_rgb("tx1", clr_map)
    return TextStyle(face, rgb, bool(bold), algn, bool(caps))


def _layout_clr_map(layout, theme: Theme) -> dict:
    ovr = layout._element.find(f"{P}clrMapOvr/{A}overrideClrMapping")
    return dict(ovr.attrib) if ovr is not None else theme.clr_map
