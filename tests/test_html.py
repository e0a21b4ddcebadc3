"""The HTML edition, read back with Python's html.parser (no browser: tests/test_html_browser.py
has those): one self-contained page that says what the brief says, structured for assistive
technology, its charts inline and named, their data as tables, nothing it reads from elsewhere,
nothing the author wrote turned into markup, the same bytes on every build, and rebuilt alone
when only its own theme part changes."""
from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Optional

import pytest

from briefdeck import api
from briefdeck.charts.colour import contrast
from briefdeck.load import load_document
from briefdeck.present import default_view
from briefdeck.render.html.svg import inline_svg
from briefdeck.theme import load_theme

from .conftest import DEFAULT_SOURCE, EXAMPLES, ROOT

FRENCH = EXAMPLES / "ca-dion-consolidation-paix-2016" / "ca-dion-consolidation-paix-2016.yaml"
HEARING = EXAMPLES / "us-house-south-sudan-2016" / "us-house-south-sudan-2016.yaml"
VOID = {"meta", "br", "link", "img", "input", "hr", "source", "wbr", "area", "base", "col", "embed", "track"}


# -- a small DOM -------------------------------------------------------------------------------------
class Node:
    def __init__(self, tag: str, attrs: dict, parent: Optional["Node"]):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def all(self, tag: str, **attrs) -> list["Node"]:
        return [n for n in self.iter() if n.tag == tag and all(n.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def one(self, tag: str, **attrs) -> "Node":
        found = self.all(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]

    def child_tags(self) -> list[str]:
        return [c.tag for c in self.children if isinstance(c, Node)]

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.cur = self.root
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, dict(attrs), self.cur))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.cur.tag != tag:
            self.errors.append(f"</{tag}> closes <{self.cur.tag}>")
            return
        self.cur = self.cur.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(text: str) -> Node:
    b = _Builder()
    b.feed(text)
    b.close()
    assert not b.errors, b.errors[:5]
    assert b.cur is b.root, f"<{b.cur.tag}> left open"
    return b.root


def squeeze(text: str) -> str:
    return " ".join(text.split())


# -- builds ------------------------------------------------------------------------------------------
def build_html(src: Path, out: Path, **kw) -> Path:
    [res] = api.build([src], api.Options(formats=("html",), out_dir=out, jobs=1, **kw))
    assert res.ok, res.error
    return out / f"{src.stem}.html"


@pytest.fixture(scope="module")
def default_page(tmp_path_factory):
    path = build_html(DEFAULT_SOURCE, tmp_path_factory.mktemp("html-default"))
    text = path.read_text(encoding="utf-8")
    return path, text, parse(text)


@pytest.fixture(scope="module")
def french_page(tmp_path_factory):
    path = build_html(FRENCH, tmp_path_factory.mktemp("html-french"))
    return parse(path.read_text(encoding="utf-8"))


