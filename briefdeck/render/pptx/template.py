"""Templates: open a .pptx safely and find, for each slide role, the layouts that can serve it.

A role (title, section, content, two-content, chart, quote, closing) can be served by:
1. the layout the user's side file names (``NAME.layouts.yaml`` beside the template: ``content: "Titel
   und Inhalt"``; it may also name font files for the template's typefaces: ``fonts: {...}``);
2. the role's default layout name (deck.yaml ``layouts``), then common other names (``layout_aliases``:
   PowerPoint, LibreOffice and localised names);
3. a layout whose placeholders fit the role (a title and one content placeholder is a content layout);
4. a layout with a title (or none) whose missing text areas the deck adds as placeholders of the
   master's body type, where the master has its body area ("Title Only" and "Blank" templates);
5. another role's layouts (quote and closing fall back to content, section to title).

Every candidate is looked at as a viewer draws it (``backdrop.py``): a text area over decoration
(LibreOffice's triangles, a line drawing, an ink blot) shrinks to its largest part where the
template's text colour reads, and candidates are ranked by how they match (as above), then how much
of their text area stays unreadable, then the size of their body area. So a template with several
masters (LibreOffice saves each master page with all its layouts) serves content from the master whose
body area is clear, and the planner may try the next candidates when text does not fit (a title slide,
"About the speakers").

LibreOffice-saved masters carry no text styles: positions and formatting come from the master's
placeholders (``samples.py``), and a layout's several content areas are laid into the master's body
area as LibreOffice itself lays them out.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

import yaml

from ...charts.colour import contrast
from ...errors import Problem, TemplateError
from ...safezip import check_pptx_zip
from ...yamlsafe import load_settings
from .fit import CAPS, Box
from .fonts import build_measurer, embedded_fonts, user_fonts
from .plan import ROLES
from .samples import master_keeps_styles
from .styles import TITLE_TYPES, master_placeholder_el, text_style, theme_of

EMU_PER_IN = 914400
CONTENT_TYPES = {"obj", "body", "pic", "chart", "tbl", "dgm", "media", "clipArt"}
TEXT_TYPES = {"obj", "body", "subTitle"}
CHROME_TYPES = {"dt", "ftr", "sldNum", "hdr"}
FALLBACK = {"section": ("title",), "two-content": ("content",), "chart": ("content",),
            "quote": ("content",), "closing": ("content",)}
P_NS = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
VIRTUAL_IDX = 100  # placeholders the deck adds where a layout has none start at this idx
RANK_PLACEHOLDERS = 50
MIN_KEPT = 0.55  # a text area shrunk away from decoration keeps at least this share of itself
MAX_VARIANTS = 4


def face_name(face: Optional[str]) -> str:
    """A typeface as the template names it, spaces normalised (the measurer ignores case)."""
    return " ".join((face or "").split())


@dataclass(frozen=True)
class Ph:
    type: str  # OOXML ph type ("obj" when absent)
    idx: int
    box: Box  # where the deck's text goes, with the typeface it is measured in (box.face)
    rgb: Optional[str] = None  # the colour the template sets its text in
    algn: Optional[str] = None
    virtual: bool = False  # not on the layout: the deck adds it (it inherits the master's body style)
    placed: bool = False  # its box is not the layout's: the writer sets it on the slide
    ink: Optional[str] = None  # the colour the deck sets, where the template's does not read on what lies under

    @property
    def area(self) -> float:
        return self.box.width * self.box.height


@dataclass(frozen=True)
class RoleLayout:
    role: str
    layout_index: int  # in all_layouts(prs): every master's layouts in order
    layout_name: str
    how: str  # "mapping" | "name" | "alias" | "placeholders" | "added" | "fallback:<role>"
    slots: tuple[tuple[str, Ph], ...]  # slot -> placeholder on the layout (or added)
    chrome: tuple[Ph, ...] = ()  # footer, slide-number and date placeholders
    moved: bool = False  # LibreOffice master: formatting comes from the master's samples
    title_grow: Optional[Box] = None  # the most the title box may grow down and stay readable
    master: int = 0
    unclear: float = 0.0  # share of its text areas where text would not read, after shrinking
    decorated: float = 0.0  # share of its body areas over decoration (readable or not): plain is better
    footer_wide: Optional[Box] = None  # the footer widened over the date placeholder on its row, when clear

    def slot(self, name: str) -> Optional[Ph]:
        return dict(self.slots).get(name)


@dataclass(frozen=True)
class TemplateInfo:
    path: Path
    layouts: tuple[str, ...]
    roles: dict = field(default_factory=dict)  # role -> tuple of RoleLayout, best first
    size: tuple[float, float] = (13.333, 7.5)  # slide width and height, inches
    problems: tuple[Problem, ...] = ()  # about the template itself (typefaces, contrast)
    side_file: Optional[Path] = None
    font_files: tuple[Path, ...] = ()  # font files the measurer reads (the user's and the theme's: build inputs)
    measurer: object = None
    faces: dict = field(default_factory=dict)  # face key -> fonts.FaceSource
    # (master index, {"hlink"|"folHlink": rgb}): link colours of a master's theme that do not read on
    # its body text areas, and the readable colours the deck's copy of the theme takes instead
    link_colours: tuple[tuple[int, dict], ...] = ()

    def role(self, role: str, variant: int = 0) -> RoleLayout:
        variants = self.roles[role]
        return variants[min(variant, len(variants) - 1)]

    def geometry(self) -> dict:
        """role -> [variant: {slot: Box, "footer", "date", "title_grow", "footer_wide"}]."""
        chrome = {"ftr": "footer", "dt": "date"}
        out = {}
        for r, variants in self.roles.items():
            out[r] = []
            for rl in variants:
                g = {**{s: ph.box for s, ph in rl.slots}, **{chrome[p.type]: p.box for p in rl.chrome if p.type in chrome}}
                if rl.title_grow is not None:
                    g["title_grow"] = rl.title_grow
                if rl.footer_wide is not None:
                    g["footer_wide"] = rl.footer_wide
                out[r].append(g)
        return out

    def inputs(self) -> list[Path]:
        return [self.path] + ([self.side_file] if self.side_file else []) + list(self.font_files)


def all_layouts(prs) -> list:
    return [layout for master in prs.slide_masters for layout in master.slide_layouts]


def _preferred_masters(prs) -> list[int]:
    """Masters in the order the template's sample slides first use them."""
    parts = [m.part for m in prs.slide_masters]
    used: list[int] = []
    for slide in prs.slides:
        i = parts.index(slide.slide_layout.slide_master.part)
        if i not in used:
            used.append(i)
    return used


