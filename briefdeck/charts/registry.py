"""Chart kinds describe themselves: how to draw, what data they take, which options, how to say them.

A kind is declared once, in one module, by a ``Kind``: its drawing function (imported only
when a chart is drawn, so declaring kinds never imports matplotlib), its data contract (what
``x`` and ``series`` must hold), its options with a description each, its alt-text function,
whether it is small enough for a side column, and which native PowerPoint chart (if any) can
show it. The loader validates every figure against its kind's contract with located errors,
the docs list kinds from these declarations, and the renderers ask the kind instead of
keeping lists of their own.

A custom kind registered with ``register_kind`` gets all of this too::

    @register_kind("dot_plot", contract=DataContract(x="category", series_min=1, series_max=1),
                   options=[Option("highlight", "category", "A category drawn in the highlight colour.")],
                   describe=lambda spec, say: "Dot plot of ...")
    def dot_plot(ax, spec, style): ...
"""
from __future__ import annotations

import importlib
from dataclasses import field
from typing import Any, Callable, Iterable, Mapping, Optional, Union

from ..dataclass_code import dataclass

DrawFn = Callable[..., None]  # draw(ax, spec, style) -> None
DescribeFn = Callable[..., str]  # describe(spec, say) -> str; say(key, **fields) gives a phrase of the chart's language
NativeFn = Callable[[Any], Optional[str]]  # native(spec) -> a NATIVE_TYPES name, or None: no native chart shows it
LookFn = Callable[[Any, Any], "Look"]  # look(spec, style) -> Look: what the drawn chart shows besides the data
SplitFn = Callable[..., list]  # split(spec, style, width_in, height_in) -> [Part]: pieces that each fit the box (may measure text)

X_TYPES = ("none", "category", "time", "date")  # none: no x; time: years or dates; date: dates only
SERIES_TYPES = ("number", "text")
OPTION_TYPES = ("bool", "text", "number", "choice", "category", "categories", "texts", "geojson")
NATIVE_TYPES = ("column_clustered", "column_stacked", "bar_clustered", "bar_stacked", "line_markers", "area", "area_stacked")


@dataclass(frozen=True)
class DataContract:
    """What a kind's figure must give it. Checked by the loader, reported at the source line."""

    x: str = "category"  # one of X_TYPES
    series_min: int = 1
    series_max: Optional[int] = None
    series_type: str = "number"  # one of SERIES_TYPES
    first_value: bool = False  # the first row of series[0] must hold a value (one big number)
    max_rows: Optional[int] = None  # the most rows (categories, events) it can show readably, in bounded time
    rows_are: str = "rows"  # what a row is, for the message ("categories", "events")

    def __post_init__(self) -> None:
        if self.x not in X_TYPES or self.series_type not in SERIES_TYPES:
            raise ValueError(f"DataContract: x must be one of {X_TYPES}, series_type one of {SERIES_TYPES}")

    def describe(self) -> str:
        x = {"none": "no `x`", "category": "`x`: a category column", "time": "`x`: years or dates",
             "date": "`x`: a column of dates"}[self.x]
        n = (f"{self.series_min}" if self.series_max == self.series_min else
             f"{self.series_min} or more" if self.series_max is None else f"{self.series_min} to {self.series_max}")
        return f"{x}; `series`: {n} {'numeric' if self.series_type == 'number' else 'text'} column(s)"


@dataclass(frozen=True)
class Option:
    """One setting an author may write under a figure's ``options:``."""

    name: str
    type: str  # one of OPTION_TYPES
    help: str
    choices: tuple = ()  # for "choice"

    def __post_init__(self) -> None:
        if self.type not in OPTION_TYPES:
            raise ValueError(f"Option {self.name}: type must be one of {OPTION_TYPES}")


@dataclass(frozen=True)
class Look:
    """What a kind's picture shows besides the numbers, so that a native (editable) chart of the
    same figure shows the same: the kind's drawing function and the deck writer both take it
    from the kind's ``look(spec, style)``, a pure function (no matplotlib).

    ``order`` lists the table's rows in the order drawn (sorted bars: largest first), with
    ``categories`` their labels as drawn; ``colours`` has one fill per series, and
    ``point_colours`` (per series, per drawn row; None: the series colour) the fills of single
    points, e.g. the highlighted bar and the muted others. ``value_labels``: each bar's value is
    written at its end; ``end_labels``: each line's last value beside its last point.
    ``markers``: each point of a line is marked (few points). ``negative``: some values are
    below zero (the category labels then stand at the low end of the value axis, not at zero).
    ``value_limits``: the value axis' ends when the labels need room beyond the bars (None: auto).
    ``number_format``: an Excel number format giving the numbers as the picture writes them.
    """

    order: tuple[int, ...]
    categories: tuple[str, ...]
    colours: tuple[str, ...]
    point_colours: tuple[tuple[Optional[str], ...], ...] = ()
    value_labels: bool = False
    end_labels: bool = False
    markers: bool = False
    negative: bool = False
    value_limits: Optional[tuple[float, float]] = None
    number_format: str = "#,##0"

    def drawn(self, spec):
        """``spec`` with its rows in the order drawn and its date categories as labelled ('Jan
        2006', 'Q3 2009'), so that a native chart's axis reads as the picture's; text
        categories stay as the data has them (the data sheet holds the data, as given)."""
        import datetime as _dt
        from dataclasses import replace

        if spec.x is None or spec.x not in spec.table.columns:
            return spec
        k = spec.table.columns.index(spec.x)
        rows = []
        for pos, i in enumerate(self.order):
            row = list(spec.table.rows[i])
            if isinstance(row[k], _dt.date):
                row[k] = self.categories[pos]
            rows.append(tuple(row))
        return replace(spec, table=replace(spec.table, rows=tuple(rows)))

    def highlighted(self, series: int = 0) -> tuple[int, ...]:
        """Positions (in drawing order) whose fill differs from the series colour."""
        if not self.point_colours:
            return ()
        return tuple(i for i, c in enumerate(self.point_colours[series]) if c is not None and c != self.colours[series])


