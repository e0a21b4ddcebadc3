"""Reading a file only when it is a regular file, in bounded time and memory.

``Path.read_bytes`` on a FIFO blocks until a writer comes (a scheduled build hangs for ever), on a
device it reads without end. Every input briefdeck reads (sources, data, templates, fonts, maps,
settings) goes through ``read_regular``: the file is opened without blocking, its kind checked on
the open descriptor (no race between a check and the open), and at most ``max_bytes`` are read.
Cache entries are opened with ``follow=False`` too: a symbolic link planted in the cache folder is
never read through.
"""
from __future__ import annotations

import errno
import os
import stat
import time
from pathlib import Path
from typing import Callable, Optional, TypeVar

T = TypeVar("T")


class NotRegular(OSError):
    """The path exists but is not a regular file (a FIFO, a device, a socket, a folder, a link)."""

    def __init__(self, path: Path, kind: str):
        super().__init__(f"{path} is {kind}, not a regular file")
        self.path, self.kind = path, kind


class TooLarge(OSError):
    def __init__(self, path: Path, size: int, limit: int):
        super().__init__(f"{path} is {size} bytes, more than {limit}")
        self.path, self.size, self.limit = path, size, limit


def kind_of(mode: int) -> str:
    """What a file that is not a regular one is, in words a message can use."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def is_regular(path: Path) -> bool:
    """Whether ``path`` (followed through links) is a regular file; never blocks."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def not_regular(path: Path) -> Optional[str]:
    """None when ``path`` is a regular file (or does not exist); else what it is, e.g. 'a device'."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    return None if stat.S_ISREG(mode) else kind_of(mode)


def read_regular(path: Path, *, follow: bool = True, max_bytes: Optional[int] = None) -> bytes:
    """The bytes of ``path``, which must be a regular file (``follow=False``: and not a symbolic
    link). Raises FileNotFoundError, NotRegular, TooLarge (over ``max_bytes``) or another OSError."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow and exc.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a link (EMLINK on FreeBSD)
            raise NotRegular(Path(path), "a symbolic link") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(Path(path), kind_of(st.st_mode))
        if max_bytes is not None and st.st_size > max_bytes:
            raise TooLarge(Path(path), st.st_size, max_bytes)
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:
            block = os.read(fd, 1 << 20)
            if not block:
                break
            total += len(block)
            if max_bytes is not None and total > max_bytes:  # a file that grows while read
                raise TooLarge(Path(path), total, max_bytes)
            chunks.append(block)
        return b"".join(chunks)
    finally:
        os.close(fd)


# A file changed this recently is not told apart by its status: a second write within one tick of
# a coarse clock (a network or FAT file system) may leave size and times the same ("racy", as git
# calls such entries): what is derived from it is derived anew until it has settled.
_SETTLED_NS = 2_000_000_000


def version_of(path: Path) -> Optional[tuple]:
    """What tells one version of a file from another without reading it, for what a long-running
    process (--watch) keeps derived from the file: its path, device and inode (an editor that saves
    through a new file and a rename makes a new one), size, and modification and change times.
    Every write and rename changes the change time, which no call can set back: a file whose status
    is the same holds the same bytes. None for a file changed within the last ``_SETTLED_NS``:
    nothing derived from it is kept. Raises OSError for a file that is not there."""
    st = os.stat(path)
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) <= _SETTLED_NS:
        return None
    return (os.path.abspath(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def per_version(kept: dict, path: Path, how: tuple, derive: Callable[[], T]) -> T:
    """``derive()`` of the file at ``path``, kept in ``kept`` by the file's version (``version_of``)
    and ``how`` it was derived: a process that builds again and again (--watch) derives it again
    only when the file changes. A file changed a moment ago, or gone, is derived anew every time
    (and ``derive`` says what is wrong with one that is gone); what raises is never kept."""
    try:
        seen = (version_of(path), *how)
    except OSError:
        return derive()
    found = kept.get(str(path))
    if found is not None and found[0] == seen and seen[0] is not None:
        return found[1]
    value = derive()
    if seen[0] is not None:
        kept[str(path)] = (seen, value)
    return value
