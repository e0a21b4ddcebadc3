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
import re
import shutil
import subprocess
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
