"""Numbers and dates in the chart's language (babel), shared by drawing and alt text."""
from __future__ import annotations

import datetime as _dt
import decimal
import math
import re
from functools import lru_cache
from typing import Any

import babel.dates
import babel.numbers
from babel import Locale, UnknownLocaleError

from ..locale import typeset_sign


@lru_cache(maxsize=32)
def locale_for(language: str) -> Locale:
    try:
        return Locale.parse(language or "en", sep="-" if "-" in (language or "") else "_")
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def is_year(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 2999


def number(value: Any, language: str, decimals: int | None = None) -> str:
    """'1,440' (en), '1 440' (fr), '−802' (the typeset minus, U+2212); whole floats print
    without decimals, and a value that rounds to zero without a sign."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    loc = locale_for(language)
    # babel quantizes in the decimal context: the default 28 digits fail above ~1e25
    with decimal.localcontext(decimal.Context(prec=400)):
        if decimals is not None:
            fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
            text = babel.numbers.format_decimal(value, format=fmt, locale=loc)
        else:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            text = babel.numbers.format_decimal(value, locale=loc)
    return typeset_sign(text, loc)


def excel_format(values, language: str) -> str:
    """The Excel number format that writes ``values`` as ``number`` does: as many decimals as
    the most precise of them needs (up to three), the locale's minus sign ('#,##0.0;"−"#,##0.0')."""
    decimals = 0
    for v in values:
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            text = f"{round(v, 3):.3f}".rstrip("0")
            decimals = max(decimals, len(text.split(".")[1]) if "." in text else 0)
    body = "#,##0" + ("." + "0" * decimals if decimals else "")
    minus = number(-1, language)[:-1]  # the locale's typeset minus sign
    return f'{body};"{minus}"{body}'


# Named date styles and their patterns when a spec carries none (the locale files set them).
DEFAULT_DATES = {"day": "d MMMM y", "day_medium": "d MMM y", "day_short": "d MMM", "month": "MMMM y",
                 "month_short": "MMM y", "quarter": "QQQQ y", "quarter_short": "QQQ y", "year": "y"}


def pattern(spec_or_dates, style: str) -> str:
    """The CLDR pattern of a named date style ("day", "month_short"...) for a chart spec."""
    dates = dict(getattr(spec_or_dates, "dates", spec_or_dates) or ())
    return str(dates.get(style) or DEFAULT_DATES.get(style, style))


def date(value: _dt.date, language: str, pattern: str = "d MMM y", first_of_month: str = "") -> str:
    """``value`` in a CLDR pattern; ``first_of_month`` replaces the day number 1 where the
    language writes it otherwise (French: '1er juillet')."""
    from ..locale import format_date

    return format_date(value, pattern, language if _known(language) else "en", first_of_month)


def date_in(spec_or_dates, value: _dt.date, language: str, style: str) -> str:
    """``value`` in a named style of a spec's (or a style's) date patterns."""
    dates = dict(getattr(spec_or_dates, "dates", spec_or_dates) or ())
    return date(value, language, pattern(dates, style), str(dates.get("first_of_month") or ""))


@lru_cache(maxsize=32)
def _known(language: str) -> bool:
    try:
        Locale.parse((language or "en").replace("-", "_"))
        return True
    except (UnknownLocaleError, ValueError):
        return False


def category(value: Any, language: str) -> str:
    """A category label: years and strings as they are, numbers localised, dates in full."""
    if isinstance(value, str):
        return value
    if is_year(value):
        return str(value)
    if isinstance(value, _dt.date):
        return date(value, language, DEFAULT_DATES["day"])
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


_BREAKABLE = re.compile(r"[ \t\n\r\f\v]+")


def words(text: str) -> list[str]:
    """Split at breakable spaces only: no-break spaces (1\u00a0440, «\u202fx\u202f») hold."""
    return [w for w in _BREAKABLE.split(text) if w]


# -- typographic quotes and spaces -------------------------------------------------------
# The language's marks and spaces come from its locale file (``typography``), as the prose's do:
# one table, read through ``textfmt.builtin_typography``.
_OPENS_AFTER = set(" \t\n\u00a0\u202f([{\u2014\u2013/-")  # a quote after these (or at the start) opens


def typographic(text: str, language: str) -> str:
    """Straight quotes and apostrophes as typeset ones: '"Azawad"' -> '“Azawad”' (en),
    '« Azawad »' (fr: narrow no-break spaces); "N'Djamena" -> 'N’Djamena' in any language.

    Idempotent, and a no-op on text without straight quotes (the common case).
    """
    if not isinstance(text, str):
        return text
    from ..textfmt import builtin_typography

    rules = builtin_typography(_tag(language))
    if not any(q in text for q in "\"'«»"):
        return rules.apply(text)
    od, cd, os_, cs = rules.quotes
    out: list[str] = []
    closing: set[int] = set()  # single quotes already paired with an opening one
    n = len(text)
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        opens = prev in _OPENS_AFTER
        if ch == '"':
            out.append(od if opens else cd)
        elif ch != "'":
            out.append(ch)
        elif i in closing:
            out.append(cs)
        elif opens and not nxt.isspace() and not nxt.isdigit():
            # an opening single quote if a closing one ends a later word; else an elision ('tis)
            end = next((k for k in range(i + 2, n) if text[k] == "'" and not text[k - 1].isspace()
                        and (k + 1 == n or not text[k + 1].isalnum())), None)
            if end is not None:
                closing.add(end)
                out.append(os_)
            else:
                out.append("’")
        else:
            out.append("’")  # apostrophe: N’Djamena, Canada’s, ’90s
    return rules.apply("".join(out))  # guillemets typed with or without a space take the language's


def _tag(language: str) -> str:
    """A tag the locale files know: 'fr_CA' -> 'fr-CA'; none -> English."""
    return (language or "en").replace("_", "-")


def typographic_spec(spec):
    """``spec`` with every text a chart may draw typeset (cells, labels, titles, text options),
    so that widths are measured on the text as drawn. Options that name a category are
    converted too, so they still match their (converted) category."""
    from dataclasses import replace

    lang = spec.language

    def conv(v):
        if isinstance(v, str):
            return typographic(v, lang)
        if isinstance(v, (tuple, list)) and any(
            isinstance(x, str) or (isinstance(x, (tuple, list)) and any(isinstance(y, str) for y in x)) for x in v
        ):  # strings, or records holding strings (map shapes); never the coordinate rings
            return type(v)(conv(x) for x in v)
        return v

    rows = tuple(tuple(conv(c) if isinstance(c, str) else c for c in row) for row in spec.table.rows)
    return replace(
        spec,
        table=replace(spec.table, rows=rows),
        labels=tuple((k, conv(v)) for k, v in spec.labels),
        title=conv(spec.title),
        x_label=conv(spec.x_label),
        y_label=conv(spec.y_label),
        options=tuple((k, v if k == "template_look" else conv(v)) for k, v in spec.options),  # style.TEMPLATE_LOOK: paths, colours
    )
