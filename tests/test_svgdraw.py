"""The brief's chart drawings without svglib's cost (render/pdf/svgdraw.py): for every chart SVG
the corpus draws, the very Drawing svglib makes (its plain data byte for byte, each group's own
attribute map, no object shared between shapes, the same PDF bytes); for anything outside the
subset it reproduces, svglib's drawing, as before."""
from __future__ import annotations

import importlib
import io
from pathlib import Path

import pytest
from reportlab.graphics.shapes import Group
from reportlab.lib import colors

from briefdeck.render.pdf import drawings, svgdraw

from .conftest import DEFAULT_SOURCE, EXAMPLES, ROOT, one_section
from .test_pdf_drawings import pdf_of

# the theme's Noto Sans has no Hebrew or Arabic glyphs: matplotlib says so; the SVG keeps the text
pytestmark = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")

SOURCES = [DEFAULT_SOURCE, *sorted(EXAMPLES.glob("*.yaml")),
           *sorted(p / f"{p.name}.yaml" for p in EXAMPLES.iterdir() if p.is_dir()),
           ROOT / "tests" / "hostile" / "formulas.yaml"]

DOTS = one_section("dots, labels, share", """  - id: dots
    kind: dot_plot
    caption: Deaths by mission
    source: UN Peace and Security Data Hub
    alt: Dots.
    data: {mission: [ONUC, UNOSOM, UNPROFOR], deaths: [135, 114, 167]}
    x: mission
    series: [deaths]
    options: {highlight: ONUC}
  - id: labels
    kind: hbar
    caption: Labels a reader wrote
    source: A source & its "notes"
    alt: Bars.
    data:
      label: ["Tom & Jerry \\"quoted\\"", "<script>alert('x')</script>", "שלום עולם", "مرحبا بالعالم",
              "naïve café — ünïcode ½ ✓", "a  b   c", "it's", "x < y > z &amp;"]
      value: [3, 1, 4, 1, 5, 9, 2, 6]
    x: label
    series: [value]
  - id: share
    kind: area
    caption: One series, not stacked
    source: A source
    alt: An area.
    data: {year: [2015, 2016, 2017, 2018], share: [0.5, 0.25, 0.75, 0.5]}
    x: year
    series: [share]
""")
# as the loader sets them (typographic quotes), then matplotlib escapes them in the SVG
HOSTILE = ["Tom & Jerry “quoted”", "<script>alert(‘x’)</script>", "שלום עולם", "مرحبا بالعالم",
           "naïve café — ünïcode ½ ✓", "it’s", "x < y > z &amp;", "a b c"]


@pytest.fixture(scope="module")
def fonts():
    from briefdeck.render.pdf.fonts import load_fonts
    from briefdeck.theme import load_theme

    return load_fonts(load_theme()).chart_map


def _page_charts(src: Path, theme) -> list[tuple[str, bytes]]:
    """(kind, SVG) of every page chart a source's brief asks the chart service for."""
    from briefdeck.charts import ChartService
    from briefdeck.load import load_document
    from briefdeck.present import default_view
    from briefdeck.render.pdf import prepare

    doc = load_document(src)
    p = prepare(default_view(doc, theme), theme=theme)
    kinds = [f.chart.kind + ("-stacked" if f.chart.option("stacked") else "") for f in doc.charted_figures]
    return list(zip(kinds, [r.svg for r in ChartService(theme).render_many(p.chart_requests())]))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[tuple[str, str, bytes]]:
    """(source, kind, SVG) of every page chart of the default source, every example, the hostile
    data, and a chart kind a plugin defines (dot_plot: scatter markers) beside hostile labels."""
    from briefdeck.charts import KINDS
    from briefdeck.theme import load_theme

    module = importlib.import_module("tests.kinds.dot_plot")
    if "dot_plot" not in KINDS:
        importlib.reload(module)
    extra = tmp_path_factory.mktemp("svgdraw") / "labels.yaml"
    (extra.parent / "assets").mkdir()
    extra.write_text(DOTS, encoding="utf-8")
    theme = load_theme()
    return [(src.stem, kind, svg) for src in [*SOURCES, extra] for kind, svg in _page_charts(src, theme)]


def _svglib(svg: bytes, font_map):
    from svglib.svglib import svg2rlg

    return svg2rlg(io.BytesIO(svg), font_map=font_map)


def _shapes(node):
    yield node
    if isinstance(node, Group):
        for c in node.contents:
            yield from _shapes(c)