# -- the page ----------------------------------------------------------------------------------------
def test_one_self_contained_page_with_nothing_to_fetch_or_run(default_page):
    _, text, dom = default_page
    assert text.startswith("<!DOCTYPE html>\n")
    for tag in ("script", "img", "iframe", "object", "embed", "base", "form", "audio", "video", "source"):
        assert not dom.all(tag), tag
    assert [n.attrs.get("rel") for n in dom.all("link")] in ([], ["canonical"])  # a name for the page, never fetched
    assert not [n for n in dom.iter() if "src" in n.attrs or "srcset" in n.attrs or any(k.startswith("on") for k in n.attrs)]
    csp = dom.one("meta", **{"http-equiv": "Content-Security-Policy"}).attrs["content"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    css = dom.one("style").text
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    ids = {n.attrs["id"] for n in dom.iter() if "id" in n.attrs}
    for n in dom.iter():
        href = n.attrs.get("href") or n.attrs.get("xlink:href")
        if href is None:
            continue
        if href.startswith("#"):
            assert href[1:] in ids, href  # every in-page link lands somewhere (figure references, contents)
        else:
            assert n.tag in ("a", "link") and re.match(r"(https?://|mailto:)", href), (n.tag, href)
    # ids are unique even with several charts inline (each chart's are prefixed)
    all_ids = [n.attrs["id"] for n in dom.iter() if "id" in n.attrs]
    assert len(all_ids) == len(set(all_ids))


def test_metadata_language_and_landmarks(default_page, default_doc):
    _, _, dom = default_page
    html = dom.one("html")
    assert html.attrs["lang"] == default_doc.meta.language == "en-CA"
    head = dom.one("head")
    metas = {m.attrs.get("name"): m.attrs.get("content") for m in head.all("meta") if "name" in m.attrs}
    assert head.one("title").text.startswith(default_doc.event.title)
    assert metas["description"] == squeeze(default_doc.summary.plain)
    assert metas["author"] == "Corey Levine"
    assert "dcterms.publisher" not in metas  # the source declares none: none is made up
    assert metas["dcterms.date"] == default_view(default_doc).edition_date.isoformat()
    assert metas["viewport"] == "width=device-width, initial-scale=1"
    body = dom.one("body")
    first = next(c for c in body.children if isinstance(c, Node))
    assert first.tag == "a" and first.attrs["href"] == "#main" and "skip" in first.classes  # the first thing a keyboard reaches
    assert dom.one("main").attrs["id"] == "main"
    assert [c for c in body.child_tags()] == ["a", "header", "nav", "main", "footer"]
    assert dom.one("h1").text == default_doc.event.title
    assert dom.one("header").one("h1")


def test_sections_are_h2_with_anchors_in_the_plans_order(default_page, default_doc):
    _, _, dom = default_page
    main = dom.one("main")
    sections = [s for s in main.all("section") if s.attrs["id"].startswith("sec-")]
    assert [s.attrs["id"] for s in sections] == [f"sec-{s.id}" for s in default_doc.sections]
    for node, sec in zip(sections, default_doc.sections):
        h2 = node.one("h2")
        assert h2.text == sec.title and node.attrs["aria-labelledby"] == h2.attrs["id"]
    order = [s.attrs["id"] for s in main.all("section")]
    assert order[:2] == ["summary", "key-messages"] and order[-3:] == ["recommendations", "references", "speakers"]
    # the contents list every h2 of the main content
    toc = [a.attrs["href"][1:] for a in dom.one("nav").all("a")]
    assert toc == order
    # headings never skip a level
    levels = [int(n.tag[1]) for n in dom.iter() if re.fullmatch(r"h[1-6]", n.tag)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:]))


def test_every_figure_is_a_captioned_named_chart_with_its_data_table(default_page, default_doc):
    _, _, dom = default_page
    plan_figures = {f.figure.id: f for f in default_view(default_doc).plan.figures}
    for fig in default_doc.figures:
        node = dom.one("figure", id=f"fig-{fig.id}")
        assert node.child_tags()[0] == "figcaption"
        cap = squeeze(node.one("figcaption").text)
        assert cap == squeeze(f"Figure {fig.number} — {fig.caption.plain}")
        svg = node.one("svg")
        assert svg.attrs["role"] == "img" and "width" not in svg.attrs and svg.attrs["viewbox"]
        title = svg.one("title")
        assert svg.attrs["aria-labelledby"] == title.attrs["id"] and title.text == fig.alt
        assert svg.one("desc").text.endswith(fig.caption.plain)
        assert not svg.all("style") and not svg.all("metadata") and not svg.all("script")
        source = node.one("p", class_="source").text
        assert source == plan_figures[fig.id].source_line.plain
        if fig.provenance.as_of_text:
            assert f"as of {fig.provenance.as_of_text}" in source
        if fig.note:
            assert squeeze(fig.note.plain) in squeeze(node.one("p", class_="note").text)
        details = node.one("details")
        assert details.one("summary").text == f"The data of Figure {fig.number} as a table"
        table = details.one("table")
        rows = table.one("tbody").all("tr")
        assert len(rows) == len(fig.chart.table.rows)
        heads = [th.text for th in table.one("thead").all("th")]
        spec = fig.chart
        assert heads[1:] == [spec.label(s) for s in spec.series if s != spec.x]
        assert all(th.attrs["scope"] == "col" for th in table.one("thead").all("th"))


