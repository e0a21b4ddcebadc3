"""Hostile content in trusted-looking inputs (issue 17), read back by the clients that would run it.

- Spreadsheet formula injection: a downloaded CSV's cells (=HYPERLINK(...), DDE payloads, @/+/-
  prefixed formulas) reach the embedded workbook of an editable chart as text, never a formula.
- Links: only http:, https:, mailto: and the document's own figures reach the PDF's link
  annotations and the deck's hyperlink relationships (the refused ones are in tests/broken/).
- Markup-looking cells: text in the PDF and the deck, never markup.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from briefdeck.render.pptx.workbook import FORMULA_STARTS, TypedChartData, looks_like_formula

ROOT = Path(__file__).resolve().parent.parent
FORMULAS = ROOT / "tests" / "hostile" / "formulas.yaml"
FORMULAS_CSV = ROOT / "tests" / "hostile" / "data" / "formulas.csv"
AUDIT = shutil.which("openxml-audit") or next((p for p in (Path(__import__("sys").executable).parent / "openxml-audit",) if p.exists()), None)
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
# OWASP CSV injection payloads, and their cousins
PAYLOADS = [
    '=HYPERLINK("http://example.invalid/x","UNAMID")',
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # full-width equals sign
    '=DDE("cmd";"/C calc";"!A0")',
    "=1+2",
    "http://example.invalid/looks-like-a-url",
]


def csv_rows() -> list[dict]:
    with FORMULAS_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def workbook_parts(xlsx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return {n: z.read(n) for n in z.namelist()}


def _unescape(text: str) -> str:
    """OOXML's escape for characters XML cannot hold (ST_Xstring): '_x000D_' is a carriage return."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def cells(xlsx: bytes) -> dict[str, tuple[str, str, bool]]:
    """ref -> (type, value as text, quotePrefix) of every cell, shared strings resolved."""
    parts = workbook_parts(xlsx)
    shared = [_unescape("".join(si.itertext())) for si in etree.fromstring(parts["xl/sharedStrings.xml"]).iter(f"{S}si")] \
        if "xl/sharedStrings.xml" in parts else []
    xfs = etree.fromstring(parts["xl/styles.xml"]).find(f"{S}cellXfs")
    quoted = [xf.get("quotePrefix") == "1" for xf in xfs]
    out = {}
    for c in etree.fromstring(parts["xl/worksheets/sheet1.xml"]).iter(f"{S}c"):
        t, v = c.get("t", "n"), c.findtext(f"{S}v")
        out[c.get("r")] = (t, shared[int(v)] if t == "s" else v, quoted[int(c.get("s", "0"))])
    return out


# -- the workbook writer ---------------------------------------------------------------------------
@pytest.mark.quick
def test_every_cell_is_typed_and_no_text_is_a_formula():
    data = TypedChartData()
    data.categories = PAYLOADS
    data.add_series("=SUM(A1:A9)", list(range(len(PAYLOADS) - 1)) + [None])
    data.add_series("@total", [1.5] * len(PAYLOADS))
    xlsx = data.xlsx_blob
    sheet = workbook_parts(xlsx)["xl/worksheets/sheet1.xml"]
    assert b"<f>" not in sheet and b"<f " not in sheet
    assert "xl/worksheets/_rels/sheet1.xml.rels" not in workbook_parts(xlsx)  # no hyperlinks made from URL-like text
    got = cells(xlsx)
    for i, text in enumerate(PAYLOADS, 2):
        assert got[f"A{i}"] == ("s", text, looks_like_formula(text)), text
    assert got["B1"] == ("s", "=SUM(A1:A9)", True) and got["C1"] == ("s", "@total", True)
    assert got["B2"] == ("n", "0", False) and got["C2"] == ("n", "1.5", False)
    assert f"B{len(PAYLOADS) + 1}" not in got  # a missing value stays an empty cell, not 0
    assert not got["A12"][2]  # a URL-looking label is plain text, without a prefix


@pytest.mark.quick
def test_formula_starts_are_owasps_and_their_full_width_forms():
    for start in ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20"):
        assert start in FORMULA_STARTS
    assert not looks_like_formula("UNAMID") and not looks_like_formula("2018") and not looks_like_formula(" =1")


