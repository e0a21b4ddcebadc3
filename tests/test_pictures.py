"""Pictures (issue 25): intake (limits, hostile files, orientation, metadata, sRGB, stable bytes) and
the logo in every output, read back: the brief's page-1 Figure with /Alt, the deck's title-slide
picture with its description, the web page's <img alt>."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefdeck.images import MAX_FILE_BYTES, Refused, intake

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "broken" / "data"
EXAMPLE = ROOT / "tests" / "examples" / "two-speaker-panel.yaml"
ORGANISER = "Atelier de données sur la paix et la sécurité"


def _photo(orientation: int = 6, gps: bool = True) -> bytes:
    """A 40 × 20 JPEG, red on the left half and blue on the right, with an orientation tag, GPS
    position, camera make and model, and an ICC profile."""
    from PIL import Image, ImageCms

    im = Image.new("RGB", (40, 20), (220, 20, 20))
    im.paste((20, 20, 220), (20, 0, 40, 20))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0110] = "Model X"  # Model
    if gps:
        exif[0x8825] = {1: "N", 2: (45.0, 30.0, 0.0), 3: "W", 4: (73.0, 35.0, 0.0)}  # GPSInfo
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif.tobytes(), icc_profile=icc, quality=95)
    return out.getvalue()


@pytest.mark.quick
def test_exif_orientation_is_honoured_and_metadata_stripped(tmp_path):
    from PIL import Image

    src = tmp_path / "photo.jpg"
    src.write_bytes(_photo(orientation=6))
    with Image.open(src) as im0:  # the file does carry a position
        assert im0.getexif().get(0x8825) is not None
    got = intake(src, "photo.jpg")
    assert (got.format, got.width, got.height) == ("jpeg", 20, 40)  # turned upright: 90° clockwise
    im = Image.open(io.BytesIO(got.raster))
    assert im.format == "JPEG" and im.size == (20, 40)
    r, g, b = im.convert("RGB").getpixel((10, 5))
    assert r > 150 and b < 80  # the left half (red) is on top once turned
    assert dict(im.getexif()) == {} and "exif" not in im.info and "icc_profile" not in im.info
    for marker in (b"Exif", b"SpyCam", b"Model X", b"GPS"):
        assert marker not in got.raster


@pytest.mark.quick
def test_reencoding_is_byte_stable_and_svg_gets_a_png_fallback(tmp_path):
    src = tmp_path / "photo.jpg"
    src.write_bytes(_photo())
    assert intake(src, "a.jpg").raster == intake(src, "a.jpg").raster
    logo = ROOT / "assets" / "pictures" / "atelier-logo.svg"
    a, b = intake(logo, "logo.svg"), intake(logo, "logo.svg")
    assert a.svg == logo.read_bytes() and a.raster == b.raster and a.raster.startswith(b"\x89PNG")
    assert (a.width, a.height) == (240, 80)


HOSTILE = {  # file -> words its refusal must hold
    "bomb.png": "400,000,000 pixels",
    "truncated.jpg": "truncated",
    "mislabelled.png": "holds a JPEG image but is named as PNG",
    "script.svg": "<script>",
    "external.svg": "https://example.org/track.png",
    "entity.svg": "DTD or entities",
    "foreign.svg": "<foreignObject>",
}


@pytest.mark.quick
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_pictures_are_refused_saying_why(name):
    with pytest.raises(Refused) as exc:
        intake(BROKEN / name, name)
    assert HOSTILE[name] in str(exc.value) and " — " in str(exc.value)


@pytest.mark.quick
@pytest.mark.parametrize("svg, words", [
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"/>', "event handler 'onload'"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><image href="file:///etc/passwd"/></svg>', "file:///etc/passwd"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><style>@import url(http://x.org/a.css);</style></svg>', "@import"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect style="fill:url(https://x.org/p)"/></svg>', "https://x.org/p"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><a href="javascript:alert(1)"><rect/></a></svg>', "javascript:"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><set attributeName="href" to="javascript:x"/></svg>', "animation"),
])
def test_svg_that_reaches_out_or_runs_code_is_refused(tmp_path, svg, words):
    p = tmp_path / "x.svg"
    p.write_text(svg, encoding="utf-8")
    with pytest.raises(Refused, match=None) as exc:
        intake(p, "x.svg")
    assert words in str(exc.value)


def _project(tmp_path: Path, event_extra: str, people_extra: str = "") -> Path:
    (tmp_path / "assets").mkdir(exist_ok=True)
    src = tmp_path / "event.yaml"
    src.write_text(f"""briefdeck: 1
