"""The broken and hostile corpus: every case exits 2 with its exact located messages, quickly.

tests/broken/*.yaml are the cases (tests/broken/data/ holds bad data files they point at; hostile
templates are in tests/fixtures/templates/hostile/); tests/broken/expected.json holds, per case,
the exact first line of every problem reported. A case whose first line is ``# check with: ARGS``
is checked with those arguments too (``--strict``: warnings count, as for a hostile template).
Regenerate after an intended wording change with: python tests/test_broken_sources.py --update
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.quick  # a process per case: the loader as a user meets it

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "broken").glob("*.yaml"))
EXPECTED = ROOT / "tests" / "broken" / "expected.json"


def case_args(path: Path) -> list[str]:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    return first.split(":", 1)[1].split() if first.startswith("# check with:") else []


def run_check(path: Path) -> subprocess.CompletedProcess:
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    return subprocess.run([sys.executable, "build.py", "--check", *case_args(path), str(rel)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def problem_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ": error: " in ln or ": warning: " in ln]


def test_corpus_has_at_least_forty_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_broken_source_gets_exit_2_and_exact_located_messages(case):
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))[case.stem]
    start = time.monotonic()
    proc = run_check(case)
    assert time.monotonic() - start < 5
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert problem_lines(proc.stderr) == expected
    for line in expected:  # every message is located (a template's in the template) and says what to do
        assert line.startswith(("tests/broken/", "tests/fixtures/templates/hostile/")) and " — " in line


def test_huge_source_is_refused_without_reading_it_into_the_parser(tmp_path):
    big = ROOT / "tests" / "broken" / "_generated_huge.yaml.tmp"
    try:
        big.write_text("summary: '" + "x" * (3 * 1024 * 1024) + "'\n", encoding="utf-8")
        proc = run_check(big)
    finally:
        big.unlink()
    assert proc.returncode == 2
    assert "more than the 2048 KB a source may be" in proc.stderr


def test_corpus_stays_within_memory_budget():
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kb < 500 * 1024, f"a checker process peaked at {peak_kb // 1024} MB"


def test_four_mistakes_of_four_kinds_are_reported_in_one_run():
    """A bad date (a schema error) does not hide the later stages' problems: each is located."""
    proc = run_check(ROOT / "tests" / "broken" / "four-mistakes.yaml")
    lines = problem_lines(proc.stderr)
    codes = [ln.rsplit("[", 1)[1].rstrip("]") for ln in lines]
    assert codes == ["schema.date_from_datetime_parsing", "ref.person", "figure.kind", "ref.column"]
    assert [ln.split(":")[1:3] for ln in lines] == [["5", "9"], ["16", "14"], ["22", "11"], ["39", "14"]]
    assert "2011-01-25" in lines[0]


def test_duplicate_id_shows_both_lines():
    proc = run_check(ROOT / "tests" / "broken" / "duplicate-section-id.yaml")
    assert "first at line 14, column 9" in proc.stderr
    assert "    14 |   - id: intro" in proc.stderr and "    18 |   - id: intro" in proc.stderr


def test_stand_ins_for_failing_values_are_not_reported_or_suggested(tmp_path):
    """People given as one text are reported once; a section naming someone is told none is declared,
    never offered the stand-in the loader used to carry on."""
    src = (ROOT / "tests" / "broken" / "four-mistakes.yaml").read_text(encoding="utf-8")
    src = src.replace("  - id: ana\n    name: Ana Example\n", "").replace("people:\n", "people: ana\n")
    case = ROOT / "tests" / "broken" / "_generated_people_text.yaml.tmp"
    try:
        case.write_text(src, encoding="utf-8")
        proc = run_check(case)
    finally:
        case.unlink()
    lines = problem_lines(proc.stderr)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert any("people = 'ana': expected a list" in ln for ln in lines)
    assert any("unknown person 'anna' — none is declared" in ln for ln in lines)
    assert "stand-in" not in proc.stderr and len(lines) == 5


if __name__ == "__main__" and "--update" in sys.argv:
    EXPECTED.write_text(json.dumps({c.stem: problem_lines(run_check(c).stderr) for c in CASES}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
