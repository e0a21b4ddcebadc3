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
import re
import time
from pathlib import Path
from typing import Callable, Iterator, Optional

from . import cache
from .errors import LockedError

TMP_MARK = cache.TMP_MARK  # ".tmp-briefdeck-"
STATE_DIR = cache.STATE_DIR  # ".briefdeck": build records and (by default) the chart cache, beside the outputs


def sha256_file(path: Path) -> str:
    if _HASHED is not None:
        return _remembered_sha256(path)
    return _sha256(path)


def _sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# A build hashes every input before it (is it up to date?) and again for its record, and a process
# that builds again and again (--watch) does so for each build: the fonts are most of the bytes (59
# files, ~12 ms a pass), and they do not change. ``remember_hashes`` (api.build) keeps each file's
# hash by its version (``safeio.version_of``: what the file system says of it; none for a file
# changed too recently to be told apart). A build's hashes are kept for the next process too
# (``recall_hashes``, ``keep_hashes``): a fresh process's build hashes only what changed.
_HASHED: Optional[dict] = None
_HASHED_MAX = 4096
_SEEN: dict = {}  # the versions hashed or recalled since ``take_seen``: what this build's kept table holds
_RECALLED: dict = {}  # a kept table's path -> what it held when recalled (``keep_hashes`` writes it only when that differs)


def remember_hashes() -> None:
    """Keep files' hashes for the life of this process (see ``_HASHED``); idempotent."""
    global _HASHED
    if _HASHED is None:
        _HASHED = {}


def _remembered_sha256(path) -> str:
    from .safeio import version_of

    key = version_of(path)
    got = _HASHED.get(key) if key is not None else None
    if got is None:
        got = _sha256(path)
        if key is not None:
            if len(_HASHED) >= _HASHED_MAX:
                _HASHED.clear()
            _HASHED[key] = got
    if key is not None and len(_SEEN) < _HASHED_MAX:
        _SEEN[key] = got
    return got


def take_seen() -> dict:
    """The files' versions and hashes a build looked up since the last call (see ``_SEEN``)."""
    seen = dict(_SEEN)
    _SEEN.clear()
    return seen


_VERSION_TYPES = (str, int, int, int, int, int)  # safeio.version_of: path, device, inode, size, mtime and ctime (ns)


def recall_hashes(path: Path) -> None:
    """Remember the hashes kept at ``path`` by an earlier build (``keep_hashes``): a file whose
    version is the one kept holds the bytes hashed then (``safeio.version_of``), so it is not read
    again. An entry that is damaged or not a table of hashes is said and not used."""
    _RECALLED.pop(str(path), None)
    data = read_kept(path) if _HASHED is not None else None
    if data is None:
        return
    try:
        rows = json.loads(data)
    except (ValueError, RecursionError):  # (RecursionError: nested deeper than the parser goes)
        rows = None
    if not (isinstance(rows, list) and all(isinstance(r, list) and len(r) == 7 and all(type(v) is t for v, t in zip(r, _VERSION_TYPES))
                                           and isinstance(r[6], str) and re.fullmatch("[0-9a-f]{64}", r[6]) for r in rows)):
        distrust(path, "is not a table of file hashes")
        return
    held = {tuple(r[:6]): r[6] for r in rows}
    if len(_HASHED) + len(held) > _HASHED_MAX:
        _HASHED.clear()
    _HASHED.update(held)
    _RECALLED[str(path)] = held


def keep_hashes(path: Path) -> None:
    """Keep at ``path``, for the next process, the hashes this build looked up (``take_seen``):
    its inputs and outputs, so the entry holds no more than one build's files. Not written when
    it holds them already."""
    seen = take_seen()
    if seen and seen != _RECALLED.pop(str(path), None):
        keep_file(path, json.dumps(sorted([*k, v] for k, v in seen.items())).encode("utf-8"))


def temp_path(final: Path) -> Path:
    return final.with_name(f"{TMP_MARK}{os.getpid()}-{final.name}")


