"""Hyphenation patterns kept parsed in the cache (render/pdf/patterns.py) break words exactly as
pyphen's own parse does; an entry that holds something else is said and parsed anew."""
from __future__ import annotations

import pyphen

from briefdeck import publish
from briefdeck.publish import keep_file
from briefdeck.render.pdf.patterns import pyphen_for

WORDS = ["peacekeeping", "reconciliation", "infrastructure", "international", "multidimensional",
         "stabilisation", "accountability", "organisations", "humanitarian", "parliamentary"]


def _fresh(lang: str):
    pyphen.hdcache.pop(pyphen.LANGUAGES[lang], None)


def test_kept_patterns_break_words_as_pyphen_does(tmp_path):
    for lang in ("en_GB", "en_US", "fr"):
        _fresh(lang)
        own = pyphen.Pyphen(lang=lang, left=3, right=3, cache=False)
        _fresh(lang)
        first = pyphen_for(lang, tmp_path)  # parsed, and kept
        _fresh(lang)
        kept = pyphen_for(lang, tmp_path)  # read back
        assert kept.hd.patterns == own.hd.patterns and kept.hd.maxlen == own.hd.maxlen
        for w in WORDS:
            assert kept.positions(w) == first.positions(w) == own.positions(w)
    assert len(list(tmp_path.glob("hyph-*.json"))) == 3


def test_an_entry_that_holds_no_patterns_is_said_and_parsed_anew(tmp_path, monkeypatch):
    _fresh("en_GB")
    pyphen_for("en_GB", tmp_path)
    [entry] = tmp_path.glob("hyph-*.json")
    keep_file(entry, b'{"abc": "not a pattern"}')  # verifies (written by briefdeck), holds nonsense
    said = []
    monkeypatch.setattr(publish, "cache_problem", lambda path, what: said.append((path.name, what)))
    _fresh("en_GB")
    hy = pyphen_for("en_GB", tmp_path)
    assert said and said[0][0] == entry.name and "hyphenation patterns" in said[0][1]
    assert hy.positions("peacekeeping") == pyphen.Pyphen(lang="en_GB", left=3, right=3, cache=False).positions("peacekeeping")


def test_the_patterns_are_read_when_a_word_first_needs_its_points(tmp_path):
    """A build whose paragraphs all break as kept (a prose edit) reads no patterns; the entry is
    in use all the same (noted, so pruning keeps it), and a word that needs points reads them."""
    from briefdeck import cache
    from briefdeck.render.pdf import styles

    _fresh("en_US")
    pyphen_for("en_US", tmp_path)  # kept by an earlier build
    [entry] = tmp_path.glob("hyph-*.json")
    _fresh("en_US")
    styles._hyphenator.cache_clear()
    cache.take_used()
    hy = styles.hyphenator("en-US", (("en", "en_US"),), (), 7, tmp_path)
    assert pyphen.LANGUAGES["en_US"] not in pyphen.hdcache  # not read
    assert str(entry) in {str(tmp_path / n) for n in cache.take_used(tmp_path)}
    assert hy.points("peacekeeping") == list(pyphen.Pyphen(lang="en_US", left=3, right=3, cache=False).positions("peacekeeping"))
    assert pyphen.LANGUAGES["en_US"] in pyphen.hdcache  # read now, from the entry
    styles._hyphenator.cache_clear()
