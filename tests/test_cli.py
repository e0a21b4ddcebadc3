"""The command line as a scheduled job and an author meet it: exit codes, messages, outputs kept."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefdeck.cli import main, make_parser

from .conftest import DEFAULT_SOURCE, ROOT


def run_cli(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.mark.quick
def test_every_option_has_help_text():
    for action in make_parser()._actions:
        assert action.help, f"option {action.option_strings} has no help text"


@pytest.mark.quick
def test_schema_is_json_schema_of_the_source_format(capsys):
    assert main(["--schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "briefdeck source"
    assert {"event", "sections", "figures", "datasets", "facts"} <= set(schema["properties"])


@pytest.mark.quick
def test_check_validates_without_writing(tmp_path, capsys):
    assert main(["--check", str(DEFAULT_SOURCE), "--out", str(tmp_path)]) == 0
    assert list(tmp_path.iterdir()) == []


@pytest.mark.quick
def test_unknown_option_is_a_usage_error_with_exit_2(capsys):
    assert main(["--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: --no-such-option" in err and "Traceback" not in err


def test_invalid_source_exits_2_with_located_message_and_keeps_outputs(tmp_path, default_build):
    out = tmp_path / "out"
    out.mkdir()
    for f in default_build.glob("*.p*"):
        (out / f.name).write_bytes(f.read_bytes())
    before = {f.name: f.read_bytes() for f in out.iterdir() if f.is_file()}
    bad = tmp_path / DEFAULT_SOURCE.name
    text = DEFAULT_SOURCE.read_text(encoding="utf-8").replace("  organiser:", "  organizer:", 1)
    bad.write_text(text, encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith("  organizer:"))
    proc = run_cli(str(bad), "--out", str(out))
    assert proc.returncode == 2
    assert f"{bad}:{line}:3: error: unknown key 'organizer' in event — did you mean 'organiser'?" in proc.stderr
    assert "missing required field" not in proc.stderr  # the typo is reported once, as a typo
    assert "Traceback" not in proc.stderr
    assert {f.name: f.read_bytes() for f in out.iterdir() if f.is_file()} == before


def test_build_writes_every_format_and_reports_each_artefact(tmp_path):
    proc = run_cli(str(DEFAULT_SOURCE), "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    stem = DEFAULT_SOURCE.stem
    assert (tmp_path / f"{stem}.pdf").read_bytes()[:5] == b"%PDF-"
    assert (tmp_path / f"{stem}.pptx").read_bytes()[:2] == b"PK"
    assert (tmp_path / f"{stem}.html").read_bytes()[:15] == b"<!DOCTYPE html>"
    assert f"wrote {tmp_path / stem}.pdf (" in proc.stderr and f"wrote {tmp_path / stem}.pptx (" in proc.stderr
    assert f"wrote {tmp_path / stem}.html (" in proc.stderr
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest["artefacts"]) == {f"{stem}.pdf", f"{stem}.pptx", f"{stem}.html"}
    # nothing changed: nothing is rewritten
    mtimes = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob(f"{stem}.*")}
    again = run_cli(str(DEFAULT_SOURCE), "--out", str(tmp_path))
    assert again.returncode == 0 and "up to date" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.glob(f"{stem}.*")} == mtimes


def test_format_option_builds_one_renderer(tmp_path):
    proc = run_cli(str(DEFAULT_SOURCE), "--out", str(tmp_path), "--format", "pdf", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert [p.suffix for p in tmp_path.glob("*.p*")] == [".pdf"]


def test_default_sources_are_every_yaml_in_source(tmp_path):
    proc = run_cli("--out", str(tmp_path), "--format", "pdf")
    assert proc.returncode == 0, proc.stderr
    expected = sorted(p.stem for p in (ROOT / "source").glob("*.yaml"))
    assert sorted(p.stem for p in tmp_path.glob("*.pdf")) == expected


def test_json_log_is_one_object_per_line(tmp_path):
    proc = run_cli(str(DEFAULT_SOURCE), "--out", str(tmp_path), "--format", "pdf", "--log-format", "json")
    assert proc.returncode == 0
    events = [json.loads(line) for line in proc.stderr.splitlines()]
    assert any(e["event"] == "built" and e["path"].endswith(".pdf") for e in events)


@pytest.mark.parametrize("missing", ["nope.yaml"])
@pytest.mark.quick
def test_missing_source_file_is_exit_2(tmp_path, missing):
    proc = run_cli(str(tmp_path / missing), "--out", str(tmp_path))
    assert proc.returncode == 2
    assert f"{tmp_path / missing}: error: file not found — check the path" in proc.stderr


def test_text_too_long_for_any_slide_is_a_warning_naming_the_slide_and_an_error_under_strict(tmp_path):
    base = (ROOT / "tests" / "broken" / "unknown-top-key.yaml").read_text(encoding="utf-8").replace("sumary: typo\n", "")
    src = ROOT / "tests" / f".long-title-{tmp_path.name}.yaml"
    src.write_text(base.replace("    title: Introduction\n", "    title: Introduction\n    slide_title: " + " ".join(["Extraordinarily"] * 40) + "\n"), encoding="utf-8")
    try:
        lenient = run_cli(str(src), "--out", str(tmp_path / "a"), "--format", "pptx")
        strict = run_cli(str(src), "--out", str(tmp_path / "b"), "--format", "pptx", "--strict")
    finally:
        src.unlink()
    assert lenient.returncode == 0
    # the section's one content slide, after the title slide and the key messages
    assert "warning: slide 3: title ‘Extraordinarily" in lenient.stderr and "does not fit its placeholder" in lenient.stderr
    assert strict.returncode == 2 and "--strict" in strict.stderr
    assert not (tmp_path / "b" / f"{src.stem}.pptx").exists()
