"""A deck rebuilt from what changed, in a process that builds again and again (``--watch``).

A slide's parts -- its XML, its notes, its native chart and workbook, the pictures it relates to --
depend only on what the writer reads to make it (``DeckWriter.reads``: its planned content, its
position, its layout's analysis, its chart's drawing, logos) and on the deck's context (the template's
bytes as opened, the theme, the language, the date): never on the other slides, except through the
names the package gives new parts and the image parts it shares by content. So a slide made in one
rebuild is kept as the bytes it was saved as, under a hash of all it read (``slide_key``), and the next
rebuild of a deck in which a slide has the same key puts those parts into the package again
(``replay``) instead of making it anew: through the same calls of python-pptx's that name, share and
relate parts (``package.next_partname``, ``get_or_add_image_part``, ``notes_master_part``,
``relate_to``, ``add_sldId``) in the order making it calls them, so every name and relationship id
comes out as the slide made anew would have it. A slide is kept only when all it relates to is of a
kind replayed here (layout, pictures, SVGs, notes, native charts, external links), its relationship ids
are numbered in the order they were made, and its XML reads back to the same bytes (``record``); any
other slide is made anew each time.

The zip's entries are kept deflated too (``Deflated``): the bytes of an entry and its deflated bytes,
used again when an entry has the same bytes (a dict of bytes: equal keys are equal bytes).

What a rebuild's forked deck process keeps travels back to the watching process with its result
(``RenderResult.kept``) and is kept there (``absorb``, from ``warm.keep_warm``), so the next forked
process inherits it; only what the last deck of each source used is kept. Nothing is kept in a
process that builds once (``render.keeping``: set by ``api.warm_up``). Guarded as ``clones`` is: taken only on
the python-pptx code it was written for (``pptx_code.written_for``); ``tests/test_pptx_replay.py`` compares
decks rebuilt after edits with decks made from scratch, byte for byte.
"""
from __future__ import annotations

import hashlib
import io
import pickle
import re
from dataclasses import field
from pathlib import Path
from typing import Optional

from ...dataclass_code import dataclass

_KEPT: dict[str, "Kept"] = {}  # by deck (its source): what its last rebuild made
_SVG = "/ppt/media/image%d.svg"  # pictures.add_svg's names
_NOTES = "/ppt/notesSlides/notesSlide%d.xml"  # python-pptx's NotesSlidePart names



@dataclass
class Kept:
    """What one deck's last rebuild made: its slides by key, its zip's entries by their bytes."""

    slides: dict = field(default_factory=dict)  # key -> slide record (``record``)
    deflated: dict = field(default_factory=dict)  # entry bytes -> (deflated bytes, cache file or None, place)


@dataclass
class Harvest:
    """What a rebuild sends back to be kept: the slides it made anew and the zip entries it deflated,
    with the keys of those it took from what was kept (only these stay)."""

    deck: str
    slides: dict
    used_slides: tuple
    deflated: dict
    used_entries: tuple  # the places of the kept entries it used


def on() -> bool:
    from .. import keeping
    from .pptx_code import written_for

    return keeping() and written_for()


def kept_for(deck: str) -> Kept:
    return _KEPT.get(deck) or Kept()


def absorb(harvest: Optional[Harvest]) -> None:
    """Keep what a rebuild made and used, for the next: nothing else of that deck's."""
    from .. import keep_for_source, used_and_made

    if harvest is None:
        return
    old = kept_for(harvest.deck)
    keep_for_source(_KEPT, harvest.deck, Kept(used_and_made(old.slides, harvest.used_slides, harvest.slides),
                                              kept_entries(old.deflated, harvest.used_entries, harvest.deflated)))


def context(prs, theme, lang: str, updated) -> Optional[bytes]:
    """What every slide of the deck reads besides its own: the template's bytes as opened, the
    theme's settings, the language and the date; None when the template's bytes cannot be told."""
    source = getattr(prs.part.package, "_pkg_file", None)
    if not isinstance(source, io.BytesIO):
        return None
    h = hashlib.sha256(b"briefdeck slides 1\0")
    h.update(hashlib.sha256(source.getvalue()).digest())
    h.update(pickle.dumps((theme.data, lang, updated), protocol=5))
    return h.digest()


def slide_key(ctx: bytes, reads: tuple) -> Optional[bytes]:
    """The hash of everything a slide's making reads; None when it cannot be told (not picklable)."""
    try:
        data = pickle.dumps(reads, protocol=5)
    except Exception:  # noqa: BLE001 -- what cannot be told is made anew
        return None
    return hashlib.sha256(ctx + data).digest()


