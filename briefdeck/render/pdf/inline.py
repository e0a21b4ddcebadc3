"""Inline text (``Span`` runs) -> reportlab paragraph markup.

Everything the author wrote is escaped: a ``<`` or ``&`` in the source is text, never markup.
Links: ``#anchor`` becomes an internal link to a destination the renderer defines (figures
use ``fig-<id>``); any other href is a live external link.
"""
from __future__ import annotations

from typing import Iterable, Optional
from .xmltext import escape, quoteattr

from reportlab.pdfbase.pdfmetrics import stringWidth

from ...model import Span, Text


def esc(text: str) -> str:
    return escape(text)


def span_markup(span: Span, link_colour: Optional[str] = None) -> str:
    out = esc(span.text)
    if span.italic:
        out = f"<i>{out}</i>"
    if span.bold:
        out = f"<b>{out}</b>"
    if span.href:
        colour = f" color={quoteattr(link_colour)}" if link_colour else ""
        out = f"<a href={quoteattr(span.href)}{colour}>{out}</a>"
    return out


def markup(text: Optional[Text] | Iterable[Span], link_colour: Optional[str] = None) -> str:
    if text is None:
        return ""
    spans = text.spans if isinstance(text, Text) else tuple(text)
    return "".join(span_markup(s, link_colour) for s in spans)


def link(label: str, url: Optional[str], colour: Optional[str] = None) -> str:
    """Escaped ``label``, made a live link when there is a URL."""
    if not url:
        return esc(label)
    return span_markup(Span(label, href=url), colour)


URL_BREAKS = "/.-?&=_#"  # a URL breaks after one of these, with no hyphen added


def url_lines(url: str, font: str, size: float, width: float, colour: Optional[str] = None) -> str:
    """A live URL set on lines of at most ``width``, broken after a slash, dot, hyphen, question
    mark (or ``&=_#``) and never inside a run of letters, unless one run is wider than a line;
    lines joined by ``<br/>``. The most of the URL goes on each line (its first line fills)."""
    parts: list[str] = []
    i = url.find("//") + 2 if "//" in url else 0
    start = 0
    for j in range(i, len(url) - 1):
        if url[j] in URL_BREAKS and url[j + 1] not in URL_BREAKS:
            parts.append(url[start:j + 1])
            start = j + 1
    parts.append(url[start:])
    lines, cur = [], ""
    for part in parts:
        if cur and stringWidth(cur + part, font, size) > width:
            lines.append(cur)
            cur = ""
        while stringWidth(part, font, size) > width:  # a run of letters longer than a line
            k = len(part)
            while k > 1 and stringWidth(part[:k], font, size) > width:
                k -= 1
            lines.append(part[:k])
            part = part[k:]
        cur += part
    if cur:
        lines.append(cur)
    return "<br/>".join(link(line, url, colour) for line in lines)
