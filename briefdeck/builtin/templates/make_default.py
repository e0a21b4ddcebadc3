"""Build briefdeck/builtin/templates/default.pptx, the default reference deck, from the theme.

Run once after changing briefdeck/builtin/themes/default/{base,deck}.yaml:

    python briefdeck/builtin/templates/make_default.py

It starts from python-pptx's own template (the masters PowerPoint expects) and replaces the
theme colours, the master's text styles and every layout with designed ones: 16:9, one layout
per role (title, section, content, two-content, chart, quote, closing), placeholders only where
the deck puts text, a footer and a slide number on content layouts. Output is byte-stable.
"""
from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent))

from pptx import Presentation  # noqa: E402
from pptx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from pptx.oxml import parse_xml  # noqa: E402

from briefdeck.theme import load_theme  # noqa: E402

EMU = 914400
# bars and bands carry no information: marked decorative, screen readers pass over them (Office 2019+)
DECORATIVE = ('<a:extLst><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
              '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative" val="1"/>'
              '</a:ext></a:extLst>')
NS = (
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
)


def emu(inches: float) -> int:
    return int(round(inches * EMU))


class Builder:
    def __init__(self, theme):
        self.t = theme
        self.W = theme.get("deck.slide.width_in")
        self.H = theme.get("deck.slide.height_in")
        self.M = theme.get("deck.slide.margin_in")

    def hex(self, key: str) -> str:
        """A deck colour role -> RRGGBB."""
        name = self.t.get(f"deck.colours.{key}")
        return self.t.colour(name).lstrip("#").upper()

    def fill(self, key: str) -> str:
        return f'<a:solidFill><a:srgbClr val="{self.hex(key)}"/></a:solidFill>'

    # -- shapes -------------------------------------------------------------------------
    def ph(self, sid, name, ph, box, *, size=None, colour=None, bold=None, italic=None, anchor="t",
           algn=None, bullets=False, prompt="", ins=(0.1, 0.05)):
        x, y, w, h = box
        attrs = " ".join(f'{k}="{v}"' for k, v in ph.items())
        rpr = ""
        if size or colour or bold is not None or italic is not None:
            a = (f' sz="{int(size * 100)}"' if size else "") + (f' b="{int(bold)}"' if bold is not None else "")
            a += f' i="{int(italic)}"' if italic is not None else ""
            rpr = f"<a:defRPr{a}>{self.fill(colour) if colour else ''}</a:defRPr>"
        ppr_attrs = f' algn="{algn}"' if algn else ""
        bu = "" if bullets else '<a:buNone/>'
        nomar = "" if bullets else ' marL="0" indent="0"'
        lvl1 = f"<a:lvl1pPr{ppr_attrs}{nomar}>{bu}{rpr}</a:lvl1pPr>"
        lst = f"<a:lstStyle>{lvl1}</a:lstStyle>"
        li, ti = emu(ins[0]), emu(ins[1])
        return (
            f'<p:sp><p:nvSpPr><p:cNvPr id="{sid}" name="{name}"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
            f'<p:nvPr><p:ph {attrs}/></p:nvPr></p:nvSpPr>'
            f'<p:spPr><a:xfrm><a:off x="{emu(x)}" y="{emu(y)}"/><a:ext cx="{emu(w)}" cy="{emu(h)}"/></a:xfrm></p:spPr>'
            f'<p:txBody><a:bodyPr lIns="{li}" tIns="{ti}" rIns="{li}" bIns="{ti}" anchor="{anchor}"><a:noAutofit/></a:bodyPr>{lst}'
            f'<a:p><a:r><a:rPr lang="en-US"/><a:t>{prompt}</a:t></a:r></a:p></p:txBody></p:sp>'
        )

    def rect(self, sid, name, box, colour):
        x, y, w, h = box
        return (
            f'<p:sp><p:nvSpPr><p:cNvPr id="{sid}" name="{name}">{DECORATIVE}</p:cNvPr><p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr>'
            f'<p:spPr><a:xfrm><a:off x="{emu(x)}" y="{emu(y)}"/><a:ext cx="{emu(w)}" cy="{emu(h)}"/></a:xfrm>'
            f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>{self.fill(colour)}<a:ln><a:noFill/></a:ln></p:spPr>'
            f'<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp>'
        )

    def footer_pair(self, start_id, colour="muted"):
        W, H, M = self.W, self.H, self.M
        fs = self.t.get("deck.type.footer")
        y = H - M - 0.36
        return (
            self.ph(start_id, "Footer Placeholder", {"type": "ftr", "sz": "quarter", "idx": "11"},
                    (M, y, W - 2 * M - 1.2, 0.36), size=fs, colour=colour, anchor="b", prompt="")
            + self.ph(start_id + 1, "Slide Number Placeholder", {"type": "sldNum", "sz": "quarter", "idx": "12"},
                      (W - M - 1.1, y, 1.1, 0.36), size=fs, colour=colour, anchor="b", algn="r", prompt="")
        )

    def title_block(self, sid, size):
        W, M = self.W, self.M
        return (
            self.ph(sid, "Title", {"type": "title"}, (M, 0.3, W - 2 * M, 1.25), size=size, colour="title",
                    bold=True, anchor="b", prompt="Title")
            + self.rect(sid + 1, "Title rule", (M + 0.1, 1.62, 1.4, 0.06), "bar")
        )

    # -- geometry shared by content layouts -----------------------------------------------
    @property
    def body_box(self):
        top = 1.85
        return (self.M, top, self.W - 2 * self.M, self.H - self.M - 0.5 - top)

    # -- layouts ----------------------------------------------------------------------------
    def layouts(self) -> list[tuple[str, str, str, str]]:
        """(role, name, layout type, inner xml [bg + shapes])."""
        t, W, H, M = self.t.get, self.W, self.H, self.M
        bx, by, bw, bh = self.body_box
        ts = t("deck.type.title")[0]
        out = []
        bg_band = f'<p:bg><p:bgPr>{self.fill("title_band")}<a:effectLst/></p:bgPr></p:bg>'
        bg_section = f'<p:bg><p:bgPr>{self.fill("section_bg")}<a:effectLst/></p:bgPr></p:bg>'
        out.append(("title", t("deck.layouts.title"), "title", bg_band, (
            self.ph(2, "Title", {"type": "ctrTitle"}, (M + 0.1, 1.0, W - 2 * M - 0.2, 2.45),
                    size=t("deck.type.title_slide"), colour="on_band", bold=True, anchor="b", prompt="Title")
            + self.rect(3, "Accent bar", (M + 0.2, 3.6, 1.6, 0.08), "bar")
            + self.ph(4, "Subtitle", {"type": "subTitle", "idx": "1"}, (M + 0.1, 3.8, W - 2 * M - 0.2, 1.2),
                      size=t("deck.type.subtitle"), colour="on_band_soft", prompt="Subtitle")
            + self.ph(5, "Event details", {"type": "body", "sz": "half", "idx": "13"},
                      (M + 0.1, 5.05, W - 2 * M - 0.2, H - M - 5.05), size=t("deck.type.body")[1],
                      colour="on_band", anchor="b", prompt="Speaker · organiser · date · place")
        )))
        out.append(("section", t("deck.layouts.section"), "secHead", bg_section, (
            self.rect(2, "Section bar", (0, 0, 0.28, H), "title_band")
            + self.ph(3, "Title", {"type": "title"}, (M + 0.4, 1.6, W - 2 * M - 0.5, 2.6),
                      size=t("deck.type.section"), colour="section_text", bold=True, anchor="b", prompt="Section")
            + self.rect(4, "Accent bar", (M + 0.5, 4.35, 1.6, 0.08), "bar")
            + self.ph(5, "Section number", {"type": "body", "idx": "1"}, (M + 0.4, 4.55, W - 2 * M - 0.5, 0.9),
                      size=t("deck.type.body")[0], colour="muted", prompt="Part")
            + self.footer_pair(6)
        )))
        out.append(("content", t("deck.layouts.content"), "obj", "", (
            self.title_block(2, ts)
            + self.ph(4, "Content", {"idx": "1"}, (bx, by, bw, bh), bullets=True, prompt="Text")
            + self.footer_pair(5)
        )))
        gap = 0.4
        cw = (bw - gap) / 2
        out.append(("two-content", t("deck.layouts.two-content"), "twoObj", "", (
            self.title_block(2, ts)
            + self.ph(4, "Left content", {"sz": "half", "idx": "1"}, (bx, by, cw, bh), bullets=True, prompt="Text")
            + self.ph(5, "Right content", {"sz": "half", "idx": "2"}, (bx + cw + gap, by, cw, bh), bullets=True, prompt="Text")
            + self.footer_pair(6)
        )))
        src_h = 0.42
        out.append(("chart", t("deck.layouts.chart"), "cust", "", (
            self.title_block(2, ts)
            + self.ph(4, "Chart", {"idx": "1"}, (bx, by - 0.05, bw, bh - src_h - 0.05), prompt="Chart")
            + self.ph(5, "Source", {"type": "body", "sz": "quarter", "idx": "13"}, (bx, by + bh - src_h, bw, src_h),
                      size=t("deck.type.source"), colour="muted", anchor="b", prompt="Source")
            + self.footer_pair(6)
        )))
        out.append(("quote", t("deck.layouts.quote"), "cust", "", (
            self.ph(2, "Title", {"type": "title"}, (M, 0.35, W - 2 * M, 0.9), size=t("deck.type.attribution") + 4,
                    colour="muted", bold=True, anchor="b", prompt="Title")
            + self.rect(3, "Quote bar", (M + 0.55, 1.55, 0.12, 4.3), "title_band")
            + self.ph(4, "Quote", {"type": "body", "idx": "1"}, (M + 0.9, 1.45, W - 2 * M - 1.6, 3.75),
                      size=t("deck.type.quote")[0], colour="title", italic=True, anchor="ctr", prompt="Quote")
            + self.ph(5, "Attribution", {"type": "body", "sz": "half", "idx": "13"}, (M + 0.9, 5.3, W - 2 * M - 1.6, 0.6),
                      size=t("deck.type.attribution"), colour="muted", algn="r", prompt="Attribution")
            + self.footer_pair(6)
        )))
        out.append(("closing", t("deck.layouts.closing"), "cust", "", (
            self.rect(2, "Title band", (0, 0, W, 1.65), "title_band")
            + self.ph(3, "Title", {"type": "title"}, (M, 0.3, W - 2 * M, 1.1), size=ts, colour="on_band",
                      bold=True, anchor="b", prompt="Title")
            + self.ph(4, "Content", {"idx": "1"}, (bx, by, bw, bh), bullets=True, prompt="Text")
            + self.footer_pair(5)
        )))
        return out

    def layout_xml(self, name, ltype, bg, shapes) -> str:
        grp = ('<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
               '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/>'
               '<a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>')
        return (f'<p:sldLayout {NS} type="{ltype}" preserve="1"><p:cSld name="{name}">{bg}'
                f'<p:spTree>{grp}{shapes}</p:spTree></p:cSld>'
                '<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>')

    # -- master ---------------------------------------------------------------------------
    def master_shapes(self) -> str:
        W, M = self.W, self.M
        bx, by, bw, bh = self.body_box
        return (
            self.ph(2, "Title Placeholder", {"type": "title"}, (M, 0.3, W - 2 * M, 1.25), anchor="b", prompt="Title")
            + self.ph(3, "Text Placeholder", {"type": "body", "idx": "1"}, (bx, by, bw, bh), bullets=True, prompt="Text")
            + self.footer_pair(4)
        )

    def tx_styles(self) -> str:
        t = self.t.get
        title, body, lvl2 = t("deck.type.title")[0], t("deck.type.body")[0], t("deck.type.body_level2")
        sb = int(t("deck.type.space_before") * 100)
        font = '<a:latin typeface="+mj-lt"/><a:ea typeface="+mj-ea"/><a:cs typeface="+mj-cs"/>'
        bfont = '<a:latin typeface="+mn-lt"/><a:ea typeface="+mn-ea"/><a:cs typeface="+mn-cs"/>'
        lvls = []
        for i in range(1, 10):
            size = body if i == 1 else lvl2
            mar = 0.36 + 0.45 * (i - 1)
            char = "•" if i % 2 else "–"
            col = self.hex("title") if i == 1 else self.hex("muted")
            lvls.append(
                f'<a:lvl{i}pPr marL="{emu(mar)}" indent="-{emu(0.36)}" algn="l" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1">'
                f'<a:lnSpc><a:spcPct val="100000"/></a:lnSpc><a:spcBef><a:spcPts val="{sb}"/></a:spcBef>'
                f'<a:buClr><a:srgbClr val="{col}"/></a:buClr><a:buFont typeface="Arial"/><a:buChar char="{char}"/>'
                f'<a:defRPr sz="{size * 100}" kern="1200">{self.fill("body")}{bfont}</a:defRPr></a:lvl{i}pPr>'
            )
        other = "".join(
            f'<a:lvl{i}pPr marL="{emu(0.5 * (i - 1))}" algn="l" rtl="0"><a:defRPr sz="1800">'
            f'<a:solidFill><a:schemeClr val="tx1"/></a:solidFill>{bfont}</a:defRPr></a:lvl{i}pPr>'
            for i in range(1, 10)
        )
        return (
            '<p:txStyles><p:titleStyle><a:lvl1pPr algn="l" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1">'
            '<a:lnSpc><a:spcPct val="90000"/></a:lnSpc><a:spcBef><a:spcPct val="0"/></a:spcBef><a:buNone/>'
            f'<a:defRPr sz="{title * 100}" b="1" kern="1200">{self.fill("title")}{font}</a:defRPr></a:lvl1pPr></p:titleStyle>'
            f'<p:bodyStyle>{"".join(lvls)}</p:bodyStyle><p:otherStyle>{other}</p:otherStyle></p:txStyles>'
        )


