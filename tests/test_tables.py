"""Tables (issue 25): declared like figures, set in every output, read back from each.

The loader's work (columns chosen and headed, rows queried, cells in the document's language, a
computed total, located mistakes) and the deck's plan are quick; the outputs are read back with
pdftotext and pikepdf (the brief's structure tree), python-pptx (the native table) and the HTML.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation

from briefdeck.errors import SourceError
from briefdeck.load import load_document
from briefdeck.present.view import default_view

from .conftest import DEFAULT_SOURCE, ROOT
from .pdf_tags import read

HEAD = """briefdeck: 1
meta: {language: LANG}
event: {title: Test panel, organiser: Test organiser, date: 2018-04-25, place: Ottawa}
people: [{id: ana, name: Ana Example}]
summary: A summary.
key_messages: [One message.]
"""
MONTHLY = "minusma_fatalities_monthly_cumulative.csv"


def project(tmp_path: Path, body: str, language: str = "en-CA", name: str = "t") -> Path:
    """A project folder with the UN monthly data and a source of ``body`` after the common head."""
    (tmp_path / "assets" / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "assets" / "data" / MONTHLY, tmp_path / "assets" / "data" / MONTHLY)
    shutil.copy(ROOT / "assets" / "data" / "deadliest_missions_malicious_acts.csv", tmp_path / "assets" / "data")
    src = tmp_path / "source" / f"{name}.yaml"
    src.parent.mkdir(exist_ok=True)
    src.write_text(HEAD.replace("LANG", language) + body, encoding="utf-8")
    return src


MISSIONS = """
sections:
  - id: cost
    title: The deadliest mission
    paragraphs: ["MINUSMA ended as the deadliest mission ({tab:missions})."]
    tables: [missions]
datasets:
  missions:
    file: assets/data/deadliest_missions_malicious_acts.csv
    source: United Nations, Peace and Security Data Hub
    as_of: 2025-04-04
tables:
  - id: missions
    dataset: missions
    where: {mission: [MINUSMA, ONUC, UNOSOM, UNIFIL]}
    sort_by: all_fatalities_to_2025_02
    descending: true
    columns:
      mission: Mission
      all_fatalities_to_2025_02: All deaths
      malicious_act_fatalities_to_2025_02: {heading: Malicious acts, format: number}
      first_fatality_date: {heading: First death, format: date}
    total: true
    caption: MINUSMA lost the most people to attacks
"""

# 60 months of the UN's record, July 2013 to June 2018: a table longer than any page or slide
LONG = """
sections:
  - id: record
    title: The record month by month
    paragraphs: ["Every month of the first five years ({tab:monthly})."]
    tables: [monthly]
datasets:
  monthly:
    file: assets/data/minusma_fatalities_monthly_cumulative.csv
    source: United Nations, Peace and Security Data Hub
    types: {month: month}
tables:
  - id: monthly
    dataset: monthly
    where: {month: {from: 2013-07-01, to: 2018-06-30}}
    columns:
      month: {heading: Month, format: month}
      fatalities: Deaths
      malicious_act: Of them, malicious acts
      cumulative_fatalities: Deaths since July 2013
    total: {label: Five years, columns: [fatalities, malicious_act]}
    title: MINUSMA deaths month by month
    caption: Deaths came in bursts, month after month
