"""The PDF policy brief (reportlab platypus).

``prepare(view, theme=, options=)`` then ``.render(out, charts)`` (the renderer protocol, see
``briefdeck.render``). "Page N of M" is written when the file is saved (pages.canvas_class).
The brief is laid out once to four times (hyphen budgets, balance: ``_layouts``); the layouts
that only measure paint and write nothing, only the one kept is painted (vertical justification
as it is painted: pages.py), and a paragraph is broken once for all of them (breakmemo.py).

The brief is a tagged PDF (PDF/UA-1): the story builds the structure tree in reading order
(story.py) and the canvas marks every piece of page content as part of an element or as an
artifact (tagging.py).
Charts are asked for once, at the main column's size, and embedded as vector drawings
whose text is real text in the theme's sans font. Output bytes depend only on the
document and the theme (invariant mode; dates from ``doc.meta.updated``).
"""
from __future__ import annotations

import contextlib

import hashlib
import io
from pathlib import Path
from typing import Any, Callable, Optional

from .rlpatterns import import_paragraph

import_paragraph()  # first: reportlab's paragraph module without compiling its URI pattern (30-60 ms)

from reportlab import Version as _RL_VERSION
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm

from ... import __version__
from ...errors import Problem, RenderError
from ...model import Document
from ...present import View, default_view
from ...theme import Theme
from .. import RenderResult
from .breakmemo import kept_in
from .chartpaint import kept as painted_from_memory_kept, kept_beside, painted_from_memory
from .flowables import SideColumn, fit_drawing
from .painting import paint_only_what_is_kept
from .faces import keep_parsed
from .fonts import Fonts, load_fonts
from .layout import geometry
from .nobreak import install as _keep_no_break_spaces
from .numbers import install as _format_numbers_once
from .pages import BriefTemplate, Furniture, canvas_class
from .deflate import install as _deflate_once_per_content, kept_in as _streams_kept_in
from .parsememo import install as _parse_once_per_text
from .rewrap import install as _wrap_once_per_width
from .story import Context, build_story, chart_request, chart_size, outline
from .styles import Styles
from .tagging import StructTree

_keep_no_break_spaces()  # before any paragraph is measured: U+202F binds, as U+00A0 does
paint_only_what_is_kept()  # a layout that only measures paints no paragraph
_wrap_once_per_width()  # a paragraph wrapped again at the same width keeps its lines (installs the above first)
_parse_once_per_text()  # a paragraph's markup is parsed once for the layouts of a build
_deflate_once_per_content()  # a stream of the same bytes as one written before (--watch) is not compressed again
_format_numbers_once()  # reportlab's numbers in PDF code, the same strings, each value formatted once

__all__ = ["render_pdf", "prepare", "PreparedBrief"]


def single_column(doc: Document, theme: Theme) -> bool:
    """One wide column instead of text and side column: an event with no figures has
    nothing for most of the side column (no figure notes, no small figures)."""
    return bool(theme.get("brief.single_column.when_no_figures")) and not doc.figures


def _probe(view: View, theme: Theme, paper: Optional[str], cache_dir: Optional[Path] = None) -> tuple[Fonts, Styles, Any, Context]:
    doc = view.doc
    fonts = load_fonts(theme, cache_dir)
    single = single_column(doc, theme)
    st = Styles(theme, fonts, doc.meta.language, theme.get("brief.single_column.styles") if single else None, cache_dir)
    geo = geometry(theme, (paper or doc.meta.paper).lower(), single)
    return fonts, st, geo, Context(doc, view, st, geo, SideColumn(geo, st.get("side.gap")), {})


def _requests(doc: Document, probe: Context, charts: Any = None) -> list[tuple]:
    sizes = [chart_size(probe, f, charts) for f in doc.charted_figures]
    return [(chart_request(probe, f), "page", w / 72, h / 72) for f, (w, h) in zip(doc.charted_figures, sizes)]