def _shared(d) -> list:
    """Mutable values (lists, colours) that two shapes, or two attributes, hold as one object."""
    seen: dict[int, object] = {}
    shared = []
    for n in _shapes(d):
        for k, v in n.__dict__.items():
            if k != "contents" and isinstance(v, (list, dict, colors.Color)):
                if id(v) in seen:
                    shared.append((type(n).__name__, k))
                seen[id(v)] = v
    return shared


def assert_svglibs_drawing(svg: bytes, font_map) -> None:
    fast = svgdraw.convert(svg, font_map)
    assert fast is not None, "outside the subset: converted by svglib"
    ref = _svglib(svg, font_map)
    assert drawings.dumps(fast) == drawings.dumps(ref)
    for a, b in zip(_shapes(fast), _shapes(ref), strict=True):  # what dumps leaves out
        if isinstance(a, Group):
            assert type(a._attrMap) is type(b._attrMap) and a._attrMap == b._attrMap
            assert a._attrMap is not type(a)._attrMap  # its own, as Group() makes it
    assert _shared(fast) == _shared(ref) == []


def test_every_page_chart_of_the_corpus_is_svglibs_very_drawing(corpus, fonts):
    for src, kind, svg in corpus:
        assert_svglibs_drawing(svg, fonts)
    kinds = {kind for _, kind, _ in corpus}
    assert {"bar", "bar-stacked", "hbar", "line", "area", "area-stacked", "timeline", "map", "big_number",
            "dot_plot"} <= kinds, kinds
    assert len(corpus) >= 40


def test_the_brief_draws_the_same_pdf_bytes(corpus, fonts):
    for src, kind, svg in corpus:
        if src == DEFAULT_SOURCE.stem:
            assert pdf_of(svgdraw.convert(svg, fonts)) == pdf_of(_svglib(svg, fonts))


def test_hostile_labels_survive_as_svglib_reads_them(corpus, fonts):
    svgs = [svg for src, kind, svg in corpus if src == "labels"]
    assert len(svgs) == 3
    texts = {s.text for s in _shapes(svgdraw.convert(svgs[1], fonts)) if type(s).__name__ == "String"}
    for label in HOSTILE:  # the last: runs of spaces collapse, as svglib's clean_text does
        assert label in texts, (label, texts)


def test_a_chart_in_the_subset_is_drawn_and_kept_without_svglib(corpus, fonts, tmp_path, monkeypatch):
    import svglib.svglib

    monkeypatch.setattr(svglib.svglib, "svg2rlg", lambda *a, **k: pytest.fail("svglib converted a chart"))
    src, kind, svg = next(c for c in corpus if c[1] == "map")
    d = drawings.drawing(svg, "key", fonts, "f", tmp_path)
    [kept] = tmp_path.glob("*.rl.json")
    monkeypatch.undo()
    assert drawings.dumps(d) == drawings.dumps(_svglib(svg, fonts))
    assert drawings.dumps(drawings.drawing(svg, "key", fonts, "f", tmp_path)) == drawings.dumps(d)  # read back


# -- beyond the corpus: hand-written SVG in matplotlib's shape -------------------------------
HEAD = """<?xml version="1.0" encoding="utf-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="200pt" height="100pt" viewBox="0 0 200 100" xmlns="http://www.w3.org/2000/svg" version="1.1">
 <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
 <defs>
  <style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>
 </defs>
"""
CLIP = '<clipPath id="p1"><rect x="10" y="5" width="180" height="90"/></clipPath>'
TEXT = ("<text style=\"font-size: 8px; font-family: 'Noto Sans'; text-anchor: start; fill: #1a1a1a\" "
        'x="2.88" y="8.73" transform="rotate(-0 2.88 8.73)">A label</text>')


def doc(body: str, defs: str = CLIP, head: str = HEAD) -> bytes:
    return (head + f' <g id="figure_1">\n{body}\n </g>\n <defs>{defs}</defs>\n</svg>\n').encode()


