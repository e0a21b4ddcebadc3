"""The HTML edition in a real browser: Debian's headless Chromium (chromium-headless-shell), driven
by puppeteer-core with axe-core from the npm registry (tests/browser/: package.json and its
lockfile; `npm ci --prefix tests/browser` installs them, .ci/run does). For the default source and
every bundled example: 0 axe violations under WCAG 2.0/2.1/2.2 A and AA and best practice, at a
desktop and at a phone's width; no sideways scrolling at 360 px (nor at WCAG's 320 px reflow
width); no request but file:, data: and about:; every paragraph of the source in the page's text;
and a hostile source's markup shown as text, never run.

Without the browser, Node.js or the npm packages these tests skip, saying which is missing; with
BRIEFDECK_REQUIRE_TOOLS=1 (CI) they fail instead (tests/conftest.py, TOOLS).
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from briefdeck import api
from briefdeck.load import load_document

from .conftest import DEFAULT_SOURCE, EXAMPLES, REQUIRE_TOOLS, ROOT, tool, tools_required
from .test_html import HOSTILE

BROWSER_DIR = ROOT / "tests" / "browser"
BUNDLED = ROOT / "briefdeck" / "builtin" / "examples"
SOURCES = ([DEFAULT_SOURCE] + sorted(EXAMPLES.glob("*.yaml")) + sorted(EXAMPLES.glob("*/*.yaml"))
           + sorted(BUNDLED.glob("*/source/*.yaml")))

pytestmark = [pytest.mark.slow, pytest.mark.requires("chromium", "node")]


def npm_packages() -> str | None:
    """Why the npm packages the checks run with are missing, or None."""
    modules = BROWSER_DIR / "node_modules"
    if not (modules / "puppeteer-core").is_dir() or not (modules / "axe-core").is_dir():
        return "needs puppeteer-core and axe-core: no tests/browser/node_modules (run: npm ci --prefix tests/browser)"
    return None


def _label(src: Path) -> str:
    return ("bundled-" if BUNDLED in src.parents else "") + src.stem


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, dict]:
    """Every page built and checked in one browser session: label -> what check.js found."""
    why = npm_packages()
    if why:
        if tools_required():
            pytest.fail(f"{why}; {REQUIRE_TOOLS} is set, so it fails instead of skipping", pytrace=False)
        pytest.skip(why)
    chromium, node = tool("chromium"), tool("node")
    root = tmp_path_factory.mktemp("html-browser")
    files = {}
    for src in SOURCES:
        out = root / _label(src)
        [res] = api.build([src], api.Options(formats=("html",), out_dir=out, jobs=2))
        assert res.ok, res.error
        files[_label(src)] = out / f"{src.stem}.html"
    hostile = root / "hostile"
    (hostile / "assets").mkdir(parents=True)
    (hostile / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    [res] = api.build([hostile / "hostile.yaml"], api.Options(formats=("html",), out_dir=hostile / "out", jobs=1))
    assert res.ok, res.error
    files["hostile"] = hostile / "out" / "hostile.html"
    proc = subprocess.run([node, str(BROWSER_DIR / "check.js"), chromium, str(root / "chromium-profile"),
                           *map(str, files.values())], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert [f["file"] for f in found] == [str(p) for p in files.values()]
    return dict(zip(files, found))


LABELS = [_label(s) for s in SOURCES]


def _violations(found: list[dict]) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}" for v in found]


@pytest.mark.parametrize("label", LABELS)
def test_axe_finds_no_violation_at_desktop_and_phone_widths(pages, label):
    assert _violations(pages[label]["violations"]) == []
    assert _violations(pages[label]["narrowViolations"]) == []


@pytest.mark.parametrize("label", LABELS + ["hostile"])
def test_no_request_leaves_the_file_and_nothing_runs(pages, label):
    page = pages[label]
    assert page["refused"] == [] and all(u.startswith(("file:", "data:", "about:")) for u in page["requests"])
    assert page["errors"] == [] and page["dialogs"] == [] and page["facts"]["scripts"] == 0


@pytest.mark.parametrize("label", LABELS)
def test_reads_on_a_phone_without_scrolling_sideways(pages, label):
    narrow, reflow = pages[label]["narrow"], pages[label]["reflow"]
    assert narrow["clientWidth"] == 360 and narrow["scrollWidth"] <= 360, narrow
    assert narrow["wide"] == []
    assert reflow["scrollWidth"] <= reflow["clientWidth"] == 320, reflow


@pytest.mark.parametrize("src", SOURCES, ids=_label)
def test_every_paragraph_and_figure_is_on_the_page(pages, src):
    page = pages[_label(src)]
    facts = page["facts"]
    doc = load_document(src)
    text = " ".join(facts["text"].split())
    for s in doc.sections:
        for p in s.paragraphs:
            assert " ".join(p.plain.split()) in text
    assert facts["lang"] == doc.meta.language and facts["h1"] == 1 and facts["main"] == 1
    assert [f["id"] for f in facts["figures"]] == [f.anchor for f in doc.figures]
    for f, fig in zip(facts["figures"], doc.figures):
        assert f["caption"]
        if fig.picture is not None:  # a photograph: an image named by its alt text, scaled to the column
            assert f["imgAlt"] == fig.picture.alt and 100 < f["imgWidth"] <= 800
            continue
        assert f["svgName"] == fig.alt and f["tableRows"] == len(fig.chart.table.rows)
        assert 200 < f["svgWidth"] <= 800  # scaled to the column


def test_hostile_markup_is_shown_as_text(pages):
    page = pages["hostile"]
    text = page["facts"]["text"]
    assert "Markup in prose <script>alert(1)</script> stays text" in text
    assert "<iframe src=https://example.org></iframe>" in text and "Ana <img src=x onerror=alert(1)>" in text
    assert page["dialogs"] == [] and page["facts"]["scripts"] == 0
