"""Where the chart cache lives, which of its entries a build used, and pruning those none uses.

The cache (``charts/``: drawn SVG and PNG, the brief's converted drawings, measured parts and
heights, the deck's chart entries deflated once (``.deflate``, used only when they inflate to the
entry); ``derived/``: a template's analysis, fonts' widths and faces, hyphenation patterns, paragraphs'
line breaks, the brief's large PDF streams compressed (``pdfz-*.deflate``), the web page's charts and
fonts (``html-charts/``, ``html-fonts/``), each deck's entry for a notes edit (``decks/``), babel's
merged data for a language (``babel/``) and the hashes of the files a source's build read (``hashes/``)) is
content-addressed: an entry is named by a hash of everything its bytes come from (a deck's entry, by
its output's path, and it says what it was made from), so any number of projects and machines can
share one folder (``--cache DIR``): an entry is written whole under a unique temporary name and
renamed into place (``publish.keep_file``), two writers of one name write the same bytes, and no
lock is needed between machines. A reader that finds an entry gone draws it again.

Bounded, two ways (documented in docs/scheduling.md):
- the default cache, inside the output folder (``.briefdeck/``): after each build, every entry of
  ``charts/`` that no build record of the folder names is removed (each record lists, per format,
  the entries its build used), so the cache holds what the current outputs need and no more;
- a shared cache (``--cache DIR``): no run knows every user's records, so entries are kept by
  use: a build marks what it used (its modification time), and when ``charts/`` exceeds
  ``--cache-limit`` MB, the least recently used entries are removed down to it, never one the
  running build used.
``derived/`` (entries per template, font, hyphenation dictionary, paragraph, large PDF stream, page
chart and deck a build read or made: a few KB each, a font's face ~120 KB, a hyphenation dictionary's
patterns 70-250 KB; ~1.7 MB after a default build) is bounded by use in
both caches: each format marks the entries it read or wrote (their modification time), and when
the folder exceeds ``DERIVED_LIMIT_MB`` the least recently used go, never one the running build
used. Records do not list them: a format made in a forked process notes what it read there.
"""
from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Iterable, Optional

STATE_DIR = ".briefdeck"  # publish.STATE_DIR (not imported: publish notes the entries it keeps here)
TMP_MARK = ".tmp-briefdeck-"  # how publish names a file being written (publish.temp_path): not yet one of these

_USED: set[str] = set()  # cache files this process read or wrote since the last ``take_used``
STALE_TMP_S = 3600  # a temporary file this old is a writer's that died
SHARED_GRACE_S = 3600  # with shards in one folder, entries younger than this may be another shard's, not yet recorded
DEFAULT_LIMIT_MB = 1024
DERIVED_LIMIT_MB = 64  # a template's analysis is ~50 KB: hundreds of templates and edits of one


def root(out_dir: Path, cache_dir: Optional[Path]) -> Path:
    """The cache folder of a build: ``--cache DIR``, else the output folder's state folder."""
    return Path(cache_dir) if cache_dir is not None else Path(out_dir) / STATE_DIR


def note(path: Path) -> None:
    """A cache file this build read or wrote: it is in use (pruning keeps it)."""
    _USED.add(os.path.normpath(path))


def take_used(within: Optional[Path] = None) -> list[str]:
    """The names of the files noted since they were last taken (only those in the folder
    ``within``, when given), sorted; forgets the notes it returns."""
    folder = os.path.normpath(within) if within is not None else None
    taken = {p for p in _USED if folder is None or os.path.dirname(p) == folder}
    _USED.difference_update(taken)
    return sorted({os.path.basename(p) for p in taken})


