"""Templates: open a .pptx safely and find, for each slide role, a layout and its placeholders.

A role (title, section, content, two-content, chart, quote, closing) is served by the first of:
1. the user's mapping file beside the template (``NAME.layouts.yaml``: ``content: "Titel und Inhalt"``);
2. the default layout name for the role (deck.yaml ``layouts``), then common other names
   (``layout_aliases``: PowerPoint, LibreOffice and localised names);
3. inspecting placeholders (a title and one content placeholder is a content layout, ...);
4. another role's layout (quote and closing fall back to content, section to title).
A layout is only taken for a role if its placeholders can hold that role's text, so a layout
called "Title and Content" with no body placeholder is not used for content.

Templates with several masters (LibreOffice saves each master page as a master with all its
layouts, e.g. Blue Curve: a title design and a content design) show the intended use in their
sample slides: the first slide's master serves title and section roles, the next master seen
serves the others. Layout indexes count across all masters (``all_layouts``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

from ...errors import TemplateError
from ...safezip import check_pptx_zip
from .fit import Box
from .plan import ROLES
from .samples import SampleStyle, background_rgb, contrast, master_keeps_styles, master_placeholder

EMU_PER_IN = 914400
TITLE_TYPES = {"title", "ctrTitle"}
CONTENT_TYPES = {"obj", "body", "pic", "chart", "tbl", "dgm", "media", "clipArt"}
CHROME_TYPES = {"dt", "ftr", "sldNum", "hdr"}
FALLBACK = {"section": ("title",), "two-content": ("content",), "chart": ("content",),
            "quote": ("content",), "closing": ("content",)}
P_NS = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@dataclass(frozen=True)
class Ph:
    type: str  # OOXML ph type ("obj" when absent)
    idx: int
    box: Box

    @property
    def area(self) -> float:
        return self.box.width * self.box.height


@dataclass(frozen=True)
class RoleLayout:
    role: str
    layout_index: int  # in all_layouts(prs): every master's layouts in order
    layout_name: str
    how: str  # "mapping" | "name" | "alias" | "placeholders" | "fallback:<role>"
    slots: tuple[tuple[str, Ph], ...]  # slot -> placeholder on the layout
    chrome: tuple[Ph, ...] = ()  # footer, slide-number and date placeholders
    moved: bool = False  # boxes are the master's, not the layout's (LibreOffice): the writer places them
    grow_title: bool = True  # the title box may grow down (its text stays readable below the box)

    def slot(self, name: str) -> Optional[Ph]:
        return dict(self.slots).get(name)


@dataclass(frozen=True)
class TemplateInfo:
    path: Path
    layouts: tuple[str, ...]
    roles: dict = field(default_factory=dict)  # role -> RoleLayout

    def geometry(self) -> dict:
        """role -> slot -> box; besides the text slots, the footer and date placeholders ("footer", "date")."""
        chrome = {"ftr": "footer", "dt": "date"}
        return {r: {**{s: ph.box for s, ph in rl.slots}, **{chrome[p.type]: p.box for p in rl.chrome if p.type in chrome}}
                for r, rl in self.roles.items()}

    def growable(self) -> frozenset:
        return frozenset(r for r, rl in self.roles.items() if rl.grow_title)


def all_layouts(prs) -> list:
    return [layout for master in prs.slide_masters for layout in master.slide_layouts]


def _preferred_masters(prs) -> tuple[int, int]:
    """(master for title/section, master for the other roles), read from the template's sample slides."""
    parts = [m.part for m in prs.slide_masters]
    used = []
    for slide in prs.slides:
        i = parts.index(slide.slide_layout.slide_master.part)
        if i not in used:
            used.append(i)
    if not used:
        return 0, 0
    return used[0], (used[1] if len(used) > 1 else used[0])


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


