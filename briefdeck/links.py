"""Which link targets a document may carry: http, https and mailto, and its own figures.

A link in a brief or a deck is followed by whoever opens it. ``javascript:``, ``vbscript:``,
``file:``, ``data:``, UNC paths (``\\\\server\\share``, ``//host``) and relative targets are refused
with a located error, in prose (``[text](target)``) and in every URL field (event, datasets,
figures, references), so nothing dangerous reaches either output. So are targets that deceive
the reader (``https://trusted.org@evil.example/``, invisible or bidi-control characters, a host
name that is not one) and absurdly long ones. A host name mixing scripts (a Cyrillic 'а' in
'аpple.com') is a warning: it may be a look-alike of another site.

A target is checked as the author wrote it (after markdown's backslash escapes and entities)
and reaches the outputs normalised: percent-encoded, host names in punycode (``normalise``).
"""
from __future__ import annotations

import re
import unicodedata
from encodings import idna
from typing import Optional
from urllib.parse import urlsplit

SCHEMES = ("http", "https", "mailto")
MAX_LENGTH = 2000  # what every browser, PDF viewer and PowerPoint follow (IE's 2083 is the lowest)
# spaces, C0/C1 controls, and the invisible format characters that change how an address reads:
# soft hyphen, bidi marks, embeddings, overrides and isolates, zero-width characters, BOM
_HIDDEN = re.compile("[\x00-\x20\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# Scripts that names mix by nature (the combinations browsers accept in host names): Japanese,
# Chinese and Korean with Latin. Any other mix (Latin with Cyrillic or Greek...) is a warning.
_MIXES_IN_USE = ({"LATIN", "CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA"}, {"LATIN", "CJK", "BOPOMOFO"},
                 {"LATIN", "CJK", "HANGUL"})
ACCEPTED = "links may be http:, https: or mailto: addresses (or {fig:ID} for a figure)"


def problem(url: str, figure_anchors: frozenset = frozenset()) -> Optional[str]:
    """Why ``url`` may not be a link target (a message that says what is accepted), or None."""
    u = url.strip()
    if not u:
        return f"the link target is empty — {ACCEPTED}"
    if len(u) > MAX_LENGTH:
        return f"'{_short(u)}' is {len(u)} characters long (at most {MAX_LENGTH}) — link to a shorter address"
    if u.startswith("#"):
        if u[1:] in figure_anchors:
            return None
        return f"'{_short(u)}' is a link inside the document — cite a figure as {{fig:ID}}; {ACCEPTED}"
    if u.startswith(("\\", "//", "/\\", "\\/")):
        return f"'{_short(u)}' is a network (UNC) path — {ACCEPTED}"
    hidden = _HIDDEN.search(u)
    if hidden:
        how = " (%20 for a space)" if hidden.group() == " " else ""
        return f"'{_short(u)}' holds {_describe(hidden.group())} — write the address without it{how}; {ACCEPTED}"
    try:
        parts = urlsplit(u)
        port = parts.port  # raises for a port that is not a number
    except ValueError:
        return f"'{_short(u)}' is not a valid address — {ACCEPTED}"
    scheme = parts.scheme.lower()
    if not scheme:
        return f"'{_short(u)}' is a relative link — write the full address starting with https://; {ACCEPTED}"
    if scheme not in SCHEMES:
        return f"'{_short(u)}' uses the scheme '{scheme}:' — {ACCEPTED}"
    if scheme == "mailto":
        return None if "@" in parts.path else f"'{_short(u)}' is not an e-mail address — write mailto:name@example.org"
    if not parts.netloc or not parts.hostname:
        return f"'{_short(u)}' has no host name — write it as https://host/path; {ACCEPTED}"
    if "@" in parts.netloc:
        user = parts.netloc.rsplit("@", 1)[0]
        real = f"{scheme}://{parts.hostname}" + (f":{port}" if port else "")
        return (f"'{_short(u)}' puts '{_short(user, 30)}@' before the host name, so it looks like a link to "
                f"'{_short(user, 30)}' but leads to {real} — link to the real address without the part before '@'")
    if "\\" in parts.netloc:
        return f"'{_short(u)}' has a backslash in its host name — write the address with '/'"
    host = _host_problem(parts.hostname)
    if host:
        return f"'{_short(u)}' {host} — check the address"
    return None


def warning(url: str) -> Optional[str]:
    """A link that may deceive but is allowed: a host name that mixes scripts (a homograph)."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    labels = [_unicode_label(lb) for lb in host.split(".")]
    for label in labels:
        scripts = _scripts(label or "")
        if len(scripts) > 1 and not any(scripts <= ok for ok in _MIXES_IN_USE):
            shown = ".".join(lb or "" for lb in labels)
            return (f"the host name '{shown}' mixes {' and '.join(s.title() for s in sorted(scripts))} letters "
                    f"(for the browser: {_ascii_host(host)}), as look-alikes of other sites' names do — check it is the site you mean")
    return None


def normalise(url: str) -> str:
    """The target as it is written into the outputs: percent-encoded, host names in punycode (ASCII):
    markdown-it's ``normalizeLink``. An ASCII target with a plain host name (no ':', no '@') has
    nothing to put in punycode: it is percent-encoded by mdurl, as normalizeLink does, without
    importing markdown-it (tests/test_plain_markup.py compares both)."""
    url = url.strip()
    if url.isascii():
        import mdurl

        parsed = mdurl.parse(url, slashes_denote_host=True)
        if not parsed.hostname or not (":" in parsed.hostname or "@" in parsed.hostname):
            return mdurl.encode(mdurl.format(parsed))
    from markdown_it.common.normalize_url import normalizeLink

    return normalizeLink(url)


def _host_problem(host: str) -> Optional[str]:
    if host.startswith("[") or re.fullmatch(r"[0-9a-f:.]+", host) and ":" in host:
        return None  # an IPv6 literal: urlsplit has checked its brackets
    for label in host.rstrip(".").split("."):
        if not label:
            return "has an empty part in its host name ('..')"
        if label.lower().startswith("xn--") and _unicode_label(label) is None:
            return f"has a host name label '{label}' that is not valid punycode"
        try:
            idna.ToASCII(label)
        except UnicodeError:
            return f"has a host name label '{_short(label, 30)}' that cannot be an internet name (empty, too long or not allowed)"
    return None


def _unicode_label(label: str) -> Optional[str]:
    if not label.lower().startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return None


def _ascii_host(host: str) -> str:
    try:
        return ".".join(idna.ToASCII(lb).decode("ascii") if lb else "" for lb in host.split("."))
    except UnicodeError:
        return host


def _scripts(label: str) -> set[str]:
    """The scripts of a label's letters (digits and '-' belong to none): LATIN, CYRILLIC, GREEK..."""
    out = set()
    for ch in label:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            out.add(name.split(" ")[0] if name else "UNKNOWN")
    return out


def _describe(ch: str) -> str:
    if ch == " ":
        return "a space"
    kind = "a control character" if unicodedata.category(ch) == "Cc" else "an invisible formatting character"
    return f"{kind} (U+{ord(ch):04X})"


def _short(u: str, n: int = 60) -> str:
    u = _HIDDEN.sub(" ", u)
    return u if len(u) <= n else u[: n - 1] + "…"