def clean_temp_files(folder: Path, names: Optional[set[str]] = None) -> list[Path]:
    """Remove temp files left by a run that was killed (called under the lock), in ``folder`` and its
    state folder (a build record is written before the renames); with ``names``, only those of these
    outputs and records (a shard's: other shards may be writing theirs)."""
    removed = []
    for where in (folder, folder / STATE_DIR):
        if where.is_dir():
            for p in where.iterdir():
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
    """Rename finished temp files into place, after flushing them to disk: all at once, each but
    the first in a thread of its own (fsync waits for the disk, not for Python), so that the disk
    flushes them together (a build's three outputs on ext4: 3.4 ms against 10.9 ms one by one)."""
    errors: list[OSError] = []

    def flush(path: Path) -> None:
        try:
            with open(path, "rb") as f:
                os.fsync(f.fileno())
        except OSError as exc:
            errors.append(exc)

    import threading

    others = [threading.Thread(target=flush, args=(tmp,), name="briefdeck-fsync") for tmp, _ in pairs[1:]]
    for t in others:
        t.start()
    for tmp, _ in pairs[:1]:
        flush(tmp)
    for t in others:
        t.join()
    if errors:
        raise errors[0]
    for tmp, final in pairs:
        os.replace(tmp, final)
    for folder in dict.fromkeys(final.parent for _, final in pairs):  # (a build's outputs and its record)
        fsync_dir(folder)


# -- the cache: entries written whole, read back only when they verify ------------------------------
# An entry is a header naming the SHA-256 of its file name and its payload, then the payload. A
# reader checks both before using a byte: a truncated, emptied, swapped (another entry's file under
# this name) or planted file does not verify, and what it held is derived again. Anyone who can
# write the output folder can still forge an entry with its digest; what this stops is damage and
# mix-ups (a restored CI cache, a shared drive, a disk that filled), and links leading out.
CACHE_MAGIC = b"briefdeck-cache 1 "
MAX_ENTRY_BYTES = 256 * 1024 * 1024  # the largest PNG of a slide-sized chart is a few MB
_HEADER = len(CACHE_MAGIC) + 64 + 1


def _entry_digest(name: str, payload: bytes) -> bytes:
    return hashlib.sha256(name.encode("utf-8") + b"\0" + payload).hexdigest().encode("ascii")


def _say_cache_problem(path: Path, what: str) -> None:
    import sys

    print(f"{path}: warning: {what} [cache.corrupt]", file=sys.stderr)


# Who hears that an entry did not verify: the build's log (api.build sets it), else stderr. A module
# setting, as the cache is read deep inside renderers and in forked processes (which inherit it).
cache_problem: Callable[[Path, str], None] = _say_cache_problem


def distrust(path: Path, why: str) -> None:
    """Say that the cache entry ``path`` was not used (``why``), and that it is derived again."""
    cache_problem(Path(path), f"cache entry {why} — not used; derived again")


def value_digest(what, salt: bytes = b"") -> Optional[str]:
    """The sha256 (hex) of ``salt`` and ``what`` pickled without its memo, as a kept entry's key: equal
    values give equal bytes whichever of their parts are one object (a cold build's plan shares what
    a warm one's copies); None when it cannot be pickled so (not picklable, or refers to itself)."""
    import io
    import pickle

    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=5)
    pickler.fast = True  # no memo
    try:
        pickler.dump(what)
    except Exception:  # noqa: BLE001 -- what cannot be told is made anew
        return None
    return hashlib.sha256(salt + buf.getvalue()).hexdigest()


_UNKEPT: set[str] = set()  # entries this process could not write, said once each (a --watch session retries every rebuild)


