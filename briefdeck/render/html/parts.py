"""The reading plan's parts as HTML: what each part is in a web page.

The plan (``present.outline``) says what comes in which order and how each line reads; this
module decides only the elements: the title part is the page's header (banner), the opening,
key messages, sections, recommendations, references and people are the main content, each
under an ``h2`` with an anchor (the same ids as the brief's bookmarks: ``sec-<id>``,
``fig-<id>``...), and the colophon is the page's footer. Every string is escaped here or in
``inline``; nothing the author wrote becomes markup.
"""
from __future__ import annotations

import base64
from typing import Callable

from ...model import Picture
from ...present import View
from ...present.outline import (ColophonPart, FigurePart, KeyFiguresPart, KeyMessagesPart, OpeningPart, PeoplePart, QuotePart,
                                RecommendationsPart, ReferencesPart, SectionPart, TitlePart)
from .inline import esc, link, text_html
from .table import source_table

# figure -> (its chart as inline SVG, its data table) (charts.py), given by the renderer
FigureBody = Callable[[FigurePart], tuple[str, str]]


def picture(pic: Picture, cls: str) -> str:
    """An embedded picture (the page is self-contained: a data: URL); alt="" when decorative. An
    SVG goes in as an image, where a browser runs nothing it holds; its size is the style sheet's."""
    data, mime = (pic.svg, "image/svg+xml") if pic.svg is not None else (pic.raster, f"image/{pic.raster_format}")
    return (f'<img class="{cls}" src="data:{mime};base64,{base64.b64encode(data).decode("ascii")}" alt="{esc(pic.alt)}" '
            f'width="{pic.width}" height="{pic.height}">')


def masthead(view: View, part: TitlePart, editions=()) -> str:
    out = ['<header class="masthead"><div class="wrap">']
    if part.logo is not None:
        out.append(f'<p class="brand">{picture(part.logo, "logo")}</p>')
    if part.series:
        out.append(f'<p class="series">{esc(part.series)}</p>')
    out.append(f"<h1>{esc(part.title)}</h1>")
    if part.subtitle:
        out.append(f'<p class="subtitle">{esc(part.subtitle)}</p>')
    event = esc(part.event_line(under_series=True))
    if part.url:
        event += esc(view.separator) + link(esc(view.link_text(part.url)), part.url)
    out.append(f'<p class="event">{event}</p>')
    out += [f'<p class="people">{text_html(line.full)}</p>' for line in part.people]
    out.append(editions_line(view, editions))
    out.append("</div></header>")
    return "".join(out)


def editions_line(view: View, editions) -> str:
    """Links to the brief and deck built beside the page (same folder, so the links hold wherever
    the three are published together); a format the language has no words for is left out."""
    links = []
    for fmt, name in editions:
        words = view.locale.section("html").get(f"edition_{fmt}")
        if words:
            links.append(f'<a href="{esc(name)}" download>{esc(words)}</a>')
    if not links:
        return ""
    return f'<p class="editions">{esc(view.term("html", "editions"))} {esc(view.separator).join(links)}</p>'


def contents(view: View) -> str:
    """The sections and end matter as a list of in-page links (figures stay under their section)."""
    entries = [e for e in view.plan.outline(view.figure_separator, figures=False) if e.level == 0]
    if len(entries) < 3:
        return ""
    items = "".join(f'<li><a href="#{esc(e.anchor)}">{esc(e.title)}</a></li>' for e in entries)
    return (f'<nav class="wrap" aria-labelledby="contents-h"><h2 id="contents-h">{esc(view.term("html", "contents"))}</h2>'
            f"<ol>{items}</ol></nav>")


def opening(part: OpeningPart) -> str:
    out = []
    if part.preface:
        out.append(f'<p class="preface">{text_html(part.preface)}</p>')
    out.append(f'<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">{esc(part.label)}</h2>'
               f'<p class="lead">{text_html(part.summary)}</p></section>')
    return "".join(out)


def key_messages(part: KeyMessagesPart) -> str:
    items = "".join(f"<li>{text_html(m)}</li>" for m in part.items)
    return (f'<section id="key-messages" class="key-messages" aria-labelledby="key-messages-h">'
            f'<h2 id="key-messages-h">{esc(part.label)}</h2><ol>{items}</ol></section>')


def key_figures(part: KeyFiguresPart) -> str:
    """Each value over what it counts (a description list), and where they come from."""
    sources = list(dict.fromkeys(it.source for it in part.items if it.source))
    shared = len(sources) == 1 and all(it.source for it in part.items)

    def own_source(it) -> str:
        return "" if shared or not it.source else f'<br><span class="source">{esc(it.source)}</span>'

    items = "".join(f"<div><dt>{esc(it.value)}</dt><dd>{text_html(it.label)}{own_source(it)}</dd></div>" for it in part.items)
    source = f'<p class="source">{esc(sources[0])}</p>' if shared else ""
    return (f'<section id="key-figures" class="key-figures" aria-labelledby="key-figures-h">'
            f'<h2 id="key-figures-h">{esc(part.label)}</h2><dl>{items}</dl>{source}</section>')


