"""A target's chart style resolved from the theme: sizes, colours, fonts (pure Python).

``ChartStyle`` is what a kind's draw function receives besides the axes and the spec.
All sizes are points at the placed size; nothing here is scaled.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import field, replace
from functools import lru_cache
from itertools import combinations, permutations
from pathlib import Path
from typing import Any

from ..dataclass_code import dataclass
from ..errors import RenderError, ThemeError
from . import format as fmt
from .colour import contrast, difference, grey, mix

TARGETS = ("page", "slide")


TEMPLATE_LOOK = "template_look"  # a chart spec option the deck sets (never the source): see ChartStyle.with_look


@dataclass(frozen=True)
class ChartStyle:
    target: str  # "page" | "slide"
    fonts: dict  # style ("regular", "bold", ...) -> TTF path (str)
    text: dict  # role -> size in points
    lines: dict  # role -> width in points
    markers: dict  # role -> size in points
    bars: dict
    ticks: dict
    wrapping: dict
    timeline: dict
    map: dict
    colours: dict  # role -> '#RRGGBB' (map roles under colours["map"])
    palette: tuple[str, ...]
    png_dpi: float | None
    pad_in: float
    style_file: str
    language: str = "en-CA"
    dates: tuple = ()  # named date styles -> CLDR patterns, from the chart spec's locale
    min_text: float = 7.0  # no chart text smaller than this (points)
    grey_step: float = 0.15  # neighbouring series differ at least this much in grey
    colour_step: float = 0.0  # ... and any two series this much in colour (CIELAB ΔE, colour-blind readers included)
    light_fill: float = 0.8  # fills at least this light in grey get an outline...
    light_fill_edge_shade: float = 0.6  # ...in their own colour darkened by this factor
    transparent: bool = False  # no background of its own (a picture on a template's slide)
    face: str = ""  # the typeface the SVG names, when it is not the measuring font's own (a template's face)
    _family: list = field(default_factory=list, compare=False, repr=False)  # memo, filled at draw time

    # -- values ---------------------------------------------------------------------
    def size(self, role: str) -> float:
        return float(self.text[role])

    def colour(self, role: str) -> str:
        return self.colours[role]

    def series_colour(self, i: int) -> str:
        palette = widened(self.palette, i + 1, self.colours.get("background"))
        return palette[i % len(palette)]

    def series_colours(self, m: int) -> tuple[str, ...]:
        """Colours for ``m`` series that stay apart in a grey copy, in drawing (stack) order."""
        return grey_separated(widened(self.palette, m, self.colours.get("background")), m, self.grey_step, self.colour_step)

    def number(self, value: Any, decimals: int | None = None) -> str:
        return fmt.number(value, self.language, decimals)

    def date(self, value: _dt.date, style: str = "day") -> str:
        """A date in a named style of the chart's locale (day, day_medium, day_short, month,
        month_short, quarter, quarter_short, year: the locale file's ``dates``)."""
        return fmt.date_in(self.dates, value, self.language, style)

    def category(self, value: Any) -> str:
        return fmt.category(value, self.language)

    def for_spec(self, spec) -> "ChartStyle":
        """This style in the spec's language and date patterns, and in the look of the slide it is drawn
        for when the spec carries one (``TEMPLATE_LOOK``: a deck on someone else's template)."""
        dates = tuple(getattr(spec, "dates", ()) or ())
        look = spec.option(TEMPLATE_LOOK) if hasattr(spec, "option") else None
        if spec.language == self.language and dates == self.dates and not look:
            return self
        out = replace(self, language=spec.language, dates=dates)
        return out.with_look(dict(look)) if look else out

    def with_look(self, look: dict) -> "ChartStyle":
        """The template's look: its body typeface (drawn and measured with the files given), its accent
        colours for the data, its text colour, the colour under the picture (for seams and halos) and no
        background of the chart's own."""
        fonts = dict(zip(("regular", "bold", "italic", "bolditalic"), look["fonts"])) if look.get("fonts") else self.fonts
        colours = dict(self.colours)
        for role in ("text", "muted_text", "axis", "leader"):
            if look.get("text"):
                colours[role] = look["text"]
        if look.get("background"):
            colours["background"] = look["background"]
        if look.get("palette"):  # what a chart is about, in the template's first accent
            colours["highlight"] = look["palette"][0]
        return replace(self, fonts=fonts, palette=tuple(look.get("palette") or self.palette), colours=colours,
                       transparent=bool(look.get("transparent")), face=str(look.get("face") or ""), _family=[])

    # -- text metrics (but for text_width's shipped answers, these import matplotlib) ----
    @property
    def family(self) -> str:
        """The family name matplotlib (and so the SVG) uses for this target's font."""
        if not self._family:
            from .linewidth import needs_freetype

            needs_freetype()
            from .mpl import register_fonts

            self._family.append(register_fonts(self.fonts))
        return self._family[0]

    def text_width(self, text: str, size: float, bold: bool = False) -> float:
        """Advance width of one line of ``text`` in points: from the font's shipped metrics where they
        hold it (``linewidth``: no matplotlib), else as matplotlib lays it out (the same number)."""
        from .linewidth import advance, needs_freetype

        path = self.fonts["bold" if bold else "regular"]
        found = advance(path, text, size)
        if found is not None:
            return found / 64.0
        needs_freetype()
        from .mpl import text_width

        return text_width(path, text, size)

    def ink(self, text: str, size: float, bold: bool = False) -> tuple[float, float, float, float]:
        """(left, width, ascent, descent) of the ink of one line, in points."""
        from .linewidth import needs_freetype

        needs_freetype()
        from .mpl import ink_box

        return ink_box(self.fonts["bold" if bold else "regular"], text, size)

    def wrap(self, text: str, width_pt: float, size: float, bold: bool = False, max_lines: int = 0) -> list[str]:
        """Greedy word wrap to ``width_pt``; ``max_lines`` > 0 ends the last line with '…'."""
        # Whole lines are measured (cached): word widths do not add up to a line's, the
        # side bearings at each space differ by up to a point per word.
        lines, line = [], ""
        words = fmt.words(text)
        if len(words) > 1:  # the whole text first: one layout shows every step its lines take
            # (mpl.text_width then measures them from those), and it is the last candidate anyway
            self.text_width(" ".join(words), size, bold)
        for word in words:
            candidate = f"{line} {word}" if line else word
            if line and self.text_width(candidate, size, bold) > width_pt:
                lines.append(line)
                line = word
            else:
                line = candidate
        if line:
            lines.append(line)
        if max_lines and len(lines) > max_lines:
            last = lines[max_lines - 1]
            while last and self.text_width(last + "…", size, bold) > width_pt:
                last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
            lines = lines[: max_lines - 1] + [last.rstrip(" ,;:") + "…"]
        return lines or [""]


