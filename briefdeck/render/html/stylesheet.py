"""The page's style sheet, from the theme (``html.yaml``, colours and fonts from ``base.yaml``).

One column that reads at any width: text in rem, so the reader's default size and zoom carry
through, a measure of about 70 characters, and nothing wider than the screen (charts scale,
tables scroll inside their own box, long addresses break). A print style sheet for the
source's paper. No web font: each stack names the theme's family first (as its font file names
it), then faces readers' systems have.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ...dataclass_code import dataclass
from ...theme import Theme
from .metrics import family_name

_PAPER = {"a4": "A4", "letter": "letter"}


def _stack(names) -> str:
    return ", ".join(n if n in ("serif", "sans-serif", "monospace", "system-ui") else f'"{n}"' for n in names)


@dataclass(frozen=True)
class Fonts:
    text: str  # CSS stacks
    headings: str
    by_family: dict  # a font's family name (as an SVG names it) -> the stack it is set in here


def fonts(theme: Theme, cache_dir: Optional[Path] = None) -> Fonts:
    stacks = {}
    by_family = {}
    for role in ("text", "headings"):
        node = theme.get(f"html.fonts.{role}")
        name = family_name(theme.font_file(node["family"]), cache_dir)
        stacks[role] = _stack([name, *node["fallback"]])
        by_family.setdefault(name, stacks[role])
    return Fonts(stacks["text"], stacks["headings"], by_family)


def colours(theme: Theme) -> dict[str, str]:
    return {k: theme.colour(v).upper() for k, v in theme.get("html.colours").items()}


def stylesheet(theme: Theme, paper: str, cache_dir: Optional[Path] = None, pictures: bool = False) -> str:
    c = colours(theme)
    f = fonts(theme, cache_dir)
    t = theme.get("html.type")
    sp = theme.get("html.spacing")
    page = theme.get("html.page")
    pr = theme.get("html.print")
    lg = theme.get("html.logo")
    pictures_css = f"""\
.logo{{display:block;height:auto;width:auto;max-height:{lg['height_rem']}rem;max-width:{lg['max_width_rem']}rem}}
.brand{{float:right;margin:0 0 .5rem 1rem}}
.masthead .logo{{padding:{lg['plate_padding_rem']}rem;background:{c['logo_plate']};border-radius:.3rem}}
.photo{{display:block;height:auto;width:auto;max-height:{lg['photo_height_rem']}rem;max-width:{lg['photo_height_rem']}rem;margin:0 0 .5rem}}
.logos{{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-end}}
.photograph{{display:block;max-width:100%;height:auto}}
""" if pictures else ""  # only in pages that show a picture: the others' bytes stay as they were
    m = pr["margin_mm"]
    rule = sp["rule_px"]
    lab = t["label"]
    size = _PAPER.get(paper.lower(), "auto")
    return f"""
