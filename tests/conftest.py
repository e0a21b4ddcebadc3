"""Shared fixtures: the default source built once per test session, read back by real clients;
and the programs outside Python that some tests read outputs back with (``requires``)."""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT / "source" / "canada-minusma-panel-2018.yaml"
EXAMPLES = ROOT / "tests" / "examples"
TALK = ROOT / "tests" / "fixtures" / "levine-minusma-panel-2018.txt"
# every build a test starts is made in its own process, even while a developer's 'briefdeck serve'
# runs: tests/test_server.py turns the hand-over on for its own builds, with a server of its own
os.environ["BRIEFDECK_SERVER"] = "0"


def one_section(figure_ids: str, figures: str) -> str:
    """A source as small as the loader takes: one event, one person, one section that shows
    ``figure_ids`` (a YAML flow list's items), and the ``figures`` list's entries (YAML, as items)."""
    return f"""briefdeck: 1
event: {{title: Test panel, organiser: Test organiser, date: 2018-04-25, place: Ottawa}}
people: [{{id: ana, name: Ana Example}}]
summary: A summary.
key_messages: [One message.]
sections:
  - id: intro
    title: Introduction
    paragraphs: [A paragraph.]
    figures: [{figure_ids}]
figures:
{figures}"""


@pytest.fixture(scope="session")
def theme():
    """The built-in default theme (a module may define its own ``theme``)."""
    from briefdeck.theme import load_theme

    return load_theme("default")


@pytest.fixture(scope="session")
def service(theme):
    """A chart service on the default theme, without a cache folder."""
    from briefdeck.charts import ChartService

    return ChartService(theme)


@pytest.fixture(scope="session")
def default_doc():
    from briefdeck.load import load_document

    return load_document(DEFAULT_SOURCE)


@pytest.fixture(scope="session")
def default_build(tmp_path_factory):
    """output folder with <stem>.pdf and <stem>.pptx of the default source."""
    from briefdeck import api

    out = tmp_path_factory.mktemp("default-build")
    results = api.build([DEFAULT_SOURCE], api.Options(out_dir=out))
    assert results[0].ok, results[0].error
    return out


@pytest.fixture(scope="session")
def default_pdf(default_build) -> Path:
    return default_build / f"{DEFAULT_SOURCE.stem}.pdf"


@pytest.fixture(scope="session")
def default_pptx(default_build) -> Path:
    return default_build / f"{DEFAULT_SOURCE.stem}.pptx"


