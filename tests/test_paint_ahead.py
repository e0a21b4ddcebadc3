"""The brief's painted layout begun ahead in a forked process (render/pdf/ahead.py) changes no byte.

In a process that builds again and again (--watch: warmed up, --jobs 2), a rebuild whose layouts
decide what the last build's decided takes the layout painted ahead; one whose decisions differ
(page breaks, hyphen budgets, stretch, a figure fewer or more) stops the child and paints the
layout itself. After every edit the three outputs equal, byte for byte, a cold build of the same
source in a fresh process."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest

from briefdeck import api, publish
from briefdeck.assets import BUILTIN
from briefdeck.render.pdf import ahead, chartpaint
from briefdeck.render.pptx import warm

from .conftest import DEFAULT_SOURCE, ROOT

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="the layout is painted ahead in a forked process")
SUFFIXES = (".pdf", ".pptx", ".html")
MORE = " Many analysts add that the mission's posture changed little over its mandate." * 4
EDITS = {
    "source as shipped": lambda t: t,
    "one word": lambda t: t.replace("Finally", "Lastly", 1),
    # four sentences more in the first section: its pages break elsewhere, other pages' hyphen budgets
    "page breaks and hyphens moved": lambda t: t.replace("current global war on terror.", "current global war on terror." + MORE, 1),
    # the first section's figure left out: a page fewer
    "a figure removed": lambda t: t.replace("    figures: [crisis-timeline]\n", "", 1),
}


def _project(root: Path, gap_share: Optional[str] = None) -> Path:
    """The default source in a project of its own; ``gap_share``: the theme's brief.page.max_gap_share
    (a project file overriding the built-in brief.yaml)."""
    shutil.copytree(ROOT / "assets", root / "assets")
    if gap_share is not None:
        theme = (BUILTIN / "themes" / "default" / "brief.yaml").read_text(encoding="utf-8")
        assert "max_gap_share: 0.12 " in theme
        (root / "assets" / "themes" / "default").mkdir(parents=True)
        (root / "assets" / "themes" / "default" / "brief.yaml").write_text(
            theme.replace("max_gap_share: 0.12 ", f"max_gap_share: {gap_share} "), encoding="utf-8")
    (root / "source").mkdir()
    src = root / "source" / DEFAULT_SOURCE.name
    src.write_text(DEFAULT_SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    return src


@pytest.fixture
def cold_process(monkeypatch):
    """This process as --watch leaves it before its first build: nothing warm yet."""
    monkeypatch.setattr(api, "_WARM", [])
    monkeypatch.setattr(publish, "_HASHED", None)
    monkeypatch.setattr(warm, "_WARMED", {})
    monkeypatch.setattr(ahead, "_ON", [False])
    monkeypatch.setattr(ahead, "_LAST", ahead.OrderedDict())
    monkeypatch.setattr(ahead, "COUNTS", {"taken": 0, "missed": 0})
    monkeypatch.setattr(chartpaint, "_KEPT", chartpaint.OrderedDict())
    monkeypatch.setattr(chartpaint, "_SEEN", chartpaint.OrderedDict())


@pytest.fixture
def project(tmp_path, cold_process):
    return _project(tmp_path / "proj")


def _watched(src: Path, out: Path, texts: list[str]) -> tuple[list[list[bytes]], list[tuple], list[dict]]:
    """Each text built in turn in this process as --watch builds (warmed up after the first, --jobs 2):
    the outputs, the brief's decisions and what was painted ahead, after each."""
    opts = api.Options(out_dir=out, jobs=2)
    built, decided, gained = [], [], []
    for i, text in enumerate(texts):
        before = dict(ahead.COUNTS)
        src.write_text(text, encoding="utf-8")
        [r] = api.build([src], opts)
        assert r.ok, r.error
        if i == 0:
            api.warm_up(opts)
        built.append([(out / f"{src.stem}{s}").read_bytes() for s in SUFFIXES])
        decided.append(next(reversed(ahead._LAST.values())))
        gained.append({k: ahead.COUNTS[k] - before[k] for k in before})
    return built, decided, gained


def _as_cold(src: Path, texts: list[str], built: list[list[bytes]], tmp: Path) -> None:
    """Every build equals a cold build of its text in a fresh process, byte for byte."""
    cold: dict[str, list[bytes]] = {}
    for k, (text, outputs) in enumerate(zip(texts, built)):
        if text not in cold:
            cold[text] = _cold(src, text, tmp / f"cold-{len(cold)}")
        for suffix, a, b in zip(SUFFIXES, outputs, cold[text]):
            assert a == b, f"build {k}: the {suffix} differs from a cold build's"


