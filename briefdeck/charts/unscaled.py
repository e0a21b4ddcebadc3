"""The unscaled metrics of a font's plain glyphs (fontTools, at derive time), for ``linewidth`` to set a
line of plain characters exactly as matplotlib's layout does, without matplotlib or FreeType.

A line of plain characters (``shaping.plain_chars``) is a sequence of glyphs -- characters and the
ligatures the shaper forms of them -- each moving the pen by its advance, and each pair of neighbours
by the kerning of the default features' pair positioning. What ships, per font: its units per em, each
glyph's advance (hmtx, after the context-free substitutions of the default features) and the pair
kerning (the first glyph's x advance adjustment), in font units, with the kerning as classes of glyphs
that kern alike (a few hundred numbers instead of 100,000 pairs).

Anything this does not model gives no entry (every line is laid out by FreeType, as before): a legacy
``kern`` table (HarfBuzz applies it where GPOS has no kerning), a single adjustment of a plain glyph.
"""
from __future__ import annotations

from typing import Optional


def unscaled(path: str, chars, ligatures: dict) -> Optional[dict]:
    """The entry ``linewidth`` reads for the font at ``path``, whose plain characters are ``chars``
    (code points) and modelled ligatures ``ligatures`` (``shaping.plain_chars``); None when not modelled."""
    from fontTools.ttLib import TTFont

    from .shaping import _lookups

    with TTFont(path, lazy=True) as font:
        if not chars or "hmtx" not in font or "kern" in font:
            return None
        cmap = font.getBestCmap() or {}
        gsub = _subtables(_lookups(font["GSUB"].table)) if "GSUB" in font else []
        gpos = _subtables(_lookups(font["GPOS"].table)) if "GPOS" in font else []
        glyph = {chr(cp): _substituted(cmap[cp], gsub) for cp in sorted(chars)}
        formed = {(sub_first, *lig.Component): lig.LigGlyph for kind, sub in (s for lk in gsub for s in lk)
                  if kind == 4 for sub_first, ligs in sub.ligatures.items() for lig in ligs}
        for seqs in ligatures.values():
            for seq in seqs:
                glyph[seq] = formed[tuple(cmap[ord(c)] for c in seq)]
        kerning = _kerning(set(glyph.values()), gpos)
        if kerning is None:
            return None
        hmtx = font["hmtx"].metrics
        keys = list(glyph)
        return {"upem": font["head"].unitsPerEm, "keys": keys, "advance": [hmtx[glyph[k]][0] for k in keys],
                **_classes([glyph[k] for k in keys], kerning)}


def _subtables(lookups: list) -> list:
    """Each lookup's (type, subtable) pairs, extension lookups unwrapped."""
    out = []
    for lookup in lookups:
        subs = []
        for sub in lookup.SubTable:
            kind = lookup.LookupType
            while hasattr(sub, "ExtSubTable"):
                kind, sub = sub.ExtensionLookupType, sub.ExtSubTable
            subs.append((kind, sub))
        out.append(subs)
    return out


def _substituted(g: str, gsub: list) -> str:
    """What the default features' single substitutions make of glyph ``g``, lookup by lookup (the
    first subtable of a lookup that covers it applies)."""
    for subs in gsub:
        for kind, sub in subs:
            if kind == 1 and g in sub.mapping:
                g = sub.mapping[g]
                break
    return g


def _kerning(glyphs: set, gpos: list) -> Optional[dict]:
    """{(first, second): x advance adjustment of the first} over ``glyphs``, summed over the lookups as
    HarfBuzz applies them: in a lookup, the first subtable that applies to the pair (format 1: it lists
    the second glyph; format 2: it covers the first) gives its value. None if a single adjustment
    moves a plain glyph (not modelled)."""
    kerning: dict = {}
    for subs in gpos:
        tables = []
        for kind, sub in subs:
            if kind == 1:
                if glyphs & set(sub.Coverage.glyphs):
                    return None
            elif kind == 2:
                tables.append(_pair_table(sub))
        if not tables:
            continue
        for a in glyphs:
            for b in glyphs:
                for table in tables:
                    found = table(a, b)
                    if found is not None:
                        if found:
                            kerning[(a, b)] = kerning.get((a, b), 0) + found
                        break
    return {k: v for k, v in kerning.items() if v}


def _x_advance(value) -> int:
    return int(getattr(value, "XAdvance", 0) or 0) if value is not None else 0


def _pair_table(sub):
    """A function (first, second) -> the subtable's x advance adjustment of the first, or None where
    the subtable does not apply (and the next one of the lookup is tried)."""
    if sub.Format == 1:
        sets = {g: {r.SecondGlyph: _x_advance(r.Value1) for r in ps.PairValueRecord}
                for g, ps in zip(sub.Coverage.glyphs, sub.PairSet)}
        return lambda a, b: sets.get(a, {}).get(b)
    covered = set(sub.Coverage.glyphs)
    first = sub.ClassDef1.classDefs if sub.ClassDef1 else {}
    second = sub.ClassDef2.classDefs if sub.ClassDef2 else {}
    rows = [[_x_advance(r.Value1) for r in row.Class2Record] for row in sub.Class1Record]

    def value(a, b):
        if a not in covered:
            return None
        k1, k2 = first.get(a, 0), second.get(b, 0)
        if k1 >= sub.Class1Count or k2 >= sub.Class2Count:
            return None
        return rows[k1][k2]
    return value


def _classes(glyphs: list, kerning: dict) -> dict:
    """The kerning of the glyphs (in the order of the keys) as classes: ``left[i]`` and ``right[i]``,
    the classes of the i-th key's glyph as the first and as the second of a pair (glyphs that kern
    alike share one), and ``kern[left class]``, that class's [right class, value, ...] (nonzero only)."""
    unique = sorted(set(glyphs))
    rows = {a: tuple(kerning.get((a, b), 0) for b in unique) for a in unique}
    cols = {b: tuple(kerning.get((a, b), 0) for a in unique) for b in unique}
    left_of = {row: n for n, row in enumerate(dict.fromkeys(rows[g] for g in glyphs))}
    right_of = {col: n for n, col in enumerate(dict.fromkeys(cols[g] for g in glyphs))}
    column = {}  # right class -> its glyphs' index in a row
    for g in glyphs:
        column.setdefault(right_of[cols[g]], unique.index(g))
    kern = [[x for rc, i in sorted(column.items()) if row[i] for x in (rc, row[i])] for row in left_of]
    return {"left": [left_of[rows[g]] for g in glyphs], "right": [right_of[cols[g]] for g in glyphs], "kern": kern}
