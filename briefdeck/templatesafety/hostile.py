"""Templates arrive by email: what a foreign .pptx would carry into every deck, and a clean copy to build on.

A deck is built on a copy of its template, so whatever the template's masters, layouts, theme and
package hold reaches every deck built on it, and everyone who opens one. What reaches out of the
file or runs code is found here and left out of the copy the build works on:

- external relationships (``TargetMode="External"``): pictures, OLE objects, media fetched from a
  web server or a UNC path when the deck opens (a UNC path hands the reader's Windows credentials
  to that server); hyperlinks other than http:, https: and mailto: (``template.external``,
  ``template.link``);
- macros: a VBA project (``vbaProject.bin``), a macro-enabled content type (a .pptm, even renamed
  .pptx), a custom ribbon whose buttons call macros (``template.macro``);
- embedded OLE objects (``ppt/embeddings/``: Excel sheets, "Package" objects that run the file they
  carry when double-clicked) and ActiveX controls (``template.embedded``, ``template.activex``);
- click actions that run a program, a macro or an OLE verb (``template.action``);
- Office web add-ins (task panes loaded from the web, ``template.addin``);
- inert package extras that have no business in a new deck are dropped with a note, not a warning:
  custom XML data parts, digital signatures (which a new deck would invalidate).

Everything is judged on the zip itself (no python-pptx: the loader's ``--check`` uses it too). The
template's own sample slides are never built on (the writer drops them), so what only they hold
is reported as such and costs no warning. The parts left are the ones still reachable from the
package's relationships, so a dropped object's media and embeddings go with it.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from pathlib import Path
from typing import Optional

from lxml import etree

from ..dataclass_code import dataclass
from .. import links
from ..errors import Problem, TemplateError

R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
O_NS = "urn:schemas-microsoft-com:office:office"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MS_RT = "http://schemas.microsoft.com/office/"

PRESENTATION_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
MACRO_MAIN = {"application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
              "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
              "application/vnd.ms-powerpoint.template.macroEnabled.main+xml"}
MACRO_TYPES = {MS_RT + "2006/relationships/vbaProject", MS_RT + "2006/relationships/vbaProjectSignature",
               MS_RT + "2006/relationships/ui/extensibility", MS_RT + "2007/relationships/ui/extensibility"}
ADDIN_TYPES = {MS_RT + "2011/relationships/webextensiontaskpanes", MS_RT + "2011/relationships/webextension"}
EMBEDDED_TYPES = {RT + "oleObject", RT + "package"}
ACTIVEX_TYPES = {RT + "control", MS_RT + "2006/relationships/activeXControlBinary"}
INERT_TYPES = {RT + "customXml": "custom XML data", RT + "customXmlProps": "custom XML data",
               "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin": "a digital signature"}
# Relationships whose only reference is an r:id in the part's XML: dropped when nothing refers to them any more.
DROPPABLE = {RT + "image", RT + "hyperlink", RT + "video", RT + "audio", MS_RT + "2007/relationships/media",
             RT + "vmlDrawing"} | EMBEDDED_TYPES | ACTIVEX_TYPES
DANGEROUS_ACTIONS = ("ppaction://program", "ppaction://macro", "ppaction://ole")
SHAPES = {f"{{{P_NS}}}{t}" for t in ("sp", "pic", "graphicFrame", "cxnSp", "contentPart")}
HLINKS = {f"{{{A_NS}}}{t}" for t in ("hlinkClick", "hlinkHover", "hlinkMouseOver")}
XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)
WHAT = {  # a finding's kind -> (what to call it, what to do)
    "template.external": "embed the picture or object in the template (not 'Link to File'), or remove it",
    "template.link": "links on a template may be http:, https: or mailto: addresses",
    "template.macro": "save the template as a PowerPoint Presentation (.pptx) without macros",
    "template.embedded": "remove the object from the template, or paste what it shows as a picture",
    "template.activex": "remove the control from the template",
    "template.action": "remove the action (Insert > Action) from the template",
    "template.addin": "remove the add-in from the template",
}


@dataclass(frozen=True)
class Finding:
    code: str  # template.external, template.macro, ... (see WHAT); template.inert for the notes
    where: str  # "layout 'Title and Content'", "the slide master", "sample slide 1", "the package"
    what: str  # "a picture linked to http://example.invalid/logo.png"
    part: str  # the part that held it: "/ppt/slideLayouts/slideLayout2.xml"
    carried: bool = True  # would reach every deck (False: only on the template's sample slides)

    @property
    def severity(self) -> str:
        return "warning" if self.carried and self.code != "template.inert" else "note"


@dataclass(frozen=True)
class Cleaned:
    """The template's zip as the build uses it, and what was left out of it."""

    data: bytes  # the template's own bytes when nothing was left out
    changed: bool
    findings: tuple[Finding, ...] = ()


