"""The deck, read back with python-pptx (and LibreOffice, openxml-audit where installed)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Pt

from briefdeck.load import load_document
from briefdeck.present import default_view
from briefdeck.render.pptx import build_plan, check_template, render_pptx
from briefdeck.render.pptx.plan.breaks import plain_title
from briefdeck.render.pptx.fit import Box, Measurer, Para
from briefdeck.render.pptx.plan import derive_bullet, plan_deck
from briefdeck.render.pptx.select import select
from briefdeck.theme import load_theme

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "source" / "canada-minusma-panel-2018.yaml"
TEMPLATES = sorted((ROOT / "tests" / "fixtures" / "templates").glob("*.pptx"))
AUDIT = shutil.which("openxml-audit") or next((p for p in (Path(__import__("sys").executable).parent / "openxml-audit",) if p.exists()), None)
P_NS = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
A_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
CONTENT_KINDS = {"agenda", "key-messages", "content", "chart", "quote", "recommendations", "speaker", "sources"}


@pytest.fixture(scope="module")
def theme():
    return load_theme("default")


@pytest.fixture(scope="module")
def doc():
    return load_document(SOURCE)


@pytest.fixture(scope="module")
def charts(theme, tmp_path_factory):
    from briefdeck.charts import ChartService

    return ChartService(theme, cache_dir=tmp_path_factory.mktemp("chart-cache"))


@pytest.fixture(scope="module")
def deck(doc, theme, charts, tmp_path_factory):
    out = tmp_path_factory.mktemp("deck") / "deck.pptx"
    info = render_pptx(doc, out, theme=theme, charts=charts)
    return out, info


@pytest.fixture(scope="module")
def plan(doc, theme, charts):
    return build_plan(doc, theme=theme, charts=charts)[0]


def _paras(block, indent: float = 0.36):
    from briefdeck.render.pptx.plan import measure_paras

    return measure_paras(block.paras, indent)


def _notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def _measurer(theme) -> Measurer:
    return Measurer.of_files(theme.font_file("deck", "regular"), theme.font_file("deck", "bold"),
                             theme.font_file("deck", "italic"), theme.font_file("deck", "bolditalic"))


def test_deck_has_a_slide_per_plan_entry_and_no_warnings(deck, plan):
    path, info = deck
    prs = Presentation(str(path))
    assert len(prs.slides) == info["slides"] == len(plan.slides)
    assert info["warnings"] == []
    assert abs(prs.slide_width / 914400 - 13.333) < 0.01 and prs.slide_height / 914400 == 7.5


def test_slides_use_the_layout_of_their_role(deck, plan, theme):
    prs = Presentation(str(deck[0]))
    names = theme.get("deck.layouts")
    for slide, sp in zip(prs.slides, plan.slides):
        assert slide.slide_layout.name == names[sp.role], sp.title
    kinds = [sp.kind for sp in plan.slides]
    assert kinds[0] == "title" and kinds[-1] == "sources"
    for kind in ("agenda", "key-messages", "section", "content", "chart", "quote", "recommendations", "speaker"):
        assert kind in kinds


def test_every_section_gets_a_divider_on_one_layout_numbered_in_order(plan, doc):
    """One structure: the default source's seven sections average well over two slides each, so every one
    opens on a divider, all on the same layout, "Part 1 of 7" to "Part 7 of 7"."""
    dividers = [sp for sp in plan.slides if sp.kind == "section"]
    assert [sp.section_id for sp in dividers] == [s.id for s in doc.sections]
    assert len({(sp.role, sp.variant) for sp in dividers}) == 1
    parts = [sp.block("body").paras[0].plain for sp in dividers]
    assert parts == [f"Part {n} of {len(doc.sections)}" for n in range(1, len(doc.sections) + 1)]


def test_every_content_slide_has_notes(deck, plan):
    prs = Presentation(str(deck[0]))
    for slide, sp in zip(prs.slides, plan.slides):
        if sp.kind in CONTENT_KINDS:
            assert len(_notes(slide).strip()) > 20, f"slide {sp.number} {sp.title!r} has no notes"


def test_every_sentence_of_the_talk_is_in_slides_or_notes(deck, doc):
    prs = Presentation(str(deck[0]))
    chunks = []
    for slide in prs.slides:
        chunks += [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        chunks.append(_notes(slide))
    text = " ".join(" ".join(chunks).split())
    texts = [doc.summary, *doc.key_messages, *(p for s in doc.sections for p in s.paragraphs),
             *(q.text for q in doc.quotes), *(r.text for r in doc.recommendations), *(p.bio for p in doc.people)]
    missing = [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t.plain) if " ".join(s.split()) not in text]
    assert missing == []


def test_section_prose_is_in_the_notes_of_its_content_slides(deck, plan, doc):
    prs = Presentation(str(deck[0]))
    for slide, sp in zip(prs.slides, plan.slides):
        if sp.kind == "content":
            sec = next(s for s in doc.sections if s.id == sp.section_id)
            notes = " ".join(_notes(slide).split())
            for p in sec.paragraphs:
                assert " ".join(p.plain.split()) in notes


def test_pictures_have_alt_text_and_an_svg_with_png_fallback(deck, doc):
    prs = Presentation(str(deck[0]))
    figures = {f"Figure {f.number}": f for f in doc.figures}
    seen = set()  # a figure split over slides (a long timeline) is on each of them
    for slide in prs.slides:
        for el in slide.shapes._spTree.iter(f"{P_NS}pic", f"{P_NS}graphicFrame"):
            cnv = el.find(f".//{P_NS}cNvPr")
            descr = cnv.get("descr", "")
            if el.find(f".//{A_NS}tbl") is not None:  # a native table: its caption describes it (tests/test_tables.py)
                assert descr.startswith("Table ")
                continue
            assert len(descr) > 20 and not re.search(r"\.(png|svg|jpe?g)$", descr, re.I)
            if cnv.get("name") in figures:
                assert descr == figures[cnv.get("name")].alt
            if el.tag == f"{P_NS}pic":
                blip = el.find(f".//{A_NS}blip")
                assert blip.find(".//{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip") is not None
            seen.add(cnv.get("name"))
    assert seen == set(figures)


def test_each_picture_s_png_fallback_is_its_svg_at_the_placed_size_and_theme_resolution(deck, theme):
    """A viewer without SVG shows the PNG in the SVG's place: both are the picture's placed size (the
    SVG in points, the PNG at the slide target's png_dpi), so neither is stretched or blurred."""
    import io

    from PIL import Image

    from briefdeck.charts.style import chart_style

    dpi = chart_style(theme, "slide").png_dpi
    R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    SVG_NS = "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}"
    prs = Presentation(str(deck[0]))
    seen = 0
    for slide in prs.slides:
        for shape in slide.shapes:  # a picture in a placeholder takes its size from the layout
            blip = shape._element.find(f".//{A_NS}blip") if shape._element.tag == f"{P_NS}pic" else None
            svg_blip = blip.find(f".//{SVG_NS}svgBlip") if blip is not None else None
            if svg_blip is None:
                continue
            w_in, h_in = shape.width / 914400, shape.height / 914400
            png = Image.open(io.BytesIO(slide.part.related_part(blip.get(f"{R_NS}embed")).blob))
            svg = slide.part.related_part(svg_blip.get(f"{R_NS}embed")).blob.decode("utf-8")
            m = re.search(r'<svg[^>]* width="([\d.]+)pt" height="([\d.]+)pt"', svg)
            assert m, "the SVG states its size in points"
            assert abs(float(m.group(1)) / 72 - w_in) < 0.01 and abs(float(m.group(2)) / 72 - h_in) < 0.01
            assert abs(png.width - w_in * dpi) <= 1 and abs(png.height - h_in * dpi) <= 1, (png.size, w_in, h_in)
            seen += 1
    assert seen >= 6  # the default source's charts, the long timeline on two slides


def test_chart_slides_carry_the_source_on_the_slide_and_in_the_notes(deck, plan):
    prs = Presentation(str(deck[0]))
    for slide, sp in zip(prs.slides, plan.slides):
        if sp.kind == "chart":
            on_slide = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
            assert sp.figure.provenance.source in on_slide
            assert sp.figure.provenance.source in _notes(slide)


def test_content_slides_have_footer_and_slide_number(deck, plan):
    prs = Presentation(str(deck[0]))
    for n, (slide, sp) in enumerate(zip(prs.slides, plan.slides), 1):
        types = {sh.placeholder_format.type for sh in slide.placeholders}
        fields = [f for f in slide.shapes._spTree.iter(f"{A_NS}fld") if f.get("type") == "slidenum"]
        if sp.kind == "title":
            assert not fields
            continue
        assert fields and fields[0].findtext(f"{A_NS}t") == str(n)
        footer = [sh.text_frame.text for sh in slide.placeholders if sh.placeholder_format.type == 15]
        assert footer and "25 April 2018" in footer[0], types


def _placeholder_box(shape) -> Box:
    return Box(shape.width / 914400, shape.height / 914400)


def test_no_text_overflows_its_placeholder_by_measured_height(deck, theme):
    m = _measurer(theme)
    prs = Presentation(str(deck[0]))
    for n, slide in enumerate(prs.slides, 1):
        for sh in slide.placeholders:
            if not sh.has_text_frame or not sh.text_frame.text.strip():
                continue
            box = _placeholder_box(sh)
            height = 0.0
            for p in sh.text_frame.paragraphs:
                sizes = [r.font.size.pt for r in p.runs if r.font.size]
                if not sizes:
                    continue
                marl = int(p._p.pPr.get("marL", "0")) / 914400 if p._p.pPr is not None else 0
                before = p.space_before.pt if p.space_before is not None else 0
                height += m.height_pt([Para(tuple((r.text, bool(r.font.bold)) for r in p.runs), marl, before)],
                                      max(sizes), box)
            assert height <= box.text_height_pt, f"slide {n}: {sh.name} overflows ({height:.0f} > {box.text_height_pt:.0f} pt)"


def test_body_text_is_never_under_18_pt(deck, plan):
    prs = Presentation(str(deck[0]))
    smallest = 99.0
    for slide, sp in zip(prs.slides, plan.slides):
        for sh in slide.placeholders:
            source_line = sp.kind in ("chart", "table") and sh.placeholder_format.idx == 13
            if sh.placeholder_format.type in (15, 13) or source_line or not sh.has_text_frame:
                continue  # footer, slide number and the chart's source line are chrome, like a caption
            for p in sh.text_frame.paragraphs:
                for r in p.runs:
                    if r.font.size:
                        smallest = min(smallest, r.font.size.pt)
                        assert r.font.size >= Pt(18), f"slide {sp.number}: {r.text!r} at {r.font.size.pt} pt"
    assert smallest >= 18


def test_language_is_set_on_every_run(deck, doc):
    prs = Presentation(str(deck[0]))
    for slide in prs.slides:
        for r in slide.shapes._spTree.iter(f"{A_NS}r"):
            assert r.find(f"{A_NS}rPr").get("lang") == doc.meta.language


def test_core_properties_come_from_the_source(deck, doc, theme):
    view = default_view(doc, theme)
    cp = Presentation(str(deck[0])).core_properties
    assert cp.title == view.metadata.title  # the same title as the brief's PDF metadata
    assert cp.author == "; ".join(p.name for p in doc.speakers)
    assert cp.last_modified_by == "briefdeck"
    assert cp.modified.date() == doc.meta.updated and cp.created.date() == doc.meta.updated
    assert cp.keywords == ", ".join(doc.meta.keywords)
    assert cp.comments == "" and cp.revision == 1 and cp.category == view.metadata.series


@pytest.mark.parametrize("template", ["python-pptx-default", "Vivid"])
def test_nothing_of_python_pptx_or_the_template_is_left_in_the_document_properties(doc, theme, charts, template, tmp_path):
    import zipfile

    out = tmp_path / "deck.pptx"
    render_pptx(doc, out, theme=theme, charts=charts, template=ROOT / "tests" / "fixtures" / "templates" / "corpus" / f"{template}.pptx")
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        props = b"".join(z.read(n) for n in names if n.startswith("docProps/"))
    assert not [n for n in names if "thumbnail" in n or n == "docProps/custom.xml"]
    for leftover in (b"python-pptx", b"LibreOffice", b"<Template>", b"TitlesOfParts", b"Company"):
        assert leftover not in props, leftover
    app = zipfile.ZipFile(out).read("docProps/app.xml").decode()
    assert "<Application>briefdeck</Application>" in app and f"<Slides>{len(Presentation(str(out)).slides)}</Slides>" in app
    cp = Presentation(str(out)).core_properties
    assert cp.comments == "" and cp.last_modified_by == "briefdeck" and cp.author == "; ".join(p.name for p in doc.speakers)


def test_same_document_gives_the_same_bytes(deck, doc, theme, charts, tmp_path):
    again = tmp_path / "again.pptx"
    render_pptx(doc, again, theme=theme, charts=charts)
    assert again.read_bytes() == deck[0].read_bytes()


def test_subset_by_slide_numbers(doc, theme, charts, plan, tmp_path):
    out = tmp_path / "subset.pptx"
    info = render_pptx(doc, out, theme=theme, charts=charts, slides="1-3,7")
    prs = Presentation(str(out))
    assert info["slides"] == len(prs.slides) == 4
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles == [plan.slides[i].title for i in (0, 1, 2, 6)]


def test_subset_by_section_id(doc, theme, charts, plan, tmp_path):
    sec = doc.sections[1]
    out = tmp_path / "section.pptx"
    render_pptx(doc, out, theme=theme, charts=charts, slides=sec.id)
    prs = Presentation(str(out))
    expected = [s for s in plan.slides if s.section_id == sec.id]
    assert len(prs.slides) == len(expected) >= 2
    assert plain_title(prs.slides[0].shapes.title.text) == sec.title  # no-break spaces where the title must not break
    assert all(_notes(s) for s in prs.slides)


def test_bad_subset_is_a_usage_error(plan):
    from briefdeck.errors import UsageError

    for spec in ("0-2", "5-900", "nonsense-section"):
        with pytest.raises(UsageError):
            select(plan, spec)


@pytest.mark.quick
def test_planner_splits_long_content_into_continued_slides_without_files(doc, theme):
    """Pure planning: a small body box forces splits; nothing goes below the 18 pt floor."""
    m = _measurer(theme)
    small = {role: [{"title": Box(12, 1.2), "body": Box(12, 2.0), "body2": Box(6, 2.0), "subtitle": Box(12, 1),
                     "details": Box(12, 1.5), "chart": Box(12, 4), "source": Box(12, 0.5),
                     "attribution": Box(10, 0.6)}] for role in ("title", "section", "content", "two-content", "chart", "quote", "closing")}
    plan = plan_deck(default_view(doc, theme), theme=theme, measurer=m, geometry=small)
    assert any(s.title.endswith("(continued)") or re.search(r"\(\d+ of \d+\)$", s.title) for s in plan.slides)
    for s in plan.slides:
        for slot, block in s.blocks:
            if slot in ("body", "body2"):
                assert block.size >= 18
                assert len(block.paras) <= 8
                box = small[s.role][0][slot]
                assert m.height_pt(_paras(block), block.size, box) <= box.text_height_pt, (s.title, slot)


@pytest.mark.quick
def test_derived_bullets_are_short_and_come_from_the_paragraph():
    text = ("Tensions between the Arab north and the African south have resulted in a civil war, with armed groups, "
            "criminal gangs and fundamentalist movements all fighting. As well, there are gangs.")
    b = derive_bullet(text, 12)
    assert len(b.split()) <= 13 and text.startswith(b.rstrip(" …"))


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.stem for t in TEMPLATES])
@pytest.mark.quick
def test_foreign_template_roles_are_reported(template):
    report = check_template(template)
    assert report["ok"], report["problems"]
    roles = report["roles"]
    assert roles["title"]["layout"] == "Title Slide"
    assert roles["content"]["layout"] == "Title, Content"
    assert roles["two-content"]["layout"] == "Title, 2 Content"
    assert "quote" in report["missing"]


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.stem for t in TEMPLATES])
def test_deck_builds_on_a_foreign_template_with_placeholders_filled(doc, theme, charts, template, tmp_path):
    out = tmp_path / "foreign.pptx"
    info = render_pptx(doc, out, theme=theme, charts=charts, template=template)
    prs = Presentation(str(out))
    assert len(prs.slides) == info["slides"]
    assert {s.slide_layout.name for s in prs.slides} <= set(check_template(template)["layouts"])
    for slide in prs.slides:
        # every text on a slide sits in a placeholder of the template: no free boxes, except a chart's
        # source line set under the chart when the template has no placeholder that holds it at 12 pt,
        # and a native table (in the template's table style)
        for sh in slide.shapes:
            assert sh.is_placeholder or sh.name == "Chart source" or sh.has_table, (slide.shapes.title.text if slide.shapes.title else "", sh.name)
        assert _notes(slide)
    assert AUDIT, "openxml-audit is missing — it is in the [test] extras"
    res = subprocess.run([str(AUDIT), "-f", "microsoft365", str(out)], capture_output=True, text=True)
    assert res.returncode == 0 and "Errors: 0" in res.stdout, res.stdout[-2000:]


