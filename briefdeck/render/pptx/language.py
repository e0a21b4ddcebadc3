"""The document's language on every part of the deck, not only on the runs the writer fills.

A template's masters and layouts, its notes master, the presentation's default text style and a
native chart's text carry the language their author's PowerPoint had (en-US, mostly). What a
reader types into a placeholder, a prompt, a chart's axis and the notes page would then be
spell-checked and read aloud in that language: every ``lang`` of those parts is set to the
document's, and a native chart says its language with ``c:lang``.
"""
from __future__ import annotations

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
# the run properties that carry a language: a run's, a paragraph end's, a list level's default
_RUN_PROPS = tuple(f"{{{A}}}{tag}" for tag in ("rPr", "endParaRPr", "defRPr"))


def _set_lang(root, lang: str) -> int:
    changed = 0
    for el in root.iter(*_RUN_PROPS):
        if el.get("lang") != lang:
            el.set("lang", lang)
            changed += 1
    return changed


def language_everywhere(prs, lang: str) -> None:
    """Set ``lang`` on the masters, layouts, notes master and the presentation's default text
    style, and on every native chart (its ``c:lang`` and text properties)."""
    _set_lang(prs.part._element, lang)  # presentation.xml: defaultTextStyle
    for master in prs.slide_masters:
        _set_lang(master._element, lang)
        for layout in master.slide_layouts:
            _set_lang(layout._element, lang)
    for rel in prs.part.rels.values():  # the notes master, if the deck has one (never made here)
        if rel.reltype == RT.NOTES_MASTER:
            _set_lang(rel.target_part._element, lang)
    for slide in prs.slides:  # a native chart is a part the slide relates to (found so, not by building
        for rel in slide.part.rels.values():  # a shape object of every shape: a third of this function's time)
            if rel.reltype == RT.CHART and not rel.is_external:
                chart_space = rel.target_part._element
                _chart_lang(chart_space, lang)
                _set_lang(chart_space, lang)
                _default_text_lang(chart_space, lang)


def _chart_lang(chart_space, lang: str) -> None:
    """``<c:lang val="fr-FR"/>``, the chart's own statement of its language (before ``c:roundedCorners``...)."""
    el = chart_space.find(f"{{{C}}}lang")
    if el is None:
        el = etree.Element(f"{{{C}}}lang")
        anchor = chart_space.find(f"{{{C}}}date1904")
        if anchor is not None:
            anchor.addnext(el)
        else:
            chart_space.insert(0, el)
    el.set("val", lang)


def _default_text_lang(chart_space, lang: str) -> None:
    """A chart whose text has no properties yet gets ``c:txPr`` saying its language, so the axis
    labels and legend PowerPoint draws are in it too."""
    if chart_space.find(f"{{{C}}}txPr") is not None:
        return
    tx = etree.fromstring(
        f'<c:txPr xmlns:c="{C}" xmlns:a="{A}"><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr lang="{lang}"/></a:pPr>'
        f'<a:endParaRPr lang="{lang}"/></a:p></c:txPr>')
    # c:txPr comes after c:chart and c:spPr, before c:externalData / c:printSettings / c:userShapes
    after = [chart_space.find(f"{{{C}}}{t}") for t in ("spPr", "chart")]
    anchor = next((a for a in after if a is not None), None)
    if anchor is not None:
        anchor.addnext(tx)
