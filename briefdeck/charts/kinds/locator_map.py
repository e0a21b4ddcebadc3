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

Labels never overlap one another or a dot, and each has a halo in the colour beneath it.
Capitals take the side of their dot that keeps the name inside their country; country
names go where the whole name fits inside the country, as far from its borders as it can
be; a highlighted country too small for its name gets it outside with a leader line; a
neighbour whose name does not fit is not named.
"""
from __future__ import annotations

import math

from ...dataclass_code import dataclass
from ...errors import RenderError
from ..geometry import area as _area, centroid as _centroid, clip as _clip
from ..registry import DataContract, Option, declare, lazy
from .. import format as fmt

np = lazy("numpy")
c = lazy("briefdeck.charts.kinds.common")
mlines = lazy("matplotlib.lines")
mpath = lazy("matplotlib.path")
mpatches = lazy("matplotlib.patches")

LINE = 1.2  # label box height, in type sizes per line


@dataclass
class _Country:
    iso: str
    name: str
    highlighted: bool
    paths: list  # matplotlib Paths of its rings, in points
    main: np.ndarray  # its largest ring inside the view, in points
    vertices: np.ndarray  # every ring's outline, densified, in points (for clearances)

    def inside(self, pts: np.ndarray) -> np.ndarray:
        hit = np.zeros(len(pts), dtype=bool)
        for p in self.paths:
            hit |= p.contains_points(pts)
        return hit


class _Frame:
    """Map coordinates <-> points from the map's lower-left corner."""

    def __init__(self, x0, y0, kx, ppd, width, height):
        self.x0, self.y0, self.kx, self.ppd, self.width, self.height = x0, y0, kx, ppd, width, height

    def pt(self, ring) -> np.ndarray:
        a = np.asarray(ring, dtype=float).reshape(-1, 2)
        return np.column_stack(((a[:, 0] - self.x0) * self.kx * self.ppd, (a[:, 1] - self.y0) * self.ppd))

    def data(self, x: float, y: float) -> tuple[float, float]:
        """Axes data coordinates (lon * kx, lat) of a point."""
        return (x / (self.kx * self.ppd) + self.x0) * self.kx, y / self.ppd + self.y0


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
    # add_artist, not add_patch: the view is set above, and add_patch would widen the data limits
    # nothing reads by every segment of every border (a Python loop: 25 ms a map)
    for iso, _name, highlighted, rings in shapes:
        fill = colours["focus"] if iso == focus else colours["highlighted"] if highlighted else colours["neighbour"]
        for ring in rings:
            ax.add_artist(mpatches.Polygon([(x * kx, y) for x, y in ring], closed=True, facecolor=fill,
                                 edgecolor=colours["border"], linewidth=bw, joinstyle="round", zorder=2 if highlighted else 1))

    ppd = ((H - 2 * pad) * 72) / (y1 - y0)  # points per degree of latitude
    frame = _Frame(x0, y0, kx, ppd, (x1 - x0) * kx * ppd, (y1 - y0) * ppd)
    step = style.size("map_capital") * 0.5  # outline resolution for clearances
    countries = []
    for iso, name, highlighted, rings in shapes:
        pts = [frame.pt(r) for r in rings if len(r) >= 3]
        if not pts:
            continue
        best = max((_clip(r, view) for r in rings), key=lambda r: abs(_area(r)) if len(r) > 2 else 0, default=[])
        main = frame.pt(best) if len(best) >= 3 else np.empty((0, 2))
        countries.append(_Country(iso, name, highlighted, [mpath.Path(p) for p in pts], main,
                                  np.vstack([_densify(p, step) for p in pts])))
    labels = _Labels(frame, style.lines["halo"] / 2 + 0.6)

    # Places (capitals): dots first, so that no label covers one.
    mode = spec.option("label_capitals", "highlighted")
    places = []
    if spec.table.rows and spec.x and len(spec.series) >= 2 and mode != "none":
        names = c.column(spec, spec.x)
        plon, plat = c.numbers(spec, spec.series[0]), c.numbers(spec, spec.series[1])
        r = style.markers["capital"] / 2
        for name, lon, lat in zip(names, plon, plat):
            if not (x0 < lon < x1 and y0 < lat < y1):
                continue
            p = frame.pt([(lon, lat)])
            home = next((k for k in countries if k.inside(p)[0]), None)
            if mode == "highlighted" and (home is None or not home.highlighted):
                continue
            dark = home is not None and home.iso == focus
            ax.plot([lon * kx], [lat], "o", markersize=style.markers["capital"], zorder=5,
                    color=colours["label_on_dark"] if dark else colours["capital"],
                    markeredgecolor=colours["capital"] if dark else colours["border"], markeredgewidth=bw * 0.6)
            px, py = p[0]
            labels.block((px - r, py - r, px + r, py + r))
            places.append((str(name), px, py, r, home))

    drawn = []  # (box, text, size, bold, italic, role)
    csize = style.size("map_capital")
    for name, px, py, r, home in places:
        w, h = style.text_width(name, csize), csize * LINE
        side = r + csize * 0.3 + labels.margin  # clear of the dot (itself blocked, with the margin)
        up = r + labels.margin + h / 2 + 0.5
        options = [  # right, left, above, below (centred, then flush with the dot), diagonals
            (px + side + w / 2, py), (px - side - w / 2, py),
            (px, py + up), (px, py - up),
            (px - r + w / 2, py + up), (px + r - w / 2, py + up), (px - r + w / 2, py - up), (px + r - w / 2, py - up),
            (px + side + w / 2, py + h * 0.6), (px + side + w / 2, py - h * 0.6),
            (px - side - w / 2, py + h * 0.6), (px - side - w / 2, py - h * 0.6),
        ]
        centres = np.array(options)
        free = labels.free(centres, w, h)
        frac = _inside_fraction(home, centres, w, h) if home is not None else np.zeros(len(options))
        k = max(range(len(options)), key=lambda i: (bool(free[i]), float(frac[i]), -i))
        labels.place(centres[k], w, h)
        drawn.append(((centres[k][0], centres[k][1]), name, csize, False, False, None))

    # Country names: highlighted ones, largest first, then the neighbours that fit.
    order = sorted((k for k in countries if len(k.main) >= 3 and (k.highlighted or spec.option("label_neighbours", True))),
                   key=lambda k: (not k.highlighted, _area(k.main.tolist())))
    for k in order:
        size = style.size("map_country" if k.highlighted else "map_neighbour")
        variants = [k.name] + ([k.name.replace(" ", "\n", 1)] if k.highlighted and " " in k.name else [])
        spot = None
        for text in variants:
            w = max(style.text_width(line, size, bold=k.highlighted) for line in text.split("\n"))
            h = size * LINE * (text.count("\n") + 1)
            centre = _inside_spot(k, labels, w, h)
            if centre is not None:
                spot = (centre, text, w, h, None)
                break
        if spot is None and k.highlighted:
            text = k.name
            w, h = style.text_width(text, size, bold=True), size * LINE
            found = _outside_spot(k, countries, labels, w, h)
            if found is not None:
                spot = (found[0], text, w, h, found[1])
        if spot is None:
            continue  # a neighbour too small to carry its name, or no room at all
        centre, text, w, h, leader = spot
        labels.place(centre, w, h)
        if leader is not None:
            (ax_, ay_), (bx_, by_) = frame.data(*leader[0]), frame.data(*leader[1])
            ax.add_line(mlines.Line2D([ax_, bx_], [ay_, by_], color=colours["leader"], linewidth=style.lines["leader"],
                               solid_capstyle="round", zorder=3.5))
        drawn.append(((centre[0], centre[1]), text, size, k.highlighted, not k.highlighted, k))

    # Draw: text colour and halo from what lies beneath the label.
    for (cx, cy), text, size, bold, italic, owner in drawn:
        under = next((k for k in countries if k.inside(np.array([[cx, cy]]))[0]), None)
        on_focus = under is not None and under.iso == focus
        if owner is not None and not owner.highlighted:
            colour = colours["neighbour_label"]
        elif on_focus:
            colour = colours["label_on_dark"]
        else:
            colour = colours["label_on_light"]
        halo = colours["focus"] if on_focus else colours["halo"]
        dx, dy = frame.data(cx, cy)
        ax.add_artist(c.HaloText(dx, dy, text, fontsize=size, ha="center", va="center", color=colour,
                                 fontweight="bold" if bold else "normal", fontstyle="italic" if italic else "normal",
                                 multialignment="center", linespacing=1.05, zorder=6 if owner is None else 4,
                                 halo=(halo, style.lines["halo"])))


