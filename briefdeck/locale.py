"""A document's language: its words, date patterns and number formats, from locale files.

Labels live in data files, not code (as docutils keeps ``languages/<lang>.py``):
``briefdeck/builtin/locales/<tag>.yaml``, and a project may add or override one in
``assets/locales/``. A tag's file extends its language's file, which extends English:
``en-US`` = en.yaml + en-US.yaml; ``fr-CA`` = en.yaml + fr.yaml (+ fr-CA.yaml if any). So a
new language needs only the words it translates, and a region only what differs (en-US
writes "April 25, 2018" where en-GB and en-CA write "25 April 2018").

Pure Python (babel, pyyaml): the loader, both renderers and the charts' alt text use it.
"""
from __future__ import annotations

import datetime as _dt
import decimal
import re
import unicodedata
from dataclasses import field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any


from .dataclass_code import dataclass
from .errors import ThemeError
from .yamlsafe import read_settings

_DECIMAL_DIGITS = 400  # babel rounds through decimal.Decimal, whose default 28 digits fail above ~1e25


def chain(tag: str) -> list[str]:
    """Locale file names from general to specific: 'fr-CA' -> ['en', 'fr', 'fr-CA']."""
    tag = tag.replace("_", "-")
    lang = tag.split("-")[0].lower()
    out = ["en"]
    if lang != "en":
        out.append(lang)
    if tag.lower() != lang:
        out.append(tag)
    return out


def locale_files(assets, tag: str) -> list[Path]:
    return [p for p in (assets.find(f"locales/{name}.yaml") for name in chain(tag)) if p is not None]


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


@lru_cache(maxsize=32)
def _read(path: Path, stamp: tuple, shown: str) -> dict:
    return read_settings(path, shown, "locale file", ThemeError)


@dataclass(frozen=True)
class Locale:
    """The words and formats of one language tag (BCP 47, e.g. "en-CA")."""

    tag: str
    data: dict = field(repr=False)
    files: tuple[Path, ...] = ()

    # -- words -------------------------------------------------------------------------
    def text(self, dotted: str, **fields: Any) -> str:
        """The phrase at ``section.key`` with ``{fields}`` filled in."""
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ThemeError(f"locale {self.tag} has no phrase '{dotted}' — add it to briefdeck/builtin/locales/en.yaml "
                                 f"(or assets/locales/{self.tag.split('-')[0]}.yaml)")
            node = node[part]
        return str(node).format(**fields) if fields else str(node)

    def section(self, name: str) -> dict:
        return dict(self.data.get(name, {}))

    def role(self, role: str, plural: bool = False) -> str:
        names = self.data.get("roles", {}).get(role)
        if not names:
            return role.replace("_", " ").capitalize()
        return str(names[1] if plural and len(names) > 1 else names[0])

    # -- typography (the ``typography`` section; presentation-neutral: the loader, charts and words use it)
    @cached_property
    def typography(self):
        from .typography import Typography

        try:
            months = tuple(self.babel.months["format"]["wide"].values())
        except Exception:  # a tag babel does not know is reported by the loader; its prose has no dates to hold
            months = ()
        return Typography.from_locale(self.data.get("typography"), months)

    def typeset(self, text: str) -> str:
        """``text`` with the language's spaces and marks (an author's own no-break spaces kept)."""
        return self.typography.apply(text) if isinstance(text, str) else text

    def quote(self, text: str) -> str:
        """``text`` in the language's quotation marks: “…” (en), « … » (fr)."""
        return self.typography.quote(text)

    def role_in_text(self, label: str) -> str:
        """A role word as it reads after a name and a comma: 'Christel Colin, témoin' in French
        (``typography.role_in_text: lower``), as written in English. A label whose second letter
        is a capital (an acronym: 'UN envoy' stays) is left alone."""
        rule = str(self.data.get("typography", {}).get("role_in_text", "as_written"))
        if rule == "lower" and label[:1].isupper() and not label[1:2].isupper():
            return label[0].lower() + label[1:]
        return label

    def definite(self, name: str) -> str:
        """An institution's name with its definite article where the language needs one
        ('l’Assemblée nationale', 'le Sénat'), from ``typography.articles``; as written otherwise
        (English; a name that already starts with an article; a person's name)."""
        articles = self.data.get("typography", {}).get("articles") or {}
        first = name.split(maxsplit=1)[0] if name.strip() else ""
        article = articles.get(first) if isinstance(articles, dict) else None
        return f"{article}{name}" if article else name

    def join(self, items: list[str]) -> str:
        """'a, b and c' / 'a, b et c': the list with the locale's ``shared.list_and``."""
        items = [str(i) for i in items]
        if len(items) < 2:
            return "".join(items)
        return ", ".join(items[:-1]) + self.text("shared.list_and") + items[-1]

    def figure_refs(self, numbers: list[int]) -> str:
        """Figures cited together as the language writes them: 'Figures 1 and 2' (en), 'figures 1 et 2' (fr)."""
        if len(numbers) == 1:
            return self.text("shared.figure_ref", n=numbers[0])
        return self.text("shared.figures_ref", list=self.join([str(n) for n in numbers]))

    # -- dates and numbers -------------------------------------------------------------
    @property
    def babel(self):
        return babel_locale(self.tag)

    def pattern(self, style: str) -> str:
        return str(self.data.get("dates", {}).get(style, style))

    def date(self, d: _dt.date, style: str = "day") -> str:
        """``d`` in a named style of the locale's ``dates`` (day, day_short, month, month_short),
        with the language's no-break spaces ('7 décembre 2023')."""
        text = format_date(d, self.pattern(style), self.tag, self.data.get("dates", {}).get("first_of_month") or "")
        space = self.typography.date_space
        return text.replace(" ", space) if space else text

    def number(self, v: Any, decimals: Any = None) -> str:
        """'1,440' (en), '1 440' (fr); with ``decimals``, rounded to that many digits, all shown ('2.50')."""
        if decimals is None:
            return self.typography.apply(format_number(v, self.tag), keep_typed=False)
        from babel.numbers import format_decimal

        with decimal.localcontext(decimal.Context(prec=_DECIMAL_DIGITS)):
            text = format_decimal(v, format="#,##0" + ("." + "0" * decimals if decimals else ""), locale=self.babel)
        return self.typography.apply(typeset_sign(text, self.babel), keep_typed=False)

    def percent(self, v: float, decimals: Any = None) -> str:
        from babel.numbers import format_percent

        fmt = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
        with decimal.localcontext(decimal.Context(prec=_DECIMAL_DIGITS)):
            text = format_percent(v, locale=self.babel) if fmt is None else format_percent(v, format=fmt, locale=self.babel)
            return self.typography.apply(typeset_sign(text, self.babel), keep_typed=False)

    def date_patterns(self) -> tuple[tuple[str, str], ...]:
        """The date patterns as sorted pairs (carried by chart specs, so charts need no files)."""
        return tuple(sorted((str(k), str(v)) for k, v in self.data.get("dates", {}).items()))


