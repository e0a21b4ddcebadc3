"""Which python-pptx the writer's shortcuts through its internals were written for.

``clones`` (placeholders cloned once per layout), ``package.part_names``' image lookups,
``package._rels_xml``, ``notes``' speaker notes and ``replay`` (a --watch rebuild's slides put in again)
redo what python-pptx's own code does, faster; each is taken only when python-pptx's code is the code they
were written for: python-pptx 1.0.2, known by a digest of the modules that code lives in. Another
python-pptx (a change to any of them) gets python-pptx's own ways, and the deck is written more slowly.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

# the modules whose code the shortcuts redo or rely on: slides, notes slides and their placeholders
# (the new placeholder's XML, its id and name, p:ph's attributes, parse_xml); the package's parts,
# relationships, part names and their serialization; image parts; and what replaying redoes besides:
# slides added to the presentation (slide ids), chart parts and their workbooks
MODULES = ("slide.py", "shapes/shapetree.py", "shapes/placeholder.py", "oxml/__init__.py", "oxml/ns.py",
           "oxml/xmlchemy.py", "oxml/simpletypes.py", "oxml/shapes/groupshape.py", "oxml/shapes/autoshape.py",
           "oxml/shapes/shared.py", "oxml/slide.py", "enum/base.py", "enum/shapes.py",
           "package.py", "parts/image.py", "parts/slide.py", "opc/package.py", "opc/packuri.py", "opc/oxml.py",
           "opc/serialized.py", "parts/presentation.py", "parts/chart.py", "parts/embeddedpackage.py",
           "oxml/presentation.py", "chart/xlsx.py", "api.py")
DIGEST = "d738d90a0444c4e16c5d6cedb00b04df64b4105ad22c20d621fbf803d6f1ad98"
_SAME: list[bool] = []


def digest() -> str:
    """The digest of the installed python-pptx's ``MODULES``."""
    from importlib.util import find_spec

    root = Path(find_spec("pptx").origin).resolve().parent  # found, not imported: a deck put in from the last needs none of it
    h = hashlib.sha256()
    for rel in MODULES:
        path = root / rel
        h.update(rel.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"-") + b"\0")
    return h.hexdigest()


def written_for() -> bool:
    """Whether the installed python-pptx is the one the shortcuts were written for (once a process)."""
    if not _SAME:
        _SAME.append(digest() == DIGEST)
    return _SAME[0]
