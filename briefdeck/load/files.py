"""Stage: files a source names (data, maps, a template), confined to the project folder.

A source edited by someone else must not make the builder read arbitrary files: absolute
paths, ``..`` and symbolic links that lead out are refused. Every file read is recorded as an
input of the build (its fingerprint decides when to rebuild).
"""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Optional

from ..data import PathProblem, resolve_in
from ..safeio import not_regular
from .report import Report, Where


MAX_FILES_SEARCHED = 5000  # for the nearest name of a missing file
_NOT_INPUTS = {"node_modules", "__pycache__", "output", "venv", "dist", "build"}  # never where a source's files live


class Files:
    """The project's files, as a source may name them; ``inputs`` lists those read."""

    def __init__(self, root: Path, allowed: tuple[Path, ...], report: Report):
        self.root, self.allowed, self.report = root, allowed, report
        self.inputs: list[str] = []

    def find(self, rel: str, where: Where) -> Optional[Path]:
        try:
            p = resolve_in(self.root, rel, self.allowed)
        except PathProblem as exc:
            self.report.problem(where, str(exc), "path.outside")
            return None
        kind = not_regular(p)
        if kind is not None:
            self.report.problem(where, f"'{rel}' is {kind}, not a regular file — name a file", "path.kind")
            return None
        if not p.is_file():
            near = self.nearest(rel)
            hint = f"did you mean '{near}'?" if near else "check the path (relative to the folder that holds assets/)"
            self.report.problem(where, f"file '{rel}' not found in the project folder — {hint}", "path.missing")
            return None
        self.inputs.append(str(p))
        return p

    def nearest(self, rel: str) -> Optional[str]:
        """The project's file most like ``rel``: the same name in another folder, or a name that
        differs by a typo or its extension, beside where ``rel`` points first, then across the project."""
        import difflib  # here: only a mistake asks for a guess

        wanted = PurePosixPath(rel.replace("\\", "/"))
        found: list[PurePosixPath] = []
        for folder, dirs, names in os.walk(self.root):  # hidden folders (.git, .venv) and tools' trees left out
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _NOT_INPUTS)
            here = PurePosixPath(Path(folder).relative_to(self.root).as_posix())
            # a file of the same kind: a CSV is never offered a script in its place
            found.extend(here / n for n in sorted(names) if not n.startswith(".")
                         and (not wanted.suffix or PurePosixPath(n).suffix.lower() == wanted.suffix.lower()))
            if len(found) > MAX_FILES_SEARCHED:  # bounded: a project is a few hundred files
                break
        same_name = sorted(f for f in found if f.name.lower() == wanted.name.lower())
        if same_name:
            return same_name[0].as_posix()
        for pool in ([f for f in found if f.parent == wanted.parent], found):
            stems = {}
            for f in sorted(pool):
                stems.setdefault(f.stem.lower(), f)
            stem = wanted.stem.lower()
            guess = [s for s in stems if len(stem) >= 3 and (s.startswith(stem) or stem.startswith(s))][:1] \
                or difflib.get_close_matches(stem, list(stems), n=1, cutoff=0.75)  # 'canopy' -> 'canopy_2024'
            if guess:
                return stems[guess[0]].as_posix()
        return None

    def shown(self, p: Path) -> str:
        return str(p.relative_to(self.root)) if self.root in p.parents else str(p)