# -- a deck built from a CSV full of payloads ----------------------------------------------------------
@pytest.fixture(scope="module")
def formulas_build(tmp_path_factory):
    from briefdeck import api

    out = tmp_path_factory.mktemp("formulas")
    res = api.build([FORMULAS], api.Options(out_dir=out))
    assert res[0].ok, res[0].error
    return out / "formulas.pdf", out / "formulas.pptx"


def embedded(deck: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(deck) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("ppt/embeddings/")}


def test_embedded_workbooks_hold_the_payloads_as_text(formulas_build):
    _, deck = formulas_build
    rows = csv_rows()
    books = embedded(deck)
    assert len(books) == 2  # the two editable charts
    for name, xlsx in books.items():
        sheet = workbook_parts(xlsx)["xl/worksheets/sheet1.xml"]
        assert b"<f>" not in sheet and b"<f " not in sheet, name
        got = cells(xlsx)
        for i, row in enumerate(rows, 2):
            assert got[f"A{i}"] == ("s", row["mission"], looks_like_formula(row["mission"]))
    first = cells(books["ppt/embeddings/Microsoft_Excel_Sheet1.xlsx"])
    assert first["B1"] == ("s", "=1+2", True) and first["C1"] == ("s", "@total", True)
    second = cells(books["ppt/embeddings/Microsoft_Excel_Sheet2.xlsx"])
    assert second["B1"] == ("s", "-cmd|' /C calc'!A0", True)  # the label the source gave the series


def test_chart_caches_and_slides_show_the_payloads_unchanged(formulas_build):
    from pptx import Presentation

    _, deck = formulas_build
    missions = [r["mission"] for r in csv_rows()]
    prs = Presentation(str(deck))
    charts = [sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart]
    assert len(charts) == 2
    for chart in charts:
        cached = [pt.findtext(f"{C}v") for pt in chart._chartSpace.find(f".//{C}cat").iter(f"{C}pt")]
        assert cached == missions
        assert chart.has_title is False  # no automatic title from a payload series name
    slides = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert 'A markup-looking cell is <b>bold</b> & <a href=“javascript:alert(1)”>x</a>' in slides
    assert "A link-looking cell is [notes](javascript:alert(1))" in slides
    names = [chart._chartSpace.find(f".//{C}ser/{C}tx//{C}v").text for chart in charts]
    assert names == ["=1+2", "-cmd|' /C calc'!A0"]
    with zipfile.ZipFile(deck) as z:
        rels = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".rels"))
    assert "javascript" not in rels and "example.invalid" not in rels


def test_embedded_workbooks_are_byte_stable(formulas_build, tmp_path):
    from briefdeck import api

    _, deck = formulas_build
    res = api.build([FORMULAS], api.Options(out_dir=tmp_path, formats=("pptx",), force=True))
    assert res[0].ok
    assert (tmp_path / "formulas.pptx").read_bytes() == deck.read_bytes()
    for xlsx in embedded(deck).values():
        with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
            assert {i.date_time for i in z.infolist()} == {(2018, 5, 1, 0, 0, 0)}
            core = z.read("docProps/core.xml").decode()
        assert "2018-05-01T00:00:00Z" in core


@pytest.mark.slow
@pytest.mark.requires("calc")
def test_libreoffice_calc_reads_the_payloads_as_text(formulas_build, tmp_path):
    from .conftest import tool

    exe = tool("calc")
    _, deck = formulas_build
    rows = csv_rows()
    for name, xlsx in embedded(deck).items():
        book = tmp_path / Path(name).name
        book.write_bytes(xlsx)
        for fmt in ("csv", "fods"):
            proc = subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", fmt,
                                   "--outdir", str(tmp_path), str(book)], capture_output=True, text=True, timeout=180)
            assert (tmp_path / f"{book.stem}.{fmt}").exists(), proc.stderr
        flat = (tmp_path / f"{book.stem}.fods").read_text(encoding="utf-8")
        assert "table:formula" not in flat  # Calc evaluated nothing
        with (tmp_path / f"{book.stem}.csv").open(encoding="utf-8", newline="") as f:
            back = list(csv.reader(f))
        assert [r[0] for r in back[1:]] == [r["mission"] for r in rows]


def test_deck_with_payload_charts_passes_openxml_audit(formulas_build):
    assert AUDIT, "openxml-audit is missing — it is in the [test] extras"
    _, deck = formulas_build
    res = subprocess.run([str(AUDIT), "-f", "microsoft365", str(deck)], capture_output=True, text=True)
    assert res.returncode == 0 and "Errors: 0" in res.stdout, res.stdout[-2000:]


