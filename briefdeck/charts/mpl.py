"""Everything that touches matplotlib at the figure level: fonts, rc, draw, save.

Imported only when a chart is actually drawn (never on a cache hit).
"""
from __future__ import annotations

import io
from contextlib import contextmanager
from functools import lru_cache

import matplotlib


@contextmanager
def lean_artists():
    """Imports in this block define matplotlib's Artist classes without the ``set()`` signature and
    docstring matplotlib writes for each (inspecting every setter and docstring): 0.09 s of its
    0.42 s import, spent before any process of a cold build can fork. Only in briefdeck's own
    process (``OWN_PROCESS``): a program that imports briefdeck keeps matplotlib's help texts.
    ``set()`` itself stays ``Artist.set``; the two functions are given back after the block."""
    import matplotlib.artist as artist

    from ..mplconfig import OWN_PROCESS

    method = artist.Artist.__dict__.get("_update_set_signature_and_docstring")
    kwdoc = getattr(artist, "kwdoc", None)
    if not OWN_PROCESS or method is None or kwdoc is None:
        yield
        return
    artist.kwdoc = lambda *args, **kwargs: ""
    artist.Artist._update_set_signature_and_docstring = classmethod(lambda cls: None)
    try:
        yield
    finally:
        artist.kwdoc = kwdoc
        artist.Artist._update_set_signature_and_docstring = method


with lean_artists():  # matplotlib's artists, defined without the signatures and docstrings nothing reads
    import numpy as np
    from matplotlib import font_manager, rc_context
    from matplotlib.figure import Figure
    from matplotlib.text import Text

from ..errors import RenderError  # noqa: E402
from . import format as fmt  # noqa: E402
from .linewidth import glyphs_of  # noqa: E402

_REGISTERED: dict[str, str] = {}  # TTF path -> family name


def register_fonts(fonts: dict) -> str:
    """Register a family's TTFs with matplotlib by path; return the family name.

    Our entries go to the front of the font list so that a system font of the same
    family name can never win (the SVG names the family; the PDF side maps it back
    to these same files).
    """
    fm = font_manager.fontManager
    names = set()
    for path in fonts.values():
        if path not in _REGISTERED:
            before = len(fm.ttflist)
            fm.addfont(path)
            added = fm.ttflist[before:]
            del fm.ttflist[before:]
            fm.ttflist[0:0] = added
            fm._findfont_cached.cache_clear()
            _REGISTERED[path] = added[0].name
        names.add(_REGISTERED[path])
    if len(names) != 1:
        raise RenderError(f"chart font files belong to different families {sorted(names)} — fix fonts in the theme")
    return names.pop()


try:  # unhinted outlines: what the SVG's reader (svglib, PowerPoint) sets. Hinting at
    # 72 dpi rounds glyphs to whole pixels and understates a 7 pt line by ~8 %.
    from matplotlib.ft2font import LoadFlags

    _UNHINTED = LoadFlags.NO_HINTING
except ImportError:  # matplotlib < 3.10
    from matplotlib.ft2font import LOAD_NO_HINTING as _UNHINTED


@lru_cache(maxsize=8192)
def text_width(path: str, text: str, size: float) -> float:
    """Width in points of one line of text set in the font at ``path``, as printed."""
    return _advance(path, text, size) / 64.0


