"""Safe to run unattended: a manifest that changes only with the outputs, machine-independent
paths, a JSON event with code/file/line/col/message for every error, and no worker process
outliving its build however the build dies."""
from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefdeck.scaffold import init

from .conftest import DEFAULT_SOURCE, EXAMPLES, ROOT

ERROR_KEYS = {"event", "code", "file", "line", "col", "message"}


def cli(*args: str, cwd: Path, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})}, **kw)


def json_events(stderr: str) -> list[dict]:
    return [json.loads(ln) for ln in stderr.splitlines()]  # every line must be one JSON object


def strings(obj) -> list[str]:
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in [k, *strings(v)]]
    if isinstance(obj, list):
        return [s for v in obj for s in strings(v)]
    return [obj] if isinstance(obj, str) else []


def test_a_repeat_build_leaves_the_manifest_bytes_and_mtime_alone(tmp_path):
    project = tmp_path / "demo"
    init(project)
    first = cli(cwd=project)
    assert first.returncode == 0, first.stderr
    manifest = project / "output" / "manifest.json"
    before = (manifest.read_bytes(), manifest.stat().st_mtime_ns)
    outputs = {p.name: p.stat().st_mtime_ns for p in (project / "output").iterdir() if p.is_file()}
    time.sleep(0.05)  # a rewrite would show as a new mtime even on coarse-clock file systems
    again = cli("--log-format", "json", cwd=project)
    assert again.returncode == 0, again.stderr
    assert [e["event"] for e in json_events(again.stderr)] == ["up-to-date", "up-to-date", "up-to-date"]
    assert (manifest.read_bytes(), manifest.stat().st_mtime_ns) == before
    assert {p.name: p.stat().st_mtime_ns for p in (project / "output").iterdir() if p.is_file()} == outputs


def test_the_manifest_names_everything_relative_so_two_places_write_the_same_bytes(tmp_path):
    manifests = []
    for where in ("a", "b/deeper"):
        project = tmp_path / where / "demo"
        init(project)
        proc = cli("--jobs", "1", cwd=project)
        assert proc.returncode == 0, proc.stderr
        manifests.append((project / "output" / "manifest.json").read_bytes())
    assert manifests[0] == manifests[1]
    data = json.loads(manifests[0])
    pdf = data["artefacts"]["demo.pdf"]
    assert pdf["source"] == "source/demo.yaml"  # relative to the project folder
    assert "assets/data/minusma_fatalities_by_year_incident_type.csv" in pdf["inputs"]
    assert "<briefdeck>/themes/default/base.yaml" in pdf["inputs"]  # built-ins by their place in the package
    assert not [s for s in strings(data) if s.startswith("/") or str(tmp_path) in s or ".." in s.split("/")]


def test_a_removed_output_leaves_the_manifest(tmp_path):
    project = tmp_path / "demo"
    init(project)
    assert cli(cwd=project).returncode == 0
    (project / "output" / "demo.pptx").unlink()
    assert cli("--format", "pdf", cwd=project).returncode == 0
    assert set(json.loads((project / "output" / "manifest.json").read_text())["artefacts"]) == {"demo.pdf", "demo.html"}