def libreoffice_to_pdf(path: Path, outdir: Path) -> Path:
    """Convert with LibreOffice, each run with its own profile so runs never collide."""
    exe = tool("soffice")
    profile = outdir / "lo-profile"
    proc = subprocess.run(
        [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(outdir), str(path)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = outdir / (path.stem + ".pdf")
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    return pdf


# -- programs outside Python ------------------------------------------------------------------------
# A test that reads an output back with a system program says so: @pytest.mark.requires("soffice",
# "pdftotext"). Where one is missing the test is skipped, the reason naming the program and the
# package that installs it; with BRIEFDECK_REQUIRE_TOOLS=1 (.ci/run sets it) it fails instead, so
# a run cannot pass by skipping what it was meant to check. A fixture or helper that runs a program
# asks for its path with tool(NAME): the same rule.
REQUIRE_TOOLS = "BRIEFDECK_REQUIRE_TOOLS"


@dataclass(frozen=True)
class Tool:
    label: str  # what a reader of the skip reason knows it as
    programs: tuple[str, ...]  # looked up on PATH, the first found is used
    package: str  # the Debian package that brings it (.ci/run installs each)
    module: str = ""  # a LibreOffice module that must be installed too (its share/registry/NAME.xcd)


TOOLS = {
    "soffice": Tool("LibreOffice Impress", ("soffice", "libreoffice"), "libreoffice-impress", "impress"),
    "calc": Tool("LibreOffice Calc", ("soffice", "libreoffice"), "libreoffice-calc", "calc"),
    "pdftotext": Tool("poppler's pdftotext", ("pdftotext",), "poppler-utils"),
    "pdftoppm": Tool("poppler's pdftoppm", ("pdftoppm",), "poppler-utils"),
    "pdfinfo": Tool("poppler's pdfinfo", ("pdfinfo",), "poppler-utils"),
    "pdffonts": Tool("poppler's pdffonts", ("pdffonts",), "poppler-utils"),
    "qpdf": Tool("qpdf", ("qpdf",), "qpdf"),
    "systemd-analyze": Tool("systemd-analyze", ("systemd-analyze",), "systemd"),
    "fc-list": Tool("fontconfig's fc-list", ("fc-list",), "fontconfig"),
    "chromium": Tool("a headless Chromium", ("chromium-headless-shell", "chromium"), "chromium-headless-shell"),
    "node": Tool("Node.js", ("node", "nodejs"), "nodejs"),  # runs tests/browser/check.js (npm ci --prefix tests/browser)
}
# what the quick loop never starts (tests marked quick may not require them)
NOT_QUICK = {"soffice", "calc", "chromium", "node"}


def _program(name: str) -> str | None:
    return next((exe for exe in map(shutil.which, TOOLS[name].programs) if exe), None)


def _has_module(exe: str, module: str) -> bool:
    """Whether the LibreOffice behind ``exe`` has ``module`` (Debian splits Impress and Calc into
    packages; each brings its registry file). An installation laid out otherwise (a snap, a wrapper
    script) is taken at its word: a test using it then fails, saying why."""
    home = Path(exe).resolve().parent.parent  # .../libreoffice/program/soffice -> .../libreoffice
    registries = [d for d in (home / "share" / "registry", home / "Resources" / "registry") if d.is_dir()]
    return not registries or any((d / f"{module}.xcd").is_file() for d in registries)


def tool_problem(name: str) -> str | None:
    """Why the tool ``name`` (a key of TOOLS) cannot be used on this machine, or None."""
    spec = TOOLS[name]
    exe = _program(name)
    if exe is None:
        return f"needs {spec.label}: no {' or '.join(spec.programs)} on PATH (Debian package {spec.package})"
    if spec.module and not _has_module(exe, spec.module):
        return f"needs {spec.label}: the LibreOffice at {exe} has no {spec.module} module (Debian package {spec.package})"
    return None


def tools_required() -> bool:
    return os.environ.get(REQUIRE_TOOLS, "") not in ("", "0")


def _missing(problem: str):
    if tools_required():
        pytest.fail(f"{problem}; {REQUIRE_TOOLS} is set, so a missing tool fails the test instead of skipping it", pytrace=False)
    pytest.skip(problem)


def tool(name: str) -> str:
    """The path of the tool's program; missing, the calling test skips (fails under BRIEFDECK_REQUIRE_TOOLS)."""
    problem = tool_problem(name)
    if problem:
        _missing(problem)
    return _program(name)


def _required(item) -> list[str]:
    return list(dict.fromkeys(name for mark in item.iter_markers("requires") for name in mark.args))


def pytest_collection_modifyitems(config, items):
    """Check that every ``requires`` names known tools (and that no quick test starts LibreOffice or
    a browser), then mark the tests whose tools are missing skipped, at the test's own line."""
    problems: dict[str, str | None] = {}
    for item in items:
        names = _required(item)
        unknown = sorted(set(names) - TOOLS.keys())
        if unknown or any(not mark.args for mark in item.iter_markers("requires")):
            raise pytest.UsageError(f"{item.nodeid}: requires {unknown or '()'}: name tools of TOOLS in tests/conftest.py")
        if item.get_closest_marker("quick") and NOT_QUICK & set(names):
            raise pytest.UsageError(f"{item.nodeid} is marked quick but requires {sorted(NOT_QUICK & set(names))}")
        for name in names:
            if name not in problems:
                problems[name] = tool_problem(name)
        missing = [problems[n] for n in names if problems[n]]
        if missing and not tools_required():
            item.add_marker(pytest.mark.skip(reason="; ".join(missing)))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Under BRIEFDECK_REQUIRE_TOOLS a missing tool fails the test, before its fixtures are made."""
    if tools_required():
        for name in _required(item):
            problem = tool_problem(name)
            if problem:
                _missing(problem)