IN_SUBSET = {
    "dashes, opacities": '<path d="M 0 0 L 10 10 L 20 0" clip-path="url(#p1)" style="fill: none; stroke-dasharray: 3.7,1.6; '
                         'stroke-dashoffset: 0; stroke: #0072b2; stroke-opacity: 0.5; stroke-width: 1.5"/>'
                         '<path d="M 0 0 L 10 10 L 20 0 z" style="fill: #0072b2; fill-opacity: 0.25; stroke: #000000"/>',
    "open filled subpaths": '<path d="M 0 0 L 10 10 L 20 0 M 30 30 L 40 40 z M 50 50 L 60 70 Q 65 75 70 70 C 1 2 3 4 5 6" '
                            'style="fill: #e69f00; fill-rule: evenodd; stroke: #1a1a1a; stroke-width: 0.8; '
                            'stroke-linejoin: miter; stroke-linecap: square"/>',
    "implicit linetos": '<path d="M 0 0 10 10 20 0 L 5 5 6 6 z" style="fill: #ffffff"/>',
    "no stroke width": '<path d="M 0 0 L 10 10 z" style="fill: #ffffff; stroke: #000000; stroke-width: 0"/>',
    "no style at all": '<path d="M 0 0 L 10 10"/>',
    "empty path": '<path d="" style="fill: #ffffff"/><path style="fill: #ffffff"/>',
    "group transforms": '<g id="g1" transform="translate(10 20) scale(2) rotate(30) matrix(1 0 0 1 5 5)">'
                        '<g transform="translate(3)"><g transform="scale(1, 2)"><path d="M 0 0 L 1 1" style="stroke: #000000"/></g></g></g>',
    "shape transforms, ids": '<path id="pa" d="M 0 0 L 1 1" transform="rotate(90 5 5)" clip-path="url(#p1)" style="stroke: #000000"/>'
                             '<text id="tx" style="font-size: 7px" x="1" y="2" transform="rotate(-90)">Up</text>',
    "inherited style": '<g style="fill: #0072b2; stroke: #ffffff; font-size: 9px; text-anchor: middle">'
                       '<path d="M 0 0 L 10 10 z" style="stroke: inherit"/><text x="1" y="1">Inherited</text>'
                       '<g style="fill: none"><path d="M 0 0 L 1 1 L 2 0 z"/></g></g>',
    "text defaults": "<text>  no   position\tor  size  </text><text x=\"5\" style=\"font-weight: 700; font-style: italic; "
                     "font-family: 'Noto Sans', sans-serif\">Bold</text><text y=\"3\" style=\"font-size: 12pt; fill: none\">"
                     "</text><text x=\"-0\" y=\"-0\" style=\"font-family: Unknown Family\">Fallback font</text>" + TEXT,
    "text anchors": "<text style=\"text-anchor: middle\" x=\"10\" y=\"10\">Mid</text>"
                    "<text style=\"text-anchor: end\" x=\"10\" y=\"10\">End</text>",
    "markers": '<defs><path id="m1" d="M 0 -2 L 2 2 L -2 2 z" style="stroke: #ffffff"/></defs>'
               '<g clip-path="url(#p1)"><use xlink:href="#m1" x="5" y="6" style="fill: #0072b2; stroke: #ffffff"/>'
               '<use xlink:href="#m1" x="7" style="fill: #d55e00"/><use xlink:href="#m1"/></g>',
    "a marker defined after its use": '<use xlink:href="#late" x="1" style="fill: #d55e00"/><defs><path id="late" d="M 0 0 L 1 1 z"/></defs>',
}
MULTI_CLIP = '<clipPath id="p1"><rect x="10" y="5" width="180" height="90"/><rect x="0" y="0" width="5" height="5"/></clipPath>'


@pytest.mark.quick  # hand-written SVG: no chart drawn
@pytest.mark.parametrize("name", sorted(IN_SUBSET))
def test_constructs_of_the_subset_beyond_the_corpus_are_svglibs_too(name, fonts):
    assert_svglibs_drawing(doc(IN_SUBSET[name]), fonts)


@pytest.mark.quick  # hand-written SVG: no chart drawn
def test_a_clip_path_of_several_rectangles_and_no_css(fonts):
    assert_svglibs_drawing(doc('<g clip-path="url(#p1)"><path d="M 0 0 L 1 1"/></g>', MULTI_CLIP), fonts)
    assert_svglibs_drawing(doc(TEXT, head=HEAD.replace("*{stroke-linejoin: round; stroke-linecap: butt}", "")), fonts)
    assert_svglibs_drawing(doc(TEXT, head=HEAD.replace('width="200pt" height="100pt"', 'width="300" height="80px"')), fonts)