"""


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


# -- the loader ---------------------------------------------------------------------------------
@pytest.mark.quick
def test_a_dataset_table_chooses_heads_filters_sorts_formats_and_totals(tmp_path):
    doc = load_document(project(tmp_path, MISSIONS))
    (table,) = doc.tables
    assert table.number == 1 and [c.heading for c in table.columns] == ["Mission", "All deaths", "Malicious acts", "First death"]
    assert [c.align for c in table.columns] == ["left", "right", "right", "left"]  # numbers right, text and dates left
    assert [r[0] for r in table.rows] == ["UNIFIL", "MINUSMA", "ONUC", "UNOSOM"]  # where and sort_by, as a figure's
    assert table.rows[0] == ("UNIFIL", "339", "94", "29\u00a0March\u00a01978")  # a date never breaks in a cell
    assert table.total == ("Total", "1,059", "517", "")  # 339+311+249+160 and 94+174+135+114: computed, not typed
    assert table.provenance.source == "United Nations, Peace and Security Data Hub"
    para = doc.sections[0].paragraphs[0]
    link = next(s for s in para.spans if s.href)
    assert (link.text, link.href) == ("Table 1", "#tab-missions")


@pytest.mark.quick
def test_cells_and_labels_are_in_the_documents_language(tmp_path):
    doc = load_document(project(tmp_path, MISSIONS, language="fr-CA"))
    (table,) = doc.tables
    assert table.total[1] == "1\u00a0059" and table.total[0] == "Total"
    assert table.rows[0][3] == "29\u00a0mars\u00a01978"
    view = default_view(doc)
    assert view.plan.tables[0].label == "Tableau 1"
    assert any(s.text == "Tableau 1" for s in doc.sections[0].paragraphs[0].spans)


@pytest.mark.quick
def test_inline_rows_with_units_decimals_and_a_labelled_total(tmp_path):
    body = """
sections:
  - {id: budget, title: Budget, paragraphs: [A paragraph.], tables: [lines]}
tables:
  - id: lines
    caption: Two lines of the budget
    source: Committee estimates
    columns:
      line: Line
      cost: {heading: Cost, decimals: 1, unit: M$}
      share: {heading: Share, format: percent}
    rows:
      - [Helicopters, 310.25, 0.8]
      - [Medical team, 77.5, 0.2]
      - [Reserve, null, null]
    total: All lines
"""
    doc = load_document(project(tmp_path, body))
    (table,) = doc.tables
    assert table.rows == (("Helicopters", "310.2\u00a0M$", "80%"), ("Medical team", "77.5\u00a0M$", "20%"), ("Reserve", "–", "–"))
    assert table.total == ("All lines", "387.8\u00a0M$", "")  # a share is not summed unless named


@pytest.mark.quick
@pytest.mark.parametrize("body, expected", [
    ("""
sections: [{id: s, title: S, paragraphs: [P.], tables: [t]}]
datasets: {m: {file: assets/data/deadliest_missions_malicious_acts.csv, source: UN}}
tables:
  - {id: t, dataset: m, caption: C, columns: {mission: Mission, deaths: Deaths}}
""", [(11, "column 'deaths' is not in the data", "ref.column")]),
    ("""
sections: [{id: s, title: S, paragraphs: [P.], tables: [t]}]
tables:
  - id: t
    caption: C
    source: Minutes
    columns: {party: Party, for: For}
    rows:
      - [Blue, 3]
      - [Green]
""", [(16, "row 2 has 1 cells but the table has 2 columns", "table.ragged")]),
    ("""
sections: [{id: s, title: S, paragraphs: [P.], tables: [t]}]
tables:
  - id: t
    caption: C
    source: Minutes
    columns: {party: Party, chair: Chair, for: For}
    rows: [[Blue, Ann Lee, 3]]
    total: {columns: [chair]}
""", [(15, "column 'chair' holds text ('Ann Lee'), which cannot be added up", "table.total")]),
    ("""
sections: [{id: s, title: S, paragraphs: ["See {tab:tt}."], tables: [t]}]
tables:
  - {id: t, caption: C, source: Minutes, columns: {party: Party}, rows: [[Blue]]}
""", [(8, "unknown table 'tt' in {tab:tt}", "ref.table")]),
    ("""
sections: [{id: s, title: S, paragraphs: [P.], tables: [t, u]}]
tables:
  - {id: t, caption: C, columns: {party: Party}, rows: [[Blue]]}