def chart_style(theme, target: str) -> ChartStyle:
    """Resolve ``charts.targets.<target>`` of ``theme`` into a ChartStyle."""
    if target not in TARGETS:
        raise RenderError(f"unknown chart target '{target}' — use one of: {', '.join(TARGETS)}")
    t = theme.get(f"charts.targets.{target}")
    family = t["font"]
    fonts = {st: str(theme.font_file(family, st)) for st in ("regular", "bold", "italic", "bolditalic")}
    data = theme.get("colours.data")
    palette = tuple(theme.colour(data[i]) for i in theme.get("charts.palette"))

    def resolve(node):
        return {k: resolve(v) for k, v in node.items()} if isinstance(node, dict) else theme.colour(node)

    style_file = theme.assets.find(str(theme.get("charts.style_file")))
    if style_file is None:
        raise ThemeError(f"chart style file {theme.get('charts.style_file')} is missing — restore it or fix charts.style_file")
    return ChartStyle(
        target=target,
        fonts=fonts,
        text=dict(t["text"]),
        lines=dict(t["lines"]),
        markers=dict(t["markers"]),
        bars=dict(t["bars"]),
        ticks=dict(t["ticks"]),
        wrapping=dict(t["wrap"]),
        timeline=dict(t["timeline"]),
        map=dict(t["map"]),
        colours=resolve(theme.get("charts.colours")),
        palette=palette,
        png_dpi=t.get("png_dpi"),
        pad_in=float(t["pad_in"]),
        style_file=str(style_file),
        min_text=float(t.get("min_text", 7.0)),
        grey_step=float(theme.get("charts.grey_step") or 0.15),
        colour_step=float(theme.get("charts.colour_step") or 0.0),
        light_fill=float(theme.get("charts.light_fill.grey")),
        light_fill_edge_shade=float(theme.get("charts.light_fill.edge_shade")),
    )


