"""Benchmark: a programme of many sources in one project, as a nightly job builds it.

For each size N (default 10, 100, 1000): a project of N sources (the starter source of
``briefdeck init``, each with its own title, all drawing the same chart from one data set),
built by the CLI in a fresh process with ``--jobs 2`` into an empty output folder, against a
chart cache warmed once beforehand (``--cache``), so every size does the same work per source:
load, present, lay out and write a brief and a deck, publish, record. Then the same build again,
with nothing changed (each source's inputs hashed and its outputs checked). Reported: wall time,
time per source, peak memory of the largest process, and the time per source added from one
size to the next, which should stay within ±20 % of its mean from 10 to 1,000 sources, with
the memory flat.

    python benchmarks/many_sources.py                     # 10, 100, 1000 sources (about 15 minutes on 2 cores)
    python benchmarks/many_sources.py --sizes 10,100,300 --write    # and append the table to results.md
"""
from __future__ import annotations

import argparse
import datetime as _dt
import shutil
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from run import _run, machine  # noqa: E402

WORK = HERE / ".work" / "many"
TITLE = "Counting the Cost of a Peace Operation"


def project(n: int) -> Path:
    from briefdeck.scaffold import init

    folder = WORK / f"programme-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    init(folder)
    starter = folder / "source" / f"{folder.name}.yaml"
    text = starter.read_text(encoding="utf-8")
    starter.unlink()
    for i in range(n):
        (folder / "source" / f"event-{i:04d}.yaml").write_text(text.replace(TITLE, f"{TITLE}, event {i}"), encoding="utf-8")
    return folder


def build(folder: Path, cache: Path, jobs: int) -> list[str]:
    return [sys.executable, "-c", "import os, sys; os.chdir(sys.argv[1]); sys.argv = ['briefdeck', *sys.argv[2:]]; "
            "from briefdeck.cli import run; run()", str(folder), "--cache", str(cache), "--jobs", str(jobs), "--quiet"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10,100,1000", help="numbers of sources, comma-separated")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--write", action="store_true", help="append the table to benchmarks/results.md")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    cache = WORK / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    warm = project(1)
    _run(build(warm, cache, 1))  # the chart, drawn once for every size
    rows = []
    for n in sizes:
        folder = project(n)
        cold, cold_mb = _run(build(folder, cache, args.jobs))
        assert len(list((folder / "output").glob("*.pdf"))) == n and len(list((folder / "output").glob("*.pptx"))) == n
        noop, noop_mb = _run(build(folder, cache, args.jobs))
        rows.append((n, cold, cold_mb, noop, noop_mb))
        print(f"{n} sources: {cold:.1f} s ({cold / n * 1000:.0f} ms/source, {cold_mb:.0f} MB); nothing changed: "
              f"{noop:.2f} s ({noop / n * 1000:.1f} ms/source, {noop_mb:.0f} MB)", flush=True)
        shutil.rmtree(folder, ignore_errors=True)
    # the time per *added* source, between consecutive sizes: a run's fixed cost (starting Python,
    # importing the renderers, the pool) does not hide in it, as it does in the smallest size's average
    added = [(c2 - c1) / (n2 - n1) for (n1, c1, *_), (n2, c2, *_) in zip(rows, rows[1:])]
    mean = statistics.mean(added) if added else float("nan")
    dev = max((abs(a - mean) / mean for a in added), default=float("nan"))
    lines = [f"\n## {_dt.date.today().isoformat()} — many sources, --jobs {args.jobs} — {machine()}\n",
             "| sources | build s | ms/source | peak MB | nothing changed s | ms/source | peak MB |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {n} | {c:.1f} | {c / n * 1000:.0f} | {cm:.0f} | {o:.2f} | {o / n * 1000:.1f} | {om:.0f} |" for n, c, cm, o, om in rows]
    steps = ", ".join(f"{n1}->{n2}: {a * 1000:.0f} ms" for (n1, *_), (n2, *_), a in zip(rows, rows[1:], added))
    lines.append(f"\ntime per added source ({steps}): largest deviation from their mean {dev:.0%} (target ±20 %); "
                 f"peak memory {min(r[2] for r in rows):.0f}-{max(r[2] for r in rows):.0f} MB")
    print("\n".join(lines))
    if args.write:
        with open(HERE / "results.md", "a", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