class _Steps:
    """What FreeType's layouts of one font at one size have shown of its plain characters
    (``shaping.plain_chars``), in 26.6 units: where a line's first glyph is set (``first``), how far
    each pair of neighbouring glyphs moves the pen (the first's advance and their kerning:
    ``step``), and how far the last glyph takes it (``last``). A glyph is a character or a
    ligature the font is known to form of plain characters. A line of plain characters whose pairs
    are all known is measured from them, exactly: its layout would be the same sum."""

    __slots__ = ("chars", "pairs", "ligatures", "first", "step", "last")

    def __init__(self, chars: frozenset, pairs: frozenset, ligatures: dict):
        self.chars, self.pairs, self.ligatures = chars, pairs, ligatures  # see shaping.plain_chars
        self.first: dict[str, int] = {}
        self.step: dict[str, int] = {}  # by the two glyphs' characters, "\0" between when one is a ligature
        self.last: dict[str, int] = {}

    def glyphs(self, text: str) -> list[str]:
        return glyphs_of(text, self.ligatures)

    @staticmethod
    def keys(glyphs: list[str]) -> list[str]:
        return [a + b if len(a) == len(b) == 1 else f"{a}\0{b}" for a, b in zip(glyphs, glyphs[1:])]

    def advance(self, text: str) -> int | None:
        glyphs = self.glyphs(text)
        try:
            step = self.step
            return self.first[glyphs[0]] + sum(step[k] for k in self.keys(glyphs)) + self.last[glyphs[-1]]
        except KeyError:
            return None

    def learn(self, text: str, xys, advance: int) -> None:
        glyphs = self.glyphs(text)
        if len(xys) != 2 * len(glyphs) or not self.chars.issuperset(text) \
                or any(text[i:i + 2] in self.pairs for i in range(len(text) - 1)):
            return  # not plain, or not the glyphs expected
        x = [int(v) for v in xys[::2]]
        self.first[glyphs[0]] = x[0]
        for i, k in enumerate(self.keys(glyphs)):
            self.step[k] = x[i + 1] - x[i]
        self.last[glyphs[-1]] = advance - x[-1]


_STEPS: dict = {}  # (FT2Font, size) -> _Steps


def _advance(path: str, text: str, size: float) -> int:
    """What ``set_text(text); get_width_height()[0]`` gives, without the layout where the steps of
    earlier layouts tell it."""
    font = font_manager.get_font(path)
    steps = _STEPS.get((font, size))
    if steps is None:
        from .shipped import plain_chars  # the built-in fonts' answers ship: no fontTools

        chars, pairs, ligatures = plain_chars(path)
        steps = _STEPS[(font, size)] = _Steps(frozenset(map(chr, chars)), pairs, ligatures)
    if text and steps.chars.issuperset(text):
        known = steps.advance(text)
        if known is None:
            glyphs = steps.glyphs(text)
            if all(k in steps.step for k in steps.keys(glyphs)):
                for end in sorted({glyphs[0], glyphs[-1]} - (steps.first.keys() & steps.last.keys())):
                    _layout(font, size, end, steps)  # one glyph alone: where it starts and ends a line
                known = steps.advance(text)
        if known is not None:
            return known
    return _layout(font, size, text, steps)


def _layout(font, size: float, text: str, steps: _Steps) -> int:
    font.set_size(size, 72)
    xys = font.set_text(text, 0.0, flags=_UNHINTED)
    advance = font.get_width_height()[0]
    if text:
        steps.learn(text, np.asarray(xys).reshape(-1), advance)
    return advance


@lru_cache(maxsize=1024)
def ink_box(path: str, text: str, size: float) -> tuple[float, float, float, float]:
    """(left, width, ascent, descent) in points of the ink of one line of text: ``left`` is
    where the ink starts right of the text's origin (the first glyph's side bearing)."""
    font = font_manager.get_font(path)
    font.set_size(size, 72)
    font.set_text(text, 0.0, flags=_UNHINTED)
    w, h = font.get_width_height()
    d = font.get_descent()
    return font.get_bitmap_offset()[0] / 64.0, w / 64.0, (h - d) / 64.0, d / 64.0


@lru_cache(maxsize=4)
def _style_file(path: str) -> dict:
    return dict(matplotlib.rc_params_from_file(path, fail_on_error=True, use_default_template=False))