def default_template(theme) -> Path:
    path = theme.default_template()
    if path is None:
        raise TemplateError(f"the theme's deck template templates/{theme.get('deck.template')} is missing — restore it or fix deck.template")
    return path


def check_zip(path: Path, theme) -> None:
    """Refuse archives that are not a deck or would expand beyond reason (zip bombs)."""
    check_pptx_zip(path, theme.get("deck.template_limits"))


def open_clean_template(path: Optional[Path], theme):
    """The template opened on a copy without what reaches out of the file or runs code (hostile.py),
    and what was left out of it: (prs, path, findings)."""
    import io

    from pptx import Presentation

    from . import hostile

    path = Path(path) if path else default_template(theme)
    if not path.is_file():
        raise TemplateError(f"{path}: template not found — give the path of a .pptx file")
    check_zip(path, theme)
    cleaned = hostile.clean(path)
    try:
        prs = Presentation(io.BytesIO(cleaned.data) if cleaned.changed else str(path))
    except Exception as exc:  # python-pptx raises many kinds for a bad package
        hint = " (a .potx must be saved as .pptx first)" if path.suffix.lower() == ".potx" else ""
        raise TemplateError(f"{path}: cannot open the template: {exc}{hint}") from None
    _unique_placeholder_idx(prs)
    return prs, path, cleaned.findings


def _unique_placeholder_idx(prs) -> None:
    """Give every non-title layout placeholder its own idx (in memory only).

    LibreOffice writes layout placeholders without idx, so subtitle, content and a second
    content all read as idx 0 and a slide placeholder cannot say which one it inherits from.
    """
    for layout in all_layouts(prs):
        phs = [el for el in layout._element.iter(f"{P_NS}ph")]
        used = {int(el.get("idx")) for el in phs if el.get("idx") is not None}
        nxt = 20
        for el in phs:
            if el.get("idx") is None and el.get("type", "obj") not in TITLE_TYPES:
                while nxt in used:
                    nxt += 1
                el.set("idx", str(nxt))
                used.add(nxt)