class _Package:
    """A .pptx read as parts, relationships and content types (zip members, never the file system)."""

    def __init__(self, data: dict[str, bytes], shown: str):
        self.blobs, self.shown = data, shown
        ct = etree.fromstring(data["[Content_Types].xml"], XML)
        self.ct_root = ct
        self.defaults = {e.get("Extension", "").lower(): e.get("ContentType") for e in ct.iter(f"{{{CT_NS}}}Default")}
        self.overrides = {e.get("PartName", "").lower(): e.get("ContentType") for e in ct.iter(f"{{{CT_NS}}}Override")}
        self.rels: dict[str, etree._Element] = {}  # part ("/" for the package) -> its Relationships element
        self.xml: dict[str, etree._Element] = {}  # parsed parts (only those looked into)
        self.dirty: set[str] = set()

    # -- reading -------------------------------------------------------------------------------------
    def content_type(self, part: str) -> str:
        return self.overrides.get(part.lower()) or self.defaults.get(part.rsplit(".", 1)[-1].lower(), "")

    @staticmethod
    def rels_name(part: str) -> str:
        folder, name = posixpath.split(part)
        return posixpath.join(folder, "_rels", name + ".rels").lstrip("/")

    def relationships(self, part: str) -> Optional[etree._Element]:
        if part not in self.rels:
            blob = self.blobs.get(self.rels_name(part) if part != "/" else "_rels/.rels")
            self.rels[part] = etree.fromstring(blob, XML) if blob is not None else None
        return self.rels[part]

    def target(self, part: str, rel) -> Optional[str]:
        """The part an internal relationship points at, if the package has it."""
        t = rel.get("Target", "")
        name = posixpath.normpath(t if t.startswith("/") else posixpath.join(posixpath.dirname(part), t))
        name = "/" + name.lstrip("/")
        return name if name.lstrip("/") in self.blobs else None

    def tree(self, part: str) -> Optional[etree._Element]:
        if part not in self.xml:
            blob = self.blobs.get(part.lstrip("/"))
            ct = self.content_type(part)
            root = None
            if blob is not None and (ct.endswith("xml") or part.endswith((".xml", ".vml"))):
                try:
                    root = etree.fromstring(blob, XML)
                except etree.XMLSyntaxError as exc:
                    raise TemplateError(f"{self.shown}: {part.lstrip('/')} is not well-formed XML ({exc}) — "
                                        "open and save the template in PowerPoint") from None
            self.xml[part] = root
        return self.xml[part]

    def reachable(self) -> dict[str, str]:
        """Part -> the relationship type it was reached by, from the package's relationships."""
        seen: dict[str, str] = {}
        todo = ["/"]
        while todo:
            part = todo.pop()
            rels = self.relationships(part)
            if rels is None:
                continue
            for rel in rels:
                if rel.get("TargetMode") == "External":
                    continue
                t = self.target(part, rel)
                if t is not None and t not in seen:
                    seen[t] = rel.get("Type")
                    todo.append(t)
        return seen

    # -- writing -------------------------------------------------------------------------------------
    def drop_rel(self, part: str, rel) -> None:
        rel.getparent().remove(rel)
        self.dirty.add(self.rels_name(part) if part != "/" else "_rels/.rels")

    def save(self) -> bytes:
        """The package with only the parts still reachable, edited parts and relationships re-serialised."""
        parts = self.reachable()
        keep = {"[Content_Types].xml", "_rels/.rels"} | {p.lstrip("/") for p in parts} | {self.rels_name(p) for p in parts}
        for e in list(self.ct_root.iter(f"{{{CT_NS}}}Override")):
            if e.get("PartName", "").lstrip("/") not in keep:
                self.ct_root.remove(e)
        owners = {self.rels_name(p): p for p in parts} | {"_rels/.rels": "/"}
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, blob in self.blobs.items():
                if name not in keep:
                    continue
                if name == "[Content_Types].xml":
                    blob = _xml_bytes(self.ct_root)
                elif name in self.dirty and name in owners:
                    blob = _xml_bytes(self.rels[owners[name]])
                elif "/" + name in self.dirty:
                    blob = _xml_bytes(self.xml["/" + name])
                z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), blob, zipfile.ZIP_DEFLATED)
        return out.getvalue()


