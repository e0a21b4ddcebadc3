"""Who took part and who wrote it: panels, organisations, declared authorship (issue 24).

A committee's evidence session has a chair, members and two panels of witnesses, some speaking
for organisations, and a section reporting an organisation's written evidence. The brief and
the deck list people by panel with the chair first, and name as authors and publisher only
what the source declares (or the rule for its kind of event).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from briefdeck.errors import SourceError
from briefdeck.load import load_document
from briefdeck.present import default_view

pytestmark = pytest.mark.quick

SESSION = {
    "briefdeck": 1,
    "meta": {"language": "en-GB", "series": "Evidence session summary"},
    "event": {"title": "Buses connecting communities", "organiser": "Transport Committee", "date": "2026-01-20",
              "place": "London"},
    "organisations": [{"id": "cbt", "name": "Campaign for Better Transport"},
                      {"id": "tf", "name": "Transport Focus"}],
    "people": [
        {"id": "white", "name": "Peter White", "role": "witness", "role_label": "Witness (Professor)",
         "titles": ["Emeritus Professor of Public Transport Systems"], "affiliation": "University of Westminster"},
        {"id": "smith", "name": "Anna Smith", "role": "witness", "titles": ["Chief Executive"], "speaks_for": "tf"},
        {"id": "jones", "name": "Rob Jones", "role": "witness", "titles": ["Policy Director"], "speaks_for": "cbt"},
        {"id": "chair", "name": "Ruth Cadbury", "role": "chair", "titles": ["Chair, Transport Committee"]},
        {"id": "member", "name": "Jo White", "role": "member"},
    ],
    "panels": [{"id": "one", "title": "First panel", "time": "10.00 am", "people": ["white"]},
               {"id": "two", "title": "Second panel", "people": ["smith", "jones"]}],
    "summary": "Witnesses told the committee that rural bus services need steady funding.",
    "key_messages": ["Funding cycles are too short for bus networks."],
    "sections": [
        {"id": "first", "title": "What the research shows", "speaker": "white", "panel": "one",
         "paragraphs": ["Professor White said that networks shrank where funding was short-term."]},
        {"id": "second", "title": "What passengers say", "speaker": ["smith", "jones"], "panel": "two",
         "paragraphs": ["Passengers value reliability above frequency, Ms Smith said."]},
        {"id": "written", "title": "Written evidence", "organisation": "cbt",
         "paragraphs": ["The campaign's submission asks for a ten-year funding settlement."]},
    ],
}


def _load(tmp_path: Path, **changes) -> "object":
    src = {**SESSION, **changes}
    path = tmp_path / "source" / "session.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "assets").mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(src, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return default_view(load_document(path))


def test_people_are_listed_chair_first_then_by_panel(tmp_path):
    view = _load(tmp_path)
    lines = view.plan.title.people
    assert [line.label for line in lines] == ["Chair · Member", "First panel", "Second panel"]
    assert lines[0].short.plain == "Chair: Ruth Cadbury · Member: Jo White"
    assert lines[1].full.plain == "First panel: Peter White, Emeritus Professor of Public Transport Systems"
    assert lines[2].full.plain == ("Second panel: Anna Smith, Chief Executive, for Transport Focus; "
                                   "Rob Jones, Policy Director, for Campaign for Better Transport")
    entries = view.plan.find("people").entries
    assert [e.name for e in entries] == ["Ruth Cadbury", "Jo White", "Peter White", "Anna Smith", "Rob Jones"]
    assert entries[2].role == "Witness (Professor) · First panel"
    assert entries[3].affiliation == "for Transport Focus"


def test_sections_say_their_panel_and_whose_written_evidence_they_report(tmp_path):
    secs = _load(tmp_path).plan.sections
    assert secs[0].byline == "First panel · Peter White"
    assert secs[1].byline == "Second panel · Anna Smith, Rob Jones"
    assert secs[2].byline == "Written evidence from Campaign for Better Transport"


def test_a_witness_with_their_own_label_is_not_a_group_of_their_own(tmp_path):
    sections = [{k: v for k, v in s.items() if k != "panel"} for s in SESSION["sections"]]
    view = _load(tmp_path, panels=[], sections=sections)
    labels = [line.label for line in view.plan.title.people]
    assert labels == ["Chair · Member", "Witnesses"]


def test_a_committees_brief_is_the_committees_and_names_no_publisher_it_was_not_given(tmp_path):
    view = _load(tmp_path)
    assert view.authors == ("Transport Committee",)
    assert view.metadata.author == "Transport Committee"
    assert "Peter White" not in view.citation.plain
    assert view.citation.plain.startswith("Transport Committee. “Buses connecting communities”. Evidence session summary, ")
    assert view.published == "This edition: 20 January 2026."
    assert "Published by" not in view.plan.find("colophon").published


def test_declared_authors_editors_publisher_and_date_are_what_every_output_names(tmp_path):
    meta = dict(SESSION["meta"], authors=["Committee staff"], editors=["chair"], publisher="tf", published="2026-02-03")
    view = _load(tmp_path, meta=meta)
    assert view.authors == ("Committee staff",)
    assert view.published == "Published by Transport Focus, 3 February 2026. Edited by Ruth Cadbury."
    assert view.citation.plain == ("Committee staff. Edited by Ruth Cadbury. “Buses connecting communities”. "
                                   "Evidence session summary. Transport Focus, 3 February 2026.")


def test_a_single_speakers_talk_is_the_speakers(tmp_path):
    view = default_view(load_document(Path(__file__).resolve().parents[1] / "source" / "canada-minusma-panel-2018.yaml"))
    assert view.authors == ("Corey Levine",)


@pytest.mark.parametrize("where, change, message", [
    ("sections", lambda s: s["sections"][0].update(panel="three"), "unknown panel 'three'"),
    ("sections", lambda s: s["sections"][2].update(organisation="cbx"), "unknown organisation 'cbx' — did you mean 'cbt'"),
    ("people", lambda s: s["people"][1].update(speaks_for="nobody"), "unknown organisation 'nobody'"),
    ("panels", lambda s: s["panels"][1]["people"].append("white"), "'white' already sits on panel 'one'"),
])
def test_references_to_panels_and_organisations_are_checked_where_they_are_written(tmp_path, where, change, message):
    import copy

    src = copy.deepcopy(SESSION)
    change(src)
    with pytest.raises(SourceError) as err:
        _load(tmp_path, **src)
    problems = err.value.problems
    assert any(message in p.message and p.line > 0 for p in problems), [str(p) for p in problems]