# -- placeholders ---------------------------------------------------------------------------------
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


def _added_slots(role: str, layout, phs: list[Ph], slide: tuple[float, float]) -> Optional[dict[str, Ph]]:
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


# -- the side file ----------------------------------------------------------------------------------
def side_file(path: Path) -> Path:
    return path.with_name(path.stem + ".layouts.yaml")


def _read_side_file(path: Path) -> tuple[dict[str, str], dict]:
    f = side_file(path)
    if not f.is_file():
        return {}, {}
    try:
        data = load_settings(f.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise TemplateError(f"{f}: cannot read the layout mapping: {exc} — fix the YAML") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{f}: map roles ({', '.join(ROLES)}) to layout names, e.g. content: \"Titel und Inhalt\"")
    fonts = data.pop("fonts", None)
    unknown = sorted(set(data) - set(ROLES))
    if unknown or not all(isinstance(v, str) for v in data.values()):
        raise TemplateError(f"{f}: map roles ({', '.join(ROLES)}) to layout names, and `fonts` to font files; "
                            f"unknown: {', '.join(unknown) or 'a non-text value'}")
    return data, user_fonts(fonts, f)


# -- looking at candidates --------------------------------------------------------------------------
_DRAWN: dict[tuple, object] = {}  # backdrops kept for the life of the process (--watch rebuilds)


class _Look:
    """Backdrops of a template's layouts, drawn when first needed; kept by the template file's
    identity (path, size, modification time), so a --watch rebuild on an unchanged template
    draws none again."""

    def __init__(self, layouts, size, key: tuple = ()):
        self.layouts, self.size, self.key = layouts, size, key

    def of(self, i: int):
        from .backdrop import Backdrop  # numpy and Pillow: only when a layout is looked at

        k = self.key + (i, self.size)
        if not self.key or k not in _DRAWN:
            if len(_DRAWN) > 256:
                _DRAWN.clear()
            _DRAWN[k] = Backdrop(self.layouts[i], *self.size)
        return _DRAWN[k]


def _file_identity(path: Path) -> tuple:
    try:
        st = Path(path).stat()
    except OSError:
        return ()
    return (str(Path(path).resolve()), st.st_size, st.st_mtime_ns)


def readable_rgb(rgb: Optional[str], under: str, ratio: float = 4.5) -> str:
    """The template's text colour, else the nearest colour toward black or white that reads on ``under``."""
    rgb = (rgb or "000000").upper()
    if contrast(rgb, under) >= ratio:
        return rgb
    best = None
    for target in ("000000", "FFFFFF"):
        for step in range(1, 21):
            t = step / 20
            mixed = "".join(f"{int(round(int(rgb[i:i + 2], 16) * (1 - t) + int(target[i:i + 2], 16) * t)):02X}" for i in (0, 2, 4))
            if contrast(mixed, under) >= ratio:
                if best is None or step < best[0]:
                    best = (step, mixed)
                break
    return best[1] if best else ("000000" if contrast("000000", under) >= contrast("FFFFFF", under) else "FFFFFF")


TEXT_SLOTS = ("title", "subtitle", "details", "body", "body2", "source", "attribution")
RATIO = 4.5  # contrast of text and what lies under it: WCAG AA for normal text, the deck's aim for all its text


