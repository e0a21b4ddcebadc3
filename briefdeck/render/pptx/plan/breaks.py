"""Where a slide title's lines may not break, by the rules of the document's language (locale
``deck.title_breaks``): never inside a date ("31 March 2018", "April 25, 2018"), never right after
a dash or a word's hyphen ("2018– / 2019", "March 2012 – / February 2013", "low- / risk"), never
before a one-word last line. The
title is given no-break spaces (U+00A0) and, after a dash between two words, a word joiner
(U+2060) there; the measurer keeps such words together as the viewers do, so a title is fitted
as it will break. An author's own no-break spaces stay."""
from __future__ import annotations

import re
from typing import Optional

from ....dataclass_code import dataclass

NBSP, JOINER = "\u00a0", "\u2060"


@dataclass(frozen=True)
class TitleBreaks:
    dates: Optional[re.Pattern]  # a date's words, in the language's month names
    after_dash: bool
    last_words: int  # the last line holds at least this many words (1: no rule)
    last_chars: int  # ... when they are this many characters or fewer together (a long pair may break)

    @classmethod
    def of(cls, locale) -> "TitleBreaks":
        node = locale.section("deck").get("title_breaks") or {}
        dates = None
        if node.get("dates", True):
            months = _months(locale)
            if months:
                m = "|".join(sorted((re.escape(x) for x in months), key=len, reverse=True))
                day = r"\d{1,2}(?:er|st|nd|rd|th)?"
                # "31 March 2018", "1er juillet 2018", "March 31, 2018", "March 2018", "31 March", "March 31"
                dates = re.compile(rf"\b(?:{day}[ \u00a0](?:{m})(?:[ \u00a0]\d{{4}})?|(?:{m})[ \u00a0]{day},?[ \u00a0]\d{{4}}"
                                   rf"|(?:{m})[ \u00a0](?:\d{{4}}|{day}\b))", re.IGNORECASE)
        return cls(dates, bool(node.get("after_dash", True)), int(node.get("last_words", 2)), int(node.get("last_chars", 24)))

    def apply(self, title: str) -> str:
        """``title`` with its no-break spaces put in (idempotent)."""
        text = title
        if self.dates is not None:
            text = self.dates.sub(lambda m: m.group(0).replace(" ", NBSP), text)
        if self.after_dash:
            text = re.sub(r"([–—]) (?=\S)", lambda m: m.group(1) + NBSP, text)  # "2012 – February": no break after it
            # "2018–2019", "low-risk": a title's word is not broken at its dash or hyphen either
            text = re.sub(r"(?<=\w)([-–—])(?=\w)", lambda m: m.group(1) + JOINER, text)
        if self.last_words > 1 and len(text.split()) > 3:  # the last run joined to the words before it, up to last_words
            head, _, last = text.rpartition(" ")
            while head and len(last.split()) < self.last_words:
                before, _, word = head.rpartition(" ")
                if len(last) + 1 + len(word) > self.last_chars:
                    break
                head, last = before, word + NBSP + last
            text = f"{head} {last}" if head else last
        return text


def plain_title(title: str) -> str:
    """A title as the source wrote it: no-break spaces back to spaces, joiners out (for comparing)."""
    return title.replace(JOINER, "").replace(NBSP, " ")


def _months(locale) -> list[str]:
    try:
        b = locale.babel
    except Exception:  # an unknown language tag: no date rule rather than no deck
        return []
    names = set()
    for ctx in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            names.update(str(v).rstrip(".") for v in b.months.get(ctx, {}).get(width, {}).values())
    return sorted(n for n in names if len(n) >= 3)
