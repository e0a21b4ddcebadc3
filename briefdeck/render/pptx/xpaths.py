"""python-pptx's XPath expressions compiled once, not at every call.

python-pptx finds much of what it looks at (a shape's ``p:ph``, the next shape id, a placeholder's
type and index) with ``BaseOxmlElement.xpath``, which hands the expression to lxml's
``_Element.xpath``: lxml compiles it again at each call (~15 us). Writing the default deck makes
3,600 such calls, a quarter of its time. ``compile_once`` has python-pptx's elements evaluate each
expression with one ``etree.XPath`` kept per expression: the same expression with the same
namespaces, so the same results (``tests/test_pptx_xpaths.py`` compares them on every element of a deck).
Expressions python-pptx builds with a number in them (a chart's data labels) beyond the first
``_KEPT`` are evaluated as before.
"""
from __future__ import annotations

from lxml import etree

_KEPT = 512


def compile_once() -> bool:
    """Install the compiled evaluation on python-pptx's element class, once a process; False (and
    nothing changed) if python-pptx's ``xpath`` is not the one this was written for."""
    from pptx.oxml import xmlchemy

    cls = xmlchemy.BaseOxmlElement
    own = cls.__dict__.get("xpath")
    if getattr(own, "_briefdeck", False):
        return True
    nsmap = getattr(xmlchemy, "_nsmap", None)
    if own is None or getattr(own, "__qualname__", "") != "BaseOxmlElement.xpath" or not isinstance(nsmap, dict):
        return False
    compiled: dict[str, etree.XPath] = {}

    def xpath(self, xpath_str: str):
        found = compiled.get(xpath_str)
        if found is None:
            if len(compiled) >= _KEPT:
                return own(self, xpath_str)
            found = compiled[xpath_str] = etree.XPath(xpath_str, namespaces=nsmap)
        return found(self)

    xpath.__doc__ = own.__doc__
    xpath._briefdeck = True
    xpath._original = own
    xpath._compiled = compiled
    cls.xpath = xpath
    return True
