"""--watch rebuilds once per settled change of any input, and not otherwise."""
from __future__ import annotations

import sys
import threading
import time

import pytest

from briefdeck.watch import watch, watched_files


def _watching(src, **kw):
    """watch() on ``src`` in a thread: (what each rebuild read of it, an event set when it returns)."""
    read: list[str] = []
    done = threading.Event()

    def run():
        watch([src], src.parent / "out", lambda these: read.append(src.read_text(encoding="utf-8")), **kw)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    time.sleep(0.5)
    return read, done


def test_watch_rebuilds_once_after_a_burst_of_saves(tmp_path):
    """Saves closer together than ``settle_ms`` are one change (when the machine keeps the pace: under
    load a pause between two saves may outlast it, and the burst is built in two); every build
    reads a complete file, the last one the last save, and it starts only once the files have been
    quiet for ``settle_ms``."""
    src = tmp_path / "a.yaml"
    src.write_text("one", encoding="utf-8")
    builds: list[tuple[str, float]] = []
    last = threading.Event()
    stop = threading.Event()

    def rebuild(these):
        text = src.read_text(encoding="utf-8")
        builds.append((text, time.monotonic()))
        if text == "edit 3":
            last.set()

    t = threading.Thread(target=lambda: watch([src], tmp_path / "out", rebuild, settle_ms=150, stop=stop), daemon=True)
    t.start()
    time.sleep(0.5)
    saved = []
    for i in range(4):  # saves through a temporary file renamed into place, closer together than settle_ms
        tmp = tmp_path / f".a.yaml.{i}~"
        tmp.write_text(f"edit {i}", encoding="utf-8")
        saved.append(time.monotonic())  # (before: the watcher's thread may see the rename before this one goes on)
        tmp.replace(src)
        time.sleep(0.05)
    assert last.wait(10), "watch did not rebuild after the last save"
    time.sleep(0.3)  # (a build after it would show here)
    stop.set()
    t.join(5)
    assert not t.is_alive()
    read = [text for text, _ in builds]
    assert read[0] == "one" and read[-1] == "edit 3"
    assert set(read[1:]) <= {f"edit {i}" for i in range(4)}  # complete files only
    assert len(read) <= 1 + 4  # never more builds than saves
    assert builds[-1][1] - saved[-1] >= 0.15  # waited for the saves to settle


def test_a_save_by_rename_is_built_at_once_and_a_file_still_open_is_not(tmp_path):
    """A file renamed into place (an atomic replace) or closed after writing is complete: built
    without waiting ``step_ms``; one still open for writing is built once it is closed, not from
    the bytes written so far (on Linux, where the watcher sees the closing)."""
    import sys

    import pytest

    if not sys.platform.startswith("linux"):
        pytest.skip("inotify: elsewhere watchfiles waits step_ms of quiet")
    src = tmp_path / "a.yaml"
    src.write_text("one", encoding="utf-8")
    read, done = _watching(src, step_ms=60_000, max_builds=3)
    tmp = tmp_path / ".a.yaml~"
    tmp.write_text("two", encoding="utf-8")
    tmp.replace(src)
    deadline = time.monotonic() + 10
    while len(read) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert read == ["one", "two"]
    time.sleep(0.2)
    with open(src, "w", encoding="utf-8") as f:  # an editor writing its save in several writes
        f.write("thr")
        f.flush()
        time.sleep(0.3)
        assert read == ["one", "two"]  # not from the bytes written so far
        f.write("ee")
    assert done.wait(10), "watch did not rebuild once the file was closed"
    assert read == ["one", "two", "three"]


def test_watch_polls_where_the_system_says_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("WATCHFILES_FORCE_POLLING", "1")
    src = tmp_path / "a.yaml"
    src.write_text("one", encoding="utf-8")
    read, done = _watching(src, max_builds=2)
    for _ in range(20):  # again until seen: a save before the poller's first look at the folder is not a change
        src.write_text("two", encoding="utf-8")
        if done.wait(0.5):
            break
    assert read == ["one", "two"]


