"""Chart kinds describe themselves: a kind defined in one file gets located errors, docs and alt text."""
from __future__ import annotations

import importlib

import pytest

from briefdeck.charts import KINDS
from briefdeck.errors import SourceError
from briefdeck.load import load_document

from .conftest import one_section

pytestmark = pytest.mark.quick

FIGURE = """  - id: dots
    kind: dot_plot
    caption: Deaths by mission
    source: UN Peace and Security Data Hub
    alt: Dots.
"""


@pytest.fixture
def dot_plot():
    module = importlib.import_module("tests.kinds.dot_plot")
    importlib.reload(module) if "dot_plot" not in KINDS else None
    yield KINDS["dot_plot"]


def write(tmp_path, figure: str):
    (tmp_path / "assets").mkdir(exist_ok=True)
    p = tmp_path / "s.yaml"
    p.write_text(one_section("dots", FIGURE + figure + "\n"), encoding="utf-8")
    return p


def messages(path) -> list[str]:
    with pytest.raises(SourceError) as info:
        load_document(path)
    return [f"{p.line}:{p.col}: {p.message} [{p.code}]" for p in info.value.problems]


def test_a_kind_defined_in_one_file_builds_with_good_data(dot_plot, tmp_path):
    doc = load_document(write(tmp_path, "    data: {mission: [ONUC, UNOSOM], deaths: [135, 114]}\n    x: mission\n    series: [deaths]\n"
                                        "    options: {highlight: ONUC, dot_size: 9}"))
    fig = doc.figures[0]
    assert fig.chart.kind == "dot_plot" and fig.chart.option("dot_size") == 9


def test_a_kind_defined_in_one_file_gets_located_errors_for_bad_data(dot_plot, tmp_path):
    assert messages(write(tmp_path, "    data: {mission: [ONUC, UNOSOM], deaths: [135, lots]}\n    x: mission\n    series: [deaths]")) == [
        "17:51: 'lots' in column 'deaths' is not a number — write a number, or leave the value empty (null) [figure.numeric]"]
    assert messages(write(tmp_path, "    data: {mission: [ONUC], a: [1], b: [2]}\n    x: mission\n    series: [a, b]")) == [
        "19:13: a dot_plot chart takes at most 1 series, not 2 — keep the first (`x`: a category column; `series`: 1 numeric column(s)) [figure.series]"]
    assert messages(write(tmp_path, "    data: {mission: [ONUC], a: [1]}\n    series: [a]")) == [
        "12:5: a dot_plot chart has no `x` — name the category column [figure.x]"]
    assert messages(write(tmp_path, "    data: {mission: [ONUC], a: [1]}\n    x: mission\n    series: [a]\n    options: {dot_siz: 3, highlight: [a, b]}")) == [
        "20:15: unknown option 'dot_siz' for a dot_plot chart — did you mean 'dot_size'? [figure.option]",
        "20:38: option 'highlight' of a dot_plot chart must name one category, not ['a', 'b'] — write the category as it appears in the data [figure.option]"]


def test_every_kind_is_documented_from_its_declaration():
    from briefdeck import schemadoc

    text = schemadoc.kinds_table()
    for name, kind in KINDS.items():
        if kind.builtin:
            assert f"`{name}`" in text and kind.summary in text
            for opt in kind.options.values():
                assert f"`{opt.name}`" in text
