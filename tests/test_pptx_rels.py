"""A part's relationships serialized without python-pptx's per-relationship parsing
(``package._rels_xml``) are the bytes python-pptx writes (``_Relationships.xml``): on every part of
decks on the built-in and foreign templates, external links included, and relationship ids out of
number order."""
from __future__ import annotations

import re

import pytest
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from briefdeck.render.pptx import package, pptx_code, render_pptx
from briefdeck.theme import load_theme

from .conftest import DEFAULT_SOURCE, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "templates"


@pytest.fixture(scope="module")
def charts(tmp_path_factory):
    from briefdeck.charts import ChartService

    return ChartService(load_theme("default"), cache_dir=tmp_path_factory.mktemp("chart-cache"))


@pytest.mark.skipif(not pptx_code.written_for(), reason="another python-pptx than 1.0.2: the shortcut is not taken (its own code runs)")
@pytest.mark.parametrize("template", [None, FIXTURES / "Metropolis.pptx", FIXTURES / "Blue_Curve.pptx"],
                         ids=["built-in", "Metropolis", "Blue_Curve"])
def test_every_part_s_relationships_are_the_bytes_python_pptx_writes(template, default_doc, charts, tmp_path):
    render_pptx(default_doc, tmp_path / "deck.pptx", theme=load_theme("default"), charts=charts, template=template)
    prs = Presentation(str(tmp_path / "deck.pptx"))
    pkg = prs.part.package
    rels = [pkg._rels] + [part.rels for part in pkg.iter_parts() if part.rels]
    assert len(rels) > 60
    assert any(rel.is_external for r in rels for rel in r.values())  # the sources' links
    for r in rels:
        assert package._rels_xml(r) == r.xml


def test_relationships_are_written_in_the_order_of_their_numbers_as_python_pptx_writes_them():
    prs = Presentation()
    part = prs.slides.add_slide(prs.slide_layouts[6]).part
    for url in ("https://example.org/a?b=1&c=<2>", "https://example.org/\u00e9"):
        part.relate_to(url, RT.HYPERLINK, is_external=True)
    rels = part.rels
    rels._rels["rId10"] = rels._rels.pop("rId2")  # a number past the others, and one without
    rels._rels["link"] = rels._rels.pop("rId3")
    assert list(rels.keys()) != sorted(rels.keys())
    assert package._rels_xml(rels) == rels.xml
    # keyed "link" (no number: first), "rId1", "rId10": the relationships that were rId3, rId1, rId2
    assert re.findall(rb' Id="([^"]+)"', rels.xml) == [b"rId3", b"rId1", b"rId2"]
    assert b'TargetMode="External"' in rels.xml and b"&amp;c=&lt;2&gt;" in rels.xml
