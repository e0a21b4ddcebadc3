"""DeckPlan -> .pptx with python-pptx: fill the template's placeholders, never free boxes.

python-pptx gaps handled here: SVG pictures (asvg:svgBlip beside a PNG fallback), alt text
(cNvPr/@descr), footers and slide numbers (cloned from the layout's placeholders), language on
every run. On templates saved by LibreOffice the writer also copies the master's sample formatting
onto the text it writes and places the placeholders where the master has them (see samples.py).
Editable charts are made in ``native_charts.py``; the package around the slides (properties, the
template's leftovers, part names, the byte-stable zip) in ``package.py``.
"""
from __future__ import annotations

import copy
import io
from dataclasses import replace
from typing import Optional

from lxml import etree
from pptx.oxml import parse_xml
from pptx.shapes.placeholder import PicturePlaceholder
from pptx.util import Emu, Pt

from ...model import Figure
from ...present import View
from .language import language_everywhere
from .native_charts import add_native_chart
from .native_tables import add_table, template_table_style
from .notes import notes_text, set_notes, written_by_set_notes
from .package import A, P, drop_existing_slides, next_shape_id, ensure_view_props, part_names, set_link_colours, set_properties
from .pictures import add_picture, add_svg, place_row
from .pictures import fit as fit_picture
from .reads import picture_requests, slide_reads  # noqa: F401 -- what making a slide reads (replay.py keys slides by it)
from .plan import DeckPlan, SlidePlan, TextBlock
from .runs import add_run, plain
from .samples import SampleStyle, master_keeps_styles, master_placeholder
from .styles import theme_of
from .template.info import Ph, RoleLayout, TemplateInfo
from .template.opening import all_layouts

SLIDENUM_FIELD_ID = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"  # fixed: same deck, same bytes
_END_PARA = f"{{{A}}}endParaRPr"
_CNVPR = f"{{{P}}}cNvPr"
_PPR, _LN_SPC, _SPC_PCT, _SPC_BEF, _SPC_PTS = (f"{{{A}}}{tag}" for tag in ("pPr", "lnSpc", "spcPct", "spcBef", "spcPts"))


