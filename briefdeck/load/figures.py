"""Stage: figures -- numbered in reading order, their data queried, checked against their kind.

Every kind declares a data contract (what ``x`` and ``series`` must hold) and its options
(``charts.registry``); a figure is checked against its kind's declaration here, whether the
kind is built in or registered by a plugin, so bad data is reported at its source line
before anything is drawn.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from .. import model as m
from ..charts.registry import KINDS, Kind, Option
from ..data import Dataset
from ..safeio import per_version
from ..locale import Locale
from .datasets import query
from .files import Files
from .placing import number_placed
from .report import Report, Where

if TYPE_CHECKING:  # the schema's models, or quickcheck's objects of the same names and fields
    from .. import schema as s

MAX_FIGURES = 200
MAX_POINTS = 20_000  # values in one chart
MAX_CHART_VALUE = 1e15  # beyond this, labels run to dozens of digits and axes overflow
MAX_GEOJSON_BYTES = 5 * 1024 * 1024
_X_WORDS = {"category": "the category column", "time": "the year or date column", "date": "the date column"}


def number_figures(src: s.SourceFile, report: Report) -> dict[str, int]:
    """Figure id -> its number, in the order sections list them; each figure placed once."""
    return number_placed(src, report, "figure")


class FigureResolver:
    """Turns each declared figure into a model Figure (or reports why it cannot be drawn)."""

    def __init__(self, src: s.SourceFile, *, datasets: dict[str, Dataset], files: Files, locale: Locale,
                 numbers: dict[str, int], text, report: Report, pictures=None):
        self.src, self.datasets, self.files, self.locale = src, datasets, files, locale
        self.numbers, self.text, self.report = numbers, text, report
        self.pictures = pictures  # load.pictures.Pictures: a figure may be a photograph

    def all(self) -> dict[str, m.Figure]:
        if len(self.src.figures) > MAX_FIGURES:
            self.report.problem(("figures",), f"{len(self.src.figures)} figures — more than {MAX_FIGURES}; split the source", "limit.figures")
        out = {}
        for i, f in enumerate(self.src.figures):
            fig = self.figure(i, f)
            if fig is not None:
                out[f.id] = fig
        return out

    # -- one figure ---------------------------------------------------------------------------
    def figure(self, i: int, f: s.FigureSrc) -> Optional[m.Figure]:
        from ..charts import describe  # the built-in kinds declare themselves on import

        where: Where = ("figures", i)
        report = self.report
        if f.picture is not None or f.kind is None:
            return self.photograph(f, where)
        kind = KINDS.get(f.kind)
        if kind is None:
            report.problem(where + ("kind",), f"unknown chart kind '{f.kind}' — {Report.suggest(f.kind, KINDS)}", "figure.kind")
            return None
        if not self.check_options(kind, f, where):
            return None
        for name in ("x_label", "y_label"):  # said, never silently dropped
            if getattr(f, name) and name not in kind.axis_labels:
                report.warning(where + (name,), f"`{name}` is not drawn on a {f.kind.replace('_', ' ')} chart, which has no "
                               f"{'axes' if not kind.axis_labels else 'such axis'} — remove it, or say it in the caption", "figure.ignored")
        if not self.check_shape(kind, f, where):
            return None
        inline_table = self.inline_table(f, where)
        if f.data is not None and inline_table is None:
            return None
        needed = ([(f.x, ("x",))] if f.x else []) + [(c, ("series", j)) for j, c in enumerate(f.series)]
        table = query(f, where, needed, src=self.src, datasets=self.datasets, report=report, table=inline_table)
        if table is None or not self.check_data(kind, f, table, where):
            return None
        self.check_after_event(kind, f, table, where)
        options = dict(f.options)
        for name, opt in kind.options.items():
            if opt.type == "geojson" and name in options:
                shapes = self.shapes(str(options.pop(name)), str(options.pop("highlight_property", "highlight")),
                                     where + ("options", name))
                if shapes is None:
                    return None
                options["shapes"] = shapes
        ds = self.src.datasets.get(f.dataset) if f.dataset else None
        source = f.source or (ds.source if ds else "")
        as_of = f.as_of or (ds.as_of if ds else None)
        url = self.text.url(f.url, *where, "url") if f.url else (self.text.url(ds.url, "datasets", f.dataset, "url") if ds and ds.url else None)
        prov = m.Provenance(self.locale.typeset(source), as_of, self.locale.date(as_of) if as_of else "", url, ds.licence if ds else None)
        spec = m.ChartSpec(
            kind=f.kind, table=table, x=f.x, series=tuple(f.series), labels=tuple(sorted(f.labels.items())),
            title=f.title or "", x_label=f.x_label or "", y_label=f.y_label or "",
            options=tuple(sorted((k, _freeze(v)) for k, v in options.items())), language=self.locale.tag,
            dates=self.locale.date_patterns(),
        )
        alt = self.text(f.alt, *where, "alt").plain if f.alt else describe(spec, self.locale.section("alt"))
        if not f.alt:
            report.warning(where + ("id",), f"figure '{f.id}' has no alt text; generated: \"{alt}\" — write `alt:` to say what matters", "figure.alt")
        return m.Figure(
            id=f.id, number=self.numbers.get(f.id, 0), chart=spec, caption=self.text(f.caption, *where, "caption"),
            provenance=prov, alt=alt, note=self.text(f.note, *where, "note") if f.note else None, editable=f.editable,
            loc=report.loc(*where),
        )

    def photograph(self, f: s.FigureSrc, where: Where) -> Optional[m.Figure]:
        """A figure that shows a picture: numbered like the charts, its credit and licence as its source."""
        report = self.report
        if f.picture is None or f.kind is not None:
            report.problem(where + (("kind",) if f.kind is not None else ("id",)),
                           f"figure '{f.id}' " + ("has both `kind` and `picture`" if f.kind is not None else "has neither `kind` nor `picture`")
                           + " — give a chart `kind` (with its data) or a `picture` (a photograph), not both", "figure.kind")
            return None
        if f.picture.decorative:
            report.problem(where + ("picture", "decorative"), f"figure '{f.id}' is a picture marked decorative — a figure "
                           f"is content: give it alt text, or show the picture elsewhere", "picture.alt")
            return None
        pic = self.pictures(f.picture, *where, "picture", alt=f.alt, what="figure's picture") if self.pictures else None
        if pic is None:
            return None
        url = self.text.url(f.url, *where, "url") if f.url else None
        prov = m.Provenance(pic.credit, None, "", url, pic.licence or None)
        spec = m.ChartSpec(kind="picture", table=m.DataTable((), ()), x=None, series=(), title=f.title or "", language=self.locale.tag)
        return m.Figure(
            id=f.id, number=self.numbers.get(f.id, 0), chart=spec, caption=self.text(f.caption, *where, "caption"),
            provenance=prov, alt=pic.alt, note=self.text(f.note, *where, "note") if f.note else None, editable=False,
            loc=report.loc(*where), picture=pic,
        )

    # -- checks against the kind's declaration ------------------------------------------------
    def check_options(self, kind: Kind, f: s.FigureSrc, where: Where) -> bool:
        ok = True
        for key, value in f.options.items():
            opt = kind.options.get(key)
            if opt is None:
                if kind.open_options:
                    continue
                allowed = sorted(k for k in kind.options)
                self.report.problem(where + ("options", key), f"unknown option '{key}' for a {f.kind} chart — "
                                    f"{Report.suggest(key, allowed)}", "figure.option", key=True)
                ok = False
                continue
            why = _option_problem(opt, value)
            if why:
                self.report.problem(where + ("options", key), f"option '{key}' of a {f.kind} chart {why}", "figure.option")
                ok = False
        return ok

    def check_shape(self, kind: Kind, f: s.FigureSrc, where: Where) -> bool:
        c = kind.contract
        n = len(f.series)
        if n < c.series_min:
            what = "the value column to draw" if c.series_max == 1 else "the value columns to draw"
            self.report.problem(where, f"a {f.kind} chart has no `series` — list {what} ({c.describe()})", "figure.series")
            return False
        if c.series_max is not None and n > c.series_max:
            self.report.problem(where + ("series",), f"a {f.kind} chart takes at most {c.series_max} series, not {n} — "
                                f"keep {'the first' if c.series_max == 1 else 'fewer'} ({c.describe()})", "figure.series")
            return False
        if c.x != "none" and f.x is None and n > 0:
            self.report.problem(where, f"a {f.kind} chart has no `x` — name {_X_WORDS[c.x]}", "figure.x")
            return False
        return True

    def inline_table(self, f: s.FigureSrc, where: Where) -> Optional[m.DataTable]:
        if f.data is None:
            return None
        if f.dataset is not None:
            self.report.problem(where + ("data",), "give either inline `data` or a `dataset`, not both — remove one of them", "figure.data")
            return None
        lengths = {c: len(v) for c, v in f.data.items()}
        if len(set(lengths.values())) > 1:
            first = next(iter(lengths))
            for c, n in lengths.items():
                if n != lengths[first]:
                    self.report.problem(where + ("data", c), f"column '{c}' has {n} values but '{first}' has {lengths[first]} — "
                                        f"give every column the same number of values", "figure.lengths")
            return None
        if not f.source:
            self.report.problem(where, "inline data needs a `source` — say where the numbers come from", "figure.source")
        cols = tuple(f.data)
        return m.DataTable(cols, tuple(zip(*(f.data[c] for c in cols))))

    def check_after_event(self, kind: Kind, f: s.FigureSrc, table: m.DataTable, where: Where) -> None:
        """A warning when a chart runs past the event's date (a year after the event's, a date
        after its day) and neither its caption nor its note names a later year: a reader takes
        what the chart shows for what was known when the words were spoken."""
        if not f.x or f.x not in table.columns:
            return
        event = self.src.event.date
        xs = table.column(f.x)
        # an x of dates, or of years (a time axis, or bars by year: whole numbers 1800-2100)
        years = all(isinstance(v, int) and not isinstance(v, bool) and 1800 <= v <= 2100 for v in xs)
        if kind.contract.x not in ("time", "date") and not years and not all(isinstance(v, _dt.date) for v in xs):
            return
        later = [v for v in xs
                 if (isinstance(v, _dt.date) and v > event)
                 or (isinstance(v, int) and not isinstance(v, bool) and v > event.year)]
        if not later:
            return
        said = " ".join(x for x in (f.caption, f.note) if x)
        if any(int(y) > event.year for y in re.findall(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)", said)):
            return
        last = max(later)
        if isinstance(last, _dt.date):  # the same year: naming the last date's month says so ("September 7, 2016")
            month = [w for w in re.findall(r"[^\W\d_]{3,}", self.locale.date(last))]
            if month and all(w.lower() in said.lower() for w in month):
                return
        shown = last.isoformat() if isinstance(last, _dt.date) else str(last)
        self.report.warning(where + ("x",), f"figure '{f.id}' shows data to {shown}, after the event ({event.isoformat()}), "
                            f"and its caption and note do not say so — cut the data at the event's date (`where:`) "
                            f"or say in the caption or note that it runs to {shown}", "figure.after_event")

    def check_data(self, kind: Kind, f: s.FigureSrc, table: m.DataTable, where: Where) -> bool:
        c, report = kind.contract, self.report
        if len(table.rows) * max(len(table.columns), 1) > MAX_POINTS:
            report.problem(where, f"the chart has {len(table.rows)} rows — more than a chart can show ({MAX_POINTS} values); filter or group the data", "figure.size")
            return False
        if c.max_rows is not None and len(table.rows) > c.max_rows:
            report.problem(where, f"the chart has {len(table.rows):,} {c.rows_are} — a {f.kind} chart shows at most {c.max_rows}; "
                                  f"filter or group the data (where, group_by, limit), or split the figure", "figure.size")
            return False
        if not table.rows:
            report.problem(where, "the chart's query selects no rows — check `where`", "figure.empty")
            return False

        def at_cell(col: str, value: Any, fallback: Where) -> Where:
            if f.data is not None and col in f.data and value in f.data[col]:
                return ("data", col, f.data[col].index(value))
            return fallback

        if c.series_type == "number":
            for j, col in enumerate(f.series):
                bad = [v for v in table.column(col) if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)))]
                if bad and f.data is not None:
                    report.problem(where + at_cell(col, bad[0], ("series", j)), f"{bad[0]!r} in column '{col}' is not a number — "
                                   f"write a number, or leave the value empty (null)", "figure.numeric")
                    return False
                if bad:
                    report.problem(where + ("series", j), f"column '{col}' must hold numbers for a {f.kind} chart, but has "
                                   f"{bad[0]!r} — choose a numeric column", "figure.numeric")
                    return False
        if f.x and c.x in ("time", "date"):
            xs = table.column(f.x)
            dates = all(isinstance(v, _dt.date) for v in xs)
            years = all(isinstance(v, int) and not isinstance(v, bool) for v in xs)
            if c.x == "date" and not dates:
                report.problem(where + ("x",), f"a {f.kind} needs dates in column '{f.x}' — point `x` at a column of YYYY-MM-DD dates", "figure.dates")
                return False
            if c.x == "time" and not (dates or years):
                bad = next(v for v in xs if not isinstance(v, (_dt.date, int)) or isinstance(v, bool))
                report.problem(where + ("x",), f"a {f.kind} chart needs years or dates in column '{f.x}', but it has {bad!r} — "
                               f"point `x` at a column of years (2018) or dates (YYYY-MM-DD), one per row", "figure.dates")
                return False
        for col, at in [(f.x, ("x",))] + [(cn, ("series", j)) for j, cn in enumerate(f.series)]:
            if col is None or col not in table.columns:
                continue
            huge = next((v for v in table.column(col) if isinstance(v, (int, float)) and not isinstance(v, bool)
                         and (not math.isfinite(v) or abs(v) > MAX_CHART_VALUE)), None)
            if huge is not None:
                report.problem(where + at_cell(col, huge, at), f"{huge:g} in column '{col}' is too large to chart (over "
                               f"{MAX_CHART_VALUE:g}) — give the values in a larger unit (thousands, millions...) and name it in the label", "figure.range")
                return False
        if c.first_value and table.column(f.series[0])[0] is None:  # it would be drawn as "None"
            at = ("data", f.series[0], 0) if f.data is not None else ("series", 0)
            report.problem(where + at, f"the {f.kind.replace('_', ' ')} (column '{f.series[0]}', first row) is missing — "
                           f"give the value, or select a row that has one", "figure.empty")
            return False
        return True

    # -- maps ----------------------------------------------------------------------------------
    def shapes(self, rel: str, prop: str, where: Where) -> Optional[tuple]:
        """GeoJSON countries -> (iso, name, highlighted, rings) tuples for the map kind."""
        p = self.files.find(rel, where)
        if p is None:
            return None
        if p.stat().st_size > MAX_GEOJSON_BYTES:
            self.report.problem(where, f"'{rel}' is larger than {MAX_GEOJSON_BYTES // 1048576} MB — simplify the geometry", "map.size")
            return None
        try:
            return _countries(Path(p), prop)
        except (ValueError, KeyError, TypeError) as exc:
            self.report.problem(where, f"'{rel}' is not a GeoJSON FeatureCollection of polygons ({exc}) — export it again as GeoJSON", "map.geojson")
            return None


def _option_problem(opt: Option, value: Any) -> Optional[str]:
    """Why ``value`` does not suit ``opt`` (ending in what to write), or None."""
    scalar = (str, int, float, _dt.date)
    if opt.type == "bool" and not isinstance(value, bool):
        return f"must be true or false, not {value!r} — write true or false"
    if opt.type == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return f"must be a number, not {value!r} — write a number"
    if opt.type in ("text", "geojson") and not isinstance(value, str):
        return f"must be text, not {value!r} — write the value in quotes"
    if opt.type == "choice" and value not in opt.choices:
        return f"must be one of {', '.join(map(str, opt.choices))}, not {value!r} — use one of these values"
    if opt.type == "category" and (isinstance(value, bool) or not isinstance(value, scalar)):
        return f"must name one category, not {value!r} — write the category as it appears in the data"
    if opt.type in ("texts", "categories"):
        items = value if isinstance(value, list) else [value]
        if not items or any(isinstance(v, bool) or not isinstance(v, scalar) for v in items):
            return f"must be a text or a list of texts, not {value!r} — write one value or a list"
    return None


def _freeze(v: Any) -> Any:
    if isinstance(v, dict):
        return tuple(sorted((k, _freeze(x)) for k, x in v.items()))
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    return v


_SHAPES: dict[str, tuple[tuple, tuple]] = {}  # path -> (the version read and the property, its countries)


def _countries(path: Path, prop: str) -> tuple:
    """A GeoJSON file's countries as ``shapes`` hands them, read once per version of the file
    (``safeio.per_version``: --watch sees every edit of it and reads it again only then); raises what
    reading it raises."""
    return per_version(_SHAPES, path, (prop,), lambda: _read_countries(path, prop))


def _read_countries(path: Path, prop: str) -> tuple:
    gj = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for feat in gj["features"]:
        props, geom = feat.get("properties") or {}, feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        rings = tuple(tuple((float(x), float(y)) for x, y, *_ in ring) for poly in polys for ring in poly[:1])
        out.append((str(props.get("iso_a3", "")), str(props.get("name", "")), bool(props.get(prop)), rings))
    return tuple(sorted(out))
