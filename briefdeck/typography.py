"""Each language's typography, applied by the tool and never undone: quotation marks, the
no-break spaces that hold a mark to its word, digit groups and dates.

French puts a no-break space before ':' and, in France, a narrow one before ';', '!', '?' and
'%'; it holds «\u202fguillemets\u202f» to their text, groups digits (27\u202f000) and keeps a
date on one line (7\u00a0décembre\u00a02023) -- babel-french and every French house style do
this, so an author types plain spaces (or none) and gets them. The rules are data: the
``typography`` section of a locale file (``builtin/locales/fr.yaml``, ``fr-FR.yaml``...), read
here into a ``Typography``; an author's own no-break spaces are kept whatever the rules.

Presentation-neutral: the loader sets the source's text with it, the charts their labels, and a
renderer or ``present.py`` may use ``Typography.quote`` and the locale's words built on it.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .dataclass_code import dataclass

NBSP, NNBSP = "\u00a0", "\u202f"
_SPACES = " \u00a0\u202f\u2009"  # what an author may type before a mark: replaced by the rule's space
_HOLDS = re.compile(f"[{_SPACES}]*")
# a mark takes its space only after a word (not after a space, an opening bracket or another mark),
# and only where a mark ends (a space, the end, closing punctuation): never inside 'https://' or '10:30'
_AFTER_WORD = "(?<=[^\\s\u00a0\u202f\u2009(\\[{«‹“‘\"'!?;:])"
_MARK_ENDS = "(?=$|[\\s\u00a0\u202f)\\]}»›”’\"'.,;:!?…])"


# Line breaks and the spaces a line may break at. No-break spaces (U+00A0, U+202F, U+2007) are not
# among them: ``str.split()`` takes them too, and so undoes the typography.
_BREAKABLE_RUN = re.compile("[ \t\n\r\f\v\x85\u2028\u2029]+")


def fold_spaces(text: str) -> str:
    """``" ".join(text.split())`` that keeps no-break spaces: runs of breakable white space
    (line breaks included) become one space, trimmed at both ends."""
    return _BREAKABLE_RUN.sub(" ", text).strip(" ")


def words(text: str) -> list[str]:
    """``text.split()`` that keeps no-break spaces inside the words ('27\u202f000' is one word)."""
    return [w for w in _BREAKABLE_RUN.split(text) if w]


@dataclass(frozen=True)
class Typography:
    """One language's typographic rules (see the ``typography`` section of ``builtin/locales/en.yaml``)."""

    quotes: tuple[str, str, str, str] = ("“", "”", "‘", "’")  # open double, close double, open single, close single
    space_before: tuple[tuple[str, str], ...] = ()  # (mark, the space put before it)
    hold_before: tuple[tuple[str, str], ...] = ()  # (mark, the no-break space a typed space before it becomes; none added)
    digit_group: str = ""  # the space that groups digits in prose ("27 000"), when the language groups with one
    date_space: str = ""  # the space between a date's day, month and year, when it must not break
    months: tuple[str, ...] = ()  # the language's month names, to find dates written in prose

    @classmethod
    def from_locale(cls, section: Any, months: tuple[str, ...] = ()) -> "Typography":
        """The rules of a locale file's ``typography`` section (a mapping; missing keys keep English usage)."""
        section = section if isinstance(section, dict) else {}
        q = section.get("quotes")
        quotes = tuple(str(x) for x in q) if isinstance(q, (list, tuple)) and len(q) == 4 else cls.quotes
        before, hold = section.get("space_before") or {}, section.get("hold_before") or {}
        return cls(
            quotes=quotes,  # type: ignore[arg-type]
            space_before=tuple(sorted((str(k), str(v)) for k, v in before.items())) if isinstance(before, dict) else (),
            hold_before=tuple(sorted((str(k), str(v)) for k, v in hold.items() if k not in before)) if isinstance(hold, dict) else (),
            digit_group=str(section.get("digit_group") or ""),
            date_space=str(section.get("date_space") or ""),
            months=tuple(months) if section.get("date_space") else (),
        )

    def quote(self, text: str, single: bool = False) -> str:
        """``text`` between the language's quotation marks: “text” (en), «\u202ftext\u202f» (fr)."""
        o, c = (self.quotes[2], self.quotes[3]) if single else (self.quotes[0], self.quotes[1])
        return f"{o}{text.strip(_SPACES)}{c}"

    def apply(self, text: str, before: str = "", *, keep_typed: bool = True) -> str:
        """``text`` set by these rules; ``before`` is the character just before it (a span that
        starts with ';' takes its space after the word of the previous span). A no-break space the
        author typed is kept (``keep_typed``); text the tool wrote itself (a number babel formatted)
        takes the rule's. Idempotent."""
        if not text:
            return text
        run = _compiled(self, keep_typed)
        return run(before + text)[len(before):] if before else run(text)