# -- placement ----------------------------------------------------------------------------------
class _Labels:
    """Boxes taken so far (points), and the frame they must stay in."""

    def __init__(self, frame: _Frame, margin: float):
        self.frame, self.margin = frame, margin
        self.boxes: list[tuple[float, float, float, float]] = []

    def block(self, box) -> None:
        self.boxes.append(tuple(box))

    def place(self, centre, w: float, h: float) -> None:
        cx, cy = float(centre[0]), float(centre[1])
        self.boxes.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))

    def free(self, centres: np.ndarray, w: float, h: float) -> np.ndarray:
        """Which boxes of size w x h centred at ``centres`` stay on the map and clear of the rest."""
        m = self.margin
        cx, cy = centres[:, 0], centres[:, 1]
        ok = (cx - w / 2 >= m) & (cx + w / 2 <= self.frame.width - m) & (cy - h / 2 >= m) & (cy + h / 2 <= self.frame.height - m)
        for bx0, by0, bx1, by1 in self.boxes:
            ok &= ~((cx - w / 2 < bx1 + m) & (bx0 - m < cx + w / 2) & (cy - h / 2 < by1 + m) & (by0 - m < cy + h / 2))
        return ok


def _densify(ring: np.ndarray, step: float) -> np.ndarray:
    """The closed ring's outline as points at most ``step`` apart: each side from its start,
    cut into as many equal parts as whole steps it is long (one at least)."""
    ring = np.asarray(ring, dtype=float)
    sides = np.roll(ring, -1, axis=0) - ring
    parts = np.array([max(1, int(math.hypot(dx, dy) // step)) for dx, dy in sides.tolist()], dtype=np.int64)
    first = np.repeat(np.cumsum(parts) - parts, parts)
    k = np.arange(len(first)) - first  # each point's number along its side
    along = k / np.repeat(parts, parts)  # as np.arange(n) / n
    return np.repeat(ring, parts, axis=0) + along[:, None] * np.repeat(sides, parts, axis=0)


def _samples(centres: np.ndarray, w: float, h: float) -> tuple[np.ndarray, int]:
    """Points spread over each box (edges included): (len(centres) * n, 2) and n."""
    nx = max(3, int(math.ceil(w / (h * 0.5))) + 1)
    gx = np.linspace(-w / 2, w / 2, nx)
    gy = np.array([-h / 2, 0.0, h / 2])
    offs = np.array([(x, y) for x in gx for y in gy])
    pts = (centres[:, None, :] + offs[None, :, :]).reshape(-1, 2)
    return pts, len(offs)


def _inside_fraction(country: _Country, centres: np.ndarray, w: float, h: float) -> np.ndarray:
    pts, n = _samples(centres, w, h)
    return country.inside(pts).reshape(-1, n).mean(axis=1)


def _clearance(country: _Country, centres: np.ndarray, w: float, h: float) -> np.ndarray:
    """Distance from each box to the country's outline (0 when the outline enters the box)."""
    v = country.vertices
    dx = np.maximum(np.abs(v[None, :, 0] - centres[:, None, 0]) - w / 2, 0.0)
    dy = np.maximum(np.abs(v[None, :, 1] - centres[:, None, 1]) - h / 2, 0.0)
    return np.hypot(dx, dy).min(axis=1)


def _grid(lo, hi, step: float, limit: int = 1200) -> np.ndarray:
    (ax0, ay0), (ax1, ay1) = lo, hi
    while ((ax1 - ax0) / step + 1) * ((ay1 - ay0) / step + 1) > limit:
        step *= 1.3
    xs = np.arange(ax0, ax1 + step / 2, step)
    ys = np.arange(ay0, ay1 + step / 2, step)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack((gx.ravel(), gy.ravel()))


def _inside_spot(country: _Country, labels: _Labels, w: float, h: float):
    """The centre of a w x h box wholly inside the country and clear of other labels: as far
    from the borders as needed to read (a line height), then as central as possible."""
    main = country.main
    lo, hi = main.min(axis=0) + (w / 2, h / 2), main.max(axis=0) - (w / 2, h / 2)
    if (hi < lo).any():
        return None
    centres = _grid(lo, hi, h / 3)
    # Cheap tests first: clear of other labels, centre inside, no outline point in the box;
    # then the whole box sampled (an edge may still clip a corner).
    centres = centres[labels.free(centres, w, h)]
    if len(centres):
        centres = centres[country.inside(centres)]
    if not len(centres):
        return None
    clear = _clearance(country, centres, w, h)
    centres, clear = centres[clear > 0.0], clear[clear > 0.0]
    if not len(centres):
        return None
    whole = _inside_fraction(country, centres, w, h) == 1.0
    centres, clear = centres[whole], clear[whole]
    if not len(centres):
        return None
    mid = np.array(_centroid(main.tolist()))
    score = np.minimum(clear, h) * 1000.0 - np.hypot(*(centres - mid).T)
    return centres[int(np.argmax(score))]


def _outside_spot(country: _Country, countries: list, labels: _Labels, w: float, h: float):
    """A box near the country but off it, over unhighlighted land or sea, with the shortest
    leader line to a point well inside the country that crosses no label and no other
    highlighted country: (centre, (from, to)) or None."""
    main = country.main
    others = [k for k in countries if k.highlighted and k is not country]

    def over_others(pts: np.ndarray) -> np.ndarray:
        hit = np.zeros(len(pts), dtype=bool)
        for k in others:
            hit |= k.inside(pts)
        return hit

    # Leader ends: points inside the country, clear of its border and of every label.
    targets = _grid(main.min(axis=0), main.max(axis=0), h / 4)
    targets = targets[country.inside(targets)]
    if len(targets):
        targets = targets[labels.free(targets, h / 2, h / 2) & (_clearance(country, targets, 0.0, 0.0) >= h / 3)]
    if not len(targets):
        return None

    reach = w / 2 + 4 * h
    centres = _grid(main.min(axis=0) - reach, main.max(axis=0) + reach, h / 3)
    centres = centres[labels.free(centres, w, h)]
    if not len(centres):
        return None
    centres = centres[~country.inside(centres)]  # cheap tests first, then the whole box
    if len(centres):
        centres = centres[_clearance(country, centres, w, h) >= h * 0.3]  # not touching its border
    if not len(centres):
        return None
    pts, n = _samples(centres, w, h)
    centres = centres[~(over_others(pts) | country.inside(pts)).reshape(-1, n).any(axis=1)]
    if not len(centres):
        return None
    # For each box, the nearest target, from the nearest point of the box's edge.
    sx = np.clip(targets[None, :, 0], centres[:, None, 0] - w / 2, centres[:, None, 0] + w / 2)
    sy = np.clip(targets[None, :, 1], centres[:, None, 1] - h / 2, centres[:, None, 1] + h / 2)
    dist = np.hypot(targets[None, :, 0] - sx, targets[None, :, 1] - sy)
    j = dist.argmin(axis=1)
    rows = np.arange(len(centres))
    start = np.column_stack((sx[rows, j], sy[rows, j]))
    end = targets[j]
    length = dist[rows, j]
    # Start the leader a little off the text, so it does not touch the letters.
    start = start + (end - start) * (labels.margin / np.maximum(length, 1e-9))[:, None]
    t = np.linspace(0.0, 1.0, 14)[1:-1]
    along = (start[:, None, :] + (end - start)[:, None, :] * t[None, :, None]).reshape(-1, 2)
    bad = (~labels.free(along, 0.0, 0.0) | over_others(along)).reshape(len(centres), -1).any(axis=1)
    ok = ~bad & (length >= h)  # long enough to read as a leader
    if not ok.any():
        return None
    i = int(np.argmin(np.where(ok, length, np.inf)))
    return centres[i], ((float(start[i, 0]), float(start[i, 1])), (float(end[i, 0]), float(end[i, 1])))


# -- what a locator map says, and what it takes ------------------------------------------------
def describe_map(spec, say) -> str:
    from ..geometry import contains

    lang = spec.language
    shapes = spec.option("shapes") or ()
    focus = spec.option("focus")
    highlighted = [s[1] for s in shapes if s[2]]
    focus_name = next((s[1] for s in shapes if s[0] == focus), None)
    group = spec.option("group_label")
    subject = spec.title or ""
    facts = []
    if highlighted:
        names = fmt.join(sorted(highlighted), lang)
        said = group and group.lower() in subject.lower()
        facts.append(say("group_highlighted", group=group, names=names) if group and not said
                     else say("names_highlighted", names=names))
    if focus_name:
        facts.append(say("focus", name=focus_name))
    others = len(shapes) - len(highlighted)
    if others:
        facts.append(say("neighbours", n=others))
    mode = spec.option("label_capitals", "highlighted")
    if spec.table.rows and spec.x and len(spec.series) >= 2 and mode != "none":
        places = zip(spec.table.column(spec.x), spec.table.column(spec.series[0]), spec.table.column(spec.series[1]))
        inside = [str(n) for n, lon, lat in places
                  if mode == "all" or any(s[2] and any(contains(r, lon, lat) for r in s[3]) for s in shapes)]
        if inside:
            facts.append(say("capitals", names=fmt.join(inside, lang)))
    return say.sentence(say("map"), subject, facts)


declare("map", "briefdeck.charts.kinds.locator_map:draw_map",
        contract=DataContract(x="category", series_min=0, series_max=2),
        options=(Option("geojson", "geojson", "GeoJSON FeatureCollection of the countries (a file in the project, e.g. assets/data/sahel.geojson)."),
                 Option("highlight_property", "text", "The GeoJSON property that is true for highlighted countries (default: highlight)."),
                 Option("focus", "text", "ISO 3166 alpha-3 code of the country drawn darkest (e.g. MLI)."),
                 Option("label_capitals", "choice", "Which places (x = name, series = [lon, lat]) are named.", choices=("highlighted", "all", "none")),
                 Option("label_neighbours", "bool", "Name the neighbouring countries that show enough area (default: true).")),
        describe=describe_map, summary="A locator map: highlighted countries among their neighbours, places as dots.", axis_labels=())
