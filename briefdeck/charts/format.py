"""Numbers and dates in the chart's language (babel), shared by drawing and alt text."""
from __future__ import annotations

import datetime as _dt
import math
from functools import lru_cache
from typing import Any

import babel.dates
import babel.numbers
from babel import Locale, UnknownLocaleError


@lru_cache(maxsize=32)
def locale_for(language: str) -> Locale:
    try:
        return Locale.parse(language or "en", sep="-" if "-" in (language or "") else "_")
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def is_year(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 2999


def number(value: Any, language: str, decimals: int | None = None) -> str:
    """'1,440' (en), '1 440' (fr); whole floats print without decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    loc = locale_for(language)
    if decimals is not None:
        fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
        return babel.numbers.format_decimal(value, format=fmt, locale=loc)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return babel.numbers.format_decimal(value, locale=loc)


def date(value: _dt.date, language: str, pattern: str = "d MMM y") -> str:
    return babel.dates.format_date(value, pattern, locale=locale_for(language))


def category(value: Any, language: str) -> str:
    """A category label: years and strings as they are, numbers localised, dates in full."""
    if isinstance(value, str):
        return value
    if is_year(value):
        return str(value)
    if isinstance(value, _dt.date):
        return date(value, language)
    if isinstance(value, (int, float)):
        return number(value, language)
    return str(value)


def span(first: Any, last: Any, language: str, pattern: str = "MMMM y") -> str:
    """'2013–2023', 'July 2013–December 2023' (en dash, no spaces)."""
    if isinstance(first, _dt.date) and isinstance(last, _dt.date):
        a, b = date(first, language, pattern), date(last, language, pattern)
    else:
        a, b = category(first, language), category(last, language)
    return a if a == b else f"{a}–{b}"


def join(items: list[str], language: str) -> str:
    """'a, b and c' in the chart's language (babel list patterns)."""
    from babel.lists import format_list

    return format_list(items, locale=locale_for(language)) if items else ""
