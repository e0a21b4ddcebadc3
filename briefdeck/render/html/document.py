"""The page: head (metadata, the style sheet, a policy that forbids every request), then the
reading plan's parts in order: a skip link, the header, the contents, ``<main>``, the footer.

The page needs nothing outside itself: no script, no web font, no image file (charts are inline
SVG). Its Content-Security-Policy says so to the browser too: even a request something in it
tried to make would be refused.
"""
from __future__ import annotations

from ... import __version__
from ...present import View
from ...present.outline import (ColophonPart, KeyFiguresPart, KeyMessagesPart, OpeningPart, PeoplePart, RecommendationsPart, ReferencesPart,
                                SectionPart, TitlePart)
from . import parts
from .inline import esc, safe_href

# no request of any kind; styles only from the page itself; embedded images only as data
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def head(view: View, css: str) -> str:
    meta, doc = view.metadata, view.doc
    tags = [
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(meta.title)}</title>",
        f'<meta name="description" content="{esc(" ".join(doc.summary.plain.split()))}">',
        f'<meta name="author" content="{esc(meta.author)}">',
        f'<meta name="dcterms.date" content="{view.edition_date.isoformat()}">',
        f'<meta name="dcterms.subject" content="{esc(meta.subject)}">',
    ]
    if doc.meta.publisher:  # only the publisher the source declares (never one made up)
        tags.append(f'<meta name="dcterms.publisher" content="{esc(doc.meta.publisher)}">')
    if meta.keywords:
        tags.append(f'<meta name="keywords" content="{esc(meta.keywords)}">')
    safe = safe_href(doc.meta.url)
    if safe and not safe.startswith("#"):  # where the page is published: named, never fetched
        tags.append(f'<link rel="canonical" href="{esc(safe)}">')
    tags += [f'<meta name="generator" content="briefdeck {esc(__version__)}">', '<meta name="referrer" content="no-referrer">',
             f"<style>{css}</style>"]
    return "<head>\n" + "\n".join(tags) + "\n</head>"


def page(view: View, css: str, body: parts.FigureBody, editions=()) -> str:
    """The whole page, as text (UTF-8 when written)."""
    plan = view.plan
    top, main, bottom = [], [], []
    for part in plan:
        if isinstance(part, TitlePart):
            top.append(parts.masthead(view, part, editions))
        elif isinstance(part, OpeningPart):
            main.append(parts.opening(part))
        elif isinstance(part, KeyMessagesPart):
            main.append(parts.key_messages(part))
        elif isinstance(part, KeyFiguresPart):
            main.append(parts.key_figures(part))
        elif isinstance(part, SectionPart):
            main.append(parts.section(view, part, body))
        elif isinstance(part, RecommendationsPart):
            main.append(parts.recommendations(part))
        elif isinstance(part, ReferencesPart):
            main.append(parts.references(part))
        elif isinstance(part, PeoplePart):
            main.append(parts.people(part))
        elif isinstance(part, ColophonPart):
            bottom.append(parts.colophon(part))
    skip = f'<a class="skip" href="#main">{esc(view.term("html", "skip"))}</a>'
    toc = parts.contents(view)
    body_html = "\n".join([skip, *top, *([toc] if toc else []),
                           '<main id="main" class="wrap" tabindex="-1">', *main, "</main>", *bottom])
    return (f'<!DOCTYPE html>\n<html lang="{esc(view.doc.meta.language)}">\n{head(view, css)}\n'
            f"<body>\n{body_html}\n</body>\n</html>\n")