@pytest.mark.parametrize("fails_from", [0, 1], ids=["before-the-first-build", "after-it"])
def test_a_folder_inotify_refuses_is_polled_and_said_once(tmp_path, monkeypatch, fails_from):
    """inotify out of watches (ENOSPC) when the session starts or later: saves are still seen (the
    session polls through watchfiles, which would fail the same way on inotify), and the log says
    once which folder and what to do."""
    import ctypes
    import errno

    from briefdeck import watch as watch_mod

    if not sys.platform.startswith("linux"):
        pytest.skip("inotify is Linux's")
    real_open = watch_mod._Inotify.open.__func__

    class Refusing:  # libc, with inotify_add_watch failing from its ``fails_from``-th call on
        def __init__(self, libc):
            self.libc, self.calls = libc, 0

        def __getattr__(self, name):
            return getattr(self.libc, name)

        def inotify_add_watch(self, fd, path, mask):
            self.calls += 1
            if self.calls > fails_from:
                ctypes.set_errno(errno.ENOSPC)
                return -1
            return self.libc.inotify_add_watch(fd, path, mask)

    def opened(cls):
        notify = real_open(cls)
        notify.libc = Refusing(notify.libc)
        return notify

    monkeypatch.setattr(watch_mod._Inotify, "open", classmethod(opened))
    monkeypatch.delenv("WATCHFILES_FORCE_POLLING", raising=False)
    said: list[tuple[str, dict]] = []
    src = tmp_path / "a.yaml"
    src.write_text("one", encoding="utf-8")
    read, done = _watching(src, max_builds=3, log=lambda e, d: said.append((e, d)))
    for text in ("two", "three"):
        seen = len(read)
        for _ in range(20):  # again until seen: a save before the poller's first look at the folder is not a change
            src.write_text(text, encoding="utf-8")
            deadline = time.monotonic() + 0.5
            while len(read) == seen and time.monotonic() < deadline:
                time.sleep(0.01)
            if len(read) > seen:
                break
    assert done.wait(10), "watch did not see the saves"
    assert read[0] == "one" and read[-1] == "three" and "two" in read
    warnings = [d for e, d in said if e == "warning"]
    assert len(warnings) == 1
    assert warnings[0]["file"] == str(tmp_path) and warnings[0]["code"] == "watch.inotify"
    assert str(tmp_path) in warnings[0]["message"] and "fs.inotify.max_user_watches" in warnings[0]["message"]


def test_an_input_saved_during_the_first_build_starts_the_next(tmp_path):
    """Before the first build the watcher listens to the folders of what the last build read (its
    record: a data file elsewhere), not only the sources': a save made while the build runs is seen."""
    from briefdeck.publish import record_path, write_json

    if not sys.platform.startswith("linux"):
        pytest.skip("inotify: watchfiles starts watching after the first build")
    src = tmp_path / "src" / "a.yaml"
    data = tmp_path / "data" / "x.csv"
    for p in (src, data):
        p.parent.mkdir()
        p.write_text("one", encoding="utf-8")
    out = tmp_path / "out"
    write_json(record_path(out, "a"), {"inputs": {str(data): "digest"}})
    read: list[str] = []

    def rebuild(these):
        if not read:  # the first build: the data file is saved while it runs
            tmp = data.with_name(".x.csv~")
            tmp.write_text("two", encoding="utf-8")
            tmp.replace(data)
        read.append(data.read_text(encoding="utf-8"))

    done = threading.Event()
    threading.Thread(target=lambda: (watch([src], out, rebuild, max_builds=2), done.set()), daemon=True).start()
    assert done.wait(10), "the save made during the first build was not seen"
    assert read == ["two", "two"]


def test_watch_ignores_files_it_does_not_watch_and_stops_on_request(tmp_path):
    src = tmp_path / "a.yaml"
    src.write_text("one", encoding="utf-8")
    builds: list[float] = []
    stop = threading.Event()
    t = threading.Thread(target=lambda: watch([src], tmp_path / "out", lambda these: builds.append(1), step_ms=30, stop=stop), daemon=True)
    t.start()
    time.sleep(0.5)
    (tmp_path / "unrelated.txt").write_text("x", encoding="utf-8")
    time.sleep(0.5)
    assert builds == [1]
    stop.set()
    t.join(5)
    assert not t.is_alive()


def test_watched_files_include_the_recorded_inputs_and_the_theme(tmp_path, default_build):
    from .conftest import DEFAULT_SOURCE

    files = {p.name for p in watched_files([DEFAULT_SOURCE], default_build)}
    assert DEFAULT_SOURCE.name in files
    assert "minusma_fatalities_by_year_incident_type.csv" in files
    assert "brief.yaml" in files and "NotoSerif-Regular.ttf" in files


def _listen(proc):
    """A function that waits until a --watch process (JSON log on stderr) says it watches again."""
    import queue

    said: queue.Queue = queue.Queue()

    def read():
        for line in proc.stderr:
            if "watching" in line:
                said.put(line)
        said.put(None)  # it stopped

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def armed(timeout: float) -> None:
        assert said.get(timeout=timeout) is not None, "--watch stopped"

    armed.reader = reader  # type: ignore[attr-defined]
    return armed