def _clear_of_chrome(box: Box, chrome: tuple[Ph, ...], slide: tuple[float, float]) -> Box:
    """A text area kept on the slide and off the footer row the deck fills (footer, slide number): cut
    where it overlaps one, on the side that keeps the most of it."""
    gap = 0.05
    if box.bottom > slide[1] - gap or box.right > slide[0] - gap or box.left < 0 or box.top < 0:
        left, top = max(box.left, 0.0), max(box.top, 0.0)
        box = replace(box, left=left, top=top, width=min(box.right, slide[0] - gap) - left,
                      height=min(box.bottom, slide[1] - gap) - top)
    for c in chrome:
        if c.type not in ("ftr", "sldNum"):
            continue
        b = c.box
        if not (b.left < box.right and b.right > box.left and b.top < box.bottom and b.bottom > box.top):
            continue
        cuts = []
        if b.top > box.top + 0.5:  # keep what lies above it
            cuts.append(replace(box, height=b.top - gap - box.top))
        if b.left > box.left + 1.5:  # keep what lies left of it
            cuts.append(replace(box, width=b.left - gap - box.left))
        if b.right < box.right - 1.5:  # keep what lies right of it
            cuts.append(replace(box, left=b.right + gap, width=box.right - b.right - gap))
        if cuts:
            box = max(cuts, key=lambda x: x.width * x.height)
    return box


def _refine(rl: RoleLayout, look: _Look) -> RoleLayout:
    """Text areas shrunk to their largest part where the text reads and clear of the footer row; the
    share left unreadable; the colour the deck sets where the template's does not read; how far the
    title may grow down."""
    bd = look.of(rl.layout_index)
    slots, unclear = [], []
    weights, decor, decor_w = [], [], []
    for name, ph in rl.slots:
        if name not in TEXT_SLOTS and name != "chart":
            slots.append((name, ph))
            continue
        ratio = RATIO
        kept = _clear_of_chrome(ph.box, rl.chrome, look.size)
        if kept is not ph.box:
            ph = replace(ph, box=kept, placed=True)
        rgb = readable_rgb(ph.rgb, bd.colour_under(ph.box), ratio)  # a chart: its labels and source line too
        best = bd.largest_clear(ph.box, rgb, ratio)
        if best is not None and best is not ph.box and best.width * best.height >= MIN_KEPT * ph.area \
                and best.width >= min(ph.box.width, 1.5):
            ph = replace(ph, box=best, placed=True)
        if name != "chart" and ph.rgb is not None:
            ink = readable_rgb(ph.rgb, bd.colour_under(ph.box), ratio)
            ph = replace(ph, ink=ink if ink != ph.rgb.upper() else None)
        share = bd.unclear_share(ph.box, rgb, ratio)
        unclear.append(share * ph.area)
        weights.append(ph.area)
        if name in ("body", "body2", "chart", "subtitle"):
            decor.append(bd.decorated_share(ph.box) * ph.area)
            decor_w.append(ph.area)
        slots.append((name, ph))
    chrome = []
    for ph in rl.chrome:
        if ph.rgb is not None and ph.type in ("ftr", "sldNum"):
            ink = readable_rgb(ph.rgb, bd.colour_under(ph.box), RATIO)
            ph = replace(ph, ink=ink if ink != ph.rgb.upper() else None)
        chrome.append(ph)
    rl = replace(rl, chrome=tuple(chrome))
    title = dict(slots).get("title")
    grow = None
    if title is not None:
        others = [p.box.top for n, p in slots if n != "title" and p.box.top >= title.box.bottom - 0.01
                  and p.box.left < title.box.right and p.box.right > title.box.left]
        chrome = [p.box.top for p in rl.chrome if p.box.top >= title.box.bottom - 0.01]
        limit = min(others + chrome + [look.size[1] - 0.3]) - 0.08
        if limit > title.box.bottom + 0.1:
            under = bd.colour_under(title.box)
            rgb = readable_rgb(title.rgb, under, RATIO)
            tall = replace(title.box, height=limit - title.box.top)
            good = bd.clear(tall, rgb, RATIO) & bd.same_colour(tall, under)  # a title stays on its band
            rows = good.all(axis=1) if good.size else []
            n = 0
            for ok in rows:
                if not ok:
                    break
                n += 1
            height = n / bd.px
            if height > title.box.height + 0.1:
                grow = replace(title.box, height=height)
    wide = None
    ftr = next((p for p in rl.chrome if p.type == "ftr"), None)
    dt = next((p for p in rl.chrome if p.type == "dt"), None)
    if ftr is not None and dt is not None and dt.box.left < ftr.box.left and abs(dt.box.top - ftr.box.top) < 0.2:
        box = replace(ftr.box, left=dt.box.left, width=ftr.box.right - dt.box.left)
        if bd.unclear_share(box, ftr.ink or ftr.rgb or "000000", RATIO) == 0.0:
            wide = box
    total = sum(weights) or 1.0
    return replace(rl, slots=tuple(slots), unclear=sum(unclear) / total, title_grow=grow,
                   decorated=sum(decor) / (sum(decor_w) or 1.0), footer_wide=wide)