def keep_file(path: Path, data: bytes) -> bool:
    """A cache entry, written whole and renamed into place (a reader sees the old file or the new,
    never half of one), in its folder, made if need be; not synced: losing it costs a recompute.
    Its header names the digest ``read_kept`` checks. A cache that cannot be written (a full disk,
    a read-only folder) costs the next build a recompute, and never fails this one: it is said
    once a process for each entry, and False is returned (True when the entry is written)."""
    path = Path(path)
    # unique across machines sharing the folder (--cache on a shared volume): pids repeat there
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()  # never write through a link planted under this name
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(CACHE_MAGIC + _entry_digest(path.name, data) + b"\n")
            f.write(data)
        os.replace(tmp, path)
        cache.note(path)  # written by this build: in use
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if str(path) not in _UNKEPT:
            _UNKEPT.add(str(path))
            cache_problem(path, f"cannot keep this cache entry ({exc.strerror or exc}) — the next build derives it again")
        return False
    _UNKEPT.discard(str(path))  # (said again should it fail again)
    return True


def deflated_kept(path: Path, blob: bytes, deflate: "Callable[[bytes], bytes]", wbits: int, read: bool = True) -> bytes:
    """``blob`` deflated: the kept entry ``path`` when it verifies and inflates back to exactly ``blob``
    (a shared cache's entry is trusted for what it holds, not for its name: inflating costs a tenth
    of deflating), else ``deflate(blob)``, kept there; ``read`` False: deflated anew (--force).
    ``wbits`` as zlib's: -15 a raw stream (a zip's entry), 15 the zlib format (a PDF's stream)."""
    import zlib

    data = read_kept(path) if read else None
    if data is not None:
        try:
            z = zlib.decompressobj(wbits)
            if not (z.decompress(data) == blob and z.eof and not z.unused_data):
                data = None
        except zlib.error:
            data = None
    if data is None:
        data = deflate(blob)
        keep_file(path, data)
    return data


def still_kept(path: Optional[Path], make: "Callable[[], bytes]") -> bool:
    """What a process holds in memory (read once per process) is in use by this build too: its
    cache entry is noted (pruning keeps it), or written again where it is missing (a new output
    folder, an entry pruned since). Whether the entry is there now (``keep_file``)."""
    if path is None:
        return False
    if Path(path).is_file():
        cache.note(path)
        return True
    return keep_file(path, make())


def read_kept(path: Path) -> Optional[bytes]:
    """The payload of the cache entry ``path`` when it verifies; None when it is absent, or is not a
    regular file (a symbolic link is never followed), or its digest does not match its name and
    payload (said, through ``cache_problem``). The one way every cache entry is read."""
    from .safeio import NotRegular, TooLarge, read_regular

    path = Path(path)
    try:
        raw = read_regular(path, follow=False, max_bytes=MAX_ENTRY_BYTES)
    except (FileNotFoundError, NotADirectoryError):  # (a file where its folder would be: no entry; keep_file says it)
        return None
    except NotRegular as exc:
        distrust(path, f"is {exc.kind}")
        return None
    except TooLarge:
        distrust(path, "is larger than any entry briefdeck writes")
        return None
    except OSError as exc:
        distrust(path, f"cannot be read ({exc.strerror or exc})")
        return None
    if not raw.startswith(CACHE_MAGIC) or raw[_HEADER - 1:_HEADER] != b"\n":
        distrust(path, "has no digest (emptied, or not written by briefdeck)")
        return None
    payload = raw[_HEADER:]
    if raw[len(CACHE_MAGIC):_HEADER - 1] != _entry_digest(path.name, payload):
        distrust(path, "does not match its digest (truncated, changed or swapped)")
        return None
    cache.note(path)  # read by this build: in use
    return payload


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


def read_json_state(path: Path) -> Optional[dict]:
    """A build record or the manifest, as a mapping; None when absent, not a regular file (never
    followed through a link, never waited on), too large or not a JSON object: built again."""
    from .safeio import read_regular

    try:
        data = json.loads(read_regular(path, follow=False, max_bytes=64 * 1024 * 1024))
    except (OSError, ValueError, RecursionError):  # (RecursionError: nested deeper than the parser goes)
        return None
    return data if isinstance(data, dict) else None


def read_record(out_dir: Path, stem: str) -> Optional[dict]:
    return read_json_state(record_path(out_dir, stem))


def json_bytes(data: dict) -> bytes:
    """A build record or the manifest as written: sorted, indented, UTF-8."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json_bytes(data))