class DeckWriter:
    """Writes a plan into the template's placeholders; decides nothing the plan has not decided."""

    def __init__(self, prs, info: TemplateInfo, view: View, theme, charts, kept=None):
        self.prs, self.info, self.view, self.doc, self.theme, self.charts = prs, info, view, view.doc, theme, charts
        self.kept = kept  # replay.Session: slides made in the last rebuild, put in again (--watch), or None
        self.lang = self.doc.meta.language
        self.indent = int(theme.get("deck.type.bullet_indent_in") * 914400)
        self.layouts = all_layouts(prs)
        self._styles: dict = {}
        self._chrome: dict = {}  # layout part name -> its footer and slide number placeholders
        self._prefetched: dict = {}  # (id of a figure, width, height) -> its RenderedChart
        self.table_style = template_table_style(prs)  # native tables take the template's default table style

    def style_for(self, layout, ph: Optional[Ph]) -> Optional[SampleStyle]:
        """How the deck's text in a placeholder is coloured and set: on a LibreOffice master, its sample
        formatting (which neither viewer passes on to new text); anywhere, the colour that reads on
        what lies under the box when the template's does not (``Ph.ink``)."""
        if ph is None:
            return None
        style = None
        if not master_keeps_styles(layout.slide_master):
            key = (str(layout.part.partname), ph.idx, ph.type)
            if key not in self._styles:
                lph = next((p for p in layout.placeholders if p.placeholder_format.idx == ph.idx), None)
                kind = "title" if ph.type in ("title", "ctrTitle") else "body"
                self._styles[key] = SampleStyle.read(master_placeholder(layout.slide_master, kind),
                                                     lph._element if lph is not None else None)
                if self._styles[key] is not None:  # as theme references where the theme says the same
                    self._styles[key] = self._styles[key].themed(theme_of(layout.slide_master))
            style = self._styles[key]
        if ph.ink:
            fill = etree.fromstring(f'<a:solidFill xmlns:a="{A}"><a:srgbClr val="{ph.ink}"/></a:solidFill>')
            style = SampleStyle(fill, style.typeface if style else None, style.algn if style else None)
        return style

    def _place(self, shape, box) -> None:
        """Put a slide placeholder where the plan measured it (a LibreOffice master's position, a grown title)."""
        shape.left, shape.top = Emu(int(round(box.left * 914400))), Emu(int(round(box.top * 914400)))
        shape.width, shape.height = Emu(int(round(box.width * 914400))), Emu(int(round(box.height * 914400)))

    # -- text ------------------------------------------------------------------------------------
    def _run_lang(self, run) -> None:
        run._r.get_or_add_rPr().set("lang", self.lang)

    def fill_text(self, shape, block: TextBlock, style: Optional[SampleStyle] = None) -> None:
        tf = shape.text_frame
        for p in list(tf._txBody.p_lst)[1:]:
            tf._txBody.remove(p)
        first = tf.paragraphs[0]
        for r in list(first._p.r_lst):
            first._p.remove(r)
        p = first  # an empty block still gets its language mark
        for i, para in enumerate(block.paras):
            p = first if i == 0 else tf.add_paragraph()
            ppr = _spaced(p._p, para.level, Pt(para.space_before))
            if ppr is None:  # a paragraph that has properties of its own already: python-pptx merges them
                p.level = para.level
                p.space_before = Pt(para.space_before)
                p.line_spacing = 1.0
                ppr = p._p.get_or_add_pPr()
            algn = para.align or (style.algn if style else None)
            if algn in ("just", "dist", "justLow", "thaiDist") or (para.bullet and algn in ("ctr", "r")):
                algn = "l"  # no justified narrow columns, no centred bullets: ragged right reads best
            if algn:
                ppr.set("algn", algn)
            if para.bullet:  # hanging indent the planner measured with; a bullet even if the template has none
                ppr.set("marL", str(Emu(self.indent)))
                ppr.set("indent", str(-self.indent))
                if ppr.find(f"{{{A}}}buChar") is None:
                    etree.SubElement(ppr, f"{{{A}}}buChar", char="•")
            else:
                ppr.set("marL", "0")
                ppr.set("indent", "0")
                if ppr.find(f"{{{A}}}buNone") is None:
                    ppr.insert(len([c for c in ppr if c.tag in (f"{{{A}}}lnSpc", f"{{{A}}}spcBef", f"{{{A}}}spcAft")]),
                               etree.SubElement(ppr, f"{{{A}}}buNone"))
            size = Pt(para.size or block.size)
            for j, span in enumerate(para.spans):
                # A run says only what the plan needs: its size (the planner measured the text at it),
                # the source's bold and italics, its language, a link; colour and typeface only where a
                # LibreOffice master passes none on (``style``: as theme references where it can) or the
                # template's colour would not read (``Ph.ink``). The rest comes from the template.
                linked = span.href and not span.href.startswith("#")
                if not linked and self._plain_run(p._p, span, size.centipoints, style):
                    continue
                r = p.add_run()
                r.text = span.text
                r.font.size = size
                if span.bold:
                    r.font.bold = True
                if span.italic:
                    r.font.italic = True
                self._run_lang(r)
                if style is not None:
                    style.apply(r._r.get_or_add_rPr())
                if span.href and not span.href.startswith("#"):
                    r.hyperlink.address = span.href
                    after = para.spans[j + 1] if j + 1 < len(para.spans) else None
                    if after is None or after.href != span.href:
                        self._link_end(p, Pt(para.size or block.size), span.href, style)
        end = p._p.get_or_add_endParaRPr()
        end.set("lang", self.lang)

    def _plain_run(self, p_el, span, centipoints: int, style: Optional[SampleStyle]) -> bool:
        """A run without a link, made as python-pptx makes it (``add_run``, then its text, size,
        bold, italic and language, in that order) without its per-attribute machinery. False, and
        nothing made, where python-pptx would escape or refuse something (a control character, a
        size out of range): the caller makes that run through python-pptx."""
        if not plain(span.text, centipoints):
            return False
        rpr = add_run(p_el, span.text, centipoints, lang=self.lang, bold=span.bold, italic=span.italic)
        end = p_el.find(_END_PARA)
        if end is not None:  # runs go before the paragraph's end properties
            end.addprevious(rpr.getparent())
        if style is not None:
            style.apply(rpr)
        return True

    def _link_end(self, p, size, href: str, style) -> None:
        """LibreOffice sets a hyperlink in the colour of the run that follows it (the last word of a
        linked title came out black, the colour of the plain text after it): every link ends in a
        word joiner (invisible, no break on either side) linked to the same address, so the last
        visible word is followed by a link."""
        r = p.add_run()
        r.text = "\u2060"
        r.font.size = size
        self._run_lang(r)
        if style is not None:
            style.apply(r._r.get_or_add_rPr())
        r.hyperlink.address = href

    def set_title(self, shape, text: str, size: float, style=None) -> None:
        self.fill_text(shape, TextBlock((_para(text),), size), style)

    # -- pictures and charts -----------------------------------------------------------------------
    def add_figure(self, slide, ph, fig: Figure, box, native: Optional[str]) -> None:
        if fig.picture is not None:  # a photograph: its own shape, centred in the chart's box
            if ph is not None:
                ph._element.getparent().remove(ph._element)
            w, h = fit_picture(fig.picture, box.height, box.width)
            add_picture(slide, fig.picture, replace(box, width=w, height=h, left=box.left + (box.width - w) / 2,
                                                    top=box.top + (box.height - h) / 2), self.view.figure_label(fig))
            return None
        if native is not None:
            return add_native_chart(slide, ph, fig, native, box, charts=self.charts, theme=self.theme,
                                    name=self.view.figure_label(fig), updated=self.doc.meta.updated)
        rendered = self._prefetched.get((id(fig), box.width, box.height)) or self.charts.render(fig, "slide", box.width, box.height)
        png = rendered.png
        if ph is None:  # an added area (a layout without a content placeholder): a picture of the box's size
            pic = slide.shapes.add_picture(io.BytesIO(png), *(Emu(int(round(v * 914400))) for v in (box.left, box.top, box.width, box.height)))
        else:
            pic = PicturePlaceholder(ph._element, ph._parent).insert_picture(io.BytesIO(png))
        cnv = pic._element.nvPicPr.cNvPr
        cnv.set("name", self.view.figure_label(fig))
        cnv.set("descr", fig.alt)
        if rendered.svg:
            self._add_svg(slide, pic, rendered.svg)
        return pic

    def _add_svg(self, slide, pic, svg: bytes) -> None:
        add_svg(slide, pic, svg)

    # -- chrome -------------------------------------------------------------------------------------
    def add_chrome(self, slide, layout, rl: RoleLayout, sp: SlidePlan, number: int) -> None:
        """Footer (text, size and box as planned) and slide number, cloned from the layout's placeholders."""
        if sp.footer is None and sp.kind == "title":
            return
        inks = {p.idx: p.ink for p in rl.chrome}
        next_id = None  # the slide's ids looked at once, then counted on (what _next_id would give each time)
        for ptype, idx, source in self._chrome_of(layout):
            if ptype == "ftr" and sp.footer is None:
                continue
            el = copy.deepcopy(source)
            next_id = _next_id(slide) if next_id is None else next_id
            el.nvSpPr.cNvPr.set("id", str(next_id))
            sppr = el.find(f"{{{P}}}spPr")
            for c in list(sppr):
                sppr.remove(c)  # inherit position from the layout
            if rl.moved:  # LibreOffice draws its masters' hairline placeholder frames on slides: none here
                sppr.append(parse_xml(f'<a:ln xmlns:a="{A}"><a:noFill/></a:ln>'))
            txbody = el.find(f"{{{P}}}txBody")
            for p in txbody.findall(f"{{{A}}}p"):
                txbody.remove(p)
            ink = inks.get(idx)
            fill = f'<a:solidFill><a:srgbClr val="{ink}"/></a:solidFill>' if ink else ""
            if ptype == "ftr":
                if sp.footer_box is not None:  # the footer also takes the unused date placeholder's place
                    b = sp.footer_box
                    x, y, w, h = (int(round(v * 914400)) for v in (b.left, b.top, b.width, b.height))
                    sppr.insert(0, parse_xml(f'<a:xfrm xmlns:a="{A}"><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'))
                p = parse_xml(f'<a:p xmlns:a="{A}"><a:r><a:rPr lang="{self.lang}" sz="{int(sp.footer_size * 100)}">{fill}</a:rPr>'
                              f'<a:t></a:t></a:r></a:p>')
                p.find(f"{{{A}}}r/{{{A}}}t").text = sp.footer
            else:
                p = parse_xml(f'<a:p xmlns:a="{A}"><a:fld id="{SLIDENUM_FIELD_ID}" type="slidenum">'
                              f'<a:rPr lang="{self.lang}">{fill}</a:rPr><a:t>{number}</a:t></a:fld></a:p>')
            txbody.append(p)
            slide.shapes._spTree.append(el)
            next_id = max([next_id] + [int(e.get("id")) for e in el.iter(_CNVPR)]) + 1

    def _chrome_of(self, layout) -> list:
        """(type, idx, element) of the layout's footer and slide number placeholders, in its order:
        looked up once a layout, not for every slide (python-pptx builds a shape object of each)."""
        key = layout.part.partname
        if key not in self._chrome:
            found = []
            for lph in layout.placeholders:
                ph_el = lph._element.find(f".//{{{P}}}ph")
                ptype = ph_el.get("type") if ph_el is not None else None
                if ptype in ("ftr", "sldNum"):
                    found.append((ptype, lph.placeholder_format.idx, lph._element))
            self._chrome[key] = found
        return self._chrome[key]

    # -- slides -------------------------------------------------------------------------------------
    def add_slide(self, sp: SlidePlan, position: int) -> None:
        rl = self.info.role(sp.role, sp.variant)
        layout = self.layouts[rl.layout_index]
        slide = self.prs.slides.add_slide(layout)
        for name, ph in rl.slots:  # areas the layout lacks: placeholders that inherit from the master
            if ph.virtual and (name == "title" or sp.block(name) is not None):
                self._add_placeholder(slide, ph)
        by_idx = {ph.placeholder_format.idx: ph for ph in slide.placeholders}
        used = set()
        title_ph = rl.slot("title")
        if title_ph is not None and title_ph.idx in by_idx:
            shape = by_idx[title_ph.idx]
            self.set_title(shape, sp.title, sp.title_size, self.style_for(layout, title_ph))
            if sp.title_height:  # grown down into the free space below it (planned and measured)
                self._place(shape, replace(title_ph.box, height=sp.title_height))
            elif title_ph.placed:
                self._place(shape, title_ph.box)
            used.add(title_ph.idx)
        for slot, block in sp.blocks:
            ph = rl.slot(slot)
            if ph is None or ph.idx not in by_idx:
                continue
            self.fill_text(by_idx[ph.idx], block, self.style_for(layout, ph))
            if ph.placed:
                self._place(by_idx[ph.idx], ph.box)
            used.add(ph.idx)
        if sp.figure is not None:
            ph = rl.slot("chart") or rl.slot("body")
            box = sp.chart_box or ph.box
            shape = by_idx.get(ph.idx) if not ph.virtual else None
            if shape is not None and (ph.placed or sp.chart_box):
                self._place(shape, box)
            frame = self.add_figure(slide, shape, sp.figure, box, sp.native)
            if frame is not None and shape is not None and (ph.placed or sp.chart_box):
                self._place(frame, box)
            used.add(ph.idx)
            below = sp.block("source_below")
            if below is not None and sp.source_box is not None:
                self._source_below(slide, below, sp.source_box, self.style_for(layout, ph))
        if sp.table is not None:  # a native table where the chart would stand; its source line as a chart's
            face = sp.table.box.face.split("+caps")[0]
            theme = theme_of(layout.slide_master)  # a theme font as its reference: a changed theme carries through
            face = {theme.major: "+mj-lt", theme.minor: "+mn-lt"}.get(face, face) if face else ""
            add_table(slide, sp.table, self.table_style, self.lang, face)
            below = sp.block("source_below")
            if below is not None and sp.source_box is not None:
                ph = rl.slot("chart") or rl.slot("body")
                self._source_below(slide, below, sp.source_box, self.style_for(layout, ph))
        for idx, ph in by_idx.items():  # empty placeholders would show their prompt text when editing
            if idx not in used:
                ph._element.getparent().remove(ph._element)
        self.add_chrome(slide, layout, rl, sp, position)
        self._add_logos(slide, rl, sp, used)
        _title_first(slide)
        if sp.notes:
            self._notes(slide, sp.notes)

    def _add_logos(self, slide, rl: RoleLayout, sp: SlidePlan, used: set) -> None:
        """The organiser's logo on the title slide; its and the partners' on the closing slide (the
        plan's title and colophon parts), in a corner clear of the slide's text."""
        plan = self.view.plan
        if sp.kind == "title":
            part = plan.find("title")
            pics = (part.logo,) if part is not None and part.logo is not None else ()
        elif sp.role == "closing":
            part = plan.find("colophon")
            pics = part.logos if part is not None else ()
        else:
            return
        if not pics:
            return
        taken = [ph.box if not (name == "title" and sp.title_height) else replace(ph.box, height=sp.title_height)
                 for name, ph in rl.slots if ph.idx in used]
        taken += [ph.box for ph in rl.chrome]
        spec = self.theme.get("deck.pictures.logo")
        names = [p.alt or p.path.rsplit("/", 1)[-1] for p in pics]  # the selection pane's names
        plate = self.theme.colour(spec["plate"]) if spec.get("plate") else None
        place_row(slide, pics, self.info.size, taken, spec, names, plate)

    def _add_placeholder(self, slide, ph: Ph) -> None:
        """A placeholder the layout lacks, of the master's title or body type, where the plan measured it."""
        b = ph.box
        x, y, w, h = (int(round(v * 914400)) for v in (b.left, b.top, b.width, b.height))
        kind = "title" if ph.type in ("title", "ctrTitle") else "body"
        idx = "" if kind == "title" else f' idx="{ph.idx}"'
        name = "Title" if kind == "title" else f"Text {ph.idx}"
        el = parse_xml(
            f'<p:sp xmlns:p="{P}" xmlns:a="{A}"><p:nvSpPr><p:cNvPr id="{_next_id(slide)}" name="{name}"/>'
            f'<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr><p:ph type="{kind}"{idx}/></p:nvPr></p:nvSpPr>'
            f'<p:spPr><a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm></p:spPr>'
            f'<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang="{self.lang}"/></a:p></p:txBody></p:sp>')
        slide.shapes._spTree.append(el)

    def _source_below(self, slide, block: TextBlock, box, style) -> None:
        """The one text outside a placeholder: a chart's source line under it, when the template has
        no placeholder that holds it at a readable size (planned: SlidePlan.source_box)."""
        tb = slide.shapes.add_textbox(*(Emu(int(round(v * 914400))) for v in (box.left, box.top, box.width, box.height)))
        tb.name = "Chart source"
        tf = tb.text_frame
        tf.word_wrap = True
        for side, v in (("margin_left", box.inset_l), ("margin_right", box.inset_r), ("margin_top", box.inset_t), ("margin_bottom", box.inset_b)):
            setattr(tf, side, Emu(int(round(v * 914400))))
        self.fill_text(tb, block, style)

    def _notes(self, slide, text: str) -> None:
        text = notes_text(text)
        notes = slide.notes_slide
        if written_by_set_notes(text) and set_notes(notes.element, text, self.lang):  # (a shortcut: pptx_code.py)
            return
        tf = notes.notes_text_frame
        tf.text = text
        for p in tf.paragraphs:
            for r in p.runs:
                self._run_lang(r)

    # -- whole deck ---------------------------------------------------------------------------------
    def write(self, plan: DeckPlan) -> None:
        drop_existing_slides(self.prs)
        self._prefetch_charts(plan)
        kept = self.kept.records if self.kept is not None else {}
        with part_names(self.prs):
            for pos, sp in enumerate(plan.slides, 1):
                if pos in kept:  # the same as the last rebuild's slide: its parts put in again
                    self.kept.replay(self.prs, self.layouts[self.info.role(sp.role, sp.variant).layout_index], pos)
                else:
                    self.add_slide(sp, pos)
        set_properties(self.prs, self.doc, self.view.metadata)
        language_everywhere(self.prs, self.lang)
        ensure_view_props(self.prs)
        set_link_colours(self.prs, self.info.link_colours)

    def _prefetch_charts(self, plan: DeckPlan) -> None:
        """Ask for every picture chart at once, so the chart service can draw them in parallel."""
        requests = picture_requests(plan, self.info, self.kept.records if self.kept is not None else ())
        if requests:  # kept by figure and box: asking again would hash each chart's spec again
            for (fig, _, w, h), rendered in zip(requests, self.charts.render_many(requests)):
                self._prefetched[(id(fig), w, h)] = rendered


