"""The source format: every field an author can write, with its meaning, in one place.

These pydantic models validate the YAML (after ``yamlsafe`` has kept each node's line and
column) and generate the JSON Schema (``python build.py --schema``) and the field tables in
``docs/source-format.md``. They hold the source as written; ``resolve`` turns them into the
document model. Inline strings accept Markdown emphasis and links, plus ``{fact:ID}`` (a value
computed from a data set), ``{fig:ID}`` (becomes "Figure N", linked) and ``{tab:ID}`` ("Table N").
"""
from __future__ import annotations

import datetime as _dt
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

from . import sourcerules as rules
from .model import ROLES

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
FORMAT_VERSION = 1


class Strict(BaseModel):
    """Unknown keys are errors (with a did-you-mean), never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class MetaSrc(Strict):
    language: str = Field("en-CA", description="Language of the content as a BCP 47 tag (en-CA, fr-CA, en-GB...). Sets date and number formats and the language stamped into the PDF and the deck.")
    paper: Literal["a4", "letter"] = Field("a4", description="Paper size of the brief. `--paper` on the command line overrides it.")
    updated: Optional[_dt.date] = Field(None, description="Date of this edition. Stamped into the outputs' metadata instead of the clock so builds are reproducible; defaults to the event date.")
    short_title: Optional[str] = Field(None, description="Short title for the running header and the deck footer; defaults to the event title.")
    series: Optional[str] = Field(None, description="Series line above the title, e.g. 'Africa Studies Group · Panel brief'; defaults to the organiser.")
    keywords: list[str] = Field(default_factory=list, description="Keywords for the PDF and PPTX metadata.")
    licence: Optional[str] = Field(None, description="Licence of the brief's text, printed in the colophon.")
    how_to_cite: Optional[str] = Field(None, description="Suggested citation, printed in the colophon; generated when absent.")
    credit: Union[bool, str, None] = Field(None, description="The colophon's last words, naming the tool that set the brief ('Typeset with briefdeck 0.1.0.'): `false` drops them, a text replaces them; the theme's `brief.colophon.tool_credit` sets the default.")
    template: Optional[str] = Field(None, description="Deck template (.pptx), relative to the project folder. `--template` overrides it.")
    theme: str = Field("default", description="Theme name: a folder assets/themes/NAME/ (base.yaml, brief.yaml, deck.yaml, charts.yaml, html.yaml).")
    authors: list[str] = Field(default_factory=list, description="Who wrote the brief: person ids, organisation ids or plain names, in order. Named in 'How to cite', the colophon and the files' Author. When absent: the speaker of a single-speaker talk or lecture, else the organiser (a committee's or a panel's brief is the organiser's, with the speakers named).")
    editors: list[str] = Field(default_factory=list, description="Who edited the brief (person ids, organisation ids or names), named in the colophon and after the authors in 'How to cite'.")
    publisher: Optional[str] = Field(None, description="Who publishes the brief (an organisation id or a name). Printed as 'Published by …' only when given: briefdeck never names a publisher the source did not declare.")
    published: Optional[_dt.date] = Field(None, description="Publication date of the brief, when it differs from `updated` (the edition date stamped into the files).")
    url: Optional[str] = Field(None, description="The brief's own address on the web, where its HTML edition is published (http or https). The web page names it as its canonical address; the PDF's last page carries it as a link and a QR code, so a printed copy leads to the accessible edition.")


class PictureSrc(Strict):
    file: str = Field(..., description="A PNG, JPEG or SVG file in the project, e.g. assets/pictures/logo.svg. Checked when the source is read: at most 20 MB (an SVG 2 MB) and 40 megapixels, whole, of the kind its extension says; an SVG without scripts, event handlers, foreignObject, entities or references outside itself. Turned upright by its EXIF orientation, converted to sRGB and embedded without its metadata (EXIF, GPS, camera).")
    alt: Optional[str] = Field(None, min_length=1, description="What the picture shows, for readers who cannot see it. Required unless `decorative`; a logo's defaults to its organisation's name.")
    decorative: bool = Field(False, description="The picture adds nothing a reader needs (an ornament): no alt text, an artifact in the PDF, marked decorative in the deck, alt=\"\" on the web page.")
    credit: Optional[str] = Field(None, description="Who made it (photographer, agency), printed with a photograph as a figure's source is.")
    licence: Optional[str] = Field(None, description="Its licence, e.g. 'public domain' or 'CC BY 4.0', printed with the credit.")


Pic = Union[str, PictureSrc]  # a file name alone, or the file with its alt text, credit and licence


class EventSrc(Strict):
    title: str = Field(..., min_length=1, description="The event's title, used as the brief's title.")
    subtitle: Optional[str] = Field(None, description="Subtitle, shown under the title.")
    organiser: str = Field(..., min_length=1, description="Who held the event; appears in the title band, footer and colophon.")
    date: _dt.date = Field(..., description="Date of the event, as YYYY-MM-DD; printed in the document's language ('25 April 2018').")
    place: str = Field(..., min_length=1, description="Where it was held, e.g. 'Ottawa'.")
    url: Optional[str] = Field(None, description="The event's web page, written as a link (http, https or mailto).")
    logo: Optional[Pic] = Field(None, description="The organiser's logo (PNG, JPEG or SVG): in the brief's title band and on its back page, on the deck's title and closing slides, in the web page's header. Its alt text is the organiser's name unless given.")


Role = Literal[tuple(ROLES)]  # type: ignore[valid-type]


class OrganisationSrc(Strict):
    id: str = Field(..., pattern=ID_PATTERN, description="Short identifier, used by people (`speaks_for`), sections (`organisation`) and `meta.authors`/`publisher`.")
    name: str = Field(..., min_length=1, description="Full name, e.g. 'Campaign for Better Transport'.")
    url: Optional[str] = Field(None, description="The organisation's web page (http, https or mailto).")
    logo: Optional[Pic] = Field(None, description="The organisation's logo (PNG, JPEG or SVG). Partners' logos (organisations with one) follow the organiser's on the brief's back page and the deck's closing slide; alt text is the organisation's name unless given.")


class PanelSrc(Strict):
    id: str = Field(..., pattern=ID_PATTERN, description="Short identifier, used by sections (`panel`).")
    title: str = Field(..., min_length=1, description="The panel's (or sitting's) name, e.g. 'First panel: transport specialists'.")
    time: Optional[str] = Field(None, description="When it sat, as written ('10.30 am').")
    people: list[str] = Field(..., min_length=1, description="Ids of the people on this panel, in the order they are introduced.")


class PersonSrc(Strict):
    id: str = Field(..., pattern=ID_PATTERN, description="Short identifier used by sections and quotes to name this person.")
    name: str = Field(..., min_length=1, description="Full name.")
    role: Role = Field("speaker", description="Part in the event. Contributors: speaker, keynote, lecturer, presenter, panellist, witness, respondent, discussant. Those who lead it: moderator, chair, host, member (of a committee). Hosts are not counted as authors of the brief.")
    role_label: Optional[str] = Field(None, min_length=1, description="Your own name for the part, printed instead of the role's ('Ranking Member', 'Chairman', 'Keynote speaker').")
    titles: list[str] = Field(default_factory=list, description="Positions held, one per line, e.g. 'Human rights and peacebuilding policy expert'.")
    affiliation: Optional[Union[str, list[str]]] = Field(None, description="Organisation the person belongs to, or a list of them.")
    bio: Optional[str] = Field(None, description="A short biography (inline markup allowed), for 'About the speaker' in the brief and the deck.")
    speaks_for: Optional[str] = Field(None, description="Id of the organisation (under `organisations`) this person speaks for, e.g. a witness giving a charity's evidence.")
    photo: Optional[PictureSrc] = Field(None, description="A photo of the person (PNG, JPEG or SVG), above their name in the brief's 'about' box and the web page's, with its alt text (or `decorative: true`), credit and licence.")


class SectionSrc(Strict):
    id: str = Field(..., pattern=ID_PATTERN, description="Identifier, used in `--slides ID` and by quotes.")
    title: str = Field(..., min_length=1, description="Heading in the brief.")
    slide_title: Optional[str] = Field(None, description="The point of the section as a short sentence, used as the slide title; defaults to `title`.")
    speaker: Optional[Union[str, list[str]]] = Field(None, description="Id of the person speaking in this section, or a list of ids when several speak (panels, hearings).")
    panel: Optional[str] = Field(None, description="Id of the panel (under `panels`) this section reports.")
    organisation: Optional[str] = Field(None, description="Id of an organisation whose written evidence this section reports (rather than a person's words).")
    paragraphs: list[str] = Field(..., min_length=1, description="The full text, one string per paragraph (inline markup allowed). All of it goes into the brief and into the slide notes.")
    bullets: list[str] = Field(default_factory=list, description="Short lines for the slides (at most about twelve words each). Derived from the paragraphs when absent.")
    figures: list[str] = Field(default_factory=list, description="Ids of figures shown after this section.")
    tables: list[str] = Field(default_factory=list, description="Ids of tables shown after this section's figures.")


class QuoteSrc(Strict):
    text: str = Field(..., min_length=1, description="The words quoted, verbatim from the section's paragraphs (line breaks, quote marks and dashes may differ). Checked.")
    speaker: Optional[str] = Field(None, description="Id of the person quoted.")
    section: Optional[str] = Field(None, description="Id of the section whose paragraphs hold the quote (placement in the brief and deck); found by searching every section when absent.")


class RecommendationSrc(Strict):
    lead: str = Field(..., min_length=1, description="Bold lead: the recommendation as a short imperative.")
    text: str = Field(..., min_length=1, description="What it means, in a sentence or two (inline markup allowed).")


class DatasetSrc(Strict):
    file: str = Field(..., description="CSV file with a header row, relative to the project folder (e.g. assets/data/x.csv). Paths outside the project are refused.")
    source: str = Field(..., min_length=1, description="Who published the data; printed under every chart that uses it.")
    url: Optional[str] = Field(None, description="Where the data can be found.")
    licence: Optional[str] = Field(None, description="Licence of the data, e.g. CC BY-IGO.")
    as_of: Optional[_dt.date] = Field(None, description="Date the data are current to; printed as 'as of'.")
    types: dict[str, Literal["number", "date", "text", "month"]] = Field(default_factory=dict, description="Column types where the guess (numbers, YYYY-MM-DD dates, text) is not wanted. 'month' reads YYYY-MM.")
    delimiter: Optional[Literal[",", ";", "tab", "|"]] = Field(None, description="What separates the cells: ',', ';', 'tab' or '|'. Found from the first lines when absent (a comma, a semicolon or a tab).")
    decimal: Optional[Literal[".", ","]] = Field(None, description="The numbers' decimal mark: '.' (1234.5) or ',' (1234,5, as French and German spreadsheets write it). Thousands may be grouped by spaces or by the other mark. A file separated by other than commas whose numbers hold a comma is refused until this says what the comma means.")


Scalar = Union[float, int, str, _dt.date]


class RangeSrc(Strict):
    from_: Optional[Scalar] = Field(None, alias="from", description="Lowest value kept (inclusive).")
    to: Optional[Scalar] = Field(None, description="Highest value kept (inclusive).")


Condition = Union[Scalar, list[Scalar], RangeSrc]


class QuerySrc(Strict):
    """Selects rows and columns of a dataset (used by facts and figures)."""

    dataset: Optional[str] = Field(None, description="Id of a dataset declared under `datasets`.")
    where: dict[str, Condition] = Field(default_factory=dict, description="Keep rows whose column equals the value, is in the list, or lies in the {from, to} range.")
    group_by: Optional[str] = Field(None, description="Group rows by this column; values are combined with `aggregate`.")
    aggregate: Literal["sum", "count", "max", "min", "mean", "first", "last"] = Field("sum", description="How grouped (or all selected) values combine.")
    sort_by: Optional[str] = Field(None, description="Sort rows by this column.")
    descending: bool = Field(False, description="Sort from largest to smallest.")
    limit: Optional[int] = Field(None, ge=1, description="Keep only the first N rows (after sorting).")


class FactSrc(QuerySrc):
    value: Optional[str] = Field(None, description="Column whose (aggregated) value is the fact; 'count' counts rows. Use this (with `dataset`) or `text`.")
    format: Literal["number", "date", "text", "percent"] = Field("number", description="How the value is written in prose.")
    text: Optional[str] = Field(None, min_length=1, max_length=40, description="The value as given when no dataset holds it, e.g. '200 million' or '$1.2 billion' (the speaker's own figure); needs `source`.")
    source: Optional[str] = Field(None, min_length=1, max_length=200, description="Where the value comes from: 'the speaker', a report. Required with `text`; defaults to the dataset's source.")
    label: Optional[str] = Field(None, min_length=1, max_length=120, description="What the value counts, e.g. 'people displaced by 2050'. A fact with a label is lifted out of the prose as a key figure (the brief's key-figures box, a slide, the web page).")


class FigureSrc(QuerySrc):
    id: str = Field(..., pattern=ID_PATTERN, description="Identifier; sections list it in `figures`, prose cites it as {fig:ID}.")
    kind: Optional[str] = Field(None, description="Chart kind: bar, hbar, line, area, timeline, big_number, map, or a kind registered by a plugin. Required unless the figure is a `picture`.")
    picture: Optional[PictureSrc] = Field(None, description="A photograph shown as the figure instead of a chart (PNG, JPEG or SVG), numbered with the figures; its `alt` is required, its `credit` and `licence` are printed under it as a chart's source is.")
    caption: str = Field(..., min_length=1, description="States the finding, e.g. 'Most MINUSMA deaths came from attacks'.")
    data: Optional[dict[str, list[Optional[Scalar]]]] = Field(None, description="Inline data: column name -> list of values (all of equal length). Use this or `dataset`.")
    x: Optional[str] = Field(None, description="Category, time or date column.")
    series: list[str] = Field(default_factory=list, description="Value columns to draw, in order.")
    labels: dict[str, str] = Field(default_factory=dict, description="Display names for columns.")
    title: Optional[str] = Field(None, description="Title drawn on the slide version of the chart; defaults to the caption.")
    x_label: Optional[str] = Field(None, description="Axis label for x (the categories or the time), on kinds with axes (bar, hbar, line, area); others warn that it is not drawn.")
    y_label: Optional[str] = Field(None, description="What the values are, with their unit ('£ million a year'): drawn on kinds with axes, also when value labels replace the axis; others warn that it is not drawn.")
    options: dict[str, Any] = Field(default_factory=dict, description="Kind-specific settings, e.g. stacked: true, highlight: MINUSMA, geojson: assets/data/sahel.geojson.")
    source: Optional[str] = Field(None, description="Source line; defaults to the dataset's source. Required for inline data.")
    url: Optional[str] = Field(None, description="Link to the source; defaults to the dataset's.")
    as_of: Optional[_dt.date] = Field(None, description="'As of' date; defaults to the dataset's.")
    alt: Optional[str] = Field(None, description="Alternative text for readers who cannot see the chart; generated from the data when absent. May cite {fact:ID}.")
    note: Optional[str] = Field(None, description="A note printed under the source line (e.g. why a number differs from the talk).")
    editable: bool = Field(False, description="In the deck, make a native PowerPoint chart with its data embedded instead of a picture.")


class TableColumnSrc(Strict):
    heading: Optional[str] = Field(None, description="The column's heading; defaults to the column's name, spaced and capitalised.")
    format: Optional[Literal["number", "percent", "date", "month", "year", "text"]] = Field(None, description="How the cells are written in the document's language: number (1,440), percent (0.25 -> 25%), date (25 April 2018), month (April 2018), year (2018, never 2,018), text. Found from the values when absent.")
    decimals: Optional[int] = Field(None, ge=0, le=6, description="Digits after the decimal mark for numbers and percentages (the values are rounded); as the data has them when absent.")
    unit: Optional[str] = Field(None, description="A unit written after each number with a no-break space ('km', 'M$'); say it in the heading instead when it is long.")


class TableTotalSrc(Strict):
    label: Optional[str] = Field(None, description="The total row's label, in the first column; 'Total' in the document's language when absent.")
    columns: Optional[list[str]] = Field(None, description="The columns summed (they must hold numbers); every column formatted as a number when absent.")


class TableSrc(QuerySrc):
    id: str = Field(..., pattern=ID_PATTERN, description="Identifier; sections list it in `tables`, prose cites it as {tab:ID}.")
    caption: str = Field(..., min_length=1, description="States the finding, e.g. 'Three of the deadliest missions were still active in 2018'.")
    columns: dict[str, Union[str, TableColumnSrc]] = Field(..., min_length=1, description="The columns shown, in order: data column -> its heading, or -> {heading, format, decimals, unit}. Numbers are set right, text left.")
    title: Optional[str] = Field(None, description="Title of the table's slides, short (their words count in the slide's word budget with the cells'); defaults to the caption.")
    rows: Optional[list[list[Optional[Scalar]]]] = Field(None, description="Inline rows, each a list of cells in the order of `columns`. Use this or `dataset`.")
    total: Union[bool, str, TableTotalSrc, None] = Field(None, description="A last row of sums, computed from the rows shown (never typed): `true` sums every number column under the label 'Total' in the document's language; a text is the label; {label, columns} names the columns summed. The label stands in the first column, which must not be summed.")
    source: Optional[str] = Field(None, description="Source line; defaults to the dataset's source. Required for inline rows.")
    url: Optional[str] = Field(None, description="Link to the source; defaults to the dataset's.")
    as_of: Optional[_dt.date] = Field(None, description="'As of' date; defaults to the dataset's.")
    licence: Optional[str] = Field(None, description="The data's licence, printed after the source line; defaults to the dataset's.")
    note: Optional[str] = Field(None, description="A note printed under the source line.")


class ReferenceSrc(Strict):
    title: str = Field(..., min_length=1, description="Title of the work.")
    url: Optional[str] = Field(None, description="Link, written as a live link; never fetched.")
    publisher: Optional[str] = Field(None, description="Author or publisher.")
    date: Optional[Union[_dt.date, str]] = Field(None, description="Date of publication (YYYY-MM-DD, or a year).")
    note: Optional[str] = Field(None, description="What the reference supports.")


class SourceFile(Strict):
    """One event's content: the single source of the brief and the deck."""

    briefdeck: Literal[1] = Field(..., description="Format version of this file; currently 1.")
    meta: MetaSrc = Field(default_factory=MetaSrc, description="Language, paper, edition date, theme and template.")
    event: EventSrc = Field(..., description="The event the content comes from.")
    people: list[PersonSrc] = Field(..., min_length=1, description="Speakers, panellists and the moderator.")
    organisations: list[OrganisationSrc] = Field(default_factory=list, description="Organisations that people speak for, whose written evidence sections report, or that wrote or publish the brief.")
    panels: list[PanelSrc] = Field(default_factory=list, description="Panels or sittings of the event, in order: people are listed by panel (the chair first), sections may belong to one.")
    preface: Optional[str] = Field(None, description="A note introducing the brief (whose contribution it records, where and when), printed under the title band and in the deck's notes.")
    summary: str = Field(..., min_length=1, description="One paragraph: the argument in brief.")
    key_messages: list[str] = Field(..., min_length=1, max_length=7, description="Three to five key messages, shown on page 1 and on their own slide.")
    sections: list[SectionSrc] = Field(..., min_length=1, description="The talk's parts, in order.")
    quotes: list[QuoteSrc] = Field(default_factory=list, description="Notable quotes, shown as pull quotes and on a quote slide.")
    recommendations: list[RecommendationSrc] = Field(default_factory=list, description="What the speaker recommends, numbered.")
    datasets: dict[str, DatasetSrc] = Field(default_factory=dict, description="Data files used by facts and figures, keyed by id.")
    facts: dict[str, FactSrc] = Field(default_factory=dict, description="Values computed from datasets, cited in prose as {fact:ID}.")
    figures: list[FigureSrc] = Field(default_factory=list, description="Charts, each placed by the section that lists it.")
    tables: list[TableSrc] = Field(default_factory=list, description="Tables of values, from a dataset or inline rows, each placed by the section that lists it.")
    references: list[ReferenceSrc] = Field(default_factory=list, description="Sources and further reading.")

    # the checks themselves live in sourcerules.py: the loader's check without pydantic makes them too
    @field_validator("briefdeck", mode="before")
    @classmethod
    def _version_is_a_number(cls, v: Any) -> Any:
        return rules.version_is_a_number(v)

    @field_validator("key_messages")
    @classmethod
    def _non_blank(cls, v: list[str]) -> list[str]:
        return rules.non_blank(v)


def json_schema() -> dict[str, Any]:
    schema = SourceFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "briefdeck source"
    return schema
