"""The words a reader sees, decided once for every output (as pandoc's Writers.Shared serves all writers).

The renderers lay out and write; they do not decide wording. This layer turns the document
model into the words both the brief and the deck print: the title as the language joins it,
who the authors are, the people grouped by their part, each figure's label and source line,
the citation, the colophon's lines, the footer, and where each quote belongs. Its words come
from the document's locale (``briefdeck/builtin/locales/``), its separators from the theme.

Pure Python: no reportlab, no python-pptx. ``View.plan`` (outline.py) puts these words in
reading order as the parts every output walks.
"""
from __future__ import annotations

import re
from functools import cached_property

from ..dataclass_code import dataclass
from .. import __version__
from ..locale import Locale
from ..model import Document, Figure, Person, Quote, Section, Span, Text
from ..textfmt import quote_marks


@dataclass(frozen=True)
class Metadata:
    """Document properties, the same in the PDF's Info/XMP and the deck's core properties."""

    title: str
    author: str
    subject: str
    keywords: str
    language: str
    series: str


@dataclass(frozen=True)
class PeopleGroup:
    """People who share a part in the event, with the label of that part ("Witnesses")."""

    role: str
    label: str  # plural when several
    people: tuple[Person, ...]
    hosts: bool  # chairs, moderators, hosts, members: they lead the event rather than author it


def _clean_end(text: str) -> str:
    """A phrase the layout ends with its own full stop: drop the author's ("CC BY 4.0." -> "CC BY 4.0")."""
    return text.rstrip().rstrip(".").rstrip()