def _xml_bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def read_members(data: bytes, shown: str) -> dict[str, bytes]:
    """Every member of the (already size-checked) archive; a member that cannot be read is a TemplateError."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {i.filename: z.read(i) for i in z.infolist() if not i.is_dir()}
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise TemplateError(f"{shown}: a member of the template cannot be read ({exc}) — open and save the template in PowerPoint") from None


def clean(source, shown: Optional[str] = None) -> Cleaned:
    """The template (``source``: its path, or its bytes) with everything that reaches out of the file or
    runs code left out, and what that was."""
    shown = shown or str(source)
    raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    data = read_members(raw, shown)
    if "[Content_Types].xml" not in data:
        raise TemplateError(f"{shown}: not a PowerPoint deck (no [Content_Types].xml) — save the template as .pptx")
    pkg = _Package(data, shown)
    findings: list[Finding] = []
    main = _main(pkg)
    if main and pkg.content_type(main) in MACRO_MAIN:
        for e in pkg.ct_root.iter(f"{{{CT_NS}}}Override"):
            if e.get("PartName", "").lower() == main.lower():
                e.set("ContentType", PRESENTATION_MAIN)
        findings.append(Finding("template.macro", "the presentation", "is macro-enabled (a .pptm, whatever its name)", main))
    names = _part_names(pkg, pkg.reachable())
    done: set[str] = set()
    # first what every deck gets (masters, layouts, theme...), then what only the sample slides hold;
    # each part is looked into once, and only through the relationships left after cleaning its parent
    for carried in (True, False):
        seen: set[str] = set()
        todo = ["/"]
        while todo:
            part = todo.pop(0)
            if part in seen:
                continue
            seen.add(part)
            if part not in done:
                done.add(part)
                findings += _clean_part(pkg, part, names.get(part, part.lstrip("/")), carried)
            rels = pkg.relationships(part)
            for rel in rels if rels is not None else ():
                t = None if rel.get("TargetMode") == "External" else pkg.target(part, rel)
                if t is not None and t not in seen and (not carried or rel.get("Type") != RT + "slide"):
                    todo.append(t)
    changed = bool(findings) or bool(pkg.dirty)
    return Cleaned(pkg.save() if changed else raw, changed, tuple(findings))


def _part_names(pkg: _Package, reached: dict[str, str]) -> dict[str, str]:
    """How a reader knows each part: "layout 'Title and Content'", "sample slide 2", "the theme"."""
    out: dict[str, str] = {"/": "the package"}
    slides = 0
    masters = sum(1 for t in reached.values() if t == RT + "slideMaster")
    for part, rtype in sorted(reached.items(), key=lambda kv: _natural(kv[0])):
        kind = rtype.rsplit("/", 1)[-1]
        if kind in ("slideLayout", "slideMaster", "slide"):
            root = pkg.tree(part)
            csld = root.find(f"{{{P_NS}}}cSld") if root is not None else None
            name = csld.get("name") if csld is not None else None
            if kind == "slide":
                slides += 1
                out[part] = f"sample slide {slides}"
            elif kind == "slideLayout":
                out[part] = f"layout '{name}'" if name else f"layout {posixpath.basename(part)}"
            else:
                out[part] = f"slide master '{name}'" if name else (
                    "the slide master" if masters == 1 else f"slide master {''.join(filter(str.isdigit, posixpath.basename(part)))}")
        else:
            out[part] = {"theme": "the theme", "notesMaster": "the notes master", "handoutMaster": "the handout master",
                         "officeDocument": "the presentation", "notesSlide": "a sample slide's notes",
                         "chart": "a chart"}.get(kind, part.lstrip("/"))
    return out


def _natural(name: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def _clean_part(pkg: _Package, part: str, where: str, carried: bool) -> list[Finding]:
    found: list[Finding] = []
    rels = pkg.relationships(part)
    root = pkg.tree(part) if part != "/" else None
    refs: dict[str, list] = {}
    if root is not None:
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            for name, value in el.attrib.items():
                if name.startswith(f"{{{R_NS}}}") or name == f"{{{O_NS}}}relid":
                    refs.setdefault(value, []).append((el, name))
    removed_shape = False

    def remove_refs(rid: str) -> None:
        nonlocal removed_shape
        for el, attr in refs.get(rid, ()):
            removed_shape |= _remove_reference(el, attr)
        if refs.get(rid):
            pkg.dirty.add(part)

    def note(code: str, what: str) -> None:
        found.append(Finding(code, where, what, part, carried))

    for rel in list(rels if rels is not None else ()):
        rtype, rid, target = rel.get("Type", ""), rel.get("Id", ""), rel.get("Target", "")
        kind = rtype.rsplit("/", 1)[-1]
        if rel.get("TargetMode") == "External":
            if rtype == RT + "hyperlink":
                acts = [el for el, _ in refs.get(rid, ()) if (el.get("action") or "").lower().startswith(DANGEROUS_ACTIONS)]
                if acts:
                    note("template.action", f"a shape{_shape_name(acts[0])} that runs {_action(acts[0].get('action').lower())} "
                                            f"when clicked ({_short(target)})")
                elif links.problem(target) is None:
                    continue
                else:
                    shapes = sorted({_shape_name(el) for el, _ in refs.get(rid, ())} - {""})
                    note("template.link", f"a link to '{_short(target)}'" + (f" (shape{', '.join(shapes)})" if shapes else ""))
            else:
                note("template.external", _external(kind, target, refs.get(rid, ())))
            remove_refs(rid)
            pkg.drop_rel(part, rel)
            continue
        inner = pkg.target(part, rel)
        if rtype in MACRO_TYPES:
            what = "a custom ribbon whose buttons run macros" if "extensibility" in rtype else "a VBA macro project"
            note("template.macro", f"{what} ({(inner or target).lstrip('/')})")
        elif rtype in ADDIN_TYPES:
            note("template.addin", f"an Office web add-in loaded from the web ({(inner or target).lstrip('/')})")
        elif rtype in INERT_TYPES and part in ("/", _main(pkg)):
            note("template.inert", f"{INERT_TYPES[rtype]} ({(inner or target).lstrip('/')})")
        elif rtype in EMBEDDED_TYPES and not (part.startswith("/ppt/charts/") and rtype == RT + "package"
                                               and "macroEnabled" not in pkg.content_type(inner or "")):
            note("template.embedded", _embedded(refs.get(rid, ()), inner or target))
        elif rtype in ACTIVEX_TYPES:
            note("template.activex", f"an ActiveX control ({(inner or target).lstrip('/')})")
        else:
            continue
        remove_refs(rid)
        pkg.drop_rel(part, rel)

    if root is not None:  # click actions that run something, whatever their relationship
        for el in [e for e in root.iter(*HLINKS)]:
            action = (el.get("action") or "").lower()
            if action.startswith(DANGEROUS_ACTIONS):
                shape = _shape_name(el)
                note("template.action", f"a shape{shape} that runs {_action(action)} when clicked ({el.get('action')})")
                el.getparent().remove(el)
                pkg.dirty.add(part)
        if removed_shape:
            timing = root.find(f"{{{P_NS}}}timing")
            if timing is not None:  # animations of the removed shapes would point at nothing
                root.remove(timing)
        if part in pkg.dirty and rels is not None:  # relationships nothing refers to any more
            still = {v for el in root.iter() if isinstance(el.tag, str) for n, v in el.attrib.items()
                     if n.startswith(f"{{{R_NS}}}") or n == f"{{{O_NS}}}relid"}
            for rel in list(rels):
                if rel.get("Type") in DROPPABLE and rel.get("Id") not in still:
                    pkg.drop_rel(part, rel)
    return found


def _main(pkg: _Package) -> Optional[str]:
    rels = pkg.relationships("/")
    return next((pkg.target("/", r) for r in (rels if rels is not None else ()) if r.get("Type") == RT + "officeDocument"), None)


def _remove_reference(el, attr: str) -> bool:
    """Take out what refers to a dropped relationship; True when a whole shape went."""
    tag = etree.QName(el).localname
    if el.tag in HLINKS:
        el.getparent().remove(el)
        return False
    if tag == "control":  # ActiveX: the control (in its mc:AlternateContent), then an empty p:controls
        holder = _ancestor(el, {f"{{{MC_NS}}}AlternateContent"}) or el
        controls = holder.getparent()
        controls.remove(holder)
        if controls.tag == f"{{{P_NS}}}controls" and len(controls) == 0:
            controls.getparent().remove(controls)
        return True
    if tag == "blip" and _ancestor(el, {f"{{{P_NS}}}pic"}) is None:  # a fill: keep it, without the picture
        del el.attrib[attr]
        return False
    if tag == "externalData":  # a chart's linked workbook: the chart keeps its cached values
        el.getparent().remove(el)
        return False
    shape = _ancestor(el, SHAPES)
    if shape is not None:  # the whole shape, with the mc:AlternateContent it is one choice of
        outer = _ancestor(shape, {f"{{{MC_NS}}}AlternateContent"})
        gone = outer if outer is not None and _ancestor(outer, SHAPES) is None else shape
        gone.getparent().remove(gone)
        return True
    if el.getparent() is not None:
        el.getparent().remove(el)
    return False


def _ancestor(el, tags: set):
    p = el
    while p is not None:
        if p.tag in tags:
            return p
        p = p.getparent()
    return None


def _shape_name(el) -> str:
    shape = _ancestor(el, SHAPES)
    cnv = shape.find(f".//{{{P_NS}}}cNvPr") if shape is not None else None
    return f" '{cnv.get('name')}'" if cnv is not None and cnv.get("name") else ""


def _action(action: str) -> str:
    return {"ppaction://program": "a program", "ppaction://macro": "a macro", "ppaction://ole": "an embedded object"}[
        next(a for a in DANGEROUS_ACTIONS if action.startswith(a))]


def _external(kind: str, target: str, refs) -> str:
    els = {etree.QName(el).localname for el, _ in refs}
    t = _short(target)
    unc = "a network path: opening a deck would send the reader's Windows sign-in to that server" if _is_unc(target) else ""
    if kind == "oleObject" or "oleObj" in els:
        prog = next((el.get("progId") for el, _ in refs if el.get("progId")), None)
        auto = any(el.find(f"{{{P_NS}}}link") is not None and el.find(f"{{{P_NS}}}link").get("updateAutomatic") in ("1", "true")
                   for el, _ in refs)
        notes = [n for n in ("updated from there automatically when a deck opens" if auto else "", unc) if n]
        return f"an {prog + ' ' if prog else ''}object linked to {t}" + (f" ({'; '.join(notes)})" if notes else "")
    if kind == "image":
        return f"a picture linked to {t}, " + (unc or "fetched from there whenever a deck is opened")
    thing = {"video": "a video", "audio": "a sound", "media": "media"}.get(kind, f"a linked {kind}")
    return f"{thing} linked to {t}" + (f", {unc}" if unc else "")


def _embedded(refs, target: str) -> str:
    prog = next((el.get("progId") for el, _ in refs if el.get("progId")), None)
    name = target.lstrip("/")
    if prog == "Package":
        return f"an embedded 'Package' object ({name}) that opens the file it carries when double-clicked"
    return f"an embedded {prog + ' ' if prog else ''}object ({name})"


def _is_unc(target: str) -> bool:
    """A target on another machine reached through Windows file sharing: \\\\host\\share, //host/share,
    file://host/share, file:////host/share (not file:///C:/... or file:///home/..., which are local)."""
    t = target.replace("\\", "/")
    rest = t[5:] if t.lower().startswith("file:") else t
    if not rest.startswith("//"):
        return False
    authority = rest[2:].split("/", 1)[0]
    return authority.lower() not in ("", "localhost") or rest[2 + len(authority):].startswith("//")


