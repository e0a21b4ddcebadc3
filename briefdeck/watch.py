"""``--watch``: rebuild when any input changes, for authors editing a source.

The operating system reports changes, so a save is seen at once instead of at the next poll.
On Linux the watcher reads inotify itself (``_Inotify``), which says when a file is complete:
closed after writing, or renamed into place (an atomic replace). A burst of writes is one
change: the build starts once every changed file is complete and the files have been quiet for
``settle`` milliseconds (an editor's save, however it writes, is over within a few), or quiet for
``step`` milliseconds while one is still open for writing (a writer that never closes). Changes
made while a build runs are kept and start the next one. Elsewhere, or with
``WATCHFILES_FORCE_POLLING=1``, watchfiles watches (FSEvents, ReadDirectoryChangesW, polling),
and the build starts once the files have been quiet for ``step`` milliseconds. The
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
operating system says nothing). Where inotify refuses a folder that is there (its watches used up:
raise ``fs.inotify.max_user_watches``; no permission; no memory), the session says so once, naming
the folder, and polls from then on (``CannotWatch``).
"""
from __future__ import annotations

import errno
import math
import os
import struct
import sys
import threading
import time
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
          settle_ms: int = 3, debounce_ms: int = 1000, log: Callable[[str, dict], None] = lambda e, d: None,
          max_builds: Optional[int] = None, stop: Optional[threading.Event] = None) -> None:
    """Build once, then rebuild after every settled change until interrupted (or ``stop`` is set).
    ``rebuild`` is handed the sources to build: every one at first, then those the change concerns."""
    notify = _Inotify.open()
    polling = False  # inotify failed this session: watchfiles polls
    try:
        if notify is not None:  # before the first build: a save made while it runs starts the next, of a
            # source or of an input its last build read (its record: data, theme, template, fonts)
            try:
                notify.add(sorted({str(p.parent) for p in watched_files(sources, out_dir)}))
            except CannotWatch as exc:
                notify, polling = _given_up(notify, exc, log), True
        rebuild(list(sources))
        builds = 1
        while (max_builds is None or builds < max_builds) and not (stop and stop.is_set()):
            files = watched_files(sources, out_dir)
            wanted = {str(p) for p in files}
            folders = sorted({str(p.parent) for p in files if p.parent.is_dir()})
            log("watching", {"files": len(files)})
            changed = None
            if notify is not None:
                try:
                    changed = notify.settled(folders, wanted, step_ms, settle_ms, debounce_ms, stop)
                except CannotWatch as exc:
                    changed = notify.pending(wanted)  # saved during the build: not lost with the queue
                    notify, polling = _given_up(notify, exc, log), True
            if notify is None and not changed:
                changed = _watchfiles(folders, wanted, step_ms, debounce_ms, stop, polling)
            if not changed:  # stopped
                return
            log("changed", {"files": sorted(changed)})
            _paused(rebuild, touched(sources, out_dir, {Path(p).resolve() for p in changed}) if len(sources) > 1 else list(sources))
            builds += 1
    finally:
        if notify is not None:
            notify.close()


def _paused(rebuild: Callable[[list[Path]], object], sources: list[Path]) -> None:
    """``rebuild(sources)`` with Python's cycle collector paused, then a collection of what the rebuild
    left: off the path from a save to its outputs, where its collections took ~5 ms of CPU a prose
    edit's rebuild (18 young ones and one of the middle generation). A rebuild makes a few MB."""
    import gc

    if not gc.isenabled():
        rebuild(sources)
        return
    gc.disable()
    try:
        rebuild(sources)
    finally:
        gc.enable()
        gc.collect(1)


def _watchfiles(folders: list[str], wanted: set[str], step_ms: int, debounce_ms: int,
                stop: Optional[threading.Event], polling: bool = False) -> set[str]:
    """The wanted files changed, once the folders have been quiet for ``step_ms`` (watchfiles);
    empty when stopped. ``polling``: inotify failed (``CannotWatch``), and watchfiles, which uses
    it too on Linux, would fail the same way (it raises when the watches are used up)."""
    import watchfiles

    changes = next(iter(watchfiles.watch(
        *folders, watch_filter=lambda _change, path: str(Path(path).resolve()) in wanted, step=step_ms,
        debounce=debounce_ms, recursive=False, stop_event=stop, raise_interrupt=True, yield_on_timeout=False,
        force_polling=True if polling else None,
    )), None)
    return {p for _, p in changes or ()}


class CannotWatch(OSError):
    """inotify refused to watch a folder that is there (no watches left, no permission, no memory)."""


def _given_up(notify: "_Inotify", exc: CannotWatch, log: Callable[[str, dict], None]) -> None:
    """Say once why the session polls from now on (``exc``'s folder and what to do), and close inotify."""
    if exc.errno == errno.ENOSPC:
        remedy = ("the system's inotify watches are used up — raise fs.inotify.max_user_watches "
                  "(sudo sysctl fs.inotify.max_user_watches=524288)")
    elif exc.errno == errno.EACCES:
        remedy = f"{exc.strerror} — check that the folder can be read"
    else:
        remedy = f"{exc.strerror} — raise fs.inotify.max_user_watches or free memory if this repeats"
    log("warning", {"code": "watch.inotify", "file": exc.filename, "line": 0, "col": 0,
                    "message": f"{exc.filename}: warning: cannot watch this folder for saves ({remedy}); "
                               "polling the inputs instead [watch.inotify]"})
    notify.close()
    return None