def test_editable_figures_become_native_charts_with_data(doc, theme, charts, tmp_path):
    from dataclasses import replace

    fig = next(f for s in doc.sections for f in s.figures if f.chart.kind in ("bar", "hbar", "line", "area"))
    sections = tuple(replace(s, figures=tuple(replace(f, editable=True) if f is fig else f for f in s.figures))
                     for s in doc.sections)
    out = tmp_path / "native.pptx"
    render_pptx(replace(doc, sections=sections), out, theme=theme, charts=charts)
    prs = Presentation(str(out))
    frames = [sh for s in prs.slides for sh in s.shapes if getattr(sh, "has_chart", False) and sh.has_chart]
    assert len(frames) == 1
    chart = frames[0].chart
    assert frames[0]._element.nvGraphicFramePr.cNvPr.get("descr") == fig.alt
    assert len(chart.plots[0].categories) == len(fig.chart.table.rows)
    assert chart.font.size >= Pt(14)
    again = tmp_path / "native2.pptx"
    render_pptx(replace(doc, sections=sections), again, theme=theme, charts=charts)
    assert again.read_bytes() == out.read_bytes()
    assert AUDIT, "openxml-audit is missing — it is in the [test] extras"
    res = subprocess.run([str(AUDIT), "-f", "microsoft365", str(out)], capture_output=True, text=True)
    assert res.returncode == 0 and "Errors: 0" in res.stdout, res.stdout[-2000:]