def pull_quote(q: QuotePart) -> str:
    """The words as a quotation with its attribution under it (the words are in the text above too:
    a pull quote, as in the brief)."""
    cite = f"<figcaption>{esc(q.attribution)}</figcaption>" if q.attribution else ""
    return f'<figure class="pull-quote"><blockquote><p>{text_html(q.text)}</p></blockquote>{cite}</figure>'


def figure(view: View, fp: FigurePart, body: FigureBody) -> str:
    """A captioned figure: caption, the chart (named, with its alt text), its source line ("as of"
    included), its note, and its data as a table."""
    label = f'<span class="label">{esc(fp.label + view.figure_separator)}</span>'
    chart, data = body(fp)
    out = [f'<figure id="{esc(fp.anchor)}" class="chart">', f"<figcaption>{label}{text_html(fp.caption)}</figcaption>",
           chart, f'<p class="source">{text_html(fp.source_line)}</p>']
    if fp.note:
        out.append(f'<p class="note"><strong>{esc(view.term("html", "note"))}</strong> {text_html(fp.note)}</p>')
    out += [data, "</figure>"]
    return "".join(out)


def section(view: View, part: SectionPart, body: FigureBody) -> str:
    h = f"{part.anchor}-h"
    out = [f'<section id="{esc(part.anchor)}" aria-labelledby="{esc(h)}">',
           f'<p class="part">{esc(part.part_label)}</p><h2 id="{esc(h)}">{esc(part.title)}</h2>']
    if part.byline:
        out.append(f'<p class="byline">{esc(part.byline)}</p>')
    quotes: dict[int, list[QuotePart]] = {}
    for q in part.quotes:  # each after the paragraph it comes from
        quotes.setdefault(min(q.paragraph, max(len(part.paragraphs) - 1, 0)), []).append(q)
    for i, p in enumerate(part.paragraphs):
        out.append(f"<p>{text_html(p)}</p>")
        out += [pull_quote(q) for q in quotes.get(i, [])]
    if not part.paragraphs:
        out += [pull_quote(q) for qs in quotes.values() for q in qs]
    out += [figure(view, fp, body) for fp in part.figures]
    out += [source_table(view, tp) for tp in part.tables]
    out.append("</section>")
    return "".join(out)


def recommendations(part: RecommendationsPart) -> str:
    items = []
    for r in part.items:
        lead = f'<p class="lead-in">{esc(r.lead)}</p>' if r.lead else ""
        items.append(f"<li>{lead}<p>{text_html(r.text)}</p></li>")
    return (f'<section id="recommendations" aria-labelledby="recommendations-h"><h2 id="recommendations-h">{esc(part.label)}</h2>'
            f'<ol class="recommendations" role="list">{"".join(items)}</ol></section>')


def references(part: ReferencesPart) -> str:
    """The references as the brief prints them: the title (linked, in italics), who and when,
    the note, and the address in full (it is what a printed copy shows)."""
    if not part.items:
        return ""  # the figures' sources are under each figure already
    items = []
    for r in part.items:
        text = link(f"<cite>{esc(r.title.rstrip('.'))}</cite>", r.url) + "."
        if r.who:
            text += f" {esc(r.who)}."
        if r.note:
            text += f" {esc(r.note)}"
        if r.url:
            text += f' <span class="url">{link(esc(r.url), r.url)}</span>'
        items.append(f"<li>{text}</li>")
    return (f'<section id="references" aria-labelledby="references-h"><h2 id="references-h">{esc(part.label)}</h2>'
            f'<ol class="references">{"".join(items)}</ol></section>')


def people(part: PeoplePart) -> str:
    out = [f'<section id="speakers" aria-labelledby="speakers-h"><h2 id="speakers-h">{esc(part.label)}</h2>']
    for e in part.entries:
        out.append('<div class="person">')
        if e.person.photo is not None:
            out.append(picture(e.person.photo, "photo"))
        if e.role:
            out.append(f'<p class="role">{esc(e.role)}</p>')
        out.append(f"<h3>{esc(e.name)}</h3>")
        out += [f'<p class="titles">{esc(t)}</p>' for t in e.titles]
        if e.affiliation:
            out.append(f'<p class="affiliation">{esc(e.affiliation)}</p>')
        if e.bio:
            out.append(f'<p class="bio">{text_html(e.bio)}</p>')
        out.append("</div>")
    out.append("</section>")
    return "".join(out)


def colophon(part: ColophonPart) -> str:
    tail = [esc(part.published)]
    if part.licence:
        tail.append(f"<strong>{esc(part.licence_label)}</strong> {esc(part.licence)}.")
    if part.credit:
        tail.append(esc(part.credit))
    online = f'<p><strong>{esc(part.url_label)}</strong> <span class="url">{link(esc(part.url), part.url)}</span></p>' if part.url else ""
    logos = f'<p class="logos">{"".join(picture(p, "logo") for p in part.logos)}</p>' if part.logos else ""
    return (f'<footer class="colophon"><div class="wrap">{logos}<p><strong>{esc(part.cite_label)}</strong> {text_html(part.citation)}</p>'
            f'<p>{" ".join(tail)}</p>{online}</div></footer>')
