"""The reading plan: the document as every output reads it, in order, with its lines composed.

Each output walks ``ReadingPlan.parts`` in order and decides only how a part looks in its
medium (a page flow, slides, a web page): what comes in which order, and how each composed
line reads -- the event line, who is listed and how, a quote's attribution, a reference, a
figure's source line, the citation -- is decided here, once, in the document's language. Every
part carries the ``loc`` of what produced it, so an output's problem points at the source.

Pure Python, like the rest of the presentation layer: no reportlab, no python-pptx.
"""
from __future__ import annotations

from typing import Iterator, Optional, TYPE_CHECKING, Union

from ..dataclass_code import dataclass
from ..model import NOWHERE, Figure, KeyFigure, Loc, Person, Picture, Quote, Recommendation, Reference, Section, Span, Table, Text

if TYPE_CHECKING:  # pragma: no cover
    from .view import View


@dataclass(frozen=True)
class PeopleLine:
    """One line of who took part: "Witnesses: Ann Lee, Professor; Bo Chen" (label empty for plain speakers)."""

    label: str
    people: tuple[Person, ...]
    hosts: bool  # chairs, moderators, members: they lead the event
    full: Text  # every name with the person's description
    short: Text  # names only

    @property
    def plain(self) -> str:
        return self.full.plain


@dataclass(frozen=True)
class TitlePart:
    series: str  # the line above the title (the series, else the organiser)
    title: str
    subtitle: str
    full_title: str  # title and subtitle as the language joins them
    organiser: str
    when_where: str  # date and place: "25 April 2018 · Ottawa"
    separator: str
    url: Optional[str]
    people: tuple[PeopleLine, ...]
    loc: Loc = NOWHERE
    kind: str = "title"
    logo: Optional[Picture] = None  # the organiser's, its alt text the organiser's name

    def event_line(self, under_series: bool) -> str:
        """Organiser, date and place; the organiser left out when it stands in the series line
        set right above (``under_series``)."""
        named = under_series and self.organiser.lower() in self.series.lower()
        return self.separator.join(x for x in ("" if named else self.organiser, self.when_where) if x)


@dataclass(frozen=True)
class OpeningPart:
    preface: Optional[Text]
    label: str  # "Summary"
    summary: Text
    loc: Loc = NOWHERE
    kind: str = "opening"


@dataclass(frozen=True)
class KeyMessagesPart:
    label: str
    items: tuple[Text, ...]
    loc: Loc = NOWHERE
    kind: str = "key_messages"


@dataclass(frozen=True)
class KeyFigureItem:
    key_figure: KeyFigure
    value: str  # "200 million"
    label: Text  # what it counts
    source: str  # "Source: the speaker"
    line: str  # value, label and source as one plain line (notes, alt text)


@dataclass(frozen=True)
class KeyFiguresPart:
    """The numbers a reader should take away (facts with a label), lifted out of the prose."""

    label: str  # "Key figures"
    items: tuple[KeyFigureItem, ...]
    loc: Loc = NOWHERE
    kind: str = "key_figures"


class _Block:
    """What a figure and a table share: a label and a source line."""

    label: str
    source_line: Text

    @property
    def labelled_source(self) -> str:
        """"Figure 2. Source: …": the source line where it stands apart from its block (a deck's notes)."""
        return f"{self.label}. {self.source_line.plain}"


@dataclass(frozen=True)
class FigurePart(_Block):
    figure: Figure
    label: str  # "Figure 2"
    caption: Text
    source_line: Text  # "Source: … (as of …). Data licence: …."
    note: Optional[Text]
    loc: Loc = NOWHERE
    kind: str = "figure"

    @property
    def anchor(self) -> str:
        return self.figure.anchor



