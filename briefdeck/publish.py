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
import time
from pathlib import Path
from typing import Iterator, Optional

from .errors import LockedError

TMP_MARK = ".tmp-briefdeck-"
STATE_DIR = ".briefdeck"  # build records and the chart cache, beside the outputs


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def temp_path(final: Path) -> Path:
    return final.with_name(f"{TMP_MARK}{os.getpid()}-{final.name}")


def clean_temp_files(folder: Path) -> list[Path]:
    """Remove temp files left by a run that was killed (called under the lock)."""
    removed = []
    if folder.is_dir():
        for p in folder.iterdir():
            if p.name.startswith(TMP_MARK):
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
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_atomic(path: Path, data: bytes) -> None:
    tmp = temp_path(path)
    try:
        tmp.write_bytes(data)
        commit([(tmp, path)])
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def output_lock(folder: Path, wait: float = 0.0) -> Iterator[None]:
    """One run at a time per output folder; a second run waits up to ``wait`` seconds."""
    folder.mkdir(parents=True, exist_ok=True)
    state = folder / STATE_DIR
    state.mkdir(exist_ok=True)
    fd = os.open(state / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise LockedError(f"{folder}: another briefdeck run is using this output folder — wait for it, or pass --wait SECONDS", str(folder)) from None
                time.sleep(0.1)
        yield
    finally:
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
