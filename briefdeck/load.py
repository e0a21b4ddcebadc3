"""Source file -> validated, resolved document model.

Three stages, each collecting every problem before failing:
1. ``yamlsafe`` parses the bytes, keeping each value's line and column;
2. the pydantic schema checks shapes and types (errors are mapped back to lines);
3. ``_Resolver`` checks references (people, sections, figures, datasets, columns, facts),
   reads the data, parses inline markup and builds the frozen model.
"""
from __future__ import annotations

import difflib
import json
import re
import typing
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ValidationError

from . import model as m
from . import schema as s
from .data import DataProblem, Dataset, PathProblem, Query, QueryProblem, combine, read_csv, resolve_in, run_query
from .errors import Problem, SourceError
from .textfmt import escape_markdown, format_day, format_number, format_percentage, parse_inline
from .yamlsafe import Located, excerpt, load_yaml
from .assets import Assets, project_root

MAX_SECTIONS = 300
MAX_FIGURES = 200
MAX_POINTS = 20_000  # values in one chart
MAX_CHART_VALUE = 1e15  # beyond this, labels run to dozens of digits and axes overflow
MAX_GEOJSON_BYTES = 5 * 1024 * 1024
NUMERIC_KINDS = {"bar", "hbar", "line", "area", "big_number"}
_REF = re.compile(r"\{(fact|fig):([^}\s]*)\}")


def load_document(path: Path, *, allowed: tuple[Path, ...] = (), display: Optional[str] = None) -> m.Document:
    """Read and validate one source; raise SourceError listing every problem."""
    display = display or str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceError([Problem(display, 0, 0, "file not found — check the path", "file.missing")]) from None
    except IsADirectoryError:
        raise SourceError([Problem(display, 0, 0, "this is a folder, not a source file — name a .yaml file", "file.missing")]) from None
    except OSError as exc:
        raise SourceError([Problem(display, 0, 0, f"cannot read the file ({exc.strerror}) — check its permissions", "file.read")]) from None
    located, problems = load_yaml(raw, display)
    if located is None or problems:
        raise SourceError(problems)
    if not isinstance(located.data, dict):
        raise SourceError([Problem(display, 1, 1, "a source must be a mapping of keys (briefdeck:, event:, ...) — see docs/source-format.md", "schema.type", excerpt=excerpt(located.lines, 1, 1))])
    src = _validate(located, display)
    return _Resolver(src, located, display, project_root(Path(path)), allowed).document()


# ---- stage 2: schema ---------------------------------------------------------------------

_MESSAGES = {
    "string_type": "expected text — put the value in quotes",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list — write each item on its own line starting with '- '",
    "dict_type": "expected a mapping of keys — write 'key: value' lines under it",
    "model_type": "expected a mapping of keys — write 'key: value' lines under it",
    "model_attributes_type": "expected a mapping of keys — write 'key: value' lines under it",
    "date_type": "expected a date — write it as YYYY-MM-DD",
    "date_parsing": "not a date — write it as YYYY-MM-DD",
    "date_from_datetime_parsing": "not a date — write it as YYYY-MM-DD",
    "date_from_datetime_inexact": "a date, not a time, is needed — write it as YYYY-MM-DD",
    "string_too_short": "must not be empty — write the text",
    "string_pattern_mismatch": "ids use lowercase letters, digits, '-' and '_' — rename it",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
}


def _model_fields(cls: Any) -> Optional[dict]:
    return cls.model_fields if isinstance(cls, type) and issubclass(cls, BaseModel) else None


def _models_in(annotation: Any) -> list[type]:
    out = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        out.append(annotation)
    for arg in typing.get_args(annotation):
        out.extend(_models_in(arg))
    return out


def _fields_at(path: tuple) -> list[str]:
    """Field names the schema allows at a data path (for did-you-mean)."""
    candidates: list[Any] = [s.SourceFile]
    for part in path:
        nxt: list[Any] = []
        for c in candidates:
            fields = _model_fields(c)
            if fields is None:
                continue
            if isinstance(part, str) and part in fields:
                ann = fields[part].annotation
                sub = _models_in(ann)
                nxt.extend(sub)
        if isinstance(part, int) or not nxt:
            nxt = nxt or candidates  # list index or dict key: same model underneath
        candidates = nxt
    names: list[str] = []
    for c in candidates:
        for name, f in (_model_fields(c) or {}).items():
            names.append(f.alias or name)
    return names


