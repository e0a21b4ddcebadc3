"""A slide chart's PNG fallback (``charts/png.py``): the pixels matplotlib's own PNG save draws, on
a transparent background too, with rows unfiltered, valid chunks, and the resolution the theme sets;
its text set unhinted, as wide as the SVG's and as the chart measured it."""
from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from briefdeck.charts import ChartService, mpl
from briefdeck.charts.png import encode_rgba
from briefdeck.charts.registry import KINDS

from . import test_charts as T


def _chunks(png: bytes):
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    i = 8
    while i < len(png):
        (n,) = struct.unpack(">I", png[i:i + 4])
        kind, data = png[i + 4:i + 8], png[i + 8:i + 8 + n]
        (crc,) = struct.unpack(">I", png[i + 8 + n:i + 12 + n])
        assert crc == zlib.crc32(kind + data), kind
        yield kind, data
        i += 12 + n
    assert i == len(png)


def _savefig_png(spec, style, w, h) -> bytes:
    """The same chart saved by matplotlib (Pillow's encoder) after the same SVG save, its text unhinted."""
    from matplotlib import rc_context

    style = style.for_spec(spec)
    with rc_context(mpl.rc_for(style)):
        fig = mpl.build(KINDS[spec.kind], spec, style, w, h)
        fig.savefig(io.BytesIO(), format="svg", metadata={"Date": None})
        fig.set_layout_engine(None)
        buf = io.BytesIO()
        with rc_context({"text.hinting": "no_hinting"}):
            fig.savefig(buf, format="png", dpi=style.png_dpi, metadata={"Software": None})
    return buf.getvalue()


@pytest.mark.parametrize("name, transparent", [("bar_stacked", False), ("timeline", False), ("map", False), ("line", True)])
def test_the_png_has_the_pixels_matplotlib_saves(name, transparent, theme):
    from dataclasses import replace

    service = ChartService(theme)
    style = service.style("slide")
    if transparent:  # a chart on a user's template: no background of its own
        style = replace(style, transparent=True)
    spec = T.SPECS[name]()
    w, h = T.size_for(name, "slide")
    _, png = mpl.draw(KINDS[spec.kind], spec, style, w, h)
    ours, theirs = Image.open(io.BytesIO(png)), Image.open(io.BytesIO(_savefig_png(spec, style, w, h)))
    assert theirs.mode == "RGBA" and ours.size == theirs.size
    assert ours.size[0] >= w * 192 and ours.size[1] >= h * 192
    a, b = np.asarray(ours.convert("RGBA")), np.asarray(theirs)
    assert np.array_equal(a, b)
    assert (a[..., 3] == 0).any() == transparent  # a transparent background stays transparent
    assert ours.info["dpi"] == pytest.approx((192, 192), abs=0.01)
    colours = len(np.unique(a.reshape(-1, 4), axis=0))
    assert ours.mode == ("P" if colours <= 256 else "RGBA")  # a palette whenever one holds the colours

    chunks = list(_chunks(png))
    kinds = [k for k, _ in chunks]
    if ours.mode == "P":  # colours, and their alpha where one is not opaque
        assert kinds in ([b"IHDR", b"pHYs", b"PLTE", b"IDAT", b"IEND"], [b"IHDR", b"pHYs", b"PLTE", b"tRNS", b"IDAT", b"IEND"])
        assert len(chunks[2][1]) == 3 * colours
    else:
        assert kinds == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]  # no text chunk (no date, no software)
    rows = zlib.decompress(chunks[kinds.index(b"IDAT")][1])
    stride = 1 + (1 if ours.mode == "P" else 4) * ours.size[0]
    assert len(rows) == stride * ours.size[1] and not any(rows[::stride])  # every row unfiltered


def test_encoding_is_exact_for_any_pixels():
    rng = np.random.default_rng(28)
    pixels = rng.integers(0, 256, size=(17, 19, 4), dtype=np.uint8)  # 323 colours: more than a palette holds
    png = encode_rgba(pixels, 96)
    back = Image.open(io.BytesIO(png))
    back.load()
    assert back.mode == "RGBA" and np.array_equal(np.asarray(back), pixels)
    assert encode_rgba(pixels, 96) == png
    with pytest.raises(ValueError):
        encode_rgba(pixels[..., :3], 96)


@pytest.mark.parametrize("alpha", [False, True])
def test_few_colours_are_written_with_a_palette_and_read_back_the_same(alpha):
    rng = np.random.default_rng(29)
    colours = rng.integers(0, 256, size=(256, 4), dtype=np.uint8)  # as many as a palette holds
    colours[:, 3] = rng.integers(0, 256, size=256) if alpha else 255
    pixels = colours[rng.integers(0, 256, size=(40, 64))]
    pixels[10:, :20] = colours[7]  # runs of one colour, as a chart's background
    pixels[:4] = colours.reshape(4, 64, 4)  # every colour
    assert len(np.unique(pixels.reshape(-1, 4), axis=0)) == len(np.unique(colours, axis=0))
    png = encode_rgba(pixels, 192)
    back = Image.open(io.BytesIO(png))
    back.load()
    assert back.mode == "P" and np.array_equal(np.asarray(back.convert("RGBA")), pixels)
    kinds = [k for k, _ in _chunks(png)]
    assert (b"tRNS" in kinds) == alpha  # opaque colours need no alpha
    assert back.info["dpi"] == pytest.approx((192, 192), abs=0.01)
    more = pixels.copy()
    more[5, 5] = (1, 2, 3, 4) if not (colours == (1, 2, 3, 4)).all(axis=1).any() else (5, 6, 7, 8)  # one colour too many
    assert len(np.unique(more.reshape(-1, 4), axis=0)) == 257
    assert Image.open(io.BytesIO(encode_rgba(more, 192))).mode == "RGBA"
    assert encode_rgba(np.ascontiguousarray(pixels[:, ::-1]), 192) != png  # the indices are the pixels'


def test_the_png_sets_text_as_wide_as_it_was_measured(theme):
    """Hinted at 192 dpi, Carlito runs about 2 % narrower than its outlines (the SVG's, and what the
    chart measured): a long timeline label would end 9 pt short of where the SVG ends it."""
    from matplotlib import font_manager
    from matplotlib.ft2font import LoadFlags

    service = ChartService(theme)
    style = service.style("slide")
    spec = T.SPECS["timeline"]()
    w, h = T.size_for("timeline", "slide")
    label = max((str(c) for row in spec.table.rows for c in row if isinstance(c, str)), key=len)
    font = font_manager.get_font(style.fonts["regular"])
    widths = {}
    for flags in (LoadFlags.DEFAULT, LoadFlags.NO_HINTING):
        font.set_size(style.size("tick"), style.png_dpi)
        font.set_text(label, 0.0, flags=flags)
        widths[flags] = font.get_width_height()[0] / 64 * 72 / style.png_dpi
    measured = mpl.text_width(style.fonts["regular"], label, style.size("tick"))
    assert widths[LoadFlags.NO_HINTING] == pytest.approx(measured, rel=1e-3)
    assert abs(widths[LoadFlags.DEFAULT] - measured) > abs(widths[LoadFlags.NO_HINTING] - measured)
