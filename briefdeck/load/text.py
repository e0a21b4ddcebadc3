"""Stage: inline text -> ``Text`` spans, with ``{fact:ID}``, ``{fig:ID}`` and ``{tab:ID}`` resolved and links checked.

One mistake gets one message, at its own line: a ``{fig:ID}`` whose figure is declared (or
listed by a section) is never reported again because that figure has a problem of its own,
and each message points at the reference itself, not at the start of the paragraph.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Optional

from .. import model as m
from ..locale import Locale
from ..textfmt import escape_markdown, parse_inline
from .. import links
from .report import Report

REF = re.compile(r"\{(fact|fig|tab):([^}\s]*)\}")


class InlineText:
    """Turns the author's inline strings into Text; reports unknown references and refused links."""

    def __init__(self, report: Report, locale: Locale, *, facts: dict[str, str], declared_facts: set[str],
                 figure_numbers: dict[str, int], mentioned_figures: set[str],
                 table_numbers: Optional[dict[str, int]] = None, mentioned_tables: frozenset = frozenset()):
        self.report, self.locale = report, locale
        self.facts, self.declared_facts = facts, declared_facts
        self.figure_numbers, self.mentioned_figures = figure_numbers, mentioned_figures
        self.table_numbers, self.mentioned_tables = table_numbers or {}, set(mentioned_tables)
        self.anchors = frozenset([f"fig-{i}" for i in figure_numbers] + [f"tab-{i}" for i in self.table_numbers])

    def __call__(self, text: Optional[str], *path: Any) -> m.Text:
        loc = self.report.loc(*path)
        if text is None:
            return m.Text((), loc)
        where = tuple(path)

        def sub(match: re.Match) -> str:
            kind, ident = match.groups()
            if kind == "fact":
                if ident in self.facts:
                    return escape_markdown(self.facts[ident])
                if ident not in self.declared_facts:  # declared but not computable: reported there
                    self.report.problem(where, f"unknown fact '{ident}' in {{fact:{ident}}} — "
                                               f"{Report.suggest(ident, self.declared_facts, 'facts')}", "ref.fact",
                                        token=match.group(0))
                return match.group(0)
            if kind == "tab":
                if ident in self.table_numbers:
                    label = self.locale.text("shared.table", n=self.table_numbers[ident])
                    return f"[{escape_markdown(label)}](#tab-{ident})"
                if ident not in self.mentioned_tables:  # a table declared or listed elsewhere has its own message
                    known = self.table_numbers or self.mentioned_tables
                    hint = Report.suggest(ident, known, "tables") if known else "declare it under `tables:` and list it under a section's `tables:`"
                    self.report.problem(where, f"unknown table '{ident}' in {{tab:{ident}}} — {hint}", "ref.table",
                                        token=match.group(0))
                return match.group(0)
            if ident in self.figure_numbers:
                label = self.locale.text("shared.figure", n=self.figure_numbers[ident])
                return f"[{escape_markdown(label)}](#fig-{ident})"
            if ident not in self.mentioned_figures:  # a figure declared or listed elsewhere has its own message
                self.report.problem(where, f"unknown figure '{ident}' in {{fig:{ident}}} — "
                                           f"{Report.suggest(ident, self.figure_numbers or self.mentioned_figures, 'figures')}",
                                    "ref.figure", token=match.group(0))
            return match.group(0)

        resolved, moved = _substitute(text, sub)
        parsed = parse_inline(resolved, self.locale.tag, loc, self.locale.typography)
        return self._checked_links(parsed, text, resolved, moved, where)

    def _checked_links(self, parsed: m.Text, text: str, resolved: str, moved: list, where: tuple) -> m.Text:
        """Refuse unsafe link targets, each at its own line and column; normalise the others."""
        written = _destinations(resolved)
        cursor, previous, spans = 0, None, []
        for span in parsed.spans:
            href = span.href
            if href is not None and href != previous:  # a new link (a link's styled parts share its href)
                why, warn = links.problem(href, self.anchors), None if href.startswith("#") else links.warning(href)
                if why or warn:
                    at = next((i for i in range(cursor, len(written)) if written[i][1] == href), None)
                    token, nth = None, 0
                    if at is not None:  # where the author wrote it: a {fact:ID} inside it is found as written
                        start, end = written[at][0], written[at][2]
                        cursor = at + 1
                        a, b = _original(start, moved, end=False), _original(end, moved, end=True)
                        token = text[a:b].strip()
                        nth = text[:a].count(token) if token else 0
                    if why:
                        self.report.problem(where, why, "link.refused", token=token or None, nth=nth)
                    else:
                        self.report.warning(where, warn, "link.homograph", token=token or None, nth=nth)
            previous = href
            spans.append(span if href is None or href.startswith("#") else replace(span, href=links.normalise(href)))
        return m.Text(tuple(spans), parsed.loc)

    def url(self, value: Optional[str], *path: Any) -> Optional[str]:
        """A URL field (event.url, references[].url...): checked like a link in prose."""
        if value is None:
            return None
        why = links.problem(value)
        if why:
            self.report.problem(tuple(path), why, "link.refused")
            return None
        warn = links.warning(value)
        if warn:
            self.report.warning(tuple(path), warn, "link.homograph")
        return links.normalise(value)


def _substitute(text: str, sub) -> tuple[str, list[tuple[int, int, int, int]]]:
    """``REF.sub(sub, text)``, with where each substitution moved: (new start, new end, old start, old end)."""
    out, moved, last, size = [], [], 0, 0
    for mt in REF.finditer(text):
        out.append(text[last:mt.start()])
        size += mt.start() - last
        rep = sub(mt)
        moved.append((size, size + len(rep), mt.start(), mt.end()))
        out.append(rep)
        size += len(rep)
        last = mt.end()
    out.append(text[last:])
    return "".join(out), moved


def _original(pos: int, moved: list, end: bool) -> int:
    """The offset in the author's text of offset ``pos`` in the substituted text (inside a
    substitution: the reference's start, or its end for the end of a range)."""
    shift = 0
    for new_start, new_end, old_start, old_end in moved:
        if pos < new_start or (end and pos == new_start):
            break
        if pos < new_end or (end and pos == new_end):
            return old_end if end else old_start
        shift = old_end - new_end
    return pos + shift


def _destinations(text: str) -> list[tuple[int, str, int]]:
    """Every link destination in markdown ``text``: (start, target as markdown reads it, end)."""
    out = []
    for k in (mt.end() for mt in re.finditer(r"(?<!\\)\]\(", text)):
        while k < len(text) and text[k] in " \t\n":
            k += 1
        if text.startswith(")", k):  # an empty target: "[x]()" is found by its brackets
            out.append((k - 2, "", k + 1))
            continue
        found = _destination(text, k)
        if found is not None:
            out.append((k, *found))
    return out


def _destination(text: str, k: int) -> Optional[tuple[str, int]]:
    """markdown-it's ``parseLinkDestination(text, k, len(text))``: (the target, its end) or None. A
    target of characters it takes as they are (no escape, entity or bracket, which it reads) is
    found here, without importing markdown-it."""
    end = k
    while end < len(text) and text[end] not in "<()\\&" and " " < text[end] != "\x7f":
        end += 1
    if end == len(text) or text[end] not in "<(\\&":  # the target ends here (the end, a space, ')'), as markdown-it ends it
        return (text[k:end], end) if end > k else None
    from markdown_it.helpers import parseLinkDestination

    res = parseLinkDestination(text, k, len(text))
    return (res.str, res.pos) if res.ok else None
