"""Stage: tables -- numbered in reading order, their rows queried as figures' are, every cell
written in the document's language, and their total row computed here (never typed).

A table comes from a dataset (its ``where``, ``group_by``, ``sort_by`` and ``limit`` run through the
same query as a figure's) or from inline ``rows``. Each mistake is reported at its own place: a
column the data lacks, a row with too few or too many cells, a total over a column of text.
"""
from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any, Optional

from .. import model as m
from ..data import Dataset
from ..locale import Locale
from .datasets import query
from .placing import number_placed
from .report import Report, Where

if TYPE_CHECKING:  # the schema's models, or quickcheck's objects of the same names and fields
    from .. import schema as s

MAX_TABLES = 200
MAX_TABLE_ROWS = 1000  # a brief's table, not a data dump: more belongs in the data file it cites
MAX_TABLE_COLUMNS = 10  # past this no page column or slide sets the cells at a readable size
_NUMBER_FORMATS = ("number", "percent")


def number_tables(src: s.SourceFile, report: Report) -> dict[str, int]:
    """Table id -> its number, in the order sections list them; each table placed once."""
    return number_placed(src, report, "table", empty_hint="declare it under `tables:` (id, caption, columns)")


class TableResolver:
    """Turns each declared table into a model Table (or reports why it cannot be set)."""

    def __init__(self, src: s.SourceFile, *, datasets: dict[str, Dataset], locale: Locale, numbers: dict[str, int],
                 text, report: Report):
        self.src, self.datasets, self.locale, self.numbers = src, datasets, locale, numbers
        self.text, self.report = text, report

    def all(self) -> dict[str, m.Table]:
        if len(self.src.tables) > MAX_TABLES:
            self.report.problem(("tables",), f"{len(self.src.tables)} tables — more than {MAX_TABLES}; split the source", "limit.tables")
        out = {}
        for i, t in enumerate(self.src.tables):
            table = self.table(i, t)
            if table is not None:
                out[t.id] = table
        return out

    def table(self, i: int, t: s.TableSrc) -> Optional[m.Table]:
        where: Where = ("tables", i)
        report = self.report
        if any(m[:len(where)] == where for m in report.muted):
            return None  # a value of it was refused and stood in for: what would follow is about the stand-in
        if len(t.columns) > MAX_TABLE_COLUMNS:
            report.problem(where + ("columns",), f"the table has {len(t.columns)} columns — more than {MAX_TABLE_COLUMNS} "
                           f"fit a page or a slide; split it into two tables", "table.size")
            return None
        inline = self.inline(t, where)
        if t.rows is not None and inline is None:
            return None
        needed = [(c, ("columns", c)) for c in t.columns]
        data = query(t, where, needed, src=self.src, datasets=self.datasets, report=report, table=inline)
        if data is None:
            return None
        if not data.rows:
            report.problem(where, "the table's query selects no rows — check `where`", "table.empty")
            return None
        if len(data.rows) > MAX_TABLE_ROWS:
            report.problem(where, f"the table has {len(data.rows):,} rows — more than {MAX_TABLE_ROWS}; filter or group "
                                  f"the data (where, group_by, limit), or cite the data file instead", "table.size")
            return None
        names = list(t.columns)
        values = {c: data.column(c) for c in names}
        formats = {c: self.format_of(t, c, values[c], where) for c in names}
        if any(f is None for f in formats.values()):
            return None
        columns = tuple(m.TableColumn(c, self.heading(t, c, where), "right" if formats[c] in _NUMBER_FORMATS else "left",
                                      formats[c] in _NUMBER_FORMATS) for c in names)
        rows = tuple(tuple(self.cell(v, formats[c], t.columns[c]) for c, v in zip(names, row))
                     for row in zip(*(values[c] for c in names)))
        total = self.total(t, names, values, formats, where)
        if total is False:
            return None
        ds = self.src.datasets.get(t.dataset) if t.dataset else None
        source = t.source or (ds.source if ds else "")
        as_of = t.as_of or (ds.as_of if ds else None)
        url = self.text.url(t.url, *where, "url") if t.url else (self.text.url(ds.url, "datasets", t.dataset, "url") if ds and ds.url else None)
        prov = m.Provenance(self.locale.typeset(source), as_of, self.locale.date(as_of) if as_of else "", url, t.licence or (ds.licence if ds else None))
        return m.Table(id=t.id, number=self.numbers.get(t.id, 0), columns=columns, rows=rows, total=total,
                       caption=self.text(t.caption, *where, "caption"), provenance=prov,
                       note=self.text(t.note, *where, "note") if t.note else None, loc=report.loc(*where),
                       title=self.locale.typeset(t.title or ""))

    # -- inline rows ----------------------------------------------------------------------------
    def inline(self, t: s.TableSrc, where: Where) -> Optional[m.DataTable]:
        if t.rows is None:
            return None
        if t.dataset is not None:
            self.report.problem(where + ("rows",), "give either inline `rows` or a `dataset`, not both — remove one of them", "table.data")
            return None
        n, ok = len(t.columns), True
        for j, row in enumerate(t.rows):
            if len(row) != n:
                self.report.problem(where + ("rows", j), f"row {j + 1} has {len(row)} cells but the table has {n} columns "
                                    f"({', '.join(t.columns)}) — give every row one cell per column (null for an empty one)",
                                    "table.ragged")
                ok = False
        if not t.source:
            self.report.problem(where, "inline rows need a `source` — say where the numbers come from", "table.source")
        return m.DataTable(tuple(t.columns), tuple(tuple(r) for r in t.rows)) if ok else None

    # -- columns and cells ----------------------------------------------------------------------
    def heading(self, t: s.TableSrc, c: str, where: Where) -> str:
        spec = t.columns[c]
        given = spec if isinstance(spec, str) else spec.heading
        return self.locale.typeset(given) if given else c.replace("_", " ").capitalize()

    def format_of(self, t: s.TableSrc, c: str, values: tuple, where: Where) -> Optional[str]:
        """The column's format as written, else found from its values; checked against them."""
        spec = t.columns[c]
        given = None if isinstance(spec, str) else spec.format
        present = [v for v in values if v is not None]
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present)
        dates = all(isinstance(v, _dt.date) for v in present)
        if given is None:
            if present and numbers:
                whole = all(float(v).is_integer() and 1000 <= v <= 2999 for v in present)
                return "year" if whole and "year" in c.lower() else "number"
            return "date" if present and dates else "text"
        at = where + ("columns", c, "format")
        if given in ("number", "percent", "year") and not numbers:
            bad = next(v for v in present if isinstance(v, bool) or not isinstance(v, (int, float)))
            self.report.problem(at, f"format '{given}' but column '{c}' holds {bad!r}, not a number — use format: text, "
                                f"or choose a column of numbers", "table.format")
            return None
        if given in ("date", "month") and not dates:
            bad = next(v for v in present if not isinstance(v, _dt.date))
            self.report.problem(at, f"format '{given}' but column '{c}' holds {bad!r}, not a date — write dates as "
                                f"YYYY-MM-DD (or type the column as a date), or use format: text", "table.format")
            return None
        return given

    def cell(self, v: Any, fmt: str, spec: Any) -> str:
        if v is None:
            return self.locale.text("shared.table_missing")
        decimals = None if isinstance(spec, str) else spec.decimals
        unit = None if isinstance(spec, str) else spec.unit
        if fmt == "number":
            text = self.locale.number(v, decimals)
        elif fmt == "percent":
            text = self.locale.percent(v, decimals)
        elif fmt == "year":
            text = str(int(v))
        elif fmt in ("date", "month"):  # a date never breaks inside a cell
            text = self.locale.date(v, "day" if fmt == "date" else "month").replace(" ", "\u00a0")
        else:
            text = self.locale.typeset(v.isoformat() if isinstance(v, _dt.date) else str(v))
        return f"{text}\u00a0{self.locale.typeset(unit)}" if unit and fmt in _NUMBER_FORMATS else text

    def total(self, t: s.TableSrc, names: list[str], values: dict, formats: dict, where: Where):
        """The sums row (a tuple of cells), None when the table has none, False when it cannot be made."""
        if t.total is None or t.total is False:
            return None
        spec = None if isinstance(t.total, (bool, str)) else t.total  # {label, columns}
        label = (spec.label if spec and spec.label else t.total if isinstance(t.total, str) else None) \
            or self.locale.text("shared.table_total")
        at = where + ("total",)
        if spec is not None and spec.columns is not None:
            summed, ok = [], True
            for j, c in enumerate(spec.columns):
                if c not in names:
                    self.report.problem(at + ("columns", j), f"column '{c}' is not among the table's columns — "
                                        f"{Report.suggest(c, names)}", "ref.column")
                    ok = False
                elif formats[c] not in _NUMBER_FORMATS:
                    bad = next((v for v in values[c] if v is not None), None)
                    self.report.problem(at + ("columns", j), f"column '{c}' holds {formats[c]} ({bad!r}), which cannot be "
                                        f"added up — total only columns of numbers", "table.total")
                    ok = False
                else:
                    summed.append(c)
            if not ok:
                return False
        else:
            summed = [c for c in names[1:] if formats[c] == "number"]
        if names[0] in summed:
            self.report.problem(at, f"the total row's label stands in the first column, '{names[0]}', which would be summed — "
                                f"put a column of names or years first", "table.total")
            return False
        if not summed:
            self.report.problem(at, "the table has no column of numbers to total — remove `total`, or show a column of "
                                "numbers", "table.total")
            return False
        cells = [self.locale.typeset(label)] + [""] * (len(names) - 1)
        for c in summed:
            i = names.index(c)
            total = sum(v for v in values[c] if v is not None)
            cells[i] = self.cell(round(total, 10) if isinstance(total, float) else total, formats[c], t.columns[c])
        return tuple(cells)
