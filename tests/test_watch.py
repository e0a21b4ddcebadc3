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
        watch([src], tmp_path / "out", rebuild, interval=0.05, debounce=0.3, max_builds=2)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    time.sleep(0.3)
    for i in range(4):  # an editor saving in several writes
        src.write_text(f"edit {i}", encoding="utf-8")
        time.sleep(0.05)
    assert done.wait(10), "watch did not rebuild after the change"
    assert len(builds) == 2
    assert builds[1] - builds[0] >= 0.3  # waited for the writes to settle


def test_watched_files_include_the_recorded_inputs_and_the_theme(tmp_path, default_build):
    from .conftest import DEFAULT_SOURCE

    files = {p.name for p in watched_files([DEFAULT_SOURCE], default_build)}
    assert DEFAULT_SOURCE.name in files
    assert "minusma_fatalities_by_year_incident_type.csv" in files
    assert "brief.yaml" in files and "NotoSerif-Regular.ttf" in files