class View:
    """The presentation of one document in one locale and theme."""

    def __init__(self, doc: Document, locale: Locale, separator: str = " · ", figure_separator: str = " — "):
        self.doc = doc
        self.locale = locale
        self.separator = separator  # between the parts of a line: "Organiser · 25 April 2018 · Ottawa"
        self.figure_separator = figure_separator  # between a figure's label and its caption

    # -- words ---------------------------------------------------------------------------
    def label(self, key: str, **fields) -> str:
        """A word both outputs share (``shared`` in the locale file)."""
        return self.locale.text(f"shared.{key}", **fields)

    def term(self, section: str, key: str, **fields) -> str:
        """A word of one output's own (``section``: the locale section its renderer declares)."""
        return self.locale.text(f"{section}.{key}", **fields)

    def join_list(self, items) -> str:
        """"2, 4 and 5": a list as the language ends it (the locale's one rule)."""
        return self.locale.join(list(items))

    def figures_label(self, figs) -> str:
        """"Figure 2", or "Figures 2, 4 and 5" for a line that serves several figures."""
        figs = list(figs)
        return self.figure_label(figs[0]) if len(figs) == 1 else \
            self.label("figures", list=self.join_list([str(f.number) for f in figs]))

    def lead_in(self, lead: str) -> str:
        """A bold lead as it runs into its text: "Decide what the mission is for: " (none after its own stop)."""
        return lead + (" " if lead.rstrip()[-1:] in ".:!?" else self.label("colon"))

    def fragment(self, text: Text) -> Text:
        """A quote taken from mid-sentence (it starts in lower case) opens as the language marks
        it ("…surely we can", "[…] surtout"), in every output alike."""
        if not text.plain.lstrip()[:1].islower():
            return text
        before, _, after = self.label("quote_fragment", text="\0").partition("\0")
        spans = ((Span(before),) if before else ()) + text.spans + ((Span(after),) if after else ())
        return Text(spans, text.loc)

    def quoted(self, text: str) -> str:
        """Words in the language's quotation marks (“…” in English, « … » in French), unless they carry their own."""
        t = text.strip()
        opening, closing = quote_marks(self.doc.meta.language)[:2]
        return t if t[:1] in "“«„\"" else f"{opening}{t}{closing}"

    @cached_property
    def plan(self):
        """The reading plan: the parts of the document in order, with their lines composed."""
        from .outline import reading_plan

        return reading_plan(self)

    def date(self, d, style: str = "day") -> str:
        return self.locale.date(d, style)

    # -- title and metadata --------------------------------------------------------------
    @cached_property
    def full_title(self) -> str:
        """Title and subtitle on one line, as the language joins them ("Titre : sous-titre"); a
        title that ends in its own ? or ! takes no colon after it."""
        ev = self.doc.event
        if not ev.subtitle:
            return ev.title
        key = "title_subtitle_after_mark" if ev.title.rstrip()[-1:] in "?!…" else "title_subtitle"
        return self.label(key, title=ev.title.rstrip(), subtitle=ev.subtitle)

    @cached_property
    def authors(self) -> tuple[str, ...]:
        """Who wrote the brief: as the source declares (``meta.authors``); else the speaker of a talk
        by one person (a lecture's summary can be the lecturer's); else the organiser -- a hearing's
        or committee's brief is the committee's, a panel's the organiser's with the speakers named."""
        declared = self.doc.meta.authors
        if declared:
            return declared
        speakers = self.doc.speakers
        if len(speakers) == 1 and not any(p.role == "witness" for p in speakers):
            return (speakers[0].name,)
        return (self.doc.event.organiser,)

    @cached_property
    def author_line(self) -> str:
        """The authors' names (metadata, citation)."""
        return "; ".join(self.authors)

    @cached_property
    def metadata(self) -> Metadata:
        doc, ev = self.doc, self.doc.event
        return Metadata(
            title=self.full_title, author=self.author_line,
            subject=self.term("brief", "subject", organiser=ev.organiser, date=ev.date_text, place=ev.place),
            keywords=", ".join(doc.meta.keywords), language=doc.meta.language,
            series=doc.meta.series,
        )

    @cached_property
    def footer(self) -> str:
        """The running footer of slides: short title and date."""
        return self.separator.join(x for x in (self.doc.meta.short_title, self.doc.event.date_text) if x)

    # -- people ----------------------------------------------------------------------------
    def role_label(self, p: Person, plural: bool = False) -> str:
        return p.role_label or self.locale.role(p.role, plural)

    @cached_property
    def people_groups(self) -> tuple[PeopleGroup, ...]:
        """Everyone in ``people``, grouped by part in order of first appearance; those who lead the
        event first (the chair before the others), then the contributors (speakers, witnesses...).
        A group is named by its members' own label when they share one ("Ranking Member"), else
        by the part ("Witnesses"): a witness's own label does not make a group of one."""
        groups: dict[str, list[Person]] = {}
        for p in self.doc.people:
            groups.setdefault(p.role, []).append(p)
        out = []
        for role, people in groups.items():
            own = {p.role_label for p in people}
            label = own.pop() if len(own) == 1 and "" not in own else self.locale.role(role, plural=len(people) > 1)
            out.append(PeopleGroup(role, label, tuple(people), hosts=people[0].is_host))
        return tuple(sorted(out, key=lambda g: (not g.hosts, g.role != "chair")))  # stable: appearance order within each

    @cached_property
    def single_speaker_event(self) -> bool:
        """One contributor and nobody else: a talk whose speaker needs no role label."""
        return len(self.doc.people) == 1

    def person_description(self, p: Person) -> str:
        """Who a person is, in a few words: the first title, else the affiliation; and the
        organisation the person speaks for."""
        desc = p.titles[0] if p.titles else self.affiliation(p)
        if p.speaks_for is not None and p.speaks_for.name not in desc:
            desc = ", ".join(x for x in (desc, self.label("speaks_for", organisation=p.speaks_for.name)) if x)
        return desc

    def person_line(self, p: Person) -> str:
        """"Name, first title" (else "Name, Affiliation"): how a person is introduced in one line."""
        return ", ".join(x for x in (p.name, self.person_description(p)) if x)

    def attribution(self, q: Quote) -> str:
        """Who said it, under a quote: the name; when several people spoke, with a short title
        ("Special Envoy to Sudan and South Sudan") or else the person's part ("Witness")."""
        p = q.speaker
        if p is None:
            return ""
        short = p.titles[0] if p.titles and len(p.titles[0].split()) <= 8 else self.role_label(p)
        who = p.name if self.single_speaker_event else self.label("person_role", name=p.name, role=short)
        return self.label("attribution", who=who)

    def affiliation(self, p: Person) -> str:
        return self.locale.text("shared.list_separator").join(p.affiliations)

    @cached_property
    def about_label(self) -> str:
        """"About the speaker(s)" when everyone in ``people`` speaks; a neutral "About the participants"
        when some only lead the event (chairs, moderators, members)."""
        people = self.doc.people
        if any(p.is_host for p in people):
            return self.label("about_participants")
        return self.label("about_speakers" if len(people) > 1 else "about_speaker")

    # -- figures -----------------------------------------------------------------------------
    def figure_label(self, fig: Figure) -> str:
        return self.label("figure", n=fig.number)

    def table_label(self, table) -> str:
        return self.label("table", n=table.number)

    def source_line(self, fig) -> Text:
        """"Source: <publisher, linked> (as of 4 April 2025). Data licence: CC BY-IGO." — the line
        under every chart and table, in the brief and on the slide."""
        pv = fig.provenance
        if getattr(fig, "picture", None) is not None:  # a photograph: "Photo: its credit. Licence: its licence."
            head, _, tail = self.label("photo_credit", credit="\x00").partition("\x00")
            rest = tail + "." + (" " + self.label("picture_licence", licence=_clean_end(pv.licence)) if pv.licence else "")
            spans = [Span(head), Span(pv.source, href=pv.url), Span(rest)] if pv.source else \
                ([Span(self.label("picture_licence", licence=_clean_end(pv.licence)))] if pv.licence else [])
            return Text(tuple(s for s in spans if s.text), fig.loc)
        head, _, tail = self.label("figure_source", source="\x00").partition("\x00")
        spans = [Span(head), Span(pv.source, href=pv.url)]
        rest = tail
        if pv.as_of_text:
            rest += f" ({self.label('as_of', date=pv.as_of_text)})"
        rest += "."
        if pv.licence:
            rest += " " + self.label("data_licence", licence=_clean_end(pv.licence).replace(" ", "\u00a0"))
        spans.append(Span(rest))
        return Text(tuple(s for s in spans if s.text), fig.loc)

    # -- quotes ------------------------------------------------------------------------------
    def quotes_for(self, section: Section) -> tuple[Quote, ...]:
        return tuple(q for q in self.doc.quotes if q.section_id == section.id)

    def quote_paragraph(self, q: Quote, section: Section) -> int:
        """The index of the paragraph a quote comes from (the loader has checked it is there)."""
        words = _norm(q.text.plain)
        return next((i for i, p in enumerate(section.paragraphs) if words and words in _norm(p.plain)), 0)

    # -- back matter -------------------------------------------------------------------------
    @cached_property
    def citation(self) -> Text:
        """How to cite: the author's own line, else one made from the event."""
        doc = self.doc
        if doc.meta.how_to_cite:
            return doc.meta.how_to_cite
        meta = doc.meta
        authors = ", ".join(self.authors)
        if meta.editors:
            authors += ". " + self.label("edited_by", names=", ".join(meta.editors))
        series = meta.series
        # the series, unless it only repeats the authors; the publisher only when declared
        where = ". ".join(x for x in (series if series != authors else "", meta.publisher) if x)
        text = self.label("cite_generated", authors=authors, title=self.full_title, where=where or series,
                          date=self.date(self.edition_date))
        return Text((Span(text),), meta.loc)

    @cached_property
    def edition_date(self):
        """The brief's publication date as declared, else the edition's (``updated``)."""
        return self.doc.meta.published or self.doc.meta.updated

    @cached_property
    def published(self) -> str:
        """Who published the brief and when -- the publisher only as the source declares it; without
        one, the edition's date alone (never a publisher the source did not name)."""
        meta, date = self.doc.meta, self.date(self.edition_date)
        line = self.term("brief", "published", publisher=meta.publisher, date=date) if meta.publisher \
            else self.term("brief", "edition", date=date)
        if meta.editors:
            line += " " + self.label("edited_by", names=self.join_list(meta.editors)) + "."
        return line

    @cached_property
    def credit(self) -> str:
        """The tool's line in the colophon: the source's ``meta.credit`` ("" when it is false),
        else the locale's (the theme's ``brief.colophon.tool_credit`` may drop that one)."""
        if self.doc.meta.credit is not None:
            return self.doc.meta.credit
        return self.label("credit", version=__version__)

    @staticmethod
    def link_text(url: str) -> str:
        """A link's short visible text: the host ("foreignaffairs.house.gov"); the link itself
        keeps the full URL."""
        host = url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        host = host.rsplit("@", 1)[-1]
        return host[4:] if host.lower().startswith("www.") else host

    @cached_property
    def licence(self) -> str:
        return _clean_end(self.doc.meta.licence)


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().lower()


def view_of(doc: Document, locale: Locale, theme=None) -> View:
    if theme is None:
        return View(doc, locale)
    return View(doc, locale, theme.get("text.separator"), theme.get("text.figure_separator"))


def default_view(doc: Document, theme=None) -> View:
    """The view of a document in its own language, with the theme's (or the built-in) locale files."""
    from ..assets import Assets
    from ..locale import load_locale

    assets = theme.assets if theme is not None else Assets()
    return view_of(doc, load_locale(assets, doc.meta.language), theme)


__all__ = ["View", "Metadata", "PeopleGroup", "view_of", "default_view"]
