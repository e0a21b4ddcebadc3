"""``--watch``: rebuild when any input changes, for authors editing a source.

The operating system reports changes (inotify, FSEvents, ReadDirectoryChangesW, through
watchfiles), so a save is seen at once instead of at the next poll; a burst of writes (an
editor saving in several steps, or through a temporary file and a rename) is one change: the
build starts once the files have been quiet for ``step`` milliseconds -- no fixed sleep. The
process stays warm between builds: after the first it has imported every renderer and the chart
code (``api.warm_up``), so the process it forks per rebuild starts with them. The brief is made
in this process, so what it keeps lasts the session: registered fonts (by content: a font file
edited under the same name is seen), parsed theme files (once per version of each file), the
hyphenation patterns, decoded chart drawings and the canvas calls that paint them
(render/pdf/chartpaint.py), the parsed data files and maps, the hashes of input files that have
not changed (by what the file system says of them: publish.remember_hashes), each paragraph's
parsed markup and line breaks (render/pdf/parsememo.py, breakmemo.py) and the compressed streams
of unchanged bytes (render/pdf/deflate.py); the deck, and the web page
when its charts are drawn already (a prose edit), are made beside it in forked processes, which
inherit the deck's template analysis, its template opened, and what the last rebuild made: the deck's
slides that did not change are put in again as they were saved (render/pptx/replay.py), the page's
charts likewise (render/html/kept.py). A saved
prose edit is on disk as a new brief, deck and web page when the brief's layout is done
(benchmarks/results.md). ``--force`` forces the first build only.

With several sources, a change rebuilds the sources whose last build read the changed file
(``touched``), so a lone source is built in this process, not in one forked per source.

The inputs watched are the sources and everything their last build record lists (data, maps,
templates, theme, fonts, locales); the set is read again after every build, since a source may
name other files now. ``WATCHFILES_FORCE_POLLING=1`` polls instead (network mounts, where the
operating system says nothing).
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Optional

from .publish import read_record


def _read_by(source: Path, out_dir: Path) -> Optional[set[Path]]:
    """The files the last build of ``source`` read (its build record), the source itself among them;
    None when it has no record (what it reads is not known)."""
    from .assets import Assets

    rec = read_record(out_dir, Path(source).stem)
    if not rec or not isinstance(rec.get("inputs"), dict):
        return None
    assets = Assets.for_source(Path(source))
    return {Path(source).resolve()} | {assets.path_of(k, assets.project).resolve() for k in rec["inputs"]}


def watched_files(sources: list[Path], out_dir: Path) -> list[Path]:
    """The sources and every input their last build read (data, maps, templates, theme, fonts, locales)."""
    files = {Path(s).resolve() for s in sources}
    for s in sources:
        files.update(_read_by(s, out_dir) or ())
    return sorted(files)


def touched(sources: list[Path], out_dir: Path, changed: set[Path]) -> list[Path]:
    """The sources a change concerns: each whose last build read a changed file (its build record),
    and each with no record (what it reads is not known); every source when none is (a file that no
    record names any more). Rebuilding only these keeps a lone source's build in the watching
    process (api.build forks a process per source when it builds several), where what the brief
    keeps warm lives."""
    out = []
    for s in sources:
        read = _read_by(s, out_dir)
        if read is None or read & changed:
            out.append(s)
    return out or list(sources)


def watch(sources: list[Path], out_dir: Path, rebuild: Callable[[list[Path]], object], *, step_ms: int = 20,
          debounce_ms: int = 1000, log: Callable[[str, dict], None] = lambda e, d: None,
          max_builds: Optional[int] = None, stop: Optional[threading.Event] = None) -> None:
    """Build once, then rebuild after every settled change until interrupted (or ``stop`` is set).
    ``rebuild`` is handed the sources to build: every one at first, then those the change concerns."""
    import watchfiles

    rebuild(list(sources))
    builds = 1
    while (max_builds is None or builds < max_builds) and not (stop and stop.is_set()):
        files = watched_files(sources, out_dir)
        wanted = {str(p) for p in files}
        folders = sorted({str(p.parent) for p in files if p.parent.is_dir()})
        log("watching", {"files": len(files)})
        changes = next(iter(watchfiles.watch(
            *folders, watch_filter=lambda _change, path: str(Path(path).resolve()) in wanted, step=step_ms,
            debounce=debounce_ms, recursive=False, stop_event=stop, raise_interrupt=True, yield_on_timeout=False,
        )), None)
        if not changes:  # stopped
            return
        log("changed", {"files": sorted({p for _, p in changes})})
        rebuild(touched(sources, out_dir, {Path(p).resolve() for _, p in changes}) if len(sources) > 1 else list(sources))
        builds += 1