def map_roles(prs, path: Path, theme, cache_dir: Optional[Path] = None) -> TemplateInfo:
    """Which layouts serve each role, where their text reads, and how the template's typefaces are
    measured. What is found by looking is kept (``layout_cache``): in memory, and under ``cache_dir``
    (templates/, and fonts/ for the fonts' widths) when given, so a rebuild on an unchanged template
    draws no backdrop and decodes no font."""
    from . import layout_cache

    mapping, ufonts = _read_side_file(path)
    k = layout_cache.key(path, side_file(path), theme)
    kept = Path(cache_dir) / "templates" if cache_dir is not None else None
    found = layout_cache.recall(k, kept)
    if found is None:
        found = _look_at(prs, path, theme, mapping)
        layout_cache.keep(k, kept, found)
    info = TemplateInfo(path, found["layouts"], found["roles"], found["size"],
                        side_file=side_file(path) if side_file(path).is_file() else None,
                        font_files=tuple(p for styles in ufonts.values() for p in styles.values()))
    return _with_fonts(info, prs, theme, ufonts, found, cache_dir)


def _look_at(prs, path: Path, theme, mapping: dict[str, str]) -> dict:
    """The roles' layouts, the slide size, and the template's colours judged where the deck puts
    text: plain data (``layout_cache``)."""
    layouts = all_layouts(prs)
    names = [l.name for l in layouts]
    phs = [layout_placeholders(l) for l in layouts]
    parts = [m.part for m in prs.slide_masters]
    master_of = [parts.index(l.slide_master.part) for l in layouts]
    preferred = _preferred_masters(prs)
    size = (prs.slide_width / EMU_PER_IN, prs.slide_height / EMU_PER_IN)
    look = _Look(layouts, size, _file_identity(path))
    for role, name in mapping.items():
        if name not in names:
            raise TemplateError(f"{side_file(path)}: role '{role}' names layout '{name}', which the template "
                                f"does not have — use one of: {', '.join(dict.fromkeys(names))}")
    defaults = theme.get("deck.layouts")
    aliases = theme.get("deck.layout_aliases")

    def make(role, i, how) -> Optional[RoleLayout]:
        slots = slots_for(role, phs[i]) if how != "added" else None
        if slots is None and how in ("mapping", "added"):
            slots = _added_slots(role, layouts[i], phs[i], size)
            how = how if how == "mapping" else "added"
        if slots is None:
            return None
        chrome = tuple(p for p in phs[i] if p.type in ("ftr", "sldNum", "dt"))
        rl = RoleLayout(role, i, names[i], how, tuple(slots.items()), chrome,
                        moved=not master_keeps_styles(layouts[i].slide_master), master=master_of[i])
        return _refine(rl, look)

    def master_rank(i: int, role: str) -> int:
        m = master_of[i]
        if role in ("title", "section") and preferred:
            return 0 if m == preferred[0] else 1 + (preferred.index(m) if m in preferred else len(preferred))
        order = preferred[1:] + preferred[:1] if len(preferred) > 1 else preferred
        return order.index(m) if m in order else len(order)

    roles: dict[str, tuple[RoleLayout, ...]] = {}
    for role in ROLES:
        found: list[tuple[tuple, RoleLayout]] = []
        seen: set[int] = set()

        def consider(rank: int, i: int, how: str) -> None:
            if i in seen:
                return
            rl = make(role, i, how)
            if rl is None:
                return
            if role == "section" and how == "placeholders" and rl.slot("body") is None:
                return  # a lone title ("Title Only") makes an empty-looking divider
            seen.add(i)
            body = rl.slot("body") or rl.slot("chart") or rl.slot("subtitle") or rl.slot("body2")
            area = body.area if body is not None else 0.0
            unusable = rl.unclear > 0.5
            look_key = (round(rl.unclear * 10), round(rl.decorated * 5), -round(area, 1), master_rank(i, role))
            if role in ("title", "section"):  # the template's own title master first, when it reads as well
                look_key = (look_key[0], look_key[3], look_key[1], look_key[2])
            found.append(((rank, unusable) + look_key + (i,), rl))

        if role in mapping:
            for i in range(len(layouts)):
                if names[i] == mapping[role]:
                    consider(0, i, "mapping")
            if not found:
                raise TemplateError(f"{side_file(path)}: layout '{mapping[role]}' mapped to role '{role}' has no "
                                    f"title and its master no title area to add one — map another layout")
        else:
            wanted = [(defaults.get(role), "name")] + [(a, "alias") for a in aliases.get(role, [])]
            for k, (want, how) in enumerate(wanted):
                if want:
                    for i in range(len(layouts)):
                        if (names[i] == want) if how == "name" else (names[i].strip().lower() == want):
                            consider(1 + k, i, how)
            if role in ("title", "content", "two-content", "section"):
                for i in range(len(layouts)):
                    consider(RANK_PLACEHOLDERS, i, "placeholders")
        found.sort(key=lambda f: (f[0][1], f[0][0]) + f[0][2:])  # a usable candidate before an unusable one
        if found:
            roles[role] = tuple(rl for _, rl in found[:MAX_VARIANTS])
    for role in ("title", "content"):  # the two roles every deck needs: a layout the deck completes
        if role not in roles:
            added = []
            for i in range(len(layouts)):
                rl = make(role, i, "added")
                if rl is not None:
                    titled = any(p.type in TITLE_TYPES for p in phs[i])
                    added.append(((0 if titled else 1, rl.unclear > 0.5, round(rl.unclear * 10), master_rank(i, role), i), rl))
            added.sort(key=lambda f: f[0])
            if added:
                roles[role] = tuple(rl for _, rl in added[:MAX_VARIANTS])
    for role in ROLES:  # fallbacks after every direct match is known
        if role not in roles:
            for other in FALLBACK.get(role, ()):
                if other in roles:
                    variants = []
                    for base in roles[other]:
                        slots = dict(base.slots)
                        if role == "section" and "subtitle" in slots:
                            slots = {"title": slots["title"], "body": slots["subtitle"]}
                        if role == "chart" and "body" in slots:
                            slots = {"title": slots["title"], "chart": slots["body"]}
                        variants.append(replace(base, role=role, how=f"fallback:{other}", slots=tuple(slots.items())))
                    roles[role] = tuple(variants)
                    break
    for need in ("title", "content"):
        if need not in roles:
            raise TemplateError(f"{path}: no layout can serve the '{need}' role: no layout has a title placeholder "
                                f"and no master has a title area — add a 'Title Only' layout, or map one in "
                                f"{side_file(path).name}")
    info = TemplateInfo(path, tuple(names), roles, size)
    problems, links = _colours(info, prs, look)
    return {"layouts": tuple(names), "roles": roles, "size": size, "problems": problems, "link_colours": links}