@pytest.mark.quick
def test_template_check_rejects_a_non_deck(tmp_path):
    bad = tmp_path / "bad.pptx"
    bad.write_bytes(b"not a zip")
    report = check_template(bad)
    assert not report["ok"] and "not a .pptx" in report["problems"][0]


def test_default_deck_opens_cleanly_per_openxml_audit(deck):
    assert AUDIT, "openxml-audit is missing — it is in the [test] extras"
    res = subprocess.run([str(AUDIT), "-f", "microsoft365", str(deck[0])], capture_output=True, text=True)
    assert res.returncode == 0 and "Errors: 0" in res.stdout, res.stdout[-2000:]


@pytest.mark.requires("soffice", "pdfinfo", "pdftotext")
def test_libreoffice_converts_the_deck_with_one_page_per_slide(deck, tmp_path):
    from .conftest import tool

    path, info = deck
    profile = tmp_path / "lo-profile"
    subprocess.run([tool("soffice"), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], capture_output=True, timeout=180, check=True)
    pdf = tmp_path / "deck.pdf"
    pages = re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)
    assert int(pages.group(1)) == info["slides"]
    words = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
    # no word leaves the slide: every box lies within the page (13.333 x 7.5 in = 960 x 540 pt)
    for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', words):
        x0, y0, x1, y1 = map(float, m.groups())
        assert 0 <= x0 and x1 <= 960.5 and 0 <= y0 and y1 <= 540.5


