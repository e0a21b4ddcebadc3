"""Stage: the data a source declares -- CSV datasets, the queries over them, and facts.

Numbers in a brief come from named files: every cell keeps its file, line and column, and a
query naming a column the data lacks is reported at the query. Facts are single values,
formatted in the document's language for the prose that cites them as ``{fact:ID}``.
"""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, Optional

from .. import model as m
from ..data import DataProblem, Dataset, Query, QueryProblem, combine, read_csv, run_query
from ..errors import Problem
from ..locale import Locale
from .files import Files
from .report import Report, Where

if TYPE_CHECKING:  # the schema's models, or quickcheck's objects of the same names and fields
    from .. import schema as s


def read_datasets(src: s.SourceFile, files: Files, report: Report) -> dict[str, Dataset]:
    """Every declared dataset that could be read (the others are reported where they are declared)."""
    out: dict[str, Dataset] = {}
    for name, ds in src.datasets.items():
        where = ("datasets", name, "file")
        p = files.find(ds.file, where)
        if p is None:
            continue
        try:
            out[name] = read_csv(p, files.shown(p), dict(ds.types), delimiter=ds.delimiter, decimal=ds.decimal)
        except DataProblem as exc:
            report.extend([Problem(e.file, e.line, e.col, e.message, e.code) for e in exc.problems])
            report.problem(where, f"dataset '{name}' cannot be used: {exc.file} has an error (reported with it) — fix the data file", "data.unusable")
    return out


def query(q: s.QuerySrc, where: Where, needed: list[tuple[str, tuple]], *, src: s.SourceFile,
          datasets: dict[str, Dataset], report: Report, table: Optional[m.DataTable] = None) -> Optional[m.DataTable]:
    """Run a fact's or figure's query, checking every column it names; None when it cannot run."""
    if table is None:
        if q.dataset is None:
            report.problem(where, "no data — name a `dataset` (declared under datasets:) or give inline `data`", "ref.dataset")
            return None
        if q.dataset not in src.datasets:
            report.problem(where + ("dataset",), f"unknown dataset '{q.dataset}' — {Report.suggest(q.dataset, src.datasets, 'datasets')}", "ref.dataset")
            return None
        ds = datasets.get(q.dataset)
        if ds is None:
            return None  # its file problem is already reported
        table = ds.table()
    ok = True
    for col, at in [(c, ("where", c)) for c in q.where] + [(q.group_by, ("group_by",)), (q.sort_by, ("sort_by",))] + needed:
        if col is None or col in table.columns or (col == "count" and at == ("value",)):  # a fact's `value: count` counts rows
            continue
        ok = False
        report.problem(where + at, f"column '{col}' is not in the data — {Report.suggest(col, table.columns)}", "ref.column",
                       key=bool(at and at[0] == "where"))
    if not ok:
        return None
    conds = {c: (v.model_dump(by_alias=True) if hasattr(v, "model_dump") else v) for c, v in q.where.items()}  # a {from, to} range
    keep = [c for c in dict.fromkeys(c for c, _ in needed) if c in table.columns] or None
    if q.group_by and keep and q.group_by not in keep:
        keep = [q.group_by] + keep
    if q.group_by and q.sort_by:  # grouping keeps only the group column and the value columns
        grouped = [q.group_by] + [c for c in (keep or table.columns) if c != q.group_by]
        if q.sort_by not in grouped:
            report.problem(where + ("sort_by",), f"cannot sort by '{q.sort_by}' after grouping by '{q.group_by}' — sort by one of: {', '.join(grouped)}", "query.sort")
            return None
    try:
        return run_query(table, Query(conds, q.group_by, q.aggregate, q.sort_by, q.descending, q.limit), keep,
                         warn=lambda message, field: report.warning(where + (field,), message, "query.limit_tie"))
    except QueryProblem as exc:
        report.problem(where + exc.path, str(exc), "query.values")
        return None


def resolve_facts(src: s.SourceFile, datasets: dict[str, Dataset], locale: Locale, report: Report) -> dict[str, str]:
    """Fact id -> its value as the prose prints it."""
    facts: dict[str, str] = {}
    for name, f in src.facts.items():
        where = ("facts", name)
        if f.text is not None or (f.value is None and f.dataset is None):
            text = literal_fact(f, where, report)
            if text is not None:
                facts[name] = locale.typeset(text)
            continue
        if f.value is None:
            report.problem(where, "no `value` — name the column whose value is the fact (or `count`)", "fact.value")
            continue
        table = query(f, where, [(f.value, ("value",))], src=src, datasets=datasets, report=report)
        if table is None:
            continue
        if f.value == "count":
            value: Any = len(table.rows)
        else:
            col = table.column(f.value)
            if f.aggregate in ("first", "last") or len(col) == 1:
                present = [v for v in col if v is not None]
                value = (present[0] if f.aggregate == "first" else present[-1]) if present else None
            else:
                try:
                    value = combine(list(col), f.aggregate)
                except QueryProblem as exc:
                    report.problem(where + exc.path, str(exc), "query.values")
                    continue
        if value is None:
            report.problem(where, f"fact '{name}' selects no value — check its `where` conditions (no row matches)", "fact.empty")
            continue
        text = format_value(value, f.format, where, locale, report)
        if text is not None:
            facts[name] = text
    return facts


def literal_fact(f: s.FactSrc, where: Where, report: Report) -> Optional[str]:
    """A fact given as written ('200 million'), when no dataset holds it: it says where it comes from."""
    if f.text is None:
        report.problem(where, "no value — give `text` (the value as the speaker gave it, with its `source`) or a "
                              "`dataset` and the column in `value`", "fact.value")
        return None
    if f.dataset is not None or f.value is not None or f.where:
        report.problem(where + ("text",), "a fact is either `text` (a value as given) or a query of a `dataset` — "
                                          "remove `text` or the query", "fact.value")
        return None
    if f.source is None:
        report.problem(where + ("text",), f"the value '{f.text}' has no `source` — say where it comes from "
                                          "(source: the speaker, or the report that gives it)", "fact.source")
        return None
    return f.text


def format_value(value: Any, fmt: str, where: Where, locale: Locale, report: Report) -> Optional[str]:
    if fmt == "date":
        if not isinstance(value, _dt.date):
            report.problem(where, f"format 'date' but the value {value!r} is not a date — use format: number or text", "fact.format")
            return None
        return locale.date(value)
    if fmt in ("number", "percent"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            report.problem(where, f"format '{fmt}' but the value {value!r} is not a number — use format: text", "fact.format")
            return None
        return locale.percent(value) if fmt == "percent" else locale.number(value)
    return value.isoformat() if isinstance(value, _dt.date) else str(value)
