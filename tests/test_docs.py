"""README and CI stay honest: the two fresh-machine commands, and CI running the same test command."""
from __future__ import annotations

import re

from .conftest import ROOT


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", quick, flags=re.S)


def test_readme_gives_exactly_two_commands_install_build_and_install_test():
    build, test = _quick_start_commands()
    assert "pip install" in build and "build.py" in build
    assert "pip install" in test and "pytest" in test


def test_ci_runs_the_readme_test_command_verbatim():
    test_cmd = _quick_start_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_cmd in ci.splitlines()


def test_every_data_file_used_has_source_notes():
    notes = (ROOT / "assets" / "data" / "SOURCES.md").read_text(encoding="utf-8")
    for csv in (ROOT / "assets" / "data").glob("*.csv"):
        assert csv.name in notes, f"{csv.name} has no entry in assets/data/SOURCES.md"
