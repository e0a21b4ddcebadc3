"""Every candidate layout of a role looked at as a viewer draws it, and ranked; ``map_roles``.

Candidates come, in this order of match, from the side file's mapping, the role's default layout
name and its aliases, a layout whose placeholders fit the role, a layout the deck completes with
added text areas, and another role's layouts (``FALLBACK``). Each is looked at over what lies under
its text (``backdrop.py``): a text area over decoration shrinks to its largest part where the text
reads, and candidates are ranked by match, then unreadable share, then body area. What is found is
plain data (``info``), kept by ``layout_cache`` for the next build.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Optional

from ....errors import TemplateError
from .. import layout_cache
from ..fit import Box
from ..roles import ROLES
from ..samples import master_keeps_styles
from ..styles import TITLE_TYPES
from .contrast import RATIO, colours, readable_rgb
from .info import EMU_PER_IN, TEXT_SLOTS, Ph, RoleLayout, TemplateInfo
from .opening import all_layouts, read_side_file, side_file
from .placeholders import added_slots, layout_placeholders, slots_for
from .typefaces import with_measurer

FALLBACK = {"section": ("title",), "two-content": ("content",), "chart": ("content",),
            "quote": ("content",), "closing": ("content",)}
RANK_PLACEHOLDERS = 50
MIN_KEPT = 0.55  # a text area shrunk away from decoration keeps at least this share of itself
MAX_VARIANTS = 4


def _preferred_masters(prs) -> list[int]:
    """Masters in the order the template's sample slides first use them."""
    parts = [m.part for m in prs.slide_masters]
    used: list[int] = []
    for slide in prs.slides:
        i = parts.index(slide.slide_layout.slide_master.part)
        if i not in used:
            used.append(i)
    return used


_DRAWN: dict[tuple, object] = {}  # backdrops kept for the life of the process (--watch rebuilds)


class _Look:
    """Backdrops of a template's layouts, drawn when first needed; kept by the template file's
    identity (path, size, modification time), so a --watch rebuild on an unchanged template
    draws none again."""

    def __init__(self, layouts, size, key: tuple = ()):
        self.layouts, self.size, self.key = layouts, size, key

    def of(self, i: int):
        from ..backdrop import Backdrop  # numpy and Pillow: only when a layout is looked at

        k = self.key + (i, self.size)
        if not self.key or k not in _DRAWN:
            if len(_DRAWN) > 256:
                _DRAWN.clear()
            _DRAWN[k] = Backdrop(self.layouts[i], *self.size)
        return _DRAWN[k]


def _file_identity(path: Path) -> tuple:
    try:
        st = Path(path).stat()
    except OSError:
        return ()
    return (str(Path(path).resolve()), st.st_size, st.st_mtime_ns)


def _clear_of_chrome(box: Box, chrome: tuple[Ph, ...], slide: tuple[float, float]) -> Box:
    """A text area kept on the slide and off the footer row the deck fills (footer, slide number): cut
    where it overlaps one, on the side that keeps the most of it."""
    gap = 0.05
    if box.bottom > slide[1] - gap or box.right > slide[0] - gap or box.left < 0 or box.top < 0:
        left, top = max(box.left, 0.0), max(box.top, 0.0)
        box = replace(box, left=left, top=top, width=min(box.right, slide[0] - gap) - left,
                      height=min(box.bottom, slide[1] - gap) - top)
    for c in chrome:
        if c.type not in ("ftr", "sldNum"):
            continue
        b = c.box
        if not (b.left < box.right and b.right > box.left and b.top < box.bottom and b.bottom > box.top):
            continue
        cuts = []
        if b.top > box.top + 0.5:  # keep what lies above it
            cuts.append(replace(box, height=b.top - gap - box.top))
        if b.left > box.left + 1.5:  # keep what lies left of it
            cuts.append(replace(box, width=b.left - gap - box.left))
        if b.right < box.right - 1.5:  # keep what lies right of it
            cuts.append(replace(box, left=b.right + gap, width=box.right - b.right - gap))
        if cuts:
            box = max(cuts, key=lambda x: x.width * x.height)
    return box


