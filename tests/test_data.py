"""Queries on sourced data (where / sort_by / limit) and the numbers a reader sees."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from briefdeck.data import Query, QueryProblem, run_query
from briefdeck.model import DataTable

pytestmark = pytest.mark.quick

MONTHS = DataTable(("month", "jobs"), tuple((dt.date(2005 + i // 12, i % 12 + 1, 1), 100 + i) for i in range(72)))
DAYS = DataTable(("day", "n"), tuple((dt.date(2009, 10, 25) + dt.timedelta(days=i), i) for i in range(20)))


# -- ranges on month and date columns ---------------------------------------------------------
@pytest.mark.parametrize("cond, first, last", [
    ({"from": "2006-01", "to": "2009-11"}, dt.date(2006, 1, 1), dt.date(2009, 11, 1)),  # YAML reads 2006-01 as text
    ({"from": dt.date(2006, 1, 1), "to": dt.date(2009, 11, 1)}, dt.date(2006, 1, 1), dt.date(2009, 11, 1)),
    ({"from": "2006", "to": "2006"}, dt.date(2006, 1, 1), dt.date(2006, 12, 1)),  # a year is all its months
    ({"from": 2008}, dt.date(2008, 1, 1), dt.date(2010, 12, 1)),
    ({"to": "2005-02"}, dt.date(2005, 1, 1), dt.date(2005, 2, 1)),
])
def test_a_month_range_selects_the_months_it_names(cond, first, last):
    rows = run_query(MONTHS, Query({"month": cond})).rows
    assert rows[0][0] == first and rows[-1][0] == last
    assert len(rows) == (last.year - first.year) * 12 + last.month - first.month + 1


def test_a_partial_bound_covers_its_whole_period_on_a_date_column():
    rows = run_query(DAYS, Query({"day": {"from": "2009-11", "to": "2009-11"}})).rows
    assert [r[0].day for r in rows] == list(range(1, 14))  # 1-13 November: the data ends on the 13th
    assert all(r[0].month == 11 for r in rows)
    # ... and equality with a month string still picks that month
    assert len(run_query(DAYS, Query({"day": "2009-10"})).rows) == 7


@pytest.mark.parametrize("column, bound, holds", [
    ("month", "2006-13", "dates"),
    ("month", "soon", "dates"),
    ("month", 3.5, "dates"),
    ("jobs", "many", "numbers"),
    ("jobs", dt.date(2006, 1, 1), "numbers"),
])
def test_a_bound_that_cannot_be_compared_is_an_error_at_that_bound(column, bound, holds):
    with pytest.raises(QueryProblem) as exc:
        run_query(MONTHS, Query({column: {"from": bound}}))
    assert exc.value.path == ("where", column, "from")
    assert f"column '{column}', which holds {holds}" in str(exc.value) and "— write" in str(exc.value)


def test_numeric_text_bounds_compare_as_numbers():
    assert [r[1] for r in run_query(MONTHS, Query({"jobs": {"from": "169"}})).rows] == [169, 170, 171]


# -- limit inside a tie -------------------------------------------------------------------------
MISSIONS = DataTable(("mission", "deaths"), (("ONUC", 135), ("UNOSOM", 114), ("MINUSMA", 100), ("UNIFIL", 93),
                                              ("UNPROFOR", 74), ("UNAMID", 73), ("UNEF", 35), ("MONUSCO", 34),
                                              ("MONUC", 34), ("UNMIL", 34), ("UNMISS", 20)))


def test_limit_inside_a_tie_warns_naming_the_tied_rows():
    heard = []
    out = run_query(MISSIONS, Query({}, sort_by="deaths", descending=True, limit=8), warn=lambda m, f: heard.append((m, f)))
    assert [r[0] for r in out.rows][-1] == "MONUSCO" and len(out.rows) == 8
    (message, field), = heard
    assert field == "limit"
    assert "MONUSCO, MONUC and UNMIL all have deaths = 34" in message
    assert "leaves out MONUC and UNMIL" in message and "set limit to 7 (none of them) or 10 (all of them)" in message


@pytest.mark.parametrize("limit", [7, 10, 11, 20])
def test_limit_at_a_tie_boundary_is_quiet(limit):
    heard = []
    run_query(MISSIONS, Query({}, sort_by="deaths", descending=True, limit=limit), warn=lambda m, f: heard.append(m))
    assert heard == []


def write_source(tmp_path, figure: str, fact: str = "") -> "Path":  # noqa: F821
    (tmp_path / "assets" / "data").mkdir(parents=True, exist_ok=True)
    (tmp_path / "assets" / "data" / "monthly.csv").write_text(
        "month,jobs\n" + "".join(f"{d.isoformat()[:7]},{v}\n" for d, v in MONTHS.rows), encoding="utf-8")
    (tmp_path / "assets" / "data" / "missions.csv").write_text(
        "mission,deaths\n" + "".join(f"{m},{d}\n" for m, d in MISSIONS.rows), encoding="utf-8")
    src = tmp_path / "brief.yaml"
    src.write_text(textwrap.dedent("""\
        briefdeck: 1
        event: {title: Ranges, organiser: Test organiser, date: 2018-04-25, place: Ottawa}
        people: [{id: a, name: Ana Example}]
        summary: "Summary."
        key_messages: ["A message."]
        sections:
          - {id: s, title: Jobs, paragraphs: ["Text."], figures: [f]}
        datasets:
          monthly: {file: assets/data/monthly.csv, source: Test, as_of: 2018-01-01, types: {month: month}}
          missions: {file: assets/data/missions.csv, source: Test, as_of: 2018-01-01}
        """) + (f"facts:\n  {fact}\n" if fact else "") + f"figures:\n  - {figure}\n", encoding="utf-8")
    return src


def test_a_figure_with_a_month_range_gets_the_rows(tmp_path):
    from briefdeck.load import load_document

    src = write_source(tmp_path, "{id: f, kind: bar, caption: Jobs, dataset: monthly, x: month, series: [jobs], "
                                 "where: {month: {from: 2006-01, to: \"2009-11\"}}, alt: Jobs.}")
    doc = load_document(src)
    rows = doc.figures[0].chart.table.rows
    assert len(rows) == 47 and rows[0][0] == dt.date(2006, 1, 1) and rows[-1][0] == dt.date(2009, 11, 1)


def test_a_bad_bound_is_a_located_error(tmp_path):
    from briefdeck.errors import SourceError
    from briefdeck.load import load_document

    src = write_source(tmp_path, "{id: f, kind: bar, caption: Jobs, dataset: monthly, x: month, series: [jobs],\n"
                                 "     where: {month: {from: 2006-01, to: November}}, alt: Jobs.}")
    with pytest.raises(SourceError) as exc:
        load_document(src)
    (p,) = exc.value.problems
    line = src.read_text().splitlines()[p.line - 1]
    assert line[p.col - 1:].startswith("November") and p.code == "query.values"
    assert "`to: November` cannot be compared with column 'month'" in p.message


def test_a_tie_cut_by_limit_is_a_located_warning(tmp_path):
    from briefdeck.load import load_document

    src = write_source(tmp_path, "{id: f, kind: hbar, caption: Deaths, dataset: missions, x: mission, series: [deaths],\n"
                                 "     sort_by: deaths, descending: true, limit: 8, alt: Deaths.}")
    doc = load_document(src)
    (w,) = [w for w in doc.warnings if w.code == "query.limit_tie"]
    line = src.read_text().splitlines()[w.line - 1]
    assert w.severity == "warning" and line[w.col - 1:].startswith("8")
    assert "leaves out MONUC and UNMIL" in w.message


# -- the minus sign -------------------------------------------------------------------------------
@pytest.mark.parametrize("language, value, text", [
    ("en-US", -8353, "\u22128,353"), ("en-CA", -802, "\u2212802"), ("fr-CA", -2237, "\u22122\u00a0237"),
    ("fr-FR", -6.4, "\u22126,4"), ("sv", -3, "\u22123"), ("en", -0.0, "0"), ("en", 12, "12"),
])
def test_negative_numbers_take_the_minus_sign_in_charts_facts_and_alt_text(language, value, text):
    from briefdeck.charts import format as fmt
    from briefdeck.locale import format_number

    assert format_number(value, language) == text  # facts
    assert fmt.number(value, language) == text  # chart labels, ticks and alt text


def test_the_fonts_have_the_minus_sign():
    from fontTools.ttLib import TTFont

    from briefdeck.assets import BUILTIN

    for path in sorted((BUILTIN / "fonts").glob("*.ttf")):
        font = TTFont(path)
        cmap = font.getBestCmap()
        assert 0x2212 in cmap, path.name
        if path.name.startswith("Noto"):  # the glyph added here (add_minus.py) is as wide as +; the other
            # families drew their own (the italics of Caladea and Liberation Serif: narrower than their plus)
            assert font["hmtx"][cmap[0x2212]][0] == font["hmtx"][cmap[ord("+")]][0], path.name
