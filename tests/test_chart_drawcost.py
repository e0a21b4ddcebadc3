"""What makes drawing a chart cheaper changes nothing it draws: sizes of text kept for the process
(``charts/textmetrics.py``) are the renderer's own answers, the same bytes come out with and without
them, only the renderers they were written for use them; typesetting a custom kind's text makes no
ticks; a drawn chart's raster is freed when ``draw`` returns."""
from __future__ import annotations

import gc
import weakref

import pytest

from briefdeck.charts import ChartService, mpl, textmetrics
from briefdeck.charts.registry import KINDS

from . import test_charts as T

TEXTS = ["2015", "Malicious act", "UNSC resolution 2100 establishes MINUSMA (up to 11,200 military)", "Þórsmörk – “quoted”", " ", "fi ffl"]


def _props(style):
    from matplotlib.font_manager import FontProperties

    return [FontProperties(family=style.family, size=s, weight=w) for s in (7.5, 8, 13.5) for w in ("normal", "bold")]


def _renderers():
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.backends.backend_svg import RendererSVG
    import io

    return [RendererSVG(400, 300, io.StringIO()), RendererAgg(40, 30, 72), RendererAgg(40, 30, 192)]


@pytest.mark.parametrize("hinting", ["no_hinting", "default"])
def test_a_kept_size_is_what_the_renderer_measures(theme, hinting):
    from matplotlib import rc_context

    style = ChartService(theme).style("slide")
    style.family  # registers the theme's fonts
    with rc_context({"text.hinting": hinting}):
        renderers = _renderers()
        own = [[r.get_text_width_height_descent(s, p, False) for s in TEXTS for p in _props(style)] for r in renderers]
        textmetrics._MEMO.clear()
        with textmetrics.shared():
            for _ in range(2):  # measured, then answered from the memo
                kept = [[r.get_text_width_height_descent(s, p, False) for s in TEXTS for p in _props(style)] for r in renderers]
                assert kept == own
            assert len(textmetrics._MEMO) == len(renderers) * len(TEXTS) * len(_props(style))


def test_a_plain_line_s_size_composed_without_a_layout_is_the_renderer_s(theme):
    """``textmetrics._composed``: a line of a built-in chart font's plain characters measured from the
    shipped widths and its glyphs' ink boxes, as the SVG's TextToPath (100 pt, scaled) and Agg (unhinted,
    at its resolution) measure it with a layout; what it does not know (characters the font lacks or
    shapes in context) is None."""
    import io
    import random

    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.font_manager import fontManager, get_font

    from .test_chart_linewidth import _latin_corpus

    style = ChartService(theme).style("page")
    style.family  # registers the theme's fonts
    rnd = random.Random(5)
    lines = ["".join(rnd.choice("AVTWafgjpqy0123456789.,;:-–—() '’“”…fiflffi") for _ in range(rnd.randint(1, 30))) for _ in range(100)]
    texts = TEXTS + _latin_corpus(80) + lines
    svg = RendererSVG(400, 300, io.StringIO())
    t2p = svg._text2path
    known = asked = 0
    with rc_context({"text.hinting": "no_hinting"}):  # as the PNG is drawn (mpl._png)
        for prop in _props(style):
            files = fontManager._find_fonts_by_props(prop)
            font = get_font(files)
            size = prop.get_size_in_points()
            for text in texts:
                for got, own in ((textmetrics._composed(font, files, text, float(t2p.FONT_SCALE), 72, size / t2p.FONT_SCALE),
                                  lambda: RendererSVG.get_text_width_height_descent(svg, text, prop, False)),
                                 *((textmetrics._composed(font, files, text, size, r.dpi, 1.0),
                                    lambda r=r: RendererAgg.get_text_width_height_descent(r, text, prop, False))
                                   for r in (RendererAgg(40, 30, 72), RendererAgg(40, 30, 192)))):
                    asked += 1
                    if got is not None:
                        known += 1
                        assert got == own(), (text, size)
            for other in ("ЖΩ", "x\u0301", "\U0001F600"):  # not the font's plain characters
                assert textmetrics._composed(font, files, other, size, 72, 1.0) is None
    assert known > 0.9 * asked


