"""Which link targets a document may carry: http, https and mailto, and its own figures.

A link in a brief or a deck is followed by whoever opens it. ``javascript:``, ``file:``,
``data:``, UNC paths (``\\\\server\\share``) and relative targets are refused with a located
error, in prose (``[text](target)``) and in every URL field (event, datasets, figures,
references), so nothing dangerous reaches either output.
"""
from __future__ import annotations

import re
from typing import Optional
from urllib.parse import urlsplit

SCHEMES = ("http", "https", "mailto")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def problem(url: str, figure_anchors: frozenset = frozenset()) -> Optional[str]:
    """Why ``url`` may not be a link target (a message that says what is accepted), or None."""
    u = url.strip()
    accepted = "links may be http:, https: or mailto: addresses (or {fig:ID} for a figure)"
    if not u:
        return f"the link target is empty — {accepted}"
    if u.startswith("#"):
        if u[1:] in figure_anchors:
            return None
        return f"'{_short(u)}' is a link inside the document — cite a figure as {{fig:ID}}; {accepted}"
    if u.startswith(("\\\\", "//")) or u.startswith("\\"):
        return f"'{_short(u)}' is a network (UNC) path — {accepted}"
    if _CONTROL.search(u):
        return f"'{_short(u)}' holds spaces or control characters — write the address without them (%20 for a space); {accepted}"
    try:
        parts = urlsplit(u)
    except ValueError:
        return f"'{_short(u)}' is not a valid address — {accepted}"
    scheme = parts.scheme.lower()
    if not scheme:
        return f"'{_short(u)}' is a relative link — write the full address starting with https://; {accepted}"
    if scheme not in SCHEMES:
        return f"'{_short(u)}' uses the scheme '{scheme}:' — {accepted}"
    if scheme in ("http", "https") and not parts.netloc:
        return f"'{_short(u)}' has no host name — write it as https://host/path; {accepted}"
    if scheme == "mailto" and "@" not in parts.path:
        return f"'{_short(u)}' is not an e-mail address — write mailto:name@example.org"
    return None


def _short(u: str, n: int = 60) -> str:
    u = _CONTROL.sub(" ", u)
    return u if len(u) <= n else u[: n - 1] + "…"
