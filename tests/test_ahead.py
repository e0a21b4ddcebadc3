"""The brief's process started ahead of the load (``ahead.py``): a rebuild whose charts are drawn
makes the brief in a process forked before the source loads, with the bytes a build in one process
makes; a source that fails to load, or a brief process that dies, leaves no process behind and the
last good outputs in place."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefdeck import ahead, api, render

from .conftest import DEFAULT_SOURCE, ROOT

STEM = DEFAULT_SOURCE.stem

# run in a fresh process, as the command line builds: what was made, whether the process ahead was
# started and made the brief (this process then never imports the brief's renderer), what is left
_BUILD = """
import json, os, sys
from pathlib import Path
from briefdeck import ahead, api
started = []
start = ahead.start
def noted(stack, opts, drawn, make):
    start(stack, opts, drawn, make)
    started.append(bool(ahead._STARTED))
ahead.start = noted
if os.environ.get("DIE"):
    ahead._make_ahead = lambda *args: os._exit(3)
if os.environ.get("UNPICKLABLE"):  # the work cannot be pickled for the process ahead
    import pickle, types
    def dumps(*args, **kwargs):
        raise pickle.PicklingError("cannot pickle")
    ahead.pickle = types.SimpleNamespace(dumps=dumps, loads=pickle.loads, HIGHEST_PROTOCOL=pickle.HIGHEST_PROTOCOL)
if os.environ.get("NO_FORK"):  # the first fork (the process ahead's) refused: out of processes
    import errno
    fork = os.fork
    def refused():
        os.fork = fork
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
    os.fork = refused
try:
    res = api.build([Path(sys.argv[1])], api.Options(out_dir=Path(sys.argv[2]), jobs=int(sys.argv[3])))[0]
    ok, error, made = res.ok, str(res.error or ""), sorted(a.path.name for a in res.artefacts if a.status != "up-to-date")
except Exception as exc:  # as the command line hears a build process that died
    ok, error, made = False, str(exc), []
try:
    left = os.waitpid(-1, os.WNOHANG)
except ChildProcessError:
    left = None
print(json.dumps({"ok": ok, "error": error, "started": started, "left": left, "made": made,
                  "renderer_here": "briefdeck.render.pdf" in sys.modules}))
"""


def _build(src: Path, out: Path, jobs: int = 2, **env: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", _BUILD, str(src), str(out), str(jobs)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "BRIEFDECK_SERVER": "0", **env})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def _digests(out: Path, stem: str) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.glob(f"{stem}.*"))}


@pytest.fixture
def project_source():
    """A copy of the default source in the project (its data and assets resolve as the original's);
    the test edits it."""
    src = ROOT / "tests" / f".ahead-{os.getpid()}-{STEM}.yaml"
    src.write_text(DEFAULT_SOURCE.read_text(encoding="utf-8"), encoding="utf-8")
    yield src
    src.unlink(missing_ok=True)


def test_a_prose_edit_makes_the_brief_ahead_with_the_bytes_of_one_process(tmp_path, project_source):
    out, alone = tmp_path / "out", tmp_path / "alone"
    first = _build(project_source, out)
    assert first["ok"] and first["started"] == [False]  # a first build draws its charts beside the brief instead
    project_source.write_text(project_source.read_text(encoding="utf-8").replace("Finally", "Lastly", 1), encoding="utf-8")
    edit = _build(project_source, out)
    assert edit["ok"], edit["error"]
    assert edit["started"] == [True] and not edit["renderer_here"]  # the brief was made in the process ahead
    assert edit["made"] == [f"{project_source.stem}.{x}" for x in ("html", "pdf", "pptx")] and edit["left"] is None
    one = _build(project_source, alone, jobs=1)
    assert one["started"] == [False] and one["renderer_here"]
    assert _digests(out, project_source.stem) == _digests(alone, project_source.stem)


def test_a_source_that_fails_to_load_stops_the_process_ahead_and_keeps_the_outputs(tmp_path, project_source):
    out = tmp_path / "out"
    assert _build(project_source, out)["ok"]
    before = _digests(out, project_source.stem)
    project_source.write_text(project_source.read_text(encoding="utf-8") + "\n  : [unclosed\n", encoding="utf-8")
    broken = _build(project_source, out)
    assert not broken["ok"] and project_source.name in broken["error"]
    assert broken["started"] == [True] and broken["left"] is None  # started, then stopped: no process left
    assert _digests(out, project_source.stem) == before


def test_a_brief_process_that_dies_fails_the_build_and_keeps_the_outputs(tmp_path, project_source):
    out = tmp_path / "out"
    assert _build(project_source, out)["ok"]
    before = _digests(out, project_source.stem)
    project_source.write_text(project_source.read_text(encoding="utf-8").replace("Finally", "Lastly", 1), encoding="utf-8")
    died = _build(project_source, out, DIE="1")
    assert not died["ok"] and "ended without an answer" in died["error"]
    assert died["started"] == [True] and died["left"] is None
    assert _digests(out, project_source.stem) == before


@pytest.mark.parametrize("fault", ["UNPICKLABLE", "NO_FORK"])
def test_a_brief_that_cannot_be_handed_over_or_a_fork_refused_is_made_here(tmp_path, project_source, fault):
    out, alone = tmp_path / "out", tmp_path / "alone"
    assert _build(project_source, out)["ok"]
    project_source.write_text(project_source.read_text(encoding="utf-8").replace("Finally", "Lastly", 1), encoding="utf-8")
    edit = _build(project_source, out, **{fault: "1"})
    assert edit["ok"], edit["error"]
    assert edit["started"] == [fault == "UNPICKLABLE"] and edit["renderer_here"]  # made in this process
    assert edit["made"] == [f"{project_source.stem}.{x}" for x in ("html", "pdf", "pptx")] and edit["left"] is None
    assert _build(project_source, alone, jobs=1)["ok"]
    assert _digests(out, project_source.stem) == _digests(alone, project_source.stem)


@pytest.mark.quick
def test_the_process_ahead_starts_only_where_it_pays(monkeypatch):
    monkeypatch.delitem(sys.modules, "briefdeck.render.pdf", raising=False)  # as in a fresh process
    monkeypatch.setattr(render, "KEEPING", [])
    opts = api.Options(jobs=2)
    assert ahead.pays(opts, charts_drawn_before=True)
    assert not ahead.pays(opts, charts_drawn_before=False)  # a first build: its charts are drawn beside the brief
    assert not ahead.pays(dataclasses.replace(opts, jobs=1), True)
    assert not ahead.pays(dataclasses.replace(opts, force=True), True)
    assert not ahead.pays(dataclasses.replace(opts, formats=("pptx", "html")), True)  # no brief to make
    monkeypatch.setattr(render, "KEEPING", [True])
    assert not ahead.pays(opts, True)  # a warm process (--watch, the build server) has the renderer imported
    monkeypatch.setattr(render, "KEEPING", [])
    monkeypatch.setitem(sys.modules, "briefdeck.render.pdf", object())
    assert not ahead.pays(opts, True)