def test_what_it_keeps_is_bounded(theme, monkeypatch):
    """Past ``_KEPT`` answers the memo starts again, and the glyphs' ink boxes (and the fonts they
    hold) with it: a drawing server that lives long holds no more."""
    from matplotlib import rc_context

    style = ChartService(theme).style("slide")
    style.family  # registers the theme's fonts
    monkeypatch.setattr(textmetrics, "_KEPT", 5)
    textmetrics._MEMO.clear()
    textmetrics._EXTENTS.clear()
    with rc_context({"text.hinting": "no_hinting"}), textmetrics.shared():
        r = _renderers()[1]
        for p in _props(style)[:5]:
            r.get_text_width_height_descent("2015", p, False)
        assert len(textmetrics._MEMO) == 5 and textmetrics._EXTENTS  # composed from its glyphs' ink boxes
        r.get_text_width_height_descent("2015", _props(style)[5], False)
    assert len(textmetrics._MEMO) == 1 and len(textmetrics._EXTENTS) <= len("2015")  # started again


def test_the_same_bytes_with_and_without_kept_sizes(theme, monkeypatch):
    service = ChartService(theme)

    def draw_all():
        out = []
        for name, make in T.SPECS.items():
            spec = make()
            for target in ("page", "slide"):
                out.append(mpl.draw(KINDS[spec.kind], spec, service.style(target), *T.size_for(name, target)))
        return out

    textmetrics._MEMO.clear()
    kept = draw_all()
    assert textmetrics._MEMO  # the block did keep sizes
    again = draw_all()  # every text answered from the memo now
    with monkeypatch.context() as m:
        m.setattr(textmetrics, "_composed", lambda *args: None)  # every size laid out, then kept
        textmetrics._MEMO.clear()
        laid_out = draw_all()
    with monkeypatch.context() as m:
        m.setattr(textmetrics, "_written_for", lambda cls, name: False)  # as if matplotlib's methods were others
        textmetrics._MEMO.clear()
        plain = draw_all()
        assert not textmetrics._MEMO
    assert kept == again == laid_out == plain


def test_only_the_renderers_it_was_written_for_and_only_inside(theme):
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.backends.backend_svg import RendererSVG

    style = ChartService(theme).style("page")
    prop = _props(style)[0]
    own_svg, own_agg = RendererSVG.get_text_width_height_descent, RendererAgg.get_text_width_height_descent

    class Other(RendererAgg):  # a subclass may load its fonts otherwise: never answered from the memo
        pass

    textmetrics._MEMO.clear()
    with textmetrics.shared():
        assert RendererAgg.get_text_width_height_descent is not own_agg
        with textmetrics.shared():  # nested: the outer block's methods stay
            pass
        assert RendererAgg.get_text_width_height_descent is not own_agg
        Other(40, 30, 72).get_text_width_height_descent("Other", prop, False)
        RendererAgg(40, 30, 72).get_text_width_height_descent(r"$x^2$", prop, True)  # math text: measured as before
        assert textmetrics._MEMO == {}
    assert RendererSVG.get_text_width_height_descent is own_svg and RendererAgg.get_text_width_height_descent is own_agg
    RendererAgg(40, 30, 72).get_text_width_height_descent("After", prop, False)
    assert textmetrics._MEMO == {}  # outside the block, matplotlib as it is


def test_typesetting_a_custom_kind_s_text_makes_no_tick(service):
    from matplotlib.axis import Axis
    from matplotlib.text import Text

    from briefdeck.charts import register_kind
    from briefdeck.model import ChartSpec

    @register_kind("test_quotes")
    def quotes(ax, spec, style):
        ax.set_axis_off()  # hidden axes: their locators would place ticks nobody draws
        ax.text(0.5, 0.5, "the 'Blue Helmets'")
        ax.plot([0, 1], [0, 1], label='"Peacekeepers"')
        ax.legend()

    made = []
    own = Axis._get_tick
    try:
        Axis._get_tick = lambda self, major: made.append(self) or own(self, major)
        spec = ChartSpec(**{**T.deadliest_missions().__dict__, "kind": "test_quotes"})
        style = service.style("page").for_spec(spec)
        from matplotlib import rc_context

        with rc_context(mpl.rc_for(style)):
            made.clear()
            fig = mpl.build(KINDS["test_quotes"], spec, style, 5, 3)
            assert len(made) <= 4  # the new axes' first ticks; none for the texts' sake (findobj makes 10 more)
            texts = [t.get_text() for t in fig.findobj(Text)]
        assert "the ‘Blue Helmets’" in texts and "“Peacekeepers”" in texts
        assert {id(t) for t in mpl._texts(fig)} >= {id(t) for t in fig.findobj(Text)}  # and every tick made by now
    finally:
        Axis._get_tick = own
        KINDS.pop("test_quotes", None)


