"""Editorial checks of the loader: a chart that runs past the event's date says so."""
from __future__ import annotations

import re
import shutil

import pytest

from briefdeck.load import load_document

from .conftest import DEFAULT_SOURCE

pytestmark = pytest.mark.quick

FIGURE = "fatalities-by-year"  # the default source's deaths by year, 2013-2023 (its caption says so)


@pytest.fixture
def project(tmp_path):
    shutil.copytree(DEFAULT_SOURCE.parent.parent / "assets", tmp_path / "assets")
    (tmp_path / "source").mkdir()
    return tmp_path / "source" / DEFAULT_SOURCE.name


def _figure_block(text: str) -> tuple[int, int]:
    start = text.index(f"  - id: {FIGURE}\n")
    end = text.index("\n  - id:", start + 1)
    return start, end


def _silent(text: str) -> str:
    """The figure with a caption and note that name no year after the talk's."""
    a, b = _figure_block(text)
    block = text[a:b]
    block = re.sub(r"    caption: .*\n", "    caption: Malicious acts caused most of MINUSMA’s deaths\n", block)
    block = re.sub(r"    note: >-\n(      .*\n)+", "    note: Calendar years of the incident.\n", block + "\n")[:-1]
    return text[:a] + block + text[b:]


def test_the_default_source_raises_no_after_event_warning():
    assert [w.message for w in load_document(DEFAULT_SOURCE).warnings if w.code == "figure.after_event"] == []


def test_a_chart_past_the_events_date_that_does_not_say_so_is_warned_about_at_its_x(project):
    text = _silent(DEFAULT_SOURCE.read_text(encoding="utf-8"))
    project.write_text(text, encoding="utf-8")
    warned = [w for w in load_document(project).warnings if w.code == "figure.after_event"]
    assert len(warned) == 1
    w = warned[0]
    x_line = text[:text.index("    x: year", text.index(f"  - id: {FIGURE}\n"))].count("\n") + 1
    assert (w.line, w.severity) == (x_line, "warning")
    assert FIGURE in w.message and "2023" in w.message and "2018-04-25" in w.message and "caption or note" in w.message


def test_naming_the_later_year_in_the_note_is_enough(project):
    text = _silent(DEFAULT_SOURCE.read_text(encoding="utf-8"))
    text = text.replace("    note: Calendar years of the incident.\n", "    note: Calendar years of the incident, updated to 2023.\n")
    project.write_text(text, encoding="utf-8")
    assert [w for w in load_document(project).warnings if w.code == "figure.after_event"] == []
