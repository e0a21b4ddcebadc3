"""A layout failure said at the source line of the text that caused it (never "a bug").

A renderer that cannot place something (a box taller than a page, a note taller than the side
column) knows the words it was setting, not where they came from. ``where_text`` finds the node
of the document whose text begins with those words, and ``layout_problem`` makes the located,
exit-2 error an author can act on.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any, Optional

from ..errors import Problem, SourceError
from ..model import NOWHERE, Loc

_WORDS = re.compile(r"\w+")


def _norm(text: str, n: int = 60) -> str:
    """The first ``n`` characters of ``text``'s words, lower case, one space apart (soft hyphens,
    markup entities and quote marks the renderer added are not words)."""
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text.replace("\xad", "").replace("\u200b", ""))
    return " ".join(_WORDS.findall(text.lower()))[:n]


def where_text(doc: Any, words: str) -> Optional[Loc]:
    """The location of the first text of ``doc`` that begins with ``words`` (markup, quote marks
    and spacing aside), or None. Walks the model: every node and every Text carry their ``loc``."""
    want = _norm(words)
    if len(want) < 3:
        return None
    found: list[Loc] = []

    def walk(node: Any, loc: Loc, depth: int) -> None:
        if found or depth > 12:
            return
        if isinstance(node, str):
            if _norm(node, len(want)) == want:
                found.append(loc)
            return
        if isinstance(node, (tuple, list)):
            for x in node:
                walk(x, loc, depth + 1)
            return
        if dataclasses.is_dataclass(node) and not isinstance(node, type):
            here = getattr(node, "loc", None)
            loc = here if isinstance(here, Loc) and here is not NOWHERE else loc
            plain = getattr(node, "plain", None) if hasattr(node, "spans") else None
            if isinstance(plain, str):
                walk(plain, loc, depth + 1)
                return
            for f in dataclasses.fields(node):
                if f.name not in ("loc", "warnings"):
                    walk(getattr(node, f.name), loc, depth + 1)

    walk(doc, getattr(doc, "loc", NOWHERE), 0)
    return found[0] if found else None


def layout_problem(doc: Any, message: str, words: str = "", loc: Optional[Loc] = None) -> SourceError:
    """The located error for a text that cannot fit its box: at ``loc``, else where ``words`` begin,
    else at the top of the source."""
    at = loc or (where_text(doc, words) if words else None) or Loc(getattr(doc, "source_path", "") or "<source>", 1, 1)
    return SourceError([Problem(at.file, at.line, at.col, message, "layout.too-large")])
