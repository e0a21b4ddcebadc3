"""Measuring deck text: the same on every machine, with the font of each typeface a template names."""
from __future__ import annotations

import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation

from briefdeck.errors import TemplateError
from briefdeck.render.pptx import prepare
from briefdeck.render.pptx.fit import Family, Measurer, Para
from briefdeck.render.pptx.fonts import build_measurer, embedded_fonts, font_from_fntdata
from briefdeck.render.pptx.template.opening import open_clean_template
from briefdeck.render.pptx.template.ranking import map_roles
from briefdeck.theme import load_theme

from .conftest import ROOT

pytestmark = pytest.mark.quick

CORPUS = ROOT / "tests" / "fixtures" / "templates" / "corpus"
FONTS = ROOT / "briefdeck" / "builtin" / "fonts"
R_FONT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font"


@pytest.fixture(scope="module")
def theme():
    return load_theme("default")


def _info(path: Path, theme):
    prs, path, _ = open_clean_template(path, theme)
    return map_roles(prs, path, theme)


def test_every_face_of_the_table_is_measured_with_files_shipped_and_documented(theme):
    faces = theme.get("deck.measure.faces")
    measurer, how, files = build_measurer(theme, list(faces), "calibri")
    assert {k: v.how for k, v in how.items()} == {k: "table" for k in faces}
    readme = (FONTS / "README.md").read_text(encoding="utf-8")
    for f in files:
        assert f.parent == FONTS and f.name in readme, f  # shipped, with its licence and sha256 listed
    assert (FONTS / "licences").is_dir() and len(list((FONTS / "licences").iterdir())) >= 5


@pytest.mark.parametrize("face, core", [("Arial", "Helvetica"), ("Helvetica", "Helvetica"), ("Times New Roman", "Times-Roman"),
                                        ("Courier New", "Courier")])