# -- foreign (LibreOffice-saved) templates: fitted, styled as the template, placed where its masters say --
@pytest.fixture(scope="module")
def foreign_decks(doc, theme, charts, tmp_path_factory):
    out = {}
    for template in TEMPLATES:
        path = tmp_path_factory.mktemp(template.stem) / "deck.pptx"
        out[template.stem] = (path, render_pptx(doc, path, theme=theme, charts=charts, template=template))
    return out


@pytest.mark.parametrize("name", [t.stem for t in TEMPLATES])
def test_foreign_deck_has_no_fitting_warnings_and_every_text_fits_its_box_measured(foreign_decks, doc, theme, name):
    """The planner's promise, checked on its own plan: every block and title fits the box it goes to, in
    the typeface that box is set in."""
    path, info = foreign_decks[name]
    assert not [w for w in info["warnings"] if w.code == "deck.fit"]
    plan, _, tinfo, m = build_plan(doc, theme=theme, template=ROOT / "tests" / "fixtures" / "templates" / f"{name}.pptx")
    indent = theme.get("deck.type.bullet_indent_in")
    for sp in plan.slides:
        rl = tinfo.role(sp.role, sp.variant)
        for slot, block in sp.blocks:
            box = sp.source_box if slot == "source_below" else rl.slot(slot).box
            assert m.height_pt(_paras(block, indent), block.size, box) <= box.text_height_pt, (name, sp.number, slot)
        tbox = rl.slot("title").box
        if sp.title_height:
            from dataclasses import replace

            tbox = replace(tbox, height=sp.title_height)
        from briefdeck.render.pptx.fit import Para

        assert m.height_pt([Para(((sp.title, True),))], sp.title_size, tbox) <= tbox.text_height_pt, (name, sp.title)


