"""A deck on someone else's template takes the template's look, not ours (DESIGN: "Decks on someone
else's template"): its chart pictures are drawn in the template's body typeface (with the metric twin it
is measured with, and named in the SVG so a viewer that has the face draws it), in its theme's accent
colours and its text colour, on no background of their own; and a warning names a typeface that
viewers without it will draw in another face."""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

from ...charts.colour import contrast
from ...charts.style import TEMPLATE_LOOK
from ...errors import Problem
from .fit import CAPS
from .styles import theme_of
from .template.opening import all_layouts

ACCENTS = ("accent1", "accent2", "accent3", "accent4", "accent5", "accent6")


def chart_look(theme, prs, info) -> Optional[tuple]:
    """The look chart pictures take on this template (a hashable ``TEMPLATE_LOOK`` option), from the
    chart role's layout: the face of its body text, the accents of its master's theme that can be told
    from the colour under the chart, and the template's text colour that reads on it."""
    from .backdrop import Backdrop

    rl = info.role("chart")
    slot = rl.slot("chart") or rl.slot("body")
    if slot is None:
        return None
    face = (slot.box.face or "").removesuffix(CAPS) or (info.role("content").slot("body").box.face or "").removesuffix(CAPS)
    layout = all_layouts(prs)[rl.layout_index]
    scheme = theme_of(layout.slide_master)
    under = "#" + Backdrop(layout, *info.size).colour_under(slot.box).lstrip("#").upper()
    dark, light = (f"#{scheme.scheme_rgb(n) or d}" for n, d in (("tx1", "000000"), ("bg1", "FFFFFF")))
    text = max((dark, light), key=lambda c: contrast(c, under))
    palette = tuple(c for c in (f"#{scheme.scheme[a]}" for a in ACCENTS if a in scheme.scheme) if contrast(c, under) >= 1.5)
    look = {"face": face, "fonts": _twin_files(theme, info, face), "palette": palette or None, "text": text,
            "background": under, "transparent": True}
    return tuple(sorted((k, v) for k, v in look.items() if v))


def with_chart_look(plan, look: Optional[tuple]):
    """The plan with every figure placed as a picture carrying the template's look (native charts take
    the template's theme by themselves)."""
    if not look:
        return plan
    slides = tuple(replace(sp, figure=replace(sp.figure, chart=replace(sp.figure.chart, options=tuple(sorted(
        dict(sp.figure.chart.options, **{TEMPLATE_LOOK: look}).items()))))) if sp.figure is not None and sp.native is None else sp
        for sp in plan.slides)
    return replace(plan, slides=slides)


def _twin_files(theme, info, face: str) -> Optional[tuple[str, ...]]:
    """The four font files a face is drawn with in a chart: the first family it is measured with (its
    metric twin; the fallback family for a face nobody ships); None for a face measured with the
    template's own or the user's files (the theme's chart font then)."""
    src = info.faces.get(" ".join(face.split()).lower())
    if src is None or src.how not in ("table", "fallback"):
        return None
    family = src.detail.split(",")[0].strip()
    files = theme.get(f"deck.measure.families.{family}", None)
    if files and files[0] == files[1]:  # a heavy weight measured with bold files ("source-sans-pro-heavy"): a chart
        # needs a regular and a bold, which the family it is a weight of has
        files = theme.get(f"deck.measure.families.{family.rsplit('-', 1)[0]}", None) or files
    paths = [theme.assets.find(f"fonts/{rel}") for rel in files or ()]
    return tuple(str(p) for p in paths) if paths and all(paths) else None


def substitution_warnings(info, loc_file: str) -> tuple[Problem, ...]:
    """One warning for the typefaces the template names that a viewer may lack: measured with their own
    metrics and with what replaces them (deck.measure.faces lists both), so nothing is clipped either
    way, but a viewer without the face sees another one."""
    lacking = sorted({src.face for src in info.faces.values() if src.how == "table" and "," in src.detail})  # (faces
    # with no metrics at all are warned about where the template is analysed)
    if not lacking:
        return ()
    names = ", ".join(f"‘{f}’" for f in lacking)
    return (Problem(loc_file, 0, 0, f"the template names {names}, which viewers without {'it' if len(lacking) == 1 else 'them'} "
                    f"draw in another typeface (the deck is measured for both, so nothing is cut): embed the font in the "
                    f"template (PowerPoint: File > Options > Save > Embed fonts), or accept the substitution", "deck.font_substitution", "warning"),)
