"""--watch rebuilds once per settled change of any input, and not otherwise."""
from __future__ import annotations

import threading
import time

from briefdeck.watch import watch, watched_files


def test_watch_rebuilds_once_after_a_burst_of_writes(tmp_path):
    src = tmp_path / "a.yaml"
    src.write_text("one", encoding="utf-8")
    builds: list[float] = []
    done = threading.Event()

    def rebuild():
        builds.append(time.monotonic())

    def run():
        watch([src], tmp_path / "out", rebuild, step_ms=150, max_builds=2)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    time.sleep(0.5)
    start = time.monotonic()
    for i in range(4):  # an editor saving in several writes, and through a temporary file renamed into place
        tmp = tmp_path / f".a.yaml.{i}~"
        tmp.write_text(f"edit {i}", encoding="utf-8")
        tmp.replace(src)
        time.sleep(0.05)
    assert done.wait(10), "watch did not rebuild after the change"
    assert len(builds) == 2
    assert builds[1] - start >= 0.15 + 0.15  # waited for the writes to settle, not a build per write


def test_watch_ignores_files_it_does_not_watch_and_stops_on_request(tmp_path):
    src = tmp_path / "a.yaml"
    src.write_text("one", encoding="utf-8")
    builds: list[float] = []
    stop = threading.Event()
    t = threading.Thread(target=lambda: watch([src], tmp_path / "out", lambda: builds.append(1), step_ms=30, stop=stop), daemon=True)
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


def test_watch_force_forces_only_the_first_build(tmp_path):
    """--watch --force: the first build redraws everything; a rebuild after an edit redraws only
    what the edit touched (a prose edit: no chart), from processes that start warm."""
    import signal
    import subprocess
    import sys

    from .conftest import DEFAULT_SOURCE, ROOT

    src = ROOT / "tests" / f".watch-{tmp_path.name}.yaml"  # in the project: it names assets/ and data/
    text = DEFAULT_SOURCE.read_text(encoding="utf-8")
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    pdf = out / f"{src.stem}.pdf"
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), str(src), "--out", str(out), "--watch", "--force",
                             "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not pdf.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # armed
        charts = {p: p.stat().st_mtime_ns for p in (out / ".briefdeck" / "charts").iterdir()}
        assert charts
        before = pdf.stat().st_mtime_ns
        src.write_text(text.replace("Finally, we", "Lastly, we", 1), encoding="utf-8")
        deadline = time.monotonic() + 60
        while pdf.stat().st_mtime_ns == before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pdf.stat().st_mtime_ns != before, "--watch did not rebuild"
        assert {p: p.stat().st_mtime_ns for p in charts} == charts  # not redrawn, not rewritten
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
        src.unlink()
