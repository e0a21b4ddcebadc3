"""Locale-aware dates and numbers, and inline markup -> ``Span`` runs.

Inline strings are CommonMark inline syntax parsed by markdown-it-py (emphasis, links;
raw HTML off) with its typographer for quotes, dashes and ellipses, so authors can type
straight quotes and ``--`` and still get typeset text. Dates follow the document's language
("25 April 2018", "25 avril 2018") via Babel, never raw ISO strings.
"""
from __future__ import annotations

import datetime as _dt
import decimal
import re
from functools import lru_cache
from typing import Optional

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_percent
from markdown_it import MarkdownIt

from .model import Loc, Span, Text
from .typography import Typography, fold_spaces

# Day-month-year reads unambiguously in English and French alike (DESIGN.md: "25 April 2018").
DATE_PATTERN = "d MMMM y"
_DECIMAL_DIGITS = 400  # every float (up to 1.8e308) with its decimals
# A number followed by a unit stays on one line: "250 personnel" may break, "4,000 h" may not.
_UNIT = re.compile(r"(?<=\d) (?=(?:km|kg|lb|m|mm|cm|h|%|per cent|USD|CAD|EUR|\$)\b)")


def quote_marks(language: str) -> tuple[str, str, str, str]:
    """(open double, close double, open single, close single) in the language's usage: the
    ``typography.quotes`` of its built-in locale files (one table for prose, charts and deck)."""
    return builtin_typography(language).quotes


def babel_locale(language: str) -> Locale:
    return Locale.parse(language.replace("-", "_"))


def format_day(d: _dt.date, language: str) -> str:
    return format_date(d, DATE_PATTERN, locale=babel_locale(language))


def format_number(v: float, language: str) -> str:
    from .locale import format_number as _format  # one rule for every number a reader sees

    return _format(v, language)


def format_percentage(v: float, language: str) -> str:
    from .locale import typeset_sign

    with _wide_decimals():
        return typeset_sign(format_percent(v, locale=babel_locale(language)), babel_locale(language))


def _wide_decimals():
    """Babel rounds through decimal.Decimal, whose default 28 digits fail above ~1e25."""
    ctx = decimal.Context(prec=_DECIMAL_DIGITS)
    return decimal.localcontext(ctx)


@lru_cache(maxsize=8)
def _parser(quotes: tuple[str, str, str, str]) -> MarkdownIt:
    md = MarkdownIt("zero", {"typographer": True, "quotes": list(quotes), "linkify": False})
    # every link is parsed, whatever its target: the loader checks targets and refuses the unsafe
    # ones with a located error (markdown-it would silently print them as text)
    md.validateLink = lambda url: True
    # ... as the author wrote them (after backslash escapes and entities): the loader checks that,
    # then writes the target normalised (links.normalise: percent-encoded, punycode hosts)
    md.normalizeLink = lambda url: url
    return md.enable(["emphasis", "link", "escape", "replacements", "smartquotes", "newline", "entity"])


def parse_inline(source: str, language: str, loc: Loc, typography: Optional[Typography] = None) -> Text:
    """Markdown inline text -> Text of spans (bold/italic/link), typographically set: the
    language's quotation marks and no-break spaces (``typography``, from the locale file; the
    author's own no-break spaces kept), a number held to its unit."""
    rules = typography or builtin_typography(language)
    tokens = _parser(rules.quotes).parseInline(fold_spaces(source))  # an author's no-break spaces kept
    spans: list[Span] = []
    bold = italic = 0
    href: str | None = None
    for tok in tokens[0].children or () if tokens else ():
        t = tok.type
        if t == "text":
            if tok.content:
                before = spans[-1].text[-1:] if spans and spans[-1].text else ""
                spans.append(Span(rules.apply(_UNIT.sub("\u00a0", tok.content), before), bold > 0, italic > 0, href))
        elif t in ("softbreak", "hardbreak"):
            spans.append(Span(" ", bold > 0, italic > 0, href))
        elif t == "strong_open":
            bold += 1
        elif t == "strong_close":
            bold -= 1
        elif t == "em_open":
            italic += 1
        elif t == "em_close":
            italic -= 1
        elif t == "link_open":
            href = tok.attrs.get("href")
        elif t == "link_close":
            href = None
        else:  # anything else is shown as written, never interpreted
            spans.append(Span(tok.content, bold > 0, italic > 0, href))
    return Text(tuple(_merge(spans)), loc)


@lru_cache(maxsize=16)
def builtin_typography(language: str) -> Typography:
    """The typography of the built-in locale files for ``language`` (for text set without a
    document's Locale at hand: chart labels, tests)."""
    from .assets import Assets
    from .locale import load_locale

    return load_locale(Assets(None), language).typography


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s in spans:
        if out and (out[-1].bold, out[-1].italic, out[-1].href) == (s.bold, s.italic, s.href):
            out[-1] = Span(out[-1].text + s.text, s.bold, s.italic, s.href)
        else:
            out.append(s)
    return out


def escape_markdown(text: str) -> str:
    """Make a computed value safe to splice into inline markup."""
    return re.sub(r"([\\`*_\[\]()#+!<>{}])", r"\\\1", text)