def test_markup_and_link_looking_cells_are_text_in_the_pdf(formulas_build):
    from pypdf import PdfReader

    pdf, _ = formulas_build
    reader = PdfReader(str(pdf))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "<b>bold</b> & <a" in text and "[notes](javascript:alert(1))" in text and "$x^2$ {fact:x}" in text
    uris = [a.get_object()["/A"].get("/URI") for p in reader.pages for a in p.get("/Annots", [])
            if a.get_object().get("/A") is not None]
    assert uris and all(u is None or re.match(r"(https?|mailto):", u) for u in uris), uris


# -- links that are allowed reach both outputs as ASCII addresses --------------------------------------
LINKS = ROOT / "tests" / "hostile" / "links.yaml"


@pytest.fixture(scope="module")
def links_build(tmp_path_factory):
    from briefdeck import api

    out = tmp_path_factory.mktemp("links")
    res = api.build([LINKS], api.Options(out_dir=out))
    assert res[0].ok, res[0].error
    return res[0], out / "links.pdf", out / "links.pptx"


def pdf_uris(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return [a.get_object()["/A"]["/URI"] for p in PdfReader(str(pdf)).pages for a in p.get("/Annots", [])
            if a.get_object().get("/A") is not None and "/URI" in a.get_object()["/A"]]


def deck_targets(deck: Path) -> list[str]:
    with zipfile.ZipFile(deck) as z:
        rels = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".rels"))
    return re.findall(r'Target="([^"]*)" TargetMode="External"', rels)


def test_allowed_links_reach_the_outputs_normalised(links_build):
    result, pdf, deck = links_build
    assert set(pdf_uris(pdf)) == {
        "https://xn--bcher-kva.example/%C3%A9v%C3%A9nement?q=a%20b",  # event.url: punycode host, encoded path
        "https://example.org/a%20b",  # an author's %20 stays as written
        "mailto:ana@example.org?subject=Brief&body=Line%0D%0ANext",
        "https://xn--bcher-kva.example/",
        "https://xn--pple-43d.example/login",  # the look-alike, with its real name
        "https://peacekeeping.un.org/en",
        "https://xn--wgv71a119e.example/%E3%83%91%E3%82%B9",
    }
    assert sorted(deck_targets(deck)) == ["https://minusma.unmissions.org/en/", "https://xn--pple-43d.example/login",
                                          "https://xn--wgv71a119e.example/%E3%83%91%E3%82%B9"]
    assert [(w.code, w.line) for w in result.warnings] == [("link.homograph", 21)]
    for target in pdf_uris(pdf) + deck_targets(deck):
        assert target.isascii() and re.match(r"(https?|mailto):", target)


def test_a_link_looking_cell_is_text_in_both_outputs(links_build):
    from pptx import Presentation

    _, pdf, deck = links_build
    assert not any("javascript" in u for u in pdf_uris(pdf) + deck_targets(deck))
    slides = " ".join(sh.text_frame.text for s in Presentation(str(deck)).slides for sh in s.shapes if sh.has_text_frame)
    assert "The cell [notes](javascript:alert(1)) is text" in slides


# -- hostile templates: reported, left out, and the deck is a clean .pptx ---------------------------------
HOSTILE = ROOT / "tests" / "fixtures" / "templates" / "hostile"
MINIMAL = """\
briefdeck: 1
meta: {updated: 2018-05-01}
event: {title: Template test, organiser: Test organiser, date: 2018-04-25, place: Ottawa}
people: [{id: ana, name: Ana Example}]
summary: A summary with [a link](https://example.org/).
key_messages: [One message.]
sections: [{id: intro, title: Introduction, paragraphs: [A paragraph.], bullets: [A bullet.]}]
"""
# template -> the warnings a build prints (codes), as tests/broken/expected.json words them
TEMPLATE_CODES = {
    "external-picture.pptx": ["template.external"],
    "unc-picture.pptx": ["template.external", "template.external"],
    "ole-linked.pptx": ["template.external"],
    "ole-embedded.pptx": ["template.embedded"],
    "macro.pptm": ["template.macro"],
    "macro-renamed.pptx": ["template.macro"],
    "actions.pptx": ["template.action", "template.link", "template.link"],
    "activex.pptx": ["template.activex"],
    "addin-customxml.pptx": ["template.addin"],
    "theme-media-links.pptx": ["template.external", "template.external", "template.external"],
}
EXECUTABLE_PARTS = re.compile(r"vbaProject|embeddings/|activeX/|webextensions/|customXml/", re.I)


