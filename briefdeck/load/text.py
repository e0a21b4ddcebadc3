"""Stage: inline text -> ``Text`` spans, with ``{fact:ID}`` and ``{fig:ID}`` resolved and links checked.

One mistake gets one message, at its own line: a ``{fig:ID}`` whose figure is declared (or
listed by a section) is never reported again because that figure has a problem of its own,
and each message points at the reference itself, not at the start of the paragraph.
"""
from __future__ import annotations

import re
from typing import Any, Optional
from urllib.parse import unquote

from .. import model as m
from ..locale import Locale
from ..textfmt import escape_markdown, parse_inline
from . import links
from .report import Report

REF = re.compile(r"\{(fact|fig):([^}\s]*)\}")


class InlineText:
    """Turns the author's inline strings into Text; reports unknown references and refused links."""

    def __init__(self, report: Report, locale: Locale, *, facts: dict[str, str], declared_facts: set[str],
                 figure_numbers: dict[str, int], mentioned_figures: set[str]):
        self.report, self.locale = report, locale
        self.facts, self.declared_facts = facts, declared_facts
        self.figure_numbers, self.mentioned_figures = figure_numbers, mentioned_figures
        self.anchors = frozenset(f"fig-{i}" for i in figure_numbers)

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
            if ident in self.figure_numbers:
                label = self.locale.text("shared.figure", n=self.figure_numbers[ident])
                return f"[{escape_markdown(label)}](#fig-{ident})"
            if ident not in self.mentioned_figures:  # a figure declared or listed elsewhere has its own message
                self.report.problem(where, f"unknown figure '{ident}' in {{fig:{ident}}} — "
                                           f"{Report.suggest(ident, self.figure_numbers or self.mentioned_figures, 'figures')}",
                                    "ref.figure", token=match.group(0))
            return match.group(0)

        parsed = parse_inline(REF.sub(sub, text), self.locale.tag, loc)
        for span in parsed.spans:
            if span.href is not None:
                why = links.problem(unquote(span.href), self.anchors)
                if why:
                    raw = unquote(span.href)
                    self.report.problem(where, why, "link.refused", token="](" + raw[:12] if "](" + raw[:12] in text else None)
        return parsed

    def url(self, value: Optional[str], *path: Any) -> Optional[str]:
        """A URL field (event.url, references[].url...): checked like a link in prose."""
        if value is None:
            return None
        why = links.problem(value)
        if why:
            self.report.problem(tuple(path), why, "link.refused")
            return None
        return value.strip()
