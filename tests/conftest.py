"""Shared fixtures: the default source built once per test session, read back by real clients."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT / "source" / "canada-minusma-panel-2018.yaml"
EXAMPLES = ROOT / "tests" / "examples"
TALK = ROOT / "tests" / "fixtures" / "levine-minusma-panel-2018.txt"


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
    exe = shutil.which("libreoffice") or shutil.which("soffice")
    if exe is None:
        pytest.fail("LibreOffice is not installed — .ci/run installs libreoffice-impress")
    profile = outdir / "lo-profile"
    proc = subprocess.run(
        [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(outdir), str(path)],
        capture_output=True, text=True, timeout=180,
    )
    pdf = outdir / (path.stem + ".pdf")
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    return pdf
