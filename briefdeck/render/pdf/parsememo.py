"""A paragraph's markup parsed once per layout sequence, not once per layout: each layout builds its
story anew (its flowables are changed as they are split and drawn), so every paragraph of the brief
was parsed by reportlab's ``ParaParser`` (an HTML parser in Python) two to four times a build, a
fifth of a layout that only measures.

Kept by style object (weakly: the brief's styles live as long as its ``Styles``) and by the text
(and the case sensitivity and cleaner reportlab parses it with): the frags the parse made, after
``textTransformFrags``, as a template no paragraph is given. A paragraph gets a copy of each frag
(``ABag.clone``: what reportlab itself does to a frag it changes), its cleaned text and bullet frags,
and the style it was given; only when the style's attributes are all as they were at the parse
(any change: parsed anew), and only for parses that made nothing but text frags in the style given
(no ``<para>`` style, no image or callback frags).
"""
from __future__ import annotations

import weakref

from reportlab.platypus.paragraph import Paragraph

_PARSED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # style -> (text, case, cleaner) -> parse
_MOST = 4000  # parses kept per style (a 200-section brief has fewer paragraphs of one style)
ORIGINAL: dict = {}  # reportlab's _setup as install found it (the tests compare)


def _copy(frags) -> list:
    return [f.clone() for f in frags]


def install() -> None:
    """Paragraph._setup takes a parse kept from an earlier paragraph of the same text and style
    (idempotent)."""
    if getattr(Paragraph, "_briefdeck_parsememo", False):
        return
    setup = Paragraph._setup
    ORIGINAL["_setup"] = setup

    def kept_setup(self, text, style, bulletText, frags, cleaner):
        if frags is not None:
            return setup(self, text, style, bulletText, frags, cleaner)
        try:
            per = _PARSED.get(style)
        except TypeError:  # (a style that cannot be weakly referenced: parsed every time)
            return setup(self, text, style, bulletText, frags, cleaner)
        key = (text, self.caseSensitive, cleaner)
        got = per.get(key) if per is not None else None
        if got is not None and got[0] == style.__dict__:
            _, cleaned, template, bullets = got
            self.text = cleaned
            self.frags = _copy(template)
            self.style = style
            self.bulletText = _copy(bullets) if bullets is not None else bulletText
            self.debug = 0
            return
        setup(self, text, style, bulletText, None, cleaner)
        if self.style is not style or not isinstance(self.frags, list) or any(
                f.__dict__.get("cbDefn") is not None or f.__dict__.get("_fkind") is not None for f in self.frags):
            return
        bullets = None if self.bulletText is bulletText else self.bulletText
        if bullets is not None and not isinstance(bullets, list):
            return
        if per is None:
            per = _PARSED[style] = {}
        elif len(per) >= _MOST:
            per.clear()
        per[key] = (dict(style.__dict__), self.text, _copy(self.frags), _copy(bullets) if bullets is not None else None)

    Paragraph._setup = kept_setup
    Paragraph._briefdeck_parsememo = True
