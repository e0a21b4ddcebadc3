"""Versions of installed libraries, without importing importlib.metadata (35 ms, and it is asked
on every build: build records and caches are keyed by the libraries that made them)."""
from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
from typing import Optional


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.lru_cache(maxsize=None)
def _dist_infos() -> dict[str, str]:
    """Normalised name -> version of every ``NAME-VERSION.dist-info`` folder on sys.path, the first
    of a name as importlib finds it. Read once per process: what it runs with cannot change under it."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip file, a folder gone
            continue
        for d in sorted(names):
            if d.endswith(".dist-info") and "-" in d:
                name, _, version = d[: -len(".dist-info")].rpartition("-")
                found.setdefault(_key(name), version)
    return found


def code_digest(files, libs=()) -> bytes:
    """A hash of what turns inputs into a kept result: the code (file names and bytes; a folder stands
    for its ``*.py`` files below it, sorted), briefdeck's version and the libraries' versions; a cache
    keyed by it is derived again when any changes. Worked out once a process for the same files and
    libraries: the code a process runs does not change under it."""
    return _code_digest(tuple(files), tuple(libs))


@functools.lru_cache(maxsize=None)
def _code_digest(files: tuple, libs: tuple) -> bytes:
    from . import __version__

    h = hashlib.sha256(f"briefdeck {__version__}".encode())
    for p in files:
        for f in sorted(p.rglob("*.py")) if p.is_dir() else (p,):
            h.update(f.name.encode() + f.read_bytes())
    for lib in libs:
        h.update(f"{lib} {version(lib)}".encode())
    return h.digest()


@functools.lru_cache(maxsize=None)
def version(name: str) -> Optional[str]:
    """The installed version of distribution ``name``, or None; a library installed another way
    (an .egg-info) is asked of importlib.metadata."""
    found = _dist_infos().get(_key(name))
    if found is not None:
        return found
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
