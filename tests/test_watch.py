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