def _used(info: TemplateInfo) -> list[tuple[str, RoleLayout, str, Ph]]:
    """(role, layout, slot, placeholder) of every text area the deck may fill, the best variants first."""
    out = []
    for role, variants in info.roles.items():
        for rl in variants:
            for name, ph in rl.slots:
                if name in TEXT_SLOTS:
                    out.append((role, rl, name, ph))
            for ph in rl.chrome:
                if ph.type == "ftr":
                    out.append((role, rl, "footer", ph))
    return out


def _with_fonts(info: TemplateInfo, prs, theme, ufonts, found: dict, cache_dir: Optional[Path] = None) -> TemplateInfo:
    """``info`` with the measurer of its typefaces, and warnings where a face has no metrics (read
    each build: font files are inputs of their own) before those ``found`` by looking."""
    used = _used(info)
    faces = [ph.box.face.removesuffix(CAPS) for _, _, _, ph in used if ph.box.face]
    default = next((ph.box.face.removesuffix(CAPS) for _, rl, n, ph in used if n == "body" and ph.box.face), None) \
        or (faces[0] if faces else "Calibri")
    measurer, how, table_files = build_measurer(theme, faces, default, embedded=embedded_fonts(prs), user=ufonts,
                                                 cache_dir=Path(cache_dir) / "fonts" if cache_dir is not None else None)
    problems: list[Problem] = []
    where = str(info.path)
    for key, src in how.items():
        if src.how == "fallback":
            slots = sorted({n for _, _, n, ph in used if ph.box.face.removesuffix(CAPS).lower() == key})
            problems.append(Problem(where, 0, 0, (
                f"typeface '{src.face}' (the template's {', '.join(slots) or 'text'}) has no font metrics briefdeck ships "
                f"and no font embedded in the template: its text is measured with {src.detail}, deliberately wide, so "
                f"slides may hold less text than they could — name its font file in {side_file(info.path).name} "
                f"(fonts: {{{src.face}: assets/fonts/{src.face.replace(' ', '')}.ttf}})"), "deck.font", "warning"))
    return replace(info, measurer=measurer, faces=how, problems=tuple(problems) + found["problems"],
                   font_files=info.font_files + tuple(p for p in table_files if p not in info.font_files),
                   link_colours=found["link_colours"])


