"""python-pptx's placeholder cloning, recorded once per layout (notes master) and copied after
(``render/pptx/clones.py``), makes what python-pptx's own cloning makes: on every layout of every
template in the fixtures, for a slide and its notes slide, on notes masters python-pptx makes
(the templates have none) and ones a template brings. Whole decks on the built-in and two foreign
templates come out byte-identical to decks written with python-pptx's own cloning and notes
(``render/pptx/notes.py``)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.oxml.slide import CT_NotesSlide
from pptx.shapes.shapetree import SlideShapes
from pptx.slide import NotesSlide

from briefdeck.render.pptx import clones, pptx_code, render_pptx, writer
from briefdeck.render.pptx.template.opening import default_template
from briefdeck.theme import load_theme

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "templates"
TEMPLATES = sorted(FIXTURES.glob("*.pptx")) + sorted((FIXTURES / "corpus").glob("*.pptx"))
P = "http://schemas.openxmlformats.org/presentationml/2006/main"


@pytest.fixture
def python_pptx_own(monkeypatch):
    """Within a test: python-pptx's own cloning and notes, as if ``clones`` had never been installed
    and the writer had no ``set_notes``."""
    def own():
        assert clones.install()
        for cls, name in ((SlideShapes, "clone_layout_placeholders"), (NotesSlide, "clone_master_placeholders")):
            monkeypatch.setattr(cls, name, getattr(cls, name)._original)
        monkeypatch.setattr(CT_NotesSlide, "new", classmethod(CT_NotesSlide.new.__func__._original))
        monkeypatch.setattr(writer, "set_notes", lambda *args: False)
    return own


def _parts(prs) -> dict:
    """Every part's bytes by its name, as saved."""
    buf = io.BytesIO()
    prs.save(buf)
    with zipfile.ZipFile(buf) as z:
        return {n: z.read(n) for n in z.namelist()}


def _every_layout_twice(path: Path):
    """A presentation on the template with two slides on each of its layouts (the second a copy of
    the first's recording), each with its notes slide."""
    prs = Presentation(str(path))
    for master in prs.slide_masters:
        for layout in master.slide_layouts:
            for _ in range(2):
                slide = prs.slides.add_slide(layout)
                slide.notes_slide.notes_text_frame.text = layout.name
    return prs


def _with_own_notes_master(tmp_path: Path) -> Path:
    """A template that brings its own notes master, unlike python-pptx's: the body placeholder first,
    vertical, of another size, and no slide image."""
    prs = Presentation(str(default_template(load_theme("default"))))
    prs.notes_master  # python-pptx's default one, made now, changed below
    tree = prs.notes_master.shapes._spTree
    sps = [sp for sp in tree.iter(f"{{{P}}}sp") if sp.find(f".//{{{P}}}ph") is not None]
    for sp in sps:
        ph = sp.find(f".//{{{P}}}ph")
        if ph.get("type") == "sldImg":
            tree.remove(sp)
        elif ph.get("type") == "body":
            ph.set("orient", "vert")
            ph.set("sz", "half")
            tree.remove(sp)
            tree.insert(2, sp)
    out = tmp_path / "own-notes-master.pptx"
    prs.save(str(out))
    return out


def test_installed_only_on_the_python_pptx_it_was_written_for():
    if pptx_code.digest() != pptx_code.DIGEST:  # another python-pptx (CI installs the newest): its own code runs
        assert not clones.install() and not pptx_code.written_for()
        assert not getattr(SlideShapes.clone_layout_placeholders, "_briefdeck", False)
        return
    assert clones.install()
    assert SlideShapes.clone_layout_placeholders._briefdeck and NotesSlide.clone_master_placeholders._briefdeck
    assert CT_NotesSlide.new.__func__._briefdeck
    first, second = CT_NotesSlide.new(), CT_NotesSlide.new()  # copies, never one element twice
    assert first is not second and isinstance(first, CT_NotesSlide)
    assert etree.tostring(first) == etree.tostring(second) == etree.tostring(CT_NotesSlide.new.__func__._original(CT_NotesSlide))


