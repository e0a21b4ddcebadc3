"""The document model: what a brief and a deck are made of, independent of any renderer.

Every node is a frozen dataclass and carries ``loc`` (file, line, column) so that any
later problem -- a chart that cannot be drawn, text too long for a slide -- can point the
author at the line to fix. The model never imports reportlab, python-pptx or matplotlib;
renderers never see YAML. Inline text is already parsed into ``Span`` runs, facts are
already resolved to their values and figure references to "Figure N".
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import field
from typing import Any, Optional

from .dataclass_code import dataclass


@dataclass(frozen=True)
class Loc:
    """Where a node came from in the source file (1-based line and column)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}" if self.line else self.file


NOWHERE = Loc("<none>")


@dataclass(frozen=True)
class Span:
    """A run of inline text with uniform formatting.

    ``href`` is an external URL, or ``#anchor`` for a link inside the document
    (figure references use ``#fig-<id>``).
    """

    text: str
    bold: bool = False
    italic: bool = False
    href: Optional[str] = None


@dataclass(frozen=True)
class Text:
    """Rich inline text: a tuple of spans, with the plain string for measuring and search."""

    spans: tuple[Span, ...]
    loc: Loc = NOWHERE

    @property
    def plain(self) -> str:
        return "".join(s.text for s in self.spans)

    def __bool__(self) -> bool:
        return bool(self.plain.strip())


@dataclass(frozen=True)
class Meta:
    language: str  # BCP 47, e.g. "en-CA"
    paper: str  # "a4" | "letter"
    updated: _dt.date  # the date stamped into outputs (reproducible builds)
    short_title: str
    series: str
    keywords: tuple[str, ...]
    licence: str
    how_to_cite: Optional[Text]
    template: Optional[str]  # absolute path of a deck template, already checked
    theme: str
    loc: Loc = NOWHERE
    authors: tuple[str, ...] = ()  # names, as declared (person and organisation ids resolved); empty: the rule in present
    editors: tuple[str, ...] = ()
    publisher: str = ""  # only when the source declares one
    published: Optional[_dt.date] = None  # publication date, when declared
    credit: Optional[str] = None  # the colophon's tool credit: None the default, "" none, else these words
    url: Optional[str] = None  # where the brief's web edition is published (http or https)


@dataclass(frozen=True)
class Event:
    title: str
    subtitle: str
    organiser: str
    date: _dt.date
    date_text: str  # the date formatted for the document's locale
    place: str
    url: Optional[str]
    loc: Loc = NOWHERE
    logo: Optional[Picture] = None  # the organiser's: title band and back page, title and closing slides


# A person's part in the event. Hosts lead the event (chair it, moderate it, ask the questions);
# everyone else contributes the words the brief records, and is its author.
ROLES: dict[str, bool] = {  # role -> is a host
    "speaker": False, "keynote": False, "lecturer": False, "presenter": False, "panellist": False,
    "witness": False, "respondent": False, "discussant": False,
    "moderator": True, "chair": True, "host": True, "member": True,
}


@dataclass(frozen=True)
class Picture:
    """A picture a source names (a logo, a photo, a photograph as a figure), checked and ready to
    embed: ``raster`` is PNG or JPEG (upright, sRGB, no metadata; an SVG's PNG drawing), ``svg`` the
    checked SVG for outputs that draw vectors. ``alt`` is "" exactly when it is ``decorative``."""

    path: str  # as the source names it
    alt: str
    decorative: bool
    width: int  # pixels (an SVG: its own size in CSS pixels)
    height: int
    format: str  # what the file holds: "png" | "jpeg" | "svg"
    raster: bytes = field(repr=False, compare=False)
    svg: Optional[bytes] = field(default=None, repr=False, compare=False)
    credit: str = ""  # who made it, printed as a figure's source is
    licence: str = ""
    digest: str = ""  # sha256 of what is embedded: equal pictures compare equal, cheaply
    loc: Loc = NOWHERE

    @property
    def raster_format(self) -> str:
        return "jpeg" if self.format == "jpeg" else "png"


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    url: Optional[str] = None
    loc: Loc = NOWHERE
    logo: Optional[Picture] = None  # alt text: the organisation's name unless the source gives one


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str  # one of ROLES
    titles: tuple[str, ...]
    affiliations: tuple[str, ...]
    bio: Text
    loc: Loc = NOWHERE
    role_label: str = ""  # the author's own name for the part ("Ranking Member"), shown instead of the role's
    speaks_for: Optional[Organisation] = None
    photo: Optional[Picture] = None  # the about box and the about slide

    @property
    def is_host(self) -> bool:
        return ROLES.get(self.role, False)


@dataclass(frozen=True)
class Panel:
    """A panel or sitting of the event, with its people in the order they are introduced."""

    id: str
    title: str
    time: str
    people: tuple[Person, ...]
    loc: Loc = NOWHERE


