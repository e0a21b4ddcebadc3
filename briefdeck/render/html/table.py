"""A chart's data as a real table: what a screen reader, a copy into a spreadsheet, or a reader
who cannot make out the drawing needs.

The columns are the chart's: its category (or time) column first, then its series, headed as
the chart labels them. Numbers are in the document's language with as many decimals as the
column's most precise value needs; dates in the style the data is dated in (years, months,
quarters or days: the one the alt text uses), as the locale writes them.
"""
from __future__ import annotations

import datetime as _dt
import math
from typing import Any

from ...charts import format as fmt
from ...charts.alt_text import date_style
from .inline import esc


def _decimals(values) -> int:
    out = 0
    for v in values:
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            text = f"{round(v, 3):.3f}".rstrip("0")
            out = max(out, len(text.split(".")[1]) if "." in text else 0)
    return out


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def columns(spec) -> list[str]:
    """The chart's own columns, category first; every column when it names none."""
    own = list(dict.fromkeys(([spec.x] if spec.x else []) + list(spec.series)))
    return [c for c in own if c in spec.table.columns] or list(spec.table.columns)


def header(spec, column: str) -> str:
    if column == spec.x and spec.x_label:
        return spec.x_label
    return spec.label(column)


def cells(spec, column: str) -> tuple[list[str], bool]:
    """A column's cells as the locale writes them, and whether it is a column of numbers."""
    values = spec.table.column(column)
    present = [v for v in values if v is not None and v != ""]
    language = spec.language
    if present and all(isinstance(v, _dt.date) for v in present):
        style = date_style(present)
        return [fmt.date_in(spec, v, language, style) if isinstance(v, _dt.date) else "" for v in values], False
    if present and all(fmt.is_year(v) for v in present):
        return [str(v) if v is not None else "" for v in values], False
    if present and all(_is_number(v) for v in present):
        d = _decimals(present)
        return [fmt.number(v, language, d) if _is_number(v) else "" for v in values], True
    return ["" if v is None else str(v) for v in values], False


def data_table(spec, caption: str, *, region_label: str) -> str:
    """The table in a wrapper that scrolls sideways on its own (never the page) and can be
    reached from the keyboard to do so."""
    cols = columns(spec)
    body = [cells(spec, c) for c in cols]
    numeric = [is_num for _, is_num in body]
    out = [f'<div class="table-wrap" role="region" tabindex="0" aria-label="{esc(region_label)}">',
           f"<table><caption>{esc(caption)}</caption><thead><tr>"]
    num = ' class="num"'
    out += [f'<th scope="col"{num if numeric[i] else ""}>{esc(header(spec, c))}</th>' for i, c in enumerate(cols)]
    out.append("</tr></thead><tbody>")
    for r in range(len(spec.table.rows)):
        row = []
        for i, (values, is_num) in enumerate(body):
            cls = num if is_num else ""
            if i == 0 and len(cols) > 1:
                row.append(f'<th scope="row"{cls}>{esc(values[r])}</th>')
            else:
                row.append(f"<td{cls}>{esc(values[r])}</td>")
        out.append("<tr>" + "".join(row) + "</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def source_table(view, tp) -> str:
    """A table of the source (``TablePart``): its caption in ``<caption>``, the headings as column
    headers, each row's first cell its row header, the computed total in ``<tfoot>``, numbers set
    right; then its source line and note, as under a figure."""
    num = ' class="num"'

    def row(cells) -> str:
        out = []
        for i, c in enumerate(cells):
            cls = num if tp.aligns[i] == "right" else ""
            out.append(f'<th scope="row"{cls}>{esc(c)}</th>' if i == 0 and len(cells) > 1 else f"<td{cls}>{esc(c)}</td>")
        return "<tr>" + "".join(out) + "</tr>"

    from .inline import text_html

    cap = f"{tp.anchor}-c"
    label = f'<span class="label">{esc(tp.label + view.figure_separator)}</span>'
    heads = "".join(f'<th scope="col"{num if a == "right" else ""}>{esc(h)}</th>' for h, a in zip(tp.headings, tp.aligns))
    out = [f'<div id="{esc(tp.anchor)}" class="source-table">',
           f'<div class="table-wrap" role="region" tabindex="0" aria-labelledby="{esc(cap)}">',
           f'<table><caption id="{esc(cap)}">{label}{text_html(tp.caption)}</caption>',
           f"<thead><tr>{heads}</tr></thead><tbody>", *(row(r) for r in tp.rows), "</tbody>"]
    if tp.total:
        out.append(f'<tfoot>{row(tp.total)}</tfoot>')
    out += ["</table></div>", f'<p class="source">{text_html(tp.source_line)}</p>']
    if tp.note:
        out.append(f'<p class="note"><strong>{esc(view.term("html", "note"))}</strong> {text_html(tp.note)}</p>')
    out.append("</div>")
    return "".join(out)