def test_a_drawn_chart_s_raster_is_freed_at_once(service):
    from matplotlib.backends import backend_agg

    made = []
    own = backend_agg.RendererAgg.__init__

    def init(self, *args, **kwargs):
        own(self, *args, **kwargs)
        made.append(weakref.ref(self))

    spec = T.SPECS["bar_stacked"]()
    gc.disable()
    try:
        backend_agg.RendererAgg.__init__ = init
        _, png = mpl.draw(KINDS[spec.kind], spec, service.style("slide"), *T.size_for("bar_stacked", "slide"))
    finally:
        backend_agg.RendererAgg.__init__ = own
        gc.enable()
    assert png and made and all(r() is None for r in made)


def test_a_map_border_is_sampled_as_side_by_side():
    import math

    import numpy as np

    from briefdeck.charts.kinds.locator_map import _densify

    def by_side(ring, step):  # each side from its start, in as many equal parts as whole steps it is long
        out = []
        for a, b in zip(ring, np.roll(ring, -1, axis=0)):
            n = max(1, int(math.hypot(*(b - a)) // step))
            out.append(a + np.outer(np.arange(n) / n, b - a))
        return np.vstack(out)

    rng = np.random.default_rng(30)
    for _ in range(200):
        ring = rng.normal(size=(int(rng.integers(1, 40)), 2)) * rng.uniform(0.1, 500)
        step = rng.uniform(0.05, 20)
        assert np.array_equal(_densify(ring, step), by_side(ring, step))  # the same floats, not only close


WARMED = r"""
import hashlib, sys
from briefdeck.charts import ChartService, mpl, service
from briefdeck.charts.registry import KINDS
from briefdeck.theme import load_theme
import test_charts as T
svc = ChartService(load_theme("default"))
specs = {name: make() for name, make in T.SPECS.items()}
jobs = [(service._drawn, svc.theme, svc._config_digest(), specs[n], t, *T.size_for(n, t)) for n in specs for t in ("page", "slide")]
if sys.argv[1:] == ["warm"]:  # as the drawing server does before its workers fork
    service._warm_up(jobs)
    print(sorted(m for m in ("briefdeck.textfmt", "matplotlib.backends.backend_agg", "matplotlib.backends.backend_svg",
                             "briefdeck.charts.kinds.locator_map") if m in sys.modules))
for job in jobs:
    svg, png = service._styled_job(job)
    print(job[3].kind, job[4], hashlib.sha256(svg + (png or b"")).hexdigest())
"""


def test_a_warmed_up_process_draws_the_same_bytes():
    """The drawing server's warm-up (``service._warm_up``: imports, the language's typography, the style
    file) loads what a first drawing needs and leaves every drawing as a process without it draws it."""
    import subprocess
    import sys

    def run(*args):
        prelude = f"import sys; sys.argv[1:] = {list(args)!r}; sys.path[:0] = [{str(T.ROOT)!r}, {str(T.ROOT / 'tests')!r}]\n"
        res = subprocess.run([T.PY, "-c", prelude + WARMED], capture_output=True, text=True, cwd=T.ROOT, timeout=240)
        assert res.returncode == 0, res.stderr
        return res.stdout.splitlines()

    cold, warmed = run(), run("warm")
    assert warmed[0] == "['briefdeck.charts.kinds.locator_map', 'briefdeck.textfmt', 'matplotlib.backends.backend_agg', 'matplotlib.backends.backend_svg']"
    assert warmed[1:] == cold and len(cold) == 2 * len(T.SPECS)


def test_a_request_s_drawings_are_ordered_by_what_they_draw(theme):
    """The order guess (``service._cost``): more to draw first (a map's borders before a single number);
    only drawing jobs are guessed at."""
    from briefdeck.charts import service

    svc = ChartService(theme)
    job = lambda spec: (service._drawn, theme, svc._config_digest(), spec, "slide", 10.0, 4.0)  # noqa: E731
    assert service._cost(job(T.sahel_map())) > service._cost(job(T.timeline())) > service._cost(job(T.big_number())) > 0
    assert service._cost((service._parts_of, theme, b"", T.timeline(), "slide", 10.0, 4.0)) == 0
