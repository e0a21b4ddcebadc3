"""A deck whose slides did not change but for their speaker notes, made from the last deck on disk.

A prose edit of a section mostly changes what the deck says in a slide's speaker notes (the brief's
paragraphs are the notes of the slides that summarise them). The deck made anew would differ from
the last one in those notes slides only: every other part -- the slides, their pictures and charts,
the package around them -- depends on what each slide's making reads besides its notes
(``reads.slide_reads``: the plan of the slide without its notes, its position, its layout's
analysis, its chart's drawing) and on the deck's context (the template's bytes as opened, the theme,
the language, the date, the document's properties, the code that writes a deck -- ``context`` names
it --, the deck renderer's libraries and Python's version), never on the notes.
And a notes slide made by ``notes.set_notes`` on the last deck's notes slide of that slide is the one
made anew: ``set_notes`` replaces every paragraph of the notes placeholder and nothing else.

So after every deck made in a process that builds once, a small entry is kept beside the build's
derived data (``derived/decks/``, named by the deck's path, written and verified as every cache entry
is: ``publish.keep_file``/``read_kept``): the sha256 of the deck as saved, its context's hash, and for
each slide the hash of what it read but its notes, the hash of its notes and its notes slide's entry.
The next build of that deck (``take``), in a fresh process, plans the deck as always; when the entry
verifies, the context is the same, the deck on disk is the one the entry describes (its sha256), and
every slide reads the same but for notes that changed where both decks have some (written by
``set_notes`` both times), the deck is the last one's zip with those notes slides' entries made anew
and every other entry copied as it was deflated: no slide is made, nothing is serialized or deflated
again. Anything else -- a slide changed, added or removed, notes added or removed, a damaged or
planted entry, a deck on disk that is not the one described -- makes the deck as before.
``tests/test_pptx_replay.py`` compares decks made so after edits with decks made from scratch.
"""
from __future__ import annotations

import hashlib
import io
import json
import pickle
import zipfile
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Optional

from ...model import NOWHERE

_VERSION = 1
_NOTES_SLIDE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/notesSlide"