def _colours(info: TemplateInfo, prs, look: _Look) -> tuple[tuple[Problem, ...], tuple[tuple[int, dict], ...]]:
    """Warnings where the template's text or link colours do not read on what lies under them, and
    the readable link colours the deck's copy of each master's theme takes."""
    used = _used(info)
    problems: list[Problem] = []
    where = str(info.path)
    # colours: each text area the first variants use, against what lies under it (WCAG AA: 4.5:1); one
    # warning per colour pair, naming where the template uses it
    pairs: dict[tuple, dict] = {}
    for role, rl, name, ph in used:
        if rl is not info.roles[role][0] or ph.rgb is None:
            continue
        under = look.of(rl.layout_index).colour_under(ph.box)
        if contrast(ph.rgb, under) >= RATIO:
            continue
        hit = pairs.setdefault((ph.rgb.upper(), under), {"slots": [], "layouts": [], "ink": ph.ink})
        for key, value in (("slots", name), ("layouts", rl.layout_name)):
            if value not in hit[key]:
                hit[key].append(value)
    for (rgb, under), hit in pairs.items():
        layouts = ", ".join(f"'{n}'" for n in hit["layouts"])
        problems.append(Problem(where, 0, 0, (
            f"{' and '.join(hit['slots'])} text #{rgb} on #{under} ({layouts}) has a contrast of {contrast(rgb, under):.1f}:1, "
            f"below the 4.5:1 of WCAG AA — the deck sets it in #{hit['ink'] or readable_rgb(rgb, under)}; give the template a "
            f"colour that contrasts more to keep your own"), "deck.contrast", "warning"))
    links = _link_colours(info, prs, look, used)
    said: dict[tuple, list[str]] = {}  # one warning per colour pair, as above
    for m, fixed, under, names in links:
        was = theme_of(prs.slide_masters[m]).scheme["hlink" if "hlink" in fixed else "folHlink"]
        key = (was, under, fixed.get("hlink") or fixed.get("folHlink"))
        said.setdefault(key, [])
        said[key] += [n for n in names if n not in said[key]]
    for (was, under, now), names in said.items():
        problems.append(Problem(where, 0, 0, (
            f"link text #{was} on #{under} ({', '.join(repr(n) for n in names)}) has a contrast of {contrast(was, under):.1f}:1, "
            f"below the 4.5:1 of WCAG AA — the deck sets links in #{now}; give the template's theme a hyperlink colour "
            f"that contrasts more to keep your own"), "deck.contrast", "warning"))
    return tuple(problems), tuple((m, fixed) for m, fixed, _, _ in links)


NO_LINKS = ("title", "section")  # roles whose slides never carry a link


def _link_colours(info: TemplateInfo, prs, look: _Look, used) -> list[tuple[int, dict, str, list[str]]]:
    """Per master: its theme's hyperlink colours (viewers draw links in them, whatever the run's
    colour) against what lies under the body areas the deck uses; those below 4.5:1 get the nearest
    colour that reads on the worst of them. (master, {name: new rgb}, that background, layout names)."""
    out = []
    for m, master in enumerate(prs.slide_masters):
        bodies = [(look.of(rl.layout_index).colour_under(ph.box), rl.layout_name) for role, rl, name, ph in used
                  if name == "body" and rl.master == m and rl is info.roles[role][0] and role not in NO_LINKS]
        scheme = theme_of(master).scheme
        fixed, worst = {}, None
        for key in ("hlink", "folHlink"):
            rgb = scheme.get(key)
            if rgb is None or not bodies:
                continue
            under = min((u for u, _ in bodies), key=lambda u: contrast(rgb, u))
            if contrast(rgb, under) < RATIO:
                fixed[key], worst = readable_rgb(rgb, under), worst or under
        if fixed:
            out.append((m, fixed, worst, sorted({n for u, n in bodies if u == worst})))
    return out


