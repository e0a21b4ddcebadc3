"""DeckPlan -> .pptx with python-pptx: fill the template's placeholders, never free boxes.

python-pptx gaps handled here: SVG pictures (asvg:svgBlip beside a PNG fallback), alt text
(cNvPr/@descr), footers and slide numbers (cloned from the layout's placeholders), language on
every run, core properties from the source, and byte-stable zips (fixed entry times).
On templates saved by LibreOffice the writer also copies the master's sample formatting onto the
text it writes and places the placeholders where the master has them (see samples.py).
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Optional

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.shapes.placeholder import ChartPlaceholder, PicturePlaceholder
from pptx.util import Emu, Pt

from ...model import Figure
from ...present import View
from .plan import DeckPlan, SlidePlan, TextBlock
from .samples import SampleStyle, master_keeps_styles, master_placeholder
from .template import Ph, RoleLayout, TemplateInfo, all_layouts

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SVG_EXT_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
ASVG = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
SLIDENUM_FIELD_ID = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"  # fixed: same deck, same bytes
VIEW_PROPS_CT = "application/vnd.openxmlformats-officedocument.presentationml.viewProps+xml"
VIEW_PROPS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<p:viewPr xmlns:a="{A}" xmlns:r="{R}" xmlns:p="{P}">'
    '<p:normalViewPr><p:restoredLeft sz="15620"/><p:restoredTop sz="94660"/></p:normalViewPr>'
    '<p:gridSpacing cx="76200" cy="76200"/></p:viewPr>'
)
# The native chart types a kind may ask for (charts.registry.NATIVE_TYPES) as python-pptx has them.
XL_TYPES = {
    "column_clustered": XL_CHART_TYPE.COLUMN_CLUSTERED, "column_stacked": XL_CHART_TYPE.COLUMN_STACKED,
    "bar_clustered": XL_CHART_TYPE.BAR_CLUSTERED, "bar_stacked": XL_CHART_TYPE.BAR_STACKED,
    "line_markers": XL_CHART_TYPE.LINE_MARKERS, "area": XL_CHART_TYPE.AREA, "area_stacked": XL_CHART_TYPE.AREA_STACKED,
}


class DeckWriter:
    """Writes a plan into the template's placeholders; decides nothing the plan has not decided."""

    def __init__(self, prs, info: TemplateInfo, view: View, theme, charts):
        self.prs, self.info, self.view, self.doc, self.theme, self.charts = prs, info, view, view.doc, theme, charts
        self.lang = self.doc.meta.language
        self.indent = int(theme.get("deck.type.bullet_indent_in") * 914400)
        self.layouts = all_layouts(prs)
        self._styles: dict = {}

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
            for span in para.spans:
                r = p.add_run()
                r.text = span.text
                r.font.size = Pt(para.size or block.size)
                if span.bold:
                    r.font.bold = True
                if span.italic:
                    r.font.italic = True
                self._run_lang(r)
                if style is not None:
                    style.apply(r._r.get_or_add_rPr())
                if span.href and not span.href.startswith("#"):
                    r.hyperlink.address = span.href
        end = p._p.get_or_add_endParaRPr()
        end.set("lang", self.lang)

    def set_title(self, shape, text: str, size: float, style=None) -> None:
        self.fill_text(shape, TextBlock((_para(text),), size), style)

    # -- pictures and charts -----------------------------------------------------------------------
    def add_figure(self, slide, ph, fig: Figure, box, native: Optional[str]) -> None:
        if native is not None:
            return self._native_chart(ph, fig, XL_TYPES[native], slide, box)
        rendered = self.charts.render(fig, "slide", box.width, box.height)
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
        package = slide.part.package
        part = Part(package.next_partname("/ppt/media/image%d.svg"), "image/svg+xml", package, svg)
        rid = slide.part.relate_to(part, RT.IMAGE)
        blip = pic._element.find(f".//{{{A}}}blip")
        ext_lst = blip.find(f"{{{A}}}extLst")
        if ext_lst is None:
            ext_lst = etree.SubElement(blip, f"{{{A}}}extLst")
        ext = etree.SubElement(ext_lst, f"{{{A}}}ext", uri=SVG_EXT_URI)
        svg_blip = etree.SubElement(ext, f"{{{ASVG}}}svgBlip", nsmap={"asvg": ASVG})
        svg_blip.set(f"{{{R}}}embed", rid)

    def _native_chart(self, ph, fig: Figure, chart_type, slide=None, box=None) -> None:
        # what the picture shows besides the data (the kind's declared look): order, colours,
        # highlighted points, value labels -- the editable chart shows the same
        look = self.charts.look(fig, "slide") if hasattr(self.charts, "look") else None
        spec = look.drawn(fig.chart) if look is not None else fig.chart
        from .workbook import TypedChartData  # XlsxWriter: only for a deck with an editable chart (30 ms)

        data = TypedChartData()  # cells typed, text never a formula (the data may come from anywhere)
        data.categories = [str(c) for c in spec.table.column(spec.x)]
        for s in spec.series:
            data.add_series(spec.label(s), [v if isinstance(v, (int, float)) else None for v in spec.table.column(s)])
        if ph is None:
            frame = slide.shapes.add_chart(chart_type, *(Emu(int(round(v * 914400))) for v in (box.left, box.top, box.width, box.height)), data)
        else:
            frame = ChartPlaceholder(ph._element, ph._parent).insert_chart(chart_type, data)
        frame._element.nvGraphicFramePr.cNvPr.set("descr", fig.alt)
        frame._element.nvGraphicFramePr.cNvPr.set("name", self.view.figure_label(fig))
        chart = frame.chart
        c_ns = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
        for el in chart._chartSpace.iter(f"{c_ns}axId", f"{c_ns}crossAx"):  # python-pptx writes negative ids
            el.set("val", str(abs(int(el.get("val")))))
        g = self.theme.get
        chart.font.size = Pt(g("deck.type.source") + 2)
        chart.font.name = g("fonts.deck_name")
        if chart_type in (XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.BAR_STACKED):
            # horizontal bars list the first category at the top, as the table and the picture do;
            # the value axis then crosses at the last category, so it stays at the bottom
            chart.category_axis.reverse_order = True
            crosses = chart.value_axis._element.find(f"{c_ns}crosses")
            if crosses is not None:
                crosses.set("val", "max")
        if chart_type not in (XL_CHART_TYPE.LINE_MARKERS, XL_CHART_TYPE.AREA, XL_CHART_TYPE.AREA_STACKED):
            chart.plots[0].gap_width = g("deck.charts.gap_width")
        if chart.value_axis.has_major_gridlines:
            chart.value_axis.major_gridlines.format.line.color.rgb = RGBColor.from_string(
                self.theme.colour("rule").lstrip("#").upper())
        chart.has_title = False  # the slide's title says it; else viewers title a one-series chart with its name
        chart.has_legend = len(spec.series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
        palette = look.colours if look is not None else g("colours.data")
        for i, series in enumerate(chart.plots[0].series):
            fill = series.format.fill if chart_type not in (XL_CHART_TYPE.LINE_MARKERS,) else None
            colour = RGBColor.from_string(palette[i % len(palette)].lstrip("#"))
            if fill is not None:
                fill.solid()
                fill.fore_color.rgb = colour
            else:
                series.format.line.color.rgb = colour
        if look is not None:
            _apply_look(chart, look)
        _fix_embedded_workbook(chart.part, self.doc.meta.updated)
        return frame

    # -- chrome -------------------------------------------------------------------------------------
    def add_chrome(self, slide, layout, rl: RoleLayout, sp: SlidePlan, number: int) -> None:
        """Footer (text, size and box as planned) and slide number, cloned from the layout's placeholders."""
        if sp.footer is None and sp.kind == "title":
            return
        inks = {p.idx: p.ink for p in rl.chrome}
        for lph in layout.placeholders:
            ph_el = lph._element.find(f".//{{{P}}}ph")
            ptype = ph_el.get("type") if ph_el is not None else None
            if ptype not in ("ftr", "sldNum") or (ptype == "ftr" and sp.footer is None):
                continue
            el = copy.deepcopy(lph._element)
            el.nvSpPr.cNvPr.set("id", str(_next_id(slide)))
            sppr = el.find(f"{{{P}}}spPr")
            for c in list(sppr):
                sppr.remove(c)  # inherit position from the layout
            if rl.moved:  # LibreOffice draws its masters' hairline placeholder frames on slides: none here
                sppr.append(parse_xml(f'<a:ln xmlns:a="{A}"><a:noFill/></a:ln>'))
            txbody = el.find(f"{{{P}}}txBody")
            for p in txbody.findall(f"{{{A}}}p"):
                txbody.remove(p)
            ink = inks.get(lph.placeholder_format.idx)
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
            if shape is not None and (ph.placed or sp.chart_box):
                self._place(frame, box)
            used.add(ph.idx)
            below = sp.block("source_below")
            if below is not None and sp.source_box is not None:
                self._source_below(slide, below, sp.source_box, self.style_for(layout, ph))
        for idx, ph in by_idx.items():  # empty placeholders would show their prompt text when editing
            if idx not in used:
                ph._element.getparent().remove(ph._element)
        self.add_chrome(slide, layout, rl, sp, position)
        _title_first(slide)
        if sp.notes:
            self._notes(slide, sp.notes)

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
        tf = slide.notes_slide.notes_text_frame
        tf.text = text.replace("\n\n", "\n")
        for p in tf.paragraphs:
            for r in p.runs:
                self._run_lang(r)

    # -- whole deck ---------------------------------------------------------------------------------
    def write(self, plan: DeckPlan) -> None:
        _drop_existing_slides(self.prs)
        self._prefetch_charts(plan)
        with _part_names(self.prs):
            for pos, sp in enumerate(plan.slides, 1):
                self.add_slide(sp, pos)
        self._core_properties()
        _ensure_view_props(self.prs)
        _set_link_colours(self.prs, self.info.link_colours)

    def _prefetch_charts(self, plan: DeckPlan) -> None:
        """Ask for every picture chart at once, so the chart service can draw them in parallel."""
        requests = picture_requests(plan, self.info)
        if requests:
            self.charts.render_many(requests)

    def _core_properties(self) -> None:
        """Every document property from the source: nothing of python-pptx's or the template's own is
        left (comments, author, last modified by, category, revision; the template's app.xml: company,
        manager, its slide titles; its custom properties; the thumbnail of its first slide)."""
        doc, meta = self.doc, self.view.metadata
        cp = self.prs.core_properties
        when = dt.datetime.combine(doc.meta.updated, dt.time(0, 0))
        cp.title = _prop(meta.title)
        cp.subject = _prop(doc.event.subtitle)
        cp.author = _prop(meta.author)
        cp.keywords = _prop(meta.keywords)
        cp.comments = ""  # python-pptx's default template says "generated using python-pptx"
        cp.content_status = ""
        cp.identifier = ""
        cp.version = ""
        cp.last_modified_by = "briefdeck"
        cp.created = when
        cp.modified = when
        cp.last_printed = when
        cp.revision = 1
        cp.language = doc.meta.language
        cp.category = _prop(meta.series)
        _replace_app_properties(self.prs)
        _drop_custom_properties(self.prs)
        _drop_thumbnail(self.prs)


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


APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<Application>briefdeck</Application><Slides>{slides}</Slides><Notes>{notes}</Notes>'
    '<PresentationFormat>{fmt}</PresentationFormat></Properties>')


