"""One small hierarchy of errors; the CLI turns them into messages and exit codes."""
from __future__ import annotations

from typing import Optional

from .dataclass_code import dataclass
from .hidden import UNPRINTABLE, escaped

# Quoted input (a column named "a\nb", a cell holding an escape sequence) must not break the
# one-line format or drive the terminal: line breaks, control, bidi and invisible characters are escaped.
_UNPRINTABLE = UNPRINTABLE


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file, printed as a compiler would."""

    file: str
    line: int
    col: int
    message: str  # what is wrong — what to do
    code: str = "source"  # short rule name, e.g. "yaml.duplicate-key"
    severity: str = "error"  # "error" | "warning"
    excerpt: Optional[str] = None  # the offending source line(s), with a caret

    def __post_init__(self) -> None:
        if _UNPRINTABLE.search(self.message):
            object.__setattr__(self, "message", _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], self.message))

    def format(self) -> str:
        where = f"{escaped(self.file)}:{self.line}:{self.col}" if self.line else escaped(self.file)
        head = f"{where}: {self.severity}: {self.message} [{self.code}]"
        return head + ("\n" + self.excerpt if self.excerpt else "")


class BriefdeckError(Exception):
    """Base of every error briefdeck reports to a user (never with a traceback)."""

    exit_code = 1
    code = "error"  # short rule name, as a Problem has (JSON logs carry it)
    file = ""  # the file the error is about, when there is one


class SourceError(BriefdeckError):
    """The input is invalid: one or more located problems. Exit code 2."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))

    def __reduce__(self):  # results cross process boundaries in batch builds
        return (SourceError, (self.problems,))


class UsageError(BriefdeckError):
    exit_code = 2
    code = "usage"


class ThemeError(BriefdeckError):
    exit_code = 2
    code = "theme"


class TemplateError(BriefdeckError):
    exit_code = 2
    code = "template"


class RenderError(BriefdeckError):
    exit_code = 1
    code = "render"


class LockedError(BriefdeckError):
    """Another run holds the output folder's lock."""

    exit_code = 3
    code = "output.locked"

    def __init__(self, message: str, folder: str = ""):
        super().__init__(message)
        self.file = folder

    def __reduce__(self):
        return (LockedError, (str(self), self.file))
