"""The built-in chart fonts' line widths are computed from their shipped unscaled metrics, without
matplotlib (charts/linewidth.py, charts/unscaled.py): to the 1/64 pt what matplotlib's own layout
(libraqm, HarfBuzz and FreeType, ``set_text(..., NO_HINTING); get_width_height()``) gives, for every
shipped font, at many sizes (odd ones too), on every plain character alone, every ligature, every
kerned pair of glyph classes, the corpus' texts and random lines; anything else is None (FreeType
lays it out, as before). A process with a drawing server fits its charts itself, at once."""
from __future__ import annotations

import random

import pytest

from briefdeck.charts import linewidth, shipped

from .test_text_measure import FONTS, HOSTILE, _corpus

mpl = pytest.importorskip("briefdeck.charts.mpl")

FACES = ("NotoSans-Regular", "NotoSans-Bold", "Carlito-Regular", "Carlito-Bold")
ODD = (6.5, 7.3, 11.999)
SIZES = (1, 3.2, 5, 6, 6.5, 7, 7.25, 7.3, 7.5, 8, 8.5, 9, 9.6, 10, 10.5, 11, 11.999, 12, 13.7, 15, 18, 20, 24, 33.3, 48, 72.1, 100)


def _path(face: str) -> str:
    return str(FONTS / f"{face}.ttf")


def _metrics(face: str) -> linewidth._Metrics:
    found = linewidth._metrics(_path(face))
    assert found is not None, f"{face}: no unscaled metrics ship for this font and matplotlib — python -m briefdeck.charts.derive_shipped"
    return found


def _laid_out(face: str, size: float, texts) -> dict:
    """matplotlib's own widths (26.6) of ``texts``: the font ``mpl.text_width`` lays out with."""
    font = mpl.font_manager.get_font(_path(face))
    font.set_size(size, 72)
    out = {}
    for text in texts:
        font.set_text(text, 0.0, flags=mpl._UNHINTED)
        out[text] = font.get_width_height()[0]
    return out


def _kerned_pairs(m: linewidth._Metrics) -> list[str]:
    """One line of two glyphs for every (left class, right class) that kerns, and one that does not."""
    keys = list(m.index)
    first_left = {m.left[i]: k for k, i in reversed(m.index.items())}
    first_right = {m.right[i]: k for k, i in reversed(m.index.items())}
    lines = [first_left[lc] + first_right[rc] for lc, row in enumerate(m.kern) for rc in row]
    return lines + [keys[0] + keys[-1]]


def _lines(m: linewidth._Metrics, n: int, seed: int) -> list[str]:
    """Random lines of the font's glyphs (ligatures too), spaces among them."""
    rnd = random.Random(seed)
    keys = list(m.index) + [" "] * 40
    return ["".join(rnd.choice(keys) for _ in range(rnd.randint(1, 40))) for _ in range(n)]


def _check(face: str, size: float, texts) -> int:
    m = _metrics(face)
    want = _laid_out(face, size, texts)
    modelled = 0
    for text in texts:
        got = m.width(text, size) if text else None
        if got is not None:
            modelled += 1
            assert got == want[text], (face, size, text, got, want[text])
    return modelled


@pytest.mark.quick
@pytest.mark.parametrize("face", FACES)
def test_every_glyph_kerned_pair_and_ligature_at_odd_sizes(face):
    m = _metrics(face)
    assert len(m.index) > 850 and sum(map(len, m.kern)) > 100  # the fonts' characters and kerning ship
    ligatures = [seq for seqs in m.ligatures.values() for seq in seqs]
    assert ligatures and all(seq in m.index for seq in ligatures)
    texts = list(m.index) + _kerned_pairs(m) + [f"a{seq}o" for seq in ligatures] + ["AVATAR Tyo Wa", "office fluffy ttf"]
    for size in ODD:
        assert _check(face, size, texts) == len(texts)


def _latin_corpus(every: int) -> list[str]:
    """Every ``every``-th text of the corpus whose characters are all Latin (the rest is not plain)."""
    return [t for t in sorted(_corpus()) if all(ord(c) < 0x250 or 0x2000 <= ord(c) < 0x2200 for c in t)][::every]


CHART_SIZES = (("NotoSans-Regular", 7.5), ("Carlito-Regular", 15.0), ("NotoSans-Bold", 7.0), ("Carlito-Bold", 13.0))


@pytest.mark.quick
def test_the_corpus_and_random_lines_at_the_charts_sizes():
    texts = _latin_corpus(24)
    assert len(texts) > 300
    for face, size in CHART_SIZES:
        texts_here = texts + _lines(_metrics(face), 100, 1)
        assert _check(face, size, texts_here) > 0.95 * len(texts_here)  # nearly all of it needs no layout


@pytest.mark.filterwarnings("ignore:Glyph")  # the hostile text's glyphs missing from the font
def test_the_corpus_at_the_charts_sizes():
    texts = _latin_corpus(2) + HOSTILE
    assert len(texts) > 4500
    for face, size in CHART_SIZES:
        assert _check(face, size, texts) > 0.95 * len(texts)


