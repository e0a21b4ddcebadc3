"""CSV as spreadsheets and statistics portals export it: separators, decimal commas, byte-order
marks, and messages that say what the file needs (the separator, an empty cell, the nearest name),
located at the cell's column counted in characters."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from briefdeck.data import DataProblem, read_csv, sniff_delimiter
from briefdeck.errors import SourceError
from briefdeck.load import load_document

SEMICOLON = "année;canopée_pct;jours_chaleur\n2019;12,5;3\n2020;13,25;4\n2021;1 204,5;7\n"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


@pytest.mark.parametrize("text, sep", [
    ("a,b,c\n1,2,3\n", ","),
    ("a;b;c\n1;2,5;3\n", ";"),
    ("a\tb\n1,5\t2\n", "\t"),
    ("label,note\n\"x; y\",\"p; q\"\n", ","),  # semicolons inside quoted cells do not make the separator
    ("only\n1\n2\n", ","),
])
def test_the_separator_is_found_from_the_first_lines(text, sep):
    assert sniff_delimiter(text) == sep


def test_a_semicolon_file_with_a_decimal_comma_and_a_bom_reads_as_its_author_meant(tmp_path):
    p = write(tmp_path, "d.csv", b"\xef\xbb\xbf" + SEMICOLON.encode("utf-8"))
    ds = read_csv(p, "d.csv", {}, decimal=",")
    assert ds.columns == ("année", "canopée_pct", "jours_chaleur")  # the BOM is not part of the first name
    assert [r[1] for r in ds.rows] == [12.5, 13.25, 1204.5]
    assert ds.types["canopée_pct"] == "number"


def test_a_declared_separator_is_used_and_a_utf16_export_is_read(tmp_path):
    p = write(tmp_path, "d.tsv", "pays\tvaleur\nFrance\t1.234,5\nMali\t7\n".encode("utf-16"))
    ds = read_csv(p, "d.tsv", {}, delimiter="tab", decimal=",")
    assert ds.rows == (("France", 1234.5), ("Mali", 7))


@pytest.mark.parametrize("cell, value", [("27\u202f000", 27000), ("27\u00a0000", 27000), ("1,234.5", 1234.5), ("-3", -3)])
def test_thousands_groups_are_read_with_a_decimal_point(tmp_path, cell, value):
    ds = read_csv(write(tmp_path, "d.csv", f"k,v\na,\"{cell}\"\nb,1\n"), "d.csv", {})
    assert ds.rows[0][1] == value


def test_a_comma_number_in_a_semicolon_file_asks_what_the_comma_means(tmp_path):
    with pytest.raises(DataProblem) as exc:
        read_csv(write(tmp_path, "d.csv", SEMICOLON), "d.csv", {})
    e = exc.value
    assert (e.line, e.col, e.code) == (2, 6, "data.decimal")  # '12,5' starts at the sixth character
    assert "write `decimal: ','`" in e.message


def test_a_header_glued_into_one_column_names_the_separator(tmp_path):
    with pytest.raises(DataProblem) as exc:
        read_csv(write(tmp_path, "d.csv", SEMICOLON), "d.csv", {}, delimiter=",")
    e = exc.value
    assert e.code == "data.delimiter" and (e.line, e.col) == (1, 6)
    assert "separated by a semicolon (;)" in e.message and "`delimiter: ';'`" in e.message


def test_a_missing_value_word_suggests_an_empty_cell_at_its_character_column(tmp_path):
    with pytest.raises(DataProblem) as exc:
        read_csv(write(tmp_path, "d.csv", "year,\"long label, with a comma\",value\n2019,x,1\n2020,\"a, b\",n/a\n2021,c,3\n"), "d.csv", {})
    e = exc.value
    assert (e.line, e.col, e.code) == (3, 13, "data.missing-value")
    assert "'n/a' in column 'value' marks a missing value — leave the cell empty" in e.message
    assert "declare" not in e.message  # declaring the column text would break the chart


def test_a_bad_number_suggests_an_empty_cell_not_a_text_column(tmp_path):
    with pytest.raises(DataProblem) as exc:
        read_csv(write(tmp_path, "d.csv", "year,value\n2019,1\n2020,2\n2021,3\n2022,4O\n"), "d.csv", {})
    assert (exc.value.line, exc.value.col) == (5, 6)
    assert "leave it empty if the value is missing" in exc.value.message


def test_a_ragged_row_is_located_at_its_first_extra_cell(tmp_path):
    with pytest.raises(DataProblem) as exc:
        read_csv(write(tmp_path, "d.csv", "a;b\n1;2\n3;4;5\n"), "d.csv", {})
    assert (exc.value.line, exc.value.col) == (3, 5)
    assert "the separator is a semicolon (;)" in exc.value.message


def project(tmp_path: Path, dataset: str, csv_name: str, csv_text: str) -> Path:
    (tmp_path / "assets" / "data").mkdir(parents=True)
    (tmp_path / "assets" / "data" / csv_name).write_text(csv_text, encoding="utf-8")
    src = tmp_path / "brief.yaml"
    src.write_text(textwrap.dedent("""\
        briefdeck: 1
        meta: {language: fr-FR}
        event: {title: Îlots de chaleur, organiser: Ville, date: 2024-05-02, place: Lyon}
        people: [{id: a, name: Ana Exemple}]
        summary: "Résumé."
        key_messages: ["Un message."]
        sections:
          - {id: s, title: Canopée, paragraphs: ["La canopée couvre {fact:canopy}."], figures: [f]}
        datasets:
        """) + f"  canopy: {dataset}\n" + textwrap.dedent("""\
        facts:
          canopy: {dataset: canopy, value: canopée_pct, aggregate: last, format: number}
        figures:
          - {id: f, kind: bar, caption: La canopée progresse, dataset: canopy, x: année, series: [canopée_pct], alt: Canopée.}
        """), encoding="utf-8")
    return src


def test_a_semicolon_source_with_a_declared_decimal_comma_builds_its_facts_and_figures(tmp_path):
    src = project(tmp_path, "{file: assets/data/canopy.csv, source: Métropole, decimal: ','}", "canopy.csv", SEMICOLON)
    doc = load_document(src)
    assert [r[1] for r in doc.figures[0].chart.table.rows] == [12.5, 13.25, 1204.5]
    assert "1\u202f204,5" in doc.sections[0].paragraphs[0].plain


def test_a_missing_file_suggests_the_file_beside_it(tmp_path):
    src = project(tmp_path, "{file: assets/data/canopy.csv, source: Métropole, decimal: ','}", "canopy_2024.csv", SEMICOLON)
    with pytest.raises(SourceError) as exc:
        load_document(src)
    (p,) = [p for p in exc.value.problems if p.code == "path.missing"]
    assert "did you mean 'assets/data/canopy_2024.csv'?" in p.message


def test_the_json_schema_documents_delimiter_and_decimal():
    from briefdeck.schema import json_schema

    props = json_schema()["$defs"]["DatasetSrc"]["properties"]
    assert "delimiter" in props and "decimal" in props


@pytest.mark.quick
def test_every_bad_cell_of_a_file_is_reported_in_one_build(tmp_path):
    """An export with a wrong column: the author fixes every cell from one report, not one per build."""
    data = "année;canopée_pct;jours_chaleur\n2019;12,5;3\n2020;n/a;4\n2021;treize;7\n2022;14;huit\n"
    src = project(tmp_path, "{file: assets/data/canopy.csv, source: Métropole, decimal: ','}", "canopy.csv", data)
    with pytest.raises(SourceError) as exc:
        load_document(src)
    problems = exc.value.problems
    cells = [(p.line, p.col, p.code) for p in problems if p.file.endswith("canopy.csv")]
    assert cells == [(3, 6, "data.missing-value"), (4, 6, "data.value"), (5, 9, "data.value")]
    assert [p.code for p in problems if p.file == str(src)] == ["data.unusable"]  # and where the dataset is declared


@pytest.mark.quick
def test_a_file_wrong_in_every_row_reports_twenty_cells_and_counts_the_rest(tmp_path):
    rows = "".join(f"{2000 + i},x{i}\n" for i in range(50))
    with pytest.raises(DataProblem) as exc:
        read_csv(write(tmp_path, "d.csv", "year,deaths\n" + rows), "d.csv", {"deaths": "number"})
    found = exc.value.problems
    assert [p.line for p in found] == list(range(2, 22))
    assert found[-1].message.endswith("(and 30 more problems like these in the file)")