""", [(8, "unknown table 'u'", "ref.table"), (10, "inline rows need a `source`", "table.source")]),
], ids=["unknown-column", "ragged-rows", "total-over-text", "unknown-reference", "unknown-placement"])
def test_mistakes_are_located_and_say_what_to_do(tmp_path, body, expected):
    with pytest.raises(SourceError) as err:
        load_document(project(tmp_path, body))
    got = [(p.line, p.message, p.code) for p in err.value.problems if p.severity == "error"]
    assert len(got) == len(expected), got
    for (line, message, code), (gl, gm, gc) in zip(expected, got):
        assert (gl, gc) == (line, code) and gm.startswith(message) and " — " in gm


# -- the deck's plan -----------------------------------------------------------------------------
@pytest.mark.quick
def test_a_long_table_splits_over_slides_with_its_headings_within_the_word_budget(tmp_path):
    from briefdeck.render.pptx import build_plan
    from briefdeck.theme import load_theme

    theme = load_theme("default")
    doc = load_document(project(tmp_path, LONG))
    plan = build_plan(doc, theme=theme)[0]
    slides = [s for s in plan.slides if s.table is not None]
    assert len(slides) >= 3
    tp = default_view(doc, theme).plan.tables[0]
    assert sum(len(s.table.rows) for s in slides) == 61  # 60 months and the total, each once
    assert [r for s in slides for r in s.table.rows] == list(tp.body)
    budget = theme.get("deck.limits.slide_words")
    for i, s in enumerate(slides):
        assert s.table.headings == tp.headings  # repeated on every slide
        assert s.words <= budget, (i, s.words)
        assert len(s.table.rows) >= theme.get("deck.table.min_rows")
        assert ("(continued)" in s.title or "of" in s.title) == (i > 0)
        assert sum(s.table.heights) <= s.table.box.height + 1e-6
    assert slides[-1].table.total and slides[-1].table.rows[-1][0] == "Five years"
    assert not any(s.table.total for s in slides[:-1])


# -- the outputs, read back --------------------------------------------------------------------
@pytest.fixture(scope="module")
def long_build(tmp_path_factory):
    from briefdeck import api

    root = tmp_path_factory.mktemp("long-table")
    src = project(root, LONG, name="long")
    out = root / "output"
    results = api.build([src], api.Options(out_dir=out))
    assert results[0].ok, results[0].error
    return load_document(src), out


def _pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


def _cells_in_tree(path: Path):
    tagged = read(path)
    tables = tagged.root.find("Table")
    return tagged, tables


@pytest.mark.requires("pdftotext")
def test_the_default_brief_has_a_tagged_table_with_every_cell(default_pdf, default_doc):
    tp = default_view(default_doc).plan.tables[0]
    text = squeeze(" ".join(_pdf_pages(default_pdf)))
    for cell in (c for row in tp.body for c in row):
        assert squeeze(cell) in text, cell
    for heading in tp.headings:  # set on two or three lines: each of its words
        assert all(w in text.split(" ") for w in squeeze(heading).split(" ")), heading
    tagged, tables = _cells_in_tree(default_pdf)
    assert len(tables) == 1
    kids = [k for k in tables[0].kids if hasattr(k, "std")]
    assert kids[0].std == "Caption" and {k.std for k in kids[1:]} == {"TR"}
    head = [k for k in kids[1].kids if hasattr(k, "std")]
    assert [h.std for h in head] == ["TH"] * len(tp.headings)
    assert all(h.attrs.get("/Scope") == "/Column" and h.attrs.get("/O") == "/Table" for h in head)
    assert [squeeze(h.text(tagged.page_text)) for h in head] == [squeeze(h) for h in tp.headings]
    rows = [[squeeze(c.text(tagged.page_text)) for c in tr.kids if hasattr(c, "std")] for tr in kids[2:]]
    assert rows == [[squeeze(c) for c in r] for r in tp.body]
    assert tagged.untagged == []


@pytest.mark.requires("pdftotext")
def test_a_long_table_breaks_across_pages_with_its_headings_repeated_as_artifacts(long_build):
    from .test_pdf_tags import pdfua_check

    doc, out = long_build
    pdf = out / "long.pdf"
    tp = default_view(doc).plan.tables[0]
    pages = [p for p in _pdf_pages(pdf) if "Deaths since" in p]
    assert len(pages) >= 2  # the headings on every page the table reaches
    for page in pages:  # no page holds a lone row of it (the total counts as one): theme brief.table.min_rows
        assert sum(f" {squeeze(r[0])} " in f" {squeeze(page)} " for r in tp.body) >= 2, page[-300:]
    text = squeeze(" ".join(_pdf_pages(pdf)))
    for month in (r[0] for r in tp.rows):
        assert text.count(squeeze(month) + " ") >= 1, month
    tagged, tables = _cells_in_tree(pdf)
    (table,) = tables
    assert len(table.find("TH")) == len(tp.headings)  # read once: the repeats are page furniture
    trs = [k for k in table.kids if getattr(k, "std", None) == "TR"]
    assert len(trs) == 1 + len(tp.body)
    assert squeeze(trs[-1].text(tagged.page_text)).startswith("Five years")
    pdfua_check(pdf)


def _deck_tables(path: Path):
    prs = Presentation(str(path))
    return [(s, sh) for s in prs.slides for sh in s.shapes if sh.has_table]


def test_the_default_deck_has_a_native_table_with_a_header_row_and_every_cell(default_pptx, default_doc):
    tp = default_view(default_doc).plan.tables[0]
    found = _deck_tables(default_pptx)
    assert found
    seen = []
    for slide, frame in found:
        table = frame.table
        assert table._tbl.tblPr.get("firstRow") == "1" and table.first_row
        assert [c.text for c in table.rows[0].cells] == list(tp.headings)  # the header on every slide
        assert frame.name == tp.label
        seen += [tuple(c.text for c in r.cells) for r in list(table.rows)[1:]]
        assert tp.label in slide.notes_slide.notes_text_frame.text
    assert seen == list(tp.body)


def test_a_long_table_splits_over_slides_with_a_header_row_on_each(long_build):
    doc, out = long_build
    tp = default_view(doc).plan.tables[0]
    found = _deck_tables(out / "long.pptx")
    assert len(found) >= 3
    rows = []
    for i, (slide, frame) in enumerate(found):
        table = frame.table
        assert [c.text for c in table.rows[0].cells] == list(tp.headings) and table.first_row
        rows += [tuple(c.text for c in r.cells) for r in list(table.rows)[1:]]
        title = slide.shapes.title.text
        assert (i > 0) == ("(" in title), title
    assert rows == list(tp.body)


def test_the_web_page_has_a_real_table(default_build, default_doc):
    from html.parser import HTMLParser

    tp = default_view(default_doc).plan.tables[0]
    page = (default_build / f"{DEFAULT_SOURCE.stem}.html").read_text(encoding="utf-8")
    start = page.index(f'<div id="{tp.anchor}"')
    block = page[start:page.index("</table>", start)]

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.cells, self.scopes, self.caption, self._in = [], [], "", None

        def handle_starttag(self, tag, attrs):
            if tag in ("th", "td", "caption"):
                self._in = tag
                if tag == "th":
                    self.scopes.append(dict(attrs).get("scope"))
                if tag != "caption":
                    self.cells.append("")

        def handle_endtag(self, tag):
            if tag in ("th", "td", "caption"):
                self._in = None

        def handle_data(self, data):
            if self._in == "caption":
                self.caption += data
            elif self._in:
                self.cells[-1] += data

    p = Cells()
    p.feed(block)
    assert p.caption.startswith(tp.label)
    assert p.cells == [c for row in (tp.headings,) + tp.body for c in row]
    assert p.scopes[:len(tp.headings)] == ["col"] * len(tp.headings) and set(p.scopes[len(tp.headings):]) == {"row"}
    assert f'href="#{tp.anchor}"' in page  # the {tab:ID} reference links to it


@pytest.mark.requires("soffice", "pdftotext")
def test_libreoffice_draws_no_table_word_outside_its_cell(long_build, tmp_path):
    from . import clipped_words

    _, out = long_build
    report = clipped_words.check(out / "long.pptx")
    assert sum(clipped_words.counts(report).values()) == 0, clipped_words.summarise(report)
    assert report["matched"] >= 61 * 4  # the cells' words were matched to their cells, not passed over


@pytest.mark.quick
def test_a_native_table_takes_the_templates_own_default_style():
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    from briefdeck.render.pptx.native_tables import BUILT_IN_STYLE, template_table_style

    prs = Presentation(str(ROOT / "briefdeck" / "builtin" / "templates" / "default.pptx"))
    assert template_table_style(prs) == BUILT_IN_STYLE  # the default template names PowerPoint's built-in style
    part = prs.part.part_related_by(RT.TABLE_STYLES)
    own = "{11111111-2222-3333-4444-555555555555}"
    part._blob = (f'<a:tblStyleLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" def="{own}">'
                  f'<a:tblStyle styleId="{own}" styleName="House"/></a:tblStyleLst>').encode()
    assert template_table_style(prs) == own
    part._blob = b'<a:tblStyleLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" def="{0}"/>'
    assert template_table_style(prs) == BUILT_IN_STYLE  # a default it does not define: the built-in one


WIDE = """
sections:
  - id: s
    title: Contributors
    paragraphs: ["The missions and their losses, as the UN records them ({tab:m}), beside a chart of five of them."]
    figures: [f]
    tables: [m]