def _data_path(data: Any, loc: tuple) -> tuple:
    """Drop pydantic's union-member labels from an error location."""
    out: list = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part not in node and _looks_like_field(part):
            out.append(part)  # a missing or unknown key
            node = None
    return tuple(out)


def _looks_like_field(part: str) -> bool:
    return not (part[:1].isupper() or "[" in part)


def _context(path: tuple) -> str:
    if not path:
        return "the file"
    return " > ".join(f"#{p + 1}" if isinstance(p, int) else str(p) for p in path).replace(" > #", " #")


def _validate(located: Located, display: str) -> s.SourceFile:
    try:
        return s.SourceFile.model_validate(located.data)
    except ValidationError as exc:
        problems: list[Problem] = []
        seen: set[tuple] = set()
        errors = exc.errors()
        # a misspelt required key shows up twice (unknown + missing): report it once, as the typo
        typos = set()
        for err in errors:
            if err["type"] == "extra_forbidden":
                path = _data_path(located.data, tuple(err["loc"]))
                for guess in difflib.get_close_matches(str(path[-1]), _fields_at(path[:-1]), n=1, cutoff=0.6):
                    typos.add((path[:-1], guess))
        for err in errors:
            path = _data_path(located.data, tuple(err["loc"]))
            kind = err["type"]
            if kind == "missing":
                parent = path[:-1] if path and path[-1] == err["loc"][-1] else path
                if (parent, err["loc"][-1]) in typos:
                    continue
                line, col = located.where(parent)
                name = err["loc"][-1]
                msg = f"missing required field '{name}' in {_context(parent)} — add '{name}:'"
            elif kind == "extra_forbidden":
                line, col = located.where(path, key=True)
                name = str(path[-1]) if path else "?"
                options = _fields_at(path[:-1])
                guess = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
                hint = f"did you mean '{guess[0]}'?" if guess else f"allowed keys here: {', '.join(sorted(options))}"
                msg = f"unknown key '{name}' in {_context(path[:-1])} — {hint}"
            else:
                line, col = located.where(path)
                text = _MESSAGES.get(kind)
                if kind in ("literal_error", "enum"):
                    text = f"{err['msg'].replace('Input should be', 'must be')} — use one of these values"
                elif kind == "too_short":
                    text = f"needs at least {err['ctx']['min_length']} item(s), has {err['ctx']['actual_length']} — add the missing items"
                elif kind == "too_long":
                    text = f"allows at most {err['ctx']['max_length']} items, has {err['ctx']['actual_length']} — keep the most important ones"
                elif kind in ("less_than_equal", "greater_than_equal", "greater_than", "less_than"):
                    text = f"{err['msg'].replace('Input should', 'must')} — change the number"
                elif kind == "value_error":
                    text = str(err["ctx"].get("error", err["msg"]))
                    text = text if " — " in text else f"{text} — correct it"
                elif text is None:
                    text = f"{err['msg']} — correct the value"
                value = err.get("input")
                shown = f" = {value!r}" if isinstance(value, (str, int, float, bool)) and len(repr(value)) < 60 else ""
                msg = f"{_context(path)}{shown}: {text}"
            key = (line, col, msg)
            if (path, kind) in seen or key in seen:
                continue
            seen.update({(path, kind), key})
            problems.append(Problem(display, line, col, msg, f"schema.{kind}", excerpt=excerpt(located.lines, line, col)))
        raise SourceError(_dedupe_union(problems)) from None


def _dedupe_union(problems: list[Problem]) -> list[Problem]:
    """A value failing a union (e.g. a `where` condition) yields one error per member: keep one per place."""
    out, places = [], set()
    for p in problems:
        if (p.line, p.col) in places and p.code not in ("schema.missing", "schema.extra_forbidden"):
            continue
        places.add((p.line, p.col))
        out.append(p)
    return out


# ---- stage 3: references, data, inline text ----------------------------------------------