@dataclass(frozen=True)
class TablePart(_Block):
    """A table as every output sets it: a chart-like block placed after its section's figures."""

    table: Table
    label: str  # "Table 1"
    caption: Text
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: Optional[tuple[str, ...]]  # the computed sums row, set apart under the rows
    aligns: tuple[str, ...]  # "left" | "right" per column: numbers right, text left
    source_line: Text
    note: Optional[Text]
    loc: Loc = NOWHERE
    kind: str = "table"

    @property
    def anchor(self) -> str:
        return self.table.anchor


    @property
    def body(self) -> tuple[tuple[str, ...], ...]:
        """The rows and the total row, as a reader meets them under the headings."""
        return self.rows + ((self.total,) if self.total else ())

    def plain(self, separator: str = "\t") -> str:
        """The table as plain lines, headings first (a deck's notes, a text reading)."""
        return "\n".join(separator.join(c for c in row) for row in (self.headings,) + self.body)


@dataclass(frozen=True)
class QuotePart:
    quote: Quote
    text: Text  # the words, without quotation marks (an output that sets them as a quote adds the locale's)
    quoted: str  # the words in the language's quotation marks
    attribution: str  # "— Corey Levine", "— Peter White, Witness": one rule for every output
    speaker: Optional[Person]
    paragraph: int  # the index of the section paragraph the words come from
    loc: Loc = NOWHERE
    kind: str = "quote"


@dataclass(frozen=True)
class SectionPart:
    section: Section
    number: int  # 1-based, of ``total``
    total: int
    part_label: str  # "Part 2 of 7"
    title: str
    slide_title: str  # a short statement of the point, for a slide
    byline: str  # who speaks in it, when the event has several people ("" otherwise)
    speakers: tuple[str, ...]  # "Name, Role" for each of them
    paragraphs: tuple[Text, ...]
    figures: tuple[FigurePart, ...]
    quotes: tuple[QuotePart, ...]
    loc: Loc = NOWHERE
    kind: str = "section"
    tables: tuple[TablePart, ...] = ()  # after the figures

    @property
    def id(self) -> str:
        return self.section.id

    @property
    def anchor(self) -> str:
        return f"sec-{self.section.id}"


@dataclass(frozen=True)
class RecommendationItem:
    recommendation: Recommendation
    lead: str  # a short imperative, "" when the author gave none
    text: Text
    line: str  # lead and text as one plain line ("Decide what the mission is for: …")


@dataclass(frozen=True)
class RecommendationsPart:
    label: str
    items: tuple[RecommendationItem, ...]
    loc: Loc = NOWHERE
    kind: str = "recommendations"


@dataclass(frozen=True)
class ReferenceItem:
    reference: Reference
    title: str
    url: Optional[str]
    who: str  # "Publisher, date"
    note: str
    cite: str  # "Title. Publisher, date." the reference as every output prints it (its note and URL apart)
    line: str  # the cite with its note and URL, for plain text (notes, alt text)


@dataclass(frozen=True)
class ReferencesPart:
    label: str
    items: tuple[ReferenceItem, ...]
    figure_sources: tuple[tuple[str, str, tuple[Figure, ...]], ...]  # (label, source line, figures) per distinct source
    loc: Loc = NOWHERE
    kind: str = "references"


@dataclass(frozen=True)
class PersonEntry:
    person: Person
    role: str  # the person's part ("Witness"), "" at a single speaker's event
    name: str
    titles: tuple[str, ...]
    affiliation: str
    bio: Text
    line: str  # "Name, Description": how the person is introduced in one line

    @property
    def description(self) -> str:
        """Every title and the affiliation, as one line ("Chair, Transport Committee; House of Commons")."""
        parts = list(self.titles)
        if self.affiliation and self.affiliation not in " ".join(parts):
            parts.append(self.affiliation)
        return "; ".join(parts)


@dataclass(frozen=True)
class PeoplePart:
    label: str  # "About the speaker"
    entries: tuple[PersonEntry, ...]
    loc: Loc = NOWHERE
    kind: str = "people"


@dataclass(frozen=True)
class ColophonPart:
    cite_label: str
    citation: Text
    published: str
    licence_label: str
    licence: str
    credit: str  # the tool's line, "" when the source or theme drops it
    loc: Loc = NOWHERE
    kind: str = "colophon"
    url: Optional[str] = None  # where the brief is published on the web (meta.url)
    url_label: str = ""  # "Online edition:"
    logos: tuple[Picture, ...] = ()  # the organiser's, then the partners' (organisations with a logo), on the back page


