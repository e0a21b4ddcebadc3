"""A template's notes master given a notes placeholder when it has none.

A notes slide takes its text area from the notes master's body placeholder (python-pptx clones it;
so does PowerPoint). A template whose notes master lost that placeholder would leave every slide's
speaker notes without a place to go: the deck carries the talk's text in its notes, so the master
gets one, where PowerPoint's own notes master puts it (the lower half of the notes page). Only the
copy a build works on changes; a template that has one is left as it is.
"""
from __future__ import annotations

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from .placeholders import A_NS, P_NS

# PowerPoint's notes placeholder, as its default notes master (and python-pptx's) has it: the
# text area is 80 % of the page's width, 45 % of its height, 47.5 % down.
_BODY = """<p:sp xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">
<p:nvSpPr><p:cNvPr id="0" name="Notes Placeholder"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>
<p:nvPr><p:ph type="body" sz="quarter" idx="3"/></p:nvPr></p:nvSpPr>
<p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>
<p:txBody><a:bodyPr vert="horz" lIns="91440" tIns="45720" rIns="91440" bIns="45720" rtlCol="0"/><a:lstStyle/>
<a:p><a:pPr lvl="0"/><a:r><a:rPr lang="en-US"/><a:t>Click to edit Master text styles</a:t></a:r></a:p></p:txBody>
</p:sp>"""
_DEFAULT_PAGE = (6858000, 9144000)  # a portrait notes page, in EMU, when the presentation names none


def ensure_notes_body(prs) -> bool:
    """Add a body placeholder to ``prs``'s notes master when it has none; True when one was added.
    A presentation without a notes master is left alone: python-pptx makes a complete one."""
    try:
        master = prs.part.part_related_by(RT.NOTES_MASTER)
    except KeyError:
        return False
    tree = master._element.find(f"{P_NS}cSld/{P_NS}spTree")
    if tree is None or any(ph.get("type") == "body" for ph in tree.iter(f"{P_NS}ph")):
        return False
    size = prs._element.find(f"{P_NS}notesSz")
    cx, cy = (int(size.get("cx")), int(size.get("cy"))) if size is not None else _DEFAULT_PAGE
    sp = etree.fromstring(_BODY)
    ids = [int(v) for v in (el.get("id", "") for el in master._element.iter(f"{P_NS}cNvPr")) if v.isdigit()]
    sp.find(f"{P_NS}nvSpPr/{P_NS}cNvPr").set("id", str(max(ids, default=1) + 1))
    xfrm = sp.find(f"{P_NS}spPr/{A_NS}xfrm")
    for tag, values in (("off", {"x": cx * 0.1, "y": cy * 0.475}), ("ext", {"cx": cx * 0.8, "cy": cy * 0.45})):
        for name, value in values.items():
            xfrm.find(f"{A_NS}{tag}").set(name, str(round(value)))
    tree.append(sp)
    return True