def test_libreoffice_template_text_takes_the_masters_colours(foreign_decks):
    """Metropolis keeps its white text only in master samples: the deck's runs must carry it, as a reference
    to the theme's colour where the theme has it (so a changed theme carries through)."""
    from briefdeck.render.pptx.styles import theme_of

    prs = Presentation(str(foreign_decks["Metropolis"][0]))
    colours = set()
    for s in prs.slides:
        scheme = theme_of(s.slide_layout.slide_master)
        for sh in s.placeholders:
            if not sh.has_text_frame or sh.placeholder_format.type == 15:
                continue
            for p in sh.text_frame.paragraphs:
                for r in p.runs:
                    fill = r._r.find(f"{A_NS}rPr/{A_NS}solidFill")
                    ref = fill.find(f"{A_NS}schemeClr")
                    colours.add(scheme.scheme_rgb(ref.get("val")) if ref is not None else fill.find(f"{A_NS}srgbClr").get("val").upper())
                    assert ref is not None, r.text
    assert colours == {"FFFFFF"}


def test_multi_master_template_uses_the_masters_its_sample_slides_use(foreign_decks):
    """Blue Curve: title master (curve) for title and section slides, content master (band) for the rest."""
    prs = Presentation(str(foreign_decks["Blue_Curve"][0]))
    parts = [m.part for m in prs.slide_masters]
    masters = [parts.index(s.slide_layout.slide_master.part) for s in prs.slides]
    assert masters[0] == 0 and masters[1] == 1
    dividers = [i for i, s in enumerate(prs.slides) if any("Part " in sh.text_frame.text for sh in s.placeholders
                                                             if sh.has_text_frame)]
    assert dividers and all(masters[i] == 0 for i in dividers)
    # body text darkened from the template's light blue to at least 4.5:1 on white
    from briefdeck.charts.colour import contrast

    body = prs.slides[1].placeholders[20] if 20 in {p.placeholder_format.idx for p in prs.slides[1].placeholders} else None
    assert body is not None
    rgb = body.text_frame.paragraphs[0].runs[0]._r.find(f"{A_NS}rPr/{A_NS}solidFill/{A_NS}srgbClr").get("val")
    assert contrast(rgb, "FFFFFF") >= 4.5