def _refine(rl: RoleLayout, look: _Look) -> RoleLayout:
    """Text areas shrunk to their largest part where the text reads and clear of the footer row; the
    share left unreadable; the colour the deck sets where the template's does not read; how far the
    title may grow down."""
    bd = look.of(rl.layout_index)
    slots, unclear = [], []
    weights, decor, decor_w = [], [], []
    for name, ph in rl.slots:
        if name not in TEXT_SLOTS and name != "chart":
            slots.append((name, ph))
            continue
        ratio = RATIO
        kept = _clear_of_chrome(ph.box, rl.chrome, look.size)
        if kept is not ph.box:
            ph = replace(ph, box=kept, placed=True)
        rgb = readable_rgb(ph.rgb, bd.colour_under(ph.box), ratio)  # a chart: its labels and source line too
        best = bd.largest_clear(ph.box, rgb, ratio)
        if best is not None and best is not ph.box and best.width * best.height >= MIN_KEPT * ph.area \
                and best.width >= min(ph.box.width, 1.5):
            ph = replace(ph, box=best, placed=True)
        if name != "chart" and ph.rgb is not None:
            ink = readable_rgb(ph.rgb, bd.colour_under(ph.box), ratio)
            ph = replace(ph, ink=ink if ink != ph.rgb.upper() else None)
        share = bd.unclear_share(ph.box, rgb, ratio)
        unclear.append(share * ph.area)
        weights.append(ph.area)
        if name in ("body", "body2", "chart", "subtitle"):
            decor.append(bd.decorated_share(ph.box) * ph.area)
            decor_w.append(ph.area)
        slots.append((name, ph))
    chrome = []
    for ph in rl.chrome:
        if ph.rgb is not None and ph.type in ("ftr", "sldNum"):
            ink = readable_rgb(ph.rgb, bd.colour_under(ph.box), RATIO)
            ph = replace(ph, ink=ink if ink != ph.rgb.upper() else None)
        chrome.append(ph)
    rl = replace(rl, chrome=tuple(chrome))
    title = dict(slots).get("title")
    grow = None
    if title is not None:
        others = [p.box.top for n, p in slots if n != "title" and p.box.top >= title.box.bottom - 0.01
                  and p.box.left < title.box.right and p.box.right > title.box.left]
        chrome = [p.box.top for p in rl.chrome if p.box.top >= title.box.bottom - 0.01]
        limit = min(others + chrome + [look.size[1] - 0.3]) - 0.08
        if limit > title.box.bottom + 0.1:
            under = bd.colour_under(title.box)
            rgb = readable_rgb(title.rgb, under, RATIO)
            tall = replace(title.box, height=limit - title.box.top)
            good = bd.clear(tall, rgb, RATIO) & bd.same_colour(tall, under)  # a title stays on its band
            rows = good.all(axis=1) if good.size else []
            n = 0
            for ok in rows:
                if not ok:
                    break
                n += 1
            height = n / bd.px
            if height > title.box.height + 0.1:
                grow = replace(title.box, height=height)
    wide = None
    ftr = next((p for p in rl.chrome if p.type == "ftr"), None)
    dt = next((p for p in rl.chrome if p.type == "dt"), None)
    if ftr is not None and dt is not None and dt.box.left < ftr.box.left and abs(dt.box.top - ftr.box.top) < 0.2:
        box = replace(ftr.box, left=dt.box.left, width=ftr.box.right - dt.box.left)
        if bd.unclear_share(box, ftr.ink or ftr.rgb or "000000", RATIO) == 0.0:
            wide = box
    total = sum(weights) or 1.0
    return replace(rl, slots=tuple(slots), unclear=sum(unclear) / total, title_grow=grow,
                   decorated=sum(decor) / (sum(decor_w) or 1.0), footer_wide=wide)


def map_roles(prs, path: Path, theme, cache_dir: Optional[Path] = None) -> TemplateInfo:
    """Which layouts serve each role, where their text reads, and how the template's typefaces are
    measured. What is found by looking is kept (``layout_cache``): in memory, and under ``cache_dir``
    (templates/, and fonts/ for the fonts' widths) when given, so a rebuild on an unchanged template
    draws no backdrop and decodes no font."""
    mapping, ufonts = read_side_file(path)
    k = layout_cache.key(path, side_file(path), theme)
    kept = Path(cache_dir) / "templates" if cache_dir is not None else None
    found = layout_cache.recall(k, kept)
    if found is None:
        from ..shipped import analysis  # the built-in template's, shipped with it

        shipped = analysis(path, side_file(path), theme)
        found = layout_cache.from_data(shipped) if shipped is not None else None
        if found is None:
            found = look_at(prs, path, theme, mapping)
            layout_cache.keep(k, kept, found)
    info = TemplateInfo(path, found["layouts"], found["roles"], found["size"],
                        side_file=side_file(path) if side_file(path).is_file() else None,
                        font_files=tuple(p for styles in ufonts.values() for p in styles.values()))
    return with_measurer(info, prs, theme, ufonts, found, cache_dir)


