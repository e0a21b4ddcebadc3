"""No-break spaces hold in the brief: reportlab's paragraphs split lines at U+202F NARROW
NO-BREAK SPACE (its white-space list has it, and Python's ``str.split`` does too), so French
"quelles priorités ?" could end a line before its "?", and the character itself was dropped
from the text a reader copies. Here its word splitting is given the list without it: U+00A0
and U+202F then bind the words on either side, as the Unicode line-breaking rules say (class GL),
and stay in the PDF's text.
"""
from __future__ import annotations

import re

_NO_BREAK = "\u00a0\u202f\u2007\u2060"  # no-break, narrow no-break, figure space, word joiner


def install() -> None:
    """Make reportlab's paragraph splitting keep no-break spaces inside words (idempotent)."""
    from reportlab.platypus import paragraph as rl

    if getattr(rl, "_briefdeck_nobreak", False):
        return
    breakable = "".join(ch for ch in rl._wsc if ch not in _NO_BREAK)
    split_re = re.compile(f"[{re.escape(breakable)}]+")

    def split(text, delim=None):
        if isinstance(text, bytes):
            text = text.decode("utf8")
        if delim is not None:
            return text.split(delim.decode("utf8") if isinstance(delim, bytes) else delim)
        return [w for w in split_re.split(text) if w] if text.strip(breakable) else []

    rl._wsc = breakable
    rl._wsc_re_split = split_re.split
    rl._wsc_end_search = re.compile(f"[{re.escape(breakable)}]+$").search
    rl.split = split
    rl._briefdeck_nobreak = True
