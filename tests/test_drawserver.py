"""The drawing server of a first build with --jobs 2 (briefdeck/drawserver.py): the charts it draws
and measures give the bytes one process gives, a chart that fails reports as it does without it,
and no process outlives the build. Each build runs in a fresh interpreter: the server starts only
where the drawing code is not imported yet (this test process has imported it)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DEFAULT_SOURCE, ROOT, one_section

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists() or not hasattr(os, "fork"),
                                reason="forks, and reads processes from /proc")

# Builds ``source`` into ``out`` with ``jobs``; prints what it saw as JSON: the error the build
# ended with, the servers started (their pids), whether this process imported matplotlib, and the
# processes left running below it (and below each server) once the build is over.
SCRIPT = r"""
import json, os, sys
from pathlib import Path
from briefdeck import api, drawserver
from briefdeck.charts import register_kind
from briefdeck.errors import RenderError

source, out, jobs, failure = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

@register_kind("boom")
def boom(ax, spec, style):
    if failure == "render":
        raise RenderError(f"the chart {spec.title!r} cannot be drawn: its data ends early")
    raise ValueError(f"a bug in the boom kind ({len(spec.table.rows)} rows)")

servers = []
stop = drawserver.Server.stop
def spied(self):
    servers.append(self.pid)
    stop(self)
drawserver.Server.stop = spied

error = None
try:
    [res] = api.build([source], api.Options(out_dir=out, jobs=jobs))
    if res.error is not None:
        error = [type(res.error).__name__, str(res.error), sorted(map(str, vars(res.error).items()))]
except Exception as exc:
    error = [type(exc).__name__, str(exc), sorted(map(str, vars(exc).items()))]