class Session:
    """One rebuild's deck in a process that keeps slides (``on``): which of its slides are the last
    rebuild's (``records``, by position), and, once saved, what it made anew to keep (``harvest``)."""

    def __init__(self, deck: str, prs, theme, view, plan, info, charts, reads):
        self.deck = deck
        self.kept = kept_for(deck)
        self.keys: dict[int, bytes] = {}  # position -> key, of every slide that can be kept
        self.records: dict[int, tuple] = {}  # position -> the kept record it is made from
        self.files: list[Path] = []  # the chart cache files the put-in slides were made from
        self.deflater: Optional[Deflated] = None
        ctx = context(prs, theme, view.doc.meta.language, view.doc.meta.updated)
        if ctx is None:
            return
        for pos, sp in enumerate(plan.slides, 1):
            what, files = reads(sp, pos, info, view, charts)
            k = slide_key(ctx, what)
            if k is None:
                continue
            self.keys[pos] = k
            if k in self.kept.slides:
                self.records[pos] = self.kept.slides[k]
                self.files.extend(files)

    def replay(self, prs, layout, pos: int) -> None:
        replay(prs, layout, self.records[pos])

    def deflate(self, inner) -> "Deflated":
        """What deflates the zip's entries: ``inner``, or what the last rebuild kept."""
        self.deflater = Deflated(self.kept.deflated, inner)
        return self.deflater

    def harvest(self, prs, layouts: list, entries: list) -> Harvest:
        """What to keep of this deck (``entries``: the zip's, as saved): its slides made anew (each
        that ``record`` takes), and the places of the kept slides and entries it used. The chart files
        the kept slides were made from are noted as in use, as drawing them would have."""
        from ...cache import note

        for path in self.files:
            if path.is_file():
                note(path)
        blobs = {"/" + name: blob for name, blob in entries}
        made = {}
        slides = prs.slides
        for pos, k in self.keys.items():
            if pos in self.records:
                continue
            slide_part = slides[pos - 1].part
            layout_part = slide_part.part_related_by(_SLIDE_LAYOUT)
            if layout_part not in layouts:
                continue
            rec = record(slide_part, layout_part, blobs)
            if rec is not None:
                made[k] = rec
        used = tuple(self.keys[pos] for pos in self.records)
        d = self.deflater
        return Harvest(self.deck, made, used, d.made if d else {}, tuple(d.used) if d else ())


_SLIDE_LAYOUT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slideLayout"


# -- recording -------------------------------------------------------------------------------------
def _roundtrips(blob: bytes) -> bool:
    """Whether XML read back as python-pptx reads a part gives the same bytes when saved."""
    from pptx.opc.oxml import serialize_part_xml
    from pptx.oxml import parse_xml

    try:
        return serialize_part_xml(parse_xml(blob)) == blob
    except Exception:  # noqa: BLE001
        return False


def _ordered(rels) -> Optional[list]:
    """A part's relationships when their ids are rId1..rIdN in the order they were made (what
    ``relate_to`` gives when they are made again in that order), each target once; else None."""
    items = list(rels._rels.items())
    if [rid for rid, _ in items] != [f"rId{i}" for i in range(1, len(items) + 1)]:
        return None
    seen = set()
    for _, rel in items:
        target = rel.target_ref if rel.is_external else id(rel.target_part)
        if (rel.reltype, target) in seen:
            return None
        seen.add((rel.reltype, target))
    return [rel for _, rel in items]