_BREAKABLE = " \u2009"


def _held(space: str, then: str, before: bool = True, keep: bool = True):
    """A replacement putting ``space`` before (or after) ``then`` -- unless the author typed a
    no-break space there (and ``keep``): theirs is kept."""
    def repl(m: re.Match) -> str:
        typed = next((ch for ch in m.group() if ch in (NBSP, NNBSP)), None) if keep else None
        return (typed or space) + then if before else then + (typed or space)
    return repl


@lru_cache(maxsize=32)
def _compiled(t: Typography, keep: bool = True):
    """The rules of ``t`` as one function of a string (regular expressions compiled once)."""
    steps: list[tuple[re.Pattern, Any]] = []
    for mark, space in t.space_before:
        if mark == "%":  # a percent sign takes its space after a number only: '(%)' is left alone
            steps.append((re.compile(f"(?<=\\d)[{_SPACES}]*%"), _held(space, "%", keep=keep)))
        else:
            steps.append((re.compile(f"{_AFTER_WORD}[{_SPACES}]*{re.escape(mark)}{_MARK_ENDS}"), _held(space, mark, keep=keep)))
    for mark, space in t.hold_before:  # a space typed before the mark may not break; none is added
        steps.append((re.compile(f"{_AFTER_WORD}[{_SPACES}]+{re.escape(mark)}{_MARK_ENDS}"), _held(space, mark, keep=keep)))
    for opening, closing in ((t.quotes[0], t.quotes[1]), (t.quotes[2], t.quotes[3])):
        o, c = opening.strip(_SPACES), closing.strip(_SPACES)
        inner_o, inner_c = opening[len(o):], closing[: len(closing) - len(c)]
        if o in "«‹" and (inner_o or inner_c):  # guillemets hold their text at the language's space
            steps.append((re.compile(f"{re.escape(o)}[{_SPACES}]*"), _held(inner_o, o, before=False, keep=keep)))
            steps.append((re.compile(f"[{_SPACES}]*{re.escape(c)}"), _held(inner_c, c, keep=keep)))
    if t.digit_group:
        groups = re.compile(f"(?<![\\d.,])\\d{{1,3}}(?:[{_SPACES}]\\d{{3}})+(?!\\d)")
        steps.append((groups, lambda m: re.sub(f"[{_BREAKABLE}]", t.digit_group, m.group())))
    if t.date_space and t.months:
        names = "|".join(re.escape(n) for n in sorted(t.months, key=len, reverse=True))
        steps.append((re.compile(f"(?<!\\d)(\\d{{1,2}}|1er)[{_BREAKABLE}]+({names})\\b", re.IGNORECASE), f"\\1{t.date_space}\\2"))
        steps.append((re.compile(f"\\b({names})[{_BREAKABLE}]+(\\d{{4}})(?!\\d)", re.IGNORECASE), f"\\1{t.date_space}\\2"))

    def run(text: str) -> str:
        for pattern, repl in steps:
            text = pattern.sub(repl, text)
        return text

    return run