def _cold(src: Path, text: str, out: Path) -> list[bytes]:
    """The outputs of ``text`` built by a fresh process into an empty folder."""
    src.write_text(text, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "briefdeck", str(src), "--out", str(out), "--quiet"], cwd=ROOT, check=True)
    return [(out / f"{src.stem}{s}").read_bytes() for s in SUFFIXES]


@needs_fork
def test_a_rebuild_takes_the_layout_painted_ahead_only_on_the_same_decisions_and_equals_a_cold_build(project, tmp_path):
    src = project
    base = src.read_text(encoding="utf-8")
    steps = ["source as shipped", "one word", "source as shipped", "one word", "page breaks and hyphens moved",
             "a figure removed", "source as shipped", "one word"]
    texts = [EDITS[name](base) for name in steps]
    built, decided, gained = _watched(src, tmp_path / "out", texts)
    # the first build is not warm; the second paints its charts here (noting them: replayed after);
    # from the third on, each is painted ahead on the last build's decisions
    assert gained[0] == gained[1] == {"taken": 0, "missed": 0}
    assert gained[2] == gained[3] == {"taken": 1, "missed": 0}  # a word: the same decisions
    moved, removed = decided[4], decided[5]
    assert moved[2] != decided[3][2] and moved[0:2] != decided[3][0:2]  # other hyphen budgets' pages, stretch
    assert removed[3] == decided[3][3] - 1  # a page fewer
    assert gained[4] == gained[5] == gained[6] == {"taken": 0, "missed": 1}  # each decided otherwise than the one before
    assert gained[7] == {"taken": 1, "missed": 0}
    _as_cold(src, texts, built, tmp_path)


@needs_fork
def test_an_end_break_taken_or_given_up_equals_a_cold_build(tmp_path, cold_process):
    """With the theme's max_gap_share at 0.9, four hundred words more in the last section leave the
    people's box alone on a last page: the references start that page instead (the end break)."""
    src = _project(tmp_path / "proj", gap_share="0.9")
    base = src.read_text(encoding="utf-8")
    words = ("Observers noted that the mission adapted its posture over the years of its mandate. " * 40).split()

    def longer(n: int) -> str:
        return base.replace("standing rapid", "standing rapid " + " ".join(words[:n]), 1)

    texts = [base, EDITS["one word"](base), base, longer(384), longer(390), base]
    built, decided, gained = _watched(src, tmp_path / "out", texts)
    assert [d[0] for d in decided] == [None, None, None, "references", "references", None]
    assert gained[2] == {"taken": 1, "missed": 0}
    assert gained[3] == gained[5] == {"taken": 0, "missed": 1}
    _as_cold(src, texts, built, tmp_path)


@needs_fork
def test_a_child_that_fails_leaves_the_layout_to_this_process(project, tmp_path, monkeypatch):
    src = project
    base = src.read_text(encoding="utf-8")
    out = tmp_path / "out"
    opts = api.Options(out_dir=out, jobs=2)
    for i, name in enumerate(["source as shipped", "one word", "source as shipped"]):
        src.write_text(EDITS[name](base), encoding="utf-8")
        assert api.build([src], opts)[0].ok
        if i == 0:
            api.warm_up(opts)
    expected = (out / f"{src.stem}.pdf").read_bytes()
    before = dict(ahead.COUNTS)

    def fails(*args):
        raise RuntimeError("a child that dies")

    monkeypatch.setattr(ahead, "_painted_there", fails)
    src.write_text(EDITS["one word"](base), encoding="utf-8")
    assert api.build([src], opts)[0].ok
    src.write_text(base, encoding="utf-8")
    assert api.build([src], opts)[0].ok
    assert ahead.COUNTS == {"taken": before["taken"], "missed": before["missed"] + 2}
    assert (out / f"{src.stem}.pdf").read_bytes() == expected


def test_a_process_told_to_use_one_core_paints_nothing_ahead(project, tmp_path):
    src = project
    base = src.read_text(encoding="utf-8")
    opts = api.Options(out_dir=tmp_path / "out", jobs=1)
    for i, name in enumerate(["source as shipped", "one word", "source as shipped", "one word"]):
        src.write_text(EDITS[name](base), encoding="utf-8")
        assert api.build([src], opts)[0].ok
        if i == 0:
            api.warm_up(opts)
    assert ahead.COUNTS == {"taken": 0, "missed": 0}


def test_decisions_are_compared_to_the_bit():
    exact = ahead._exact
    assert exact((None, {1: 2.5}, {3: 9})) == exact((None, {1: 2.5}, {3: 9}))
    assert exact({1: 0.0}) != exact({1: -0.0})
    assert exact([1]) != exact([1.0]) and exact([1]) != exact([True])
    assert exact({1: 2.0, 2: 1.0}) != exact({2: 1.0, 1: 2.0})  # (the order a layout reads them in, too)
    assert exact({1: 0.1 + 0.2}) != exact({1: 0.3})
