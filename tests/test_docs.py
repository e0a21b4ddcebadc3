"""README and CI stay honest: the two fresh-machine commands, and CI running the same test command."""
from __future__ import annotations

import re

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.quick


def _quick_start(subsection: str) -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    part = quick.split(f"### {subsection}", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", part, flags=re.S)


def _quick_start_commands() -> list[str]:
    """From a clone: install and build, install and test."""
    return _quick_start("From a clone")


def installed_tool_commands() -> list[str]:
    """As an installed tool: install the wheel; make a project and build it."""
    return _quick_start("As an installed tool")


def test_readme_gives_exactly_two_commands_install_build_and_install_test():
    build, test = _quick_start_commands()
    assert "pip install" in build and "build.py" in build
    assert "pip install" in test and "pytest" in test


def test_readme_gives_the_installed_tool_path_in_two_commands_too():
    install, start = installed_tool_commands()
    assert install.startswith("pipx install ./briefdeck-") and install.endswith("-py3-none-any.whl")
    from briefdeck import __version__

    assert f"briefdeck-{__version__}-py3" in install, "the README names the wheel of another version"
    assert start == "briefdeck init demo && cd demo && briefdeck"  # run verbatim by tests/test_install.py


def test_ci_runs_the_readme_test_command_verbatim():
    test_cmd = _quick_start_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_cmd in ci.splitlines()


def test_every_data_file_used_has_source_notes():
    notes = (ROOT / "assets" / "data" / "SOURCES.md").read_text(encoding="utf-8")
    for csv in (ROOT / "assets" / "data").glob("*.csv"):
        assert csv.name in notes, f"{csv.name} has no entry in assets/data/SOURCES.md"


def test_readme_error_example_is_what_the_tool_prints(tmp_path):
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## When something is wrong", 1)[1].split("```", 2)[1]
    shown = [ln for ln in block.strip().splitlines() if not ln.startswith("$")]
    src = ROOT / "source" / "canada-minusma-panel-2018.yaml"
    bad = ROOT / "source" / f".readme-example-{tmp_path.name}.yaml"
    bad.write_text(src.read_text(encoding="utf-8").replace("  organiser: Africa", "  organizer: Africa", 1), encoding="utf-8")
    try:
        proc = subprocess.run([sys.executable, "build.py", "--check", str(bad.relative_to(ROOT))], cwd=ROOT, capture_output=True, text=True)
    finally:
        bad.unlink()
    assert proc.returncode == 2
    assert proc.stderr.replace(bad.name, src.name).splitlines() == shown


def test_field_reference_and_json_schema_are_generated_from_the_schema():
    import json

    from briefdeck import schema, schemadoc

    doc = (ROOT / "docs" / "source-format.md").read_text(encoding="utf-8")
    assert schemadoc.field_tables() in doc, "run: python -m briefdeck.schemadoc"
    assert json.loads((ROOT / "docs" / "briefdeck.schema.json").read_text(encoding="utf-8")) == schema.json_schema()