@pytest.mark.skipif(not pptx_code.written_for(), reason="another python-pptx than 1.0.2: the shortcut is not taken (its own code runs)")
@pytest.mark.parametrize("template", TEMPLATES + [None], ids=lambda t: t.stem if t else "own-notes-master")
def test_every_layout_and_notes_slide_is_cloned_as_python_pptx_clones_it(template, python_pptx_own, tmp_path, monkeypatch):
    path = template or _with_own_notes_master(tmp_path)
    assert clones.install()
    monkeypatch.setattr(clones, "_KEPT", 1000)  # Grey_Elegant has more layouts than a deck keeps recordings of
    memo = SlideShapes.clone_layout_placeholders._memo
    memo.clear()
    replayed = _parts(_every_layout_twice(path))
    layouts = sum(len(m.slide_layouts) for m in Presentation(str(path)).slide_masters)
    distinct = {etree.tostring(layout.element) for m in Presentation(str(path)).slide_masters for layout in m.slide_layouts}
    assert len(memo) == len(distinct) + 1  # each layout's clone recorded, and the notes master's ...
    assert None not in memo.values()  # ... and replayed
    python_pptx_own()
    own = _parts(_every_layout_twice(path))
    assert replayed.keys() == own.keys()
    assert sum(n.startswith("ppt/notesSlides/notesSlide") for n in own) == 2 * layouts > 0
    for name in own:
        assert replayed[name] == own[name], name


def test_a_template_s_own_notes_master_is_what_its_notes_slides_are_cloned_from(tmp_path):
    path = _with_own_notes_master(tmp_path)
    prs = Presentation(str(path))
    notes = prs.slides.add_slide(prs.slide_layouts[0]).notes_slide
    phs = [sp.find(f".//{{{P}}}ph") for sp in notes.shapes._spTree.iter(f"{{{P}}}sp")]
    assert [(ph.get("type"), ph.get("orient")) for ph in phs][0] == ("body", "vert")
    assert "sldImg" not in {ph.get("type") for ph in phs}


@pytest.fixture(scope="module")
def charts(tmp_path_factory):
    from briefdeck.charts import ChartService

    return ChartService(load_theme("default"), cache_dir=tmp_path_factory.mktemp("chart-cache"))


@pytest.mark.skipif(not pptx_code.written_for(), reason="another python-pptx than 1.0.2: the shortcut is not taken (its own code runs)")
@pytest.mark.parametrize("template", [None, FIXTURES / "Blue_Curve.pptx", FIXTURES / "Metropolis.pptx", "own"],
                         ids=["built-in", "Blue_Curve", "Metropolis", "own-notes-master"])
def test_decks_are_byte_identical_to_decks_python_pptx_clones_and_notes(template, default_doc, charts, python_pptx_own, tmp_path):
    theme = load_theme("default")
    if template == "own":
        template = _with_own_notes_master(tmp_path)
    assert clones.install()
    render_pptx(default_doc, tmp_path / "replayed.pptx", theme=theme, charts=charts, template=template)
    python_pptx_own()
    made = render_pptx(default_doc, tmp_path / "own.pptx", theme=theme, charts=charts, template=template)
    assert made["slides"] > 20
    assert (tmp_path / "replayed.pptx").read_bytes() == (tmp_path / "own.pptx").read_bytes()
    with zipfile.ZipFile(tmp_path / "own.pptx") as z:  # every slide has its notes
        assert sum(n.startswith("ppt/notesSlides/notesSlide") for n in z.namelist()) == made["slides"]


@pytest.mark.skipif(not pptx_code.written_for(), reason="another python-pptx than 1.0.2: the shortcut is not taken (its own code runs)")
def test_another_python_pptx_keeps_its_own_cloning(python_pptx_own, monkeypatch):
    python_pptx_own()
    before = (SlideShapes.clone_layout_placeholders, NotesSlide.clone_master_placeholders, CT_NotesSlide.new)
    monkeypatch.setattr(pptx_code, "DIGEST", "0" * 64)
    monkeypatch.setattr(pptx_code, "_SAME", [])
    assert clones.install() is False
    assert (SlideShapes.clone_layout_placeholders, NotesSlide.clone_master_placeholders, CT_NotesSlide.new) == before


def test_a_clone_that_does_more_than_add_placeholders_is_never_replayed():
    root = etree.fromstring(f'<p:sld xmlns:p="{P}"><p:cSld><p:spTree><p:sp/></p:spTree></p:cSld></p:sld>')
    tree = root[0][0]
    calls = []

    def clone():  # adds a shape, and changes one that was there
        calls.append(1)
        tree[0].set("n", str(len(calls)))
        tree.append(etree.Element(f"{{{P}}}sp"))

    memo: dict = {}
    source = etree.fromstring(f'<p:sldLayout xmlns:p="{P}"/>')
    clones._replay(memo, clone, source, tree)
    assert list(memo.values()) == [None]  # recorded as not replayable
    fresh = etree.fromstring(f'<p:sld xmlns:p="{P}"><p:cSld><p:spTree><p:sp/></p:spTree></p:cSld></p:sld>')
    tree = fresh[0][0]
    clones._replay(memo, clone, source, tree)
    assert len(calls) == 2 and tree[0].get("n") == "2" and len(tree) == 2  # python-pptx's clone ran again