@pytest.mark.quick
def test_every_hostile_fixture_is_covered():
    assert sorted(p.name for p in HOSTILE.iterdir() if p.suffix in (".pptx", ".pptm")) == sorted(TEMPLATE_CODES)


@pytest.fixture(scope="module")
def hostile_decks(tmp_path_factory):
    from briefdeck import api

    root = tmp_path_factory.mktemp("hostile-decks")
    src = root / "minimal.yaml"
    src.write_text(MINIMAL, encoding="utf-8")
    out = {}
    for name in ["../corpus/office-16x9.pptx"] + list(TEMPLATE_CODES):  # the hostile ones are made from it
        res = api.build([src], api.Options(out_dir=root / name, formats=("pptx",),
                                           settings=(("template", HOSTILE / name), ("slides", None))))
        assert res[0].ok, res[0].error
        out[name] = (res[0], root / name / "minimal.pptx")
    return out


@pytest.mark.parametrize("name", sorted(TEMPLATE_CODES))
def test_hostile_template_is_reported_and_left_out_of_the_deck(hostile_decks, name):
    from pptx import Presentation

    result, deck = hostile_decks[name]
    # (python-pptx's default template, which these are made from, also draws its footers in a grey
    # below 4.5:1: a deck.contrast warning, not about hostile content)
    found = [w for w in result.warnings if w.code.startswith("template.")]
    assert [w.code for w in found] == TEMPLATE_CODES[name]
    assert {w.code for w in result.warnings} <= set(TEMPLATE_CODES[name]) | {"deck.contrast"}
    for w in found:  # located in the template, saying what to do
        assert w.file == str(HOSTILE / name) and w.severity == "warning" and " — left out of the deck; " in w.message
    with zipfile.ZipFile(deck) as z:
        names = z.namelist()
        types = etree.fromstring(z.read("[Content_Types].xml"))
        xml = {n: z.read(n) for n in names if n.endswith((".xml", ".rels"))}
    assert not [n for n in names if EXECUTABLE_PARTS.search(n)]
    assert all(re.match(r"(https?|mailto):", t) for t in deck_targets(deck)), deck_targets(deck)
    assert not any(re.search(rb'action="ppaction://(program|macro|ole)', b) for b in xml.values())
    assert not any(b"<p:oleObj" in b or b"<p:control " in b or b"r:link=" in b for b in xml.values())
    ct = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    overrides = {e.get("PartName").lstrip("/"): e.get("ContentType") for e in types.iter(f"{ct}Override")}
    assert set(overrides) <= set(names)  # no content type for a part that is not there
    assert overrides["ppt/presentation.xml"] == "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    assert "macroEnabled" not in " ".join(overrides.values())
    assert len(Presentation(str(deck)).slides) == len(Presentation(str(hostile_decks["../corpus/office-16x9.pptx"][1])).slides)


@pytest.mark.parametrize("name", sorted(TEMPLATE_CODES))
def test_deck_on_a_hostile_template_passes_openxml_audit(hostile_decks, name):
    assert AUDIT, "openxml-audit is missing — it is in the [test] extras"
    res = subprocess.run([str(AUDIT), "-f", "microsoft365", str(hostile_decks[name][1])], capture_output=True, text=True)
    assert res.returncode == 0 and "Errors: 0" in res.stdout, res.stdout[-2000:]


def test_safe_hyperlinks_of_a_template_are_kept(hostile_decks):
    _, deck = hostile_decks["actions.pptx"]
    assert "https://example.org/" in deck_targets(deck)  # the master's web link, and the summary's


@pytest.mark.slow
@pytest.mark.requires("soffice")
def test_libreoffice_opens_decks_built_on_hostile_templates(hostile_decks, tmp_path):
    from .conftest import libreoffice_to_pdf
    from pypdf import PdfReader

    for name in ("ole-embedded.pptx", "macro.pptm", "actions.pptx", "theme-media-links.pptx"):
        deck = hostile_decks[name][1]
        folder = tmp_path / name.replace(".", "-")
        folder.mkdir()
        assert len(PdfReader(str(libreoffice_to_pdf(deck, folder))).pages) == hostile_decks[name][0].artefacts[0].count