def set_theme_colours(theme_part, b: Builder, theme) -> None:
    el = parse_xml(theme_part.blob)
    A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    scheme = el.find(f".//{A}clrScheme")
    scheme.set("name", "briefdeck")
    data = [c.lstrip("#").upper() for c in theme.get("colours.data")]
    values = {
        "dk1": theme.colour("text"), "lt1": theme.colour("paper"), "dk2": theme.colour("accent"),
        "lt2": theme.colour("accent_light"), "accent1": theme.colour("accent"), "accent2": "#" + data[1],
        "accent3": "#" + data[2], "accent4": "#" + data[3], "accent5": "#" + data[0], "accent6": "#" + data[5],
        "hlink": theme.colour("accent"), "folHlink": theme.colour("muted"),
    }
    for child in scheme:
        tag = child.tag.replace(A, "")
        for c in list(child):
            child.remove(c)
        child.append(parse_xml(f'<a:srgbClr {NS} val="{values[tag].lstrip("#").upper()}"/>'))
    font = theme.get("fonts.deck_name")
    for latin in el.iter(f"{A}latin"):
        latin.set("typeface", font)
    el.find(f".//{A}fontScheme").set("name", "briefdeck")
    theme_part._blob = __import__("lxml.etree", fromlist=["tostring"]).tostring(el, xml_declaration=True, encoding="UTF-8", standalone=True)