def parent_of(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, ppid = stat.rsplit(")", 1)[1].split()[:2]
    return None if state in "ZX" else int(ppid)
ours = {os.getpid(), *servers}
left = sorted(int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and parent_of(int(p.name)) in ours)
left += [pid for pid in servers if Path(f"/proc/{pid}").exists()]  # a zombie too: not reaped
print(json.dumps({"error": error, "servers": servers, "matplotlib": "matplotlib" in sys.modules, "left": left}))
"""

BOOM = one_section("boom", """  - id: boom
    kind: boom
    title: Deaths by mission
    caption: Deaths by mission
    source: UN Peace and Security Data Hub
    alt: Bars.
    data: {mission: [ONUC, UNOSOM], deaths: [135, 114]}
    x: mission
    series: [deaths]
""")


def build(source: Path, out: Path, jobs: int, failure: str = "none") -> dict:
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(source), str(out), str(jobs), failure], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_a_first_build_drawn_by_the_server_gives_the_bytes_of_one_process(tmp_path):
    served = build(DEFAULT_SOURCE, tmp_path / "served", 2)
    assert served["error"] is None and len(served["servers"]) == 1, served
    assert not served["matplotlib"], "the build's own process imported matplotlib: it is imported twice"
    assert served["left"] == []
    alone = build(DEFAULT_SOURCE, tmp_path / "alone", 1)
    assert alone["error"] is None and alone["servers"] == [] and alone["matplotlib"]
    made = sorted(p.name for p in (tmp_path / "alone").glob(f"{DEFAULT_SOURCE.stem}.*"))
    assert made == [f"{DEFAULT_SOURCE.stem}{s}" for s in (".html", ".pdf", ".pptx")]
    for name in made:
        assert (tmp_path / "served" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name
    again = build(DEFAULT_SOURCE, tmp_path / "served", 2)  # up to date: nothing drawn, no server
    assert again["error"] is None and again["servers"] == [] and again["left"] == []


@pytest.mark.parametrize("failure", ["render", "bug"])
def test_a_chart_that_fails_reports_as_in_one_process_and_leaves_no_process(tmp_path, failure):
    source = tmp_path / "boom.yaml"
    source.write_text(BOOM, encoding="utf-8")
    (tmp_path / "assets").mkdir()
    served = build(source, tmp_path / "served", 2, failure)
    alone = build(source, tmp_path / "alone", 1, failure)
    assert len(served["servers"]) == 1 and served["left"] == [] and not served["matplotlib"], served
    assert served["error"] == alone["error"] and alone["error"] is not None
    kind, message, _ = served["error"]
    assert (kind, message) == (("RenderError", "the chart 'Deaths by mission' cannot be drawn: its data ends early") if failure == "render"
                               else ("ValueError", "a bug in the boom kind (2 rows)"))
    assert not list((tmp_path / "served").glob("boom.*")), "an output appeared from a failed build"


def test_a_source_without_charts_stops_the_server_it_started(tmp_path):
    """The server starts before the source is read (a first build): one without charts stops it."""
    source = tmp_path / "prose.yaml"
    source.write_text(BOOM.split("    figures: [boom]")[0], encoding="utf-8")
    (tmp_path / "assets").mkdir()
    served = build(source, tmp_path / "out", 2)
    assert served["error"] is None and len(served["servers"]) == 1 and served["left"] == [] and not served["matplotlib"], served
    assert (tmp_path / "out" / "prose.pdf").is_file()


def test_a_rebuild_that_finds_its_charts_drawn_starts_no_server(tmp_path):
    """A prose edit (the charts are in the cache) and a build of one format keep the path without it."""
    source = tmp_path / "bars.yaml"
    source.write_text(BOOM.replace("kind: boom", "kind: bar"), encoding="utf-8")
    (tmp_path / "assets").mkdir()
    first = build(source, tmp_path / "out", 2)
    assert first["error"] is None and len(first["servers"]) == 1 and first["left"] == [], first
    source.write_text(BOOM.replace("kind: boom", "kind: bar").replace("A paragraph.", "A changed paragraph."), encoding="utf-8")
    edited = build(source, tmp_path / "out", 2)
    assert edited["error"] is None and edited["servers"] == [] and not edited["matplotlib"], edited
    assert "changed" in (tmp_path / "out" / "bars.html").read_text(encoding="utf-8")


# -- the server's order and warm-up, with plain functions (forked: its workers run this module's code) --
_WARMED: list = []


def _noted(arg):
    """A call that notes itself (in the file ``arg[0]``, one line each, in the order calls run) and
    says what its process was given before it forked (``_WARMED``)."""
    path, name = arg
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"{name}\n")
    return name, list(_WARMED)


_noted.cost = lambda arg: {"short": 1, "long": 3, "longest": 9}.get(arg[1], "not a number")  # type: ignore[attr-defined]
_noted.warm_up = lambda args: _WARMED.append(sorted(a[1] for a in args))  # type: ignore[attr-defined]


def test_the_server_warms_up_once_before_its_workers_fork(tmp_path):
    from briefdeck import drawserver

    log = tmp_path / "order.txt"
    names = ["short", "odd", "longest", "long", "short"]
    with drawserver.serving("json", 2) as server:
        answers = server.run([(_noted, (str(log), n)) for n in names])
    assert [a[0] for a in answers] == names  # in the order asked
    # the warm-up ran once in the server, with every queued call's arguments, before the workers forked
    assert all(a[1] == [sorted(names)] for a in answers), answers
    assert _WARMED == [], "the warm-up ran in the server, not in the process that asked"


def test_a_request_is_drawn_longest_first_and_answered_in_the_order_asked(tmp_path):
    from briefdeck import drawserver

    log = tmp_path / "order.txt"
    names = ["short", "odd", "longest", "long", "short"]
    with drawserver.serving("json", 1) as server:  # one worker: the order it is given is the order they run
        answers = server.run([(_noted, (str(log), n)) for n in names])
    assert [a[0] for a in answers] == names
    # by the cost each call's function gives; a cost that is no number counts as none; ties as asked
    assert log.read_text(encoding="utf-8").split() == ["longest", "long", "short", "short", "odd"]


def test_the_order_is_a_guess_that_never_fails_a_request():
    from briefdeck import drawserver

    def broken(arg):
        return arg

    broken.cost = lambda arg: 1 / 0  # type: ignore[attr-defined]
    assert drawserver._longest_first([(broken, 1), (print, 2), (broken, 3)]) == [0, 1, 2]
    assert drawserver._longest_first([]) == []