def test_watch_rebuilds_every_output_and_forces_only_the_first_build(tmp_path):
    """--watch --force: the first build redraws everything; a saved prose edit rewrites the brief,
    the deck and the web page with the new words, and redraws no chart (only what the edit
    touched), from processes that start warm."""
    import signal
    import subprocess
    import sys

    from pptx import Presentation
    from pypdf import PdfReader

    from .conftest import DEFAULT_SOURCE, ROOT

    src = ROOT / "tests" / f".watch-{tmp_path.name}.yaml"  # in the project: it names assets/ and data/
    text = DEFAULT_SOURCE.read_text(encoding="utf-8")
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    outputs = [out / f"{src.stem}{suffix}" for suffix in (".pdf", ".pptx", ".html")]
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), str(src), "--out", str(out), "--watch", "--force",
                             "--log-format", "json"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    armed = _listen(proc)
    try:
        armed(180)
        charts = {p: p.stat().st_mtime_ns for p in (out / ".briefdeck" / "charts").iterdir()}
        assert charts
        before = [p.stat().st_mtime_ns for p in outputs]
        time.sleep(0.2)  # (the log line comes just before the watcher starts listening)
        src.write_text(text.replace("Finally, we", "Lastly, we", 1), encoding="utf-8")
        armed(120)  # rebuilt, and watching again
        assert all(p.stat().st_mtime_ns != b for p, b in zip(outputs, before)), "--watch did not rewrite every output"
        brief = "".join(page.extract_text() for page in PdfReader(outputs[0]).pages)
        notes = " ".join(s.notes_slide.notes_text_frame.text for s in Presentation(outputs[1]).slides if s.has_notes_slide)
        page = outputs[2].read_text(encoding="utf-8")
        for what, words in (("brief", brief), ("deck's notes", notes), ("web page", page)):
            assert "Lastly, we" in words and "Finally, we" not in words, f"the {what} does not hold the edit"
        assert {p: p.stat().st_mtime_ns for p in charts} == charts  # not redrawn, not rewritten
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
        armed.reader.join(10)  # it reads to the end of the log, then the pipe is closed
        proc.stderr.close()
        src.unlink()


def test_a_change_rebuilds_only_the_sources_whose_last_build_read_it(tmp_path):
    """With several sources, a change rebuilds those whose build record names the changed file (and
    those never built): a lone source is then built in the watching process, which keeps it warm."""
    from briefdeck import api
    from briefdeck.assets import BUILTIN
    from briefdeck.scaffold import init
    from briefdeck.watch import touched

    project = tmp_path / "proj"
    init(project)
    [a] = sorted((project / "source").glob("*.yaml"))
    data = project / "assets" / "data"
    [csv] = data.glob("*.csv")
    (data / "other.csv").write_bytes(csv.read_bytes())
    b = a.with_name("other.yaml")
    b.write_text(a.read_text(encoding="utf-8").replace(csv.name, "other.csv"), encoding="utf-8")
    c = a.with_name("never-built.yaml")
    out = tmp_path / "out"
    results = api.build([a, b], api.Options(out_dir=out, formats=("html",), jobs=1))
    assert all(r.ok for r in results)
    assert touched([a, b], out, {csv.resolve()}) == [a]
    assert touched([a, b], out, {(data / "other.csv").resolve()}) == [b]
    assert touched([a, b], out, {b.resolve()}) == [b]
    assert touched([a, b], out, {(BUILTIN / "themes" / "default" / "html.yaml").resolve()}) == [a, b]
    assert touched([a, b, c], out, {csv.resolve()}) == [a, c]  # what c reads is not known yet
    assert touched([a, b], out, {(tmp_path / "elsewhere.txt").resolve()}) == [a, b]


def test_a_rebuild_runs_with_the_cycle_collector_paused_and_it_is_on_again_after(tmp_path):
    import gc

    src = tmp_path / "a.yaml"
    src.write_text("one", encoding="utf-8")
    collecting: list[bool] = []
    done = threading.Event()

    def run():
        watch([src], tmp_path / "out", lambda these: collecting.append(gc.isenabled()), max_builds=2)
        collecting.append(gc.isenabled())
        done.set()

    assert gc.isenabled()
    threading.Thread(target=run, daemon=True).start()
    time.sleep(0.5)
    src.write_text("two", encoding="utf-8")
    assert done.wait(10), "watch did not rebuild after the change"
    assert collecting == [True, False, True]  # the first build (it may draw every chart) collects as usual


def test_a_save_made_while_a_build_runs_starts_the_next(tmp_path):
    """The first build too (on Linux: the watcher listens before it starts)."""
    import sys

    import pytest

    if not sys.platform.startswith("linux"):
        pytest.skip("inotify: watchfiles starts watching after the first build")
    src = tmp_path / "a.yaml"
    src.write_text("one", encoding="utf-8")
    read: list[str] = []
    done = threading.Event()

    def rebuild(these):
        read.append(src.read_text(encoding="utf-8"))
        if len(read) == 1:  # saved while the first build runs
            src.write_text("two", encoding="utf-8")

    def run():
        watch([src], tmp_path / "out", rebuild, max_builds=2)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(10), "the save made during the build was not seen"
    assert read == ["one", "two"]