def test_office_faces_are_measured_with_their_metric_twins(theme, face, core):
    """Liberation's advance widths are the Office faces' (Arial = Helvetica's AFM widths, which reportlab ships)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    m, _, _ = build_measurer(theme, [face], face)
    text = "".join(chr(c) for c in range(32, 127))
    for bold, suffix in ((False, ""), (True, "-Bold")):
        name = core if not bold else {"Times-Roman": "Times-Bold"}.get(core, core + "-Bold")
        ours = m.width_pt(text, 1000, bold=bold, face=face.lower())
        assert abs(ours - stringWidth(text, name, 1000)) < 0.5 * len(text), (face, bold)


def test_calibri_and_cambria_have_their_open_twins(theme):
    m, how, _ = build_measurer(theme, ["Calibri", "Cambria"], "Calibri")
    assert how["calibri"].detail == "carlito" and how["cambria"].detail == "caladea"


def test_a_face_viewers_may_lack_is_measured_as_wide_as_what_replaces_it(theme):
    """Georgia is drawn in DejaVu Serif where it is missing (LibreOffice on Linux): both bound the width."""
    m, how, _ = build_measurer(theme, ["Georgia"], "Georgia")
    assert how["georgia"].detail == "gelasio, dejavu-serif"
    serif = Family({"regular": FONTS / "DejaVuSerif.ttf", "bold": FONTS / "DejaVuSerif-Bold.ttf"})
    gelasio = Family({"regular": FONTS / "Gelasio-Regular.ttf", "bold": FONTS / "Gelasio-Bold.ttf"})
    for word in ("Peacekeeping", "JWXY/0", "MINUSMA"):
        expect = max(f.get(False, False).width_em(word) for f in (serif, gelasio))
        assert m.width_pt(word, 1, face="georgia") == pytest.approx(expect)


def test_line_height_does_not_depend_on_the_typeface(theme):
    """PowerPoint and LibreOffice set 100 % spacing at 1.2 em for every face (measured in LibreOffice)."""
    m, _, _ = build_measurer(theme, ["Calibri", "Arial", "Source Sans Pro", "Frutiger"], "Calibri")
    assert m.line_height_pt(20) == pytest.approx(24.0)
    box = __import__("briefdeck.render.pptx.fit", fromlist=["Box"]).Box(10, 5)
    for face in ("calibri", "arial", "source sans pro", "frutiger"):
        assert m.height_pt([Para((("one line", False),))], 20, __import__("dataclasses").replace(box, face=face)) == 24.0


def test_titles_and_body_are_measured_in_their_own_faces(theme):
    """classic-4x3: Georgia titles, Arial text; its section titles are drawn in capitals (cap="all")."""
    info = _info(CORPUS / "classic-4x3.pptx", theme)
    content = info.role("content")
    assert content.slot("title").box.face == "Georgia" and content.slot("body").box.face == "Arial"
    section = info.role("section")
    assert section.slot("title").box.face == "Georgia+caps"
    m = info.measurer
    assert m.width_pt("Roots", 20, face="georgia+caps") == m.width_pt("ROOTS", 20, face="georgia")


def test_libreoffice_masters_give_the_faces_of_their_placeholders(theme):
    info = _info(CORPUS / "Vivid.pptx", theme)
    assert info.role("content").slot("body").box.face == "Source Sans Pro"
    assert {k: v.how for k, v in info.faces.items()}["source sans pro"] == "table"


def test_a_face_nobody_ships_is_measured_wide_and_named_in_one_warning(theme):
    info = _info(CORPUS / "corporate-font.pptx", theme)
    assert info.faces["frutiger lt std"].how == "fallback"
    fonts = [p for p in info.problems if p.code == "deck.font"]
    assert len(fonts) == 1
    assert fonts[0].file.endswith("corporate-font.pptx") and fonts[0].severity == "warning"
    assert "Frutiger LT Std" in fonts[0].message and "corporate-font.layouts.yaml" in fonts[0].message
    wide = Measurer.of_files(FONTS / "DejaVuSerif.ttf", FONTS / "DejaVuSerif-Bold.ttf")
    assert info.measurer.width_pt("Peacekeeping", 20, face="frutiger lt std") >= wide.width_pt("Peacekeeping", 20)


def test_a_font_file_named_beside_the_template_measures_its_face(theme, tmp_path):
    template = tmp_path / "corp.pptx"
    shutil.copy(CORPUS / "corporate-font.pptx", template)
    (tmp_path / "assets" / "fonts").mkdir(parents=True)
    shutil.copy(FONTS / "SourceSansPro-Regular.ttf", tmp_path / "assets" / "fonts" / "Frutiger.ttf")
    (tmp_path / "corp.layouts.yaml").write_text("fonts: {Frutiger LT Std: assets/fonts/Frutiger.ttf}\n", encoding="utf-8")
    info = _info(template, theme)
    assert info.faces["frutiger lt std"].how == "user"
    assert not [p for p in info.problems if p.code == "deck.font"]
    ssp = Measurer.of_files(FONTS / "SourceSansPro-Regular.ttf", FONTS / "SourceSansPro-Regular.ttf")
    assert info.measurer.width_pt("Peacekeeping", 20, face="frutiger lt std") == ssp.width_pt("Peacekeeping", 20)
    assert tmp_path / "corp.layouts.yaml" in info.inputs() and tmp_path / "assets" / "fonts" / "Frutiger.ttf" in info.inputs()


def test_a_side_file_naming_a_missing_or_bad_font_is_a_located_error(theme, tmp_path):
    template = tmp_path / "corp.pptx"
    shutil.copy(CORPUS / "corporate-font.pptx", template)
    side = tmp_path / "corp.layouts.yaml"
    side.write_text("fonts: {Frutiger LT Std: nowhere.ttf}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="nowhere.ttf"):
        _info(template, theme)
    (tmp_path / "bad.ttf").write_text("not a font", encoding="utf-8")
    side.write_text("fonts: {Frutiger LT Std: bad.ttf}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="not a TrueType"):
        _info(template, theme)


def _eot(font: bytes, flags: int = 0) -> bytes:
    """An EOT container around ``font`` as PowerPoint writes .fntdata (version 0x00020001)."""
    if flags & 0x10000000:
        font = bytes(b ^ 0x50 for b in font)
    names = b""
    for _ in range(4):  # family, style, version, full name: empty, each with its padding
        names += struct.pack("<HH", 0, 0)
    names += struct.pack("<HH", 0, 0)  # root string
    head_len = 82 + len(names)
    head = struct.pack("<IIII", head_len + len(font), len(font), 0x00020001, flags)
    head += bytes(10) + bytes([1, 0]) + struct.pack("<IHH", 400, 0, 0x504C) + bytes(4 * 4 + 4 * 2 + 4 + 4 * 4) + bytes(2)
    assert len(head) == 82
    return head + names + font


def test_embedded_font_data_is_read_in_every_form_powerpoint_and_word_write():
    ttf = (FONTS / "Gelasio-Regular.ttf").read_bytes()
    assert font_from_fntdata(ttf) == ttf
    assert font_from_fntdata(_eot(ttf)) == ttf
    assert font_from_fntdata(_eot(ttf, 0x10000000)) == ttf  # XOR-encrypted EOT data
    guid = "{1A2B3C4D-5E6F-7081-92A3-B4C5D6E7F809}"
    key = bytes.fromhex(guid.strip("{}").replace("-", ""))[::-1]
    obfuscated = bytes(b ^ key[i % 16] for i, b in enumerate(ttf[:32])) + ttf[32:]
    assert font_from_fntdata(obfuscated, f"/ppt/fonts/{guid}.odttf") == ttf
    assert font_from_fntdata(_eot(ttf, 0x4)) is None  # MicroType Express: not decoded, skipped
    assert font_from_fntdata(b"\x00" * 200) is None


def test_a_font_embedded_in_the_template_measures_its_face(theme, tmp_path):
    template = tmp_path / "embedded.pptx"
    prs = Presentation(str(CORPUS / "corporate-font.pptx"))
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI
    from pptx.oxml import parse_xml

    part = Part(PackURI("/ppt/fonts/font1.fntdata"), "application/x-fontdata", prs.part.package,
                _eot((FONTS / "Gelasio-Regular.ttf").read_bytes()))
    rid = prs.part.relate_to(part, R_FONT)
    lst = parse_xml('<p:embeddedFontLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
                    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><p:embeddedFont>'
                    f'<p:font typeface="Frutiger LT Std"/><p:regular r:id="{rid}"/></p:embeddedFont></p:embeddedFontLst>')
    prs.part._element.find("{http://schemas.openxmlformats.org/presentationml/2006/main}notesSz").addnext(lst)
    prs.save(str(template))
    assert set(embedded_fonts(Presentation(str(template)))) == {"frutiger lt std"}
    info = _info(template, theme)
    assert info.faces["frutiger lt std"].how == "embedded"
    assert not [p for p in info.problems if p.code == "deck.font"]
    gelasio = Measurer.of_files(FONTS / "Gelasio-Regular.ttf", FONTS / "Gelasio-Regular.ttf")
    assert info.measurer.width_pt("Peacekeeping", 20, face="frutiger lt std") == gelasio.width_pt("Peacekeeping", 20)


def test_the_measuring_code_never_asks_the_machine_for_fonts():
    for f in (ROOT / "briefdeck" / "render" / "pptx").glob("*.py"):
        text = f.read_text(encoding="utf-8")
        assert "fc-match" not in text and "fontconfig" not in text.lower().replace("through fontconfig", ""), f.name
        assert "/usr/share/fonts" not in text, f.name


def test_measurement_fonts_are_build_inputs(theme):
    from briefdeck.load import load_document
    from briefdeck.present import default_view

    doc = load_document(ROOT / "source" / "canada-minusma-panel-2018.yaml")
    prepared = prepare(default_view(doc, theme), theme=theme, options={"template": CORPUS / "classic-4x3.pptx"})
    names = {p.name for p in prepared.inputs()}
    assert {"classic-4x3.pptx", "LiberationSans-Regular.ttf", "Gelasio-Regular.ttf", "DejaVuSerif.ttf"} <= names


def test_fonts_in_the_wheel_are_the_files_the_table_names():
    """Every file deck.yaml names is in the package data (pyproject ships builtin/**/*)."""
    theme = load_theme("default")
    named = {f for files in theme.get("deck.measure.families").values() for f in files}
    assert named <= {p.name for p in FONTS.glob("*.ttf")}
    with zipfile.ZipFile(FONTS.parent / "templates" / "default.pptx") as z:  # the default template names Calibri
        assert b"Calibri" in z.read("ppt/theme/theme1.xml")
