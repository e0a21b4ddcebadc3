"""The loader's problem collector: located errors and warnings, each once, at its own line.

Every stage reports through a ``Report`` passed to it explicitly (nothing is carried between
calls by attribute). A path into the source -- ``("sections", 2, "paragraphs", 0)`` -- is
turned into the line and column of that value, and a token inside a long text (a ``{fig:x}``
reference on the fourth line of a folded paragraph) into its own line and column.
"""
from __future__ import annotations

import difflib
from typing import Any, Iterable, Optional

from .. import model as m
from ..errors import Problem, SourceError
from ..yamlsafe import Located, excerpt

Where = tuple  # a path into the source: keys and list indexes


class Report:
    def __init__(self, located: Located, display: str):
        self.located, self.display = located, display
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    # -- where -----------------------------------------------------------------------------
    def loc(self, *path: Any) -> m.Loc:
        line, col = self.located.where(tuple(path))
        return m.Loc(self.display, line, col)

    def token_at(self, path: Where, token: str, nth: int = 0) -> tuple[int, int]:
        """Line and column of ``token`` inside the text at ``path`` (its ``nth`` occurrence, counted
        from 0, at or after where the value starts; the value's own position when it is not found as written)."""
        line, col = self.located.where(path)
        lines = self.located.lines
        for n in range(line, min(len(lines), line + 400) + 1):
            text = lines[n - 1]
            k = text.find(token, col - 1 if n == line else 0)
            while k >= 0:
                if nth == 0:
                    return n, k + 1
                nth -= 1
                k = text.find(token, k + len(token))
        return line, col

    # -- what -------------------------------------------------------------------------------
    def add(self, line: int, col: int, message: str, code: str, severity: str = "error") -> None:
        p = Problem(self.display, line, col, message, code, severity, excerpt(self.located.lines, line, col))
        bucket = self.problems if severity == "error" else self.warnings
        if not any((q.line, q.col, q.message) == (line, col, message) for q in bucket):
            bucket.append(p)

    def problem(self, path: Where, message: str, code: str, *, key: bool = False, severity: str = "error",
                token: Optional[str] = None, nth: int = 0) -> None:
        line, col = self.token_at(path, token, nth) if token else self.located.where(tuple(path), key=key)
        self.add(line, col, message, code, severity)

    def warning(self, path: Where, message: str, code: str, **kw) -> None:
        self.problem(path, message, code, severity="warning", **kw)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise SourceError(sorted(self.problems, key=lambda p: (p.file != self.display, p.file, p.line, p.col)))

    @staticmethod
    def suggest(name: str, options: Any, where: str = "") -> str:
        guess = difflib.get_close_matches(str(name), [str(o) for o in options], n=1, cutoff=0.5)
        if guess:
            return f"did you mean '{guess[0]}'?"
        opts = sorted(str(o) for o in options)
        if opts:
            return f"known: {', '.join(opts[:12])}"
        return f"none is declared; declare it under `{where}:`" if where else "none is declared"