def _overruns(doc: Document, probe: Context, charts: Any) -> tuple[Problem, ...]:
    """Located warnings for charts that cannot be drawn whole even a page tall (their kind
    then leaves rows out and says so on the chart)."""
    if charts is None or not hasattr(charts, "parts"):
        return ()
    out = []
    for f, (fig, target, w, h) in zip(doc.charted_figures, _requests(doc, probe, charts)):
        parts = charts.parts(fig, target, w, h)
        if len(parts) > 1 or not parts[0].whole:
            shown = len(parts[0].rows) if len(parts) > 1 else len(f.chart.table.rows)
            out.append(Problem(f.loc.file, f.loc.line, f.loc.col,
                               f"figure '{f.id}': its {len(f.chart.table.rows)} rows do not fit one page of the brief "
                               f"at the chart's type size; about {shown} fit, the chart leaves the others out and says so "
                               f"— shorten the texts or split the figure in two", "brief.chart_fit", "warning"))
    return tuple(out)


class PreparedBrief:
    """The brief's fonts, styles and page geometry, before layout: it knows the size of
    every chart, so a build can draw every chart of every format in one parallel batch."""

    def __init__(self, view: View, theme: Theme, paper: Optional[str], tagged: bool = True, charts: Any = None,
                 cache_dir: Optional[Path] = None):
        self.tagged = tagged
        self.view, self.doc, self.theme = view, view.doc, theme
        self.charts = charts  # sizes charts that would run over (a long timeline) to fit
        self.fonts, self.styles, self.geo, self.probe = _probe(view, theme, paper, cache_dir)
        # set by a build whose charts are drawn and converted in another process meanwhile
        # (``kept_drawings`` there): waits for them
        self.drawings_later: Optional[Callable[[], list[tuple[str, bytes]]]] = None

    @property
    def has_side_column(self) -> bool:
        return not self.geo.single

    def chart_requests(self) -> list[tuple]:
        return _requests(self.doc, self.probe, self.charts)

    def inputs(self) -> list[Path]:
        return []

    def kept_drawings(self, charts: Any) -> list[tuple[str, bytes]]:
        """Each chart's key and drawing, drawn and converted here, as plain data (drawings.dumps):
        made in a process of its own while this brief's measures its layouts (``drawings_later``)."""
        from .drawings import dumps

        return [(key, dumps(d)) for key, d in _converted(self.doc, charts, self.probe, self.fonts, self.charts)]

    def render(self, out_path: Path, charts: Any) -> RenderResult:
        self.dropped_quotes: list = []
        pages = _render(self, Path(out_path), charts)
        keep_parsed()  # the faces this process parsed, for the next one: after the brief, off its path
        return RenderResult(pages, _overruns(self.doc, self.probe, self.charts) + _dropped(self.dropped_quotes))


def _dropped(quotes) -> tuple[Problem, ...]:
    """Located warnings for pull quotes the brief leaves out: no place stands far enough from the
    sentence they repeat (one column: a last section too short, and none before it)."""
    return tuple(Problem(q.loc.file, q.loc.line, q.loc.col,
                         f"the brief leaves out the pull quote “{_short(q.text.plain)}”: no place in the brief stands "
                         f"pull_quote.min_distance_lines from the sentence it repeats — quote a sentence from a longer "
                         f"section, or from further from the section's end", "brief.quote_placement", "warning")
                 for q in quotes)


def prepare(view: View, *, theme: Theme, options: Optional[dict] = None, charts: Any = None, cache_dir: Any = None) -> PreparedBrief:
    """``options``: ``paper``; ``tagged`` (default True: a tagged PDF/UA-1 brief; False writes
    the same pages without the structure, which the tests use to show that tagging changes
    nothing on the page). ``charts``: the chart service, which sizes a chart that would run
    over its box (a long timeline) to fit. ``cache_dir``: where the parsed hyphenation patterns
    are kept (patterns.py; the brief's charts are kept by the chart service)."""
    options = options or {}
    return PreparedBrief(view, theme, options.get("paper"), options.get("tagged") is not False, charts, cache_dir)


