"""A layout's placeholders as a slide made from it shows them, and which of them serve a role's slots.

LibreOffice-saved masters carry no text styles: positions and formatting come from the master's
placeholders (``samples.py``), and a layout's several content areas are laid into the master's body
area as LibreOffice itself lays them out. A layout that lacks a role's text areas ("Title Only",
"Blank") gets them added where the master has its body area.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from ..fit import CAPS, Box
from ..samples import master_keeps_styles
from ..styles import TITLE_TYPES, master_placeholder_el, text_style
from .info import EMU_PER_IN, Ph

CONTENT_TYPES = {"obj", "body", "pic", "chart", "tbl", "dgm", "media", "clipArt"}
TEXT_TYPES = {"obj", "body", "subTitle"}
CHROME_TYPES = {"dt", "ftr", "sldNum", "hdr"}
P_NS = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
VIRTUAL_IDX = 100  # placeholders the deck adds where a layout has none start at this idx


def face_name(face: Optional[str]) -> str:
    """A typeface as the template names it, spaces normalised (the measurer ignores case)."""
    return " ".join((face or "").split())


def _insets(el) -> tuple[float, float, float, float]:
    body = el.find(f".//{P_NS}txBody/{A_NS}bodyPr") if el is not None else None
    vals = []
    for name, default in (("lIns", 91440), ("rIns", 91440), ("tIns", 45720), ("bIns", 45720)):
        v = body.get(name) if body is not None else None
        vals.append((int(v) if v is not None else default) / EMU_PER_IN)
    return tuple(vals)


def _ptype(el) -> str:
    ph = el.find(f".//{P_NS}ph")
    return (ph.get("type") or "obj") if ph is not None else "obj"


def _own_insets(layout, el, ptype: str) -> tuple[float, float, float, float]:
    body = el.find(f".//{A_NS}bodyPr")
    if body is None or not any(body.get(k) for k in ("lIns", "tIns", "rIns", "bIns")):
        master_el = master_placeholder_el(layout.slide_master, ptype)
        if master_el is not None:
            return _insets(master_el)
    return _insets(el)


def _xfrm_box(el) -> Optional[tuple[float, float, float, float]]:
    off = el.find(f"{P_NS}spPr/{A_NS}xfrm/{A_NS}off") if el is not None else None
    ext = el.find(f"{P_NS}spPr/{A_NS}xfrm/{A_NS}ext") if el is not None else None
    if off is None or ext is None:
        return None
    return (int(off.get("x")) / EMU_PER_IN, int(off.get("y")) / EMU_PER_IN,
            int(ext.get("cx")) / EMU_PER_IN, int(ext.get("cy")) / EMU_PER_IN)


def layout_placeholders(layout) -> list[Ph]:
    """Every placeholder of a layout with its box, typeface and colour as a slide made from it shows them."""
    out = []
    for ph in layout.placeholders:
        el = ph._element
        ph_el = el.find(f".//{P_NS}ph")
        ptype = _ptype(el)
        idx = int(ph_el.get("idx", "0")) if ph_el is not None else 0
        if ph.width is None or ph.height is None:
            continue
        style = text_style(layout, el, ptype)
        ins = _own_insets(layout, el, ptype)
        box = Box(ph.width / EMU_PER_IN, ph.height / EMU_PER_IN, (ph.left or 0) / EMU_PER_IN, (ph.top or 0) / EMU_PER_IN,
                  *ins, face=face_name(style.face) + (CAPS if style.caps else ""))
        out.append(Ph(ptype, idx, box, style.rgb, style.algn))
    if not master_keeps_styles(layout.slide_master):
        out = _as_on_master(layout, out)
    return out


def _master_area(master, kind: str) -> Optional[Box]:
    el = master_placeholder_el(master, "title" if kind == "title" else "body")
    xb = _xfrm_box(el)
    if xb is None:
        return None
    return Box(xb[2], xb[3], xb[0], xb[1], *_insets(el))


def _as_on_master(layout, phs: list[Ph]) -> list[Ph]:
    """LibreOffice writes the same generic layouts for every master; LibreOffice itself lays a layout's
    title where the master has its title, and its text areas into the master's body area (one area
    takes all of it; several keep their proportions within it)."""
    master = layout.slide_master
    title_area, body_area = _master_area(master, "title"), _master_area(master, "body")
    texts = [p for p in phs if p.type in TEXT_TYPES or p.type in CONTENT_TYPES]
    out = []
    if texts:
        ux0 = min(p.box.left for p in texts)
        uy0 = min(p.box.top for p in texts)
        ux1 = max(p.box.right for p in texts)
        uy1 = max(p.box.bottom for p in texts)
    for p in phs:
        if p.type in TITLE_TYPES and title_area is not None:
            out.append(replace(p, box=replace(title_area, face=p.box.face), placed=True))
        elif p in texts and body_area is not None:
            if len(texts) == 1:
                box = replace(body_area, face=p.box.face)
            else:
                sx = body_area.width / max(1e-6, ux1 - ux0)
                sy = body_area.height / max(1e-6, uy1 - uy0)
                box = replace(body_area, left=body_area.left + (p.box.left - ux0) * sx,
                              top=body_area.top + (p.box.top - uy0) * sy,
                              width=p.box.width * sx, height=p.box.height * sy, face=p.box.face)
            out.append(replace(p, box=box, placed=True))
        else:
            out.append(p)
    return out


# -- which placeholders serve a role's slots --------------------------------------------------------
def slots_for(role: str, phs: list[Ph]) -> Optional[dict[str, Ph]]:
    titles = [p for p in phs if p.type in TITLE_TYPES]
    if not titles:
        return None
    title = next((p for p in titles if p.type == "ctrTitle"), titles[0]) if role == "title" else titles[0]
    content = sorted((p for p in phs if p.type in CONTENT_TYPES), key=lambda p: -p.area)
    subs = [p for p in phs if p.type == "subTitle"]
    texts = sorted([p for p in phs if p.type in TEXT_TYPES], key=lambda p: (p.box.top, p.box.left))
    if role == "title":
        if title.type != "ctrTitle" and not subs:
            return None
        rest = [p for p in texts if p not in subs[:1]]
        sub = subs[0] if subs else (rest.pop(0) if rest else None)
        if sub is None:
            return None
        out = {"title": title, "subtitle": sub}
        if rest:
            out["details"] = max(rest, key=lambda p: p.area)
        return out
    if role == "section":
        if len(content) > 1 or any(p.type in ("pic", "chart", "tbl") for p in content):
            return None
        out = {"title": title}
        if texts:
            out["body"] = texts[0]
        return out
    if role in ("content", "closing"):
        if len(content) != 1 and not (len(content) > 1 and content[1].area < content[0].area * 0.3):
            return None
        return {"title": title, "body": content[0]} if content else None
    if role == "two-content":
        big = [p for p in content if p.area > 0.25 * content[0].area] if content else []
        if len(big) != 2 or abs(big[0].box.left - big[1].box.left) < 1.0:
            return None
        left, right = sorted(big, key=lambda p: p.box.left)
        return {"title": title, "body": left, "body2": right}
    if role == "chart":
        if not content:
            return None
        chart = content[0]
        out = {"title": title, "chart": chart}
        smalls = [p for p in content[1:] if p.type in ("body", "obj") and p.area < 0.3 * chart.area]
        if len(content) - 1 != len(smalls):
            return None
        if smalls:
            out["source"] = smalls[0]
        return out
    if role == "quote":
        if not content or (len(content) > 1 and content[1].area > 0.5 * content[0].area):
            return None
        out = {"title": title, "body": content[0]}
        rest = [p for p in content[1:] if p.type in ("body", "obj")]
        if rest:
            out["attribution"] = rest[0]
        return out
    return None


def added_slots(role: str, layout, phs: list[Ph], slide: tuple[float, float]) -> Optional[dict[str, Ph]]:
    """Slots for a layout that lacks the role's text areas (Title Only, Blank): its own title, else one
    added where the master has its title; text areas added where the master has its body area."""
    master = layout.slide_master
    titles = [p for p in phs if p.type in TITLE_TYPES]
    body_style = text_style(layout, None, "body")
    title_style = text_style(layout, None, "title")
    if titles:
        title = titles[0]
    else:
        area = _master_area(master, "title")
        if area is None:
            return None
        title = Ph("title", 0, replace(area, face=face_name(title_style.face)), title_style.rgb, title_style.algn,
                   virtual=True, placed=True)
    area = _master_area(master, "body")
    if area is None:  # no body area on the master: below the title, above the footer row
        w, h = slide
        chrome_top = min((p.box.top for p in phs if p.type in CHROME_TYPES), default=h - 0.5)
        top = title.box.bottom + 0.15
        area = Box(w - 2 * max(0.5, title.box.left), chrome_top - 0.1 - top, max(0.5, title.box.left), top)
    if area.top < title.box.bottom:  # the master's body area starts above the title's end: start below it
        area = replace(area, top=title.box.bottom + 0.1, height=area.bottom - title.box.bottom - 0.1)
    if area.height < 1.0:
        return None
    area = replace(area, face=face_name(body_style.face))

    def added(n: int, box: Box, ptype: str = "body") -> Ph:
        return Ph(ptype, VIRTUAL_IDX + n, box, body_style.rgb, body_style.algn, virtual=True, placed=True)

    if role in ("content", "closing", "quote", "section"):
        return {"title": title, "body": added(0, area)}
    if role == "title":
        return {"title": title, "subtitle": added(0, area)}
    if role == "chart":
        return {"title": title, "chart": added(0, area)}
    if role == "two-content":
        gap = 0.3
        half = (area.width - gap) / 2
        return {"title": title, "body": added(0, replace(area, width=half)),
                "body2": added(1, replace(area, left=area.left + half + gap, width=half))}
    return None
