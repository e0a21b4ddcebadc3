"""The reading plan (present/outline.py): one order and one wording for every output.

The last test adds a third output, a plain-text outline, in this one file plus a registry entry,
and builds it through the real build: an output walks the plan and touches nothing else.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from briefdeck.load import load_document
from briefdeck.model import Person, Quote
from briefdeck.present import default_view
from briefdeck.present.outline import (ColophonPart, KeyMessagesPart, OpeningPart, PeoplePart, RecommendationsPart, ReferencesPart, SectionPart, TitlePart)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "source" / "canada-minusma-panel-2018.yaml"
HEARING = ROOT / "tests" / "examples" / "us-house-south-sudan-2016" / "us-house-south-sudan-2016.yaml"
FRENCH = ROOT / "tests" / "examples" / "ca-dion-consolidation-paix-2016" / "ca-dion-consolidation-paix-2016.yaml"

pytestmark = pytest.mark.quick


@pytest.fixture(scope="module")
def views():
    return {p.stem: default_view(load_document(p)) for p in (DEFAULT, HEARING, FRENCH)}


def test_parts_come_in_reading_order_and_each_knows_its_source_line(views):
    plan = views[DEFAULT.stem].plan
    kinds = [p.kind for p in plan]
    assert kinds[:3] == ["title", "opening", "key_messages"]
    assert kinds[-4:] == ["recommendations", "references", "people", "colophon"]
    doc = views[DEFAULT.stem].doc
    assert [s.id for s in plan.sections] == [s.id for s in doc.sections]
    assert [s.number for s in plan.sections] == list(range(1, len(doc.sections) + 1))
    assert plan.sections[1].part_label == f"Part 2 of {len(doc.sections)}"
    for part in plan:
        if not isinstance(part, ColophonPart):
            assert part.loc.line > 0, part.kind
    assert [f.figure.number for f in plan.figures] == [f.number for f in doc.figures]


def test_every_point_of_the_source_is_in_the_plan(views):
    for view in views.values():
        doc, plan = view.doc, view.plan
        paragraphs = [t.plain for s in plan.sections for t in s.paragraphs]
        assert paragraphs == [t.plain for s in doc.sections for t in s.paragraphs]
        assert plan.find("key_messages").items == doc.key_messages
        assert [i.recommendation for i in plan.find("recommendations").items] == list(doc.recommendations)
        assert [i.reference for i in plan.find("references").items] == list(doc.references)
        assert [e.person for e in plan.find("people").entries] == list(doc.people)
        quotes = [q.quote for s in plan.sections for q in s.quotes]
        assert sorted(map(id, quotes)) == sorted(map(id, doc.quotes))


def test_the_event_line_leaves_the_organiser_out_only_under_a_series_line_naming_it(views):
    title = views[DEFAULT.stem].plan.title
    assert title.series == "Africa Studies Group · Panel brief"
    assert title.event_line(under_series=True) == "25 April 2018 · Ottawa"
    assert title.event_line(under_series=False) == "Africa Studies Group · 25 April 2018 · Ottawa"


def test_people_lines_label_parts_except_at_a_single_speakers_event(views):
    hearing = views[HEARING.stem].plan.title.people
    # those who lead the hearing first, the chair first; the witnesses as one group, whatever their own labels
    assert [line.hosts for line in hearing] == [True, False]
    assert hearing[0].short.plain == "Chairman: Christopher H. Smith · Ranking Member: Karen Bass"
    assert hearing[1].full.plain.startswith("Witnesses: Donald Booth, Special Envoy")
    assert [s.bold for s in hearing[1].full.spans if s.text == "Donald Booth"] == [True]
    for name in ("canada-minusma-panel-2018", FRENCH.stem):
        (line,) = views[name].plan.title.people
        assert line.label == "" and not line.full.plain.startswith(line.people[0].role_label or "\0")


def test_one_attribution_rule_names_the_speaker_and_says_who_they_are_when_several_spoke(views):
    single = {q.attribution for s in views[DEFAULT.stem].plan.sections for q in s.quotes}
    assert single == {"— Corey Levine"}
    hearing = {q.speaker.name: q.attribution for s in views[HEARING.stem].plan.sections for q in s.quotes}
    # a short first title says who the speaker is; a long one gives way to the person's part
    assert hearing["Donald Booth"] == "— Donald Booth, Special Envoy to Sudan and South Sudan"
    view = views[HEARING.stem]
    long_title = Person("x", "Bob Leavitt", "witness", ("Deputy Assistant Administrator, Bureau for Democracy, Conflict, "
                                                        "and Humanitarian Assistance",), (), view.doc.summary)
    assert view.attribution(Quote(view.doc.summary, long_title, None)) == "— Bob Leavitt, Witness"


def test_quotation_marks_follow_the_document_language(views):
    english = views[DEFAULT.stem].plan.sections
    q = next(q for s in english for q in s.quotes)
    assert q.quoted == f"“{q.text.plain.strip()}”"
    french = [q for s in views[FRENCH.stem].plan.sections for q in s.quotes]
    assert french and all(q.quoted.startswith("«\u202f") and q.quoted.endswith("\u202f»") for q in french)


def test_a_quote_taken_from_mid_sentence_opens_with_the_languages_ellipsis_in_the_plan(views):
    """The plan marks it once, so the brief, the deck and the web page cannot differ."""
    parts = [q for v in views.values() for s in v.plan.sections for q in s.quotes]
    cut = [q for q in parts if q.quote.text.plain.lstrip()[:1].islower()]
    whole = [q for q in parts if q not in cut]
    assert cut and whole
    for q in cut:
        mark = "[…] " if q.speaker is not None and q.quoted.startswith("«") else "…"
        assert q.text.plain == mark + q.quote.text.plain and mark + q.quote.text.plain.strip() in q.quoted
    assert all(q.text == q.quote.text for q in whole)


def test_references_read_the_same_in_every_output(views):
    refs = views[HEARING.stem].plan.find("references")
    first = refs.items[0]
    assert first.cite == "South Sudan’s Prospects for Peace and Security, hearing, Serial No. 114-208. " \
                         "U.S. Government Publishing Office, April 27, 2016."
    assert first.line.startswith(first.cite) and first.line.endswith(first.url)
    labels = [label for label, _, _ in views[DEFAULT.stem].plan.find("references").figure_sources]
    assert "Figures 1 and 5" in labels


def test_the_outline_puts_figures_under_their_section(views):
    view = views[DEFAULT.stem]
    entries = view.plan.outline(" — ")
    assert entries[0].anchor == "summary" and entries[-1].anchor == "speakers"
    first_fig = next(i for i, e in enumerate(entries) if e.level == 1)
    owner = next(s for s in view.plan.sections if s.figures)
    assert entries[first_fig - 1].anchor == owner.anchor
    assert entries[first_fig].title.startswith("Figure 1 — ")


# -- a third output in one file --------------------------------------------------------------------
class _Outline:
    """A plain-text outline of the document: the reading plan's parts, one block each."""

    def __init__(self, view):
        self.view = view

    def chart_requests(self):
        return []

    def inputs(self):
        return []

    def render(self, out_path, charts):
        from briefdeck.render import RenderResult

        lines: list[str] = []
        for part in self.view.plan:
            if isinstance(part, TitlePart):
                lines += [part.title.upper(), part.subtitle, part.event_line(under_series=False)]
                lines += [p.full.plain for p in part.people]
            elif isinstance(part, OpeningPart):
                lines += ["", part.label, part.summary.plain]
            elif isinstance(part, KeyMessagesPart):
                lines += ["", part.label] + [f"- {m.plain}" for m in part.items]
            elif isinstance(part, SectionPart):
                lines += ["", f"{part.part_label}: {part.title}"] + [p.plain for p in part.paragraphs]
                lines += [f"[{f.label}] {f.caption.plain} {f.source_line.plain}" for f in part.figures]
                lines += [f"{q.quoted} {q.attribution}" for q in part.quotes]
            elif isinstance(part, RecommendationsPart):
                lines += ["", part.label] + [f"{i}. {r.line}" for i, r in enumerate(part.items, 1)]
            elif isinstance(part, ReferencesPart):
                lines += ["", part.label] + [r.line for r in part.items]
            elif isinstance(part, PeoplePart):
                lines += ["", part.label] + [f"{e.line}. {e.bio.plain}" for e in part.entries]
            elif isinstance(part, ColophonPart):
                lines += ["", f"{part.cite_label} {part.citation.plain}", part.published]
        Path(out_path).write_text("\n".join(lines) + "\n", encoding="utf-8")
        return RenderResult(len(lines))


def prepare(view, *, theme, options=None, charts=None, cache_dir=None):
    return _Outline(view)


def test_a_third_output_is_one_module_and_a_registry_entry(tmp_path):
    from briefdeck import api
    from briefdeck.render import RENDERERS, Renderer, register

    register(Renderer("txt", ".txt", "lines", "a plain-text outline", __name__))
    try:
        results = api.build([DEFAULT], api.Options(formats=("txt",), out_dir=tmp_path, jobs=1))
    finally:
        RENDERERS.pop("txt")
    assert all(r.ok for r in results), [r.error for r in results]
    text = (tmp_path / "canada-minusma-panel-2018.txt").read_text(encoding="utf-8")
    doc = load_document(DEFAULT)
    for s in doc.sections:
        for p in s.paragraphs:
            assert p.plain in text
    for q in doc.quotes:
        assert q.text.plain.strip() in text
    assert "— Corey Levine" in text and "Part 1 of 7: " in text
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.pptx"))