def _chart_drawings(doc: Document, charts: Any, probe: Context, fonts: Fonts, sizing: Any = None) -> dict[str, Drawing]:
    """Every figure's chart as a reportlab Drawing: converted from the chart service's SVG once,
    then kept beside the chart cache as plain data (drawings.py), so a build after a prose edit
    runs neither matplotlib nor svglib. ``sizing``: the service that sized the charts."""
    return _finished(doc, probe, fonts, sizing, _converted(doc, charts, probe, fonts, sizing, shapes_later=True),
                     getattr(charts, "cache_dir", None))


def _converted(doc: Document, charts: Any, probe: Context, fonts: Fonts, sizing: Any = None,
               shapes_later: bool = False) -> list[tuple[str, Drawing]]:
    """Each charted figure's chart key and drawing, as converted (or kept), in the figures' order.
    ``shapes_later``: a drawing this process will paint from memory (chartpaint.py) is read without
    its shapes, which come only if it is painted otherwise after all (drawings.whole)."""
    from .drawings import drawing

    figs = doc.charted_figures  # a photograph is placed by the story (story.figure)
    requests = _requests(doc, probe, sizing)
    rendered = charts.render_many(requests) if hasattr(charts, "render_many") else [charts.render(*r) for r in requests]
    cache = getattr(charts, "cache_dir", None)
    refresh = bool(getattr(charts, "refresh", False))
    digest = _fonts_digest(fonts)
    out: list[tuple[str, Drawing]] = []
    done: set[str] = set()  # a chart shown twice is converted once (--force too); then read back, as drawing changes it
    for f, r, req in zip(figs, rendered, requests):
        key = (r.key, digest, fonts.chart_map.default_font, req[2])
        later = shapes_later and painted_from_memory_kept(key)
        # read without its shapes when its paint is kept beside the cache, in a process that never read it whole too
        painted = (lambda stamp, key=key: kept_beside(cache, stamp, key)) if shapes_later and cache else None
        d = drawing(r.svg, r.key, fonts.chart_map, digest, cache, refresh=refresh and r.key not in done, shapes_later=later,
                    painted=painted)
        done.add(r.key)
        if d is None:
            raise RenderError(f"{f.loc}: the chart service returned an SVG for figure '{f.id}' that cannot be read")
        out.append((r.key, d))
    return out


def _fonts_digest(fonts: Fonts) -> str:
    """The brief's fonts, as the key of a kept drawing names them."""
    return hashlib.sha256(repr(sorted((k, f.regular, f.bold, f.italic, f.bolditalic) for k, f in fonts.families.items())).encode()).hexdigest()


def _finished(doc: Document, probe: Context, fonts: Fonts, sizing: Any, converted: list[tuple[str, Drawing]],
              cache: Optional[Path] = None) -> dict[str, Drawing]:
    """Figure id -> its chart's drawing as the brief sets it: in the charts' font, at its width.
    ``cache``: the chart cache's folder, where the paint of a drawing read from it is kept."""
    from .drawings import kept_as

    out: dict[str, Drawing] = {}
    digest = _fonts_digest(fonts)
    for f, (key, d), req in zip(doc.charted_figures, converted, _requests(doc, probe, sizing)):
        d.initialFontName = fonts.chart_map.default_font  # renderPDF would start from Helvetica
        # painted from what its first paint asked of the canvas, when this process painted it before
        # (--watch) or kept it beside the cache: by the drawing's cache key (chart, fonts), its font and width
        out[f.id] = painted_from_memory(fit_drawing(d, req[2] * 72), (key, digest, d.initialFontName, req[2]), cache, kept_as(d))
    return out