event:
  title: Test panel
  organiser: Test organiser
  date: 2018-04-25
  place: Ottawa
{event_extra}
people:
  - id: ana
    name: Ana Example
{people_extra}
summary: A summary.
key_messages:
  - One message.
sections:
  - id: intro
    title: Introduction
    paragraphs:
      - A paragraph.
""", encoding="utf-8")
    return src


def _check(src: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--check", src.name], cwd=src.parent,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.quick
def test_oversized_picture_exits_2_located(tmp_path):
    big = tmp_path / "assets" / "big.png"
    big.parent.mkdir()
    with open(big, "wb") as f:  # a PNG signature, then more bytes than a picture may have (sparse)
        f.write(b"\x89PNG\r\n\x1a\n")
        f.truncate(MAX_FILE_BYTES + 1)
    src = _project(tmp_path, "  logo: assets/big.png")
    proc = _check(src)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "event.yaml:7:9: error: 'assets/big.png' is 20.0 MB, more than the 20 MB a picture may be" in proc.stderr


@pytest.mark.quick
def test_alt_text_rules(tmp_path):
    from briefdeck.errors import SourceError
    from briefdeck.load import load_document

    (tmp_path / "assets").mkdir()
    shutil.copy(ROOT / "assets" / "pictures" / "grace-hopper.jpg", tmp_path / "assets" / "p.jpg")
    ok = load_document(_project(tmp_path, "  logo: {file: assets/p.jpg, decorative: true}",
                                "    photo: {file: assets/p.jpg, alt: A portrait, credit: US Navy, licence: public domain}"))
    assert ok.event.logo.decorative and ok.event.logo.alt == ""
    assert ok.people[0].photo.alt == "A portrait" and ok.people[0].photo.licence == "public domain"
    logo = load_document(_project(tmp_path, "  logo: assets/p.jpg")).event.logo
    assert logo.alt == "Test organiser" and not logo.decorative  # a logo's alt text: its organisation's name
    with pytest.raises(SourceError) as exc:
        load_document(_project(tmp_path, "  logo: {file: assets/p.jpg, decorative: true, alt: Logo}"))
    assert "marked decorative and has alt text" in str(exc.value)


# -- the outputs ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def example_build(tmp_path_factory):
    from briefdeck import api

    out = tmp_path_factory.mktemp("pictures")
    results = api.build([EXAMPLE], api.Options(out_dir=out))
    assert results[0].ok, results[0].error
    return out


def test_brief_page_1_has_the_logo_as_a_figure_with_alt(example_build):
    from .pdf_tags import read
    from .test_pdf_tags import pdfua_check

    pdf = example_build / f"{EXAMPLE.stem}.pdf"
    pdfua_check(pdf)
    tagged = read(pdf)
    logos = [e for e in tagged.root.walk() if e.std == "Figure" and e.alt == ORGANISER]
    assert [e.page for e in logos][:1] == [0] and len(logos) == 2  # page 1's title band, then the back page
    assert logos[0].attrs.get("/O") == "/Layout" and len(logos[0].attrs["/BBox"]) == 4
    last = max(e.page for e in tagged.root.walk() if e.page is not None)
    assert logos[1].page == last


def test_deck_title_slide_has_the_logo_with_its_description_clear_of_text(example_build):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    prs = Presentation(example_build / f"{EXAMPLE.stem}.pptx")
    first = prs.slides[0]
    pics = [s for s in first.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pics) == 1
    pic = pics[0]
    assert pic._element.nvPicPr.cNvPr.get("descr") == ORGANISER
    blip = pic._element.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
    svg = blip.find(".//{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip")
    assert svg is not None  # PowerPoint draws the SVG, others the PNG beside it
    assert pic.image.content_type == "image/png" and pic.height >= 0.45 * 914400
    for s in first.placeholders:  # never over the slide's text
        assert (pic.left >= s.left + s.width or s.left >= pic.left + pic.width
                or pic.top >= s.top + s.height or s.top >= pic.top + pic.height), s.name


def test_web_page_embeds_the_logo_with_alt(example_build):
    html = (example_build / f"{EXAMPLE.stem}.html").read_text(encoding="utf-8")
    assert '<p class="brand"><img class="logo" src="data:image/svg+xml;base64,' in html
    assert f'alt="{ORGANISER}"' in html and "http://" not in html.split("<body", 1)[1].split('class="brand"')[1][:2000]


def test_rebuilds_are_byte_identical_and_a_picture_change_rebuilds(tmp_path):
    from briefdeck import api
    from briefdeck.scaffold import init

    init(tmp_path / "p")
    src = next((tmp_path / "p" / "source").glob("*.yaml"))
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert api.build([src], api.Options(out_dir=out))[0].ok
    for f in sorted(a.glob(f"{src.stem}.*")):
        assert f.read_bytes() == (b / f.name).read_bytes(), f.name
    logo = tmp_path / "p" / "assets" / "pictures" / "logo.svg"
    assert logo.is_file()
    again = api.build([src], api.Options(out_dir=a))[0]
    assert {x.status for x in again.artefacts} == {"up-to-date"}
    logo.write_text(logo.read_text(encoding="utf-8").replace("#2d6a4f", "#7a1f1f"), encoding="utf-8")
    changed = api.build([src], api.Options(out_dir=a))[0]
    assert {x.status for x in changed.artefacts} == {"built"}


def test_decorative_logo_is_an_artifact_and_marked_decorative(tmp_path):
    from briefdeck import api
    from pptx import Presentation
    from .pdf_tags import read

    (tmp_path / "assets").mkdir()
    shutil.copy(ROOT / "assets" / "pictures" / "atelier-logo.svg", tmp_path / "assets" / "l.svg")
    src = _project(tmp_path, "  logo: {file: assets/l.svg, decorative: true}")
    assert api.build([src], api.Options(out_dir=tmp_path / "out"))[0].ok
    assert not [e for e in read(tmp_path / "out" / "event.pdf").root.walk() if e.std == "Figure"]
    slide = Presentation(tmp_path / "out" / "event.pptx").slides[0]
    xml = [p for p in slide.shapes if p.shape_type == 13][0]._element.nvPicPr.cNvPr
    assert xml.get("descr") is None
    assert xml.find(".//{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative").get("val") == "1"
    assert 'alt=""' in (tmp_path / "out" / "event.html").read_text(encoding="utf-8")


def test_speaker_photo_is_upright_without_metadata_in_the_brief_and_the_web_page(tmp_path):
    """A photo with an orientation tag and a GPS position: the brief's about box holds it as a Figure
    with its alt text, embedded upright (taller than wide) as a JPEG with no EXIF; the web page too."""
    import pikepdf

    from briefdeck import api

    from .pdf_tags import read

    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "p.jpg").write_bytes(_photo(orientation=6))
    src = _project(tmp_path, "", "    photo: {file: assets/p.jpg, alt: Ana Example speaking, credit: Test}")
    assert api.build([src], api.Options(out_dir=tmp_path / "out"))[0].ok
    pdf = tmp_path / "out" / "event.pdf"
    assert [e.alt for e in read(pdf).root.walk() if e.std == "Figure"] == ["Ana Example speaking"]
    with pikepdf.open(pdf) as p:
        images = [img for page in p.pages for _, img in page.get_images().items()]
        assert len(images) == 1 and (images[0].Width, images[0].Height) == (20, 40)
        data = images[0].read_raw_bytes()
    assert data.startswith(b"\xff\xd8") and b"Exif" not in data and b"SpyCam" not in data
    html = (tmp_path / "out" / "event.html").read_text(encoding="utf-8")
    assert '<img class="photo" src="data:image/jpeg;base64,' in html and 'alt="Ana Example speaking"' in html


PHOTO_LECTURE = ROOT / "tests" / "examples" / "photo-lecture.yaml"
HOPPER_ALT = "Portrait photograph of Commodore Grace M. Hopper in her US Navy uniform, 1984."


@pytest.fixture(scope="module")
def photo_build(tmp_path_factory):
    from briefdeck import api

    out = tmp_path_factory.mktemp("photo-lecture")
    results = api.build([PHOTO_LECTURE], api.Options(out_dir=out))
    assert results[0].ok, results[0].error
    return out


@pytest.mark.quick
def test_a_photograph_is_a_numbered_figure_with_credit_and_licence():
    from briefdeck.load import load_document
    from briefdeck.present import default_view
    from briefdeck.theme import load_theme

    doc = load_document(PHOTO_LECTURE)
    (fig,) = doc.figures
    assert fig.number == 1 and fig.picture is not None and fig.alt == HOPPER_ALT and doc.charted_figures == ()
    assert (fig.picture.width, fig.picture.height) == (512, 600) and fig.picture.format == "jpeg"
    view = default_view(doc, load_theme("default"))
    assert view.source_line(fig).plain == "Photo: James S. Davis, United States Navy. Licence: public domain."
    assert "Figure 1" in doc.sections[0].paragraphs[0].plain


def test_photograph_figure_in_every_output(photo_build):
    """The brief: a Figure with the alt text after its caption, the credit line under it, the JPEG
    embedded as re-encoded (no EXIF); the deck: the picture on its figure slide with its description,
    in its own shape; the web page: an <img> with the alt text."""
    import pikepdf
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    from .pdf_tags import read
    from .test_pdf_tags import pdfua_check

    pdf = photo_build / "photo-lecture.pdf"
    pdfua_check(pdf)
    figs = [e for e in read(pdf).root.walk() if e.std == "Figure"]
    assert [e.alt for e in figs] == ["Example Data Seminar", HOPPER_ALT, "Example Data Seminar"]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Photo: James S. Davis, United States Navy. Licence: public domain." in " ".join(text.split())
    with pikepdf.open(pdf) as p:
        (img,) = [i for page in p.pages for _, i in page.get_images().items()]
        assert (img.Width, img.Height) == (512, 600) and b"Exif" not in img.read_raw_bytes()
    prs = Presentation(photo_build / "photo-lecture.pptx")
    pics = [(i, s) for i, slide in enumerate(prs.slides) for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE
            and s._element.nvPicPr.cNvPr.get("descr") == HOPPER_ALT]
    assert len(pics) == 1
    i, pic = pics[0]
    assert abs(pic.width / pic.height - 512 / 600) < 0.01  # its own shape, not stretched to the box
    assert "Grace Hopper in 1984" in prs.slides[i].shapes.title.text_frame.text.replace("\xa0", " ")
    html = (photo_build / "photo-lecture.html").read_text(encoding="utf-8")
    assert '<img class="photograph" src="data:image/jpeg;base64,' in html and f'alt="{HOPPER_ALT}"' in html


@pytest.mark.parametrize("template", ["Midnightblue", "classic-4x3", "dark-corporate", "Vintage"])
def test_logo_on_foreign_templates_is_clear_of_text_and_the_deck_audits_clean(tmp_path, template):
    """On a template of someone else's the title slide's logo still lands in a corner clear of every
    placeholder the slide fills, and the deck (logo with its SVG, the photograph) passes openxml-audit."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    from briefdeck import api

    tpl = ROOT / "tests" / "fixtures" / "templates" / "corpus" / f"{template}.pptx"
    opts = api.Options(formats=("pptx",), out_dir=tmp_path, settings=(("template", tpl),))
    [res] = api.build([PHOTO_LECTURE], opts)
    assert res.ok, res.error
    deck = tmp_path / "photo-lecture.pptx"
    first = Presentation(deck).slides[0]
    (logo,) = [s for s in first.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert logo._element.nvPicPr.cNvPr.get("descr") == "Example Data Seminar"
    for s in first.placeholders:
        assert (logo.left >= s.left + s.width or s.left >= logo.left + logo.width
                or logo.top >= s.top + s.height or s.top >= logo.top + logo.height), s.name
    audit = shutil.which("openxml-audit") or str(Path(sys.executable).parent / "openxml-audit")
    run = subprocess.run([audit, "-f", "microsoft365", str(deck)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