class _Resolver:
    def __init__(self, src: s.SourceFile, located: Located, display: str, root: Path, allowed: tuple[Path, ...]):
        self.src, self.located, self.display, self.root, self.allowed = src, located, display, root, allowed
        self.lang = src.meta.language
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.inputs: list[str] = []
        self.datasets: dict[str, Dataset] = {}
        self.figure_numbers: dict[str, int] = {}

    # -- reporting
    def loc(self, *path: Any) -> m.Loc:
        line, col = self.located.where(tuple(path))
        return m.Loc(self.display, line, col)

    def problem(self, path: tuple, message: str, code: str, key: bool = False, severity: str = "error") -> None:
        line, col = self.located.where(path, key=key)
        p = Problem(self.display, line, col, message, code, severity, excerpt(self.located.lines, line, col))
        (self.problems if severity == "error" else self.warnings).append(p)

    def suggest(self, name: str, options: Any, where: str = "") -> str:
        guess = difflib.get_close_matches(str(name), [str(o) for o in options], n=1, cutoff=0.5)
        if guess:
            return f"did you mean '{guess[0]}'?"
        opts = sorted(str(o) for o in options)
        if opts:
            return f"known: {', '.join(opts[:12])}"
        return f"none is declared; declare it under `{where}:`" if where else "none is declared"

    def path(self, rel: str, where: tuple) -> Optional[Path]:
        try:
            p = resolve_in(self.root, rel, self.allowed)
        except PathProblem as exc:
            self.problem(where, str(exc), "path.outside")
            return None
        if not p.is_file():
            self.problem(where, f"file '{rel}' not found in the project folder — check the path (relative to the folder that holds assets/)", "path.missing")
            return None
        self.inputs.append(str(p))
        return p

    # -- inline text
    def inline(self, text: Optional[str], *path: Any) -> m.Text:
        loc = self.loc(*path)
        if text is None:
            return m.Text((), loc)

        def sub(match: re.Match) -> str:
            kind, ident = match.groups()
            if kind == "fact":
                if ident in self.src.facts and ident not in self.facts:
                    return match.group(0)  # declared, but its value could not be computed: reported there
                if ident not in self.facts:
                    self.problem(tuple(path), f"unknown fact '{ident}' in {{fact:{ident}}} — {self.suggest(ident, self.facts, 'facts')}", "ref.fact")
                    return match.group(0)
                return escape_markdown(self.facts[ident])
            if ident not in self.figure_numbers:
                self.problem(tuple(path), f"unknown figure '{ident}' in {{fig:{ident}}} — {self.suggest(ident, self.figure_numbers, 'figures')}", "ref.figure")
                return match.group(0)
            return f"[Figure {self.figure_numbers[ident]}](#fig-{ident})"

        return parse_inline(_REF.sub(sub, text), self.lang, loc)

    # -- data
    def load_datasets(self) -> None:
        for name, ds in self.src.datasets.items():
            p = self.path(ds.file, ("datasets", name, "file"))
            if p is None:
                continue
            try:
                self.datasets[name] = read_csv(p, str(p.relative_to(self.root)) if self.root in p.parents else str(p), dict(ds.types))
            except DataProblem as exc:
                self.problems.append(Problem(exc.file, exc.line, exc.col, exc.message, exc.code))
                line, col = self.located.where(("datasets", name, "file"))
                self.problems.append(Problem(self.display, line, col, f"dataset '{name}' cannot be used: {exc.file} has an error (reported with it) — fix the data file", "data.unusable", excerpt=excerpt(self.located.lines, line, col)))

    def query(self, q: s.QuerySrc, where: tuple, needed: list[tuple[str, tuple]], table: Optional[m.DataTable] = None) -> Optional[m.DataTable]:
        """Run a fact's or figure's query, checking every column it names."""
        if table is None:
            if q.dataset is None:
                self.problem(where, "no data — name a `dataset` (declared under datasets:) or give inline `data`", "ref.dataset")
                return None
            if q.dataset not in self.src.datasets:
                self.problem(where + ("dataset",), f"unknown dataset '{q.dataset}' — {self.suggest(q.dataset, self.src.datasets, 'datasets')}", "ref.dataset")
                return None
            ds = self.datasets.get(q.dataset)
            if ds is None:
                return None  # its file problem is already reported
            table = ds.table()
        ok = True
        for col, at in [(c, ("where", c)) for c in q.where] + [(q.group_by, ("group_by",)), (q.sort_by, ("sort_by",))] + needed:
            if col is None or col in table.columns or (col == "count" and at == ("value",)):  # a fact's `value: count` counts rows
                continue
            ok = False
            self.problem(where + at, f"column '{col}' is not in the data — {self.suggest(col, table.columns)}", "ref.column", key=bool(at and at[0] == "where"))
        if not ok:
            return None
        conds = {c: (v.model_dump(by_alias=True) if isinstance(v, BaseModel) else v) for c, v in q.where.items()}
        keep = [c for c in dict.fromkeys(c for c, _ in needed) if c in table.columns] or None
        if q.group_by and keep and q.group_by not in keep:
            keep = [q.group_by] + keep
        if q.group_by and q.sort_by:  # grouping keeps only the group column and the value columns
            grouped = [q.group_by] + [c for c in (keep or table.columns) if c != q.group_by]
            if q.sort_by not in grouped:
                self.problem(where + ("sort_by",), f"cannot sort by '{q.sort_by}' after grouping by '{q.group_by}' — sort by one of: {', '.join(grouped)}", "query.sort")
                return None
        try:
            return run_query(table, Query(conds, q.group_by, q.aggregate, q.sort_by, q.descending, q.limit), keep)
        except QueryProblem as exc:
            self.problem(where + (exc.field,), str(exc), "query.values")
            return None

    def resolve_facts(self) -> None:
        self.facts: dict[str, str] = {}
        for name, f in self.src.facts.items():
            where = ("facts", name)
            table = self.query(f, where, [(f.value, ("value",))])
            if table is None:
                continue
            if f.value == "count":
                value: Any = len(table.rows)
            else:
                col = table.column(f.value)
                if f.aggregate in ("first", "last") or len(col) == 1:
                    value = [v for v in col if v is not None]
                    value = (value[0] if f.aggregate == "first" else value[-1]) if value else None
                else:
                    try:
                        value = combine(list(col), f.aggregate)
                    except QueryProblem as exc:
                        self.problem(where + (exc.field,), str(exc), "query.values")
                        continue
            if value is None:
                self.problem(where, f"fact '{name}' selects no value — check its `where` conditions (no row matches)", "fact.empty")
                continue
            self.facts[name] = self.format_value(value, f.format, where)

    def format_value(self, value: Any, fmt: str, where: tuple) -> str:
        import datetime as _dt

        if fmt == "date":
            if not isinstance(value, _dt.date):
                self.problem(where, f"format 'date' but the value {value!r} is not a date — use format: number or text", "fact.format")
                return str(value)
            return format_day(value, self.lang)
        if fmt in ("number", "percent"):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                self.problem(where, f"format '{fmt}' but the value {value!r} is not a number — use format: text", "fact.format")
                return str(value)
            return format_percentage(value, self.lang) if fmt == "percent" else format_number(value, self.lang)
        return value.isoformat() if isinstance(value, _dt.date) else str(value)

    # -- figures
    def number_figures(self) -> None:
        declared = {f.id for f in self.src.figures}
        placed: dict[str, int] = {}
        for si, sec in enumerate(self.src.sections):
            for fi, fid in enumerate(sec.figures):
                if fid not in declared:
                    self.problem(("sections", si, "figures", fi), f"unknown figure '{fid}' — {self.suggest(fid, declared)}", "ref.figure")
                elif fid in placed:
                    self.problem(("sections", si, "figures", fi), f"figure '{fid}' is already placed in section '{self.src.sections[placed[fid]].id}' — place each figure once", "figure.twice")
                else:
                    placed[fid] = si
                    self.figure_numbers[fid] = len(self.figure_numbers) + 1
        for i, f in enumerate(self.src.figures):
            if f.id not in placed:
                self.problem(("figures", i, "id"), f"figure '{f.id}' is not placed in any section, so it would not appear — list it under a section's `figures:`", "figure.unplaced", severity="warning")

    def figure(self, i: int, f: s.FigureSrc) -> Optional[m.Figure]:
        from .charts import KINDS, describe

        where = ("figures", i)
        if f.kind not in KINDS:
            self.problem(where + ("kind",), f"unknown chart kind '{f.kind}' — {self.suggest(f.kind, KINDS)}", "figure.kind")
            return None
        allowed = KINDS[f.kind].options
        if allowed is not None:
            for key in f.options:
                if key not in allowed:
                    self.problem(where + ("options", key), f"unknown option '{key}' for a {f.kind} chart — {self.suggest(key, sorted(allowed))}", "figure.option", key=True)
        inline_table = None
        if f.data is not None:
            if f.dataset is not None:
                self.problem(where + ("data",), "give either inline `data` or a `dataset`, not both — remove one of them", "figure.data")
                return None
            lengths = {c: len(v) for c, v in f.data.items()}
            if len(set(lengths.values())) > 1:
                first = next(iter(lengths))
                for c, n in lengths.items():
                    if n != lengths[first]:
                        self.problem(where + ("data", c), f"column '{c}' has {n} values but '{first}' has {lengths[first]} — give every column the same number of values", "figure.lengths")
                return None
            cols = tuple(f.data)
            inline_table = m.DataTable(cols, tuple(zip(*(f.data[c] for c in cols))))
            if not f.source:
                self.problem(where, "inline data needs a `source` — say where the numbers come from", "figure.source")
        needed = ([(f.x, ("x",))] if f.x else []) + [(c, ("series", j)) for j, c in enumerate(f.series)]
        table = self.query(f, where, needed, inline_table)
        if table is None:
            return None
        if f.kind != "big_number" and f.x is None and f.kind in NUMERIC_KINDS | {"timeline"}:
            self.problem(where, f"a {f.kind} chart has no `x` — name the category or time column", "figure.x")
            return None
        if not f.series and f.kind in NUMERIC_KINDS | {"timeline"}:
            self.problem(where, f"a {f.kind} chart has no `series` — list the value columns to draw", "figure.series")
            return None
        if len(table.rows) * max(len(table.columns), 1) > MAX_POINTS:
            self.problem(where, f"the chart has {len(table.rows)} rows — more than a chart can show ({MAX_POINTS} values); filter or group the data", "figure.size")
            return None
        if not table.rows:
            self.problem(where, "the chart's query selects no rows — check `where`", "figure.empty")
            return None
        if f.kind in NUMERIC_KINDS:
            for c in f.series:
                bad = [v for v in table.column(c) if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)))]
                if bad and f.data is not None:
                    j = f.data[c].index(bad[0])
                    self.problem(where + ("data", c, j), f"{bad[0]!r} in column '{c}' is not a number — write a number, or leave the value empty (null)", "figure.numeric")
                    return None
                if bad:
                    self.problem(where + ("series",), f"column '{c}' must hold numbers for a {f.kind} chart, but has {bad[0]!r} — choose a numeric column", "figure.numeric")
                    return None
        for c, at in [(f.x, ("x",))] + [(c, ("series", j)) for j, c in enumerate(f.series)]:
            huge = next((v for v in (table.column(c) if c in table.columns else ()) if isinstance(v, (int, float)) and abs(v) > MAX_CHART_VALUE), None)
            if huge is not None:
                if f.data is not None and c in f.data and huge in f.data[c]:
                    at = ("data", c, f.data[c].index(huge))
                self.problem(where + at, f"{huge:g} in column '{c}' is too large to chart (over {MAX_CHART_VALUE:g}) — give the values in a larger unit (thousands, millions...) and name it in the label", "figure.range")
                return None
        if f.kind == "big_number" and table.column(f.series[0])[0] is None:  # it would be drawn as "None"
            at = ("data", f.series[0], 0) if f.data is not None else ("series", 0)
            self.problem(where + at, f"the big number (column '{f.series[0]}', first row) is missing — give the value, or select a row that has one", "figure.empty")
            return None
        if f.kind == "timeline":
            import datetime as _dt

            if any(not isinstance(v, _dt.date) for v in table.column(f.x)):
                self.problem(where + ("x",), f"a timeline needs dates in column '{f.x}' — point `x` at a column of YYYY-MM-DD dates", "figure.dates")
                return None
        options = dict(f.options)
        if "geojson" in options:
            shapes = self.shapes(str(options.pop("geojson")), options, where + ("options", "geojson"))
            if shapes is None:
                return None
            options["shapes"] = shapes
        ds = self.src.datasets.get(f.dataset) if f.dataset else None
        source = f.source or (ds.source if ds else "")
        as_of = f.as_of or (ds.as_of if ds else None)
        prov = m.Provenance(source, as_of, format_day(as_of, self.lang) if as_of else "", f.url or (ds.url if ds else None), ds.licence if ds else None)
        spec = m.ChartSpec(
            kind=f.kind, table=table, x=f.x, series=tuple(f.series), labels=tuple(sorted(f.labels.items())),
            title=f.title or "", x_label=f.x_label or "", y_label=f.y_label or "",
            options=tuple(sorted((k, _freeze(v)) for k, v in options.items())), language=self.lang,
        )
        alt = self.inline(f.alt, *where, "alt").plain if f.alt else describe(spec)
        if not f.alt:
            self.problem(where + ("id",), f"figure '{f.id}' has no alt text; generated: \"{alt}\" — write `alt:` to say what matters", "figure.alt", severity="warning")
        return m.Figure(
            id=f.id, number=self.figure_numbers.get(f.id, 0), chart=spec, caption=self.inline(f.caption, *where, "caption"),
            provenance=prov, alt=alt, note=self.inline(f.note, *where, "note") if f.note else None, editable=f.editable, loc=self.loc(*where),
        )

    def shapes(self, rel: str, options: dict, where: tuple) -> Optional[tuple]:
        """GeoJSON countries -> (iso, name, highlighted, rings) tuples for the map kind."""
        p = self.path(rel, where)
        if p is None:
            return None
        if p.stat().st_size > MAX_GEOJSON_BYTES:
            self.problem(where, f"'{rel}' is larger than {MAX_GEOJSON_BYTES // 1048576} MB — simplify the geometry", "map.size")
            return None
        try:
            gj = json.loads(p.read_text(encoding="utf-8"))
            prop = str(options.pop("highlight_property", "g5_sahel"))
            out = []
            for feat in gj["features"]:
                props, geom = feat.get("properties") or {}, feat["geometry"]
                polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
                rings = tuple(tuple((float(x), float(y)) for x, y, *_ in ring) for poly in polys for ring in poly[:1])
                out.append((str(props.get("iso_a3", "")), str(props.get("name", "")), bool(props.get(prop)), rings))
            return tuple(sorted(out))
        except (ValueError, KeyError, TypeError) as exc:
            self.problem(where, f"'{rel}' is not a GeoJSON FeatureCollection of polygons ({exc}) — export it again as GeoJSON", "map.geojson")
            return None

    # -- the whole document
    def document(self) -> m.Document:
        src = self.src
        self._check_language(src.meta.language)
        self.load_datasets()
        self.resolve_facts()
        if len(src.sections) > MAX_SECTIONS:
            self.problem(("sections",), f"{len(src.sections)} sections — more than {MAX_SECTIONS}; split the source", "limit.sections")
        if len(src.figures) > MAX_FIGURES:
            self.problem(("figures",), f"{len(src.figures)} figures — more than {MAX_FIGURES}; split the source", "limit.figures")
        self._unique("sections", [x.id for x in src.sections])
        self._unique("figures", [x.id for x in src.figures])
        self._unique("people", [x.id for x in src.people])
        self.number_figures()

        people = {}
        for i, p in enumerate(src.people):
            people[p.id] = m.Person(p.id, p.name, p.role, tuple(p.titles), p.affiliation or "", self.inline(p.bio, "people", i, "bio"), self.loc("people", i))
        figures = {f.id: fig for i, f in enumerate(src.figures) if (fig := self.figure(i, f)) is not None}

        def person(ref: Optional[str], where: tuple) -> Optional[m.Person]:
            if ref is None:
                return None
            if ref not in people:
                self.problem(where, f"unknown person '{ref}' — {self.suggest(ref, people)}", "ref.person")
            return people.get(ref)

        sections = []
        section_ids = {x.id for x in src.sections}
        for i, sec in enumerate(src.sections):
            w = ("sections", i)
            sections.append(m.Section(
                id=sec.id, title=sec.title,
                paragraphs=tuple(self.inline(t, *w, "paragraphs", j) for j, t in enumerate(sec.paragraphs)),
                bullets=tuple(self.inline(t, *w, "bullets", j) for j, t in enumerate(sec.bullets)),
                figures=tuple(figures[f] for f in sec.figures if f in figures),
                speaker=person(sec.speaker, w + ("speaker",)), slide_title=sec.slide_title or sec.title, loc=self.loc(*w),
            ))
        quotes = []
        for i, q in enumerate(src.quotes):
            if q.section is not None and q.section not in section_ids:
                self.problem(("quotes", i, "section"), f"unknown section '{q.section}' — {self.suggest(q.section, section_ids)}", "ref.section")
            quotes.append(m.Quote(self.inline(q.text, "quotes", i, "text"), person(q.speaker, ("quotes", i, "speaker")), q.section, self.loc("quotes", i)))

        meta, ev = src.meta, src.event
        from .theme import theme_names

        themes = theme_names(Assets(self.root))
        if meta.theme not in themes:
            self.problem(("meta", "theme"), f"unknown theme '{meta.theme}' — {self.suggest(meta.theme, themes)} (themes are folders in assets/themes/)", "meta.theme")
        template = None
        if meta.template:
            tp = self.path(meta.template, ("meta", "template"))
            template = str(tp) if tp else None
            if tp is not None and meta.theme in themes:
                self.check_template(tp, meta.template, meta.theme)
        event = m.Event(ev.title, ev.subtitle or "", ev.organiser, ev.date, format_day(ev.date, self.lang), ev.place, ev.url, self.loc("event"))
        doc_meta = m.Meta(
            language=meta.language, paper=meta.paper, updated=meta.updated or ev.date, short_title=meta.short_title or ev.title,
            series=meta.series or ev.organiser, keywords=tuple(meta.keywords), licence=meta.licence or "",
            how_to_cite=self.inline(meta.how_to_cite, "meta", "how_to_cite") if meta.how_to_cite else None,
            template=template, theme=meta.theme, loc=self.loc("meta"),
        )
        refs = tuple(
            m.Reference(r.title, r.url, r.publisher or "", (format_day(r.date, self.lang) if hasattr(r.date, "isoformat") else str(r.date or "")), r.note or "", self.loc("references", i))
            for i, r in enumerate(src.references)
        )
        doc = m.Document(
            meta=doc_meta, event=event, people=tuple(people.values()),
            preface=self.inline(src.preface, "preface") if src.preface else None,
            summary=self.inline(src.summary, "summary"),
            key_messages=tuple(self.inline(t, "key_messages", i) for i, t in enumerate(src.key_messages)),
            sections=tuple(sections), quotes=tuple(quotes),
            recommendations=tuple(m.Recommendation(r.lead, self.inline(r.text, "recommendations", i, "text"), self.loc("recommendations", i)) for i, r in enumerate(src.recommendations)),
            references=refs, source_path=self.display, loc=self.loc(),
            warnings=tuple(w.format() for w in self.warnings), inputs=tuple(dict.fromkeys(self.inputs)),
        )
        if self.problems:
            raise SourceError(sorted(self.problems, key=lambda p: (p.file != self.display, p.file, p.line, p.col)))
        return doc

    def check_template(self, path: Path, rel: str, theme_name: str) -> None:
        """A template from elsewhere must be a real, bounded .pptx before anything opens it."""
        from .errors import BriefdeckError
        from .safezip import check_pptx_zip
        from .theme import load_theme

        try:
            check_pptx_zip(path, load_theme(theme_name, Assets(self.root)).get("deck.template_limits"), shown=f"template '{rel}'")
        except BriefdeckError as exc:
            self.problem(("meta", "template"), str(exc), "template.invalid")

    def _unique(self, key: str, ids: list[str]) -> None:
        seen: dict[str, int] = {}
        for i, ident in enumerate(ids):
            if ident in seen:
                self.problem((key, i, "id"), f"id '{ident}' is used twice in {key} (first at item {seen[ident] + 1}) — make ids unique", "id.duplicate")
            seen.setdefault(ident, i)

    def _check_language(self, tag: str) -> None:
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            self.problem(("meta", "language"), f"unknown language '{tag}' — use a tag such as en-CA, en-GB or fr-CA", "meta.language")
            raise SourceError(self.problems) from None


def _freeze(v: Any) -> Any:
    if isinstance(v, dict):
        return tuple(sorted((k, _freeze(x)) for k, x in v.items()))
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    return v