def test_the_lock_error_is_a_json_event_with_code_file_line_col_and_message(tmp_path):
    out = tmp_path / "out"
    (out / ".briefdeck").mkdir(parents=True)
    fd = os.open(out / ".briefdeck" / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another run holds the folder
        proc = cli(str(DEFAULT_SOURCE), "--out", str(out), "--log-format", "json", cwd=ROOT)
    finally:
        os.close(fd)
    assert proc.returncode == 3
    (event,) = json_events(proc.stderr)
    assert set(event) == ERROR_KEYS and event["event"] == "error"
    assert event["code"] == "output.locked" and event["file"] == str(out) and (event["line"], event["col"]) == (0, 0)
    assert "another briefdeck run is using this output folder" in event["message"]
    assert not event["message"].lower().startswith("error")


@pytest.mark.parametrize("case", ["source", "usage", "strict", "missing-file", "no-sources"])
def test_every_error_is_a_json_event_with_code_file_line_col_and_message(tmp_path, case):
    project = tmp_path / "p"
    init(project)
    src = project / "source" / "p.yaml"
    args: list[str] = []
    if case == "source":
        src.write_text(src.read_text(encoding="utf-8").replace("  organiser:", "  organizer:", 1), encoding="utf-8")
    elif case == "usage":
        args = ["--jobs", "0"]
    elif case == "strict":
        src = EXAMPLES / "two-speaker-panel.yaml"  # one figure without alt text: a warning
        args = ["--check", "--strict", str(src)]
    elif case == "missing-file":
        args = ["source/nowhere.yaml"]
    else:
        (project / "source" / "p.yaml").unlink()
    proc = cli("--log-format", "json", *args, cwd=project)
    assert proc.returncode == 2, proc.stderr
    errors = [e for e in json_events(proc.stderr) if e["event"] == "error"]
    assert errors
    for e in errors:
        assert set(e) == ERROR_KEYS, e
        assert isinstance(e["line"], int) and isinstance(e["col"], int) and e["code"] and e["message"]
        assert not e["message"].lower().startswith("error"), e["message"]
    if case == "source":
        assert errors[0]["code"] == "schema.extra_forbidden" and errors[0]["file"] == "source/p.yaml" and errors[0]["line"] > 1


def test_json_log_stays_json_when_the_home_folder_is_not_writable(tmp_path):
    """A locked-down service (ProtectSystem=strict, no home): matplotlib must not print its
    'created a temporary cache directory' warning into the JSON stream."""
    project = tmp_path / "demo"
    init(project)
    env = {"HOME": "/proc/1", "XDG_CONFIG_HOME": "", "XDG_CACHE_HOME": ""}  # nothing can be made there
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--log-format", "json"], cwd=project, capture_output=True,
                          text=True, timeout=300, env={k: v for k, v in {**os.environ, **env}.items() if k != "MPLCONFIGDIR"})
    assert proc.returncode == 0, proc.stderr
    assert [e["event"] for e in json_events(proc.stderr)] == ["built", "built", "built"]


# --- worker processes never outlive their build --------------------------------------------------

def _proc_stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw.rsplit(")", 1)[1].split()  # [state, ppid, ...] (the name may hold spaces)


def _descendants(pid: int) -> set[int]:
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit() and (st := _proc_stat(int(d.name))):
            kids.setdefault(int(st[1]), []).append(int(d.name))
    found, todo = set(), [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            found.add(k)
            todo.append(k)
    return found


def _running(pid: int) -> bool:
    st = _proc_stat(pid)
    return st is not None and st[0] not in ("Z", "X")  # a zombie is dead, waiting to be reaped


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.parametrize("how", [
    pytest.param(("sources", signal.SIGKILL), id="several-sources-SIGKILL"),
    pytest.param(("sources", signal.SIGTERM), id="several-sources-SIGTERM"),
    pytest.param(("charts", signal.SIGKILL), id="many-charts-SIGKILL"),
    pytest.param(("formats", signal.SIGKILL), id="format-processes-SIGKILL"),
])
def test_workers_exit_when_the_build_is_killed_mid_way(tmp_path, how):
    what, sig = how
    if what == "sources":  # several sources built side by side
        sources = [str(p) for p in sorted(EXAMPLES.glob("*/*.yaml"))] + [str(DEFAULT_SOURCE)]
    elif what == "formats":  # one source: the deck made in a process of its own, drawing charts in its pool
        sources = [str(EXAMPLES / "ca-vancouver-peacekeeping-ministerial-2017" / "ca-vancouver-peacekeeping-ministerial-2017.yaml")]
    else:  # one format of one source, whose charts are drawn by a pool (with both formats, each
        # format is made in its own process, drawing its own charts; the brief, even alone, has its
        # charts drawn by one process beside its layouts: the web page draws its own in a pool)
        sources = [str(EXAMPLES / "ca-vancouver-peacekeeping-ministerial-2017" / "ca-vancouver-peacekeeping-ministerial-2017.yaml"),
                   "--format", "html"]
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), *sources, "--jobs", "2", "--force", "--out", str(tmp_path / "out")],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # no pipe a stray worker could hold open
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
            workers = {p for p in _descendants(proc.pid) if _running(p)}
            time.sleep(0.02)
        assert len(workers) >= 2, f"no worker processes seen (the build ended with {proc.returncode})"
        time.sleep(0.3)  # mid-way: the workers are busy
        workers |= _descendants(proc.pid)
        os.kill(proc.pid, sig)  # the parent alone, as the OOM killer or `kill` would
        proc.wait(timeout=30)
        time.sleep(5)
        left = sorted(p for p in workers if _running(p))
        assert not left, f"worker processes {left} outlived the build killed by {sig.name}"
    finally:  # leave nothing behind, whatever the test's outcome
        for p in [proc.pid, *workers]:
            if _running(p):
                os.kill(p, signal.SIGKILL)
        proc.wait(timeout=30)