def _spaced(p_el, level: int, space_before) -> Optional[etree._Element]:
    """The paragraph's new properties at ``level``, ``space_before`` above and single-spaced, as
    python-pptx's ``level``, ``space_before`` and ``line_spacing`` setters make them on a paragraph
    without properties (its generic child ordering was half of filling text); None, with nothing
    changed, for a paragraph that has some, or values python-pptx would refuse."""
    ppr = p_el.find(_PPR)
    if (ppr is not None and (len(ppr) or ppr.attrib)) or not isinstance(level, int) or not 0 <= level <= 8 \
            or not 0 <= space_before <= 20116800:
        return None
    if ppr is None:
        ppr = etree.Element(_PPR)
        p_el.insert(0, ppr)  # first: a paragraph's properties precede its runs and end
    if level:
        ppr.set("lvl", str(level))
    etree.SubElement(etree.SubElement(ppr, _LN_SPC), _SPC_PCT).set("val", "100000")  # line_spacing = 1.0
    etree.SubElement(etree.SubElement(ppr, _SPC_BEF), _SPC_PTS).set("val", str(space_before.centipoints))
    return ppr


def _para(text: str):
    from ...model import Span
    from .plan import PlanPara

    return PlanPara((Span(text),), bullet=False)


def _title_first(slide) -> None:
    """The title placeholder first in the slide's shape tree: screen readers read shapes in this order."""
    tree = slide.shapes._spTree
    for sp in tree.iter(f"{{{P}}}sp"):
        ph = sp.find(f"{{{P}}}nvSpPr/{{{P}}}nvPr/{{{P}}}ph")
        if ph is not None and ph.get("type") in ("title", "ctrTitle"):
            first = next(c for c in tree if etree.QName(c).localname not in ("nvGrpSpPr", "grpSpPr"))
            if first is not sp:
                first.addprevious(sp)
            return


def _next_id(slide) -> int:
    return next_shape_id(slide.shapes._spTree)