Part = Union[TitlePart, OpeningPart, KeyMessagesPart, KeyFiguresPart, SectionPart, RecommendationsPart, ReferencesPart, PeoplePart,
             ColophonPart]


@dataclass(frozen=True)
class OutlineEntry:
    """A bookmark or table-of-contents line: (title, anchor, level)."""

    title: str
    anchor: str
    level: int


@dataclass(frozen=True)
class RunningLines:
    """The lines repeated on every page or slide."""

    title: str  # the short title, else the title (a page's running head)
    series: str  # the series, else the organiser
    footer: str  # short title and date (a slide's footer)
    edition: str  # organiser and date (a printed page's foot, beside its number)


@dataclass(frozen=True)
class ReadingPlan:
    parts: tuple[Part, ...]
    running: RunningLines

    def __iter__(self) -> Iterator[Part]:
        return iter(self.parts)

    def find(self, kind: str) -> Optional[Part]:
        return next((p for p in self.parts if p.kind == kind), None)

    @property
    def title(self) -> TitlePart:
        return self.find("title")  # type: ignore[return-value]

    @property
    def sections(self) -> tuple[SectionPart, ...]:
        return tuple(p for p in self.parts if isinstance(p, SectionPart))

    @property
    def figures(self) -> tuple[FigurePart, ...]:
        return tuple(f for s in self.sections for f in s.figures)

    @property
    def tables(self) -> tuple[TablePart, ...]:
        return tuple(t for s in self.sections for t in s.tables)

    def figure(self, fig: Figure) -> FigurePart:
        return next(f for f in self.figures if f.figure.id == fig.id)

    def outline(self, figure_separator: str, figures: bool = True) -> tuple[OutlineEntry, ...]:
        """The document's outline in reading order: figures under the section that owns them."""
        out = []
        for p in self.parts:
            if isinstance(p, OpeningPart):
                out.append(OutlineEntry(p.label, "summary", 0))
            elif isinstance(p, KeyMessagesPart):
                out.append(OutlineEntry(p.label, "key-messages", 0))
            elif isinstance(p, KeyFiguresPart):
                out.append(OutlineEntry(p.label, "key-figures", 0))
            elif isinstance(p, SectionPart):
                out.append(OutlineEntry(p.title, p.anchor, 0))
                if figures:
                    out += [OutlineEntry(f"{f.label}{figure_separator}{f.caption.plain}", f.anchor, 1) for f in p.figures]
                    out += [OutlineEntry(f"{t.label}{figure_separator}{t.caption.plain}", t.anchor, 1) for t in p.tables]
            elif isinstance(p, RecommendationsPart):
                out.append(OutlineEntry(p.label, "recommendations", 0))
            elif isinstance(p, ReferencesPart) and p.items:
                out.append(OutlineEntry(p.label, "references", 0))
            elif isinstance(p, PeoplePart):
                out.append(OutlineEntry(p.label, "speakers", 0))
        return tuple(out)


# -- composing the plan ---------------------------------------------------------------------------
def reading_plan(view: "View") -> ReadingPlan:
    doc = view.doc
    parts: list[Part] = [_title(view), OpeningPart(doc.preface, view.label("summary"), doc.summary, doc.summary.loc)]
    if doc.key_messages:
        parts.append(KeyMessagesPart(view.label("key_messages"), doc.key_messages, doc.key_messages[0].loc))
    if doc.key_figures:
        parts.append(KeyFiguresPart(view.label("key_figures"), tuple(_key_figure(view, k) for k in doc.key_figures),
                                    doc.key_figures[0].loc))
    total = len(doc.sections)
    parts += [_section(view, s, n, total) for n, s in enumerate(doc.sections, 1)]
    if doc.recommendations:
        parts.append(RecommendationsPart(view.label("recommendations"), tuple(_recommendation(view, r) for r in doc.recommendations),
                                         doc.recommendations[0].loc))
    refs = tuple(_reference(view, r) for r in doc.references)
    sources = _figure_sources(view)
    if refs or sources:
        loc = doc.references[0].loc if doc.references else doc.figures[0].loc
        parts.append(ReferencesPart(view.label("references"), refs, sources, loc))
    if doc.people:
        parts.append(PeoplePart(view.about_label, tuple(_person(view, p) for p in _in_order_of_introduction(view)),
                                doc.people[0].loc))
    parts.append(ColophonPart(view.term("brief", "how_to_cite"), view.citation, view.published, view.term("brief", "licence"),
                              view.licence, view.credit, doc.meta.loc, url=doc.meta.url, url_label=view.label("online"),
                              logos=tuple(x for x in (doc.event.logo, *(o.logo for o in doc.organisations)) if x is not None)))
    meta, ev = doc.meta, doc.event
    running = RunningLines(meta.short_title, meta.series, view.footer,
                           view.separator.join(x for x in (ev.organiser, ev.date_text) if x))
    return ReadingPlan(tuple(parts), running)


