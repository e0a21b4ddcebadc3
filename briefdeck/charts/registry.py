"""The registry of chart kinds: name -> drawing function (+ optional alt-text function).

Built-in kinds are registered by dotted reference and imported only when first drawn, so
that importing :mod:`briefdeck.charts` never imports matplotlib.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

DrawFn = Callable[..., None]  # draw(ax, spec, style) -> None
DescribeFn = Callable[[Any], str]  # describe(spec) -> str


@dataclass
class Kind:
    name: str
    _draw: Union[str, DrawFn]  # a callable, or "module:function" resolved on first use
    describe: Optional[DescribeFn] = None
    builtin: bool = False  # part of briefdeck (lazy reference) rather than registered at run time
    options: Optional[frozenset] = None  # option names it reads; None: any (a plugin that does not say)

    @property
    def draw(self) -> DrawFn:
        if isinstance(self._draw, str):
            module, _, attr = self._draw.partition(":")
            self._draw = getattr(importlib.import_module(module), attr)
        return self._draw

    def __call__(self, ax, spec, style) -> None:
        self.draw(ax, spec, style)


KINDS: dict[str, Kind] = {}
# read by the service and the alt text for every kind
COMMON_OPTIONS = frozenset({"show_title", "series_title", "group_label"})


def register_kind(name: str, *, describe: Optional[DescribeFn] = None, replace: bool = False,
                  options: Optional[set] = None):
    """Decorator registering ``fn(ax, spec, style)`` as chart kind ``name``.

    ``describe(spec) -> str`` gives the kind's alt text (pure Python). Registering a
    name twice is an error unless ``replace=True``.
    """

    def decorate(fn: DrawFn) -> DrawFn:
        _add(name, fn, describe, replace, options)
        return fn

    return decorate


def _add(name: str, draw: Union[str, DrawFn], describe: Optional[DescribeFn], replace: bool = False,
         options: Optional[set] = None) -> None:
    if name in KINDS and not replace:
        raise ValueError(f"chart kind '{name}' is already registered — pick another name or pass replace=True")
    allowed = None if options is None else frozenset(options) | COMMON_OPTIONS
    KINDS[name] = Kind(name, draw, describe, builtin=isinstance(draw, str), options=allowed)