@dataclass(frozen=True)
class Part:
    """One piece of a figure split to fit a box: the rows of its table it shows (in table
    order), whether it is drawn whole (every row, every word, at the target's type size) and,
    when it is not, what is lost, in words for a warning. ``ChartService.parts`` fills in
    ``spec``: the figure's spec with those rows only."""

    rows: tuple[int, ...]
    whole: bool = True
    lost: str = ""
    spec: Any = None


# Read by the chart service and the alt text for every kind.
COMMON_OPTIONS = (
    Option("show_title", "bool", "Draw the figure's `title` above the chart."),
    Option("series_title", "text", "What the series are, for the alt text ('by incident type')."),
    Option("group_label", "text", "What the highlighted group is called, for the alt text ('G5 Sahel')."),
)


@dataclass
class Kind:
    name: str
    _draw: Union[str, DrawFn]  # a callable, or "module:function" resolved on first use
    contract: DataContract = field(default_factory=DataContract)
    options: Mapping[str, Option] = field(default_factory=dict)  # None-free: every option is declared
    describe: Optional[DescribeFn] = None
    native: Optional[NativeFn] = None
    look: Optional[LookFn] = None  # what its picture shows besides the data (for native charts)
    split: Optional[SplitFn] = None  # pieces of a figure that each fit a box (kinds that can run over)
    compact: bool = False  # small enough for a side column (a single number)
    builtin: bool = False
    open_options: bool = False  # a plugin registered without declaring options: any option is accepted
    summary: str = ""  # one line for the docs
    axis_labels: tuple[str, ...] = ("x_label", "y_label")  # which of a figure's axis labels it draws (others: a warning)

    @property
    def draw(self) -> DrawFn:
        if isinstance(self._draw, str):
            module, _, attr = self._draw.partition(":")
            self._draw = getattr(importlib.import_module(module), attr)
        return self._draw

    def __call__(self, ax, spec, style) -> None:
        self.draw(ax, spec, style)

    def native_type(self, spec) -> Optional[str]:
        return self.native(spec) if self.native is not None else None


KINDS: dict[str, Kind] = {}


def _options(options: Optional[Iterable[Option]]) -> dict[str, Option]:
    return {o.name: o for o in [*COMMON_OPTIONS, *(options or ())]}


def declare(name: str, draw: Union[str, DrawFn], *, contract: DataContract, options: Iterable[Option] = (),
            describe: Optional[DescribeFn] = None, native: Optional[NativeFn] = None, look: Optional[LookFn] = None,
            split: Optional[SplitFn] = None, compact: bool = False, summary: str = "", replace: bool = False,
            axis_labels: tuple[str, ...] = ("x_label", "y_label")) -> Kind:
    """Register a kind (built-in kinds call this from their own module).

    ``look(spec, style) -> Look`` says what the picture shows besides the data (order,
    highlight, value labels, colours): a native chart of the kind shows the same. ``split(spec,
    style, width_in, height_in) -> [Part]`` cuts a figure that cannot be drawn whole in a box
    into pieces that each can (a long timeline: one slide per piece); it may measure text.
    ``axis_labels`` names the axis labels the kind draws (none for a kind without axes): a
    figure giving another is warned that it is not drawn.
    """
    if name in KINDS and not replace:
        raise ValueError(f"chart kind '{name}' is already registered — pick another name or pass replace=True")
    kind = Kind(name, draw, contract, _options(options), describe, native, look, split, compact,
                builtin=isinstance(draw, str), summary=summary, axis_labels=tuple(axis_labels))
    KINDS[name] = kind
    return kind


def register_kind(name: str, *, describe: Optional[DescribeFn] = None, replace: bool = False,
                  options: Optional[Iterable[Union[Option, str]]] = None, contract: Optional[DataContract] = None,
                  native: Optional[NativeFn] = None, look: Optional[LookFn] = None, split: Optional[SplitFn] = None,
                  compact: bool = False, summary: str = ""):
    """Decorator registering ``fn(ax, spec, style)`` as chart kind ``name``.

    ``contract`` says what data it takes (default: a category ``x`` and numeric series);
    ``options`` the settings it reads (``Option``s; plain names are taken as text options;
    None accepts any option). ``describe(spec, say)`` gives its alt text.
    """

    def decorate(fn: DrawFn) -> DrawFn:
        opts = None if options is None else [o if isinstance(o, Option) else Option(str(o), "text", "") for o in options]
        kind = declare(name, fn, contract=contract or DataContract(), options=opts or (), describe=describe,
                       native=native, look=look, split=split, compact=compact, summary=summary, replace=replace)
        kind.open_options = options is None
        return fn

    return decorate


class lazy:
    """A module imported on first attribute use: kind modules declare themselves at import time
    without importing matplotlib or numpy, which only drawing needs."""

    def __init__(self, name: str):
        self._name, self._module = name, None

    def __getattr__(self, attr: str):
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)