def test_an_error_in_a_format_process_reaches_the_build_as_itself(tmp_path):
    """With --jobs 2 the brief and the deck are made in processes of their own: an error raised in
    one of them reaches the build as itself, a source that fails to load starts none, and none is
    left running."""
    import multiprocessing

    from briefdeck import api
    from briefdeck.errors import SourceError, TemplateError

    def none_left() -> bool:  # reaped: a worker that ended may take a moment to be collected
        def alive():  # a format process is forked without multiprocessing: looked for in /proc too
            mine = _descendants(os.getpid()) if Path("/proc/self/stat").exists() else set()
            return multiprocessing.active_children() or [p for p in mine if _proc_stat(p) is not None]

        deadline = time.monotonic() + 5
        while alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        return not alive()

    bad = tmp_path / "bad.yaml"
    bad.write_text("meta: [unclosed\n", encoding="utf-8")
    [r] = api.build([bad], api.Options(out_dir=tmp_path / "out", jobs=2))
    assert isinstance(r.error, SourceError) and none_left()

    not_a_deck = tmp_path / "template.pptx"
    not_a_deck.write_bytes(b"not a zip")
    [r] = api.build([DEFAULT_SOURCE], api.Options(out_dir=tmp_path / "out", jobs=2, settings=(("template", not_a_deck),)))
    assert isinstance(r.error, TemplateError) and "template.pptx" in str(r.error)
    assert none_left()
    assert not list((tmp_path / "out").glob("*.pdf"))  # neither output appears without the other


def _sends_then_goes_on(data: bytes, marker: str) -> str:
    from briefdeck.workers import send

    send(data)
    Path(marker).write_text("went on", encoding="utf-8")  # before the parent has read a byte
    return "done"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_a_forked_call_answers_early_and_goes_on(tmp_path):
    """``workers.send`` (the brief's charts, drawn in a process that then makes the web page): a
    first answer, larger than a pipe holds, is read by ``early()`` while the call goes on without
    waiting for the parent; its own answer follows; a call failing before it sends raises in
    ``early()``, as itself."""
    from briefdeck.workers import forked

    data, marker = os.urandom(1 << 20), tmp_path / "marker"
    with forked([(_sends_then_goes_on, (data, str(marker))), (int, ("seven",))]) as (goes_on, fails):
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert marker.read_text(encoding="utf-8") == "went on"
        assert goes_on.early() == data
        assert goes_on.result() == "done"
        with pytest.raises(ValueError, match="seven"):
            fails.early()
    assert not [p for p in _descendants(os.getpid()) if _proc_stat(p) is not None]
    with forked([(_sends_then_goes_on, (lambda: None, str(marker)))]) as (cannot_travel,):
        with pytest.raises(RuntimeError, match="cannot be sent back"):  # said, not the call's own answer instead
            cannot_travel.early()
    assert not [p for p in _descendants(os.getpid()) if _proc_stat(p) is not None]