def test_the_data_tables_write_numbers_and_dates_as_the_charts_do(default_page):
    _, _, dom = default_page
    bars = dom.one("figure", id="fig-fatalities-by-year").one("table")
    first = bars.one("tbody").all("tr")[0]
    assert first.all("th")[0].text == "2013" and first.all("th")[0].attrs["scope"] == "row"
    assert [td.text for td in first.all("td")][:1] == ["4"]  # MINUSMA's malicious-act deaths in 2013
    timeline = dom.one("figure", id="fig-crisis-timeline").one("table")
    assert timeline.one("tbody").all("tr")[0].one("th").text == "17 January 2012"


def test_french_page_in_french_with_its_typography(french_page):
    dom = french_page
    assert dom.one("html").attrs["lang"].startswith("fr")
    assert dom.one("a", class_="skip").text == "Aller au contenu"
    quotes = dom.all("figure", class_="pull-quote")
    cells = [td.text for f in dom.all("figure", class_="chart") for td in f.all("td", class_="num")]
    assert any("\u202f" in c or "\u00a0" in c for c in cells) or all(len(c) < 5 for c in cells)
    text = dom.one("body").text
    assert "Source\u00a0:" in text  # no-break space before the colon, as the locale writes it
    for q in quotes:
        assert q.one("blockquote") and q.one("figcaption").text.startswith("— ")


@pytest.mark.parametrize("src", [DEFAULT_SOURCE, HEARING], ids=lambda p: p.stem)
def test_every_point_of_the_talk_is_in_the_page(src, tmp_path):
    doc = load_document(src)
    dom = parse(build_html(src, tmp_path).read_text(encoding="utf-8"))
    text = squeeze(dom.one("body").text)
    for s in doc.sections:
        for p in s.paragraphs:
            assert squeeze(p.plain) in text
    for m in doc.key_messages:
        assert squeeze(m.plain) in squeeze(dom.one("section", id="key-messages").text)
    quotes = dom.all("figure", class_="pull-quote")
    assert len(quotes) == len(doc.quotes)
    for q, node in zip(doc.quotes, quotes):
        said = squeeze(q.text.plain)  # one taken from mid-sentence opens with an ellipsis, as in the brief and deck
        assert squeeze(node.one("blockquote").text) == ("…" + said if said[:1].islower() else said)
    recs = dom.one("ol", class_="recommendations").all("li")
    assert len(recs) == len(doc.recommendations)
    for r, li in zip(doc.recommendations, recs):
        assert squeeze(r.text.plain) in squeeze(li.text) and r.lead.strip() in li.text
    refs = dom.one("ol", class_="references").all("li")
    assert len(refs) == len(doc.references)
    for r, li in zip(doc.references, refs):
        assert r.title.rstrip(".") in li.one("cite").text
        if r.url:
            assert li.all("a")[0].attrs["href"] == r.url
    people = dom.one("section", id="speakers")
    for p in doc.people:
        assert p.name in [h.text for h in people.all("h3")]
        if p.bio:
            assert squeeze(p.bio.plain) in squeeze(people.text)
    footer = dom.one("footer")
    assert "briefdeck" in footer.text and "How to cite:" in footer.text


HOSTILE = """briefdeck: 1
meta: {updated: 2018-05-01}
event: {title: "Title </title><script>alert(1)</script>", organiser: "Org <b>x</b>", date: 2018-04-25, place: Ottawa}
people:
  - id: ana
    name: "Ana <img src=x onerror=alert(1)>"
summary: "A summary with <script>alert('s')</script> and <iframe src=https://example.org></iframe> in it."
key_messages:
  - "A message <b onmouseover=alert(1)>bold</b>"
sections:
  - id: s1
    title: "A <em>section</em>"
    paragraphs:
      - "Markup in prose <script>alert(1)</script> stays text, as does &lt;b&gt; and <a href='javascript:alert(1)'>x</a>."
"""