def test_section_dividers_without_a_section_layout_use_the_title_layout(foreign_decks, doc):
    for name, (path, info) in foreign_decks.items():
        prs = Presentation(str(path))
        dividers = [s for s in prs.slides if s.shapes.title is not None and plain_title(s.shapes.title.text) in
                    {sec.title for sec in doc.sections} and any("Part " in sh.text_frame.text for sh in s.placeholders
                                                                if sh.has_text_frame)]
        assert dividers, name
        assert {s.slide_layout.name for s in dividers} == {"Title Slide"}, name


def test_chart_titles_on_small_title_boxes_keep_the_full_caption_in_the_notes(foreign_decks, doc):
    prs = Presentation(str(foreign_decks["Metropolis"][0]))
    captions = {f"Figure {f.number}": f.caption.plain for f in doc.figures}
    for slide in prs.slides:
        labels = [el.get("name") for el in slide.shapes._spTree.iter(f"{P_NS}cNvPr") if el.get("name") in captions]
        if labels:
            assert captions[labels[0]] in _notes(slide)


@pytest.mark.quick
def test_clause_cuts_stop_at_clauses_never_inside_a_list():
    from briefdeck.render.pptx.plan import clause_cuts

    assert clause_cuts("Malicious acts caused 174 of MINUSMA’s 311 deaths, 2013–2023") == [
        "Malicious acts caused 174 of MINUSMA’s 311 deaths"]
    assert clause_cuts("The G5 Sahel joined Mali with Mauritania, Burkina Faso, Niger and Chad") == []
    cuts = clause_cuts("By 2018 MINUSMA ranked third in deaths from attacks, and first among missions then active")
    assert cuts == ["By 2018 MINUSMA ranked third in deaths from attacks"]