def entry_path(cache_dir: Optional[Path], final: Path) -> Optional[Path]:
    """Where the entry of the deck written to ``final`` is kept: one per deck path (a shared cache's
    derived folder serves several projects), or None without a derived folder."""
    if cache_dir is None:
        return None
    name = hashlib.sha256(str(Path(final).resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return Path(cache_dir) / "decks" / f"{name}.json"


def final_of(out_path: Path) -> Path:
    """The output a build's temporary file (``publish.temp_path``) becomes; a path given as it is
    otherwise (``render_pptx``)."""
    from ...publish import TMP_MARK

    name = out_path.name
    if name.startswith(TMP_MARK) and "-" in name:
        return out_path.with_name(name[len(TMP_MARK):].partition("-")[2])
    return out_path


_CODE = ("model.py", "typography.py", "present", "charts/style.py", "charts/format.py")  # outside render/pptx


def context(deck) -> Optional[str]:
    """The hash of what every part of the deck but its slides' own reads: the template's bytes as
    opened, the theme's settings (as JSON: a theme parsed anew and one kept parsed pickle apart), the
    language, the date and the document's properties, the template's link colours and size; the code
    that writes a deck: briefdeck's version, every file of ``render/pptx`` and ``charts/colour.py``
    (``layout_cache``'s digest) and the code it runs outside (``_CODE``: the model's and the reading
    plan's classes, the words and styles it reads); the versions of the libraries the deck renderer
    declares (``RENDERERS["pptx"].libraries``: python-pptx, XlsxWriter, lxml, Pillow, numpy), Python's
    and zlib's. None when it cannot be told."""
    import sys

    from ...versions import code_digest
    from .. import RENDERERS
    from . import pptx_code
    from .layout_cache import _code_digest

    from .template.opening import Unopened

    prs = deck.prs
    source = io.BytesIO(prs.data) if isinstance(prs, Unopened) else getattr(prs.part.package, "_pkg_file", None)
    if not isinstance(source, io.BytesIO):
        return None
    doc = deck.view.doc
    try:
        theme = json.dumps(deck.theme.data, sort_keys=True, default=str).encode()
        extra = pickle.dumps((doc.meta.language, doc.meta.updated, deck.view.metadata, doc.event.subtitle,
                              deck.info.link_colours, deck.info.size, pptx_code.written_for(), zlib.ZLIB_RUNTIME_VERSION,
                              sys.version), protocol=5)
    except Exception:  # noqa: BLE001 -- what cannot be told is made anew
        return None
    root = Path(__file__).resolve().parent.parent.parent
    code = code_digest([root / f for f in _CODE], RENDERERS["pptx"].libraries)  # once a process (versions)
    h = hashlib.sha256(b"briefdeck kept deck %d\0" % _VERSION)
    for part in (_code_digest(), code, source.getvalue(), theme, extra):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def _slides(deck, charts) -> Optional[list[tuple[str, Optional[str], list]]]:
    """Per slide: the hash of what its making reads but its notes, the hash of its notes text as
    written (None: no notes), and the chart cache files it reads; None when one cannot be told.
    Left out as the writer never reads them: where the slide and its figure stand in the source (an
    edit moves the lines below it; another spelling of the source's path names other files), the
    figure's caption and note (their locations); of a figure it reads its picture, alt text, chart
    and number, its label and chart key apart (``slide_reads``)."""
    from ...publish import value_digest
    from .notes import notes_text
    from .reads import slide_reads

    out = []
    for pos, sp in enumerate(deck.plan.slides, 1):
        fig = replace(sp.figure, loc=NOWHERE, caption=None, note=None) if sp.figure is not None else None
        what, files = slide_reads(replace(sp, notes="", loc=NOWHERE, problems=(), figure=fig), pos, deck.info, deck.view, charts)
        key = value_digest(what)
        if key is None:
            return None
        notes = notes_text(sp.notes)
        out.append((key, hashlib.sha256(notes.encode("utf-8")).hexdigest() if notes else None, [Path(f).name for f in files]))
    return out


# -- after a deck is made ---------------------------------------------------------------------------
def remember(deck, charts, out_path: Path, deflated_files: list) -> None:
    """Keep the entry of the deck just saved to ``out_path`` (its chart cache files: the slides' and
    ``deflated_files``, the large entries' kept deflated bytes). Best effort: without one, the next
    build makes its deck in full."""
    path = entry_path(deck.cache_dir, final_of(Path(out_path)))
    if path is None:
        return
    ctx = context(deck)
    slides = _slides(deck, charts) if ctx is not None else None
    if slides is None:
        return
    from .notes import notes_text, written_by_set_notes

    members = []
    for slide, sp in zip(deck.prs.slides, deck.plan.slides):
        rel = next((r for r in slide.part.rels.values() if r.reltype == _NOTES_SLIDE and not r.is_external), None)
        text = notes_text(sp.notes)
        members.append(rel.target_part.partname.membername if rel is not None and text and written_by_set_notes(text) else None)
    try:
        data = Path(out_path).read_bytes()
    except OSError:
        return
    files = sorted({f for _, _, fs in slides for f in fs} | {Path(p).name for p in deflated_files})
    _keep(path, data, ctx, [(k, n, m) for (k, n, _), m in zip(slides, members)], files)


def _keep(path: Path, data: bytes, ctx: str, slides: list, files: list) -> None:
    from ...publish import keep_file

    entry = {"version": _VERSION, "deck": hashlib.sha256(data).hexdigest(), "size": len(data), "context": ctx,
             "slides": [list(s) for s in slides], "files": files}
    keep_file(path, json.dumps(entry, separators=(",", ":")).encode("utf-8"))


# -- the next build ---------------------------------------------------------------------------------
def take(deck, charts, out_path: Path) -> Optional[int]:
    """The deck written to ``out_path`` from the last one when only speaker notes changed (its size),
    else None, having written nothing."""
    final = final_of(Path(out_path))
    path = entry_path(deck.cache_dir, final)
    if path is None or getattr(charts, "refresh", False) or not path.is_file():  # (--force: made anew)
        return None
    from ...publish import distrust, read_kept

    raw = read_kept(path)
    if raw is None:
        return None
    try:
        entry = json.loads(raw)
    except (ValueError, RecursionError):
        entry = None
    if isinstance(entry, dict) and "version" in entry and entry["version"] != _VERSION:
        return None  # another briefdeck's entry: made in full, and kept anew
    if not _well_formed(entry):
        distrust(path, "is not a deck briefdeck kept")
        return None
    if len(entry["slides"]) != len(deck.plan.slides) or entry["context"] != context(deck):
        return None
    slides = _slides(deck, charts)
    if slides is None:
        return None
    from .notes import notes_text, written_by_set_notes

    changed = {}  # zip member -> the notes text it now holds
    for (key, notes, _), old, sp in zip(slides, entry["slides"], deck.plan.slides):
        if old[0] != key:
            return None
        if old[1] == notes:
            continue
        text = notes_text(sp.notes)
        if notes is None or old[1] is None or old[2] is None or not written_by_set_notes(text):
            return None  # notes added or removed (a part more or less), or written by python-pptx
        changed[old[2]] = text
    old_deck = _last_deck(final, entry)
    if old_deck is None:
        return None
    data = _with_notes(old_deck, changed, deck.view.doc.meta.language)
    if data is None:
        return None
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    Path(out_path).write_bytes(data)
    _note_files(charts, entry["files"])
    _keep(path, data, entry["context"], [(k, n, old[2]) for (k, n, _), old in zip(slides, entry["slides"])], entry["files"])
    return len(data)


def _well_formed(entry) -> bool:
    """Whether ``entry`` has the whole shape ``_keep`` writes: anything else is not used at all."""
    def digest(v) -> bool:
        return isinstance(v, str) and len(v) == 64 and all(c in "0123456789abcdef" for c in v)

    def slide(s) -> bool:
        return (isinstance(s, list) and len(s) == 3 and isinstance(s[0], str)
                and all(v is None or isinstance(v, str) for v in s[1:]))

    return (isinstance(entry, dict) and entry.get("version") == _VERSION and isinstance(entry.get("context"), str)
            and digest(entry.get("deck")) and type(entry.get("size")) is int and entry["size"] >= 0
            and isinstance(entry.get("slides"), list) and all(slide(s) for s in entry["slides"])
            and isinstance(entry.get("files"), list) and all(isinstance(f, str) for f in entry["files"]))


def _last_deck(final: Path, entry: dict) -> Optional[bytes]:
    """The deck on disk, if it is the one the entry describes (size, then sha256)."""
    from ...safeio import read_regular

    try:
        data = read_regular(final, follow=False, max_bytes=int(entry["size"]) + 1)
    except Exception:  # noqa: BLE001 -- absent, a link, another size...: made in full
        return None
    if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["deck"]:
        return None
    return data


def _note_files(charts, names: list) -> None:
    """The chart cache files the last deck was made from are in use by this one too (pruning keeps them)."""
    from ... import cache

    folder = getattr(charts, "cache_dir", None)
    if folder is None:
        return
    for name in names:
        if isinstance(name, str) and name == Path(name).name:
            p = Path(folder) / name
            if p.is_file():
                cache.note(p)


def _with_notes(old: bytes, changed: dict, lang: str) -> Optional[bytes]:
    """The zip ``old`` (as ``zipwrite.zip_bytes`` wrote it) with the notes slides ``changed`` (member
    -> text) written anew by ``set_notes``; every other entry as it was deflated. None when it is
    not such a zip or a notes slide cannot be written so."""
    from lxml import etree

    from .notes import set_notes
    from .zipwrite import _LOCAL, deflate, zip_deflated

    try:
        zin = zipfile.ZipFile(io.BytesIO(old))
        infos = zin.infolist()
    except (zipfile.BadZipFile, ValueError):
        return None
    if not set(changed) <= {i.filename for i in infos}:
        return None
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)  # python-pptx's (oxml_parser)
    items = []
    for info in infos:
        if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x8 or info.date_time != infos[0].date_time:
            return None
        head = _LOCAL.unpack_from(old, info.header_offset)
        start = info.header_offset + _LOCAL.size + head[10] + head[11]
        data = old[start:start + info.compress_size]
        if info.filename not in changed:
            items.append((info.filename, info.CRC, data, info.file_size))
            continue
        xml = zin.read(info.filename)
        try:
            root = etree.fromstring(xml, parser)
        except etree.XMLSyntaxError:
            return None
        if etree.tostring(root, encoding="UTF-8", standalone=True) != xml or not set_notes(root, changed[info.filename], lang):
            return None
        blob = etree.tostring(root, encoding="UTF-8", standalone=True)  # python-pptx's serialize_part_xml
        items.append((info.filename, zlib.crc32(blob), deflate(blob), len(blob)))
    return zip_deflated(items, infos[0].date_time)
