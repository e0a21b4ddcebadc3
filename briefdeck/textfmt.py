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
def _parser(quotes: tuple[str, str, str, str]):
    from markdown_it import MarkdownIt  # here: most texts are read by ``_plain_tokens`` (13-18 ms of import)

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
    folded = fold_spaces(source)  # an author's no-break spaces kept
    tokens = _plain_tokens(folded)
    if tokens is None:
        parsed = _parser(rules.quotes).parseInline(folded)
        tokens = [(tok.type, tok.content, tok.attrs.get("href") if tok.type == "link_open" else None)
                  for tok in (parsed[0].children or () if parsed else ())]
    spans: list[Span] = []
    bold = italic = 0
    href: str | None = None
    for t, content, target in tokens:
        if t == "text":
            if content:
                before = spans[-1].text[-1:] if spans and spans[-1].text else ""
                spans.append(Span(rules.apply(_UNIT.sub("\u00a0", content), before), bold > 0, italic > 0, href))
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
            href = target
        elif t == "link_close":
            href = None
        else:  # anything else is shown as written, never interpreted
            spans.append(Span(content, bold > 0, italic > 0, href))
    return Text(tuple(_merge(spans)), loc)


# What markdown-it (``_parser``) would act on in a text run: a character one of its inline rules
# starts at (emphasis, links, backslash escapes, entities; NUL, which it replaces), a straight quote
# (smart quotes), or what its typographer replaces (a superset of its RARE_RE and SCOPED_ABBR_RE).
_MARKUP = re.compile(r"[*_\[\]\\&'\"\x00]|\+-|\.\.|\?\?|!!|,,|--|\((?:c|tm|r|p)\)", re.IGNORECASE)
# ``**words**`` and ``[label](target)`` in their plainest forms (checked further in _plain_tokens)
_PLAIN_PIECE = re.compile(r"\*\*([^*]+)\*\*|\[([^\[\]]+)\]\(([^\x00-\x20\x7f-\xa0()<>\\&'\"]+)\)")
_ENDS_STRONG = " .,;:!?)"  # after a closing ``**``: the end, a space or ASCII punctuation (it only closes)


def _plain_tokens(text: str) -> Optional[list[tuple[str, str, Optional[str]]]]:
    """The (type, content, link target) of the tokens markdown-it makes of ``text`` (folded) when it
    holds only text runs it leaves as they are, ``**strong**`` opened after a space (or at the start)
    before a letter or digit and closed after one, and ``[label](target)`` links with a plain label
    and a target without spaces, brackets, quotes, escapes or entities; None for anything else,
    which markdown-it reads. Most of a source's texts are such, so a build whose texts all are never
    imports markdown-it (tests/test_plain_markup.py compares both on every example and on random
    texts)."""
    out: list[tuple[str, str, Optional[str]]] = []
    at = 0
    for piece in _PLAIN_PIECE.finditer(text):
        run = text[at:piece.start()]
        if _MARKUP.search(run):
            return None
        if run:
            out.append(("text", run, None))
        strong, label, target = piece.groups()
        inner = strong if strong is not None else label
        if _MARKUP.search(inner) or inner != inner.strip(" \u00a0\u202f\u2009"):
            return None
        if strong is not None:
            if (piece.start() and text[piece.start() - 1] != " ") or not (strong[0].isalnum() and strong[-1].isalnum()) \
                    or (piece.end() < len(text) and text[piece.end()] not in _ENDS_STRONG):
                return None
            out += [("strong_open", "", None), ("text", strong, None), ("strong_close", "", None)]
        else:
            out += [("link_open", "", target), ("text", label, None), ("link_close", "", None)]
        at = piece.end()
    run = text[at:]
    if _MARKUP.search(run):
        return None
    if run:
        out.append(("text", run, None))
    return out


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
