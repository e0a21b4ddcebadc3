"""Benchmark: wall time and peak memory of the builds that matter, as figures and ratios.

Every measurement runs the real CLI in a fresh process (as a user or a cron job would),
several times; the table shows medians. Ratios are to the import floor measured in the
same run (the floor of the minutes of each case: see measure), so they compare across machines
and across a shared machine's drifting speed. Results are appended to benchmarks/results.md.

    python benchmarks/run.py            # full run (about 5 minutes on 2 cores)
    python benchmarks/run.py --quick    # fewer repeats, no 200-section case
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import make_synthetic  # noqa: E402

DEFAULT = ROOT / "source" / "canada-minusma-panel-2018.yaml"
WORK = HERE / ".work"  # inside the project so sources may name assets/data/...
_MEASURE = (
    "import resource, subprocess, sys, time;"
    "t = time.perf_counter(); rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode;"
    "dt = time.perf_counter() - t;"
    "print(rc, dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


FLOOR = [sys.executable, "-c", "import reportlab.platypus, pptx, matplotlib.pyplot, yaml"]


def _run(argv: list[str]) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", _MEASURE, *argv], capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
    rc, dt, rss = int(out[0]), float(out[1]), int(out[2])
    if rc != 0:
        raise SystemExit(f"benchmark command failed (exit {rc}): {' '.join(argv)}")
    return dt, rss / 1024


def measure(argv: list[str], prepare=None, repeat: int = 3) -> dict:
    """Median wall time (s) and max peak RSS (MB) of ``argv`` in fresh processes, and the median of
    the import floor measured right before each run: a shared machine's speed drifts by a third
    within minutes, so each case is compared with the floor of its own minutes ("floor")."""
    times, peaks, floors = [], [], []
    for _ in range(repeat):
        floors.append(_run(FLOOR)[0])
        if prepare:
            prepare()
        dt, peak = _run(argv)
        times.append(dt)
        peaks.append(peak)
    return {"median": statistics.median(times), "min": min(times), "peak_mb": max(peaks), "runs": repeat,
            "floor": statistics.median(floors)}


def build_argv(src: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), str(src), "--out", str(out), "--quiet", *extra]


def fresh(out: Path):
    def prepare():
        shutil.rmtree(out, ignore_errors=True)
    return prepare


def sizes(out: Path, stem: str) -> str:
    parts = []
    for suffix in (".pdf", ".pptx", ".html"):
        p = out / f"{stem}{suffix}"
        if p.exists():
            parts.append(f"{suffix[1:]} {p.stat().st_size / 1024:.0f} KB")
    return ", ".join(parts)


def machine() -> str:
    mem = ""
    try:
        kb = int(next(ln for ln in open("/proc/meminfo") if ln.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1048576:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def imports_of_an_edit_build(src: Path, out: Path, edit) -> list[str]:
    """Which of matplotlib and svglib a fresh process imports to rebuild after a prose edit."""
    edit()
    code = ("import sys; from pathlib import Path; from briefdeck import api;"
            f"api.build([Path({str(src)!r})], api.Options(out_dir=Path({str(out)!r})));"
            "print(' '.join(m for m in ('matplotlib', 'svglib') if m in sys.modules))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()


def watch_latency(src: Path, out: Path, edit, repeat: int) -> dict:
    """Seconds from a saved edit to every output (brief, deck, web page) replaced on disk, with
    --watch running. Each edit is saved once the watcher says it watches again (its JSON log on
    stderr): an edit saved while it still builds, or warms up after its first build, would be
    seen late or merged with the next, and an edit back to bytes already built rewrites nothing."""
    import queue
    import signal
    import threading

    argv = [a for a in build_argv(src, out, "--watch") if a != "--quiet"] + ["--log-format", "json"]
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    armed: queue.Queue = queue.Queue()

    def listen():
        for line in proc.stderr:
            if "watching" in line:
                armed.put(time.perf_counter())

    threading.Thread(target=listen, daemon=True).start()
    outputs = [out / f"{src.stem}{suffix}" for suffix in (".pdf", ".pptx", ".html")]

    def stamps():
        try:
            return [p.stat().st_mtime_ns for p in outputs]
        except OSError:
            return None

    def cpu() -> float:
        """CPU seconds of the watcher and of its forked processes that ended (Linux: /proc), or NaN."""
        try:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime
        except (OSError, ValueError, IndexError):
            return float("nan")

    try:
        times = []
        armed.get(timeout=300)  # the first build is written and the watcher is armed
        spent = cpu()
        for _ in range(repeat):
            time.sleep(0.3)
            before = stamps()
            t = time.perf_counter()
            edit()
            while True:
                now = stamps()
                if now and before and all(a != b for a, b in zip(now, before)):
                    break
                if time.perf_counter() - t > 60:
                    raise SystemExit("--watch did not rebuild within 60 s")
                time.sleep(0.002)
            times.append(time.perf_counter() - t)
            armed.get(timeout=120)  # built, recorded and watching again
        spent = (cpu() - spent) / repeat
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
    return {"median": statistics.median(times), "min": min(times), "peak_mb": 0.0, "runs": repeat, "floor": 0.0, "cpu": spent}


@contextlib.contextmanager
def build_server():
    """A ``briefdeck serve`` of this checkout, private to this run (its own socket folder), and the
    environment in which builds hand themselves over to it; every other case builds in its own process."""
    runtime = Path(tempfile.mkdtemp(prefix="bd-bench-"))  # short: a socket's path is at most about 100 bytes
    env = {k: v for k, v in os.environ.items() if k != "BRIEFDECK_SERVER"} | {"XDG_RUNTIME_DIR": str(runtime)}
    log = runtime / "serve.log"
    with log.open("w") as err:
        proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--idle", "0", "--log-format", "json"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.perf_counter() + 300
    try:
        while "serves builds" not in log.read_text(encoding="utf-8"):
            if proc.poll() is not None or time.perf_counter() > deadline:
                raise SystemExit(f"briefdeck serve did not start: {log.read_text(encoding='utf-8')}")
            time.sleep(0.05)
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)
        try:
            yield lambda: [e for e in map(json.loads, log.read_text(encoding="utf-8").splitlines()) if e["event"] == "served"]
        finally:
            os.environ.clear()
            os.environ.update(saved)
    finally:
        proc.terminate()
        proc.wait(60)
        shutil.rmtree(runtime, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats and no 200-section case")
    ap.add_argument("--no-write", action="store_true", help="print only; do not append to results.md")
    args = ap.parse_args()
    repeat = 2 if args.quick else 3
    # measure what an installed tool costs: pip compiles bytecode at install, so a run never compiles
    # source; a machine-wide PYTHONDONTWRITEBYTECODE would make every run compile briefdeck's modules
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["BRIEFDECK_SERVER"] = "0"  # each build in its own process, but the case that measures the server
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "briefdeck")], check=True)
    WORK.mkdir(exist_ok=True)
    load_start = os.getloadavg()[0]  # other jobs on a shared machine: said beside the figures
    tmp = Path(tempfile.mkdtemp(prefix="briefdeck-bench-"))
    rows: list[tuple[str, dict, str]] = []

    floor = measure(FLOOR, repeat=repeat + 2)
    rows.append(("import floor (reportlab, python-pptx, matplotlib, pyyaml)", floor, ""))

    out = tmp / "default"
    # the target case: more runs than the others, each beside a floor of its own minutes (load varies)
    cold = measure(build_argv(DEFAULT, out, "--force"), prepare=fresh(out), repeat=repeat + 4)
    rows.append(("default source, cold (empty output and caches), PDF + PPTX + HTML", cold, sizes(out, DEFAULT.stem)))

    edited = WORK / f"{DEFAULT.stem}.yaml"
    text = DEFAULT.read_text(encoding="utf-8")
    edit_out = tmp / "edit"
    subprocess.run(build_argv(DEFAULT, edit_out), cwd=ROOT, check=True)
    flip = {"n": 0}

    def one_word_edit():
        flip["n"] += 1
        edited.write_text(text.replace("Finally", "Lastly" if flip["n"] % 2 else "Finally", 1), encoding="utf-8")

    one_word_edit()
    subprocess.run(build_argv(edited, edit_out), cwd=ROOT, check=True)  # warm the record and chart cache for this stem
    quick = repeat + 4  # about a second each: more runs, a steadier median on a noisy machine
    prose = measure(build_argv(edited, edit_out), prepare=one_word_edit, repeat=quick)
    rows.append(("rebuild after a one-word prose edit (charts cached)", prose, ""))
    with build_server() as handed:  # the same edit, each build handed to a server (the command's process is measured)
        one_word_edit()
        subprocess.run(build_argv(edited, edit_out), cwd=ROOT, check=True)  # the server's child for this build, kept warm
        served = measure(build_argv(edited, edit_out), prepare=one_word_edit, repeat=quick)
        time.sleep(0.2)  # the server logs a build once its command has the answer
        warm = sum(e["warm"] for e in handed()[1:])
    rows.append(("prose edit, fresh process, with `briefdeck serve` running", served,
                 f"each build handed to the server; {warm} of {quick} made by its warm child, which made the build before"))

    noop = measure(build_argv(edited, edit_out), repeat=repeat + 2)
    rows.append(("rebuild with nothing changed", noop, ""))

    # --force redraws everything and refreshes the cache: the next prose edit is warm
    forced_out = tmp / "forced"
    subprocess.run(build_argv(edited, forced_out, "--force"), cwd=ROOT, check=True)
    after_force = measure(build_argv(edited, forced_out), prepare=one_word_edit, repeat=quick)
    rows.append(("prose edit right after a --force build", after_force, ""))
    heavy = imports_of_an_edit_build(edited, edit_out, one_word_edit)

    watch = watch_latency(edited, tmp / "watch", one_word_edit, repeat=quick + 2)
    rows.append(("--watch: one-word edit saved -> new PDF, deck and web page on disk", watch,
                 f"CPU {watch['cpu']:.2f} s a rebuild (the watcher and the processes it forks)"))

    totals: dict[tuple[int, int], float] = {}
    counts = [10, 50] if args.quick else [10, 50, 200]
    for n in counts:
        src = make_synthetic.write(n, WORK / f"synthetic-{n}.yaml")
        for jobs in (1, 2):
            o = tmp / f"syn-{n}-{jobs}"
            r = measure(build_argv(src, o, "--force", "--jobs", str(jobs)), prepare=fresh(o), repeat=1 if n >= 200 else min(repeat, 2))
            totals[(n, jobs)] = r["median"]
            rows.append((f"{n} sections, 1 chart each, cold, --jobs {jobs}", r, sizes(o, src.stem) + f"; {r['median'] / n * 1000:.0f} ms/section on average"))

    f = floor["median"]

    def x(r: dict) -> float:  # against the floor of its own minutes (see measure)
        return r["median"] / (r.get("floor") or f)

    lines = [
        f"## {_dt.date.today().isoformat()} — {machine()}",
        "",
        "Each case's ratio is to the import floor measured just before each of its runs (median), so a",
        "machine whose speed drifts during the run compares like with like; the floor row is the first.",
        f"Load average (1 min) at the start and the end of the run: {load_start:.1f} and {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores).",
        "",
        "| case | median s | floor then s | x import floor | peak MB | output |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, r, note in rows:
        lines.append(f"| {name} | {r['median']:.3f} | {(r.get('floor') or f):.3f} | {x(r):.2f} | {r['peak_mb']:.0f} | {note} |")
    lines.append("")
    targets = [
        ("cold default build <= 2.5x floor", x(cold) <= 2.5, f"{x(cold):.2f}x"),
        ("prose-edit rebuild (fresh process, charts cached) <= 0.6x floor", x(prose) <= 0.6, f"{x(prose):.2f}x"),
        ("prose edit, fresh process, `briefdeck serve` running <= 0.6x floor", x(served) <= 0.6, f"{x(served):.2f}x"),
        ("a prose-edit build imports neither matplotlib nor svglib", not heavy, ", ".join(heavy) or "neither imported"),
        ("prose edit after --force is warm (<= 1.0x floor)", x(after_force) <= 1.0, f"{x(after_force):.2f}x"),
        ("--watch: saved prose edit -> new PDF, deck and web page <= 0.2 s", watch["median"] <= 0.2, f"{watch['median']:.3f} s"),
        ("no-op rebuild <= 0.15 s", noop["median"] <= 0.15, f"{noop['median']:.3f} s, {x(noop):.2f}x"),
    ]
    if (200, 2) in totals:
        big = next(r for name, r, _ in rows if name.startswith("200 sections") and name.endswith("--jobs 2"))
        targets += [
            ("200 sections: --jobs 2 faster than --jobs 1", totals[(200, 2)] < totals[(200, 1)] * 0.95,
             f"{totals[(200, 1)]:.1f} s -> {totals[(200, 2)]:.1f} s"),
            ("200 sections, --jobs 2 <= 6 s", big["median"] <= 6, f"{big['median']:.1f} s"),
            ("peak memory < 400 MB at 200 sections", big["peak_mb"] < 400, f"{big['peak_mb']:.0f} MB"),
        ]
    pdf_size = (out / f"{DEFAULT.stem}.pdf").stat().st_size
    targets.append(("default PDF < 400 KB", pdf_size < 400 * 1024, f"{pdf_size / 1024:.0f} KB"))
    lines.append("| target | met | measured |")
    lines.append("|---|---|---|")
    for name, ok, measured in targets:
        lines.append(f"| {name} | {'yes' if ok else 'NO'} | {measured} |")
    report = "\n".join(lines) + "\n"
    print(report)
    if not args.no_write:
        results = HERE / "results.md"
        head = "# Benchmark history\n\nAppended by `python benchmarks/run.py`; newest last. Medians of fresh-process runs of the CLI.\n\n"
        old = results.read_text(encoding="utf-8") if results.exists() else head
        results.write_text(old.rstrip("\n") + "\n\n" + report, encoding="utf-8")
    shutil.rmtree(tmp, ignore_errors=True)
    edited.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