def _stand_ins(doc: Document, probe: Context, fonts: Fonts, sizing: Any = None) -> dict[str, Drawing]:
    """An empty drawing of each chart's size, for the layouts that only measure (they never paint
    a chart) while the charts are drawn elsewhere: the size its SVG will convert to
    (``svgdraw.drawing_size``), fitted as ``_chart_drawings`` fits it. ``_layouts`` checks it
    against the drawings it gets."""
    from .svgdraw import drawing_size

    out = {}
    for f, (_, _, w, h) in zip(doc.charted_figures, _requests(doc, probe, sizing)):
        d = Drawing(*drawing_size(w, h))
        d.initialFontName = fonts.chart_map.default_font
        out[f.id] = fit_drawing(d, w * 72)
    return out


def _furniture(view: View, st: Styles, fonts: Fonts) -> Furniture:
    def node(key: str) -> dict:
        n = dict(st.get(key))
        n["fontName"] = fonts.family(n["font"]).style(n.get("style", "regular"))
        for k in ("colour", "rule_colour"):
            if k in n:
                n[k] = st.colour(n[k])
        return n

    running = view.plan.running
    return Furniture(
        header_left=running.title,
        header_right=running.series,
        footer_left=running.edition,
        page_label=view.term("brief", "page_of"),
        header=node("header"), footer=node("footer"),
    )


@contextlib.contextmanager
def _binary_streams():
    """Streams Flate-compressed only, not also ASCII85-encoded (reportlab's default, a global
    setting): a quarter smaller and faster to write; every PDF reader since PDF 1.2 reads them."""
    from reportlab import rl_config

    a85, rl_config.useA85 = rl_config.useA85, 0
    try:
        yield
    finally:
        rl_config.useA85 = a85


@contextlib.contextmanager
def _located(doc):
    """A text no page or column can hold is the author's to shorten: an exit-2 error at its line."""
    from reportlab.platypus.doctemplate import LayoutError

    from ...present.located import layout_problem, where_text
    from .flowables import NoteTooLarge, TitleBand, texts_of
    from .tagging import untagged

    def first_located(texts):
        for t in texts:
            loc = where_text(doc, t)
            if loc is not None:
                return loc, t
        return None, (texts[0] if texts else "")

    try:
        yield
    except NoteTooLarge as exc:
        loc, words = first_located(texts_of(exc.note))
        raise layout_problem(doc, f"this text makes a side-column note {exc.times:.1f} times the height of a page "
                                  f"(it begins “{_short(words)}”) — shorten it", loc=loc) from None
    except LayoutError as exc:
        f = untagged(getattr(exc, "flowable", None)) if getattr(exc, "flowable", None) is not None else None
        if isinstance(f, TitleBand) or "TitleBand" in str(exc):
            raise layout_problem(doc, "the title band (series, title, subtitle, organiser, place and date) is taller than "
                                      "the first page — shorten the title or the subtitle (meta.short_title sets the running "
                                      "header)", loc=doc.event.loc) from None
        loc, words = first_located(texts_of(f) if f is not None else [])
        what = f"the text beginning “{_short(words)}”" if words else "a block of the brief"
        raise layout_problem(doc, f"{what} is too large to be set on a page — shorten it or split it", loc=loc) from None


def _short(text: str, n: int = 8) -> str:
    words = text.split()
    s = " ".join(words[:n])
    return (s[:60] + "…") if len(s) > 60 else (s + ("…" if len(words) > n else ""))


def _render(p: PreparedBrief, out_path: Path, charts: Any) -> int:
    """Write the brief to ``out_path``; the number of pages."""
    # paragraphs' breaks (breakmemo.py) and large streams compressed (deflate.py) by earlier builds; none under --force
    with kept_in(folder := None if getattr(charts, "refresh", False) else p.styles.cache_dir, p.fonts), _streams_kept_in(folder):
        return _layouts(p, out_path, charts)