@lru_cache(maxsize=64)
def widened(palette: tuple[str, ...], m: int, background: str | None = None) -> tuple[str, ...]:
    """The palette with room for ``m`` series, no two of one colour: when it has fewer colours (a
    template whose accents that read on the chart's background are three), each colour lightened,
    then darkened, then more so, where the new colour still reads on ``background`` (as
    ``template_look`` keeps accents: contrast 1.5); up to ``len(palette)`` more than ``m``, for
    ``grey_separated`` to choose from. Always the same order, so a shorter widening is a prefix."""
    if m <= len(palette):
        return palette
    out = list(palette)
    for toward, share in (("#FFFFFF", 0.5), ("#000000", 0.4), ("#FFFFFF", 0.75), ("#000000", 0.65)):
        for c in palette:
            if len(out) >= m + len(palette):
                return tuple(out)
            v = mix(c, toward, share)
            if v not in out and (not background or contrast(v, background) >= 1.5):
                out.append(v)
    return tuple(out)  # still short (a palette of one colour on a grey): then colours repeat


@lru_cache(maxsize=64)
def grey_separated(palette: tuple[str, ...], m: int, step: float, colour_step: float = 0.0) -> tuple[str, ...]:
    """``m`` palette colours, the first palette colour first, chosen and ordered to stay apart.

    When the palette's first ``m`` already differ pairwise by ``step`` in grey and by
    ``colour_step`` in colour (``colour.difference``: CIELAB ΔE for normal, deutan and protan
    vision, the least of the three) they are kept. Else the subset that, in this order, keeps
    every two apart in colour by ``colour_step`` (or as far as the palette allows: orange and
    vermillion are twins to red-green blind readers), every two apart in grey by ``step``, and
    then their grey copies furthest apart; ordered so that neighbours (stack segments,
    adjacent bars) differ most in grey (ties: most in colour, then palette order).
    """
    m = max(0, m)
    if m <= 1 or m > len(palette) or m > 8:  # (past 8, searching their orders would take minutes)
        return tuple(palette[i % len(palette)] for i in range(m))
    g = [grey(c) for c in palette]

    def gaps(idx) -> list[float]:
        return sorted(abs(g[a] - g[b]) for a, b in combinations(idx, 2))

    def hues(idx) -> float:
        return min(difference(palette[a], palette[b]) for a, b in combinations(idx, 2))

    if gaps(range(m))[0] >= step and hues(range(m)) >= colour_step:
        return tuple(palette[:m])

    def score(idx):
        all_grey = gaps(idx)
        return (min(hues(idx), colour_step), min(all_grey[0], step), all_grey, [-i for i in idx])

    subsets = (((0,) + rest) for rest in combinations(range(1, len(palette)), m - 1))
    best = max(subsets, key=score)

    def neighbours(order):
        grey_gaps = sorted(abs(g[a] - g[b]) for a, b in zip(order, order[1:]))
        colour_gap = min(difference(palette[a], palette[b]) for a, b in zip(order, order[1:]))
        return grey_gaps, colour_gap, [-i for i in order]

    orders = (((0,) + rest) for rest in permutations(best[1:]))
    order = max(orders, key=neighbours)
    return tuple(palette[i] for i in order)


def style_inputs(theme) -> list[Path]:
    """Files whose content changes what charts look like (for the cache key)."""
    return list(theme.chart_inputs())