# inotify(7) event bits
_MODIFY, _ATTRIB, _CLOSE_WRITE = 0x2, 0x4, 0x8
_MOVED_FROM, _MOVED_TO, _CREATE, _DELETE = 0x40, 0x80, 0x100, 0x200
_OVERFLOW, _IGNORED, _ONLYDIR = 0x4000, 0x8000, 0x1000000
_MASK = _MODIFY | _ATTRIB | _CLOSE_WRITE | _MOVED_FROM | _MOVED_TO | _CREATE | _DELETE | _ONLYDIR
_COMPLETE = _CLOSE_WRITE | _MOVED_TO  # the file's bytes are all there: closed after writing, renamed into place
_OPEN = _MODIFY | _CREATE | _DELETE | _MOVED_FROM  # more may come: being written, or gone (a save by delete and write)


class _Inotify:
    """The folders' events from Linux's inotify, read for the whole session (a change saved while a
    build runs waits in the kernel's queue and starts the next build)."""

    def __init__(self, libc, fd: int):
        import select

        self.libc, self.fd = libc, fd
        self.folders: dict[int, str] = {}  # watch descriptor -> folder
        self.ready = select.poll()  # (not select.select: a descriptor numbered past 1023 is refused there)
        self.ready.register(fd, select.POLLIN)

    @classmethod
    def open(cls) -> Optional["_Inotify"]:
        """None where inotify is not at hand (not Linux, or polling asked for): watchfiles watches."""
        polling = os.environ.get("WATCHFILES_FORCE_POLLING", "").lower() not in ("", "false", "disable", "disabled")  # as watchfiles reads it
        if polling or not sys.platform.startswith("linux"):
            return None
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.inotify_init1(os.O_CLOEXEC | os.O_NONBLOCK)
        except (OSError, AttributeError):
            return None
        return cls(libc, fd) if fd >= 0 else None

    def close(self) -> None:
        os.close(self.fd)

    def add(self, folders: list[str]) -> None:
        """Watch ``folders``; a folder gone (or no longer a folder) is skipped; raises CannotWatch
        for one inotify refuses (ENOSPC: out of watches; EACCES; ENOMEM): its saves would never be seen."""
        import ctypes

        for f in folders:  # again each time: a folder replaced since is watched anew
            wd = self.libc.inotify_add_watch(self.fd, os.fsencode(f), _MASK)
            if wd >= 0:
                self.folders[wd] = f
                continue
            err = ctypes.get_errno()
            if err not in (errno.ENOENT, errno.ENOTDIR):
                raise CannotWatch(err, os.strerror(err), f)

    def pending(self, wanted: set[str]) -> set[str]:
        """The wanted files changed in what the queue holds now (every one after an overflow)."""
        changed: set[str] = set()
        while events := self._events(0):
            for path, _mask in events:
                if path == "":
                    changed |= wanted
                elif path in wanted:
                    changed.add(path)
        return changed

    def _events(self, timeout: float) -> Optional[list[tuple[str, int]]]:
        """(path, event bits) of what happened within ``timeout`` seconds; None when nothing did."""
        if not self.ready.poll(max(0, math.ceil(timeout * 1000))):
            return None
        try:
            data = os.read(self.fd, 1 << 16)
        except BlockingIOError:
            return []
        out, at = [], 0
        while at < len(data):
            wd, mask, _cookie, size = struct.unpack_from("iIII", data, at)
            name = data[at + 16:at + 16 + size].rstrip(b"\0")
            at += 16 + size
            if mask & _IGNORED:  # the folder is gone
                self.folders.pop(wd, None)
            elif mask & _OVERFLOW:  # events were lost: any file may have changed
                out.append(("", mask))
            elif wd in self.folders and name:
                out.append((os.path.join(self.folders[wd], os.fsdecode(name)), mask))
        return out

    def settled(self, folders: list[str], wanted: set[str], step_ms: int, settle_ms: int, debounce_ms: int,
                stop: Optional[threading.Event]) -> set[str]:
        """The wanted files changed, once every one is complete and the folders have been quiet for
        ``settle_ms`` (or ``step_ms`` while one is still open for writing); at the latest
        ``debounce_ms`` after the first change. Empty when stopped."""
        self.add(folders)
        changed: set[str] = set()
        writing: set[str] = set()
        first = last = 0.0
        while True:
            if not changed:
                if stop is not None and stop.is_set():
                    return set()
                events = self._events(0.1)  # idle: ``stop`` is looked at ten times a second
            else:
                now = time.monotonic()
                quiet = (step_ms if writing else settle_ms) / 1000 - (now - last)
                if quiet <= 0 or now - first >= debounce_ms / 1000:
                    return changed
                events = self._events(min(quiet, first + debounce_ms / 1000 - now))
            for path, mask in events or ():
                if path == "":  # overflow: every watched file
                    changed |= wanted
                elif path in wanted:
                    changed.add(path)
                    if mask & _COMPLETE:
                        writing.discard(path)
                    elif mask & _OPEN:
                        writing.add(path)
                else:
                    continue
                last = time.monotonic()
                first = first or last