def _title(view: "View") -> TitlePart:
    doc, ev = view.doc, view.doc.event
    return TitlePart(series=doc.meta.series, title=ev.title, subtitle=ev.subtitle, full_title=view.full_title,
                     organiser=ev.organiser, when_where=view.separator.join(x for x in (ev.date_text, ev.place) if x),
                     separator=view.separator, url=ev.url, people=_people_lines(view), loc=ev.loc, logo=ev.logo)


def _people_lines(view: "View") -> tuple[PeopleLine, ...]:
    """Who took part, one line per part: those who lead the event on one line (the chair first),
    then each panel in order, then the other contributors named by their part (or, when they are
    all plain speakers, one line of names)."""
    groups = view.people_groups
    seated = {p.id for pn in view.doc.panels for p in pn.people}
    contributors = [g for g in groups if not g.hosts]
    hosts = [g for g in groups if g.hosts]
    panels = [(pn, [p for p in pn.people if not p.is_host]) for pn in view.doc.panels]
    # a talk by one person needs no label ("Foreign Minister: …" over the minister's own title)
    plain = view.single_speaker_event or all(g.role == "speaker" and not g.people[0].role_label for g in contributors)
    colon, listed = view.label("colon"), view.label("list_separator")

    def names(people, full: bool) -> tuple[Span, ...]:
        spans: list[Span] = []
        for i, p in enumerate(people):
            if i:
                spans.append(Span(listed))
            spans.append(Span(p.name, bold=True))
            desc = view.person_description(p) if full else ""
            if desc:
                spans.append(Span(f", {desc}"))
        return tuple(spans)

    def line(label: str, people, is_host: bool, loc) -> PeopleLine:
        head = (Span(label + colon),) if label else ()
        return PeopleLine(label, tuple(people), is_host, Text(head + names(people, True), loc), Text(head + names(people, False), loc))

    out = []
    if hosts:
        spans_full: list[Span] = []
        spans_short: list[Span] = []
        for i, g in enumerate(hosts):
            sep = (Span(view.separator),) if i else ()
            spans_full += [*sep, Span(g.label + colon), *names(g.people, True)]
            spans_short += [*sep, Span(g.label + colon), *names(g.people, False)]
        people = tuple(p for g in hosts for p in g.people)
        out.append(PeopleLine(view.separator.join(g.label for g in hosts), people, True, Text(tuple(spans_full), people[0].loc),
                              Text(tuple(spans_short), people[0].loc)))
    out += [line(pn.title, members, False, pn.loc) for pn, members in panels if members]
    rest = [(g, [p for p in g.people if p.id not in seated]) for g in contributors]
    rest = [(g, people) for g, people in rest if people]
    if rest and plain and not panels:
        everyone = [p for _, people in rest for p in people]
        out.append(line("", everyone, False, everyone[0].loc))
    else:
        out += [line(g.label if len(people) == len(g.people) else view.role_label(people[0], len(people) > 1),
                     people, False, people[0].loc) for g, people in rest]
    return tuple(out)