@lru_cache(maxsize=64)
def babel_locale(tag: str):
    from babel import Locale as BabelLocale

    from . import babelkept

    found = BabelLocale.parse(tag.replace("-", "_"))
    babelkept.recall(str(found))  # its data kept merged by an earlier build, when babel's files are the same
    return found


def format_date(d: _dt.date, pattern: str, tag: str, first_of_month: str = "") -> str:
    from babel.dates import format_date as _fmt

    text = _fmt(d, pattern, locale=babel_locale(tag))
    if first_of_month and d.day == 1 and pattern.startswith("d ") and text.startswith("1 "):
        text = first_of_month + text[1:]  # French: "1er juillet"
    return text


def format_number(v: Any, tag: str) -> str:
    """'−1,440' (en), '−1 440' (fr): babel's digits and separators, the locale's minus sign."""
    from babel.numbers import format_decimal

    if isinstance(v, float) and v.is_integer():
        v = int(v) if abs(v) < 2**53 else decimal.Decimal(repr(v))  # 1e+30 -> "1,000,...", not its binary expansion
    with decimal.localcontext(decimal.Context(prec=_DECIMAL_DIGITS)):
        return typeset_sign(format_decimal(v, locale=babel_locale(tag)), babel_locale(tag))


_LEADING_SIGN = re.compile(r"^([^\d]*?)-")


@lru_cache(maxsize=64)
def minus_sign(loc) -> str:
    """The sign a negative number takes in a babel locale, as typeset.

    The locale's own minus (CLDR ``minusSign``: U+2212 in Swedish or Finnish, with a
    left-to-right mark in Persian) and, where CLDR gives the typewriter's hyphen-minus (English,
    French...), the MINUS SIGN U+2212 that typesetting puts in its place: as wide as the plus
    sign and the figures, on the maths axis, so "−802" reads as a number, not a hyphenated word.
    """
    from babel.numbers import get_minus_sign_symbol

    return get_minus_sign_symbol(loc).replace("-", "\u2212")


def typeset_sign(text: str, loc) -> str:
    """A number babel formatted (it always writes '-') with the locale's typeset minus sign;
    none on a value that rounded to zero ('-0', '-0.0')."""
    if "-" not in text:
        return text
    if not any(ch.isdigit() and unicodedata.digit(ch, 0) for ch in text):
        return _LEADING_SIGN.sub(lambda m: m.group(1), text, count=1)
    return _LEADING_SIGN.sub(lambda m: m.group(1) + minus_sign(loc), text, count=1)


def load_locale(assets, tag: str) -> Locale:
    """The merged locale of ``tag`` from the built-in and project locale files."""
    files = locale_files(assets, tag)
    if not files:
        raise ThemeError("no locale files found (briefdeck/builtin/locales/en.yaml is missing) — reinstall briefdeck")
    data: dict = {}
    for f in files:
        st = f.stat()
        data = _merge(data, _read(f, (st.st_mtime_ns, st.st_size), assets.shown(f) if hasattr(assets, "shown") else str(f)))
    return Locale(tag, data, tuple(files))
