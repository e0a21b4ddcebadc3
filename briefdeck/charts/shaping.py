"""Which characters a font sets by per-glyph advances and pair kerning alone (pure Python, fontTools).

matplotlib (3.11: libraqm and HarfBuzz, before: FreeType's kern table) lays a line out glyph by
glyph; a line of *plain* characters is as wide as the sum, over its adjacent pairs, of the first
glyph's advance plus their kerning, plus the last glyph's advance -- each pair's step independent of
the rest of the line. ``mpl.text_width`` measures such a line from steps it has already seen
instead of laying it out again (a FreeType layout costs ~15 us per glyph).

A character is plain when nothing the shaper does depends on more than the pair around it:
it is in the font (no fallback, no missing glyph), Latin or common script (one run, one direction,
no script shaping), no mark, control, format or default-ignorable character (nothing invisible,
reordered or attached), and its glyph (or what a context-free substitution makes of it) takes part
in no ligature, multiple or contextual substitution, contextual or cursive positioning or mark
attachment that plain characters could trigger, in any lookup of a feature HarfBuzz turns on by
default, for any language system. Fonts whose layout this cannot vouch for (AAT tables, pair
positioning that moves the second glyph or skips base glyphs, class-based contexts, common-script
text shaped by other lookups than Latin text) have no plain characters: every line is laid out.
"""
from __future__ import annotations

import logging
import unicodedata
from functools import lru_cache

# the deck's Carlito has an old head date that fontTools warns about (as render/html/metrics.py says)
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)

# HarfBuzz's default features for horizontal left-to-right text (hb-ot-shape.cc: common, horizontal,
# direction and its private ones); frac/numr/dnom follow U+2044, which is not plain.
DEFAULT_FEATURES = frozenset({"rvrn", "ltra", "ltrm", "abvm", "blwm", "ccmp", "locl", "mark", "mkmk", "rlig",
                              "calt", "clig", "curs", "dist", "kern", "liga", "rclt",
                              "Harf", "HARF", "Buzz", "BUZZ"})
_RANGES = ((0x20, 0x7F), (0xA0, 0x250), (0x1E00, 0x1F00), (0x2000, 0x2070), (0x20A0, 0x20D0), (0x2190, 0x2300))
_NOT_PLAIN = frozenset({0xAD, 0x2044}) | frozenset(range(0x200B, 0x2010)) | frozenset(range(0x2028, 0x202F)) \
    | frozenset(range(0x2060, 0x2070))
_IGNORE_BASE, _IGNORE_LIGATURES = 0x2, 0x4
_X_PLACEMENT, _Y_PLACEMENT = 0x1, 0x2


class _NotPlain(Exception):
    """The font does something this module does not model: no character is plain."""


def plain_codepoint(cp: int) -> bool:
    """Latin or common script, no mark, control, format or invisible character."""
    if cp in _NOT_PLAIN or not any(lo <= cp < hi for lo, hi in _RANGES):
        return False
    return unicodedata.category(chr(cp))[0] not in "MCZ" or cp in (0x20, 0xA0, 0x202F) or 0x2000 <= cp <= 0x200A


