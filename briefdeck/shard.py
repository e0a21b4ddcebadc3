"""Shards: which sources one of N machines builds, and the merge of the shards' manifests.

A scheduler that already runs N copies of a job (a Kubernetes Indexed Job, a CI matrix) gives
each its number; ``--shard K/N`` builds the sources whose path within their project (the key
the build record and the manifest name them by, e.g. "source/x.yaml") hashes to K. The hash is
of that path alone, so a source's shard depends neither on the machine, nor on the order of the
files, nor on which other sources exist: the N shards are disjoint and together cover every
source. Each shard writes its own manifest (``manifest.shard-K-of-N.json``), so shards sharing
an output folder never overwrite each other's; ``merge`` joins them into the one manifest an
unsharded build writes, byte for byte.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Iterable, Optional

from .dataclass_code import dataclass
from .errors import UsageError

_SPEC = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")
_NAME = re.compile(r"manifest\.shard-(\d+)-of-(\d+)\.json")
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        m = _SPEC.fullmatch(text or "")
        if not m:
            raise UsageError(f"--shard {text!r}: give K/N, e.g. --shard 2/8 (the second of eight shards; K from 1 to N)")
        k, n = int(m[1]), int(m[2])
        if not 1 <= k <= n:
            raise UsageError(f"--shard {text}: K must be from 1 to N (a Kubernetes Job's JOB_COMPLETION_INDEX counts from 0: "
                             f"pass $((JOB_COMPLETION_INDEX + 1))/N)")
        return cls(k, n)

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, key: str) -> bool:
        """Whether the source named ``key`` (its path within its project) belongs to this shard."""
        return of(key, self.count) == self.index

    @property
    def manifest_name(self) -> str:
        return f"manifest.shard-{self.index}-of-{self.count}.json"


def of(key: str, count: int) -> int:
    """The shard (1-based, of ``count``) of the source named ``key``: a hash of the name alone."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def manifest_name(shard: Optional[Shard]) -> str:
    return shard.manifest_name if shard is not None else MANIFEST


def shard_manifests(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("manifest.shard-*-of-*.json") if _NAME.fullmatch(p.name))


def rewritten(artefacts: dict, previous: Optional[dict]) -> list[str]:
    """The artefacts whose bytes differ from what the ``previous`` manifest listed (or that it did
    not list): what the run that writes the new manifest replaced. Defined by the manifests, not by
    a run's events, so the merge of shards that did not all run tonight says the same as one build."""
    before = (previous or {}).get("artefacts", {})
    return sorted(k for k, v in artefacts.items() if before.get(k, {}).get("sha256") != v.get("sha256"))


def merge(paths: Iterable[Path], *, previous: Optional[dict] = None, complete: bool = True) -> dict:
    """The manifest of the shards' manifests at ``paths``: every artefact, sorted by path, as one
    unsharded build writes it (``rewritten`` against ``previous``, the manifest it replaces). Refuses (exit 2) manifests of different shard counts or generators,
    the same artefact listed differently by two shards, and, with ``complete``, a missing shard."""
    paths = sorted(Path(p) for p in paths)
    if not paths:
        raise UsageError("no shard manifests (manifest.shard-K-of-N.json) to merge — run the shards first, or name the files")
    arts: dict[str, dict] = {}
    where: dict[str, Path] = {}
    generators, counts, seen = set(), set(), set()
    for p in paths:
        try:
            m = json.loads(p.read_text(encoding="utf-8"))
            shard = m["shard"]
            k, n = int(shard["index"]), int(shard["count"])
            items = m["artefacts"].items()
        except FileNotFoundError:
            raise UsageError(f"{p}: no such shard manifest") from None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise UsageError(f"{p}: not a shard manifest of briefdeck ({exc.__class__.__name__}: {exc}) — "
                             f"merge only the manifest.shard-K-of-N.json files shards wrote") from None
        generators.add(m.get("generator"))
        counts.add(n)
        seen.add(k)
        for name, entry in items:
            if name in arts and arts[name] != entry:
                raise UsageError(f"{p}: lists {name} differently from {where[name]} — two shards built the same output "
                                 f"(two sources with the same file name?); rename one source")
            arts[name], where[name] = entry, p
    if len(counts) > 1:
        raise UsageError(f"shard manifests of different shard counts ({', '.join(map(str, sorted(counts)))}) — merge the "
                         f"manifests of one run; remove the others")
    if len(generators) > 1:
        raise UsageError(f"shard manifests written by different versions ({', '.join(sorted(map(str, generators)))}) — "
                         f"run every shard with one version")
    n = counts.pop()
    missing = sorted(set(range(1, n + 1)) - seen)
    if complete and missing:
        raise UsageError(f"no manifest of shard {', '.join(f'{k}/{n}' for k in missing)} — that shard has not finished "
                         f"(run it again: its sources alone are built), or pass --partial to merge what there is")
    arts = dict(sorted(arts.items()))
    return {"generator": generators.pop(), "artefacts": arts, "rewritten": rewritten(arts, previous)}