def _short(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# -- reporting ----------------------------------------------------------------------------------------
def problems(findings, shown: str) -> list[Problem]:
    """One warning per kind of thing left out and the places that held it (the template is the file)."""
    places: dict[tuple[str, str], list[str]] = {}
    for f in findings:
        if f.severity == "warning":
            seen = places.setdefault((f.code, f.what), [])
            if f.where not in seen:
                seen.append(f.where)
    # a macro project's parts, or the objects embedded in one place, are said in one message;
    # each linked target has its own (it is what the author will look for)
    merged: dict[tuple, list[str]] = {}
    for (code, what), where in places.items():
        merged.setdefault((code, tuple(where), what if code in ("template.external", "template.link") else ""), []).append(what)
    out = []
    for (code, where, _), whats in merged.items():
        state = [w for w in whats if w.startswith("is ")]
        held = [w for w in whats if not w.startswith("is ")]
        said = state + ([("hold " if len(where) > 1 else "holds ") + " and ".join(held)] if held else [])
        out.append(Problem(shown, 0, 0, f"{_subject(list(where))} {' and '.join(said)} — left out of the deck; {WHAT[code]}",
                           code, "warning"))
    return out


def _subject(where: list[str]) -> str:
    """"the template", "the template's layout 'A'", "the template's layouts 'A' and 'B'"."""
    where = ["" if w in ("the presentation", "the package") else w.removeprefix("the ") for w in where]
    if where == [""]:
        return "the template"
    kinds: dict[str, list[str]] = {}
    for w in where:
        kind, _, name = w.partition(" '")
        kinds.setdefault(kind if name else w, []).append("'" + name if name else "")
    said = []
    for kind, names in kinds.items():
        names = [n for n in names if n]
        if len(names) > 1:
            said.append(f"{kind}s {', '.join(names[:-1])} and {names[-1]}")
        else:
            said.append(f"{kind} {names[0]}" if names else kind)
    return "the template's " + (" and ".join(said) if len(said) < 3 else ", ".join(said[:-1]) + " and " + said[-1])