def test_hostile_text_stays_text(tmp_path):
    (tmp_path / "assets").mkdir()
    src = tmp_path / "hostile.yaml"
    src.write_text(HOSTILE, encoding="utf-8")
    page = build_html(src, tmp_path / "out").read_text(encoding="utf-8")
    dom = parse(page)
    assert not dom.all("script") and not dom.all("iframe") and not dom.all("img") and not dom.all("em")
    assert not [n for n in dom.iter() if any(k.startswith("on") for k in n.attrs)]
    assert not [a for a in dom.all("a") if "javascript" in a.attrs.get("href", "")]
    body = dom.one("body").text
    assert "Markup in prose <script>alert(1)</script> stays text" in body
    assert "<iframe src=https://example.org></iframe>" in body
    assert dom.one("head").one("title").text.startswith("Title </title><script>alert(1)</script>")
    assert dom.one("h1").text == "Title </title><script>alert(1)</script>"


HOSTILE_SVG = b"""<?xml version="1.0"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100pt" height="50pt"
     viewBox="0 0 100 50" onload="alert(1)">
 <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>
 <defs><style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt} body{display:none} @import url(https://x.org/a.css);</style>
  <clipPath id="c1"><rect x="0" y="0" width="10" height="10"/></clipPath>
  <path id="m1" d="M 0 0 L 1 1"/></defs>
 <script>alert(1)</script>
 <g id="figure_1" clip-path="url(#c1)" style="fill: url(https://evil.example/x); stroke: #000">
  <use xlink:href="#m1" x="1" y="2"/>
  <use xlink:href="https://evil.example/sprite.svg#a"/>
  <a xlink:href="javascript:alert(1)"><text x="1" y="2" style="font-size: 7.5px; font-family: 'Noto Sans'; fill: #1a1a1a">a &lt;b&gt; label</text></a>
  <image xlink:href="https://evil.example/track.png" width="1" height="1"/>
  <image xlink:href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <animate attributeName="href" to="javascript:alert(1)"/>
  <rect x="0" y="0" width="5" height="5" onclick="alert(1)" style="fill: url(#c1)"/>
 </g>
</svg>"""


def test_the_inline_svg_keeps_the_drawing_and_nothing_that_runs_or_fetches():
    out = inline_svg(HOSTILE_SVG, prefix="fig-x", title="Alt <text>", desc="Figure 1 — caption",
                     fonts={"Noto Sans": '"Noto Sans", sans-serif'}, default_font="sans-serif",
                     measure=lambda family, bold, italic, text, size: 12.5 if family == "Noto Sans" else None)
    dom = parse(out)
    svg = dom.one("svg")
    assert svg.attrs["role"] == "img" and svg.attrs["viewbox"] == "0 0 100 50" and "width" not in svg.attrs
    assert svg.attrs["stroke-linejoin"] == "round" and "onload" not in svg.attrs
    assert svg.one("title").text == "Alt <text>" and svg.one("desc").text == "Figure 1 — caption"
    for tag in ("script", "style", "metadata", "foreignobject", "animate", "a", "div"):
        assert not dom.all(tag), tag
    assert "evil.example" not in out and "javascript" not in out and "@import" not in out and "display:none" not in out
    assert [n.attrs["xlink:href"] if "xlink:href" in n.attrs else n.attrs["href"] for n in svg.all("use")] == ["#fig-x-2"]
    assert [n.attrs["href"] for n in svg.all("image")] == ["data:image/png;base64,iVBORw0KGgo="]
    g = svg.one("g")
    assert g.attrs["clip-path"] == "url(#fig-x-1)" and g.attrs["style"] == "stroke: #000" and "id" not in g.attrs
    assert svg.one("clippath").attrs["id"] == "fig-x-1"
    text = svg.one("text")
    assert text.text == "a <b> label" and "font-family: \"Noto Sans\", sans-serif" in text.attrs["style"]
    assert text.attrs["textlength"] == "12.50" and text.attrs["lengthadjust"] == "spacingAndGlyphs"


def test_page_colours_pass_wcag_aa():
    theme = load_theme("default")
    c = {k: theme.colour(v) for k, v in theme.get("html.colours").items()}
    pairs = [("text", "background"), ("muted", "background"), ("link", "background"), ("accent", "background"),
             ("text", "box"), ("muted", "box"), ("link", "box"), ("accent", "box"),
             ("masthead_text", "masthead"), ("masthead_muted", "masthead"), ("series", "masthead")]
    for fg, bg in pairs:
        assert contrast(c[fg], c[bg]) >= 4.5, (fg, bg, round(contrast(c[fg], c[bg]), 2))
    # the focus outline stands out from what it surrounds (WCAG 1.4.11: 3:1)
    assert contrast(c["focus"], c["background"]) >= 3 and contrast(c["masthead_text"], c["masthead"]) >= 3


