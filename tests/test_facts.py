"""Facts bound to data: when a data file changes, the prose that cites it, the chart and the deck change together."""
from __future__ import annotations

import subprocess
import textwrap

import pytest
from pptx import Presentation

from briefdeck import api

SOURCE = textwrap.dedent("""\
    briefdeck: 1
    event: {title: Data-bound brief, organiser: Test organiser, date: 2018-04-25, place: Ottawa}
    people: [{id: a, name: Ana Example}]
    summary: "By the end of 2017 the data counted {fact:total_2017} deaths in that year."
    key_messages: ["Numbers follow the data file."]
    sections:
      - id: s
        title: Deaths
        paragraphs: ["The chart shows {fact:total_2017} deaths in 2017 ({fig:deaths})."]
        figures: [deaths]
    datasets:
      yearly: {file: assets/data/yearly.csv, source: Test source, as_of: 2025-04-04}
    facts:
      total_2017: {dataset: yearly, where: {year: 2017}, value: total}
    figures:
      - {id: deaths, kind: bar, caption: Deaths by year, dataset: yearly, x: year, series: [total], alt: "Deaths by year, {fact:total_2017} in 2017."}
    """)


def make_project(tmp_path, total_2017: int):
    (tmp_path / "assets" / "data").mkdir(parents=True, exist_ok=True)
    (tmp_path / "assets" / "data" / "yearly.csv").write_text(f"year,total\n2016,39\n2017,{total_2017}\n2018,31\n", encoding="utf-8")
    src = tmp_path / "brief.yaml"
    src.write_text(SOURCE, encoding="utf-8")
    return src


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def deck_text(path) -> str:
    prs = Presentation(str(path))
    return "\n".join([sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame]
                     + [s.notes_slide.notes_text_frame.text for s in prs.slides if s.has_notes_slide])


@pytest.mark.requires("pdftotext")
def test_changing_a_data_value_changes_prose_chart_and_deck_together(tmp_path):
    src = make_project(tmp_path, 42)
    out = tmp_path / "out"
    assert api.build([src], api.Options(out_dir=out))[0].ok
    assert "counted 42 deaths" in " ".join(pdf_text(out / "brief.pdf").split())
    assert "42 deaths in 2017" in " ".join(deck_text(out / "brief.pptx").split())
    charts_before = {p.name for p in (out / ".briefdeck" / "charts").iterdir()}

    make_project(tmp_path, 1440)  # the data file is revised
    res = api.build([src], api.Options(out_dir=out))[0]
    assert [a.status for a in res.artefacts] == ["built", "built", "built"]
    text = " ".join(pdf_text(out / "brief.pdf").split())
    assert "counted 1,440 deaths" in text and "counted 42 deaths" not in text
    assert "1,440 deaths in 2017" in " ".join(deck_text(out / "brief.pptx").split())
    charts_after = {p.name for p in (out / ".briefdeck" / "charts").iterdir()}
    assert charts_after - charts_before, "the chart was not redrawn from the new data"


def test_a_second_build_with_nothing_changed_draws_no_chart(tmp_path):
    src = make_project(tmp_path, 42)
    out = tmp_path / "out"
    api.build([src], api.Options(out_dir=out))
    cache = out / ".briefdeck" / "charts"
    stamps = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    res = api.build([src], api.Options(out_dir=out))[0]
    assert [a.status for a in res.artefacts] == ["up-to-date", "up-to-date", "up-to-date"]
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == stamps


def test_a_prose_edit_rebuilds_without_redrawing_charts(tmp_path, monkeypatch):
    src = make_project(tmp_path, 42)
    out = tmp_path / "out"
    api.build([src], api.Options(out_dir=out))
    src.write_text(SOURCE.replace("Numbers follow", "Figures follow"), encoding="utf-8")
    from briefdeck.charts import service

    drawn = []
    real = service.ChartService._draw_all
    monkeypatch.setattr(service.ChartService, "_draw_all", lambda self, jobs: drawn.extend(jobs) or real(self, jobs))
    res = api.build([src], api.Options(out_dir=out))[0]
    assert [a.status for a in res.artefacts] == ["built", "built", "built"]
    assert drawn == []
