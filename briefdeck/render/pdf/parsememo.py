"""A paragraph's markup parsed once per layout sequence, not once per layout: each layout builds its
story anew (its flowables are changed as they are split and drawn), so every paragraph of the brief
was parsed by reportlab's ``ParaParser`` (an HTML parser in Python) two to four times a build, a
fifth of a layout that only measures.

Kept by the style's content (its fingerprint, breakmemo._style_key: every attribute, the
hyphenation by its patterns and rules) and the text (and the case sensitivity and cleaner reportlab
parses it with), for the process (a ``--watch`` rebuild makes its styles anew): the frags the parse
made, after ``textTransformFrags``, as a template no paragraph is given. A paragraph gets a copy of
each frag (``ABag.clone``: what reportlab itself does to a frag it changes), its cleaned text and
bullet frags, and the style it was given; only for parses that made nothing but text frags in the
style given (no ``<para>`` style, no image or callback frags). Bounded (least recently used first out).
"""
from __future__ import annotations

from collections import OrderedDict

from reportlab.platypus.paragraph import Paragraph

from .breakmemo import _style_key, _Unkeyable

_PARSED: "OrderedDict[tuple, tuple]" = OrderedDict()  # (style's fingerprint, text, case, cleaner) -> parse
_MOST = 3000  # parses kept (a 200-section brief's paragraphs, about)
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
            key = (_style_key(style), text, self.caseSensitive, cleaner)
            got = _PARSED.get(key)
        except (_Unkeyable, TypeError):  # (a style that cannot be fingerprinted: parsed every time)
            return setup(self, text, style, bulletText, frags, cleaner)
        if got is not None:
            _PARSED.move_to_end(key)
            cleaned, template, bullets = got
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
        _PARSED[key] = (self.text, _copy(self.frags), _copy(bullets) if bullets is not None else None)
        while len(_PARSED) > _MOST:
            _PARSED.popitem(last=False)

    Paragraph._setup = kept_setup
    Paragraph._briefdeck_parsememo = True
