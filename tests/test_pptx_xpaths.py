"""python-pptx's XPath expressions, compiled once (``render/pptx/xpaths.py``), find what lxml's own
``xpath`` finds: on every element of a built deck, for every expression writing it used."""
from __future__ import annotations

from lxml import etree
from pptx import Presentation
from pptx.oxml import xmlchemy

from briefdeck.render.pptx import xpaths


def _original(el, expr):
    return etree._Element.xpath(el, expr, namespaces=xmlchemy._nsmap)


def test_compiled_expressions_find_what_lxml_finds_on_every_element_of_a_deck(default_pptx):
    assert xpaths.compile_once()  # installed when the deck renderer is imported; again is a no-op
    patched = xmlchemy.BaseOxmlElement.xpath
    assert patched._briefdeck and patched is xmlchemy.BaseOxmlElement.xpath
    used = dict(patched._compiled)
    assert {"./*[1]/p:nvPr/p:ph", "//@id"} <= set(used)  # a placeholder's p:ph; the next shape id
    prs = Presentation(str(default_pptx))
    roots = [part._element for part in prs.part.package.iter_parts() if hasattr(part, "_element")]
    assert len(roots) > 60
    checked = 0
    for root in roots:
        for el in root.iter():
            if not isinstance(el, xmlchemy.BaseOxmlElement):
                continue
            for expr in used:
                assert el.xpath(expr) == _original(el, expr), (expr, el.tag)
                checked += 1
    assert checked > 10_000


def test_expressions_past_the_kept_ones_are_evaluated_as_before(monkeypatch):
    xpaths.compile_once()
    sp_tree = Presentation().slide_layouts[1].shapes._spTree
    compiled = xmlchemy.BaseOxmlElement.xpath._compiled
    expr = "./p:sp[2]/p:nvSpPr/p:cNvPr/@name"
    assert expr not in compiled
    monkeypatch.setattr(xpaths, "_KEPT", len(compiled))  # full: nothing more is kept
    found = sp_tree.xpath(expr)
    assert found and found == _original(sp_tree, expr)
    assert expr not in compiled


def test_an_unknown_xpath_method_is_left_alone(monkeypatch):
    class Other:
        def xpath(self, xpath_str):  # not python-pptx's one-liner
            return []

    monkeypatch.setattr(xmlchemy, "BaseOxmlElement", Other)
    assert xpaths.compile_once() is False
    assert Other.xpath.__qualname__.endswith("Other.xpath")