def rc_for(style) -> dict:
    """The rcParams of one target: the shared style file plus the theme's sizes and colours."""
    from cycler import cycler

    t, ln, c = style.text, style.lines, style.colours
    rc = _style_file(style.style_file)
    rc.update(
        {
            "font.family": [style.family],
            "font.size": t["tick"],
            "axes.labelsize": t["axis_label"],
            "axes.titlesize": t["axis_label"],
            "xtick.labelsize": t["tick"],
            "ytick.labelsize": t["tick"],
            "legend.fontsize": t["legend"],
            "legend.title_fontsize": t["legend"],
            "figure.titlesize": t["title"],
            "lines.linewidth": ln["series"],
            "lines.markersize": style.markers["line_end"],
            "axes.linewidth": ln["axis"],
            "grid.linewidth": ln["grid"],
            "xtick.major.size": ln["tick_length"],
            "ytick.major.size": ln["tick_length"],
            "xtick.major.width": ln["tick_width"],
            "ytick.major.width": ln["tick_width"],
            "xtick.major.pad": ln["tick_length"] * 0.8,
            "ytick.major.pad": ln["tick_length"] * 0.8,
            "text.color": c["text"],
            "axes.labelcolor": c["muted_text"],
            "axes.titlecolor": c["muted_text"],
            "axes.edgecolor": c["axis"],
            "xtick.color": c["axis"],
            "ytick.color": c["axis"],
            "xtick.labelcolor": c["text"],
            "ytick.labelcolor": c["text"],
            "grid.color": c["grid"],
            "figure.facecolor": "none" if style.transparent else c["background"],
            "savefig.facecolor": "none" if style.transparent else c["background"],
            "axes.prop_cycle": cycler(color=list(style.palette)),
            "figure.constrained_layout.h_pad": style.pad_in,
            "figure.constrained_layout.w_pad": style.pad_in,
            "figure.constrained_layout.hspace": 0.0,
            "figure.constrained_layout.wspace": 0.0,
        }
    )
    return rc


def build(kind, spec, style, width_in: float, height_in: float) -> Figure:
    """The figure of ``spec`` at its placed size, drawn by ``kind`` with typeset text.

    Call inside ``rc_context(rc_for(style))``. Tests use it to measure what was drawn.
    """
    spec = fmt.typographic_spec(spec)
    fig = Figure(figsize=(width_in, height_in), dpi=72, layout="constrained")
    ax = fig.add_subplot()
    kind(ax, spec, style)
    if spec.option("show_title") and spec.title:
        fig.suptitle(spec.title, x=0.0, ha="left", fontweight="bold", fontsize=style.size("title"))
    # Text a custom kind wrote itself gets the same quotes (a no-op on typeset text).
    for t in _texts(fig):
        s = t.get_text()
        if "'" in s or '"' in s:
            t.set_text(fmt.typographic(s, spec.language))
    return fig


def _texts(artist, found: list | None = None) -> list:
    """The Text artists in ``artist``, as ``findobj(Text)`` finds them, but an axis gives only the ticks
    it has made: ``findobj`` asks for as many as its locator places now and makes the missing ones (a
    millisecond each, dozens on the hidden axes of a timeline or a map). A tick made later has empty
    labels until a draw sets them from the axis' formatter, as it sets every drawn tick's labels."""
    from matplotlib.axis import Axis

    found = [] if found is None else found
    if isinstance(artist, Text):
        found.append(artist)
    children = [artist.label, artist.offsetText, *artist.__dict__.get("majorTicks", ()),
                *artist.__dict__.get("minorTicks", ())] if isinstance(artist, Axis) else artist.get_children()
    for child in children:
        _texts(child, found)
    return found