@dataclass(frozen=True)
class DataTable:
    """A table of values for a chart: named columns of equal length, already typed.

    Values are ``str``, ``float``/``int`` or ``datetime.date``; missing cells are ``None``.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def column(self, name: str) -> tuple[Any, ...]:
        i = self.columns.index(name)
        return tuple(r[i] for r in self.rows)


@dataclass(frozen=True)
class Provenance:
    """Where the numbers come from: printed under every chart and in the notes."""

    source: str  # e.g. "United Nations, Peace and Security Data Hub"
    as_of: Optional[_dt.date]
    as_of_text: str  # formatted for the locale, "" when unknown
    url: Optional[str] = None
    licence: Optional[str] = None


@dataclass(frozen=True)
class ChartSpec:
    """A chart as declared in the source, with its data resolved.

    ``kind`` names a function registered with the chart service. ``x`` is the category or
    time column, ``series`` the value columns in drawing order, ``labels`` maps column
    names to display names. ``options`` holds kind-specific settings (e.g. ``stacked``,
    ``horizontal``, ``highlight``) as sorted key/value pairs so the spec stays hashable.
    """

    kind: str
    table: DataTable
    x: Optional[str]
    series: tuple[str, ...]
    labels: tuple[tuple[str, str], ...] = ()
    title: str = ""
    x_label: str = ""
    y_label: str = ""
    options: tuple[tuple[str, Any], ...] = ()
    language: str = "en-CA"
    dates: tuple[tuple[str, str], ...] = ()  # the locale's named date patterns (day, month_short...)

    def label(self, column: str) -> str:
        return dict(self.labels).get(column, column.replace("_", " ").capitalize())

    def option(self, name: str, default: Any = None) -> Any:
        return dict(self.options).get(name, default)


@dataclass(frozen=True)
class Figure:
    """A numbered figure: a chart with its caption, source line and alt text."""

    id: str
    number: int
    chart: ChartSpec
    caption: Text  # states the finding: "Most MINUSMA deaths came from attacks"
    provenance: Provenance
    alt: str  # never a file name; generated from the data when the author gives none
    note: Optional[Text]  # e.g. why the chart's total differs from the speaker's figure
    editable: bool  # deck: native PowerPoint chart with embedded data
    loc: Loc = NOWHERE
    picture: Optional["Picture"] = None  # a photograph shown instead of a chart (its chart is an empty "picture" spec)

    @property
    def anchor(self) -> str:
        return f"fig-{self.id}"


@dataclass(frozen=True)
class TableColumn:
    name: str  # the data's column
    heading: str
    align: str  # "right" for numbers, "left" for text and dates
    numeric: bool


@dataclass(frozen=True)
class Table:
    """A numbered table: headed columns, rows of cells already written in the document's language,
    and the sums row the loader computed (never typed by the author)."""

    id: str
    number: int
    columns: tuple[TableColumn, ...]
    rows: tuple[tuple[str, ...], ...]
    total: Optional[tuple[str, ...]]  # the label in the first cell, the number columns' sums, "" elsewhere
    caption: Text
    provenance: Provenance
    note: Optional[Text]
    loc: Loc = NOWHERE
    title: str = ""  # the slides' short title, when the author gives one

    @property
    def anchor(self) -> str:
        return f"tab-{self.id}"


@dataclass(frozen=True)
class Quote:
    text: Text
    speaker: Optional[Person]
    section_id: Optional[str]  # the section it belongs to, for placement
    loc: Loc = NOWHERE


@dataclass(frozen=True)
class Section:
    """A part of the talk: full paragraphs for the brief and the notes, bullets for slides.

    ``bullets`` are the author's short slide lines; when empty the deck planner derives
    them from the paragraphs. ``figures`` are shown after the section's text.
    """

    id: str
    title: str
    paragraphs: tuple[Text, ...]
    bullets: tuple[Text, ...]
    figures: tuple[Figure, ...]
    speakers: tuple[Person, ...]  # who speaks in this section (panels, hearings)
    slide_title: str  # a short sentence stating the point, for the deck
    loc: Loc = NOWHERE
    panel: Optional[Panel] = None  # the panel it reports
    organisation: Optional[Organisation] = None  # whose written evidence it reports
    tables: tuple[Table, ...] = ()  # shown after its figures


@dataclass(frozen=True)
class Recommendation:
    lead: str  # bold lead, a short imperative
    text: Text
    loc: Loc = NOWHERE


@dataclass(frozen=True)
class Reference:
    title: str
    url: Optional[str]
    publisher: str
    date_text: str
    note: str
    loc: Loc = NOWHERE


@dataclass(frozen=True)
class KeyFigure:
    """A declared fact with a label, lifted out of the prose: the value as printed, what it
    counts, and where it comes from (the speaker, a report, a dataset's source)."""

    value: str
    label: Text
    source: str
    loc: Loc = NOWHERE


@dataclass(frozen=True)
class Document:
    """One event's content, validated and resolved: the only input of every renderer."""

    meta: Meta
    event: Event
    people: tuple[Person, ...]
    preface: Optional[Text]
    summary: Text
    key_messages: tuple[Text, ...]
    sections: tuple[Section, ...]
    quotes: tuple[Quote, ...]
    recommendations: tuple[Recommendation, ...]
    references: tuple[Reference, ...]
    source_path: str
    loc: Loc = NOWHERE
    warnings: tuple[Any, ...] = field(default=())  # errors.Problem of severity "warning", located in the source
    inputs: tuple[str, ...] = field(default=())  # every file read to make it (data, maps, template)
    organisations: tuple[Organisation, ...] = field(default=())
    panels: tuple[Panel, ...] = field(default=())
    key_figures: tuple[KeyFigure, ...] = field(default=())  # facts with a label, in the order declared

    @property
    def figures(self) -> tuple[Figure, ...]:
        """All figures in reading order (their numbers follow this order)."""
        return tuple(f for s in self.sections for f in s.figures)

    @property
    def tables(self) -> tuple[Table, ...]:
        """All tables in reading order (their numbers follow this order)."""
        return tuple(t for s in self.sections for t in s.tables)

    @property
    def charted_figures(self) -> tuple[Figure, ...]:
        """The figures the chart service draws (a photograph is no chart)."""
        return tuple(f for f in self.figures if f.picture is None)

    @property
    def speakers(self) -> tuple[Person, ...]:
        """The contributors: everyone whose part is not to lead the event."""
        return tuple(p for p in self.people if not p.is_host)

    def quotes_for(self, section_id: str) -> tuple[Quote, ...]:
        return tuple(q for q in self.quotes if q.section_id == section_id)
