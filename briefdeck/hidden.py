"""Characters that change what a reader sees without being seen, treated alike wherever text enters.

- Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder the text around
  them ("Trojan Source": 'UNAMID<U+202E>fdp.exe' shows as 'UNAMIDexe.pdf'). Right-to-left text
  needs none of them. Refused, in a source's text and in a data file's cells, at their position.
- Invisible characters that separate or hide nothing a reader can see (zero width space U+200B,
  word joiner and invisible operators U+2060-U+2064, U+FEFF inside text, Mongolian vowel separator
  U+180E): they make two equal-looking labels differ and words unsearchable. Refused the same way.
- Kept: the zero width (non-)joiners U+200C/U+200D (Persian, Indic scripts and emoji need them),
  and the direction marks U+200E/U+200F/U+061C (mixed-direction text needs them), soft hyphens.

File names are printed with all of these (and control characters) escaped, in text and JSON logs.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

BIDI = "\u202a-\u202e\u2066-\u2069"
INVISIBLE = "\u200b\u2060-\u2064\ufeff\u180e"
HIDDEN = re.compile(f"[{BIDI}{INVISIBLE}]")
# what a log line must never carry raw: control characters, line breaks, and the hidden ones above
UNPRINTABLE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{BIDI}{INVISIBLE}]")


def name_of(ch: str) -> str:
    return unicodedata.name(ch, "").lower() or "a hidden character"


def hidden_problem(ch: str, where: str) -> tuple[str, str]:
    """(message, code suffix) for a hidden character found ``where`` ("in the data"), saying what to do."""
    if re.match(f"[{BIDI}]", ch):
        return (f"bidirectional control character U+{ord(ch):04X} {where} — remove it; it changes the order in "
                "which the text around it is shown (right-to-left text needs none)", "bidi")
    return (f"invisible character U+{ord(ch):04X} ({name_of(ch)}) {where} — remove it; it cannot be seen, yet makes "
            "equal-looking text differ", "invisible")


def escaped(text: str) -> str:
    """``text`` with control, line-break and hidden characters written as escapes (\\n, \\u202e)."""
    return UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def first_hidden(text: str) -> Optional[re.Match]:
    return HIDDEN.search(text)
