"""The template's text and link colours judged against what lies under them (WCAG AA, 4.5:1).

Where a colour does not read, the deck sets the nearest one that does and says so once per colour
pair, naming the layouts; a master's theme link colours are fixed the same way in the deck's copy.
"""
from __future__ import annotations

from typing import Optional

from ....charts.colour import contrast
from ....errors import Problem
from ..styles import theme_of
from .info import TemplateInfo

RATIO = 4.5  # contrast of text and what lies under it: WCAG AA for normal text, the deck's aim for all its text


def readable_rgb(rgb: Optional[str], under: str, ratio: float = 4.5) -> str:
    """The template's text colour, else the nearest colour toward black or white that reads on ``under``."""
    rgb = (rgb or "000000").upper()
    if contrast(rgb, under) >= ratio:
        return rgb
    best = None
    for target in ("000000", "FFFFFF"):
        for step in range(1, 21):
            t = step / 20
            mixed = "".join(f"{int(round(int(rgb[i:i + 2], 16) * (1 - t) + int(target[i:i + 2], 16) * t)):02X}" for i in (0, 2, 4))
            if contrast(mixed, under) >= ratio:
                if best is None or step < best[0]:
                    best = (step, mixed)
                break
    return best[1] if best else ("000000" if contrast("000000", under) >= contrast("FFFFFF", under) else "FFFFFF")


def colours(info: TemplateInfo, prs, look) -> tuple[tuple[Problem, ...], tuple[tuple[int, dict], ...]]:
    """Warnings where the template's text or link colours do not read on what lies under them, and
    the readable link colours the deck's copy of each master's theme takes. ``look``: the backdrops of
    the template's layouts (``ranking._Look``)."""
    used = info.text_areas()
    problems: list[Problem] = []
    where = str(info.path)
    # colours: each text area the first variants use, against what lies under it (WCAG AA: 4.5:1); one
    # warning per colour pair, naming where the template uses it
    pairs: dict[tuple, dict] = {}
    for role, rl, name, ph in used:
        if rl is not info.roles[role][0] or ph.rgb is None:
            continue
        under = look.of(rl.layout_index).colour_under(ph.box)
        if contrast(ph.rgb, under) >= RATIO:
            continue
        hit = pairs.setdefault((ph.rgb.upper(), under), {"slots": [], "layouts": [], "ink": ph.ink})
        for key, value in (("slots", name), ("layouts", rl.layout_name)):
            if value not in hit[key]:
                hit[key].append(value)
    for (rgb, under), hit in pairs.items():
        layouts = ", ".join(f"'{n}'" for n in hit["layouts"])
        problems.append(Problem(where, 0, 0, (
            f"{' and '.join(hit['slots'])} text #{rgb} on #{under} ({layouts}) has a contrast of {contrast(rgb, under):.1f}:1, "
            f"below the 4.5:1 of WCAG AA — the deck sets it in #{hit['ink'] or readable_rgb(rgb, under)}; give the template a "
            f"colour that contrasts more to keep your own"), "deck.contrast", "warning"))
    links = _link_colours(info, prs, look, used)
    said: dict[tuple, list[str]] = {}  # one warning per colour pair, as above
    for m, fixed, under, names in links:
        was = theme_of(prs.slide_masters[m]).scheme["hlink" if "hlink" in fixed else "folHlink"]
        key = (was, under, fixed.get("hlink") or fixed.get("folHlink"))
        said.setdefault(key, [])
        said[key] += [n for n in names if n not in said[key]]
    for (was, under, now), names in said.items():
        problems.append(Problem(where, 0, 0, (
            f"link text #{was} on #{under} ({', '.join(repr(n) for n in names)}) has a contrast of {contrast(was, under):.1f}:1, "
            f"below the 4.5:1 of WCAG AA — the deck sets links in #{now}; give the template's theme a hyperlink colour "
            f"that contrasts more to keep your own"), "deck.contrast", "warning"))
    return tuple(problems), tuple((m, fixed) for m, fixed, _, _ in links)


NO_LINKS = ("title", "section")  # roles whose slides never carry a link


def _link_colours(info: TemplateInfo, prs, look, used) -> list[tuple[int, dict, str, list[str]]]:
    """Per master: its theme's hyperlink colours (viewers draw links in them, whatever the run's
    colour) against what lies under the body areas the deck uses; those below 4.5:1 get the nearest
    colour that reads on the worst of them. (master, {name: new rgb}, that background, layout names)."""
    out = []
    for m, master in enumerate(prs.slide_masters):
        bodies = [(look.of(rl.layout_index).colour_under(ph.box), rl.layout_name) for role, rl, name, ph in used
                  if name == "body" and rl.master == m and rl is info.roles[role][0] and role not in NO_LINKS]
        scheme = theme_of(master).scheme
        fixed, worst = {}, None
        for key in ("hlink", "folHlink"):
            rgb = scheme.get(key)
            if rgb is None or not bodies:
                continue
            under = min((u for u, _ in bodies), key=lambda u: contrast(rgb, u))
            if contrast(rgb, under) < RATIO:
                fixed[key], worst = readable_rgb(rgb, under), worst or under
        if fixed:
            out.append((m, fixed, worst, sorted({n for u, n in bodies if u == worst})))
    return out
