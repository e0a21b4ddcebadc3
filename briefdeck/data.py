"""Data for charts and facts: CSV files read safely, typed, and queried.

Numbers in a brief must come from a named file, so every cell keeps its file, line and
column: a non-numeric value in a numeric column is reported where it stands. Queries are
declarative (where / group_by / aggregate / sort / limit) -- nothing in a source runs code.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import math
import os
import re
from pathlib import Path
from typing import Any, Callable, Optional, Union

from .dataclass_code import dataclass
from .hidden import HIDDEN, hidden_problem
from .safeio import NotRegular, TooLarge, per_version, read_regular
from .model import DataTable

MAX_CSV_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 500  # a chart draws a few; a wider file is an export to trim, or a hostile one
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EOL = re.compile("\r\n|\r|\n")


class DataProblem(Exception):
    """A problem located in a data file (line, col are 1-based; 0 = whole file)."""

    def __init__(self, file: str, line: int, col: int, message: str, code: str = "data"):
        super().__init__(message)
        self.file, self.line, self.col, self.message, self.code = file, line, col, message, code
        self.more: tuple["DataProblem", ...] = ()  # the file's other problems of the same pass

    @property
    def problems(self) -> tuple["DataProblem", ...]:
        return (self, *self.more)


MAX_CELL_PROBLEMS = 20  # a file with a wrong column reports this many, then how many more


class _Found:
    """A pass over the rows collects each problem in its cell (an author fixes them all in one
    go, not one per build), up to ``MAX_CELL_PROBLEMS``; ``check`` raises them together."""

    def __init__(self, display: str):
        self.display, self.items, self.extra = display, [], 0

    def add(self, line: int, col: int, message: str, code: str) -> None:
        if len(self.items) < MAX_CELL_PROBLEMS:
            self.items.append(DataProblem(self.display, line, col, message, code))
        else:
            self.extra += 1

    def check(self) -> None:
        if not self.items:
            return
        if self.extra:
            last = self.items[-1]
            last.message += f" (and {self.extra} more problem{'s' if self.extra > 1 else ''} like these in the file)"
        first, first.more = self.items[0], tuple(self.items[1:])
        raise first


class PathProblem(ValueError):
    pass


def resolve_in(root: Path, rel: str, allowed: tuple[Path, ...] = ()) -> Path:
    """A path from a source, resolved inside the project (or an allowed folder) only.

    Absolute paths, ``..`` and symlinks that lead out are refused: a source edited by
    someone else must not make the builder read arbitrary files.
    """
    if not isinstance(rel, str) or not rel.strip():
        raise PathProblem("the path is empty — give a path relative to the project folder")
    p = Path(rel)
    if p.is_absolute() or rel.startswith(("~", "\\")) or ":" in p.parts[0]:
        raise PathProblem(f"'{rel}' is an absolute path — give a path relative to the project folder")
    if ".." in p.parts:
        raise PathProblem(f"'{rel}' goes up with '..' — paths must stay inside the project folder")
    full = (root / p).resolve()
    for base in (root.resolve(),) + tuple(a.resolve() for a in allowed):
        if full == base or base in full.parents:
            return full
    raise PathProblem(f"'{rel}' leads outside the project folder (through a symbolic link?) — copy the file into the project")


def _is_nan_word(s: str) -> bool:
    return s.strip().lower() in {"nan", "inf", "-inf", "+inf", "infinity", "-infinity"}


# What spreadsheets and statistics portals write for "no value": each is reported with the advice to
# leave the cell empty (an empty cell is a gap in a chart and is skipped by a fact's aggregate).
_MISSING_WORDS = {"n/a", "na", "n.a.", "n.d.", "nd", "n/d", "s.o.", "-", "–", "—", "..", "...", "…", "?",
                  "null", "none", "missing", "x", "."}
DELIMITERS = {",": ",", ";": ";", "tab": "\t", "|": "|"}  # as a source declares them -> the character
_SNIFFED = (",", ";", "\t")  # what a file is tried with when its source declares none
_NAMES = {",": "a comma (,)", ";": "a semicolon (;)", "\t": "a tab", "|": "a vertical bar (|)"}
_GROUP_SPACES = re.compile("(?<=\\d)[ \u00a0\u202f\u2009](?=\\d{3}(?!\\d))")  # 27 000, 27\u202f000
_COMMA_THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?")
_DOT_THOUSANDS = re.compile(r"[-+]?\d{1,3}(\.\d{3})+(,\d+)?")
_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d+")


def _to_number(s: str, decimal: str = ".") -> float | int:
    """A cell as a number: ``decimal`` is the file's decimal mark; thousands may be grouped by
    spaces (plain, no-break, narrow) or by the other mark ('1,234.5', or '1.234,5' with a decimal comma)."""
    t = _GROUP_SPACES.sub("", s.strip())
    if decimal == ",":
        if _DOT_THOUSANDS.fullmatch(t):
            t = t.replace(".", "")
        elif "." in t:
            raise ValueError("a point in a file with a decimal comma")
        t = t.replace(",", ".")
    elif _COMMA_THOUSANDS.fullmatch(t):
        t = t.replace(",", "")
    if _is_nan_word(t):
        raise ValueError("not finite")
    v = float(t)
    if not math.isfinite(v):
        raise ValueError("not finite")
    return int(v) if v.is_integer() and "." not in t and "e" not in t.lower() else v


def _to_date(s: str) -> _dt.date:
    return _dt.date.fromisoformat(s.strip())


def _to_month(s: str) -> _dt.date:
    y, m = s.strip().split("-")
    return _dt.date(int(y), int(m), 1)


CONVERTERS: dict[str, Callable[[str], Any]] = {
    "number": _to_number,
    "date": _to_date,
    "month": _to_month,
    "text": lambda s: s,
}
_EXPECT = {"number": "a number", "date": "a date YYYY-MM-DD", "month": "a month YYYY-MM", "text": "text"}


def _converter(kind: str, decimal: str) -> Callable[[str], Any]:
    return (lambda s: _to_number(s, decimal)) if kind == "number" else CONVERTERS[kind]


def _parses(kind: str, v: str, decimal: str = ".") -> bool:
    try:
        _converter(kind, decimal)(v)
        return True
    except ValueError:
        return (_is_nan_word(v) or v.strip().lower() in _MISSING_WORDS) and kind == "number"


def _guess(values: list[str], decimal: str = ".") -> str:
    """Number or date when most cells read so: the odd cell out is then reported as a
    typo at its line, instead of silently turning the whole column into text."""
    filled = [v for v in values if v.strip()]
    if not filled:
        return "text"
    for kind in ("number", "date"):
        good = sum(_parses(kind, v, decimal) for v in filled)
        if good == len(filled) or (good >= 2 and good * 4 >= len(filled) * 3):
            return kind
    return "text"


def sniff_delimiter(text: str) -> str:
    """The separator that splits the first lines into the same number of cells (more than one),
    the most cells winning; failing that, the one that splits the header most; a comma when none does."""
    head = "\n".join(_EOL.split(text, 60)[:60])
    best, best_score = ",", (False, 1)
    for d in _SNIFFED:
        try:
            rows = [r for r in csv.reader(io.StringIO(head, newline=""), delimiter=d) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        body = rows[1:-1] if len(rows) > 2 else rows[1:]  # the last line may be cut short by the sample
        score = (width > 1 and all(len(r) == width for r in body), width)
        if score > best_score:
            best, best_score = d, score
    return best


def field_starts(record: str, delimiter: str) -> list[int]:
    """Character offsets at which each cell of one CSV record starts (quotes as Python's csv reads
    them), so a cell's problem is located at its column in characters, as source problems are."""
    starts, i, n, quoted, at_start = [0], 0, len(record), False, True
    while i < n:
        ch = record[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and record[i + 1] == '"':
                    i += 1
                else:
                    quoted = False
        elif ch == '"' and at_start:
            quoted = True
        elif ch == delimiter:
            starts.append(i + 1)
            at_start = True
            i += 1
            continue
        elif ch in "\r\n":
            break
        at_start = False
        i += 1
    return starts


@dataclass(frozen=True)
class Dataset:
    """A typed table read from a CSV file."""

    path: Path
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    types: dict

    def table(self) -> DataTable:
        return DataTable(self.columns, self.rows)


def _decode(raw: bytes, display: str) -> str:
    """A CSV's text: UTF-8 (with or without the BOM spreadsheets write), or UTF-16 with its BOM
    (Excel's "Unicode text")."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DataProblem(display, 0, 0, "not valid UTF-16 although it starts like it — save the file as UTF-8 CSV", "data.encoding") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataProblem(display, line, 0, "not valid UTF-8 — save the file as UTF-8 CSV", "data.encoding") from None


_READ: dict[str, tuple[tuple, Dataset]] = {}  # path -> (the version read and how, its dataset): --watch reads a file once per version


def read_csv(path: Path, display: str, types: dict[str, str], *, delimiter: Optional[str] = None,
             decimal: Optional[str] = None) -> Dataset:
    """``_read_csv``, once per version of the file and way of reading it (``safeio.per_version``): a
    process that builds again and again (--watch) sees every edit of a data file and reads no other
    again. (A dataset is never changed once made; one that has a problem is read, and said, anew.)"""
    return per_version(_READ, path, (display, tuple(sorted(types.items())), delimiter, decimal),
                       lambda: _read_csv(path, display, types, delimiter=delimiter, decimal=decimal))


def _read_csv(path: Path, display: str, types: dict[str, str], *, delimiter: Optional[str] = None,
              decimal: Optional[str] = None) -> Dataset:
    """Read a CSV with a header row; convert columns by declared or guessed type.

    ``delimiter`` is ',' ';' 'tab' or '|' as a source declares it, or None to find it from the first
    lines; ``decimal`` is the decimal mark ('.' or ','), or None for a point (a file separated by
    other than commas whose numbers hold a comma is then refused: the comma's meaning is asked for).
    """
    try:
        size = os.path.getsize(path)
    except OSError:
        raise DataProblem(display, 0, 0, "file not found — check the path (relative to the project folder)", "data.missing") from None
    if size > MAX_CSV_BYTES:
        raise DataProblem(display, 0, 0, f"file is {size // 1048576} MB, over the {MAX_CSV_BYTES // 1048576} MB limit — reduce it to the rows the charts need", "data.size")
    try:
        raw = read_regular(path, max_bytes=MAX_CSV_BYTES)
    except NotRegular as exc:
        raise DataProblem(display, 0, 0, f"this is {exc.kind}, not a regular file — name a CSV file", "data.kind") from None
    except TooLarge:
        raise DataProblem(display, 0, 0, f"file is over the {MAX_CSV_BYTES // 1048576} MB limit — reduce it to the rows the charts need", "data.size") from None
    except OSError as exc:
        raise DataProblem(display, 0, 0, f"cannot read the file ({exc.strerror or exc}) — check its permissions", "data.read") from None
    text = _decode(raw, display)
    if "\x00" in text:
        raise DataProblem(display, 0, 0, "this is not a text CSV file (it contains NUL bytes) — export it as CSV", "data.binary")
    bad = _CONTROL.search(text)
    if bad:  # cells become chart labels and alt text, which PDF and PPTX (XML) cannot hold
        breaks = list(_EOL.finditer(text, 0, bad.start()))
        line, col = len(breaks) + 1, bad.start() - (breaks[-1].end() if breaks else 0) + 1
        raise DataProblem(display, line, col, f"control character U+{ord(bad.group()):04X} in the data — remove it; documents cannot contain control characters", "data.control")
    bad = HIDDEN.search(text)
    if bad:  # refused as in a source's text (hidden.py)
        breaks = list(_EOL.finditer(text, 0, bad.start()))
        line, col = len(breaks) + 1, bad.start() - (breaks[-1].end() if breaks else 0) + 1
        message, kind = hidden_problem(bad.group(), "in the data")
        raise DataProblem(display, line, col, message, f"data.{kind}")
    sep = DELIMITERS[delimiter] if delimiter else sniff_delimiter(text)
    offsets = [0] + [mo.end() for mo in _EOL.finditer(text)]

    def cell_at(first_line: int, last_line: int, index: int) -> tuple[int, int]:
        """(line, column in characters) where cell ``index`` of the record on those lines starts."""
        begin = offsets[first_line - 1] if first_line - 1 < len(offsets) else len(text)
        end = offsets[last_line] if last_line < len(offsets) else len(text)
        record = text[begin:end]
        starts = field_starts(record, sep)
        at = starts[min(index, len(starts) - 1)]
        breaks = list(_EOL.finditer(record, 0, at))
        return first_line + len(breaks), at - (breaks[-1].end() if breaks else 0) + 1

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise DataProblem(display, 1, 1, "the file is empty — it needs a header row and data rows", "data.empty") from None
    if len(header) > MAX_COLUMNS:
        raise DataProblem(display, 1, 1, f"the header has {len(header):,} columns, more than the {MAX_COLUMNS} a data file may have — "
                          "keep the columns the charts and facts need", "data.columns")
    header = [h.strip() for h in header]
    glued = [d for d in _SNIFFED + ("|",) if d != sep and len(header) == 1 and d in header[0]]
    if glued:
        declared = f"`delimiter: '{delimiter}'`" if delimiter else f"{_NAMES[sep]} as separator"
        write = "tab" if glued[0] == "\t" else glued[0]
        raise DataProblem(display, 1, header[0].index(glued[0]) + 1,
                          f"the header reads as one column '{_clip(header[0])}', with {declared}: the file is separated by "
                          f"{_NAMES[glued[0]]} — write `delimiter: '{write}'` under the dataset in the source", "data.delimiter")
    if len(set(header)) != len(header) or not all(header):
        raise DataProblem(display, 1, 1, "header names must be unique and non-empty — rename the columns", "data.header")
    raw_rows: list[tuple[int, int, list[str]]] = []  # first line, last line, cells
    found = _Found(display)
    try:
        first = reader.line_num + 1
        for row in reader:
            here, first = first, reader.line_num + 1
            if not any(c.strip() for c in row):
                continue
            if len(raw_rows) >= MAX_ROWS:
                raise DataProblem(display, reader.line_num, 0, f"more than {MAX_ROWS} rows — reduce the file to the rows the charts need", "data.rows")
            if len(row) != len(header):
                line, col = cell_at(here, reader.line_num, len(header)) if len(row) > len(header) else (here, 1)
                found.add(line, col, f"row has {len(row)} cells but the header has {len(header)} — fix the row "
                          f"(the separator is {_NAMES[sep]}: quote cells that contain one)", "data.shape")
            raw_rows.append((here, reader.line_num, row))
    except csv.Error as exc:
        raise DataProblem(display, reader.line_num, 0, f"CSV syntax error: {exc} — fix the quoting", "data.syntax") from None
    found.check()
    if not raw_rows:
        raise DataProblem(display, 1, 1, "the file has a header but no data rows — add the data", "data.empty")
    unknown = set(types) - set(header)
    if unknown:
        raise DataProblem(display, 1, 1, f"types given for missing column(s) {', '.join(sorted(unknown))} — columns are: {', '.join(header)}", "data.column")
    if decimal is None and sep != ",":  # '1,5' in a semicolon file is 1.5 to its author and 15 to a point reader
        for here, last, row in raw_rows:
            for i, (h, cell) in enumerate(zip(header, row)):
                if types.get(h) in (None, "number") and (_DECIMAL_COMMA.fullmatch(cell.strip()) or _COMMA_THOUSANDS.fullmatch(cell.strip())):
                    line, col = cell_at(here, last, i)
                    found.add(line, col, f"'{cell.strip()}' in column '{h}' holds a comma: write `decimal: ','` under the "
                              f"dataset in the source if it is a decimal comma (or `decimal: '.'` if it groups thousands)", "data.decimal")
        found.check()
    mark = decimal or "."
    kinds = {h: types.get(h) or _guess([r[i] for _, _, r in raw_rows], mark) for i, h in enumerate(header)}
    convert = {h: _converter(k, mark) for h, k in kinds.items()}
    rows = []
    for here, last, row in raw_rows:
        out = []
        for i, (h, cell) in enumerate(zip(header, row)):
            if not cell.strip():
                out.append(None)
                continue
            try:
                out.append(convert[h](cell))
            except (ValueError, TypeError):
                line, col = cell_at(here, last, i)
                shown = cell.strip()
                if _is_nan_word(cell):
                    found.add(line, col, f"'{shown}' in column '{h}' is not a finite number — give the value, or leave the cell empty if it is missing", "data.nan")
                elif kinds[h] == "number" and shown.lower() in _MISSING_WORDS:
                    found.add(line, col, f"'{shown}' in column '{h}' marks a missing value — leave the cell empty "
                              f"(a chart leaves a gap there and a fact skips it)", "data.missing-value")
                elif kinds[h] == "number" and mark == "," and "." in shown:
                    found.add(line, col, f"'{shown}' in column '{h}' has a point, but the dataset declares `decimal: ','` — "
                              f"write the number with a decimal comma", "data.value")
                else:
                    hint = ("correct the cell (leave it empty if the value is missing), or declare the column's type if it is not a "
                            "column of numbers" if kinds[h] == "number" else "correct the cell or declare the column's type")
                    found.add(line, col, f"'{shown}' in column '{h}' is not {_EXPECT[kinds[h]]} — {hint}", "data.value")
                out.append(None)
        rows.append(tuple(out))
    found.check()
    return Dataset(path, tuple(header), tuple(rows), kinds)


def _clip(s: str, n: int = 60) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


# ---- queries -----------------------------------------------------------------------------

class QueryProblem(ValueError):
    """Values a query cannot combine, sort or compare; ``field`` is the query key to point at
    (a name, or a path such as ("where", "month", "from"))."""

    def __init__(self, message: str, field: Union[str, tuple]):
        super().__init__(message)
        self.field = field

    @property
    def path(self) -> tuple:
        return self.field if isinstance(self.field, tuple) else (self.field,)


_PARTIAL_DATE = re.compile(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*")


def _date_bound(bound: Any, end: bool) -> Optional[_dt.date]:
    """A range bound for a date or month column: a date, or a year ('2009'), month ('2009-11')
    or day written as text or a number; a partial date stands for its whole period, so
    ``to: 2009-11`` keeps every day of November 2009. None when it is no date."""
    if isinstance(bound, _dt.datetime):
        return bound.date()
    if isinstance(bound, _dt.date):
        return bound
    if isinstance(bound, bool) or not isinstance(bound, (str, int)):
        return None
    m = _PARTIAL_DATE.fullmatch(str(bound))
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if d is not None:
            return _dt.date(y, int(mo), int(d))
        if mo is not None:
            first = _dt.date(y, int(mo), 1)
            if not end:
                return first
            nxt = _dt.date(y + (first.month == 12), first.month % 12 + 1, 1)
            return nxt - _dt.timedelta(days=1)
        return _dt.date(y, 12, 31) if end else _dt.date(y, 1, 1)
    except ValueError:
        return None


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


_HOLDS = {"date": "dates", "number": "numbers", "text": "text"}


def _value_kind(v: Any) -> str:
    return "date" if isinstance(v, _dt.date) else "number" if _is_number(v) else "text"


def _range_bound(column: str, values: list[Any], key: str, bound: Any) -> Any:
    """``bound`` (a range's ``from`` or ``to``) in the type of the column's values, or a
    QueryProblem at that bound saying what the column holds and what to write."""
    kinds = {_value_kind(v) for v in values if v is not None}
    if bound is None or not kinds:
        return bound
    kind = kinds.pop() if len(kinds) == 1 else None
    if kind == "date":
        out = _date_bound(bound, end=key == "to")
        hint = "a date YYYY-MM-DD, a month YYYY-MM or a year YYYY"
    elif kind == "number":
        out = bound if _is_number(bound) else None
        if isinstance(bound, str):
            try:
                out = _to_number(bound)
            except ValueError:
                out = None
        hint = "a number"
    elif kind == "text":
        out = bound if isinstance(bound, str) else None
        hint = "text (in quotes)"
    else:  # a column of mixed values: each is compared as it comes
        return bound
    if out is None:
        shown = bound.isoformat() if isinstance(bound, _dt.date) else str(bound)
        raise QueryProblem(f"`{key}: {shown}` cannot be compared with column '{column}', which holds {_HOLDS[kind]} "
                           f"— write {hint}", ("where", column, key))
    return out


def _condition(column: str, values: list[Any], cond: Any) -> Any:
    """A ``where`` condition with its range bounds converted to the column's type."""
    if isinstance(cond, dict):
        return {k: _range_bound(column, values, k, cond.get(k)) for k in ("from", "to")}
    return cond


def _matches(value: Any, cond: Any) -> bool:
    if isinstance(cond, dict):  # a {from, to} range, bounds already in the column's type
        lo, hi = cond.get("from"), cond.get("to")
        if value is None:
            return False
        try:
            return (lo is None or value >= lo) and (hi is None or value <= hi)
        except TypeError:  # a mixed column: a value of another kind is not in the range
            return False
    if isinstance(cond, list):
        return any(_matches(value, c) for c in cond)
    if isinstance(value, _dt.date) and isinstance(cond, str):
        return value.isoformat().startswith(cond)  # "2018-03" matches a month column
    return value == cond


def combine(values: list[Any], how: str) -> Any:
    nums = [v for v in values if v is not None]
    if how == "count":
        return len(values)
    if how in ("first", "last"):
        return (nums[0] if how == "first" else nums[-1]) if nums else None
    if not nums:
        return None
    if how in ("sum", "mean") and not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in nums):
        bad = next(v for v in nums if not isinstance(v, (int, float)) or isinstance(v, bool))
        raise QueryProblem(f"cannot {'add up' if how == 'sum' else 'average'} the selected values: {str(bad)[:40]!r} is not a number — use aggregate: first, last or count, or choose a numeric column", "aggregate")
    if how in ("max", "min"):
        try:
            return max(nums) if how == "max" else min(nums)
        except TypeError:
            raise QueryProblem(f"cannot take the {how} of values that mix numbers, text and dates — make the column one kind, or use aggregate: first, last or count", "aggregate") from None
    if how == "sum":
        return sum(nums)
    if how == "max":
        return max(nums)
    if how == "min":
        return min(nums)
    if how == "mean":
        return sum(nums) / len(nums)
    raise ValueError(how)


@dataclass(frozen=True)
class Query:
    where: dict
    group_by: Optional[str] = None
    aggregate: str = "sum"
    sort_by: Optional[str] = None
    descending: bool = False
    limit: Optional[int] = None


Warn = Callable[[str, Union[str, tuple]], None]  # (message, query key) -> report a located warning


def run_query(table: DataTable, q: Query, keep: Optional[list[str]] = None, warn: Optional[Warn] = None) -> DataTable:
    """Filter, group, sort and cut a table. Column names must already be checked.

    ``warn`` hears what the query did that the author may not have meant: a ``limit`` that
    cuts through rows tied on ``sort_by`` (which of them are kept is then only file order).
    """
    idx = {c: i for i, c in enumerate(table.columns)}
    conds = {c: _condition(c, [r[idx[c]] for r in table.rows], cond) for c, cond in q.where.items()}
    rows = [r for r in table.rows if all(_matches(r[idx[c]], cond) for c, cond in conds.items())]
    columns = list(table.columns)
    if q.group_by:
        groups: dict[Any, list[tuple]] = {}
        for r in rows:
            groups.setdefault(r[idx[q.group_by]], []).append(r)
        value_cols = [c for c in (keep or columns) if c != q.group_by]
        columns = [q.group_by] + value_cols
        rows = [tuple([g] + [combine([r[idx[c]] for r in grp], q.aggregate) for c in value_cols]) for g, grp in groups.items()]
        idx = {c: i for i, c in enumerate(columns)}
    if q.sort_by:
        i = idx[q.sort_by]
        present = [r for r in rows if r[i] is not None]
        try:
            present.sort(key=lambda r: r[i], reverse=q.descending)  # stable: ties keep file order
        except TypeError:
            raise QueryProblem(f"cannot sort by '{q.sort_by}': its values mix numbers, text and dates — make the column one kind", "sort_by") from None
        rows = present + [r for r in rows if r[i] is None]  # missing values last either way
    if q.limit:
        if warn is not None and q.sort_by and q.limit < len(rows):
            tie = _tie_at_cut(rows, idx, q, keep)
            if tie:
                warn(tie, "limit")
        rows = rows[: q.limit]
    if keep:
        sel = [idx[c] for c in keep]
        columns = list(keep)
        rows = [tuple(r[i] for i in sel) for r in rows]
    return DataTable(tuple(columns), tuple(tuple(r) for r in rows))


def _shown(v: Any) -> str:
    return v.isoformat() if isinstance(v, _dt.date) else str(v)


def _tie_at_cut(rows: list[tuple], idx: dict[str, int], q: Query, keep: Optional[list[str]]) -> Optional[str]:
    """The warning when ``limit`` falls inside rows that tie on ``sort_by``, naming them."""
    i, n = idx[q.sort_by], q.limit
    value = rows[n - 1][i]
    if value is None or rows[n][i] != value:
        return None
    first = n - 1
    while first > 0 and rows[first - 1][i] == value:
        first -= 1
    last = n
    while last + 1 < len(rows) and rows[last + 1][i] == value:
        last += 1
    tied = rows[first : last + 1]
    # name the rows by their label: the group, else the first text column the query keeps, else any
    order = [q.group_by] + list(keep or []) + list(idx)
    candidates = [c for c in dict.fromkeys(order) if c and c != q.sort_by]
    name_col = next((c for c in candidates if all(isinstance(r[idx[c]], str) for r in tied)), candidates[0] if candidates else None)
    names = [_shown(r[idx[name_col]]) if name_col else f"row {first + k + 1}" for k, r in enumerate(tied)]
    cut = names[n - first :]

    def listed(items: list[str]) -> str:
        return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"

    keep_all = f"{first} (none of them) or {last + 1} (all of them)" if first else f"{last + 1} (all of them)"
    return (f"limit: {n} cuts through a tie: {listed(names)} all have {q.sort_by} = {_shown(value)}, and only their "
            f"order in the data leaves out {listed(cut)} — set limit to {keep_all}")