def _layouts(p: PreparedBrief, out_path: Path, charts: Any, drawings: Optional[dict[str, Drawing]] = None) -> int:
    view, doc = p.view, p.doc
    fonts, st, geo, probe = p.fonts, p.styles, p.geo, p.probe
    later, p.drawings_later = p.drawings_later, None
    if drawings is None:
        # charts drawn elsewhere meanwhile: the layouts that only measure need their sizes only
        drawings = _stand_ins(doc, probe, fonts, p.charts) if later is not None else _chart_drawings(doc, charts, probe, fonts, p.charts)
    furniture = _furniture(view, st, fonts)
    meta = view.metadata
    info = dict(
        title=meta.title, author=meta.author, subject=meta.subject, keywords=meta.keywords,
        creator=f"briefdeck {__version__}",
        producer=f"briefdeck {__version__} (ReportLab {_RL_VERSION})",
    )

    justify = flush_bottom(st, geo)

    def layout(end_break: Optional[str], paint: bool = False) -> tuple[bytes, int, bool, float, Any]:
        """One layout; ``paint``: its bytes are kept. A layout that only measures (its pages are
        thrown away) paints no text and no chart and writes no file: what the next layout is
        decided on (pages, breaks, the hyphen ledger, the side column) is all there, and painting
        is a layout's costliest part after its line breaks. Painted or not, a layout sets the same
        pages."""
        side = SideColumn(geo, st.get("side.gap"))
        # only the painted layout is tagged: the structure changes nothing on the page (a layout that
        # only measures decides on the same pages without it, and builds no tree it would throw away)
        tree = StructTree(lang=doc.meta.language, title=meta.title, role_map={"Aside": "Div"}, producer=info["producer"]) \
            if p.tagged and paint else None
        ctx = Context(doc, view, st, geo, side, drawings, tree, end_break)
        buf = io.BytesIO()
        tpl = BriefTemplate(buf, geo=geo, side=side, furniture=furniture,
                            float_min_gap=st.get("figure.float_min_gap_mm") * mm,
                            float_max_sections=st.get("figure.float_max_sections"), outline=outline(view, st),
                            justify=justify if paint else None, page_lines=dict(known), invariant=1, lang=doc.meta.language, initialFontName=fonts.family("sans").regular,
                            initialFontSize=st.get("body.size"), initialLeading=st.get("body.leading"),
                            displayDocTitle=1, measure_only=not paint, **info)
        canvas = canvas_class(doc.meta.updated)
        with _binary_streams(), _located(doc):
            tpl.build(build_story(ctx), canvasmaker=tree.canvasmaker(canvas) if tree is not None else canvas)
        p.dropped_quotes = ctx.dropped_quotes  # (the same in every layout: the story decides)
        return buf.getvalue() if paint else b"", tpl.page, side.lonely_end, max((g for n, g in tpl.gaps.items() if n < tpl.page), default=0.0), tpl

    known: dict[int, int] = {}
    try:
        # (painted at once: a layout again for the hyphens, when the charts are here to paint)
        end_break, pages, data = _measured(layout, known, doc, st, paint_again=later is None)
    except BaseException:
        if later is not None:
            later()  # a chart that cannot be drawn is said first, as when it is drawn before the layouts
        raise
    if later is not None:
        from .drawings import loads

        real = _finished(doc, probe, fonts, p.charts, [(key, loads(raw)) for key, raw in later()])
        if any((d.width, d.height) != (drawings[k].width, drawings[k].height) for k, d in real.items()):
            return _layouts(p, out_path, charts, real)  # (not the size foreseen: measured again with the charts)
        drawings.update(real)
    if not data:  # the layout chosen above, painted this time (the same pages)
        data = layout(end_break, paint=True)[0]
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(data)
    return pages