:root{{color-scheme:light}}
*,*::before,*::after{{box-sizing:border-box}}
html{{-webkit-text-size-adjust:100%;text-size-adjust:100%}}
body{{margin:0;background:{c['background']};color:{c['text']};font-family:{f.text};font-size:{t['body']['size']}rem;line-height:{t['body']['line_height']};overflow-wrap:break-word}}
.wrap{{max-width:{page['measure_rem'] + 2 * page['padding_rem']}rem;margin:0 auto;padding:0 {page['padding_rem']}rem}}
h1,h2,h3,.series,.event,.people,.editions,.part,.byline,figcaption,.source,.note,details,nav,.skip,.key-messages,.key-figures,.lead-in,.person,.colophon,table{{font-family:{f.headings}}}
h1{{font-size:{t['h1']['size']}rem;line-height:{t['h1']['line_height']};margin:.35rem 0 .5rem}}
h2{{font-size:{t['h2']['size']}rem;line-height:{t['h2']['line_height']};margin:{sp['section']}rem 0 .75rem;color:{c['accent']}}}
h3{{font-size:{t['h3']['size']}rem;line-height:{t['h3']['line_height']};margin:0}}
p{{margin:0 0 {sp['paragraph']}rem}}
a{{color:{c['link']};text-decoration:underline;text-underline-offset:.15em}}
a:hover{{text-decoration-thickness:2px}}
a:focus-visible,summary:focus-visible,[tabindex]:focus-visible{{outline:3px solid {c['focus']};outline-offset:2px}}
.url{{overflow-wrap:anywhere}}
.skip{{position:absolute;left:.5rem;top:-20rem;z-index:2;background:{c['background']};color:{c['link']};padding:.5rem 1rem;border:2px solid {c['focus']}}}
.skip:focus{{top:.5rem}}
.masthead{{background:{c['masthead']};color:{c['masthead_text']};padding:1.75rem 0 1.5rem}}
.masthead a{{color:{c['masthead_text']}}}
.masthead a:focus-visible{{outline-color:{c['masthead_text']}}}
.series,.part,.role{{font-size:{lab['size']}rem;letter-spacing:{lab['letter_spacing_em']}em;text-transform:uppercase;font-weight:700}}
.series{{color:{c['series']};margin:0}}
.subtitle{{font-family:{f.headings};font-size:{t['subtitle']['size']}rem;line-height:{t['subtitle']['line_height']};margin:0 0 .75rem}}
.event,.people,.editions{{font-size:{t['caption']['size']}rem;line-height:{t['caption']['line_height']};margin:0 0 .25rem;color:{c['masthead_muted']}}}
.people strong{{color:{c['masthead_text']}}}
.editions{{margin-top:.75rem}}
.editions a{{font-weight:700;white-space:nowrap}}
nav{{margin-top:1.5rem;font-size:{t['small']['size']}rem;line-height:{t['small']['line_height']}}}
nav h2{{font-size:{t['caption']['size']}rem;margin:0 0 .25rem;color:{c['text']}}}
nav ol{{margin:0 0 1.5rem;padding-left:1.5rem}}
nav li{{padding:.2rem 0}}
main{{display:block}}
main:focus{{outline:none}}
.preface{{font-style:italic}}
.lead{{font-size:{t['lead']['size']}rem;line-height:{t['lead']['line_height']}}}
.key-messages{{background:{c['box']};border-top:{rule}px solid {c['accent']};padding:{sp['box_padding'] * .8}rem {sp['box_padding']}rem;margin:1.5rem 0}}
.key-messages h2{{margin-top:0;font-size:{t['h3']['size']}rem}}
.key-messages ol{{margin:0;padding-left:1.4rem}}
.key-messages li{{margin:0 0 .5rem;line-height:{t['caption']['line_height'] + .1}}}
.key-figures{{border-top:{rule}px solid {c['accent']};margin:1.5rem 0;padding-top:.5rem}}
.key-figures h2{{margin-top:0;font-size:{t['h3']['size']}rem}}
.key-figures dl{{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:1rem;margin:0}}
.key-figures dt{{font-size:{t['key_figure']['size']}rem;line-height:{t['key_figure']['line_height']};font-weight:bold;color:{c['accent']}}}
.key-figures dd{{margin:.2rem 0 0}}
.key-figures .source{{color:{c['muted']};font-size:{t['small']['size']}rem}}
.part{{color:{c['muted']};margin:{sp['section']}rem 0 0}}
.part+h2{{margin-top:.2rem}}
.byline{{color:{c['muted']};font-size:{t['small']['size']}rem}}
.pull-quote{{margin:1.5rem 0;padding:.25rem 0 .25rem 1.25rem;border-left:{rule}px solid {c['accent']}}}
.pull-quote blockquote{{margin:0 0 .4rem;font-size:{t['quote']['size']}rem;line-height:{t['quote']['line_height']}}}
.pull-quote blockquote p{{margin:0}}
.pull-quote figcaption{{font-family:{f.headings};color:{c['muted']};font-size:{t['small']['size']}rem}}
figure{{margin:0}}
.chart{{margin:{sp['figure']}rem 0;padding-top:.75rem;border-top:1px solid {c['rule']}}}
.chart figcaption{{font-weight:700;font-size:{t['caption']['size']}rem;line-height:{t['caption']['line_height']};margin-bottom:.5rem}}
.label{{color:{c['accent']}}}
.chart-img svg{{display:block;width:100%;height:auto}}
.source,.note{{font-size:{t['small']['size']}rem;line-height:{t['small']['line_height']};color:{c['muted']};margin:.5rem 0 0}}
details{{margin-top:.5rem;font-size:{t['small']['size']}rem}}
summary{{cursor:pointer;color:{c['link']};text-decoration:underline;text-underline-offset:.15em}}
.table-wrap{{overflow-x:auto;max-width:100%;margin-top:.5rem}}
table{{border-collapse:collapse;font-size:{t['small']['size']}rem;line-height:1.35;font-variant-numeric:tabular-nums}}
caption{{text-align:left;font-weight:700;padding:0 0 .35rem}}
th,td{{padding:.3rem .75rem .3rem 0;border-bottom:1px solid {c['rule']};text-align:left;vertical-align:top}}
thead th{{border-bottom:2px solid {c['text']}}}
tbody th{{font-weight:400}}
.num{{text-align:right;padding-left:.75rem;white-space:nowrap}}
.source-table{{margin:{sp['figure']}rem 0;padding-top:.75rem;border-top:1px solid {c['rule']}}}
.source-table table{{width:100%}}
.source-table caption{{font-size:{t['caption']['size']}rem;line-height:{t['caption']['line_height']}}}
.source-table thead th{{vertical-align:bottom;white-space:normal}}
.source-table tfoot th,.source-table tfoot td{{font-weight:700;border-top:2px solid {c['text']};border-bottom:0}}
.recommendations{{list-style:none;margin:0;padding:0;counter-reset:rec}}
.recommendations li{{position:relative;counter-increment:rec;background:{c['box']};border-left:{rule}px solid {c['accent']};padding:.9rem 1rem .9rem 3.1rem;margin:0 0 .4rem}}
.recommendations li::before{{content:counter(rec);position:absolute;left:1rem;top:.75rem;font:700 1.5rem/1.1 {f.headings};color:{c['accent']}}}
.recommendations p{{margin:0}}
.lead-in{{font-weight:700;margin-bottom:.25rem}}
.references{{padding-left:1.6rem}}
.references li{{margin:0 0 .6rem}}
.references .url{{display:block;font-size:{t['small']['size']}rem}}
.person{{margin:0 0 1.25rem}}
.role{{color:{c['accent']};margin:0}}
.titles{{font-style:italic;margin:.1rem 0 0}}
.affiliation{{color:{c['muted']};margin:0}}
.person .bio{{font-family:{f.text};margin:.4rem 0 0}}
.colophon{{border-top:1px solid {c['rule']};margin-top:3rem;padding:1.25rem 0 3rem;font-size:{t['small']['size']}rem;line-height:{t['small']['line_height']}}}
.colophon p{{margin:0 0 .5rem}}
{pictures_css}@media (max-width:{page['narrow_below_em']}em){{
body{{font-size:{t['narrow_body']['size']}rem}}
h1{{font-size:{t['narrow_h1']['size']}rem}}
.wrap{{padding:0 1rem}}
}}
@media print{{
@page{{size:{size};margin:{m['top']}mm {m['right']}mm {m['bottom']}mm {m['left']}mm}}
html{{font-size:{round(pr['body_size_pt'] / t['body']['size'], 3)}pt}}
body{{line-height:{pr['line_height']}}}
.wrap{{max-width:none;padding:0}}
.skip,nav,details{{display:none}}
.masthead{{background:none;color:{c['text']};padding:0 0 1rem;border-bottom:2px solid {c['accent']}}}
.masthead a,.people strong{{color:{c['text']}}}
.series,.event,.people,.editions{{color:{c['muted']}}}
h2,h3,.part,figcaption{{break-after:avoid}}
.chart,.pull-quote,.recommendations li,.person{{break-inside:avoid}}
.chart-img svg{{max-width:{theme.get('html.figure.width_mm')}mm}}
p{{orphans:3;widows:3}}
main p a[href^="http"]::after{{content:" (" attr(href) ")";font-size:.85em;overflow-wrap:anywhere}}
.key-messages,.recommendations li{{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
}}
""".strip()
