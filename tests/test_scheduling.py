"""The scheduling recipes in docs/ are real: units verify, the workflow runs the README's command."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, tool
from .test_docs import _quick_start_commands

SCHED = ROOT / "docs" / "scheduling"
BRIEFDECK = Path(sys.executable).parent / "briefdeck"  # the installed command (pip install -e . makes it too)


@pytest.mark.requires("systemd-analyze")
def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    exe = tool("systemd-analyze")
    for unit in ("briefdeck-regenerate.service", "briefdeck-regenerate.timer"):
        text = (SCHED / unit).read_text(encoding="utf-8")
        # point the unit at this checkout and interpreter so verify can check ExecStart exists
        text = text.replace("/srv/briefdeck/.venv/bin/briefdeck", str(BRIEFDECK)).replace("/srv/briefdeck", str(ROOT))
        text = text.replace("User=briefdeck", "User=root")
        (tmp_path / unit).write_text(text, encoding="utf-8")
    proc = subprocess.run([exe, "verify", str(tmp_path / "briefdeck-regenerate.service"), str(tmp_path / "briefdeck-regenerate.timer")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_ci_workflow_installs_and_builds_with_the_readme_command():
    wf = yaml.safe_load((SCHED / "regenerate-workflow.yml").read_text(encoding="utf-8"))
    runs = [s.get("run") for s in wf["jobs"]["build"]["steps"] if s.get("run")]
    assert _quick_start_commands()[0] in runs


def test_crontab_line_has_five_time_fields_and_its_command_runs_in_a_project(tmp_path):
    line = next(ln for ln in (SCHED / "crontab.txt").read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#"))
    fields = line.split(None, 5)
    assert all(re.fullmatch(r"[\d*/,-]+", f) for f in fields[:5])
    command = fields[5]
    assert ".venv/bin/briefdeck --strict" in command and "--wait" in command
    # run it as cron would (sh), in a new project, with this venv as the project's
    from briefdeck.scaffold import init

    project = tmp_path / "srv"
    init(project)
    (project / ".venv").mkdir()
    (project / ".venv" / "bin").symlink_to(BRIEFDECK.parent)
    log = tmp_path / "briefdeck.jsonl"
    command = command.replace("/srv/briefdeck", str(project)).replace("/var/log/briefdeck.jsonl", str(log))
    proc = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.stderr, log.read_text())
    assert (project / "output" / "srv.pdf").is_file() and (project / "output" / "srv.pptx").is_file()
    for ln in log.read_text(encoding="utf-8").splitlines():  # --quiet: only problems; none here
        json.loads(ln)


def test_strict_check_fails_on_warnings_like_the_workflow_expects(tmp_path):
    example = ROOT / "tests" / "examples" / "two-speaker-panel.yaml"
    proc = subprocess.run([sys.executable, "build.py", "--check", "--strict", str(example)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and "has no alt text" in proc.stderr
