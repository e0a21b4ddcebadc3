"""The brief's XML escapes (render/pdf/xmltext.py) write what xml.sax.saxutils writes, without
importing it (it imports urllib.request, http.client, email and ssl)."""
from __future__ import annotations

import random
from xml.sax import saxutils

import pytest

from briefdeck.render.pdf import xmltext

pytestmark = pytest.mark.quick


def test_escapes_match_saxutils_on_every_kind_of_text():
    rng = random.Random(28)
    alphabet = "ab &<>\"'\n\r\t;#x1é“”"
    texts = ["", "&amp;", "&lt;&gt;", "'\"", "a\nb\tc\rd"] + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(3000)]
    for entities in ({}, {"x": "&#120;", '"': "&quot;"}):
        for t in texts:
            assert xmltext.escape(t, entities) == saxutils.escape(t, entities)
            assert xmltext.unescape(t, entities) == saxutils.unescape(t, entities)
            assert xmltext.quoteattr(t, entities) == saxutils.quoteattr(t, entities)
    assert xmltext.quoteattr('say "hi" & \'bye\'') == '"say &quot;hi&quot; &amp; \'bye\'"'