def test_long_recommendations_show_their_leads_and_keep_the_text_in_the_notes(deck, plan, doc):
    prs = Presentation(str(deck[0]))
    slide, sp = next((s, p) for s, p in zip(prs.slides, plan.slides) if p.kind == "recommendations")
    body = " ".join(sh.text_frame.text for sh in slide.placeholders if sh.placeholder_format.idx == 1)
    for r in doc.recommendations:
        assert r.lead in body
        assert " ".join(r.text.plain.split()) in " ".join(_notes(slide).split())
    assert len(sp.block("body").paras) <= 6


def test_the_deck_is_zipped_from_what_python_pptx_would_save(doc, theme, charts):
    """save() zips python-pptx's package entries once instead of saving and zipping again: the
    entries (names, order, bytes) are exactly what ``prs.save`` writes, on a deck with notes and
    pictures."""
    import io
    import zipfile

    from briefdeck.render.pptx import prepare
    from briefdeck.render.pptx.package import package_entries
    from briefdeck.render.pptx.writer import DeckWriter

    view = default_view(doc, theme)
    prepared = prepare(view, theme=theme, charts=charts)
    charts.render_many(prepared.chart_requests())
    DeckWriter(prepared.prs, prepared.info, view, theme, charts).write(prepared.plan)
    buf = io.BytesIO()
    prepared.prs.save(buf)
    saved = zipfile.ZipFile(buf)
    entries = package_entries(prepared.prs)
    assert [name for name, _ in entries] == saved.namelist()
    assert all(blob == saved.read(name) for name, blob in entries)
    assert any(n.startswith("ppt/notesSlides/") for n, _ in entries) and any(n.startswith("ppt/media/") for n, _ in entries)


@pytest.mark.parametrize("template", [None, "Midnightblue", "Portfolio"])
def test_new_parts_get_the_names_python_pptx_would_give(doc, theme, charts, template, monkeypatch, tmp_path):
    """The writer's part naming (walk once, then only what is new) picks, at every call, the name of
    python-pptx's own rule (walk every part): notes slides, SVG pictures, the notes master's theme."""
    from contextlib import contextmanager

    from briefdeck.render.pptx import writer as w

    real = w.part_names
    asked: list[str] = []

    @contextmanager
    def checked(prs):
        with real(prs):
            pkg = prs.part.package
            fast = pkg.next_partname

            def both(tmpl):
                mine, theirs = fast(tmpl), type(pkg).next_partname(pkg, tmpl)
                asked.append(tmpl)
                assert mine == theirs, tmpl
                return mine

            pkg.next_partname = both
            yield

    monkeypatch.setattr(w, "part_names", checked)
    path = ROOT / "tests" / "fixtures" / "templates" / "corpus" / f"{template}.pptx" if template else None
    render_pptx(doc, tmp_path / "deck.pptx", theme=theme, charts=charts, template=path)
    assert {"/ppt/notesSlides/notesSlide%d.xml", "/ppt/media/image%d.svg"} <= set(asked)
    names = [i.filename for i in __import__("zipfile").ZipFile(tmp_path / "deck.pptx").infolist()]
    assert len(names) == len(set(names))


