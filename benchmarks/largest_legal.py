"""The largest legal sources (issue 27): every text field at its limit (load/limits.py), a timeline
at its most events, a bar chart at its most categories, a CSV at its most columns. Each must build
(exit 0) in the time docs/source-format.md ("Limits") promises; benchmarks/results.md keeps the
measurement. Usage: python benchmarks/largest_legal.py DIR [--run]  (makes a project in DIR; --run
builds each source in a fresh process and prints its time and peak memory).
"""
from __future__ import annotations

import datetime as _dt
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefdeck.charts.kinds.bar import MAX_CATEGORIES  # noqa: E402
from briefdeck.charts.kinds.timeline import MAX_EVENTS  # noqa: E402
from briefdeck.data import MAX_COLUMNS  # noqa: E402
from briefdeck.load.limits import LINES, MAX_KEY_MESSAGES, MAX_PARAGRAPH  # noqa: E402


def _text(n: int, one_word: bool) -> str:
    if one_word:  # one unbroken run: broken anywhere, as it must be
        return "x" * n
    return ("lorem ipsum dolor sit amet " * (n // 27 + 2))[:n].strip().ljust(n, "x")


def source(one_word: bool, *, csv: str = "bars.csv", kind: str = "bar", x: str = "label", series: str = "total") -> str:
    t = lambda path: _text(LINES[path][0], one_word)  # noqa: E731
    n_msgs = 5
    msg = min(LINES[("key_messages", "*")][0], MAX_KEY_MESSAGES // n_msgs)
    kms = "".join(f"  - {_text(msg, one_word)}\n" for _ in range(n_msgs))
    bullets = "".join(f"      - {t(('sections', '*', 'bullets', '*'))}\n" for _ in range(6))
    return f"""briefdeck: 1
meta:
  short_title: {t(("meta", "short_title"))}
  series: {t(("meta", "series"))}
event:
  title: {t(("event", "title"))}
  subtitle: {t(("event", "subtitle"))}
  organiser: {t(("event", "organiser"))}
  date: 2018-04-25
  place: {t(("event", "place"))}
people:
  - id: ana
    name: {t(("people", "*", "name"))}
    role_label: {t(("people", "*", "role_label"))}
    titles: [{t(("people", "*", "titles", "*"))}]
    affiliation: {t(("people", "*", "affiliation"))}
    bio: {t(("people", "*", "bio"))}
preface: {t(("preface",))}
summary: {t(("summary",))}
key_messages:
{kms}sections:
  - id: intro
    title: {t(("sections", "*", "title"))}
    slide_title: {t(("sections", "*", "slide_title"))}
    speaker: ana
    paragraphs:
      - {_text(MAX_PARAGRAPH, one_word)}
      - {_text(MAX_PARAGRAPH, one_word)}
    bullets:
{bullets}    figures: [f]
recommendations:
  - lead: {t(("recommendations", "*", "lead"))}
    text: {t(("recommendations", "*", "text"))}
datasets:
  data:
    file: assets/data/{csv}
    source: Synthetic
figures:
  - id: f
    kind: {kind}
    caption: {t(("figures", "*", "caption"))}
    title: {t(("figures", "*", "title"))}
    dataset: data
    x: {x}
    series: [{series}]
    alt: A chart.
"""


def make(folder: Path) -> list[Path]:
    data = folder / "assets" / "data"
    data.mkdir(parents=True, exist_ok=True)
    (folder / "source").mkdir(exist_ok=True)
    (data / "bars.csv").write_text("label,total\n" + "".join(f"Category {i},{i}\n" for i in range(MAX_CATEGORIES)), encoding="utf-8")
    d0 = _dt.date(1990, 1, 1)
    (data / "events.csv").write_text("date,event\n" + "".join(
        f"{d0 + _dt.timedelta(days=37 * i)},Event {i}: something happened and is described in a dozen or so words here\n"
        for i in range(MAX_EVENTS)), encoding="utf-8")
    (data / "wide.csv").write_text(",".join(f"c{i}" for i in range(MAX_COLUMNS)) + "\n" +
                                   ",".join(str(i) for i in range(MAX_COLUMNS)) + "\n", encoding="utf-8")
    out = {
        "largest-words": source(False),
        "largest-one-word": source(True),
        "largest-timeline": source(False, csv="events.csv", kind="timeline", x="date", series="event"),
        "largest-csv": source(False, csv="wide.csv", x="c0", series="c1"),
    }
    paths = []
    for name, text in out.items():
        p = folder / "source" / f"{name}.yaml"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def run(paths: list[Path], out: Path) -> None:
    for p in paths:
        start = time.monotonic()
        proc = subprocess.run([sys.executable, str(ROOT / "build.py"), str(p), "--out", str(out), "--jobs", "1", "--force"],
                              capture_output=True, text=True)
        took = time.monotonic() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        print(f"{p.stem:20} exit {proc.returncode}  {took:5.1f} s  peak so far {peak} MB")


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    made = make(folder)
    if "--run" in sys.argv:
        run(made, folder / "output")
