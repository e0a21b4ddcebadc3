"""A picture's image part, found and named as the deck is written (``package.part_names``: the
package walked once, then only what is new), is at every call the one python-pptx's own walk of
every relationship finds or names: decks with charts, photographs and logos (the same logo twice),
on the built-in and foreign templates (Metropolis' masters hold pictures of their own)."""
from __future__ import annotations

import io
from contextlib import contextmanager
from pathlib import Path

import pytest

from briefdeck.load import load_document
from briefdeck.render.pptx import pptx_code, render_pptx
from briefdeck.render.pptx import writer as w
from briefdeck.theme import load_theme

from .conftest import DEFAULT_SOURCE, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "templates"
PHOTO = ROOT / "tests" / "examples" / "photo-lecture.yaml"


@pytest.fixture(scope="module")
def charts(tmp_path_factory):
    from briefdeck.charts import ChartService

    return ChartService(load_theme("default"), cache_dir=tmp_path_factory.mktemp("chart-cache"))


@pytest.mark.skipif(not pptx_code.written_for(), reason="another python-pptx than 1.0.2: the shortcut is not taken (its own code runs)")
@pytest.mark.parametrize("source, template", [(DEFAULT_SOURCE, None), (DEFAULT_SOURCE, FIXTURES / "Metropolis.pptx"),
                                              (DEFAULT_SOURCE, FIXTURES / "Blue_Curve.pptx"), (PHOTO, None),
                                              (PHOTO, FIXTURES / "corpus" / "Vintage.pptx")],
                         ids=["default", "Metropolis", "Blue_Curve", "photo-lecture", "photo-lecture-Vintage"])
def test_image_parts_are_found_and_named_as_python_pptx_finds_and_names_them(source, template, charts, monkeypatch, tmp_path):
    real = w.part_names
    calls = {"found": 0, "new": 0, "named": 0}

    @contextmanager
    def checked(prs):
        with real(prs):
            pkg = prs.part.package
            fast_find, fast_name = pkg.get_or_add_image_part, pkg.next_image_partname

            def find(image_file):
                before = {id(p) for p in pkg.iter_parts()}
                theirs = type(pkg).get_or_add_image_part(pkg, image_file)  # a new one is only made, not related
                mine = fast_find(image_file)
                if id(theirs) in before:
                    assert mine is theirs
                    calls["found"] += 1
                else:
                    assert id(mine) not in before and (mine.partname, mine.blob) == (theirs.partname, theirs.blob)
                    calls["new"] += 1
                return mine

            def name(ext):
                mine, theirs = fast_name(ext), type(pkg).next_image_partname(pkg, ext)
                assert mine == theirs, ext
                calls["named"] += 1
                return mine

            pkg.get_or_add_image_part, pkg.next_image_partname = find, name
            yield

    monkeypatch.setattr(w, "part_names", checked)
    render_pptx(load_document(source), tmp_path / "deck.pptx", theme=load_theme("default"), charts=charts, template=template)
    assert calls["new"] >= 1 and calls["named"] >= calls["new"]
    names = [i.filename for i in __import__("zipfile").ZipFile(tmp_path / "deck.pptx").infolist()]
    assert len(names) == len(set(names))


def _png(colour: str) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 3), colour).save(buf, "PNG")
    return buf.getvalue()


def _images(prs) -> list:
    return [p for p in prs.part.package.iter_parts() if str(p.partname).startswith("/ppt/media/image")]


def test_the_same_picture_twice_is_one_part_and_another_gets_the_next_number():
    from pptx import Presentation

    from briefdeck.render.pptx.package import part_names

    prs = Presentation()
    with part_names(prs):
        for png in (_png("red"), _png("red"), _png("blue")):
            prs.slides.add_slide(prs.slide_layouts[6]).shapes.add_picture(io.BytesIO(png), 0, 0)
    assert sorted(str(p.partname) for p in _images(prs)) == ["/ppt/media/image1.png", "/ppt/media/image2.png"]


def test_two_parts_of_the_same_bytes_are_left_to_python_pptx_s_own_walk():
    """Which of two equal image parts python-pptx reuses depends on the order of its walk: asked of it."""
    from pptx import Presentation
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.parts.image import Image, ImagePart

    from briefdeck.render.pptx.package import part_names

    prs = Presentation()
    red = _png("red")
    for _ in range(2):  # two parts of the same picture, as a template may hold
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        slide.part.relate_to(ImagePart.new(prs.part.package, Image.from_blob(red)), RT.IMAGE)
    pkg = prs.part.package
    expected = type(pkg).get_or_add_image_part(pkg, io.BytesIO(red))
    with part_names(prs):
        assert pkg.get_or_add_image_part(io.BytesIO(red)) is expected
    assert len(_images(prs)) == 2
