"""Tests that need a program outside Python (tests/conftest.py, TOOLS) skip, saying why, where it is
missing, and fail instead under BRIEFDECK_REQUIRE_TOOLS=1, which CI sets."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import REQUIRE_TOOLS, ROOT, TOOLS
from .test_docs import _quick_start_commands

pytestmark = pytest.mark.quick

NEEDS = '''\
import pytest

@pytest.mark.requires("pdftotext")
def test_reads_the_brief_back():
    pass

@pytest.mark.requires("soffice", "calc")
def test_opens_the_workbook():
    pass

@pytest.mark.requires("qpdf", "soffice")
def test_has_what_it_needs():
    pass

def test_a_helper_asks_for_a_program():
    from tests.conftest import tool
    tool("pdftotext")
'''


def _machine(tmp_path):
    """A PATH holding qpdf and a LibreOffice with Impress but without Calc, and nothing else."""
    bin_dir, program, registry = tmp_path / "bin", tmp_path / "lo" / "program", tmp_path / "lo" / "share" / "registry"
    for folder in (bin_dir, program, registry):
        folder.mkdir(parents=True)
    (registry / "impress.xcd").write_text("", encoding="utf-8")
    for exe in (bin_dir / "qpdf", program / "soffice"):
        exe.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        exe.chmod(0o755)
    (bin_dir / "soffice").symlink_to(program / "soffice")
    return bin_dir


def _pytest(tmp_path, bin_dir, **env) -> subprocess.CompletedProcess:
    # PYTEST_DISABLE_PLUGIN_AUTOLOAD: the installed plugins (hypothesis, openxml-audit) cost a second a run
    environ = {k: v for k, v in os.environ.items() if k != REQUIRE_TOOLS} | {"PATH": str(bin_dir), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"} | env
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:cacheprovider",
                           "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(tmp_path), "--confcutdir", str(tmp_path),
                           str(tmp_path / "test_needs.py")], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120)


def test_a_missing_tool_skips_with_its_reason_and_fails_when_tools_are_required(tmp_path):
    (tmp_path / "test_needs.py").write_text(NEEDS, encoding="utf-8")
    bin_dir = _machine(tmp_path)
    poppler = "needs poppler's pdftotext: no pdftotext on PATH (Debian package poppler-utils)"
    calc = f"needs LibreOffice Calc: the LibreOffice at {bin_dir / 'soffice'} has no calc module (Debian package libreoffice-calc)"

    skipped = _pytest(tmp_path, bin_dir)
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert "1 passed, 3 skipped" in skipped.stdout
    assert f"test_needs.py:3: {poppler}" in skipped.stdout  # at the test's own line
    assert f"test_needs.py:7: {calc}" in skipped.stdout
    assert skipped.stdout.count(poppler) == 2  # the helper's skip says it too

    refused = _pytest(tmp_path, bin_dir, **{REQUIRE_TOOLS: "1"})
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "1 failed, 1 passed, 2 errors" in refused.stdout  # the marked fail in setup, the helper's in the test
    assert "skipped" not in refused.stdout
    for reason in (poppler, calc):
        assert f"{reason}; {REQUIRE_TOOLS} is set, so a missing tool fails the test instead of skipping it" in refused.stdout


@pytest.mark.parametrize("marks, says", [
    ('@pytest.mark.requires("libreoffice")', ": requires ['libreoffice']: name tools of TOOLS in tests/conftest.py"),
    ('@pytest.mark.quick\n@pytest.mark.requires("pdftotext", "soffice")', " is marked quick but requires ['soffice']"),
], ids=["unknown-tool", "quick-starting-libreoffice"])
def test_a_requirement_the_suite_cannot_keep_is_a_usage_error(tmp_path, marks, says):
    (tmp_path / "test_needs.py").write_text(f"import pytest\n\n{marks}\ndef test_x():\n    pass\n", encoding="utf-8")
    proc = _pytest(tmp_path, _machine(tmp_path))
    assert proc.returncode == pytest.ExitCode.USAGE_ERROR and f"test_needs.py::test_x{says}" in proc.stderr, proc.stderr


def test_ci_refuses_skips_for_missing_tools():
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert lines.index(f"export {REQUIRE_TOOLS}=1") < lines.index(_quick_start_commands()[1])


def test_the_readme_says_which_tests_need_which_tool_and_how_ci_refuses_skips():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, spec in TOOLS.items():
        assert f"`{name}`" in readme and spec.package in readme, name
    assert f"{REQUIRE_TOOLS}=1" in readme and "pytest -m quick" in readme