def _section(view: "View", s: Section, n: int, total: int) -> SectionPart:
    several = len(view.doc.people) > 1
    byline = ", ".join(p.name for p in s.speakers) if (s.speakers and several) else ""
    if s.organisation is not None:  # an organisation's written evidence, not a person's words
        byline = view.separator.join(x for x in (view.label("written_evidence", organisation=s.organisation.name), byline) if x)
    if s.panel is not None:
        byline = view.separator.join(x for x in (s.panel.title, byline) if x)
    speakers = tuple(view.label("person_role", name=p.name, role=view.role_label(p)) for p in s.speakers)
    figures = tuple(_figure(view, f) for f in s.figures)
    quotes = tuple(_quote(view, q, s) for q in view.quotes_for(s))
    return SectionPart(s, n, total, view.label("part", n=n, total=total), s.title, s.slide_title, byline,
                       speakers, s.paragraphs, figures, quotes, s.loc, tables=tuple(_table(view, t) for t in s.tables))


def _figure(view: "View", f: Figure) -> FigurePart:
    return FigurePart(f, view.figure_label(f), f.caption, view.source_line(f), f.note, f.loc)


def _table(view: "View", t: Table) -> TablePart:
    return TablePart(t, view.table_label(t), t.caption, tuple(c.heading for c in t.columns), t.rows, t.total,
                     tuple(c.align for c in t.columns), view.source_line(t), t.note, t.loc)


def _quote(view: "View", q: Quote, s: Section) -> QuotePart:
    text = view.fragment(q.text)
    return QuotePart(q, text, view.quoted(text.plain), view.attribution(q), q.speaker, view.quote_paragraph(q, s), q.loc)


def _key_figure(view: "View", k: KeyFigure) -> KeyFigureItem:
    source = view.label("figure_source", source=k.source) if k.source else ""
    line = " ".join(x for x in (f"{k.value} {k.label.plain}", f"({source})" if source else "") if x)
    return KeyFigureItem(k, k.value, k.label, source, line)


def _recommendation(view: "View", r: Recommendation) -> RecommendationItem:
    lead = r.lead.strip()
    line = f"{view.lead_in(lead)}{r.text.plain}" if lead else r.text.plain
    return RecommendationItem(r, lead, r.text, line)


def _reference(view: "View", r: Reference) -> ReferenceItem:
    who = ", ".join(x for x in (r.publisher, r.date_text) if x)
    cite = ". ".join(x for x in (r.title.rstrip("."), who) if x) + "."
    line = " ".join(x for x in (cite, r.note, r.url or "") if x)
    return ReferenceItem(r, r.title, r.url, who, r.note, cite, line)


def _figure_sources(view: "View") -> tuple[tuple[str, str, tuple[Figure, ...]], ...]:
    """One entry per distinct source line, with the figures it serves ("Figures 2 and 4")."""
    groups: dict[str, list[Figure]] = {}
    for fig in view.doc.figures:
        groups.setdefault(view.source_line(fig).plain, []).append(fig)
    out = []
    for line, figs in groups.items():
        label = view.figures_label(figs)
        out.append((label, line, tuple(figs)))
    return tuple(out)


def _in_order_of_introduction(view: "View") -> list[Person]:
    """Everyone as the title lists them: those who lead the event, each panel, the others."""
    order = [p for g in view.people_groups if g.hosts for p in g.people]
    order += [p for pn in view.doc.panels for p in pn.people if p not in order]
    return order + [p for p in view.doc.people if p not in order]


def _person(view: "View", p: Person) -> PersonEntry:
    role = "" if view.single_speaker_event else view.role_label(p)
    panel = next((pn for pn in view.doc.panels if p in pn.people), None)
    if panel is not None and role:
        role = f"{role}{view.separator}{panel.title}"
    affiliation = view.affiliation(p)
    if p.speaks_for is not None and p.speaks_for.name not in affiliation:
        affiliation = view.label("list_separator").join(x for x in (affiliation, view.label("speaks_for", organisation=p.speaks_for.name)) if x)
    return PersonEntry(p, role, p.name, p.titles, affiliation, p.bio, view.person_line(p))


__all__ = ["ReadingPlan", "reading_plan", "Part", "TitlePart", "OpeningPart", "KeyMessagesPart", "KeyFiguresPart", "KeyFigureItem", "SectionPart", "FigurePart", "TablePart",
           "QuotePart", "RecommendationsPart", "RecommendationItem", "ReferencesPart", "ReferenceItem", "PeoplePart",
           "PersonEntry", "ColophonPart", "PeopleLine", "OutlineEntry", "RunningLines"]