def _replace_app_properties(prs) -> None:
    """docProps/app.xml names who made the file (Company, Manager, the template's slide titles): it is
    written anew for the deck, or made when the template had none."""
    rt_ext = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
    ct = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
    slides = len(prs.slides)
    notes = sum(1 for s in prs.slides if s.has_notes_slide)
    ratio = prs.slide_width / max(1, prs.slide_height)
    fmt = "Widescreen" if abs(ratio - 16 / 9) < 0.02 else ("On-screen Show (4:3)" if abs(ratio - 4 / 3) < 0.02 else "Custom")
    blob = APP_XML.format(slides=slides, notes=notes, fmt=fmt).encode()
    pkg = prs.part.package
    for rid, rel in list(pkg._rels.items()):
        if rel.reltype == rt_ext and not rel.is_external:
            if rel.target_part.content_type == ct:
                rel.target_part.blob = blob
                return
            pkg.drop_rel(rid)
    part = Part(PackURI("/docProps/app.xml"), ct, pkg, blob)
    pkg.relate_to(part, rt_ext)


def _drop_custom_properties(prs) -> None:
    """The template's custom document properties describe the template (its author's labels), not the deck."""
    rt_custom = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
    pkg = prs.part.package
    for rid, rel in list(pkg._rels.items()):
        if rel.reltype == rt_custom:
            pkg.drop_rel(rid)