def record(slide_part, layout_part, blobs: dict) -> Optional[tuple]:
    """The slide of ``slide_part`` as it was saved (``blobs``: part name -> bytes), as a record
    ``replay`` makes again: (its XML, the operations that relate its parts, in order); None when it
    relates to something not replayed here, or its XML would not read back to the same bytes."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.opc.package import Part
    from pptx.parts.chart import ChartPart
    from pptx.parts.embeddedpackage import EmbeddedXlsxPart
    from pptx.parts.image import ImagePart
    from pptx.parts.slide import NotesSlidePart

    rels = _ordered(slide_part.rels)
    if not rels or rels[0].is_external or rels[0].reltype != RT.SLIDE_LAYOUT or rels[0].target_part is not layout_part:
        return None
    xml = blobs.get(str(slide_part.partname))
    if xml is None or not _roundtrips(xml):
        return None
    ops = []
    for rel in rels[1:]:
        if rel.is_external:
            if rel.reltype != RT.HYPERLINK:
                return None
            ops.append(("link", rel.target_ref))
            continue
        part = rel.target_part
        name = str(part.partname)
        blob = blobs.get(name)
        if blob is None:
            return None
        if rel.reltype == RT.IMAGE and type(part) is ImagePart and not part.rels:
            ops.append(("image", blob))
        elif rel.reltype == RT.IMAGE and type(part) is Part and part.content_type == "image/svg+xml" and not part.rels \
                and re.fullmatch(r"/ppt/media/image\d+\.svg", name):
            ops.append(("svg", blob))
        elif rel.reltype == RT.NOTES_SLIDE and type(part) is NotesSlidePart and re.fullmatch(r"/ppt/notesSlides/notesSlide\d+\.xml", name):
            own = _ordered(part.rels)
            if not own or len(own) != 2 or own[0].reltype != RT.NOTES_MASTER or own[1].reltype != RT.SLIDE \
                    or own[1].target_part is not slide_part or not _roundtrips(blob):
                return None
            ops.append(("notes", blob))
        elif rel.reltype == RT.CHART and type(part) is ChartPart and re.fullmatch(r"/ppt/charts/chart\d+\.xml", name):
            own = _ordered(part.rels)
            if not own or len(own) != 1 or own[0].is_external or own[0].reltype != RT.PACKAGE:
                return None
            book = own[0].target_part
            book_blob = blobs.get(str(book.partname))
            if type(book) is not EmbeddedXlsxPart or book.rels or book_blob is None or not _roundtrips(blob) \
                    or not re.fullmatch(r"/ppt/embeddings/Microsoft_Excel_Sheet\d+\.xlsx", str(book.partname)):
                return None
            ops.append(("chart", blob, book_blob))
        else:
            return None
    return xml, tuple(ops)


# -- replaying -------------------------------------------------------------------------------------
def replay(prs, layout, rec: tuple) -> None:
    """Add the slide of record ``rec`` (made on ``layout``) to ``prs`` as ``Slides.add_slide`` and
    the writer would: the same python-pptx calls, in the same order, that name, share and relate parts.
    A relationship to a part made just now is added without looking for one to the same part first
    (``relate_to`` would find none: parts are told apart by identity)."""
    from pptx.opc.constants import CONTENT_TYPE as CT
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.opc.package import Part
    from pptx.oxml import parse_xml
    from pptx.parts.chart import ChartPart
    from pptx.parts.embeddedpackage import EmbeddedXlsxPart
    from pptx.parts.slide import NotesSlidePart, SlidePart

    xml, ops = rec
    presentation = prs.part
    package = presentation.package
    # Slides.add_slide: PresentationPart.add_slide (SlidePart.new), then the slide id
    slide_part = SlidePart(presentation._next_slide_partname, CT.PML_SLIDE, package, parse_xml(xml))
    _relate_new(slide_part, layout.part, RT.SLIDE_LAYOUT)
    rid = _relate_new(presentation, slide_part, RT.SLIDE)
    prs.slides._sldIdLst.add_sldId(rid)
    for op in ops:
        kind = op[0]
        if kind == "link":  # a run's hyperlink
            slide_part.relate_to(op[1], RT.HYPERLINK, is_external=True)
        elif kind == "image":  # insert_picture / add_picture
            slide_part.get_or_add_image_part(io.BytesIO(op[1]))
        elif kind == "svg":  # pictures.add_svg
            _relate_new(slide_part, Part(package.next_partname(_SVG), "image/svg+xml", package, op[1]), RT.IMAGE)
        elif kind == "notes":  # SlidePart._add_notes_slide_part, NotesSlidePart.new
            master = package.presentation_part.notes_master_part
            notes = NotesSlidePart(package.next_partname(_NOTES), CT.PML_NOTES_SLIDE, package, parse_xml(op[1]))
            _relate_new(notes, master, RT.NOTES_MASTER)
            _relate_new(notes, slide_part, RT.SLIDE)
            _relate_new(slide_part, notes, RT.NOTES_SLIDE)
        else:  # "chart": SlidePart.add_chart_part (ChartPart.new, its workbook)
            chart = ChartPart.load(package.next_partname(ChartPart.partname_template), CT.DML_CHART, package, op[1])
            book = EmbeddedXlsxPart(package.next_partname(EmbeddedXlsxPart.partname_template), EmbeddedXlsxPart.content_type, package, op[2])
            _relate_new(chart, book, RT.PACKAGE)
            _relate_new(slide_part, chart, RT.CHART)


def _relate_new(source, target, reltype: str) -> str:
    """``source.relate_to(target, reltype)`` where ``source`` or ``target`` was made just now: no
    relationship of ``source`` can be to ``target`` yet, so one is added (``get_or_add`` would look
    through all of them first: the presentation's are as many as the slides)."""
    return source._rels._add_relationship(reltype, target)


# -- the zip's entries -----------------------------------------------------------------------------
class Deflated:
    """Deflates the zip's entries as ``inner`` does (``zipwrite.deflate`` or ``KeptDeflate``), taking an
    entry's deflated bytes from what the last rebuild kept when it has the same bytes (a large one's
    cache file noted as in use, as ``KeptDeflate`` would note it); what it deflates anew is kept for
    the next."""

    def __init__(self, kept: dict, inner):
        self.kept, self.inner = kept, inner  # entry bytes -> (deflated, cache file or None, place)
        self.used: list[int] = []
        self.made: dict = {}

    def __call__(self, blob: bytes) -> bytes:
        found = self.kept.get(blob)
        if found is not None:
            data, path, place = found
            if path is not None:
                from ...publish import still_kept

                still_kept(Path(path), lambda: data)
            self.used.append(place)
        else:
            data, path = self.inner.deflate(blob) if hasattr(self.inner, "deflate") else (self.inner(blob), None)
            self.made[blob] = (data, None if path is None else str(path))
        return data


def kept_entries(old: dict, used, made: dict) -> dict:
    """The entries a rebuild used of those kept, and those it deflated anew, numbered by place."""
    places = set(used)
    both = [(b, v[:2]) for b, v in old.items() if v[2] in places] + list(made.items())
    return {b: (*v, i) for i, (b, v) in enumerate(both)}