@lru_cache(maxsize=16)
def plain_chars(path: str) -> tuple[frozenset, frozenset, dict]:
    """(characters, pairs, ligatures) of the font at ``path``: the characters whose steps hold in
    any line of them; the two-character strings that must not occur in such a line (a ligature
    starts that is not modelled); and the ligatures that are, by first character, in the order the
    shaper tries them (one lookup's, of plain characters, whose glyph nothing else touches): a
    line is then a sequence of characters and ligatures, each one glyph."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        try:
            chars, pairs, ligatures = _plain(font)
            return frozenset(chars), frozenset(pairs), ligatures
        except _NotPlain:
            return frozenset(), frozenset(), {}


def _plain(font) -> set:
    if any(tag in font for tag in ("morx", "mort", "kerx", "trak")):
        raise _NotPlain
    cmap = font.getBestCmap() or {}
    marks = set()
    if "GDEF" in font and font["GDEF"].table.GlyphClassDef:
        marks = {g for g, c in font["GDEF"].table.GlyphClassDef.classDefs.items() if c == 3}
    chars = {cp: g for cp, g in cmap.items() if plain_codepoint(cp) and g not in marks}
    if "kern" in font:
        for sub in font["kern"].kernTables:
            if getattr(sub, "format", 0) != 0 or getattr(sub, "coverage", 1) & 0x4:  # contextual or cross-stream
                raise _NotPlain
    glyphs = set(chars.values())
    images = {g: {g} for g in glyphs}  # what context-free substitutions may make of each glyph
    shaped: set = set()  # glyphs a contextual rule may touch
    starts: set = set()  # (first, second) glyphs a ligature starts with
    ligatures: list = []  # (lookup, parts, ligature glyph) in the order the shaper tries them
    for tag in ("GSUB", "GPOS"):
        if tag not in font:
            continue
        table = font[tag].table
        for number, lookup in enumerate(_lookups(table)):
            for sub in lookup.SubTable:
                kind = lookup.LookupType
                while hasattr(sub, "ExtSubTable"):
                    kind, sub = sub.ExtensionLookupType, sub.ExtSubTable
                reach = set().union(*images.values())
                if tag == "GSUB":
                    _substitution(kind, sub, lookup.LookupFlag, reach, images, shaped, starts, ligatures, number)
                else:
                    _positioning(kind, sub, lookup.LookupFlag, reach, shaped)
    plain = {cp: g for cp, g in chars.items() if not (images[g] & shaped)}
    modelled = _modelled(ligatures, plain, images, shaped, starts)
    if modelled:
        starts = starts - {(parts[0], parts[1]) for _, parts, _ in ligatures}
    firsts = {a for a, _ in starts}
    pairs = {chr(a) + chr(b) for a, ga in plain.items() if images[ga] & firsts
             for b, gb in plain.items() if any((x, y) in starts for x in images[ga] for y in images[gb])}
    return set(plain), pairs, modelled


def _modelled(ligatures: list, plain: dict, images: dict, shaped: set, starts: set) -> dict:
    """{first character: (ligature's characters, ...)} when every ligature plain text can form is
    of one lookup, made of plain characters no other substitution changes, and its glyph is
    changed by no later lookup, takes part in no other ligature and no contextual rule."""
    if len({number for number, _, _ in ligatures}) != 1:
        return {}
    chars_of: dict = {}
    for cp, g in plain.items():
        chars_of.setdefault(g, []).append(chr(cp))
    in_starts = {g for pair in starts for g in pair}
    out: dict = {}
    for _, parts, glyph in ligatures:
        if images.get(glyph) != {glyph} or glyph in shaped or glyph in in_starts \
                or any(images.get(p) != {p} or p not in chars_of for p in parts):
            return {}
        seqs = [""]
        for p in parts:
            seqs = [s + c for s in seqs for c in chars_of[p]]
        for seq in seqs:
            out.setdefault(seq[0], []).append(seq)
    return {first: tuple(seqs) for first, seqs in out.items()}


def _lookups(table) -> list:
    """The lookups of default features in the default language system of the scripts plain text
    takes (Latin, and for common-script text DFLT, dflt or else latn, as HarfBuzz picks); they must
    be the same for both. HarfBuzz takes the language from the locale: one that names a language
    system of the font is not modelled."""
    if not table.ScriptList or not table.FeatureList or not table.LookupList:
        return []
    scripts = {r.ScriptTag: r.Script for r in table.ScriptList.ScriptRecord}
    features = table.FeatureList.FeatureRecord

    def used(script) -> frozenset:
        if script is None or script.DefaultLangSys is None:
            return frozenset()
        if _locale_language() not in ("c", "posix", "en") or any(r.LangSysTag == "ENG " for r in script.LangSysRecord):
            raise _NotPlain
        return frozenset((features[i].FeatureTag, li) for i in script.DefaultLangSys.FeatureIndex
                         if features[i].FeatureTag in DEFAULT_FEATURES for li in features[i].Feature.LookupListIndex)

    latin = used(scripts.get("latn"))
    if latin != used(scripts.get("DFLT") or scripts.get("dflt") or scripts.get("latn")):
        raise _NotPlain
    return [table.LookupList.Lookup[i] for i in sorted({li for _, li in latin})]


def _locale_language() -> str:
    """The language HarfBuzz takes by default: the C library's LC_CTYPE locale's ("C.UTF-8" -> "c")."""
    import locale

    name = locale.setlocale(locale.LC_CTYPE) or "c"
    return name.split(".")[0].split("_")[0].split("@")[0].lower()


def _covered(coverage, reach: set) -> set:
    return set(coverage.glyphs) & reach if coverage is not None else set()


def _context(sub, reach: set, shaped: set) -> None:
    if sub.Format != 3:  # glyph- or class-based rules: not modelled
        raise _NotPlain
    covs = list(getattr(sub, "BacktrackCoverage", None) or []) + list(getattr(sub, "InputCoverage", None) or []) \
        + list(getattr(sub, "LookAheadCoverage", None) or []) + list(getattr(sub, "Coverage", None) or [])
    hit = [_covered(c, reach) for c in covs]
    if all(hit):  # plain glyphs can match every position: those glyphs are not plain
        shaped.update(*hit)


def _substitution(kind: int, sub, flag: int, reach: set, images: dict, shaped: set, starts: set,
                  ligatures: list, number: int) -> None:
    if kind == 1:
        mapping = sub.mapping
        for image in images.values():
            image.update([mapping[g] for g in image if g in mapping])
    elif kind in (2, 3):
        shaped.update(set(getattr(sub, "mapping", None) or getattr(sub, "alternates", None) or {}) & reach)
    elif kind == 4:
        for first, ligature_set in sub.ligatures.items():
            for lig in ligature_set:
                parts = [first, *lig.Component]
                if flag & (_IGNORE_BASE | _IGNORE_LIGATURES):  # its parts need not be neighbours
                    shaped.update(p for p in parts if p in reach)
                elif len(parts) == 1:  # one glyph for another, context-free
                    for image in images.values():
                        if first in image:
                            image.add(lig.LigGlyph)
                elif all(p in reach for p in parts):  # fires only where its first two parts meet
                    starts.add((parts[0], parts[1]))
                    ligatures.append((number, tuple(parts), lig.LigGlyph))
                    images.setdefault(lig.LigGlyph, {lig.LigGlyph})  # later lookups may see it
    elif kind in (5, 6, 8):
        _context(sub, reach, shaped)
    else:
        raise _NotPlain


def _positioning(kind: int, sub, flag: int, reach: set, shaped: set) -> None:
    if kind == 1:
        return  # one glyph, any context: its step is what it is alone
    if kind == 2:
        # pairwise only while the second glyph is left alone (HarfBuzz then skips it) and the
        # first is only advanced, and no base glyph is skipped to find the pair
        if sub.ValueFormat2 or sub.ValueFormat1 & (_X_PLACEMENT | _Y_PLACEMENT) or flag & (_IGNORE_BASE | _IGNORE_LIGATURES):
            raise _NotPlain
    elif kind == 3:
        shaped.update(_covered(sub.Coverage, reach))
    elif kind in (4, 5):
        shaped.update(_covered(sub.MarkCoverage, reach))
    elif kind == 6:
        shaped.update(_covered(sub.Mark1Coverage, reach))
    elif kind in (7, 8):
        _context(sub, reach, shaped)
    else:
        raise _NotPlain
