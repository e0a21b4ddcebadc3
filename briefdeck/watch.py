"""``--watch``: rebuild when any input changes, for authors editing a source.

Polls file stamps (no extra dependency, works on every filesystem, including network
mounts where inotify says nothing). A change is acted on once the files have been quiet
for the debounce interval, so an editor's save-in-several-writes triggers one build.
The inputs watched are the sources, everything their last build record lists (data,
maps, templates, theme, fonts), and the theme folder.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Iterable

from .publish import read_record

Stamp = dict[str, tuple[int, int]]


def _stamp(paths: Iterable[Path]) -> Stamp:
    out: Stamp = {}
    for p in paths:
        try:
            st = os.stat(p)
            out[str(p)] = (st.st_mtime_ns, st.st_size)
        except OSError:
            out[str(p)] = (0, -1)  # missing: its reappearance is a change too
    return out


def watched_files(sources: list[Path], out_dir: Path) -> list[Path]:
    """The sources and every input their last build read (data, maps, templates, theme, fonts, locales)."""
    from .assets import Assets

    files = {Path(s).resolve() for s in sources}
    for s in sources:
        assets = Assets.for_source(Path(s))
        rec = read_record(out_dir, Path(s).stem) or {}
        files.update(assets.path_of(k, assets.project) for k in rec.get("inputs", {}))
    return sorted(files)


def watch(sources: list[Path], out_dir: Path, rebuild: Callable[[], object], *, interval: float = 0.5,
          debounce: float = 0.4, log: Callable[[str, dict], None] = lambda e, d: None,
          max_builds: int | None = None) -> None:
    """Build once, then rebuild after every settled change until interrupted."""
    rebuild()
    builds = 1
    files = watched_files(sources, out_dir)
    last = _stamp(files)
    log("watching", {"files": len(files)})
    while max_builds is None or builds < max_builds:
        time.sleep(interval)
        now = _stamp(files)
        if now == last:
            continue
        while True:  # wait until the writes settle
            time.sleep(debounce)
            settled = _stamp(files)
            if settled == now:
                break
            now = settled
        changed = sorted(k for k in now if now[k] != last.get(k))
        log("changed", {"files": changed})
        rebuild()
        builds += 1
        files = watched_files(sources, out_dir)  # a source may now name other data
        last = _stamp(files)
