"""Everything that touches matplotlib at the figure level: fonts, rc, draw, save.

Imported only when a chart is actually drawn (never on a cache hit).
"""
from __future__ import annotations

import io
from functools import lru_cache

import matplotlib
from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure
from matplotlib.text import Text

from ..errors import RenderError
from . import format as fmt

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
    font = font_manager.get_font(path)
    font.set_size(size, 72)
    font.set_text(text, 0.0, flags=_UNHINTED)
    return font.get_width_height()[0] / 64.0


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
    for t in fig.findobj(Text):
        s = t.get_text()
        if "'" in s or '"' in s:
            t.set_text(fmt.typographic(s, spec.language))
    return fig


def draw(kind, spec, style, width_in: float, height_in: float) -> tuple[bytes, bytes | None]:
    """Draw ``spec`` once at its placed size; save SVG (text as text) and the PNG if the target wants one."""
    style = style.for_spec(spec)
    with rc_context(rc_for(style)):
        fig = build(kind, spec, style, width_in, height_in)
        _lay_out(fig)
        svg = io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None})
        png = _png(fig, style.png_dpi) if style.png_dpi else None
        # Free the raster (10 MB at slide size) now rather than at the next cyclic GC.
        fig.canvas.renderer = None
        fig.clear()
    return _named_face(_svg_for_svglib(svg.getvalue()), style), png


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
