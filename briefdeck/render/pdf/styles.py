"""Paragraph styles built from the theme's ``brief`` settings (nothing typographic in code)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Optional

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from ...theme import Theme
from .fonts import Fonts
from .linebreak import Gate, LineSetting
from .patterns import in_use, pyphen_for

ALIGN = {"justify": TA_JUSTIFY, "left": TA_LEFT}


class Hyphenator:
    """Where a word may break at a line end, for reportlab's ``hyphenationLang`` (called with
    a word, it yields (head, tail) pairs, the longest head first).

    pyphen's TeX patterns, with three rules on top: words in the theme's exception list break
    only where the list says (the patterns are wrong on many compounds of this field:
    "coun-tert-er-ror-ism"); a word with a capital letter (a proper name, an acronym, the
    first word of a sentence) or a digit never breaks; nor does a word shorter than
    ``min_word``, nor one longer than ``MAX_WORD`` (not a word: a run of characters, which
    reportlab breaks anywhere; trying each of its thousands of points costs time squared)."""

    MAX_WORD = 64

    def __init__(self, dic, exceptions: dict[str, tuple[int, ...]], min_word: int, load: Optional[Callable[[], Any]] = None):
        self._dic, self._load = dic, load  # the patterns (pyphen.Pyphen), or what reads them when a word first needs them
        self.exceptions = exceptions  # word -> break positions
        self.min_word = min_word

    @property
    def dic(self):
        """The patterns, read the first time a word asks for its points: a build whose paragraphs all
        break as kept (breakmemo.py: a prose edit's) never reads them (7-10 ms)."""
        if self._dic is None and self._load is not None:
            self._dic = self._load()
        return self._dic

    def points(self, word: str) -> list[int]:
        if not self.min_word <= len(word) <= self.MAX_WORD or not word.isalpha() or not word.islower():
            return []
        known = self.exceptions.get(word)
        if known is None:  # an inflected form of a listed word ("ceasefires"): its breaks only
            stems = [w for w in self.exceptions if word.startswith(w) and len(word) - len(w) <= 3]
            if stems:
                known = self.exceptions[max(stems, key=len)]
        if known is not None:
            return [p for p in known if 3 <= p <= len(word) - 3]
        return list(self.dic.positions(word))

    def __call__(self, word: str):
        for p in sorted(self.points(word), reverse=True):
            yield word[:p], word[p:]


def _exception_points(entries) -> dict[str, tuple[int, ...]]:
    out = {}
    for e in entries:
        parts = e.split("-")
        word = "".join(parts).lower()
        pos, at = [], 0
        for part in parts[:-1]:
            at += len(part)
            pos.append(at)
        out[word] = tuple(pos)
    return out


def hyphenator(language: str, patterns: tuple = (), exceptions: tuple = (), min_word: int = 7,
               cache_dir: Optional[Path] = None) -> Optional[Hyphenator]:
    """``_hyphenator``, made once per process; its patterns' cache entry is in use by every build."""
    hy = _hyphenator(language, patterns, exceptions, min_word, cache_dir)
    if hy is not None:
        in_use(hy.lang, cache_dir)
    return hy


@lru_cache(maxsize=8)
def _hyphenator(language: str, patterns: tuple = (), exceptions: tuple = (), min_word: int = 7,
                cache_dir: Optional[Path] = None) -> Optional[Hyphenator]:
    """The hyphenator for a BCP 47 tag, or None when pyphen or its patterns are missing.

    ``patterns`` maps tags or primary subtags to pyphen dictionaries (the theme's choice:
    pyphen's plain "en" is British, and its breaks such as "mil-it-ary" look wrong in Canada);
    ``exceptions`` maps them to words written with their only allowed breaks ("peace-keep-ing");
    ``cache_dir``: where the parsed patterns are kept (patterns.py)."""
    try:
        import pyphen
    except ImportError:
        return None
    chosen = dict(patterns)
    want = chosen.get(language) or chosen.get(language.split("-")[0]) or language.replace("-", "_")
    lang = pyphen.language_fallback(want)
    if not lang:
        return None
    listed = dict(exceptions)
    words = listed.get(language) or listed.get(language.split("-")[0]) or ()
    hy = Hyphenator(None, _exception_points(words), min_word, load=lambda: pyphen_for(lang, cache_dir))
    hy.lang = lang
    hy.fingerprint = (language, patterns, exceptions, min_word, lang)  # what it breaks by, in this process (breakmemo.py)
    return hy


def line_setting(node: dict, justified: bool) -> LineSetting:
    """How a style hyphenates (``hyphenation`` in its theme node; see linebreak.py)."""
    h = node.get("hyphenation", {})
    return LineSetting(justified=justified, loose_space=h.get("loose_space", 1.45), rag_short=h.get("rag_short", 0.14),
                       max_share=h.get("max_share", 0.1), max_run=h.get("max_run", 2),
                       runt_letters=h.get("runt_letters", 6), hyphen_penalty=h.get("penalty", 100.0),
                       shrink=h.get("shrink", 0.2), total_fit=h.get("total_fit", True),
                       tolerance=h.get("tolerance", 2.5), emergency_shrink=h.get("emergency_shrink", 0.34),
                       ragged_over=h.get("ragged_over", 3.0))


def _merged(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merged(base.get(k), v)
        return out
    return over


class Styles:
    """Look-ups into ``brief.*``: colours, fonts and paragraph styles."""

    def __init__(self, theme: Theme, fonts: Fonts, language: str, overrides: Optional[dict] = None,
                 cache_dir: Optional[Path] = None):
        self.theme = theme
        self.cache_dir = cache_dir  # where derived data is kept (the hyphenation patterns)
        self.fonts = fonts
        self.language = language
        self.overrides = overrides or {}  # settings of one layout over the theme's (single_column.styles)
        self._cache: dict[str, ParagraphStyle] = {}

    def get(self, key: str) -> Any:
        value = self.theme.get(f"brief.{key}")
        node: Any = self.overrides
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return value
            node = node[part]
        return _merged(value, node)

    def hex(self, name: str) -> str:
        return self.theme.colour(name)

    def colour(self, name: str):
        return HexColor(self.hex(name))

    def font(self, node: dict) -> str:
        return self.fonts.family(node["font"]).style(node.get("style", "regular"))

    def para(self, key: str, node: Optional[dict] = None, **over: Any) -> ParagraphStyle:
        """A paragraph style from the settings at ``brief.<key>`` (or ``node``)."""
        cache_key = key + repr(sorted(over.items()))
        if node is None and cache_key in self._cache:
            return self._cache[cache_key]
        n = dict(node if node is not None else self.get(key))
        size = n["size"]
        attrs = dict(
            fontName=self.font(n), fontSize=size, leading=n.get("leading", size * 1.3),
            textColor=self.colour(n.get("colour", "text")),
            spaceBefore=n.get("space_before", 0), spaceAfter=n.get("space_after", 0),
            alignment=ALIGN[n.get("align", "left")], allowWidows=0, allowOrphans=0,
            splitLongWords=1, uriWasteReduce=0.3,
            bulletFontName=self.font(n), bulletFontSize=size,  # the default bullet font is Helvetica
        )
        if n.get("caps"):
            attrs["textTransform"] = "uppercase"
        if n.get("hyphenate"):
            # one choice of patterns for the document: a style that names none takes the body's
            # (key messages were hyphenated with British patterns in a Canadian brief)
            patterns = n.get("hyphen_patterns") or self.get("body").get("hyphen_patterns", {})
            hy = hyphenator(self.language, tuple(sorted(patterns.items())),
                            tuple((k, tuple(v)) for k, v in sorted(self.get("hyphen_exceptions").items())),
                            n.get("hyphen_min_word", 7), self.cache_dir)
            if hy:
                attrs["hyphenationLang"] = Gate(hy, line_setting(n, attrs["alignment"] == TA_JUSTIFY))
                attrs["hyphenationMinWordLength"] = n.get("hyphen_min_word", 7)
            else:  # justified text without hyphenation opens rivers: set it ragged instead
                attrs["alignment"] = TA_LEFT
        attrs.update(over)
        style = ParagraphStyle(key, **attrs)
        style.line_setting = line_setting(n, style.alignment == TA_JUSTIFY)  # runts (linebreak.py)
        if node is None:
            self._cache[cache_key] = style
        return style