OUTSIDE = {
    "circle": '<circle cx="5" cy="5" r="3" style="fill: #000000"/>',
    "rect outside a clip path": '<rect x="0" y="0" width="5" height="5"/>',
    "named colour": '<path d="M 0 0 L 1 1" style="stroke: red"/>',
    "short hex colour": '<path d="M 0 0 L 1 1" style="stroke: #f00"/>',
    "group opacity": '<g style="opacity: 0.5"><path d="M 0 0 L 1 1"/></g>',
    "presentation attribute": '<path d="M 0 0 L 1 1" fill="#000000"/>',
    "hidden": '<path d="M 0 0 L 1 1" style="display: none"/>',
    "relative path": '<path d="M 0 0 l 1 1 h 3 z"/>',
    "arc": '<path d="M 0 0 A 5 5 0 0 1 10 10"/>',
    "skew": '<g transform="skewX(10)"><path d="M 0 0 L 1 1"/></g>',
    "tspan": '<text x="1" y="1">a<tspan>b</tspan></text>',
    "em font size": '<text style="font-size: 2em" x="1" y="1">a</text>',
    "important": '<path d="M 0 0 L 1 1" style="fill: #000000 !important"/>',
    "xml:space": '<text xml:space="preserve" x="1" y="1"> a  b </text>',
    "use of a group": '<g id="gg"><path d="M 0 0 L 1 1"/></g><use xlink:href="#gg" x="1"/>',
    "gradient fill": '<path d="M 0 0 L 1 1 z" style="fill: url(#grad)"/>',
    "percent x": '<text x="50%" y="1">a</text>',
    "an id twice": '<g id="figure_1"><path d="M 0 0 L 1 1"/></g>',
    "unknown clip path": '<g clip-path="url(#nowhere)"><path d="M 0 0 L 1 1"/></g>',
    "comment": '<!-- a comment --><path d="M 0 0 L 1 1"/>',
    "opacity above one": '<path d="M 0 0 L 1 1 z" style="fill: #000000; fill-opacity: 2"/>',
}


@pytest.mark.quick  # hand-written SVG: no chart drawn
@pytest.mark.parametrize("name", sorted(OUTSIDE))
def test_anything_else_is_converted_by_svglib(name, fonts):
    svg = doc(OUTSIDE[name])
    assert svgdraw.convert(svg, fonts) is None
    ref = _svglib(svg, fonts)
    got = drawings.drawing(svg, "key", fonts, "f", None)
    assert (got is None and ref is None) or drawings.dumps(got) == drawings.dumps(ref)


@pytest.mark.quick  # hand-written SVG: no chart drawn
@pytest.mark.parametrize("change", [
    lambda s: s.replace(b"*{stroke-linejoin", b"path{stroke-linejoin"),  # a CSS rule for some elements
    lambda s: s.replace(b"<style", b"<title>t</title><style"),  # the style not first
    lambda s: s.replace(b' version="1.1"', b' version="1.1" font-size="20"'),
    lambda s: s.replace(b'width="200pt"', b'width="70mm"'),
    lambda s: s.replace(b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n  "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">',
                        b'<!DOCTYPE svg [<!ENTITY e "x">]>').replace(b"A label", b"A &e; label"),
    lambda s: s.replace(b"A label", b"A <!-- note --> label"),
    lambda s: s.replace(b"?>", b"?><?pi x?>"),
    lambda s: s.replace(b"A label", b"<![CDATA[A label]]>"),
])
def test_documents_outside_the_subset_are_converted_by_svglib(change, fonts):
    svg = change(doc(TEXT))
    assert svg != doc(TEXT)
    assert svgdraw.convert(svg, fonts) is None
    ref = _svglib(svg, fonts)
    got = drawings.drawing(svg, "key", fonts, "f", None)
    assert (got is None and ref is None) or drawings.dumps(got) == drawings.dumps(ref)


@pytest.mark.quick  # hand-written SVG: no chart drawn
def test_pictures_from_sources_stay_with_svglib():
    """An SVG a source names (a logo, a photograph's diagram) is anyone's SVG: svglib reads it."""
    text = (ROOT / "briefdeck" / "render" / "pdf" / "pictures.py").read_text(encoding="utf-8")
    assert "svg2rlg" in text and "svgdraw" not in text


@pytest.mark.quick  # hand-written SVG: no chart drawn
def test_a_reportlab_whose_shapes_hold_other_attributes_hands_back_to_svglib(fonts, monkeypatch):
    """svgdraw makes shapes without their constructors: it knows the attributes they set, in order."""
    svg = doc(TEXT)
    assert svgdraw.convert(svg, fonts) is not None
    monkeypatch.setattr(svgdraw, "_LAYOUT", [])
    monkeypatch.setattr(svgdraw, "_PATH_KEYS", svgdraw._PATH_KEYS + ["strokeOverprint"])
    assert svgdraw.convert(svg, fonts) is None