def build(out: Path) -> Path:
    theme = load_theme("default")
    b = Builder(theme)
    prs = Presentation()
    prs.slide_width, prs.slide_height = emu(b.W), emu(b.H)
    master = prs.slide_masters[0]
    # theme colours and fonts
    theme_part = master.part.part_related_by(RT.THEME)
    set_theme_colours(theme_part, b, theme)
    # master: shapes and text styles
    m = master._element
    sptree = m.cSld.spTree
    for sp in list(sptree)[2:]:
        sptree.remove(sp)
    for sp in parse_xml(f'<p:spTree {NS}>{b.master_shapes()}</p:spTree>'):
        sptree.append(sp)
    old = m.find("{http://schemas.openxmlformats.org/presentationml/2006/main}txStyles")
    m.replace(old, parse_xml(b.tx_styles().replace("<p:txStyles>", f"<p:txStyles {NS}>", 1)))
    # layouts: rewrite the first N, drop the rest
    layouts = list(master.slide_layouts)
    specs = b.layouts()
    for layout, (_role, name, ltype, bg, shapes) in zip(layouts, specs):
        layout.part._element = parse_xml(b.layout_xml(name, ltype, bg, shapes))
    for layout in layouts[len(specs):]:
        master.slide_layouts.remove(layout)
    buf = io.BytesIO()
    prs.save(buf)
    _write_stable(buf.getvalue(), out)
    return out


def _write_stable(data: bytes, out: Path) -> None:
    """Re-zip with fixed entry times and without python-pptx's thumbnail of its own blank slide."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == "docProps/thumbnail.jpeg":
                continue
            blob = zin.read(info.filename)
            if info.filename == "_rels/.rels":
                import re
                blob = re.sub(rb'<Relationship [^>]*thumbnail[^>]*/>', b"", blob)
            zi = zipfile.ZipInfo(info.filename, date_time=(2018, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, blob)


if __name__ == "__main__":
    path = build(HERE / "default.pptx")
    print(f"{path} {path.stat().st_size} bytes")
