"""A long-running process (--watch) reads a data file or a map's GeoJSON once per version of it
(``safeio.version_of``): an unchanged file is not parsed again, an edited one always is."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from briefdeck import data, safeio
from briefdeck.load import figures


@pytest.fixture
def settled(monkeypatch):
    """Files count as settled at once (not two seconds after their last change)."""
    monkeypatch.setattr(safeio, "_SETTLED_NS", -1)
    monkeypatch.setattr(data, "_READ", {})
    monkeypatch.setattr(figures, "_SHAPES", {})


def _rewrite(path: Path, text: str) -> None:
    tmp = path.with_suffix(".new")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)  # as an editor saves: a new file


def test_a_data_file_is_read_again_only_when_it_changed(tmp_path, settled):
    p = tmp_path / "d.csv"
    p.write_text("year,deaths\n2014,28\n2015,29\n", encoding="utf-8")
    first = data.read_csv(p, "d.csv", {})
    assert data.read_csv(p, "d.csv", {}) is first
    assert data.read_csv(p, "d.csv", {"year": "text"}) is not first  # read another way: read anew
    _rewrite(p, "year,deaths\n2014,28\n2015,30\n")
    again = data.read_csv(p, "d.csv", {})
    assert again.rows[-1][-1] == 30
    p.write_text("year,deaths\n2014,28\n2015,31\n", encoding="utf-8")  # in place, the same size
    assert data.read_csv(p, "d.csv", {}).rows[-1][-1] == 31


def test_a_file_changed_a_moment_ago_is_read_every_time(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_READ", {})
    p = tmp_path / "d.csv"
    p.write_text("year,deaths\n2014,28\n", encoding="utf-8")
    assert data.read_csv(p, "d.csv", {}) is not data.read_csv(p, "d.csv", {})
    assert not data._READ


def test_a_bad_data_file_is_said_at_every_build(tmp_path, settled):
    p = tmp_path / "d.csv"
    p.write_text("year,year\n2014,28\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(data.DataProblem):
            data.read_csv(p, "d.csv", {})


def test_a_maps_countries_are_read_again_only_when_the_file_changed(tmp_path, settled):
    def collection(name: str) -> str:
        ring = [[0, 0], [1, 0], [1, 1], [0, 0]]
        return json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"iso_a3": "MLI", "name": name, "hi": True},
             "geometry": {"type": "Polygon", "coordinates": [ring]}}]})

    p = tmp_path / "m.geojson"
    p.write_text(collection("Mali"), encoding="utf-8")
    first = figures._countries(p, "hi")
    assert first[0][:3] == ("MLI", "Mali", True)
    assert figures._countries(p, "hi") is first
    assert figures._countries(p, "other")[0][2] is False
    _rewrite(p, collection("République du Mali"))
    assert figures._countries(p, "hi")[0][1] == "République du Mali"