def _measured(layout, known: dict[int, int], doc: Document, st: Styles, paint_again: bool = False) -> tuple[Optional[str], int, bytes]:
    """The layouts that decide the one painted: its end break, its pages, and its bytes when the
    last of them was painted already (else empty). ``paint_again``: a layout again for the hyphens
    is painted, as it is most often the last (the balance below lays out again only when the back
    matter stands alone): then no layout of its own paints the brief."""
    data, pages, lonely, gap, tpl = layout(None)
    # Hyphens: a paragraph's page budget assumes a page of at least half a column of text; a page
    # that turned out shorter (figures filled it) and so took more than its share is laid out
    # again with its own count of lines (twice at most: the pages after it may move).
    share = st.para("body").line_setting.max_share
    for _ in range(2):
        tight = over_hyphenated(tpl, share, known)
        if not tight:
            break
        known.update(tight)
        data, pages, lonely, gap, tpl = layout(None, paint=paint_again)
    end_break = None
    # Balance: a last page holding nothing but the back matter ("about" box, colophon) reads
    # as a page left over. Then the end matter starts that page instead -- the references,
    # else the recommendations -- so the text before it and the end matter share two pages.
    # (Only such briefs are laid out again.) When the page left over holds the people (in its
    # main column), not when the break leaves the page before it emptier than
    # brief.page.max_gap_share: a short last page beats half a page left blank. A colophon
    # alone always moves.
    most = max(st.get("page").get("max_gap_share", 1.0), gap) if lonely == "box" else float("inf")
    for where in ("references", "recommendations") if lonely else ():
        if (where == "references" and not doc.references) or (where == "recommendations" and not doc.recommendations):
            continue
        _, n, still, gap_again, tpl_again = layout(where)
        if n <= pages and not still and gap_again <= most:
            pages, end_break, data = n, where, b""
            break
    return end_break, pages, data


def over_hyphenated(tpl: BriefTemplate, share: float, known: dict[int, int]) -> dict[int, int]:
    """page -> its lines of text, for the pages whose hyphenated lines (the layout's own count)
    exceed ``share`` of them, not already laid out with that count."""
    ledger = getattr(tpl.canv, "_hyphen_ledger", None)
    out = {}
    for page, (lines, hyphens) in (ledger.pages.items() if ledger is not None else ()):
        if hyphens > int(lines * share) and known.get(page, float("inf")) > lines:
            out[page] = lines
    return out


def flush_bottom(st: Styles, geo) -> Optional[Callable[[list, float], dict[int, float]]]:
    """Vertical justification (brief.page.flush_bottom), for one page before the last as it is painted
    (pages.BriefTemplate._justify): given the breaks inside its main column ((call, kind), top down)
    and where that column ends, when it ends more than ``over_lines`` body lines above the foot, the
    space left shared among the breaks in proportion to what each may take: ``max_per_break`` points
    before a section or a figure, ``max_per_paragraph`` between two paragraphs (TeX's stretchable
    glue). call -> points. None: columns end where they end."""
    rule = st.get("page").get("flush_bottom") or {}
    if not rule:
        return None
    over = rule["over_lines"] * st.get("body")["leading"]
    most = {"block": rule["max_per_break"], "paragraph": rule.get("max_per_paragraph", 0)}

    def extra(breaks: list[tuple[int, str]], end: float) -> dict[int, float]:
        left = end - geo.bottom - 1.0  # (a point's margin: the last line must still fit)
        room = sum(most[kind] for _, kind in breaks)
        if left <= over or room <= 0:
            return {}
        share = min(1.0, left / room)
        return {call: most[kind] * share for call, kind in breaks if most[kind]}

    return extra


def render_pdf(doc_or_view, out_path: Path, *, theme: Theme, charts: Any, paper: Optional[str] = None) -> dict:
    """Write the brief to ``out_path`` (a convenience for tests and scripts); ``{"pages": N}``."""
    view = doc_or_view if isinstance(doc_or_view, View) else default_view(doc_or_view, theme)
    result = prepare(view, theme=theme, options={"paper": paper}, charts=charts).render(Path(out_path), charts)
    return {"pages": result.count}