@pytest.mark.filterwarnings("ignore:Glyph")  # the hostile text's glyphs missing from the font
@pytest.mark.parametrize("face", FACES)
def test_many_sizes_many_lines(face):
    m = _metrics(face)
    texts = _latin_corpus(40) + HOSTILE + list(m.index) + _kerned_pairs(m) + _lines(m, 100, 2)
    for size in SIZES:
        assert m.at(size) is not None and _check(face, size, texts) > 0.9 * len(texts), size
    # past what HarfBuzz's float arithmetic keeps exact for any glyph (from ~1,000 pt for these fonts'
    # narrowest advances): no line is known, all are laid out
    assert m.at(2000) is None and all(m.width(text, 2000) is None for text in texts)


@pytest.mark.parametrize("face", FACES)
def test_past_what_the_float_keeps_exact_only_the_widest_glyphs_are_laid_out(face):
    """A glyph's advance past HarfBuzz's exact float range (a wide glyph at a large size: TextToPath
    measures every line at 100 pt) makes only the lines holding it unknown; the rest is still exact."""
    m = _metrics(face)
    texts = _latin_corpus(40) + list(m.index) + _kerned_pairs(m) + _lines(m, 100, 4)
    widest = max(m.index, key=lambda k: m.units[m.index[k]])
    for size in (100, 150, 300):
        assert 0 < _check(face, size, texts) < len(texts), size  # some lines known (and exact), some not
        assert m.width(widest, size) is None and m.width(f"a{widest}", size) is None, size


@pytest.mark.quick
@pytest.mark.filterwarnings("ignore:Glyph")
def test_what_is_not_modelled_is_laid_out(theme, monkeypatch):
    from briefdeck.charts.style import chart_style

    style = chart_style(theme, "slide")
    path = style.fonts["regular"]
    for text in ("", "Ωmega", "e\u0301", "中文", "a\tb", "x\u200by", "A\u00adB"):  # not plain: FreeType's
        assert linewidth.advance(path, text, 9.0) is None
    assert linewidth.advance(path, "Menaka", 1000.0) is None  # past what HarfBuzz's float arithmetic keeps exact
    assert linewidth.advance(path, "Menaka", 0.01) is None  # no size at all
    assert linewidth.advance(_path("DejaVuSans"), "Menaka", 9.0) is None  # a font that ships no metrics
    for text, size in (("Ωmega", 9.0), ("Menaka", 1000.0)):  # and style measures it as matplotlib lays it out
        assert style.text_width(text, size) == mpl.text_width(path, text, size)

    monkeypatch.setattr(linewidth, "_FONTS", {})
    monkeypatch.setattr("briefdeck.versions.version", lambda name: "0.0" if name == "matplotlib" else None)
    assert shipped.shipped_unscaled(path) is None  # another matplotlib: not the one the entry was checked against
    monkeypatch.undo()
    monkeypatch.setattr(linewidth, "_FONTS", {})
    monkeypatch.setattr("briefdeck.charts.shaping._locale_language", lambda: "fr")
    assert shipped.shipped_unscaled(path) is None  # another language system
    monkeypatch.undo()


@pytest.mark.quick
def test_a_process_with_a_drawing_server_fits_plain_charts_itself(theme, monkeypatch):
    """A timeline's parts are measured where they are asked for, without matplotlib, when its text is
    plain; a timeline whose text needs FreeType goes to the server; the answers are the same."""
    from dataclasses import replace

    from briefdeck import drawserver
    from briefdeck.charts import ChartService

    from .test_charts import figure, timeline

    plain = figure(timeline())
    table = plain.chart.table
    greek = figure(replace(plain.chart, table=replace(table, rows=tuple((d, f"Ωmega {t}") for d, t in table.rows))))
    alone = [ChartService(theme).parts(f, "slide", 9.0, 3.0) for f in (plain, greek)]
    asked = []

    class Server:  # the drawing server's answer, computed as its worker computes it
        def run(self, calls, first=False):
            asked.append(first)
            return [fn(arg) for fn, arg in calls]

    monkeypatch.setattr(drawserver, "current", lambda: Server())
    assert ChartService(theme).parts(plain, "slide", 9.0, 3.0) == alone[0] and asked == []
    assert ChartService(theme).parts(greek, "slide", 9.0, 3.0) == alone[1] and asked == [True]
    assert len(alone[0]) > 1  # split: its lines were measured


@pytest.mark.quick
def test_a_refused_measure_is_seen_even_where_the_measuring_code_catches_failures(theme):
    from briefdeck.charts import ChartService

    style = ChartService(theme).style("slide")
    with linewidth.without_freetype() as refused:
        assert style.text_width("Menaka", 9.0) > 0 and not refused  # plain: answered here
        with pytest.raises(linewidth.NeedsFreeType):
            try:
                style.text_width("Ωmega", 9.0)
            except Exception:  # a kind's own guard does not take it  # noqa: BLE001
                pytest.fail("NeedsFreeType was caught as an Exception")
        assert refused
    assert style.text_width("Ωmega", 9.0) > 0  # outside the block: laid out by FreeType
