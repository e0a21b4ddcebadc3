"""The loader's problem collector: located errors and warnings, each once, at its own line.

Every stage reports through a ``Report`` passed to it explicitly (nothing is carried between
calls by attribute). A path into the source -- ``("sections", 2, "paragraphs", 0)`` -- is
turned into the line and column of that value, and a token inside a long text (a ``{fig:x}``
reference on the fourth line of a folded paragraph) into its own line and column.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from .. import model as m
from ..errors import Problem, SourceError
from ..yamlsafe import Located, excerpt

Where = tuple  # a path into the source: keys and list indexes


class Report:
    def __init__(self, located: Located, display: str, *, muted: Iterable[Where] = (),
                 muted_at: Iterable[tuple[int, int]] = ()):
        self.located, self.display = located, display
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        # values already reported and stood in for (by the reader or the schema check): what a later
        # stage says at or under them is about the stand-in, not the author's text, so it is not said
        self.muted = tuple(tuple(p) for p in muted)
        self.muted_at = frozenset(muted_at)

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
    def add(self, line: int, col: int, message: str, code: str, severity: str = "error",
            also: Optional[tuple[int, int]] = None) -> None:
        shown = excerpt(self.located.lines, line, col)
        if also and shown:  # a problem between two places (a duplicate) shows both lines, in file order
            shown = "\n".join(e for _, e in sorted([((line, col), shown), (also, excerpt(self.located.lines, *also))]) if e)
        p = Problem(self.display, line, col, message, code, severity, shown)
        bucket = self.problems if severity == "error" else self.warnings
        if not any((q.line, q.col, q.message) == (line, col, message) for q in bucket):
            bucket.append(p)

    def problem(self, path: Where, message: str, code: str, *, key: bool = False, severity: str = "error",
                token: Optional[str] = None, nth: int = 0, also: Optional[Where] = None) -> None:
        """Report at the value at ``path`` (``also``: a second place the problem involves, whose
        line is shown too)."""
        path = tuple(path)
        if any(path[:len(m)] == m for m in self.muted):
            return
        line, col = self.token_at(path, token, nth) if token else self.located.where(path, key=key)
        if (line, col) in self.muted_at:
            return
        self.add(line, col, message, code, severity, self.located.where(tuple(also)) if also is not None else None)

    def warning(self, path: Where, message: str, code: str, **kw) -> None:
        self.problem(path, message, code, severity="warning", **kw)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise SourceError(sorted(self.problems, key=lambda p: (p.file != self.display, p.file, p.line, p.col)))

    @staticmethod
    def suggest(name: str, options: Any, where: str = "") -> str:
        import difflib  # here: only a mistake asks for a guess
        from .validate import STAND_IN

        options = [o for o in options if o != STAND_IN]  # a value the schema check stood in for
        guess = difflib.get_close_matches(str(name), [str(o) for o in options], n=1, cutoff=0.5)
        if guess:
            return f"did you mean '{guess[0]}'?"
        opts = sorted(str(o) for o in options)
        if opts:
            return f"known: {', '.join(opts[:12])}"
        return f"none is declared; declare it under `{where}:`" if where else "none is declared"
