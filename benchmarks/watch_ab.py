"""--watch, one-word edits, in several checkouts side by side (interleaved: edit one, then the next):
per rebuild, seconds from save to all three outputs replaced, CPU of the watcher and its forked
processes, and each forked format process's own CPU.

    python benchmarks/watch_ab.py N REPO [REPO...]    # e.g. 9 /work/main /work/wt-mine

Each REPO needs its own .venv. The default source is copied to REPO/benchmarks/.work/wab.yaml;
outputs go to a temporary folder. Say ``uptime``'s load beside the figures: wall is noise on a
shared machine, CPU much less so.
"""
from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# runs the CLI with each forked format process's CPU (from its fork to its answer) logged
WRAP = """
import json, os, sys, time
log, sys.argv = sys.argv[1], sys.argv[2:]
from briefdeck import api
own = api._make_forked
def timed(group, drawn_only=False, jobs=0, *more):
    try:
        return own(group, drawn_only, jobs, *more)
    finally:
        with open(log, "a") as f:
            f.write(json.dumps({"group": "+".join(group) + ("?" if drawn_only else ""), "cpu": time.process_time()}) + "\\n")
api._make_forked = timed
from briefdeck.cli import run
run()
"""


class Watcher:
    def __init__(self, repo: Path, tmp: Path, n: int):
        self.repo = repo
        work = repo / "benchmarks" / ".work"
        work.mkdir(parents=True, exist_ok=True)
        self.src = work / "wab.yaml"
        self.text = (repo / "source" / "canada-minusma-panel-2018.yaml").read_text(encoding="utf-8")
        self.src.write_text(self.text, encoding="utf-8")
        out = tmp / f"out{n}"
        self.log = tmp / f"children{n}.jsonl"
        self.proc = subprocess.Popen([str(repo / ".venv" / "bin" / "python"), "-c", WRAP, str(self.log), str(repo / "build.py"), str(self.src),
                                      "--out", str(out), "--watch", "--log-format", "json"],
                                     cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.armed: queue.Queue = queue.Queue()
        threading.Thread(target=self._listen, daemon=True).start()
        self.outputs = [out / f"wab{s}" for s in (".pdf", ".pptx", ".html")]
        self.edits, self.walls, self.cpus = 0, [], []

    def _listen(self) -> None:
        for line in self.proc.stderr:
            if "watching" in line:
                self.armed.put(1)

    def _stamps(self):
        try:
            return [p.stat().st_mtime_ns for p in self.outputs]
        except OSError:
            return None

    def _cpu(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")

    def edit(self) -> None:
        time.sleep(0.3)
        c0, before, t = self._cpu(), self._stamps(), time.perf_counter()
        self.edits += 1
        self.src.write_text(self.text.replace("Finally", "Lastly" if self.edits % 2 else "Finally", 1), encoding="utf-8")
        while True:
            now = self._stamps()
            if now and before and all(a != b for a, b in zip(now, before)):
                break
            if time.perf_counter() - t > 60:
                raise SystemExit(f"{self.repo}: no rebuild within 60 s")
            time.sleep(0.002)
        self.walls.append(time.perf_counter() - t)
        self.armed.get(timeout=120)
        self.cpus.append(self._cpu() - c0)

    def report(self) -> str:
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(30)
        self.src.unlink(missing_ok=True)
        by: dict[str, list[float]] = {}
        for row in (json.loads(line) for line in self.log.read_text().splitlines()):
            by.setdefault(row["group"], []).append(row["cpu"])
        kids = ", ".join(f"{k} {statistics.median(v):.3f}" for k, v in sorted(by.items()))
        return (f"{self.repo}: save -> outputs median {statistics.median(self.walls):.3f} s (min {min(self.walls):.3f}); "
                f"CPU a rebuild {statistics.median(self.cpus):.3f} s; forked processes' CPU: {kids}")


def main() -> None:
    n, repos = int(sys.argv[1]), [Path(r).resolve() for r in sys.argv[2:]]
    tmp = Path(tempfile.mkdtemp(prefix="watch-ab-"))
    try:
        watchers = [Watcher(r, tmp, i) for i, r in enumerate(repos)]
        for w in watchers:
            w.armed.get(timeout=300)
        for w in watchers:  # a first edit each, not counted: a watch's first rebuild makes every slide anew
            w.edit()  # (and keeps them); the next ones put in again what did not change
        for w in watchers:
            w.walls.clear()
            w.cpus.clear()
            w.log.write_text("")
        print("load", os.getloadavg())
        for _ in range(n):
            for w in watchers:
                w.edit()
        print("load", os.getloadavg())
        for w in watchers:
            print(w.report())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
