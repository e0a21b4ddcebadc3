"""Inline text (``Span`` runs) -> HTML.

Everything the author wrote is escaped: a ``<script>`` in a paragraph is text on the page.
Links: ``#anchor`` stays an in-page link (figure references use ``#fig-<id>``); http, https and
mailto addresses are live links (the loader admits no other); anything else is set as plain
text, so a link can never run code or fetch anything by itself.
"""
from __future__ import annotations

import html
from typing import Iterable, Optional

from ...model import Span, Text

_SAFE_SCHEMES = ("http://", "https://", "mailto:")


def esc(text: str) -> str:
    """Text for an element's content or a quoted attribute value."""
    return html.escape(text, quote=True)


def safe_href(href: Optional[str]) -> Optional[str]:
    """``href`` when it is an in-page anchor or an http, https or mailto address; else None."""
    if not href:
        return None
    h = href.strip()
    if h.startswith("#") and len(h) > 1:
        return h
    if h.lower().startswith(_SAFE_SCHEMES) and not any(c in h for c in "\x00\n\r\t<>\"' "):
        return h
    return None


def link(label_html: str, href: Optional[str], cls: str = "") -> str:
    """``label_html`` (already escaped) as a link when ``href`` is safe, else as it is."""
    target = safe_href(href)
    if target is None:
        return label_html
    extra = f' class="{esc(cls)}"' if cls else ""
    return f'<a href="{esc(target)}"{extra}>{label_html}</a>'


def span_html(span: Span) -> str:
    out = esc(span.text)
    if span.italic:
        out = f"<em>{out}</em>"
    if span.bold:
        out = f"<strong>{out}</strong>"
    return link(out, span.href) if span.href else out


def text_html(text: Optional[Text] | Iterable[Span]) -> str:
    if text is None:
        return ""
    spans = text.spans if isinstance(text, Text) else tuple(text)
    return "".join(span_html(s) for s in spans)