def _retheme(src: Path, dst: Path, face: str, accents: list[str]) -> None:
    """``src`` with its theme's major and minor fonts set to ``face`` and its accents to ``accents``."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if re.fullmatch(r"ppt/theme/theme\d+\.xml", item.filename):
                xml = data.decode("utf-8")
                xml = re.sub(r'(<a:(?:major|minor)Font><a:latin typeface=")[^"]*"', rf'\g<1>{face}"', xml)
                for i, rgb in enumerate(accents, 1):
                    xml = re.sub(rf'(<a:accent{i}><a:srgbClr val=")[0-9A-Fa-f]{{6}}"', rf'\g<1>{rgb}"', xml)
                data = xml.encode("utf-8")
            zout.writestr(item, data)


def test_a_changed_template_theme_carries_through_to_the_decks_text_and_charts(doc, theme, charts, tmp_path):
    """Issue 22: change a template's theme fonts and accent colours, and the deck follows: its text names no
    typeface or colour of its own (it takes the theme's), its chart pictures name the new face and are drawn
    in the new accents on a transparent background, and a face viewers may lack is warned about."""
    from briefdeck.charts.colour import contrast

    accents = ["7B2D26", "2E6B5E", "B5882C", "4A4E8C", "8C4A73", "3F6E9E"]
    src = ROOT / "tests" / "fixtures" / "templates" / "corpus" / "office-16x9.pptx"
    made = {}
    for face, colours in (("Calibri", None), ("Georgia", accents)):
        tpl = tmp_path / f"{face}.pptx"
        _retheme(src, tpl, face, colours or [])
        out = tmp_path / f"{face}-deck.pptx"
        made[face] = (render_pptx(doc, out, theme=theme, charts=charts, template=tpl), out)
    result, deck = made["Georgia"]
    prs = Presentation(str(deck))
    for slide in prs.slides:
        for shape in slide.shapes:
            for rpr in shape._element.iter(f"{A_NS}rPr"):
                latin = rpr.find(f"{A_NS}latin")
                assert latin is None or latin.get("typeface", "").startswith("+"), latin.get("typeface")
                rgb = rpr.find(f"{A_NS}solidFill/{A_NS}srgbClr")
                if rgb is not None:  # only a colour the template's would not read in (darkened to 4.5:1 on white)
                    assert contrast(rgb.get("val"), "FFFFFF") >= 4.5 and contrast(rgb.get("val"), "FFFFFF") < 21, shape.name
    import zipfile

    with zipfile.ZipFile(deck) as z:
        svgs = [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".svg")]
    assert svgs
    for svg in svgs:
        assert "font-family: 'Georgia'" in svg and "Carlito" not in svg
        canvas = svg.split('id="patch_1"')[1].split("</g>")[0]  # the figure's own background
        assert "fill: #" not in canvas  # transparent: the template's slide shows through
    used = " ".join(svgs).upper()
    assert sum(f"#{a}" in used for a in accents) >= 2  # the data in the template's accents
    assert any("Georgia" in w and "viewers" in w for w in map(str, result["warnings"]))
    assert not any("viewers" in str(w) for w in made["Calibri"][0]["warnings"])  # Calibri: every viewer has it or its twin


def test_every_link_ends_in_an_invisible_linked_joiner_and_a_title_link_holds_its_full_stop(deck, doc):
    """LibreOffice sets a link in the colour of the run after it and may break a line between a link
    and what follows: the last word of every linked source title came out black, and a line could
    start with its full stop. Each link closes with a word joiner linked to the same address."""
    prs = Presentation(str(deck[0]))
    links = 0
    for slide in prs.slides:
        for sh in slide.shapes:
            if not sh.has_text_frame:
                continue
            for p in sh.text_frame.paragraphs:
                runs = p.runs
                for j, r in enumerate(runs):
                    address = r.hyperlink.address
                    if not address or (j + 1 < len(runs) and runs[j + 1].hyperlink.address == address):
                        continue
                    links += 1
                    assert r.text == "\u2060", (p.text, r.text)
                    before = runs[j - 1]
                    assert before.hyperlink.address == address and before.text.strip()
                    if j + 1 < len(runs) and runs[j + 1].text.startswith(" "):  # a source: title, then publisher
                        assert before.text.endswith("."), before.text
    assert links >= len([r for r in doc.references if r.url])
