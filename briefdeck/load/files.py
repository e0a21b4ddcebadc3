"""Stage: files a source names (data, maps, a template), confined to the project folder.

A source edited by someone else must not make the builder read arbitrary files: absolute
paths, ``..`` and symbolic links that lead out are refused. Every file read is recorded as an
input of the build (its fingerprint decides when to rebuild).
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..data import PathProblem, resolve_in
from .report import Report, Where


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
        if not p.is_file():
            self.report.problem(where, f"file '{rel}' not found in the project folder — check the path (relative to "
                                       f"the folder that holds assets/)", "path.missing")
            return None
        self.inputs.append(str(p))
        return p

    def shown(self, p: Path) -> str:
        return str(p.relative_to(self.root)) if self.root in p.parents else str(p)
