"""The deck's package: what python-pptx leaves of the template cleaned up, and byte-stable zips.

Properties come from the source only (core, app.xml; the template's custom properties and its
thumbnail go), the template's sample slides go, a LibreOffice template gets the viewProps
PowerPoint wants, each master's theme takes link colours that read; new parts are named as
python-pptx names them without walking the package for each; the deck is zipped once with fixed
entry times (the source's date), so the same deck has the same bytes on any machine.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI

from . import pptx_code

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"


def next_shape_id(tree) -> int:
    """The id a new shape takes in the shape tree (or slide, master) ``tree``: one past the largest."""
    return max([int(e.get("id")) for e in tree.iter(f"{{{P}}}cNvPr")] + [1]) + 1
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
VIEW_PROPS_CT = "application/vnd.openxmlformats-officedocument.presentationml.viewProps+xml"
VIEW_PROPS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<p:viewPr xmlns:a="{A}" xmlns:r="{R}" xmlns:p="{P}">'
    '<p:normalViewPr><p:restoredLeft sz="15620"/><p:restoredTop sz="94660"/></p:normalViewPr>'
    '<p:gridSpacing cx="76200" cy="76200"/></p:viewPr>'
)


def set_properties(prs, doc, meta) -> None:
    """Every document property from the source (``meta``: the view's ``metadata``): nothing of
    python-pptx's or the template's own is left (comments, author, last modified by, category,
    revision; the template's app.xml: company, manager, its slide titles; its custom properties; the
    thumbnail of its first slide)."""
    cp = prs.core_properties
    when = dt.datetime.combine(doc.meta.updated, dt.time(0, 0))
    cp.title = _prop(meta.title)
    cp.subject = _prop(doc.event.subtitle)
    cp.author = _prop(meta.author)
    cp.keywords = _prop(meta.keywords)
    cp.comments = ""  # python-pptx's default template says "generated using python-pptx"
    cp.content_status = ""
    cp.identifier = ""
    cp.version = ""
    cp.last_modified_by = "briefdeck"
    cp.created = when
    cp.modified = when
    cp.last_printed = when
    cp.revision = 1
    cp.language = doc.meta.language
    cp.category = _prop(meta.series)
    _replace_app_properties(prs)
    _drop_custom_properties(prs)
    _drop_thumbnail(prs)


APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<Application>briefdeck</Application><Slides>{slides}</Slides><Notes>{notes}</Notes>'
    '<PresentationFormat>{fmt}</PresentationFormat></Properties>')


def _replace_app_properties(prs) -> None:
    """docProps/app.xml names who made the file (Company, Manager, the template's slide titles): it is
    written anew for the deck, or made when the template had none."""
    rt_ext = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
    ct = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
    slides = len(prs.slides)
    notes = sum(1 for s in prs.slides if s.has_notes_slide)
    ratio = prs.slide_width / max(1, prs.slide_height)
    fmt = "Widescreen" if abs(ratio - 16 / 9) < 0.02 else ("On-screen Show (4:3)" if abs(ratio - 4 / 3) < 0.02 else "Custom")
    blob = APP_XML.format(slides=slides, notes=notes, fmt=fmt).encode()
    pkg = prs.part.package
    for rid, rel in list(pkg._rels.items()):
        if rel.reltype == rt_ext and not rel.is_external:
            if rel.target_part.content_type == ct:
                rel.target_part.blob = blob
                return
            pkg.drop_rel(rid)
    part = Part(PackURI("/docProps/app.xml"), ct, pkg, blob)
    pkg.relate_to(part, rt_ext)


def _drop_custom_properties(prs) -> None:
    """The template's custom document properties describe the template (its author's labels), not the deck."""
    rt_custom = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
    pkg = prs.part.package
    for rid, rel in list(pkg._rels.items()):
        if rel.reltype == rt_custom:
            pkg.drop_rel(rid)


def set_link_colours(prs, fixes) -> None:
    """The deck's copy of a master's theme takes link colours that read on its slides (see
    template/contrast.py): PowerPoint and LibreOffice draw links in the theme's colours."""
    for m, fixed in fixes:
        part = prs.slide_masters[m].part.part_related_by(RT.THEME)
        root = etree.fromstring(part.blob)
        for key, rgb in fixed.items():
            el = root.find(f".//{{{A}}}clrScheme/{{{A}}}{key}")
            if el is not None:
                el.clear()
                etree.SubElement(el, f"{{{A}}}srgbClr", val=rgb)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_thumbnail(prs) -> None:
    """The package thumbnail pictures the template's (or python-pptx's) first slide, not this deck."""
    pkg = prs.part.package
    for rid, rel in list(pkg._rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            pkg.drop_rel(rid)


def drop_existing_slides(prs) -> None:
    """A template's own sample slides are not part of the deck."""
    sld_ids = prs.slides._sldIdLst
    for sld in list(sld_ids):
        prs.part.drop_rel(sld.rId)
        sld_ids.remove(sld)


def ensure_view_props(prs) -> None:
    """PowerPoint repairs decks without viewProps (LibreOffice-saved templates lack it)."""
    if any(r.reltype == RT.VIEW_PROPS for r in prs.part.rels.values()):
        return
    part = Part(PackURI("/ppt/viewProps.xml"), VIEW_PROPS_CT, prs.part.package, VIEW_PROPS.encode())
    prs.part.relate_to(part, RT.VIEW_PROPS)


@contextmanager
def part_names(prs):
    """python-pptx names a new part (notes slide, SVG, chart, workbook, theme) by walking every part of
    the package (``OpcPackage.next_partname``): a deck of n slides cost O(n²), 7 of 16 s at 400 slides.
    While slides are added, parts are only added, never dropped, and every new part hangs off the slide
    being added: the package is walked once, then only what is new under the last slide. The name
    chosen is python-pptx's, by its own rule (the count of names with the template's prefix, plus one,
    then downward to the first free one); a test compares the two on every call.
    A picture's part is found and named the same way, by python-pptx's rules (``get_or_add_image_part``:
    the image part of the same bytes, else a new one with the first free image number), where
    python-pptx is the one this was written for (``pptx_code``); a test compares them on every call."""
    package = prs.part.package
    seen: set[int] = set()
    names: list[str] = []
    by_prefix: dict[str, set[str]] = {}
    images: dict[int, Part] = {}  # the targets of image relationships (python-pptx's ``_ImageParts``)

    def add(part) -> None:
        seen.add(id(part))
        name = str(part.partname)
        names.append(name)
        for prefix, found in by_prefix.items():
            if name.startswith(prefix):
                found.add(name)

    def note(rels) -> None:
        for rel in rels.values():
            if not rel.is_external and rel.reltype == RT.IMAGE:
                images[id(rel.target_part)] = rel.target_part

    def absorb(root) -> None:  # what is new under ``root``: parts not walked before
        note(root.rels)
        stack = [rel.target_part for rel in root.rels.values() if not rel.is_external]
        if id(root) not in seen:
            add(root)
        while stack:
            part = stack.pop()
            if id(part) in seen:
                continue
            add(part)
            note(part.rels)
            stack.extend(rel.target_part for rel in part.rels.values() if not rel.is_external)

    since = [0]  # the first slide that may have grown since the last call (the one being added then)

    def catch_up() -> None:
        if not seen:
            for rel in package.iter_rels():  # as python-pptx's iter_parts, in its order
                if not rel.is_external:
                    if id(rel.target_part) not in seen:
                        add(rel.target_part)
                    if rel.reltype == RT.IMAGE:
                        images[id(rel.target_part)] = rel.target_part
        slides = prs.slides
        for i in range(since[0], len(slides)):
            absorb(slides[i].part)
        since[0] = max(0, len(slides) - 1)

    def named(prefix: str) -> set[str]:
        if prefix not in by_prefix:
            by_prefix[prefix] = {n for n in names if n.startswith(prefix)}
        return by_prefix[prefix]

    def next_partname(tmpl: str) -> PackURI:
        catch_up()
        found = named(tmpl[: (tmpl % 42).find("42")])
        for n in range(len(found) + 1, 0, -1):
            if tmpl % n not in found:
                return PackURI(tmpl % n)
        raise RuntimeError(f"no free part name for {tmpl}")

    def next_image_partname(ext: str) -> PackURI:
        """python-pptx's: the first number no image part has (its parts of every extension counted)."""
        catch_up()
        numbers = sorted(i for i in (PackURI(n).idx for n in named("/ppt/media/image")) if i is not None)
        free = next((i + 1 for i, number in enumerate(numbers) if i + 1 < number), len(numbers) + 1)
        return PackURI("/ppt/media/image%d.%s" % (free, ext))

    def get_or_add_image_part(image_file):
        """python-pptx's: the package's image part of the same bytes (SHA-1), else a new one."""
        from pptx.parts.image import Image, ImagePart

        image = Image.from_file(image_file)
        catch_up()
        same = [p for p in images.values() if hasattr(p, "sha1") and p.sha1 == image.sha1]
        if len(same) > 1:  # which one python-pptx finds depends on its walk's order: its own walk
            return type(package).get_or_add_image_part(package, image_file)
        return same[0] if same else ImagePart.new(package, image)

    # this package only; python-pptx calls them as methods
    own = {"next_partname": next_partname}
    if pptx_code.written_for():
        own.update(next_image_partname=next_image_partname, get_or_add_image_part=get_or_add_image_part)
    for name, fn in own.items():
        setattr(package, name, fn)
    try:
        yield
    finally:
        for name in own:
            delattr(package, name)


def _prop(text: str) -> str:
    """Core properties hold at most 255 characters (OOXML; python-pptx enforces it)."""
    return text if len(text) <= 255 else text[:254].rstrip() + "…"


def stable_zip(data: bytes, updated, core_date: bool = False) -> bytes:
    """Same content, fixed entry times (the source date) and order: same deck, same bytes."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    return _zip_entries(((i.filename, zin.read(i.filename)) for i in zin.infolist()), updated, core_date)


def _zip_entries(entries, updated, core_date: bool = False, deflated=None) -> bytes:
    """(name, bytes) entries as a zip with fixed entry times (the source date), in the order given;
    ``deflated``: what deflates an entry (``zipwrite.KeptDeflate``: read back from the cache)."""
    from .zipwrite import deflate, zip_bytes

    # a zip entry can only say 1980-2107; the true date stays in the core properties
    stamp = (min(max(updated.year, 1980), 2107), updated.month, updated.day, 0, 0, 0)
    if core_date:
        import re

        iso = f"{updated.isoformat()}T00:00:00Z".encode()
        entries = [(name, re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + iso, blob)
                    if name == "docProps/core.xml" else blob) for name, blob in entries]
    return zip_bytes(entries, stamp, deflated or deflate)


class _Entries:
    """python-pptx's physical package writer, as a list: (member name, bytes) in the order written."""

    def __init__(self):
        self.items: list[tuple[str, bytes]] = []

    def write(self, pack_uri, blob: bytes) -> None:
        self.items.append((pack_uri.membername, blob))


def package_entries(prs) -> list[tuple[str, bytes]]:
    """What ``prs.save`` writes, in its order, without zipping it: the deck is zipped once, with fixed
    times, instead of saved, unzipped and zipped again (a third of saving). python-pptx's own writer
    makes the entries (content types, package relationships, each part and its relationships; the
    latter by ``_rels_xml`` where python-pptx is the one it was written for); tests/test_pptx.py
    checks this is ``prs.save`` entry for entry."""
    from pptx.opc.serialized import PackageWriter

    pkg = prs.part.package
    parts = tuple(pkg.iter_parts())
    writer = PackageWriter(io.BytesIO(), pkg._rels, parts)
    entries = _Entries()
    writer._write_content_types_stream(entries)
    writer._write_pkg_rels(entries)
    if not pptx_code.written_for():
        writer._write_parts(entries)
        return entries.items
    for part in parts:  # as PackageWriter._write_parts
        entries.write(part.partname, part.blob)
        if part.rels:
            entries.write(part.partname.rels_uri, _rels_xml(part.rels))
    return entries.items


_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_RELATIONSHIPS, _RELATIONSHIP = f"{{{_PR}}}Relationships", f"{{{_PR}}}Relationship"


def _rels_xml(rels) -> bytes:
    """A part's relationships as python-pptx serializes them (``_Relationships.xml``: in the order of
    their numbers, the target mode only when external), without parsing each from text and placing
    it by its generic child ordering (a twentieth of writing the default deck);
    tests/test_pptx_rels.py compares the two on every part of real decks."""
    root = etree.Element(_RELATIONSHIPS, nsmap={None: _PR})
    for rid in sorted(rels.keys(), key=lambda r: (int(r[3:]) if r.startswith("rId") and r[3:].isdigit() else 0, r)):
        rel = rels[rid]
        el = etree.SubElement(root, _RELATIONSHIP, Id=rel.rId, Type=rel.reltype, Target=rel.target_ref)
        if rel.is_external:
            el.set("TargetMode", "External")
    return etree.tostring(root, encoding="UTF-8", standalone=True)


def save(prs, out_path: Path, updated, deflated=None, entries: Optional[list] = None) -> int:
    """The deck zipped to ``out_path``; ``deflated``: what deflates an entry (``zipwrite.KeptDeflate``:
    as an earlier build did, kept beside the charts); ``entries``: a list given the zip's (name, bytes)."""
    made = package_entries(prs)
    if entries is not None:
        entries.extend(made)
    data = _zip_entries(made, updated, deflated=deflated)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(data)  # the build writes to a temp file and publishes it atomically
    return len(data)
