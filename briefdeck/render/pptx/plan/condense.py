"""Shorter forms of the source's words for a slide: sentences, a bullet from a paragraph, a condensed
bio, titles cut where a clause ends. The language's abbreviations and the words that start a
clause or join a list come from the locale file (``deck.condense``), not from here."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Optional, Sequence

from ....dataclass_code import dataclass
from ....model import Span, Text
from ....typography import fold_spaces, words as split_words


@dataclass(frozen=True)
class Words:
    """What the language's sentences and lists look like, for cutting them (locale ``deck.condense``)."""

    abbreviations: frozenset[str]  # lower case, without their final full stop: "dr", "u.s"
    clause_words: frozenset[str]  # a comma before one of these ends a clause: "and", "but"
    list_words: tuple[str, ...]  # the words that join the last items of a list: "and", "or"

    @classmethod
    def of(cls, locale) -> "Words":
        node = locale.section("deck").get("condense") or {}
        return cls(frozenset(w.lower() for w in node.get("abbreviations", ())),
                   frozenset(w.lower() for w in node.get("clause_words", ())), tuple(node.get("list_words", ())))

    @staticmethod
    @lru_cache(maxsize=1)
    def builtin() -> "Words":
        """The built-in English words: for callers that plan no particular document (tests, scripts)."""
        from ....assets import Assets
        from ....locale import load_locale

        return Words.of(load_locale(Assets(), "en"))


def short_text(text: str, n: int = 60) -> str:
    """A text for a message: at most ``n`` characters, cut at a word."""
    if len(text) <= n:
        return text
    return text[:n].rsplit(" ", 1)[0].rstrip(" ,;:…") + " …"


def sentences(text: str, words: Optional[Words] = None) -> list[str]:
    """Sentences of a paragraph: split after . ! ? … before a capital or digit, but not after an initial
    ("Christopher H. Smith") or one of the language's abbreviations ("Dr.", "U.S.")."""
    abbreviations = (words or Words.builtin()).abbreviations
    text = fold_spaces(text)  # keeps the language's no-break spaces
    out, start = [], 0
    for m in re.finditer(r"[.!?…][”’\"»)]*\s+(?=[«“‘\"(]?[A-Z0-9À-Ý])", text):
        head = text[start:m.start() + 1]
        last = re.search(r"(\S+)$", head[:-1] if head.endswith(".") else head)
        word = last.group(1).rstrip(".").lower() if last else ""
        if head.endswith(".") and (re.fullmatch(r"[A-Za-z]", word or "") or word in abbreviations
                                   or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word)):
            continue
        out.append(text[start:m.end()].strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def derive_bullet(text: str, max_words: int, words: Optional[Words] = None) -> str:
    """A slide line from a paragraph: its first sentence, shortened at a clause if long.

    The full paragraph is always in the notes, so shortening loses nothing from the deck.
    """
    first = (sentences(text, words) or [text])[0]
    tokens = split_words(first)
    if len(tokens) <= max_words:
        return first
    head = " ".join(tokens[:max_words])
    cut = max(head.rfind(", "), head.rfind("; "), head.rfind(" – "), head.rfind(": "))
    if cut > len(head) // 3:
        return head[:cut].rstrip(",;:– ") + " …"
    return head.rstrip(",;:– ") + " …"


def condensed(text: str, max_words: int, words: Optional[Words] = None) -> str:
    """Whole sentences from the start of ``text`` within ``max_words`` (at least the first, cut at a
    clause if it alone is longer)."""
    parts = sentences(text, words)
    if not parts:
        return ""
    out, n = [], 0
    for s in parts:
        w = len(s.split())
        if out and n + w > max_words:
            break
        out.append(s)
        n += w
    return " ".join(out) if n <= max_words else derive_bullet(out[0], max_words, words)


def clause_cuts(text: str, words: Optional[Words] = None) -> list[str]:
    """Shorter forms of a statement that end where a clause ends, longest first.

    Cuts at a sentence end, a semicolon, colon or dash, and at a comma only when what follows it is
    a clause or an aside (", and first among …", ", 2013–2023"), never inside a list ("Mauritania,
    Burkina Faso, Niger and Chad"), so a shortened title still says something true.
    """
    words = words or Words.builtin()
    text = fold_spaces(text)  # keeps the language's no-break spaces
    cuts = []
    # at breakable spaces only: a no-break space holds a date or a number together ("September 7, 2016")
    for m in re.finditer(r"(?<=[.!?…])[ \t\n]+|;[ \t\n]+|:[ \t\n]+|[ \t\n]+[–—][ \t\n]+|,[ \t\n]+", text):
        head, tail = text[:m.start()].rstrip(" ,;:–—"), text[m.end():]
        if len(head.split()) < 4:
            continue
        if m.group().startswith(","):
            first = tail.split(" ", 1)[0].lower()
            if first not in words.clause_words and any(f" {w} " in f" {tail} " for w in words.list_words):
                continue
        cuts.append(head)
    return sorted(set(cuts), key=len, reverse=True)


def lead(text: str, words: Optional[Words] = None) -> str:
    """A statement's lead: its first sentence, up to its first semicolon, colon or dash when what comes
    before says something whole (four words or more). Never cut at a comma: "A standing UN service,
    deployed after the coup, would have…" cut there says nothing."""
    first = (sentences(text, words) or [text])[0]
    m = re.search(r";\s+|:\s+|\s+[–—]\s+", first)
    if m and len(first[:m.start()].split()) >= 4:
        return first[:m.start()].rstrip(" ,;:–—")
    return first


def cut_spans(spans: Sequence[Span], text: str) -> tuple[Span, ...]:
    """The spans of a text that starts with ``text``, cut to its length (their bold and italics kept)."""
    out, left = [], len(text)
    for sp in spans:
        if left <= 0:
            break
        out.append(replace(sp, text=sp.text[:left]))
        left -= len(sp.text)
    return tuple(x for x in out if x.text)


def word_cuts(text: str) -> list[str]:
    """The last resort for a title no box holds: cut at a word, marked with an ellipsis, longest first."""
    tokens = split_words(text)
    return [" ".join(tokens[:n]).rstrip(",;:–—") + " …" for n in range(len(tokens) - 1, 1, -1)]


def plain_paras(texts: Sequence[Text]) -> str:
    return "\n\n".join(t.plain.strip() for t in texts if t)