datasets:
  missions: {file: assets/data/deadliest_missions_malicious_acts.csv, source: United Nations, as_of: 2025-04-04}
figures:
  - {id: f, kind: hbar, dataset: missions, x: mission, series: [all_fatalities_to_2025_02], caption: UNIFIL lost the most people,
     alt: Bars of deaths by mission., limit: 5, sort_by: all_fatalities_to_2025_02, descending: true}
tables:
  - id: m
    dataset: missions
    columns:
      mission: Mission
      malicious_act_fatalities_to_2018_03_31: Malicious acts, to 31 March 2018
      malicious_act_fatalities_to_2025_02: Malicious acts, to February 2025
      all_fatalities_to_2025_02: All causes, to February 2025
      first_fatality_date: {heading: First recorded death, format: date}
      last_fatality_date: {heading: Last recorded death, format: date}
    caption: Twelve missions, and when their first and last deaths were recorded
"""


@pytest.mark.requires("pdftotext")
def test_a_table_wider_than_the_main_column_spans_the_page_as_a_wide_figure_does(tmp_path):
    from briefdeck import api
    from briefdeck.render.pdf.layout import geometry
    from briefdeck.theme import load_theme
    from .test_pdf_tags import pdfua_check

    src = project(tmp_path, WIDE, name="wide")
    [res] = api.build([src], api.Options(out_dir=tmp_path / "out", formats=("pdf",)))
    assert res.ok, res.error
    pdf = tmp_path / "out" / "wide.pdf"
    geo = geometry(load_theme("default"), "a4")
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = [(float(x0), float(x1), w) for x0, x1, w in re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', html)]
    dates = [x1 for _, x1, w in words if w == "1993"]  # UNTAC's last death, in the last column
    assert dates and max(dates) > geo.side_x  # across the side column
    assert max(x1 for x1, *_ in [(x1, w) for _, x1, w in words]) <= geo.width - geo.right + 1  # within the page's text width
    pdfua_check(pdf)


@pytest.mark.quick
def test_a_table_no_slide_can_hold_is_whole_in_the_notes_with_a_located_warning(tmp_path):
    from briefdeck.render.pptx import build_plan
    from briefdeck.theme import load_theme

    cols = "\n".join(f"      c{i}: Column {i}" for i in range(10))
    body = f"""
sections:
  - {{id: s, title: Budget, paragraphs: [A paragraph.], tables: [t]}}
tables:
  - id: t
    caption: Ten columns of large sums
    source: Estimates
    columns:
{cols}
    rows:
      - [{", ".join(str(1234567890 + i) for i in range(10))}]
      - [{", ".join(str(9876543210 - i) for i in range(10))}]
"""
    doc = load_document(project(tmp_path, body))
    plan = build_plan(doc, theme=load_theme("default"))[0]
    (slide,) = [s for s in plan.slides if s.kind == "table"]
    assert slide.table is None and "the full table is in the notes" in slide.text
    assert all(c in slide.notes for row in default_view(doc).plan.tables[0].body for c in row)
    assert any(p.code == "deck.table_fit" and p.line == 11 for p in plan.warnings)  # at the table
