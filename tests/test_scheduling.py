"""The scheduling recipes in docs/ are real: units verify, the workflow runs the README's command."""
from __future__ import annotations

import json
import os
import re
import shutil
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
    (project / ".venv").mkdir(parents=True)
    (project / ".venv" / "bin").symlink_to(BRIEFDECK.parent)
    log = tmp_path / "briefdeck.jsonl"
    command = command.replace("/srv/briefdeck", str(project)).replace("/var/log/briefdeck.jsonl", str(log))
    proc = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.stderr, log.read_text())
    assert all((project / "output" / f"srv.{x}").is_file() for x in ("pdf", "pptx", "html"))
    # --quiet quiets the terminal, never the log: no problems here, and every output recorded
    events = [json.loads(ln)["event"] for ln in log.read_text(encoding="utf-8").splitlines()]
    assert events == ["built", "built", "built"]


def test_strict_check_fails_on_warnings_like_the_workflow_expects(tmp_path):
    example = ROOT / "tests" / "examples" / "two-speaker-panel.yaml"
    proc = subprocess.run([sys.executable, "build.py", "--check", "--strict", str(example)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and "has no alt text" in proc.stderr


# -- past one machine: the Indexed Job and the CI matrix, run here for every shard --------------
def _with_venv(project: Path) -> Path:
    (project / ".venv").mkdir(parents=True)
    (project / ".venv" / "bin").symlink_to(BRIEFDECK.parent)
    return project


def _unsharded(project: Path) -> dict:
    from .test_shards import published

    proc = subprocess.run([str(BRIEFDECK), "--out", "full", "--jobs", "1", "--quiet"], cwd=project, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return published(project / "full")


def test_indexed_job_maps_its_completion_index_to_shard_and_each_pod_command_builds_its_part(tmp_path):
    from .test_shards import NAMES, make_project, published

    job = yaml.safe_load((SCHED / "briefdeck-shards-job.yaml").read_text(encoding="utf-8"))
    assert job["apiVersion"] == "batch/v1" and job["kind"] == "Job"
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed" and spec["parallelism"] == spec["completions"] == 3
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    assert container["command"] == ["sh", "-c"]
    (script,) = container["args"]
    assert re.search(r'briefdeck --shard "\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)/3"', script)
    assert f"/{spec['completions']}\"" in script and "--cache /cache" in script and "--out output" in script
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert container["workingDir"] in mounts and "/cache" in mounts
    merge = yaml.safe_load((SCHED / "briefdeck-merge-job.yaml").read_text(encoding="utf-8"))
    (merger,) = merge["spec"]["template"]["spec"]["containers"]
    assert merger["command"][:2] == ["briefdeck", "merge-manifests"] and merger["workingDir"] == container["workingDir"]

    # the pods, here: three processes at once, each with its index, in one project folder
    project = make_project(tmp_path / "srv", NAMES[:3])  # shard 2 of 3 holds none of these: it still reports
    env = {**os.environ, "PATH": f"{BRIEFDECK.parent}{os.pathsep}{os.environ['PATH']}"}
    cache = tmp_path / "cache"
    pods = [subprocess.Popen(["sh", "-c", script.replace("/cache", str(cache))], cwd=project, env={**env, "JOB_COMPLETION_INDEX": str(i)},
                             stderr=subprocess.PIPE, text=True) for i in range(3)]
    for p in pods:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
        assert all(json.loads(ln)["event"] == "built" for ln in err.splitlines())
    assert len(list((project / "output").glob("manifest.shard-*-of-3.json"))) == 3 and (cache / "charts").is_dir()
    proc = subprocess.run(merger["command"], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert published(project / "output") == _unsharded(project)


def _expand(run: str, **values) -> str:
    for name, value in values.items():
        run = run.replace("${{ matrix.%s }}" % name, str(value))
    assert "${{" not in run, run
    return run


def test_ci_matrix_runs_each_shard_and_the_collected_outputs_are_one_unsharded_build(tmp_path):
    from .test_shards import NAMES, make_project, published

    wf = yaml.safe_load((SCHED / "sharded-workflow.yml").read_text(encoding="utf-8"))
    shard_job, collect = wf["jobs"]["shard"], wf["jobs"]["collect"]
    assert shard_job["strategy"]["fail-fast"] is False and collect["needs"] == "shard"
    shards = shard_job["strategy"]["matrix"]["shard"]
    assert shards == [1, 2, 3]
    project = make_project(tmp_path / "repo", NAMES[2:])  # shard 3 of 3 holds none of these

    def run_steps(job: dict, checkout: Path, artifacts: Path, **matrix) -> None:
        for step in job["steps"]:
            uses = step.get("uses", "")
            if step.get("name") == "install":
                assert step["run"] == _quick_start_commands()[0].split(" && .venv/bin/python build.py")[0]
                continue  # installed already: .venv/bin is this interpreter's
            if "run" in step:
                proc = subprocess.run(["bash", "-e", "-c", _expand(step["run"], **matrix)], cwd=checkout, capture_output=True, text=True, timeout=600)
                assert proc.returncode == 0, (step, proc.stderr)
            elif uses.startswith("actions/upload-artifact"):  # files land at the root of the artifact (their common folder)
                name = _expand(step["with"]["name"], **matrix)
                for pattern in step["with"]["path"].split():
                    for f in checkout.glob(pattern):
                        (artifacts / name).mkdir(parents=True, exist_ok=True)
                        shutil.copy2(f, artifacts / name / f.name)
            elif uses.startswith("actions/download-artifact"):
                assert step["with"]["merge-multiple"] is True
                into = checkout / step["with"]["path"]
                into.mkdir(parents=True, exist_ok=True)
                for art in sorted(artifacts.glob(step["with"]["pattern"])):
                    for f in art.iterdir():
                        assert not (into / f.name).exists(), f"two shards uploaded {f.name}"
                        shutil.copy2(f, into / f.name)

    artifacts = tmp_path / "artifacts"
    for k in shards:  # each on a fresh runner: a checkout of its own
        checkout = _with_venv(tmp_path / f"runner-{k}")
        shutil.copytree(project, checkout, dirs_exist_ok=True)
        run_steps(shard_job, checkout, artifacts, shard=k)
    runner = _with_venv(tmp_path / "runner-collect")
    shutil.copytree(project, runner, dirs_exist_ok=True)
    run_steps(collect, runner, artifacts)
    assert sorted(p.name for p in (artifacts / "briefs-and-decks").iterdir()) == sorted(published(runner / "output"))
    assert published(runner / "output") == _unsharded(project)
