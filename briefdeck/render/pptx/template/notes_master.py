"""A template's notes master given a notes placeholder when it has none.

A notes slide takes its text area from the notes master's body placeholder (python-pptx clones it;
so does PowerPoint). A template whose notes master lost that placeholder would leave every slide's
speaker notes without a place to go: the deck carries the talk's text in its notes, so the master
gets one, where PowerPoint's own notes master puts it (the lower half of the notes page). Only the
copy a build works on changes; a template that has one is left as it is.
"""
from __future__ import annotations

import copy

from .placeholders import A_NS, P_NS

_DEFAULT_PAGE = (6858000, 9144000)  # a portrait notes page, in EMU, when the presentation names none


def ensure_notes_body(prs) -> bool:
    """Add a body placeholder to ``prs``'s notes master when it has none; True when one was added.
    A presentation without a notes master is left alone: python-pptx makes a complete one."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.oxml.slide import CT_NotesMaster

    from ..package import next_shape_id

    try:
        master = prs.part.part_related_by(RT.NOTES_MASTER)
    except KeyError:
        return False
    tree = master._element.find(f"{P_NS}cSld/{P_NS}spTree")
    if tree is None or any(ph.get("type") == "body" for ph in tree.iter(f"{P_NS}ph")):
        return False
    size = prs._element.find(f"{P_NS}notesSz")
    cx, cy = (int(size.get("cx")), int(size.get("cy"))) if size is not None else _DEFAULT_PAGE
    # PowerPoint's own notes placeholder, as python-pptx's default notes master has it: 80 % of the
    # page's width, 45 % of its height, 47.5 % down
    sp = copy.deepcopy(next(sp for sp in CT_NotesMaster.new_default().iter(f"{P_NS}sp") if sp.find(f".//{P_NS}ph").get("type") == "body"))
    sp.find(f"{P_NS}nvSpPr/{P_NS}cNvPr").set("id", str(next_shape_id(master._element)))
    xfrm = sp.find(f"{P_NS}spPr/{A_NS}xfrm")
    for tag, values in (("off", {"x": cx * 0.1, "y": cy * 0.475}), ("ext", {"cx": cx * 0.8, "cy": cy * 0.45})):
        for name, value in values.items():
            xfrm.find(f"{A_NS}{tag}").set(name, str(round(value)))
    tree.append(sp)
    return True