def draw(kind, spec, style, width_in: float, height_in: float) -> tuple[bytes, bytes | None]:
    """Draw ``spec`` once at its placed size; save SVG (text as text) and the PNG if the target wants one."""
    from .textmetrics import shared

    style = style.for_spec(spec)
    with rc_context(rc_for(style)), shared():  # each text measured once a process (textmetrics)
        fig = build(kind, spec, style, width_in, height_in)
        _lay_out(fig)
        svg = io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None})
        png = _png(fig, style.png_dpi) if style.png_dpi else None
        # Free the raster (10 MB at slide size) now rather than at the next cyclic GC: the canvas and
        # every drawn Text keep the renderer (a cache matplotlib itself drops when pickling). The figure,
        # a cycle of artists, goes at a collection (clearing it would make new empty axes: 4 ms a chart).
        fig.canvas.renderer = None
        for t in _texts(fig):
            t._renderer = None
    return _named_face(_svg_for_svglib(svg.getvalue()), style), png


def warm_up(kinds, spec, style) -> None:
    """What a process's first drawing imports and reads besides drawing, done ahead: the drawing code
    of ``kinds`` and the backends that save (SVG, Agg), the typography of ``spec``'s language
    (``textfmt``, markdown-it, babel's locale data), the target's style file and its fonts' shipped
    metrics. About 45 ms of the first chart a process draws, done once in a drawing server rather
    than in each of its workers (drawserver: they fork after it). Nothing is drawn: a figure drawn
    here as well cost the server more than it saved them."""
    from matplotlib.backends import backend_agg, backend_svg  # noqa: F401

    from . import textmetrics  # noqa: F401
    from .linewidth import advance

    for kind in kinds:
        kind.draw  # noqa: B018 -- resolved: its module imported
    fmt.typographic_spec(spec)
    style = style.for_spec(spec)
    rc_for(style)
    for face in ("regular", "bold"):  # the fonts' shipped metrics read (what kinds fit and labels measure with)
        advance(style.fonts[face], "0", 10.0)


def _lay_out(fig: Figure) -> None:
    """Run the figure's layout engine once, measuring text as the SVG sets it, and then drop the engine:
    every save after it draws once. (A save with an engine first makes a dry draw of the whole figure
    to lay it out; what the layout measures is all the dry draw contributes.)"""
    engine = fig.get_layout_engine()
    if engine is None:
        return
    if fig.axes:  # as Figure.draw runs it
        from matplotlib.backends.backend_svg import FigureCanvasSVG

        FigureCanvasSVG(fig)  # the renderer the layout measures with: the SVG's (unhinted outlines)
        try:
            engine.execute(fig)
        except ValueError:  # what Figure.draw lets pass (a figure too small for its decorations)
            pass
    fig.set_layout_engine(None)  # None, not "none": a placeholder engine still forces a dry draw


class _Discard(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # the pixels are read from the renderer instead
        return len(data)


def _png(fig: Figure, dpi: float) -> bytes:
    """The figure drawn by Agg at ``dpi`` (through savefig: its colours, as a PNG save draws them),
    encoded by ``png`` (rows unfiltered: faster and smaller than Pillow's per-row filters)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from .png import encode_rgba

    canvas = FigureCanvasAgg(fig)
    with rc_context({"text.hinting": "no_hinting"}):  # glyphs as measured and as the SVG sets them (see _UNHINTED)
        fig.savefig(_Discard(), format="rgba", dpi=dpi)
    return encode_rgba(canvas.renderer.buffer_rgba(), dpi)


def _named_face(svg: bytes, style) -> bytes:
    """The SVG names the template's typeface first, then the twin it was measured and drawn with: a
    viewer that has the face draws in it (same widths), one that has not draws the twin."""
    if not style.face or style.face == style.family:
        return svg
    return svg.replace(f"font-family: '{style.family}'".encode(), f"font-family: '{style.face}', '{style.family}'".encode()) \
        .replace(f'font-family="{style.family}"'.encode(), f'font-family="{style.face}, {style.family}"'.encode())


def _svg_for_svglib(svg: bytes) -> bytes:
    # CSS allows numeric weights, but svglib only maps 'bold' to a registered bold face.
    return svg.replace(b"font-weight: 700", b"font-weight: bold")
