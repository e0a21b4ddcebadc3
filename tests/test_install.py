"""The installed tool: sdist and wheel carry everything, and a real `pip install` of the wheel into
a fresh virtual environment works from a folder with no repository around, never writing into
its own install folder (slow: builds the distributions and installs their dependencies)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from briefdeck import __version__

from .conftest import DEFAULT_SOURCE, ROOT
from .test_docs import installed_tool_commands

pytestmark = pytest.mark.slow

NOT_SHIPPED = shutil.ignore_patterns(".git", ".venv", "venv", "output", "__pycache__", "*.egg-info", "dist", "build",
                                     ".pytest_cache", ".hypothesis", ".work", "tmp", "*.pyc")


def package_files() -> set[str]:
    """What the package must carry: every module, and every built-in file (builtin/docs follows its link)."""
    out = set()
    for folder, dirs, files in os.walk(ROOT / "briefdeck", followlinks=True):  # follows builtin/docs to docs/
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for f in files:
            rel = (Path(folder) / f).relative_to(ROOT).as_posix()
            if not rel.startswith("briefdeck/builtin/templates/make_") and not f.endswith(".pyc"):
                out.add(rel)
    return out


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> dict[str, Path]:
    """The sdist, and the wheel built from it (`python -m build`), made from a copy of the repository."""
    work = tmp_path_factory.mktemp("dists")
    repo = work / "repo"
    shutil.copytree(ROOT, repo, symlinks=True, ignore=NOT_SHIPPED)
    # run from outside the copy: `python -m build` in a folder holding build.py would run that file
    proc = subprocess.run([sys.executable, "-m", "build", "--outdir", str(work / "dist"), str(repo)], cwd=work,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (sdist,) = (work / "dist").glob("briefdeck-*.tar.gz")
    (wheel,) = (work / "dist").glob("briefdeck-*.whl")
    return {"sdist": sdist, "wheel": wheel}


@pytest.fixture(scope="module")
def installed(dists, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed by pip (dependencies from the index)."""
    venv = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    proc = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(dists["wheel"])],
                          capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return venv


def test_the_wheel_is_named_as_the_readme_says(dists):
    install, _ = installed_tool_commands()
    assert install.split()[-1] == f"./{dists['wheel'].name}" == f"./briefdeck-{__version__}-py3-none-any.whl"


def test_sdist_and_the_wheel_built_from_it_carry_every_module_and_built_in_file(dists):
    wanted = package_files()
    assert {"briefdeck/builtin/docs/source-format.md", "briefdeck/builtin/starter/event.yaml", "briefdeck/builtin/starter/gitignore",
            "briefdeck/builtin/examples/canada-minusma-panel-2018/source/canada-minusma-panel-2018.yaml",
            "briefdeck/builtin/fonts/NotoSerif-Regular.ttf", "briefdeck/builtin/templates/default.pptx"} <= wanted
    with tarfile.open(dists["sdist"]) as tar:
        top = f"briefdeck-{__version__}/"
        in_sdist = {m.name[len(top):] for m in tar.getmembers() if m.isfile()}
        assert not [m.name for m in tar.getmembers() if m.issym() or m.islnk()]  # the docs link became files
    with zipfile.ZipFile(dists["wheel"]) as whl:
        in_wheel = {n for n in whl.namelist() if n.startswith("briefdeck/")}
        entry = next(n for n in whl.namelist() if n.endswith(".dist-info/entry_points.txt"))
        assert "briefdeck = briefdeck.command:run" in whl.read(entry).decode()
        assert whl.read("briefdeck/builtin/docs/source-format.md") == (ROOT / "docs" / "source-format.md").read_bytes()
    assert wanted <= in_sdist, sorted(wanted - in_sdist)
    # and the sdist is the whole project, so its test suite runs from it (MANIFEST.in)
    project = {str(p.relative_to(ROOT)) for top in ("tests", "source", "assets", "docs", ".ci", "benchmarks")
               for p in (ROOT / top).rglob("*") if p.is_file() and not NOT_SHIPPED(str(p.parent), [p.name])
               and not set(p.relative_to(ROOT).parts) & {"__pycache__", ".work", ".hypothesis", "node_modules"}}
    assert project | {"build.py", "pyproject.toml", "README.md"} <= in_sdist, sorted(project - in_sdist)
    assert in_wheel == wanted, (sorted(wanted - in_wheel), sorted(in_wheel - wanted))


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.requires("pdftoppm")
def test_installed_tool_inits_builds_checks_and_rebuilds_from_a_bare_folder(installed, tmp_path):
    bare = tmp_path / "work"  # no repository here, nor above
    bare.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{installed / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    def run(cmd: str, cwd: Path) -> subprocess.CompletedProcess:
        proc = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, f"{cmd}: {proc.stderr}"
        return proc

    where = run("python -c 'import briefdeck, sys; print(briefdeck.__file__)'", bare).stdout.strip()
    assert where.startswith(str(installed)) and str(ROOT) not in where  # the installed copy, not the repository
    before = _snapshot(installed)

    _, start = installed_tool_commands()
    run(start, bare)  # README, verbatim: briefdeck init demo && cd demo && briefdeck
    demo = bare / "demo"
    out = demo / "output"
    assert (out / "demo.pdf").is_file() and (out / "demo.pptx").is_file() and (out / "demo.html").is_file()
    run("briefdeck --check --strict", demo)
    manifest = out / "manifest.json"
    kept = (manifest.read_bytes(), manifest.stat().st_mtime_ns)
    again = run("briefdeck --log-format json", demo)
    assert [json.loads(ln)["event"] for ln in again.stderr.splitlines()] == ["up-to-date", "up-to-date", "up-to-date"]
    assert (manifest.read_bytes(), manifest.stat().st_mtime_ns) == kept

    # the outputs open in real clients and look like a brief and a deck
    pdf = PdfReader(out / "demo.pdf")
    assert len(pdf.pages) >= 2
    first = " ".join(pdf.pages[0].extract_text().split())
    assert "Counting the Cost of a Peace Operation" in first and "311" in first
    slides = Presentation(str(out / "demo.pptx")).slides
    assert len(slides) == json.loads(manifest.read_text())["artefacts"]["demo.pptx"]["slides"] >= 8
    run(f"pdftoppm -png -r 60 -f 1 -l 1 output/demo.pdf {tmp_path / 'page'}", demo)
    from PIL import Image

    page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    inked = sum(page.histogram()[:200]) / (page.width * page.height)
    assert 0.05 < inked < 0.6, f"page 1 is {inked:.0%} ink: blank or black"

    # the bundled default example builds to the same bytes as the repository's source
    run("briefdeck init --example canada-minusma-panel-2018 minusma && cd minusma && briefdeck --jobs 2", bare)
    here = subprocess.run([sys.executable, str(ROOT / "build.py"), str(DEFAULT_SOURCE), "--out", str(tmp_path / "repo-out")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert here.returncode == 0, here.stderr
    for suffix in (".pdf", ".pptx"):
        name = DEFAULT_SOURCE.stem + suffix
        assert (bare / "minusma" / "output" / name).read_bytes() == (tmp_path / "repo-out" / name).read_bytes(), name

    # the docs are reachable from the installed tool
    docs = run("briefdeck docs source-format", bare).stdout
    assert docs == (ROOT / "docs" / "source-format.md").read_text(encoding="utf-8")
    assert str(installed) in run("briefdeck --help", bare).stdout

    # nothing was written into the installation
    assert _snapshot(installed) == before
    assert sorted(p.name for p in bare.iterdir()) == ["demo", "minusma"]