# -- the report of --check-template -------------------------------------------------------------------
def check_template(path: Path, theme=None) -> dict:
    """What a template can serve, before a build: {"ok", "roles": {role: {...}}, "missing": [...], "problems"}."""
    from ...theme import load_theme

    theme = theme or load_theme("default")
    from .hostile import problems as hostile_problems

    report = {"template": str(path), "ok": False, "layouts": [], "roles": {}, "missing": [], "problems": [],
              "hostile": [], "warnings": []}
    try:
        prs, path, findings = open_clean_template(Path(path), theme)
        # what the template would carry into every deck, left out of the copy a build works on
        report["hostile"] = [{"code": f.code, "where": f.where, "what": f.what, "part": f.part, "severity": f.severity}
                             for f in findings]
        report["warnings"] = [p.message for p in hostile_problems(findings, str(path))]
        report["hostile_warnings"] = len(report["warnings"])  # format_report lists these in detail instead
        report["layouts"] = [l.name for l in all_layouts(prs)]
        report["masters"] = len(prs.slide_masters)
        info = map_roles(prs, Path(path), theme)
    except TemplateError as exc:
        report["problems"].append(str(exc))
        return report
    for role in ROLES:
        variants = info.roles.get(role)
        if not variants:
            report["missing"].append(role)
            continue
        rl = variants[0]
        report["roles"][role] = {"layout": rl.layout_name, "how": rl.how, "slots": [s for s, _ in rl.slots],
                                 "master": rl.master, "added": [s for s, ph in rl.slots if ph.virtual],
                                 "footer": any(p.type == "ftr" for p in rl.chrome),
                                 "slide_number": any(p.type == "sldNum" for p in rl.chrome)}
        if rl.how.startswith("fallback"):
            report["missing"].append(role)
    report["fonts"] = {src.face: {"how": src.how, "files": src.detail} for src in info.faces.values()}
    report["warnings"] += [p.message for p in info.problems]
    report["ok"] = True
    return report


def format_report(report: dict) -> str:
    if report["problems"] and not report["layouts"]:  # not a usable template at all
        return "\n".join(f"error: {p}" for p in report["problems"])
    masters = report.get("masters", 1)
    lines = [f"template {report['template']}: {len(report['layouts'])} layouts"
             + (f" in {masters} masters" if masters > 1 else "")]
    for role in ROLES:
        r = report["roles"].get(role)
        if r is None:
            lines.append(f"  {role:12} MISSING")
        else:
            where = f", master {r['master'] + 1}" if masters > 1 else ""
            added = f"; added: {', '.join(r['added'])}" if r.get("added") else ""
            lines.append(f"  {role:12} {r['layout']!r} ({r['how']}{where}; {', '.join(r['slots'])}{added})")
    for face, f in report.get("fonts", {}).items():
        lines.append(f"  typeface {face!r}: measured with {f['files']} ({f['how']})")
    lines += [f"  problem: {p}" for p in report["problems"]]
    lines += [f"  warning: {w}" for w in report.get("warnings", [])[report.get("hostile_warnings", 0):]]
    if report.get("hostile"):
        lines.append("  reaches out of the file or runs code (a build leaves these out, with a warning; --strict refuses):")
        lines += [f"    {f['where']}: {f['what']} [{f['code']}; "
                  + ("left out of decks" if f["severity"] == "warning" else
                     "dropped: inert" if f["code"] == "template.inert" else "on a sample slide only: never built on") + "]"
                  for f in report["hostile"]]
    if report["missing"]:
        lines.append(f"  no own layout for: {', '.join(report['missing'])} (served by another role's layout)")
    return "\n".join(lines)
