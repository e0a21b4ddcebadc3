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

import pytest

from briefdeck import api, publish
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


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The default source in a project of its own, in a process as --watch leaves it (nothing warm yet)."""
    proj = tmp_path / "proj"
    shutil.copytree(ROOT / "assets", proj / "assets")
    (proj / "source").mkdir()
    src = proj / "source" / DEFAULT_SOURCE.name
    src.write_text(DEFAULT_SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(api, "_WARM", [])
    monkeypatch.setattr(publish, "_HASHED", None)
    monkeypatch.setattr(warm, "_WARMED", {})
    monkeypatch.setattr(ahead, "_ON", [False])
    monkeypatch.setattr(ahead, "_LAST", ahead.OrderedDict())
    monkeypatch.setattr(ahead, "COUNTS", {"taken": 0, "missed": 0})
    monkeypatch.setattr(chartpaint, "_KEPT", chartpaint.OrderedDict())
    monkeypatch.setattr(chartpaint, "_SEEN", chartpaint.OrderedDict())
    return src


def _cold(src: Path, text: str, out: Path) -> list[bytes]:
    """The outputs of ``text`` built by a fresh process into an empty folder."""
    src.write_text(text, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "briefdeck", str(src), "--out", str(out), "--quiet"], cwd=ROOT, check=True)
    return [(out / f"{src.stem}{s}").read_bytes() for s in SUFFIXES]


@needs_fork
def test_a_rebuild_takes_the_layout_painted_ahead_only_on_the_same_decisions_and_equals_a_cold_build(project, tmp_path):
    src = project
    base = src.read_text(encoding="utf-8")
    out = tmp_path / "out"
    opts = api.Options(out_dir=out, jobs=2)
    steps = ["source as shipped", "one word", "source as shipped", "one word", "page breaks and hyphens moved",
             "a figure removed", "source as shipped", "one word"]
    built, decided, counts = [], [], []
    for i, name in enumerate(steps):
        src.write_text(EDITS[name](base), encoding="utf-8")
        [r] = api.build([src], opts)
        assert r.ok, r.error
        if i == 0:
            api.warm_up(opts)
        built.append([(out / f"{src.stem}{s}").read_bytes() for s in SUFFIXES])
        decided.append(next(reversed(ahead._LAST.values())))
        counts.append(dict(ahead.COUNTS))
    gained = [{k: b[k] - a[k] for k in a} for a, b in zip([{"taken": 0, "missed": 0}] + counts, counts)]
    # the first build is not warm; the second paints its charts here (noting them: replayed after);
    # from the third on, each is painted ahead on the last build's decisions
    assert gained[0] == gained[1] == {"taken": 0, "missed": 0}
    assert gained[2] == gained[3] == {"taken": 1, "missed": 0}  # a word: the same decisions
    moved, removed = decided[4], decided[5]
    assert moved[2] != decided[3][2] and moved[0:2] != decided[3][0:2]  # other hyphen budgets' pages, stretch
    assert removed[3] == decided[3][3] - 1  # a page fewer
    assert gained[4] == gained[5] == gained[6] == {"taken": 0, "missed": 1}  # each decided otherwise than the one before
    assert gained[7] == {"taken": 1, "missed": 0}
    # every build equals a cold one of its source, byte for byte
    cold: dict[str, list[bytes]] = {}
    for k, (name, outputs) in enumerate(zip(steps, built)):
        if name not in cold:
            cold[name] = _cold(src, EDITS[name](base), tmp_path / f"cold-{len(cold)}")
        for suffix, a, b in zip(SUFFIXES, outputs, cold[name]):
            assert a == b, f"build {k} ({name}): the {suffix} differs from a cold build's"


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