def _set_link_colours(prs, fixes) -> None:
    """The deck's copy of a master's theme takes link colours that read on its slides (see
    template._link_colours): PowerPoint and LibreOffice draw links in the theme's colours."""
    for m, fixed in fixes:
        part = prs.slide_masters[m].part.part_related_by(RT.THEME)
        root = etree.fromstring(part.blob)
        for key, rgb in fixed.items():
            el = root.find(f".//{{{A}}}clrScheme/{{{A}}}{key}")
            if el is not None:
                el.clear()
                etree.SubElement(el, f"{{{A}}}srgbClr", val=rgb)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_thumbnail(prs) -> None:
    """The package thumbnail pictures the template's (or python-pptx's) first slide, not this deck."""
    pkg = prs.part.package
    for rid, rel in list(pkg._rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            pkg.drop_rel(rid)


def _next_id(slide) -> int:
    ids = [int(e.get("id")) for e in slide.shapes._spTree.iter(f"{{{P}}}cNvPr")]
    return max(ids + [1]) + 1


def _drop_existing_slides(prs) -> None:
    """A template's own sample slides are not part of the deck."""
    sld_ids = prs.slides._sldIdLst
    for sld in list(sld_ids):
        prs.part.drop_rel(sld.rId)
        sld_ids.remove(sld)


def _ensure_view_props(prs) -> None:
    """PowerPoint repairs decks without viewProps (LibreOffice-saved templates lack it)."""
    if any(r.reltype == RT.VIEW_PROPS for r in prs.part.rels.values()):
        return
    part = Part(PackURI("/ppt/viewProps.xml"), VIEW_PROPS_CT, prs.part.package, VIEW_PROPS.encode())
    prs.part.relate_to(part, RT.VIEW_PROPS)


def _fix_embedded_workbook(chart_part, updated) -> None:
    """XlsxWriter stamps the embedded workbook with the clock; re-zip it with the source date."""
    wb_part = chart_part.chart_workbook.xlsx_part
    if wb_part is None:
        return
    wb_part._blob = stable_zip(wb_part.blob, updated, core_date=True)


def _apply_look(chart, look) -> None:
    """Highlighted points, value labels, markers and number format as the kind's picture has
    them (charts.registry.Look)."""
    from pptx.enum.chart import XL_LABEL_POSITION, XL_MARKER_STYLE, XL_TICK_LABEL_POSITION

    plot = chart.plots[0]
    chart.value_axis.tick_labels.number_format = look.number_format
    chart.value_axis.tick_labels.number_format_is_linked = False
    if look.negative:  # bars both ways from zero: the category names stay clear of them, at the low end
        chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    if look.value_limits is not None:
        chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = look.value_limits
    if chart.chart_type == XL_CHART_TYPE.LINE_MARKERS and not look.markers:
        for series in plot.series:
            series.marker.style = XL_MARKER_STYLE.NONE
    for j, fills in enumerate(look.point_colours):
        if j >= len(plot.series):
            break
        series = plot.series[j]
        for i, colour in enumerate(fills):
            if colour is not None and colour != look.colours[j]:
                fill = series.points[i].format.fill
                fill.solid()
                fill.fore_color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
        if hasattr(series, "invert_if_negative") and any(c is not None and c != look.colours[j] for c in fills):
            series.invert_if_negative = False  # a highlighted negative bar keeps its colour
    if look.value_labels:
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = look.number_format
        labels.number_format_is_linked = False
        labels.show_value = True
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
    if look.end_labels:  # each line's last value beside its last point, the series named when several
        c_ns = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
        for series in plot.series:
            values = list(series.values)
            last = next((k for k in range(len(values) - 1, -1, -1) if values[k] is not None), None)
            if last is None:
                continue
            label = series.points[last].data_label
            label.position = XL_LABEL_POSITION.RIGHT
            dlbl = label._dLbl
            if len(plot.series) > 1:
                dlbl.find(f"{c_ns}showSerName").set("val", "1")
            fmt = parse_xml(f'<c:numFmt xmlns:c="{c_ns[1:-1]}" formatCode="" sourceLinked="0"/>')
            fmt.set("formatCode", look.number_format)
            dlbl.find(f"{c_ns}spPr").addprevious(fmt)


@contextmanager
def _part_names(prs):
    """python-pptx names a new part (notes slide, SVG, chart, workbook, theme) by walking every part of
    the package (``OpcPackage.next_partname``): a deck of n slides cost O(n²), 7 of 16 s at 400 slides.
    While slides are added, parts are only added, never dropped, and every new part hangs off the slide
    being added: the package is walked once, then only what is new under the last slide. The name
    chosen is python-pptx's, by its own rule (the count of names with the template's prefix, plus one,
    then downward to the first free one); a test compares the two on every call."""
    package = prs.part.package
    seen: set[int] = set()
    names: list[str] = []
    by_prefix: dict[str, set[str]] = {}

    def add(part) -> None:
        seen.add(id(part))
        name = str(part.partname)
        names.append(name)
        for prefix, found in by_prefix.items():
            if name.startswith(prefix):
                found.add(name)

    def absorb(root) -> None:  # what is new under ``root``: parts not walked before
        stack = [rel.target_part for rel in root.rels.values() if not rel.is_external]
        if id(root) not in seen:
            add(root)
        while stack:
            part = stack.pop()
            if id(part) in seen:
                continue
            add(part)
            stack.extend(rel.target_part for rel in part.rels.values() if not rel.is_external)

    since = [0]  # the first slide that may have grown since the last call (the one being added then)

    def next_partname(tmpl: str) -> PackURI:
        if not seen:
            for part in package.iter_parts():
                add(part)
        slides = prs.slides
        for i in range(since[0], len(slides)):
            absorb(slides[i].part)
        since[0] = max(0, len(slides) - 1)
        prefix = tmpl[: (tmpl % 42).find("42")]
        if prefix not in by_prefix:
            by_prefix[prefix] = {n for n in names if n.startswith(prefix)}
        found = by_prefix[prefix]
        for n in range(len(found) + 1, 0, -1):
            if tmpl % n not in found:
                return PackURI(tmpl % n)
        raise RuntimeError(f"no free part name for {tmpl}")

    package.next_partname = next_partname  # this package only; python-pptx calls it as a method
    try:
        yield
    finally:
        del package.next_partname


def picture_requests(plan: DeckPlan, info) -> list[tuple]:
    """(figure, "slide", width_in, height_in) of every chart placed as a picture."""
    requests = []
    for sp in plan.slides:
        fig = sp.figure
        if fig is None or sp.native is not None:
            continue
        rl = info.role(sp.role, sp.variant)
        box = sp.chart_box or (rl.slot("chart") or rl.slot("body")).box
        requests.append((fig, "slide", box.width, box.height))
    return requests


def _prop(text: str) -> str:
    """Core properties hold at most 255 characters (OOXML; python-pptx enforces it)."""
    return text if len(text) <= 255 else text[:254].rstrip() + "…"


def stable_zip(data: bytes, updated, core_date: bool = False) -> bytes:
    """Same content, fixed entry times (the source date) and order: same deck, same bytes."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    return _zip_entries(((i.filename, zin.read(i.filename)) for i in zin.infolist()), updated, core_date)


def _zip_entries(entries, updated, core_date: bool = False) -> bytes:
    """(name, bytes) entries as a zip with fixed entry times (the source date), in the order given."""
    # a zip entry can only say 1980-2107; the true date stays in the core properties
    stamp = (min(max(updated.year, 1980), 2107), updated.month, updated.day, 0, 0, 0)
    iso = f"{updated.isoformat()}T00:00:00Z".encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, blob in entries:
            if core_date and name == "docProps/core.xml":
                import re

                blob = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + iso, blob)
            zi = zipfile.ZipInfo(name, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, blob)
    return out.getvalue()


class _Entries:
    """python-pptx's physical package writer, as a list: (member name, bytes) in the order written."""

    def __init__(self):
        self.items: list[tuple[str, bytes]] = []

    def write(self, pack_uri, blob: bytes) -> None:
        self.items.append((pack_uri.membername, blob))


def package_entries(prs) -> list[tuple[str, bytes]]:
    """What ``prs.save`` writes, in its order, without zipping it: the deck is zipped once, with fixed
    times, instead of saved, unzipped and zipped again (a third of saving). python-pptx's own writer
    makes the entries (content types, package relationships, each part and its relationships);
    tests/test_pptx.py checks this is ``prs.save`` entry for entry."""
    from pptx.opc.serialized import PackageWriter

    pkg = prs.part.package
    writer = PackageWriter(io.BytesIO(), pkg._rels, tuple(pkg.iter_parts()))
    entries = _Entries()
    writer._write_content_types_stream(entries)
    writer._write_pkg_rels(entries)
    writer._write_parts(entries)
    return entries.items


def save(prs, out_path: Path, updated) -> int:
    data = _zip_entries(package_entries(prs), updated)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(data)  # the build writes to a temp file and publishes it atomically
    return len(data)
