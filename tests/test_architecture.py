"""The shape of the house, enforced (docs/architecture.md): floors that import only downward, no
import circle, each heavy library in the one place that draws with it, and rooms small enough to
live in.

Imports are read from the source (``ast``), those inside functions too: a lazy import is still a
dependency; one under ``if TYPE_CHECKING:`` is not (it never runs). A module importing ``a.b.c``
depends on ``a.b.c``, not on the packages around it.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.quick

PKG = ROOT / "briefdeck"

# Floors, lowest first: a module may import its own floor and the floors below, never one above.
# "x" is that module only; "x.*" is x and everything in it. The exact name wins, then the longest.
FLOORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", (  # read by everything: errors, settings, the model, words and themes
        "briefdeck", "briefdeck.dataclass_code", "briefdeck.errors", "briefdeck.yamlsafe", "briefdeck.versions", "briefdeck.publish", "briefdeck.cache",
        "briefdeck.shard", "briefdeck.manifest", "briefdeck.hidden", "briefdeck.safeio", "briefdeck.babelkept", "briefdeck.lazyre",
        "briefdeck.workers", "briefdeck.drawserver", "briefdeck.mplconfig", "briefdeck.model", "briefdeck.schema", "briefdeck.sourcerules", "briefdeck.data",
        "briefdeck.links", "briefdeck.textfmt", "briefdeck.typography", "briefdeck.locale", "briefdeck.assets", "briefdeck.theme",
        "briefdeck.templatesafety.*",
        "briefdeck.images.*",  # pictures a source names, checked and made safe to embed (the loader takes them in)
        "briefdeck.render",  # the registry only (no renderer): the theme reads the renderers' parts from it
    )),
    ("charts", ("briefdeck.charts.*",)),  # one chart service; the loader checks figures against its kinds
    ("load", ("briefdeck.load.*",)),  # source YAML -> the validated model
    ("present", ("briefdeck.present.*",)),  # the words (and the reading plan) every output shares
    ("renderers", ("briefdeck.render.*",)),  # render/pdf, render/pptx: one package per output format
    ("commands", ("briefdeck.api", "briefdeck.ahead", "briefdeck.buildrecord", "briefdeck.cli", "briefdeck.command", "briefdeck.handoff", "briefdeck.buildserver", "briefdeck.watch", "briefdeck.scaffold", "briefdeck.schemadoc",
                  "briefdeck.derive_dataclass_code",  # imports every module (to record their classes)
                  "briefdeck.__main__", "briefdeck.builtin.*")),
)
# Third-party libraries only one part may import (the house rules: the model never imports
# reportlab or python-pptx; only charts/ calls matplotlib).
LIBRARIES = {
    "reportlab": ("briefdeck.render.pdf.*",),
    "svglib": ("briefdeck.render.pdf.*",),
    "pptx": ("briefdeck.render.pptx.*",
             "briefdeck.builtin.templates.make_default"),  # the script that makes the bundled template
    "matplotlib": ("briefdeck.charts.*",),
    "PIL": ("briefdeck.images.*", "briefdeck.render.pptx.backdrop"),  # pictures decoded where they are checked; the deck reads a template's backgrounds
    "resvg_py": ("briefdeck.images.*",),
    "defusedxml": ("briefdeck.images.*",),
}
MAX_LINES = 700
LONG = {"briefdeck/render/pdf/tagging.py": "the PDF tagging layer: one structure tree, kept whole"}
# Modules over the limit while they are being split (issue 21 had render/pptx/plan.py here until its
# split landed). Remove an entry when its split lands: the test below fails for an entry that is no
# longer long, so this list cannot go stale.
PENDING_SPLIT: set[str] = set()


def _matches(module: str, pattern: str) -> bool:
    if pattern.endswith(".*"):
        base = pattern[:-2]
        return module == base or module.startswith(base + ".")
    return module == pattern


def floor_of(module: str) -> int | None:
    best = None  # (exact, length, floor)
    for n, (_, patterns) in enumerate(FLOORS):
        for p in patterns:
            if _matches(module, p):
                key = (not p.endswith(".*"), len(p), n)
                best = max(best, key) if best else key
    return best[2] if best else None


@lru_cache(maxsize=1)
def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _runtime_nodes(tree: ast.AST):
    """Every node but those under ``if TYPE_CHECKING:`` (imports for annotations only)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))