def test_strict_refuses_a_hostile_template_and_writes_nothing(tmp_path):
    src = tmp_path / "minimal.yaml"
    src.write_text(MINIMAL, encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([__import__("sys").executable, str(ROOT / "build.py"), str(src), "--format", "pptx", "--strict",
                           "--template", str(HOSTILE / "macro.pptm"), "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2, proc.stderr
    assert "error: --strict: the template is macro-enabled" in proc.stderr and "[template.macro]" in proc.stderr
    assert not list(out.glob("*.pptx")) and "Traceback" not in proc.stderr


def test_check_template_lists_what_reaches_out(tmp_path):
    import json
    import sys

    run = lambda *a: subprocess.run([sys.executable, "build.py", "--check-template", str(HOSTILE / "ole-embedded.pptx"), *a],
                                    capture_output=True, text=True, cwd=ROOT)
    text, js, strict = run(), run("--log-format", "json"), run("--strict")
    assert text.returncode == 0 and strict.returncode == 2
    assert "layout 'Title and Content': an embedded 'Package' object (ppt/embeddings/oleObject1.bin)" in text.stdout
    assert "sample slide 1: an embedded Excel.Sheet.12 object" in text.stdout and "never built on" in text.stdout
    report = json.loads(js.stdout)
    assert [(f["where"], f["severity"]) for f in report["hostile"]] == [
        ("layout 'Title and Content'", "warning"), ("layout 'Title and Content'", "warning"),
        ("sample slide 1", "note"), ("sample slide 1", "note")]
    assert report["hostile_warnings"] == 1 and report["ok"]  # the others: its footer colour (deck.contrast)


def test_a_build_scans_the_template_its_source_names_once(tmp_path, monkeypatch):
    """The loader's scan of a source's template (its warnings) is the one the deck builds on; a
    template changed since is scanned anew (a scan is kept by the template's bytes)."""
    import shutil

    from briefdeck import api, templatesafety

    scanned: list = []
    real = templatesafety.clean
    monkeypatch.setattr(templatesafety, "clean", lambda data, shown=None: scanned.append(shown) or real(data, shown))
    monkeypatch.setattr(templatesafety, "_KEPT", {})
    (tmp_path / "assets").mkdir()
    (tmp_path / "source").mkdir()
    shutil.copy(HOSTILE / "actions.pptx", tmp_path / "assets" / "corp.pptx")
    src = tmp_path / "source" / "minimal.yaml"
    src.write_text(MINIMAL.replace("meta: {updated: 2018-05-01}", "meta: {updated: 2018-05-01, template: assets/corp.pptx}"),
                   encoding="utf-8")
    opts = api.Options(out_dir=tmp_path / "out", formats=("pptx",), force=True)
    [res] = api.build([src], opts)
    assert res.ok, res.error
    assert scanned == ["template 'assets/corp.pptx'"]
    assert [w.code for w in res.warnings if w.code.startswith("template.")] == TEMPLATE_CODES["actions.pptx"]
    shutil.copy(HOSTILE / "ole-embedded.pptx", tmp_path / "assets" / "corp.pptx")
    [res] = api.build([src], opts)
    assert res.ok and len(scanned) == 2
    assert [w.code for w in res.warnings if w.code.startswith("template.")] == TEMPLATE_CODES["ole-embedded.pptx"]


@pytest.mark.quick
def test_templates_without_hostile_content_are_used_as_they_are():
    from briefdeck.templatesafety import hostile

    clean = sorted((ROOT / "tests" / "fixtures" / "templates").glob("*.pptx")) + sorted(
        (ROOT / "tests" / "fixtures" / "templates" / "corpus").glob("*.pptx"))
    assert len(clean) >= 18
    for path in clean:
        result = hostile.clean(path)
        assert not result.changed and not result.findings and result.data == path.read_bytes(), path.name


@pytest.mark.quick
def test_inert_custom_xml_is_dropped_without_a_warning():
    from briefdeck.templatesafety import hostile

    result = hostile.clean(HOSTILE / "addin-customxml.pptx")
    assert [(f.code, f.severity) for f in result.findings] == [("template.addin", "warning"), ("template.inert", "note")]
    with zipfile.ZipFile(io.BytesIO(result.data)) as z:
        assert not [n for n in z.namelist() if n.startswith(("customXml/", "ppt/webextensions/"))]


# -- issue 27: settings files, the file system, signals, layout failures, limits ------------------------
BOMB = (ROOT / "tests" / "broken" / "billion-laughs.yaml").read_text(encoding="utf-8")


def small_project(tmp_path: Path) -> Path:
    """A project of one small valid source (no chart), in ``tmp_path``; the source's path."""
    (tmp_path / "assets").mkdir(exist_ok=True)
    (tmp_path / "source").mkdir(exist_ok=True)
    src = tmp_path / "source" / "talk.yaml"
    src.write_text("briefdeck: 1\nevent:\n  title: Test panel\n  organiser: Test organiser\n  date: 2018-04-25\n  place: Ottawa\n"
                   "people:\n  - id: ana\n    name: Ana Example\nsummary: A summary.\nkey_messages:\n  - One message.\n"
                   "sections:\n  - id: intro\n    title: Introduction\n    paragraphs:\n      - A paragraph.\n", encoding="utf-8")
    return src


def cli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    import sys

    return subprocess.run([sys.executable, "-m", "briefdeck", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.mark.quick
@pytest.mark.parametrize("where", ["assets/themes/default/charts.yaml", "assets/locales/en.yaml"])
def test_a_settings_file_that_is_an_alias_bomb_is_refused_at_once(tmp_path, where):
    small_project(tmp_path)
    f = tmp_path / where
    f.parent.mkdir(parents=True)
    f.write_text(BOMB, encoding="utf-8")
    start = time.monotonic()
    proc = cli("source/talk.yaml", "--format", "pdf", cwd=tmp_path)
    assert time.monotonic() - start < 30
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines()[0] == (f"error: {where}:1:1: the document expands to more than 200000 values (aliases repeated?) "
                                           "— remove the repeated aliases [yaml.too-many-nodes]")
    assert not (tmp_path / "output" / "talk.pdf").exists()
    checked = cli("--check", "source/talk.yaml", cwd=tmp_path)  # --check reads the theme and locale as a build does
    assert checked.returncode == 2 and checked.stderr.splitlines()[0] == proc.stderr.splitlines()[0]


@pytest.mark.quick
def test_a_template_side_file_is_read_under_the_same_limits(tmp_path):
    from briefdeck.errors import TemplateError
    from briefdeck.render.pptx.template.opening import read_side_file

    deck = tmp_path / "corp.pptx"
    (tmp_path / "corp.layouts.yaml").write_text("content: !!python/object:os.system x\n", encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        read_side_file(deck)
    assert str(err.value).startswith(f"{tmp_path / 'corp.layouts.yaml'}:1:10: tag !!python/object:os.system is not allowed")
    assert err.value.exit_code == 2


@pytest.mark.quick
def test_a_fifo_is_refused_at_once_as_a_source_and_as_data(tmp_path):
    src = small_project(tmp_path)
    fifo = tmp_path / "source" / "zz.yaml"
    os.mkfifo(fifo)
    start = time.monotonic()
    proc = cli("--check", cwd=tmp_path, timeout=30)  # every source/*.yaml: the FIFO among them
    assert time.monotonic() - start < 20
    assert proc.returncode == 2
    assert ("source/zz.yaml: error: this is a named pipe (FIFO), not a regular file — sources are read from files only; "
            "remove it or name a .yaml file [file.kind]") in proc.stderr.splitlines()
    fifo.unlink()
    os.mkfifo(tmp_path / "assets" / "pipe.csv")
    src.write_text(src.read_text(encoding="utf-8") + "datasets:\n  d:\n    file: assets/pipe.csv\n    source: UN\n", encoding="utf-8")
    proc = cli("--check", "source/talk.yaml", cwd=tmp_path, timeout=30)
    assert proc.returncode == 2
    assert "source/talk.yaml:20:11: error: 'assets/pipe.csv' is a named pipe (FIFO), not a regular file — name a file [path.kind]" in proc.stderr


@pytest.mark.quick
def test_outputs_that_collide_or_overwrite_a_source_are_refused_before_anything_is_written(tmp_path):
    src = small_project(tmp_path)
    (tmp_path / "other").mkdir()
    twin = tmp_path / "other" / "talk.yaml"
    shutil.copy(src, twin)
    proc = cli("source/talk.yaml", "other/talk.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("error: source/talk.yaml and other/talk.yaml would both be written to output/talk.pdf — rename "
                                   "one of them, or build them into different folders with --out; nothing was written")
    assert not (tmp_path / "output").exists()
    named_pdf = tmp_path / "source" / "brief.pdf"
    shutil.copy(src, named_pdf)
    before = named_pdf.read_bytes()
    proc = cli("source/brief.pdf", "--out", "source", "--format", "pdf", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: the output source/brief.pdf would overwrite the source source/brief.pdf — choose another --out folder; nothing was written"
    assert named_pdf.read_bytes() == before


@pytest.mark.quick
def test_an_output_that_is_a_source_under_another_name_is_refused(tmp_path):
    """The same file by another path (a hard link where the output goes) is the source too."""
    src = small_project(tmp_path)
    (tmp_path / "out").mkdir()
    os.link(src, tmp_path / "out" / "talk.pdf")
    before = src.read_bytes()
    proc = cli("source/talk.yaml", "--out", "out", "--format", "pdf", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("error: the output out/talk.pdf would overwrite the source source/talk.yaml — choose another "
                                   "--out folder; nothing was written")
    assert src.read_bytes() == before


@pytest.mark.quick
def test_a_file_name_with_a_bidi_override_is_refused_and_printed_escaped(tmp_path):
    src = small_project(tmp_path)
    odd = src.with_name("report\u202efdp.yaml")
    src.rename(odd)
    proc = cli(f"source/{odd.name}", cwd=tmp_path)
    assert proc.returncode == 2
    assert "\u202e" not in proc.stderr
    assert proc.stderr.strip() == ("error: the file name source/report\\u202efdp.yaml holds a control, bidirectional or invisible "
                                   "character — rename the file; nothing was written")
    proc = cli(f"source/{odd.name}", "--log-format", "json", cwd=tmp_path)
    assert "\u202e" not in proc.stderr and "report\\\\u202efdp.yaml" in proc.stderr
    assert json.loads(proc.stderr)["code"] == "usage"


@pytest.mark.parametrize("errno_, said", [(30, "Read-only file system — the file system is read-only: choose another --out folder"),
                                          (28, "No space left on device — free some space"),
                                          (13, "Permission denied — check the permissions")])
def test_os_errors_are_said_plainly_with_exit_1(tmp_path, monkeypatch, capsys, errno_, said):
    from briefdeck import api, cli as cli_module, publish

    src = small_project(tmp_path)

    def refuse(pairs):
        raise OSError(errno_, os.strerror(errno_), str(pairs[0][1]))

    monkeypatch.setattr(api, "commit", refuse)
    monkeypatch.chdir(tmp_path)
    code = cli_module.main([str(src.relative_to(tmp_path)), "--format", "pdf", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 1 and "bug" not in err
    assert err.strip() == f"error: output/talk.pdf: {said}; the previous outputs are unchanged"
    assert not [p for p in (tmp_path / "output").iterdir() if p.name.startswith(publish.TMP_MARK)]
    monkeypatch.setattr(api, "output_lock", lambda *a, **k: (_ for _ in ()).throw(OSError(errno_, os.strerror(errno_), "output")))
    code = cli_module.main([str(src.relative_to(tmp_path)), "--format", "pdf", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 1 and "bug" not in err and err.startswith(f"error: output: {os.strerror(errno_)} — ")


@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_build_cleans_its_temporary_files_and_says_so(tmp_path, sig, code):
    import sys

    src = small_project(tmp_path)
    # a build long enough to be stopped in the middle: a timeline of 100 events, drawn
    (tmp_path / "assets" / "data").mkdir()
    (tmp_path / "assets" / "data" / "events.csv").write_text("date,event\n" + "".join(
        f"{1950 + i // 12}-{i % 12 + 1:02d}-01,Event {i} happened and is described in a dozen words or so here\n" for i in range(100)),
        encoding="utf-8")
    text = src.read_text(encoding="utf-8").replace("      - A paragraph.\n", "      - A paragraph.\n    figures: [t]\n")
    src.write_text(text + "datasets:\n  d:\n    file: assets/data/events.csv\n    source: UN\nfigures:\n  - id: t\n    kind: timeline\n"
                          "    caption: Events\n    dataset: d\n    x: date\n    series: [event]\n    alt: A timeline.\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "briefdeck", "source/talk.yaml", "--jobs", "1"], cwd=tmp_path,
                            stderr=subprocess.PIPE, text=True)
    out = tmp_path / "output"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out / ".briefdeck" / "charts").is_dir():
        time.sleep(0.05)  # drawing has begun
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert err.strip().endswith(f"error: stopped by {sig.name}; temporary files removed; the previous outputs are unchanged")
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-briefdeck-")]
    assert not (out / "talk.pdf").exists()


def test_a_text_no_page_can_hold_is_an_error_at_its_line_never_a_bug(tmp_path, monkeypatch):
    """Below the limits everything is set; were a limit too generous, the layout's own refusal is
    located: the limits are lifted here to reach it."""
    from briefdeck import api
    from briefdeck.errors import SourceError
    from briefdeck.load import limits

    src = small_project(tmp_path)
    text = src.read_text(encoding="utf-8")
    monkeypatch.setattr(limits, "LINES", {})
    monkeypatch.setattr(limits, "MAX_TEXT", 10 ** 9)
    monkeypatch.setattr(limits, "MAX_KEY_MESSAGES", 10 ** 9)
    cases = {
        "title": (text.replace("title: Test panel", "title: " + " ".join(["word"] * 400)), 3,
                  "the title band (series, title, subtitle, organiser, place and date) is taller than the first page — shorten "
                  "the title or the subtitle (meta.short_title sets the running header) [layout.too-large]"),
        "key message": (text.replace("  - One message.", "  - " + "k" * 10_000), 12,
                        "the text beginning “kkkkkkkk"),
    }
    for name, (changed, line, said) in cases.items():
        src.write_text(changed, encoding="utf-8")
        start = time.monotonic()
        [res] = api.build([src], api.Options(formats=("pdf",), out_dir=tmp_path / "out", jobs=1))
        assert time.monotonic() - start < 60, name
        assert isinstance(res.error, SourceError), (name, res.error)
        [p] = res.error.problems
        assert (p.line, p.code) == (line, "layout.too-large"), name
        assert said in p.format() and "bug" not in p.format(), p.format()


def overlapping_words(pdf: Path) -> list[tuple[int, str, str]]:
    """Pairs of words whose boxes overlap (poppler's word boxes): text set over text, on page 1
    and in every page's running header and footer (a chart's rotated labels elsewhere have boxes
    poppler cannot tell from horizontal ones)."""
    xhtml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    for page_no, page in enumerate(re.findall(r"<page .*?</page>", xhtml, re.S), 1):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page)
            if page_no == 1 or float(d) < 0.08 * height or float(b) > 0.92 * height]
        words.sort(key=lambda t: t[1])
        for i, (x0, y0, x1, y1, w) in enumerate(words):
            for (u0, v0, u1, v1, o) in words[i + 1:]:
                if v0 >= y1 - 0.5:
                    break  # sorted by top: no later word reaches up into this one
                # a box spans the font's ascent and descent: lines set solid overlap by a few
                # points; text set over text overlaps by more than a third of a line
                if min(x1, u1) - max(x0, u0) > 0.5 and min(y1, v1) - max(y0, v0) > min(y1 - y0, v1 - v0) / 3:
                    found.append((page_no, w, o))
    return found


@pytest.mark.requires("pdftotext")
def test_the_largest_legal_sources_build_in_bounded_time(tmp_path):
    """benchmarks/largest_legal.py: every field at its limit (as words, and as one unbroken word),
    the most columns a CSV may have; each builds, brief and deck (the timeline is in benchmarks/)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("largest_legal", ROOT / "benchmarks" / "largest_legal.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    made = {p.stem: p for p in mod.make(tmp_path)}
    for name in ("largest-one-word", "largest-csv"):
        start = time.monotonic()
        proc = cli(str(made[name]), "--out", str(tmp_path / "out"), "--jobs", "1", cwd=tmp_path, timeout=180)
        assert proc.returncode == 0, proc.stderr
        assert time.monotonic() - start < 120, name
    assert (tmp_path / "out" / "largest-one-word.pdf").stat().st_size > 10_000
    # and none of it is set over other text: the key messages stayed off the tall title band (they
    # go to page 2), the running header's two lines and the footer's line and page number are cut
    assert overlapping_words(tmp_path / "out" / "largest-one-word.pdf") == []
