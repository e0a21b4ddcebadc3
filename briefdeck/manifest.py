"""The output folder's manifest: every artefact of the folder, written last as the build's commit
marker (``manifest.json``, or a shard's ``manifest.shard-K-of-N.json``; ``shard.merge`` joins those)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from . import __version__
from .publish import read_json_state, read_record, write_json
from .shard import Shard, manifest_name, rewritten


def write_manifest(out_dir: Path, results: list, shard: Optional[Shard] = None) -> None:
    """The manifest lists every artefact of the folder; written last, as the commit marker.

    It holds what identifies the outputs (paths relative to each source's project, sizes,
    hashes, counts, inputs) and which of them differ from what the manifest it replaces listed
    (``rewritten``, see ``shard.rewritten``): a run that changed nothing leaves it byte for byte
    as it was. A shard writes its own (``manifest.shard-K-of-N.json``) with its sources'
    artefacts only; ``shard.merge`` joins them."""
    path = out_dir / manifest_name(shard)
    old = read_json_state(path) or {}
    # entries of earlier runs stay while their file does (another source's outputs in the same folder),
    # a shard's only for its own sources (other shards' outputs may share the folder)
    known = old.get("artefacts")
    arts = {k: v for k, v in (known if isinstance(known, dict) else {}).items()
            if isinstance(k, str) and isinstance(v, dict) and (out_dir / k).is_file()
            and (shard is None or shard.holds(str(v.get("source", ""))))}
    for r in results:
        if not r.ok:
            continue
        rec = read_record(out_dir, r.source.stem) or {}
        for a in r.artefacts:
            entry = a.as_json()
            entry["source"] = rec.get("source", r.source.name)
            entry["inputs"] = rec.get("outputs", {}).get(a.format, {}).get("inputs") or rec.get("inputs", {})
            arts[a.path.name] = entry
    manifest = {"generator": f"briefdeck {__version__}", "artefacts": dict(sorted(arts.items()))}
    if shard is not None:
        manifest["shard"] = {"index": shard.index, "count": shard.count}
    unchanged = manifest == {k: v for k, v in old.items() if k != "rewritten"}
    # (a shard with no sources still writes its manifest: the merge then knows it finished)
    if (results and not any(r.ok for r in results)) or unchanged:
        return  # nothing new to commit: leave the file (and its mtime) alone
    manifest["rewritten"] = rewritten(manifest["artefacts"], old)
    write_json(path, manifest)
