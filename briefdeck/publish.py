"""Publishing outputs safely: temp files, atomic renames, a lock, build records, a manifest.

A scheduled job must never leave a half-written brief where the last good one was. Every
output is written to a temporary file in the output folder and renamed into place only
after all outputs of a source succeeded (rename is atomic within one filesystem); the
manifest is written last, the same way, as the commit marker of a run.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import secrets
import time
from pathlib import Path
from typing import Iterator, Optional

from . import cache
from .errors import LockedError

TMP_MARK = ".tmp-briefdeck-"
STATE_DIR = cache.STATE_DIR  # ".briefdeck": build records and (by default) the chart cache, beside the outputs


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def temp_path(final: Path) -> Path:
    return final.with_name(f"{TMP_MARK}{os.getpid()}-{final.name}")


def clean_temp_files(folder: Path, names: Optional[set[str]] = None) -> list[Path]:
    """Remove temp files left by a run that was killed (called under the lock); with ``names``,
    only those of these outputs (a shard's: other shards may be writing theirs)."""
    removed = []
    if folder.is_dir():
        for p in folder.iterdir():
            if p.name.startswith(TMP_MARK) and (names is None or p.name[len(TMP_MARK):].partition("-")[2] in names):
                with contextlib.suppress(OSError):
                    p.unlink()
                    removed.append(p)
    return removed


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def commit(pairs: list[tuple[Path, Path]]) -> None:
    """Rename finished temp files into place, after flushing them to disk."""
    for tmp, _ in pairs:
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
    for tmp, final in pairs:
        os.replace(tmp, final)
    if pairs:
        fsync_dir(pairs[0][1].parent)


def keep_file(path: Path, data: bytes) -> None:
    """A cache entry, written whole and renamed into place (a reader sees the old file or the new,
    never half of one), in its folder, made if need be; not synced: losing it costs a recompute."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # unique across machines sharing the folder (--cache on a shared volume): pids repeat there
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    cache.note(path)  # written by this build: in use


def write_atomic(path: Path, data: bytes) -> None:
    tmp = temp_path(path)
    try:
        tmp.write_bytes(data)
        commit([(tmp, path)])
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def output_lock(folder: Path, wait: float = 0.0, part: Optional[str] = None) -> Iterator[None]:
    """One run at a time per output folder; a second run waits up to ``wait`` seconds.

    ``part`` (a shard's manifest name): the folder is shared with the other shards of the job,
    one run per shard: the folder's lock is held shared (an unsharded run waits for every shard,
    and they for it) and the shard's own lock exclusive."""
    folder.mkdir(parents=True, exist_ok=True)
    state = folder / STATE_DIR
    state.mkdir(exist_ok=True)
    deadline = time.monotonic() + wait
    fds: list[int] = []
    try:
        wanted = [("lock", fcntl.LOCK_EX)] if part is None else [("lock", fcntl.LOCK_SH), (f"lock.{part}", fcntl.LOCK_EX)]
        for name, mode in wanted:
            fds.append(os.open(state / name, os.O_RDWR | os.O_CREAT, 0o644))
            while True:
                try:
                    fcntl.flock(fds[-1], mode | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        raise LockedError(f"{folder}: another briefdeck run is using this output folder — wait for it, or pass --wait SECONDS", str(folder)) from None
                    time.sleep(0.1)
        yield
    finally:
        for fd in fds:
            os.close(fd)


def record_path(out_dir: Path, stem: str) -> Path:
    return out_dir / STATE_DIR / f"{stem}.record.json"


def read_record(out_dir: Path, stem: str) -> Optional[dict]:
    try:
        return json.loads(record_path(out_dir, stem).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