def look_at(prs, path: Path, theme, mapping: dict[str, str]) -> dict:
    """The roles' layouts, the slide size, and the template's colours judged where the deck puts
    text: plain data (``layout_cache``)."""
    layouts = all_layouts(prs)
    names = [l.name for l in layouts]
    phs = [layout_placeholders(l) for l in layouts]
    parts = [m.part for m in prs.slide_masters]
    master_of = [parts.index(l.slide_master.part) for l in layouts]
    preferred = _preferred_masters(prs)
    size = (prs.slide_width / EMU_PER_IN, prs.slide_height / EMU_PER_IN)
    look = _Look(layouts, size, _file_identity(path))
    for role, name in mapping.items():
        if name not in names:
            raise TemplateError(f"{side_file(path)}: role '{role}' names layout '{name}', which the template "
                                f"does not have — use one of: {', '.join(dict.fromkeys(names))}")
    defaults = theme.get("deck.layouts")
    aliases = theme.get("deck.layout_aliases")

    def make(role, i, how) -> Optional[RoleLayout]:
        slots = slots_for(role, phs[i]) if how != "added" else None
        if slots is None and how in ("mapping", "added"):
            slots = added_slots(role, layouts[i], phs[i], size)
            how = how if how == "mapping" else "added"
        if slots is None:
            return None
        chrome = tuple(p for p in phs[i] if p.type in ("ftr", "sldNum", "dt"))
        rl = RoleLayout(role, i, names[i], how, tuple(slots.items()), chrome,
                        moved=not master_keeps_styles(layouts[i].slide_master), master=master_of[i])
        return _refine(rl, look)

    def master_rank(i: int, role: str) -> int:
        m = master_of[i]
        if role in ("title", "section") and preferred:
            return 0 if m == preferred[0] else 1 + (preferred.index(m) if m in preferred else len(preferred))
        order = preferred[1:] + preferred[:1] if len(preferred) > 1 else preferred
        return order.index(m) if m in order else len(order)

    roles: dict[str, tuple[RoleLayout, ...]] = {}
    for role in ROLES:
        found: list[tuple[tuple, RoleLayout]] = []
        seen: set[int] = set()

        def consider(rank: int, i: int, how: str) -> None:
            if i in seen:
                return
            rl = make(role, i, how)
            if rl is None:
                return
            if role == "section" and how == "placeholders" and rl.slot("body") is None:
                return  # a lone title ("Title Only") makes an empty-looking divider
            seen.add(i)
            body = rl.slot("body") or rl.slot("chart") or rl.slot("subtitle") or rl.slot("body2")
            area = body.area if body is not None else 0.0
            unusable = rl.unclear > 0.5
            look_key = (round(rl.unclear * 10), round(rl.decorated * 5), -round(area, 1), master_rank(i, role))
            if role in ("title", "section"):  # the template's own title master first, when it reads as well
                look_key = (look_key[0], look_key[3], look_key[1], look_key[2])
            found.append(((rank, unusable) + look_key + (i,), rl))

        if role in mapping:
            for i in range(len(layouts)):
                if names[i] == mapping[role]:
                    consider(0, i, "mapping")
            if not found:
                raise TemplateError(f"{side_file(path)}: layout '{mapping[role]}' mapped to role '{role}' has no "
                                    f"title and its master no title area to add one — map another layout")
        else:
            wanted = [(defaults.get(role), "name")] + [(a, "alias") for a in aliases.get(role, [])]
            for k, (want, how) in enumerate(wanted):
                if want:
                    for i in range(len(layouts)):
                        if (names[i] == want) if how == "name" else (names[i].strip().lower() == want):
                            consider(1 + k, i, how)
            if role in ("title", "content", "two-content", "section"):
                for i in range(len(layouts)):
                    consider(RANK_PLACEHOLDERS, i, "placeholders")
        found.sort(key=lambda f: (f[0][1], f[0][0]) + f[0][2:])  # a usable candidate before an unusable one
        if found:
            roles[role] = tuple(rl for _, rl in found[:MAX_VARIANTS])
    for role in ("title", "content"):  # the two roles every deck needs: a layout the deck completes
        if role not in roles:
            added = []
            for i in range(len(layouts)):
                rl = make(role, i, "added")
                if rl is not None:
                    titled = any(p.type in TITLE_TYPES for p in phs[i])
                    added.append(((0 if titled else 1, rl.unclear > 0.5, round(rl.unclear * 10), master_rank(i, role), i), rl))
            added.sort(key=lambda f: f[0])
            if added:
                roles[role] = tuple(rl for _, rl in added[:MAX_VARIANTS])
    for role in ROLES:  # fallbacks after every direct match is known
        if role not in roles:
            for other in FALLBACK.get(role, ()):
                if other in roles:
                    variants = []
                    for base in roles[other]:
                        slots = dict(base.slots)
                        if role == "section" and "subtitle" in slots:
                            slots = {"title": slots["title"], "body": slots["subtitle"]}
                        if role == "chart" and "body" in slots:
                            slots = {"title": slots["title"], "chart": slots["body"]}
                        variants.append(replace(base, role=role, how=f"fallback:{other}", slots=tuple(slots.items())))
                    roles[role] = tuple(variants)
                    break
    for need in ("title", "content"):
        if need not in roles:
            raise TemplateError(f"{path}: no layout can serve the '{need}' role: no layout has a title placeholder "
                                f"and no master has a title area — add a 'Title Only' layout, or map one in "
                                f"{side_file(path).name}")
    info = TemplateInfo(path, tuple(names), roles, size)
    problems, links = colours(info, prs, look)
    return {"layouts": tuple(names), "roles": roles, "size": size, "problems": problems, "link_colours": links}