@lru_cache(maxsize=1)
def imports() -> dict[str, dict[str, set[str]]]:
    """module -> {"briefdeck": {briefdeck modules it imports}, "outside": {top-level names of the others}}."""
    mods = modules()
    out = {}
    for mod, path in mods.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        inside: set[str] = set()
        outside: set[str] = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names = [(a.name, None) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module
                names = [(target, a.name) for a in node.names]
            else:
                continue
            for target, name in names:
                if target.split(".")[0] != "briefdeck":
                    outside.add(target.split(".")[0])
                elif name and f"{target}.{name}" in mods:
                    inside.add(f"{target}.{name}")  # from package import submodule
                elif target in mods:
                    inside.add(target)
        inside.discard(mod)
        out[mod] = {"briefdeck": inside, "outside": outside}
    return out


def test_every_module_has_a_floor():
    assert [m for m in modules() if floor_of(m) is None] == [], "add it to FLOORS in tests/test_architecture.py"


def test_no_import_runs_up_a_floor():
    upward = []
    for mod, found in imports().items():
        for target in found["briefdeck"]:
            if floor_of(target) > floor_of(mod):
                upward.append(f"{mod} ({FLOORS[floor_of(mod)][0]}) imports {target} ({FLOORS[floor_of(target)][0]})")
    assert upward == []


def test_renderers_do_not_import_each_other():
    def renderer(m: str) -> str | None:
        parts = m.split(".")
        return parts[2] if len(parts) > 2 and parts[:2] == ["briefdeck", "render"] else None

    across = [f"{mod} imports {t}" for mod, found in imports().items() for t in found["briefdeck"]
              if renderer(mod) and renderer(t) and renderer(mod) != renderer(t)]
    assert across == []


def test_no_import_circle():
    graph = {m: found["briefdeck"] for m, found in imports().items()}
    # Tarjan's strongly connected components: any with two modules or more is a circle
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert circles == []


def test_heavy_libraries_stay_where_they_draw():
    misplaced = [f"{mod} imports {lib}" for mod, found in imports().items() for lib, allowed in LIBRARIES.items()
                 if lib in found["outside"] and not any(_matches(mod, p) for p in allowed)]
    assert misplaced == []


def test_the_registry_imports_nothing_of_briefdeck():
    """The lower floors read it (the theme's parts): it must stay a leaf, loading renderers by name
    (its dataclasses are made by dataclass_code, itself a leaf)."""
    assert imports()["briefdeck.render"]["briefdeck"] <= {"briefdeck.dataclass_code"}
    assert imports()["briefdeck.dataclass_code"]["briefdeck"] == set()


def test_no_module_is_too_long_to_live_in():
    long = {}
    for path in modules().values():
        rel = path.relative_to(ROOT).as_posix()
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES and rel not in LONG:
            long[rel] = n
    assert {k: v for k, v in long.items() if k not in PENDING_SPLIT} == {}, f"split these by job (at most {MAX_LINES} lines)"
    assert sorted(PENDING_SPLIT - set(long)) == [], "split: remove it from PENDING_SPLIT"


def test_the_checks_see_what_they_are_meant_to():
    """The import reading finds known edges, lazy ones too, so an empty list above means something."""
    found = imports()
    assert "briefdeck.templatesafety" in found["briefdeck.load.assemble"]["briefdeck"]  # inside a function
    assert "briefdeck.render.pptx.template.ranking" in found["briefdeck.render.pptx"]["briefdeck"]
    assert "reportlab" in found["briefdeck.render.pdf.pages"]["outside"]
    assert floor_of("briefdeck.render") == 0 and floor_of("briefdeck.render.pdf.story") == 4
    assert floor_of("briefdeck.present") == 3 and floor_of("briefdeck.charts.kinds.bar") == 1
    assert "briefdeck.present.view" not in found["briefdeck.present.outline"]["briefdeck"]  # for annotations only
