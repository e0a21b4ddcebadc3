"""map: a locator map drawn with matplotlib alone (polygon patches, no GIS stack).

Options:
- ``shapes``: tuple of (iso_a3, name, highlighted, rings), each ring a tuple of (lon, lat)
  pairs (the loader builds it from GeoJSON);
- ``focus``: iso code of the country drawn darkest (e.g. "MLI");
- ``label_neighbours`` (default true): name the neighbours that show enough area;
- ``label_capitals``: "highlighted" (default: capitals inside highlighted countries),
  "all" or "none".
The table, optional, holds places as x = name column and series = [lon, lat]: drawn as
dots. The map is cropped to the highlighted countries plus a margin, in a plate carrée
projection with the aspect corrected by cos(latitude), and fills the figure.
"""
from __future__ import annotations

import math

from matplotlib.patches import Polygon

from ...errors import RenderError
from ..geometry import area as _area, centroid as _centroid, clip as _clip, contains as _contains, overlap as _overlap
from . import common as c


def draw_map(ax, spec, style) -> None:
    shapes = spec.option("shapes")
    if not shapes:
        raise RenderError("a map needs option `shapes` (countries from GeoJSON)")
    colours = style.colours["map"]
    focus = spec.option("focus")
    hl = [s for s in shapes if s[2]] or list(shapes)
    lons = [x for s in hl for ring in s[3] for x, _ in ring]
    lats = [y for s in hl for ring in s[3] for _, y in ring]
    margin = style.map["margin_deg"]
    x0, x1, y0, y1 = min(lons) - margin, max(lons) + margin, min(lats) - margin, max(lats) + margin
    kx = math.cos(math.radians((y0 + y1) / 2))  # degrees of longitude are shorter than of latitude

    # Grow the view to the figure's shape (not the map's), so the map fills its box.
    ax.set_axis_off()
    fig = ax.figure
    fig.set_layout_engine(None)
    pad = style.pad_in
    W, H = fig.get_figwidth(), fig.get_figheight()
    ax.set_position((pad / W, pad / H, 1 - 2 * pad / W, 1 - 2 * pad / H))
    box = (W - 2 * pad) / (H - 2 * pad)
    wx, wy = (x1 - x0) * kx, y1 - y0
    if wx / wy < box:
        grow = (wy * box / kx - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = ((x1 - x0) * kx / box - wy) / 2
        y0, y1 = y0 - grow, y1 + grow
    ax.set_xlim(x0 * kx, x1 * kx)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    view = (x0, y0, x1, y1)

    bw = style.lines["border"]
    for iso, _name, highlighted, rings in shapes:
        fill = colours["focus"] if iso == focus else colours["highlighted"] if highlighted else colours["neighbour"]
        for ring in rings:
            ax.add_patch(Polygon([(x * kx, y) for x, y in ring], closed=True, facecolor=fill,
                                 edgecolor=colours["border"], linewidth=bw, joinstyle="round", zorder=2 if highlighted else 1))

    # Places (capitals): dots, labelled inside highlighted countries unless told otherwise.
    placed = []  # label boxes in points (x0, y0, x1, y1) to keep country names clear of them
    pt_per_deg = (ax.get_position().height * H * 72) / (y1 - y0)
    mode = spec.option("label_capitals", "highlighted")
    if spec.table.rows and spec.x and len(spec.series) >= 2:
        names = c.column(spec, spec.x)
        plon, plat = c.numbers(spec, spec.series[0]), c.numbers(spec, spec.series[1])
        csize = style.size("map_capital")
        for name, lon, lat in zip(names, plon, plat):
            if not (x0 < lon < x1 and y0 < lat < y1):
                continue
            inside = next((s for s in shapes if any(_contains(r, lon, lat) for r in s[3])), None)
            show = mode == "all" or (mode == "highlighted" and inside is not None and inside[2])
            if not show and mode != "all":
                continue
            dark = inside is not None and inside[0] == focus
            ax.plot([lon * kx], [lat], "o", markersize=style.markers["capital"], zorder=5,
                    color=colours["label_on_dark"] if dark else colours["capital"],
                    markeredgecolor=colours["border"] if not dark else colours["capital"], markeredgewidth=bw * 0.6)
            w = style.text_width(str(name), csize)
            px, py = (lon - x0) * kx * pt_per_deg, (lat - y0) * pt_per_deg
            r = style.markers["capital"] / 2
            box = _capital_label(px, py, w, csize, r, inside, (x0, y0, kx, pt_per_deg), (x1 - x0) * kx * pt_per_deg,
                                 (y1 - y0) * pt_per_deg, placed)
            placed.append((px - r, py - r, px + r, py + r))  # keep names off the dot itself
            cx_deg = ((box[0] + box[2]) / 2) / (kx * pt_per_deg) + x0
            cy_deg = ((box[1] + box[3]) / 2) / pt_per_deg + y0
            under = next((sh for sh in shapes if any(_contains(r, cx_deg, cy_deg) for r in sh[3])), None)
            on_dark = under is not None and under[0] == focus
            ax.text(cx_deg * kx, cy_deg, str(name), fontsize=csize, va="center_baseline", ha="center", zorder=6,
                    color=colours["label_on_dark"] if on_dark else colours["label_on_light"])
            placed.append(box)

    # Country names: highlighted ones always (stepping clear of capitals' labels), then
    # neighbours, largest visible area first, where enough shows and nothing is in the way.
    candidates = []
    for iso, name, highlighted, rings in shapes:
        if not highlighted and not spec.option("label_neighbours", True):
            continue
        best = max((_clip(r, view) for r in rings), key=lambda r: abs(_area(r)) if len(r) > 2 else 0, default=[])
        if len(best) >= 3:
            candidates.append((not highlighted, -abs(_area(best)), iso, name, highlighted, best))
    for _, _, iso, name, highlighted, best in sorted(candidates):
        cx, cy = _centroid(best)
        size = style.size("map_country" if highlighted else "map_neighbour")
        w = style.text_width(name, size, bold=highlighted)
        bx0, bx1 = min(x for x, _ in best), max(x for x, _ in best)
        if not highlighted and ((bx1 - bx0) * kx * pt_per_deg < w * 1.1 or abs(_area(best)) * kx * pt_per_deg ** 2 < (w * size * 3)):
            continue  # too little of this neighbour shows to carry its name
        px, py = (cx - x0) * kx * pt_per_deg, (cy - y0) * pt_per_deg
        box = (px - w / 2, py - size * 0.6, px + w / 2, py + size * 0.6)
        if highlighted:  # slide up or down, clear of capitals, as far inside the country as it goes
            frame = (x0, y0, kx, pt_per_deg)
            steps = [0, 1, -1, 2, -2, 3, -3]
            boxes = [(box[0], box[1] + k * size * 0.6, box[2], box[3] + k * size * 0.6) for k in steps]
            box = max(boxes, key=lambda b: (not any(_overlap(b, o) for o in placed), _inside(b, best, frame)))
            py = (box[1] + box[3]) / 2
        if not highlighted:
            pad_box = (box[0], box[1] - size * 0.2, box[2], box[3] + size * 0.2)
            ends = [((box[0]) / (kx * pt_per_deg) + x0, cy), ((box[2]) / (kx * pt_per_deg) + x0, cy)]
            if any(_overlap(b, pad_box) for b in placed) or not all(_contains(best, ex, ey) for ex, ey in ends):
                continue  # would touch another label or spill into the next country
        placed.append(box)
        if iso == focus:
            colour = colours["label_on_dark"]
        elif highlighted:
            colour = colours["label_on_light"]
        else:
            colour = colours["neighbour_label"]
        ax.text(cx * kx, py / pt_per_deg + y0, name, fontsize=size, ha="center", va="center", color=colour, zorder=4,
                fontweight="bold" if highlighted else "normal", fontstyle="normal" if highlighted else "italic")


def _capital_label(px, py, w, size, radius, country, frame, width_pt, height_pt, placed):
    """The box (points) for a place's label: right, left, above or below its dot, the first
    that stays inside the place's country, on the map and clear of other labels."""
    x0, y0, kx, ppd = frame
    gap, h = radius + size * 0.25, size * 1.1
    options = [
        (px + gap, py - h / 2, px + gap + w, py + h / 2),
        (px - gap - w, py - h / 2, px - gap, py + h / 2),
        (px - w / 2, py + radius, px + w / 2, py + radius + h),
        (px - w / 2, py - radius - h, px + w / 2, py - radius),
    ]

    def score(b):
        if b[0] < 0 or b[1] < 0 or b[2] > width_pt or b[3] > height_pt or any(_overlap(b, o) for o in placed):
            return -1
        if country is None:
            return 0
        return sum(_inside(b, r, frame) for r in country[3])

    return max(options, key=score)  # max keeps the first of equals: right is preferred


def _inside(box, ring, frame) -> int:
    """How many of 15 points spread over a label box (points) fall inside a ring (degrees)."""
    x0, y0, kx, ppd = frame
    pts = [(box[0] + (box[2] - box[0]) * i / 4, box[1] + (box[3] - box[1]) * j / 2) for i in range(5) for j in range(3)]
    return sum(_contains(ring, x / (kx * ppd) + x0, y / ppd + y0) for x, y in pts)