def template_font(prs) -> Optional[str]:
    """The typeface the template sets body text in: explicit in the master, else the theme's minor font."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    master = prs.slide_masters[0]
    styles = master._element.find(f"{P_NS}txStyles")
    if styles is not None:
        for latin in styles.iter(f"{A_NS}latin"):
            face = latin.get("typeface", "")
            if face and not face.startswith("+"):
                return face
    try:
        theme_xml = master.part.part_related_by(RT.THEME).blob
    except KeyError:
        return None
    from lxml import etree

    root = etree.fromstring(theme_xml)
    latin = root.find(f".//{A_NS}minorFont/{A_NS}latin")
    return latin.get("typeface") if latin is not None else None


def font_files_for(face: Optional[str], theme) -> tuple[Path, Path]:
    """TTFs to measure a typeface with: the theme's Carlito for Calibri, else what fontconfig substitutes
    (what LibreOffice will draw with); Carlito when nothing better is known."""
    import shutil
    import subprocess

    ours = (theme.font_file("deck", "regular"), theme.font_file("deck", "bold"))
    if not face or face == theme.get("fonts.deck_name") or not shutil.which("fc-match"):
        return ours
    files = []
    for style in ("Regular", "Bold"):
        try:
            out = subprocess.run(["fc-match", "-f", "%{file}", f"{face}:style={style}"], capture_output=True,
                                 text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ours
        if not out.lower().endswith((".ttf", ".otf")) or not Path(out).is_file():
            return ours
        files.append(Path(out))
    return files[0], files[1]


def _insets(el) -> tuple[float, float, float, float]:
    body = el.find(f".//{P_NS}txBody/{A_NS}bodyPr")
    vals = []
    for name, default in (("lIns", 91440), ("rIns", 91440), ("tIns", 45720), ("bIns", 45720)):
        v = body.get(name) if body is not None else None
        vals.append((int(v) if v is not None else default) / EMU_PER_IN)
    return tuple(vals)


def layout_placeholders(layout) -> list[Ph]:
    out = []
    for ph in layout.placeholders:
        el = ph._element
        ph_el = el.find(f".//{P_NS}ph")
        ptype = ph_el.get("type", "obj") if ph_el is not None else "obj"
        idx = int(ph_el.get("idx", "0")) if ph_el is not None else 0
        if ph.width is None or ph.height is None:
            continue
        ins = _insets(el)
        if el.find(f".//{A_NS}bodyPr") is None or not any(el.find(f".//{A_NS}bodyPr").get(k) for k in ("lIns", "tIns")):
            master_ph = _master_ph(layout, ptype)
            if master_ph is not None:
                ins = _insets(master_ph)
        box = Box(ph.width / EMU_PER_IN, ph.height / EMU_PER_IN, (ph.left or 0) / EMU_PER_IN, (ph.top or 0) / EMU_PER_IN,
                  ins[0], ins[1], ins[2], ins[3])
        out.append(Ph(ptype, idx, box))
    if not master_keeps_styles(layout.slide_master):
        out = _as_on_master(layout, out)
    return out


def _as_on_master(layout, phs: list[Ph]) -> list[Ph]:
    """LibreOffice writes the same generic layouts for every master: a title and a single text
    placeholder go where the master puts its title and body (as LibreOffice's own layouts would)."""
    from dataclasses import replace

    texts = [p for p in phs if p.type in ("subTitle", "obj", "body")]
    out = []
    for p in phs:
        kind = "title" if p.type in TITLE_TYPES else ("body" if len(texts) == 1 and p in texts else None)
        el = master_placeholder(layout.slide_master, kind) if kind else None
        off = el.find(f"{P_NS}spPr/{A_NS}xfrm/{A_NS}off") if el is not None else None
        ext = el.find(f"{P_NS}spPr/{A_NS}xfrm/{A_NS}ext") if el is not None else None
        if off is None or ext is None:
            out.append(p)
            continue
        ins = _insets(el)
        box = Box(int(ext.get("cx")) / EMU_PER_IN, int(ext.get("cy")) / EMU_PER_IN, int(off.get("x")) / EMU_PER_IN,
                  int(off.get("y")) / EMU_PER_IN, *ins)
        out.append(replace(p, box=box))
    return out


def _title_can_grow(layout) -> bool:
    """Whether a title may grow below its box. Only on LibreOffice templates (one-line title boxes),
    and only where its colour stays readable on the slide (not Blue Curve's white title on a band).
    Templates with text styles keep their title box: designs often put a rule or band under it."""
    if master_keeps_styles(layout.slide_master):
        return False
    lph = next((ph for ph in layout.placeholders
                if (ph._element.find(f".//{P_NS}ph").get("type") or "obj") in TITLE_TYPES), None)
    style = SampleStyle.read(master_placeholder(layout.slide_master, "title"), lph._element if lph is not None else None)
    rgb = style.rgb if style is not None else None
    return rgb is None or contrast(rgb, background_rgb(layout)) >= 3.0


def _master_ph(layout, ptype):
    kind = {"ctrTitle": "title", "subTitle": "body", "obj": "body"}.get(ptype, ptype)
    for sp in layout.slide_master.placeholders:
        ph_el = sp._element.find(f".//{P_NS}ph")
        if ph_el is not None and ph_el.get("type", "obj") == kind:
            return sp._element
    return None


# -- which placeholders serve a role's slots --------------------------------------------------------
def slots_for(role: str, phs: list[Ph]) -> Optional[dict[str, Ph]]:
    titles = [p for p in phs if p.type in TITLE_TYPES]
    if not titles:
        return None
    title = next((p for p in titles if p.type == "ctrTitle"), titles[0]) if role == "title" else titles[0]
    content = sorted((p for p in phs if p.type in CONTENT_TYPES), key=lambda p: -p.area)
    subs = [p for p in phs if p.type == "subTitle"]
    texts = sorted([p for p in phs if p.type in ("body", "obj", "subTitle")], key=lambda p: (p.box.top, p.box.left))
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
        if chart.type == "body" and len(content) == 1:  # a pure text box cannot take a picture well
            pass
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


def _user_mapping(path: Path) -> dict[str, str]:
    f = path.with_name(path.stem + ".layouts.yaml")
    if not f.is_file():
        return {}
    try:
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise TemplateError(f"{f}: cannot read the layout mapping: {exc} — fix the YAML") from None
    unknown = sorted(set(data) - set(ROLES))
    if unknown or not all(isinstance(v, str) for v in data.values()):
        raise TemplateError(f"{f}: map roles ({', '.join(ROLES)}) to layout names; unknown: {', '.join(unknown) or 'non-text value'}")
    return data


def map_roles(prs, path: Path, theme) -> TemplateInfo:
    layouts = all_layouts(prs)
    names = [l.name for l in layouts]
    phs = [layout_placeholders(l) for l in layouts]
    parts = [m.part for m in prs.slide_masters]
    master_of = [parts.index(l.slide_master.part) for l in layouts]
    title_master, content_master = _preferred_masters(prs)

    def order(role) -> list[int]:  # layout indexes, the role's preferred master first
        want = title_master if role in ("title", "section") else content_master
        return sorted(range(len(layouts)), key=lambda i: (master_of[i] != want, i))

    mapping = _user_mapping(path)
    for role, name in mapping.items():
        if name not in names:
            raise TemplateError(f"{path.with_name(path.stem + '.layouts.yaml')}: role '{role}' names layout "
                                f"'{name}', which the template does not have — use one of: {', '.join(names)}")
    defaults = theme.get("deck.layouts")
    aliases = theme.get("deck.layout_aliases")
    roles: dict[str, RoleLayout] = {}

    def make(role, i, how):
        slots = slots_for(role, phs[i])
        if slots is None:
            return None
        chrome = tuple(p for p in phs[i] if p.type in ("ftr", "sldNum", "dt"))
        lo = not master_keeps_styles(layouts[i].slide_master)
        return RoleLayout(role, i, names[i], how, tuple(slots.items()), chrome, moved=lo,
                          grow_title=_title_can_grow(layouts[i]))

    for role in ROLES:
        found = None
        if role in mapping:
            found = make(role, next(i for i in order(role) if names[i] == mapping[role]), "mapping")
            if found is None:
                raise TemplateError(f"{path}: layout '{mapping[role]}' mapped to role '{role}' lacks the placeholders it needs")
        candidates = [(defaults.get(role), "name")] + [(a, "alias") for a in aliases.get(role, [])]
        for want, how in candidates:
            if found or not want:
                continue
            for i in order(role):
                n = names[i]
                if (n == want) if how == "name" else (n.strip().lower() == want):
                    found = make(role, i, how)
                    if found:
                        break
        if not found and role in ("title", "content", "two-content", "section"):
            for i in order(role):
                found = make(role, i, "placeholders")
                if found and role == "section" and found.slot("body") is None:
                    found = None  # a lone title ("Title Only") makes an empty-looking divider
                if found:
                    break
        if found:
            roles[role] = found
    for role in ROLES:  # fallbacks after every direct match is known
        if role not in roles:
            for other in FALLBACK.get(role, ()):
                if other in roles:
                    base = roles[other]
                    slots = dict(base.slots)
                    if role == "section" and "subtitle" in slots:
                        slots = {"title": slots["title"], "body": slots["subtitle"]}
                    roles[role] = RoleLayout(role, base.layout_index, base.layout_name, f"fallback:{other}",
                                             tuple(slots.items()), base.chrome, base.moved, base.grow_title)
                    break
    for need in ("title", "content"):
        if need not in roles:
            raise TemplateError(f"{path}: no layout can serve the '{need}' role (a title placeholder "
                                f"{'and a subtitle' if need == 'title' else 'and one content placeholder'}) — "
                                f"add one, or map it in {path.stem}.layouts.yaml")
    return TemplateInfo(path, tuple(names), roles)


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
        report["layouts"] = [l.name for l in all_layouts(prs)]
        report["masters"] = len(prs.slide_masters)
        info = map_roles(prs, Path(path), theme)
    except TemplateError as exc:
        report["problems"].append(str(exc))
        return report
    for role in ROLES:
        rl = info.roles.get(role)
        if rl is None:
            report["missing"].append(role)
            continue
        report["roles"][role] = {"layout": rl.layout_name, "how": rl.how, "slots": [s for s, _ in rl.slots],
                                 "footer": any(p.type == "ftr" for p in rl.chrome),
                                 "slide_number": any(p.type == "sldNum" for p in rl.chrome)}
        if rl.how.startswith("fallback"):
            report["missing"].append(role)
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
            lines.append(f"  {role:12} {r['layout']!r} ({r['how']}; {', '.join(r['slots'])})")
    lines += [f"  problem: {p}" for p in report["problems"]]
    if report.get("hostile"):
        lines.append("  reaches out of the file or runs code (a build leaves these out, with a warning; --strict refuses):")
        lines += [f"    {f['where']}: {f['what']} [{f['code']}; "
                  + ("left out of decks" if f["severity"] == "warning" else
                     "dropped: inert" if f["code"] == "template.inert" else "on a sample slide only: never built on") + "]"
                  for f in report["hostile"]]
    if report["missing"]:
        lines.append(f"  no own layout for: {', '.join(report['missing'])} (served by another role's layout)")
    return "\n".join(lines)