def test_rebuilds_are_byte_identical(tmp_path, default_page):
    first, _, _ = default_page
    again = build_html(DEFAULT_SOURCE, tmp_path / "again", force=True)
    assert again.read_bytes() == first.read_bytes()


def test_a_change_to_the_html_theme_rebuilds_only_the_html(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "briefdeck" / "builtin" / "examples" / "us-house-south-sudan-2016", project)
    src = project / "source" / "us-house-south-sudan-2016.yaml"
    # the project's own theme part for the page
    own = project / "assets" / "themes" / "default" / "html.yaml"
    own.parent.mkdir(parents=True)
    text = (ROOT / "briefdeck" / "builtin" / "themes" / "default" / "html.yaml").read_text(encoding="utf-8")
    own.write_text(text, encoding="utf-8")
    brief_yaml = own.with_name("brief.yaml")
    shutil.copy(ROOT / "briefdeck" / "builtin" / "themes" / "default" / "brief.yaml", brief_yaml)
    out = project / "output"
    opts = api.Options(formats=("pdf", "html"), out_dir=out, jobs=1)
    [res] = api.build([src], opts)
    assert res.ok, res.error
    pdf, page = out / f"{src.stem}.pdf", out / f"{src.stem}.html"
    before = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (pdf, page)}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["artefacts"]
    assert manifest[page.name]["format"] == "html" and manifest[page.name]["figures"] == len(load_document(src).figures)
    assert "assets/themes/default/html.yaml" in manifest[page.name]["inputs"]
    assert "assets/themes/default/html.yaml" not in manifest[pdf.name]["inputs"]
    assert "<briefdeck>/themes/default/brief.yaml" not in manifest[page.name]["inputs"]
    own.write_text(text.replace("rule_px: 4", "rule_px: 6"), encoding="utf-8")  # a wider accent rule
    events: list = []
    [res] = api.build([src], opts, log=lambda e, d: events.append((e, Path(d.get("path", "")).suffix)))
    assert res.ok, res.error
    assert [a.status for a in res.artefacts] == ["up-to-date", "built"]
    assert ("built", ".html") in events and ("up-to-date", ".pdf") in events
    assert (pdf.stat().st_mtime_ns, pdf.stat().st_ino) == before[pdf]
    assert page.stat().st_ino != before[page][1] and "6px solid" in page.read_text(encoding="utf-8")
    # and nothing more to do after that; a change the brief reads rebuilds the brief (and not the page)
    [res] = api.build([src], opts)
    assert [a.status for a in res.artefacts] == ["up-to-date", "up-to-date"]
    brief_yaml.write_text(brief_yaml.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    [res] = api.build([src], opts)
    # the brief is made again (an input of its own changed; a comment: the same bytes, so its file is
    # left alone), the page is not even made
    assert [a.status for a in res.artefacts] == ["unchanged", "up-to-date"]


def test_the_masthead_links_the_brief_and_deck_built_beside_it(tmp_path):
    """A reader of the web edition finds the printable brief and the slides; a page built alone
    links to nothing that is not there, and asking for other formats makes the page again."""
    out = tmp_path / "out"
    [res] = api.build([DEFAULT_SOURCE], api.Options(out_dir=out, jobs=1))
    assert res.ok, res.error
    page = out / f"{DEFAULT_SOURCE.stem}.html"
    dom = parse(page.read_text(encoding="utf-8"))
    line = dom.one("p", class_="editions")
    links = [(a.attrs["href"], squeeze(a.text)) for a in line.all("a")]
    assert links == [(f"{DEFAULT_SOURCE.stem}.pdf", "The brief (PDF)"), (f"{DEFAULT_SOURCE.stem}.pptx", "The slides (PowerPoint)")]
    assert all((out / href).is_file() for href, _ in links)
    alone = build_html(DEFAULT_SOURCE, tmp_path / "alone")
    assert 'class="editions"' not in alone.read_text(encoding="utf-8")
    [res] = api.build([DEFAULT_SOURCE], api.Options(formats=("pdf", "html"), out_dir=tmp_path / "alone", jobs=1))
    assert [a.status for a in res.artefacts] == ["built", "built"]  # the page now links the brief
    text = alone.read_text(encoding="utf-8")
    assert f'href="{DEFAULT_SOURCE.stem}.pdf"' in text and ".pptx" not in text


def test_the_french_page_words_its_links_in_french(tmp_path):
    [res] = api.build([FRENCH], api.Options(formats=("pdf", "html"), out_dir=tmp_path, jobs=1))
    assert res.ok, res.error
    text = (tmp_path / f"{FRENCH.stem}.html").read_text(encoding="utf-8")
    assert "Télécharger\u00a0:" in text and "La note (PDF)" in text


# -- where the web edition lives (meta.url) -----------------------------------------------------------
WEB = "https://example.org/briefs/canada-minusma-panel-2018.html"


def _with_url(tmp_path: Path, url: str) -> Path:
    shutil.copytree(ROOT / "assets", tmp_path / "assets")
    text = DEFAULT_SOURCE.read_text(encoding="utf-8")
    src = tmp_path / "source" / "web.yaml"
    src.parent.mkdir()
    src.write_text(text.replace("  paper: a4\n", f"  paper: a4\n  url: {url}\n", 1), encoding="utf-8")
    return src


def test_the_web_address_is_the_pages_canonical_and_on_the_briefs_last_page(tmp_path):
    from pypdf import PdfReader

    src = _with_url(tmp_path, WEB)
    [res] = api.build([src], api.Options(formats=("pdf", "html"), out_dir=tmp_path / "out", jobs=1))
    assert res.ok, res.error
    dom = parse((tmp_path / "out" / "web.html").read_text(encoding="utf-8"))
    (canonical,) = dom.one("head").all("link")
    assert canonical.attrs == {"rel": "canonical", "href": WEB}
    assert f"Online edition: {WEB}" in squeeze(dom.one("footer").text)
    last = PdfReader(tmp_path / "out" / "web.pdf").pages[-1]
    assert f"Online edition: {WEB}" in squeeze(last.extract_text())
    uris = [a.get_object()["/A"].get("/URI") for a in last.get("/Annots", []) if a.get_object().get("/A")]
    assert WEB in uris
    # the QR code is drawn on that page: many small dark squares, as a vector drawing, marked an
    # artifact (the address is read from the line above it); the brief stays a clean tagged PDF
    assert last.get_contents().get_data().count(b" re") > 100
    from .test_pdf_tags import check_brief

    check_brief(load_document(src), tmp_path / "out" / "web.pdf")
    # the deck closes on its sources with the same address, linked
    from pptx import Presentation

    api.build([src], api.Options(formats=("pptx",), out_dir=tmp_path / "out", jobs=1))
    last = Presentation(str(tmp_path / "out" / "web.pptx")).slides[-1]
    runs = [r for sh in last.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs for r in p.runs]
    assert [r.hyperlink.address for r in runs if r.text == WEB] == [WEB]
    assert f"Online edition: {WEB}" in last.notes_slide.notes_text_frame.text


def test_the_web_address_must_be_a_web_page(tmp_path):
    from briefdeck.errors import SourceError

    src = _with_url(tmp_path, "mailto:brief@example.org")
    with pytest.raises(SourceError) as err:
        load_document(src)
    assert "meta.url 'mailto:brief@example.org' is not a web address" in str(err.value)


def test_the_qr_drawing_draws_every_dark_module_where_the_symbol_has_it():
    import segno

    from briefdeck.render.pdf.qr import qr_drawing

    size = 100.0
    d = qr_drawing(WEB, size, "#000000")
    rows = [list(r) for r in segno.make(WEB, error="m", micro=False).matrix]
    m = size / (len(rows) + 8)  # 4 modules of quiet zone on each side
    drawn = [[0] * len(rows) for _ in rows]
    for rect in d.contents:
        y = round((size - rect.y) / m) - 4 - 1
        for x in range(round(rect.x / m) - 4, round((rect.x + rect.width) / m) - 4):
            drawn[y][x] = 1
    assert drawn == [[1 if v else 0 for v in r] for r in rows]
