"""``briefdeck init [DIR]``: a new project folder that builds at once.

A project is a folder holding ``source/`` (one YAML file per event) and ``assets/`` (the data
the charts come from, and any theme, font, locale or template of the project's own, each
overriding briefdeck's built-in file at the same path). ``init`` writes:

- ``source/<name>.yaml``: the commented starter (``builtin/starter/event.yaml``), showing every
  part of a source, or with ``--example NAME`` a complete bundled event
  (``builtin/examples/NAME/``);
- ``assets/data/``: the real, sourced CSV files the source uses, with ``SOURCES.md``;
- ``briefdeck.schema.json``: the source format's JSON Schema, which the source's first line
  (``# yaml-language-server: $schema=../briefdeck.schema.json``) points editors at, offline;
- ``.gitignore`` (``output/``) and a short ``README.md``.

It never overwrites a file: when any file it would write exists, it writes nothing and says
which (a UsageError, exit 2).
"""
from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Optional

from .dataclass_code import dataclass
from .assets import BUILTIN
from .errors import UsageError

STARTER = BUILTIN / "starter"
EXAMPLES = BUILTIN / "examples"
SCHEMA_FILE = "briefdeck.schema.json"
_MODELINE = re.compile(r"\A# yaml-language-server: \$schema=\S*\n")
_MODELINE_HERE = f"# yaml-language-server: $schema=../{SCHEMA_FILE}\n"


@dataclass(frozen=True)
class Example:
    name: str
    title: str  # the event's title
    summary: str  # one line: date, place, language


def examples() -> list[Example]:
    """The bundled example projects, by name."""
    from .yamlsafe import load_settings

    out = []
    for folder in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()) if EXAMPLES.is_dir() else []:
        src = folder / "source" / f"{folder.name}.yaml"
        data = load_settings(src.read_text(encoding="utf-8"))  # a bundled, trusted file
        ev, meta = data["event"], data.get("meta", {})
        out.append(Example(folder.name, ev["title"], f"{ev['date']}, {ev['place']}, {meta.get('language', 'en')}"))
    return out


def slug(name: str) -> str:
    """A source file name from a folder name: lower case letters, digits and '-'."""
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return s or "event"


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def plan(target: Path, example: Optional[str] = None) -> dict[str, bytes]:
    """Project-relative path -> bytes, for every file ``init`` writes into ``target``."""
    from .schema import json_schema

    files: dict[str, bytes] = {}
    if example is None:
        name = slug(target.resolve().name)
        source = f"source/{name}.yaml"
        files[source] = (STARTER / "event.yaml").read_bytes()
        data_root = STARTER
        title = target.resolve().name
    else:
        known = {e.name: e for e in examples()}
        if example not in known:
            import difflib

            close = difflib.get_close_matches(example, known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise UsageError(f"no bundled example '{example}' — {hint}choose one of: {', '.join(known)} "
                             f"(briefdeck init --list-examples describes them)")
        data_root = EXAMPLES / example
        source = f"source/{example}.yaml"
        text = (data_root / source).read_text(encoding="utf-8")
        # the bundled copy points at the repository's schema; the project has its own
        text = _MODELINE.sub(lambda _m: _MODELINE_HERE, text, count=1) if _MODELINE.match(text) else _MODELINE_HERE + text
        files[source] = text.encode("utf-8")
        title = known[example].title
    for p in _files(data_root / "assets"):
        files[p.relative_to(data_root).as_posix()] = p.read_bytes()
    readme = (STARTER / "README.md").read_text(encoding="utf-8")
    files["README.md"] = readme.replace("{title}", title).replace("{source}", Path(source).name).encode("utf-8")
    files[".gitignore"] = (STARTER / "gitignore").read_bytes()
    files[SCHEMA_FILE] = (json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return dict(sorted(files.items()))


def init(target: Path, example: Optional[str] = None) -> list[Path]:
    """Write a new project into ``target`` (made if missing); the paths written.

    Nothing is overwritten: if any file exists already, nothing is written at all."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder — name a new or existing folder for the project")
    files = plan(target, example)
    for rel in files:
        p = target / rel
        if p.exists() or p.is_symlink():
            err = UsageError(f"{p}: already exists — briefdeck init never overwrites a file; choose another folder "
                             f"(briefdeck init NEW-FOLDER) or move the file away. Nothing was written")
            err.file = str(p)
            raise err
    # folders this run makes (the project's own and any missing above it), removed again on failure
    wanted = {target.absolute()} | {(target / rel).absolute().parent for rel in files}
    wanted |= {a for d in wanted for a in d.parents}
    new_dirs = sorted((d for d in wanted if not d.exists()), key=lambda d: len(d.parts), reverse=True)
    written: list[Path] = []
    try:
        for rel, data in files.items():
            p = target / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            with open(p, "xb") as f:  # "x": fails rather than overwrite, even in a race
                f.write(data)
            written.append(p)
    except OSError as exc:
        for p in written:  # leave the folder as it was
            with contextlib.suppress(OSError):
                p.unlink()
        for d in new_dirs:  # deepest first
            with contextlib.suppress(OSError):
                d.rmdir()
        raise UsageError(f"{exc.filename or target}: cannot write ({exc.strerror}) — check the folder's permissions and "
                         f"free space; nothing was left behind") from None
    return written
