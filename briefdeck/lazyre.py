"""Patterns a library compiles as it is imported, compiled the first time they are used.

A pattern whose character classes run to U+FFFF or U+10FFFF costs milliseconds to compile: ``re``
folds or lists every character of those ranges. Some libraries compile such patterns at import for
code briefdeck rarely or never runs (reportlab's URI pattern, PyYAML's pure-Python reader).
``deferring`` imports them with those patterns, recognised by their exact text and flags, replaced
by a ``Deferred`` that compiles on first use: the same answers, paid for only by what uses them. Any
other text (another version of the library) is compiled at once, as before.
"""
from __future__ import annotations

import contextlib
import re
from typing import Any, Iterator, Optional


class Deferred:
    """A pattern compiled when first used; ``match`` answers None at once for a text without
    ``needs`` (which every match holds)."""

    __slots__ = ("_pattern", "_flags", "_needs", "_compiled", "_compile")

    def __init__(self, pattern: str, flags: int, needs: Optional[str], compile_: Any):
        self._pattern, self._flags, self._needs, self._compile = pattern, flags, needs, compile_
        self._compiled: Optional[re.Pattern] = None

    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = self._compile(self._pattern, self._flags)
        return self._compiled

    def match(self, string, *args, **kwargs):
        if self._needs is not None and isinstance(string, str) and self._needs not in string:
            return None
        return self.compiled().match(string, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.compiled(), name)


@contextlib.contextmanager
def deferring(patterns: dict[tuple[str, int], Optional[str]]) -> Iterator[None]:
    """While in it, ``re.compile`` of one of ``patterns`` ((text, flags) -> what every match holds,
    or None) gives a ``Deferred``; any other pattern is compiled as always. Wrap an import in it."""
    compile_ = re.compile

    def compiling(pattern, flags=0):
        key = (pattern, int(flags)) if isinstance(pattern, str) else None
        if key not in patterns:
            return compile_(pattern, flags)
        return Deferred(pattern, flags, patterns[key], compile_)

    re.compile = compiling
    try:
        yield
    finally:
        re.compile = compile_
