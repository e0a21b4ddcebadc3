"""A source's build record (``.briefdeck/<stem>.record.json``): the hash of every input each format
read, the options it was made with, and what it made (size, hash, count, the cache entries it used).
``api._recorded`` reads it to tell which formats are up to date; a build writes it with its outputs.

Beside it, in the cache's ``derived/hashes/``, the hashes a build looked up, by each file's version
(``publish.keep_hashes``): the next process hashes only the files that changed since.
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from . import __version__
from .assets import Assets
from .render import RENDERERS

# what every build runs through (the charts, reading the source, dates and numbers); each renderer
# names its own libraries in its registry entry
SHARED_LIBS = ("matplotlib", "PyYAML", "markdown-it-py", "mdurl", "babel", "pydantic",
               "Pillow", "resvg_py", "defusedxml")  # the last three make the pictures every output embeds


def versions() -> dict:
    from .versions import version

    libs = dict.fromkeys(SHARED_LIBS + tuple(lib for r in RENDERERS.values() for lib in r.libraries))
    return {"briefdeck": __version__, "python": sys.version.split()[0], **{lib: version(lib) for lib in libs}}


def fingerprint(keys: list[str], assets: Assets, root: Path) -> dict:
    """Key (project-relative path, or "<briefdeck>/..." for a built-in) -> sha256 of each input."""
    from .publish import sha256_file

    out = {}
    for k in keys:
        p = assets.path_of(k, root)
        out[k] = sha256_file(p) if p.is_file() else None
    return out


def options_key(opts, fmt: str) -> dict:
    own = {o.name: (str(v) if isinstance(v := opts.setting(o.name), Path) else v) for o in RENDERERS[fmt].options}
    if RENDERERS[fmt].links_editions:  # it links to the others: which were asked for is an input
        own["editions"] = [f for f in opts.requested or opts.formats if f != fmt]
    return {"format": fmt, **own, "epoch": os.environ.get("SOURCE_DATE_EPOCH")}


def own_files(fmt: str, files: list[Path], theme) -> list[Path]:
    """The inputs of one format: every input, less the theme parts only other formats read."""
    theirs = {r.theme_part for name, r in RENDERERS.items() if name != fmt and r.theme_part} - {RENDERERS[fmt].theme_part}
    parts = {Path(p) for p in theme.files if Path(p).stem in theirs}
    return [p for p in files if p not in parts]


def record_of(src: Path, opts, assets: Assets, doc, theme, results: dict, made: dict, counts: dict, finals: list[Path], old: dict) -> dict:
    """The record of a build of ``src`` that made ``opts.formats`` (``results``: each format's result,
    the files it read besides and the cache entries it used; ``made``: each final path's size and
    hash), keeping from the ``old`` record the formats not built now."""
    root = assets.project
    common = [src.resolve()] + [Path(p) for p in doc.inputs] + assets.build_inputs(theme, language=doc.meta.language)
    read = {fmt: [Path(x) for x in results[fmt][1]] for fmt in opts.formats}
    keyed = assets.keys([src] + common + [p for fmt in opts.formats for p in read[fmt]], root)
    own = {fmt: list(dict.fromkeys(keyed[p] for p in own_files(fmt, common, theme) + read[fmt])) for fmt in opts.formats}
    # a format built now by another version of briefdeck (or for another source) is not kept
    outputs = old.get("outputs")
    kept = {k: v for k, v in (outputs if isinstance(outputs, dict) else {}).items()
            if k in RENDERERS and k not in opts.formats and isinstance(v, dict) and isinstance(v.get("inputs"), dict)
            and old.get("versions") == versions() and old.get("source") == keyed[src]}
    keys = list(dict.fromkeys([k for fmt in opts.formats for k in own[fmt]] + [k for v in kept.values() for k in v["inputs"]]))
    record = {"source": keyed[src], "versions": versions(), "inputs": fingerprint(keys, assets, root), "outputs": kept}
    for fmt, final in zip(opts.formats, finals):
        size, sha256 = made[final]
        record["outputs"][fmt] = {"path": final.name, "size": size, "sha256": sha256, "count": counts[fmt], "options": options_key(opts, fmt),
                                  "cache": results[fmt][2], "inputs": {k: record["inputs"][k] for k in own[fmt]}}
    record["outputs"] = dict(sorted(record["outputs"].items()))
    return record


def hashes_entry(derived: Path, src: Path, out_dir: Path) -> Path:
    """Where the hashes of the files a build of ``src`` into ``out_dir`` looked up are kept, in the
    cache's ``derived`` folder (one entry a source and output folder, rewritten when they change)."""
    name = hashlib.sha256(f"{os.path.abspath(src)}\0{os.path.abspath(out_dir)}".encode("utf-8", "surrogateescape")).hexdigest()[:40]
    return derived / "hashes" / name