def _sends_then_dies(early: dict) -> None:
    from briefdeck import workers

    workers.send(early)
    for writer in workers._TO_PARENT[1:]:
        writer.join()  # the early answer is in the pipe, whole
    os._exit(9)  # killed before its own answer (out of memory, a signal)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_a_forked_call_that_dies_after_its_early_answer_is_said(tmp_path):
    """The deck's process in a warm build sends the web page early, then dies: its early answer is
    taken by ``early()``, and ``result()`` says the process ended without an answer (not the early
    answer again, as if it were the deck's: the build then failed with KeyError('pptx'))."""
    from briefdeck.workers import forked

    with forked([(_sends_then_dies, ({"html": "page"},))]) as (child,):
        assert child.early() == {"html": "page"}
        with pytest.raises(RuntimeError, match=r"without an answer \(exit status 2304\)"):
            child.result()
    assert not [p for p in _descendants(os.getpid()) if _proc_stat(p) is not None]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_a_forked_call_answers_or_raises_as_itself_and_leaves_no_process():
    """``workers.forked`` (a format's process with --jobs 2): the answer comes back, an exception
    comes back as itself, a child that dies without answering is said, and none is left behind."""
    from briefdeck.workers import forked

    with forked([(divmod, (7, 2)), (int, ("seven",)), (os._exit, (3,))]) as (answers, raises, dies):
        assert answers.result() == (3, 1)
        with pytest.raises(ValueError, match="seven"):
            raises.result()
        with pytest.raises(RuntimeError, match="without an answer"):
            dies.result()
    assert not [p for p in _descendants(os.getpid()) if _proc_stat(p) is not None]
    with pytest.raises(KeyError):  # leaving by an exception: the children not asked are killed and reaped
        with forked([(time.sleep, (30,))]):
            raise KeyError("stop")
    assert not [p for p in _descendants(os.getpid()) if _proc_stat(p) is not None]


def test_commit_flushes_every_output_before_any_is_renamed_and_renames_none_when_one_fails(tmp_path, monkeypatch):
    """The outputs are flushed to disk together (threads), then renamed into place; a flush that
    fails leaves every previous output where it was."""
    from briefdeck import publish

    pairs = [(tmp_path / f".tmp-{i}", tmp_path / f"out-{i}") for i in range(3)]
    for i, (tmp, final) in enumerate(pairs):
        tmp.write_bytes(b"new %d" % i)
        final.write_bytes(b"old %d" % i)
    synced: list[str] = []
    real = os.fsync

    def fsync(fd):  # (in threads: what it sees is noted, and asserted on below)
        import stat

        renamed = any(final.read_bytes().startswith(b"new") for _, final in pairs)
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else ("late" if renamed else "file"))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    broken = pairs[1][0].rename(tmp_path / ".gone")  # a temp file that cannot be opened
    with pytest.raises(FileNotFoundError):
        publish.commit(pairs)
    assert [final.read_bytes() for _, final in pairs] == [b"old 0", b"old 1", b"old 2"]
    broken.rename(pairs[1][0])
    synced.clear()
    publish.commit(pairs)
    assert synced == ["file"] * 3 + ["folder"]  # every file before any rename, then the folder
    assert [final.read_bytes() for _, final in pairs] == [b"new 0", b"new 1", b"new 2"]
    assert not any(tmp.exists() for tmp, _ in pairs)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_a_nested_pool_freezes_what_was_made_since_as_a_nested_fork_does():
    """Workers inherit what the process made since the outer pool froze too: a collection in them
    would otherwise write (and copy) those pages as well (``gc.freeze``)."""
    import gc

    from briefdeck.workers import pool

    with pool(1):
        frozen = gc.get_freeze_count()
        made_since = [[i] for i in range(1000)]  # noqa: F841 -- tracked objects made after the freeze
        with pool(1):
            assert gc.get_freeze_count() >= frozen + 1000
    assert gc.get_freeze_count() == 0


def test_a_record_left_half_committed_is_cleaned_and_names_no_chart_entry(tmp_path):
    """A run killed between writing a build record's temporary file and renaming it leaves
    ``.briefdeck/.tmp-briefdeck-PID-stem.record.json``: the next run removes it (a shard only its own
    sources'), and until then pruning does not take it for a record."""
    from briefdeck import cache, publish

    out, charts = tmp_path / "out", tmp_path / "charts"
    state = out / publish.STATE_DIR
    state.mkdir(parents=True)
    charts.mkdir()
    (charts / "named.json").write_bytes(b"{}")
    left = publish.temp_path(publish.record_path(out, "talk"))
    other = publish.temp_path(publish.record_path(out, "other"))
    for p in (left, other):
        p.write_text(json.dumps({"outputs": {"pdf": {"cache": ["named.json"]}}}), encoding="utf-8")
    assert cache.prune_unrecorded(out, charts, started=time.time() + 10, shared=False) == 1
    assert publish.clean_temp_files(out, {"talk.pdf", "talk.record.json"}) == [left] and other.exists()
    assert publish.clean_temp_files(out) == [other]