def _entries(folder: Path) -> Iterable[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            yield from [e for e in it if e.is_file(follow_symlinks=False)]
    except FileNotFoundError:
        return


def _dirs(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return [e for e in it if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return []


def _remove(entry: os.DirEntry) -> bool:
    try:
        os.unlink(entry.path)
        return True
    except FileNotFoundError:  # another run removed it first
        return False


def _tmp(name: str) -> bool:
    return name.startswith(".") and name.endswith(".tmp")


def prune_unrecorded(out_dir: Path, charts: Path, *, started: float, shared: bool) -> Optional[int]:
    """Remove the entries of ``charts`` that no build record in ``out_dir`` names, older than
    ``started`` (a run alone in the folder) or than an hour (``shared``: shards of one job in
    the folder at once, whose entries may not be recorded yet). Returns the number removed; None
    when a record from before entries were recorded exists (nothing is removed then)."""
    live: set[str] = set()
    for rec_path in (Path(out_dir) / STATE_DIR).glob("*.record.json"):
        if rec_path.name.startswith(TMP_MARK):  # a record being written, or left by a run killed before its renames
            continue
        try:
            rec = json.loads(rec_path.read_text(encoding="utf-8"))
            outputs = rec["outputs"].values()
        except (OSError, ValueError, KeyError, AttributeError, TypeError, RecursionError):
            continue  # a damaged record: its source is rebuilt anyway
        for entry in outputs:
            if "cache" not in entry:
                return None
            live.update(entry["cache"])
    cutoff = min(started, time.time() - SHARED_GRACE_S) if shared else started
    removed = 0
    for e in _entries(charts):
        try:
            mtime = e.stat(follow_symlinks=False).st_mtime
        except FileNotFoundError:
            continue
        if _tmp(e.name):
            if mtime < time.time() - STALE_TMP_S:
                removed += _remove(e)
        elif e.name not in live and mtime < cutoff:
            removed += _remove(e)
    return removed


def take_used_under(folder: Path) -> list[str]:
    """The paths noted since they were last taken anywhere under ``folder`` (``derived/`` keeps a
    subfolder per kind: templates, fonts...), sorted; forgets the notes it returns."""
    top = os.path.normpath(folder) + os.sep
    taken = {p for p in _USED if p.startswith(top)}
    _USED.difference_update(taken)
    return sorted(taken)


def touch(paths: Iterable) -> None:
    """Mark files as just used (their modification time), for pruning by use."""
    now = time.time()
    for p in paths:
        with contextlib.suppress(OSError):
            os.utime(p, (now, now))


def mark_used(charts: Path, names: Iterable[str]) -> None:
    """Mark the entries ``names`` of ``charts`` as just used."""
    touch(charts / name for name in names)


def prune_to_limit(charts: Path, limit_bytes: int, keep: Iterable[str] = ()) -> int:
    """Remove the least recently used entries of ``charts`` until it holds at most ``limit_bytes``,
    never one named in ``keep`` (the running build's). Returns the number removed."""
    keep = set(keep)
    return _prune_lru([charts], limit_bytes, lambda name, mtime: name in keep)


def prune_derived(folder: Path, limit_bytes: int, since: float) -> int:
    """Remove the least recently used files under ``folder`` and its subfolders until they hold at
    most ``limit_bytes``, never one used at or after ``since`` (the running build's). Returns the
    number removed."""
    return _prune_lru([folder, *(Path(e.path) for e in _dirs(folder))], limit_bytes, lambda name, mtime: mtime >= since)


def _prune_lru(folders: list[Path], limit_bytes: int, spare) -> int:
    """Remove the least recently used files of ``folders`` until they hold at most ``limit_bytes``,
    never one for which ``spare(name, mtime)`` holds; a dead writer's temporary file goes too."""
    entries, total = [], 0
    for folder in folders:
        for e in _entries(folder):
            try:
                st = e.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            if _tmp(e.name):
                if st.st_mtime < time.time() - STALE_TMP_S:
                    _remove(e)
                continue
            total += st.st_size
            entries.append((st.st_mtime, e.path, st.st_size, e))
    removed = 0
    for mtime, _, size, e in sorted(entries, key=lambda t: (t[0], t[1])):
        if total <= limit_bytes:
            break
        if spare(e.name, mtime):
            continue
        if _remove(e):
            total -= size
            removed += 1
    return removed
