"""briefdeck's dataclasses are made with kept code (briefdeck/dataclass_code.py): each kept code object
is what compiling its text gives, the kept file holds exactly the texts briefdeck's classes make, every
class is the class stock dataclasses makes (its methods' code, defaults, annotations, closures, fields),
and a missing, damaged, foreign or planted file is not used; dataclasses' namespace is left as it was."""
from __future__ import annotations

import dataclasses
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from briefdeck import dataclass_code
from briefdeck.dataclass_code import dataclass
from briefdeck.derive_dataclass_code import code_fields

from .conftest import ROOT

pytestmark = pytest.mark.quick  # every fresh process makes its classes through it
REGENERATE = "python -m briefdeck.derive_dataclass_code"
KEPT = Path(dataclass_code.FILE)


def _shipped() -> dict:
    if not KEPT.is_file():
        shipped = sorted(p.name for p in KEPT.parent.glob("dataclass-code.*.marshal"))
        assert shipped, f"no kept dataclass code is shipped — write it with {REGENERATE}"
        pytest.skip(f"kept code ships for {shipped}, not {KEPT.name}: this Python makes every class with stock dataclasses")
    kept = dataclass_code.read(str(KEPT))
    assert kept, f"{KEPT} is not this interpreter's or is damaged — write it with {REGENERATE}"
    return kept


def _run(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_each_kept_code_object_is_what_compiling_its_text_gives():
    kept = _shipped()
    assert len(kept) > 400
    for text, code in kept.items():
        assert code_fields(code) == code_fields(compile(text, "<string>", "exec", dont_inherit=True)), text
        assert code.co_filename == "<string>" and code.co_flags & 0x1000000 == 0  # not compiled with annotations as strings


_DERIVE = """
import json
from briefdeck import dataclass_code
from briefdeck.derive_dataclass_code import derive, same
now, kept = derive(), dataclass_code.read(dataclass_code.FILE)
print(json.dumps({"missing": sorted(set(now) - set(kept))[:3], "unused": len(set(kept) - set(now)),
                  "same": same(kept, now), "n": len(now)}))
"""


def test_the_file_keeps_exactly_the_texts_briefdecks_classes_make():
    _shipped()
    found = _run(_DERIVE)
    assert found["missing"] == [], f"a dataclass was added or changed — {REGENERATE}"
    assert found["unused"] == 0, f"a dataclass was removed or changed — {REGENERATE}"
    assert found["same"] and found["n"] > 400


# Every dataclass of every briefdeck module, described whole: what stock dataclasses makes is the
# description of the same class made with the kept code ("stock": nothing kept is used)
_DESCRIBE = r"""
import dataclasses, importlib, json, pkgutil, re, sys, types
from briefdeck import dataclass_code
if sys.argv[1] == "stock":
    dataclass_code._LOADED.append({})
import briefdeck
from briefdeck.derive_dataclass_code import _SKIP, code_fields

def plain(v):
    return re.sub(r" at 0x[0-9a-f]+", "", repr(v))

def function(f, depth=0):
    cells = [function(c.cell_contents, depth + 1) if isinstance(c.cell_contents, types.FunctionType) and depth < 3
             else plain(c.cell_contents) for c in (f.__closure__ or ())]
    wrapped = getattr(f, "__wrapped__", None)
    return {"name": f.__name__, "qualname": f.__qualname__, "module": f.__module__, "code": plain(code_fields(f.__code__)),
            "defaults": plain(f.__defaults__), "kwdefaults": plain(f.__kwdefaults__), "annotations": plain(f.__annotations__),
            "doc": f.__doc__, "cells": cells, "globals": f.__globals__.get("__name__"),
            "wrapped": function(wrapped, depth + 1) if isinstance(wrapped, types.FunctionType) else None}

def describe(cls):
    fields = [[f.name, plain(f.type), plain(f.default), plain(f.default_factory), f.init, f.repr, f.compare, f.hash,
               f.kw_only, plain(f.metadata), f._field_type.name] for f in dataclasses.fields(cls)]
    attrs = {k: function(v) if isinstance(v, types.FunctionType) else plain(v) for k, v in sorted(vars(cls).items())}
    return {"params": plain(cls.__dataclass_params__), "fields": fields, "attrs": attrs, "doc": cls.__doc__}

mods = [m.name for m in pkgutil.walk_packages(briefdeck.__path__, "briefdeck.") if not m.name.startswith(_SKIP)]
for m in mods:
    importlib.import_module(m)
out = {}
for m in mods:
    todo = list(vars(sys.modules[m]).values())
    while todo:
        cls = todo.pop()
        if isinstance(cls, type) and cls.__module__ == m and f"{m}.{cls.__qualname__}" not in out:
            todo.extend(vars(cls).values())
            if dataclasses.is_dataclass(cls):
                out[f"{m}.{cls.__qualname__}"] = describe(cls)
print(json.dumps({"kept": len(dataclass_code.kept_code()), "classes": out}))
"""


def test_every_class_is_the_class_stock_dataclasses_makes():
    kept = _shipped()
    served, stock = _run(_DESCRIBE, "kept"), _run(_DESCRIBE, "stock")
    assert served["kept"] == len(kept) and stock["kept"] == 0
    assert len(served["classes"]) > 80
    assert served["classes"].keys() == stock["classes"].keys()
    for name, described in served["classes"].items():
        assert described == stock["classes"][name], name


def test_a_kept_class_behaves_as_a_dataclass():
    from briefdeck.model import Loc, Span
    from briefdeck.present.outline import RunningLines

    loc = Loc("a.yaml", 3, 4)
    assert dataclasses.replace(loc, line=5) == Loc("a.yaml", 5, 4) and hash(loc) == hash(Loc("a.yaml", 3, 4))
    assert [f.name for f in dataclasses.fields(Loc)][:3] == ["file", "line", "col"]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'line'"):
        loc.line = 9
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'line'"):
        del loc.line
    assert pickle.loads(pickle.dumps(loc)) == loc and repr(loc).startswith("Loc(file='a.yaml', line=3, col=4")
    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        Span()
    lines = RunningLines(*(f"line {n}" for n in range(len(dataclasses.fields(RunningLines)))))
    assert pickle.loads(pickle.dumps(lines)) == lines and lines != dataclasses.replace(lines, **{dataclasses.fields(lines)[0].name: "other"})


def _twin(make):
    @make(frozen=True)
    class Twin:
        a: int
        b: str = "x"
        c: tuple = dataclasses.field(default_factory=tuple)
    return Twin


def test_a_class_nothing_is_kept_for_is_made_as_stock_and_the_namespace_is_restored():
    assert dataclass_code.kept_code() or not KEPT.is_file()
    served, stock = _twin(dataclass), _twin(dataclasses.dataclass)
    for name in ("__init__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
        assert code_fields(vars(served)[name].__code__) == code_fields(vars(stock)[name].__code__), name
    assert served(1) == served(1, "x", ()) and repr(served(1)).endswith("Twin(a=1, b='x', c=())")
    assert "exec" not in vars(dataclasses)
    with pytest.raises(TypeError, match="non-default argument"):
        @dataclass(frozen=True)
        class Wrong:
            a: int = 1
            b: str
    assert "exec" not in vars(dataclasses)  # restored when making the class fails too


def test_someone_elses_exec_in_dataclasses_is_left_alone(monkeypatch):
    seen = []

    def theirs(source, globals=None, locals=None):
        seen.append(source)
        exec(compile(source, "<string>", "exec", dont_inherit=True), globals, locals)

    monkeypatch.setitem(vars(dataclasses), "exec", theirs)
    _twin(dataclass)
    assert seen and vars(dataclasses)["exec"] is theirs


def _file(kept: dict) -> bytes:
    return dataclass_code.dumps(kept)


def test_a_missing_damaged_foreign_or_planted_file_is_not_used(tmp_path):
    text = "def __create_fn__():\n def f(self):\n  return 1\n return f"
    good = _file({text: compile(text, "<string>", "exec", dont_inherit=True)})
    head = len(dataclass_code.MAGIC_NUMBER) + dataclass_code._DIGEST
    bad = {
        "truncated": good[:-7],
        "a byte changed": good[:head + 40] + bytes([good[head + 40] ^ 1]) + good[head + 41:],
        "another bytecode's": bytes([good[0] ^ 1]) + good[1:],
        "no digest": good[:len(dataclass_code.MAGIC_NUMBER)] + good[head:],
        "not code": _file({text: "print('planted')"}),  # a digest of its own, but no code object
        "not marshal": dataclass_code.MAGIC_NUMBER + __import__("hashlib").sha256(b"\x00junk").digest() + b"\x00junk",
        "empty": b"",
    }
    (tmp_path / "good").write_bytes(good)
    assert list(dataclass_code.read(str(tmp_path / "good"))) == [text]
    for what, data in bad.items():
        (tmp_path / "bad").write_bytes(data)
        assert dataclass_code.read(str(tmp_path / "bad")) == {}, what
    assert dataclass_code.read(str(tmp_path / "missing")) == {}


def test_python_with_optimisations_makes_every_class_with_stock_dataclasses():
    script = "from briefdeck import dataclass_code as d; import briefdeck.model as m; print(len(d.kept_code()), m.Loc('a', 1, 2).line)"
    done = subprocess.run([sys.executable, "-O", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "1"]


# api.py's three classes are still made by stock dataclasses (about 2 ms; api.py was left as it is)
STOCK = {"briefdeck/api.py"}


def test_every_module_makes_its_dataclasses_through_dataclass_code():
    import ast

    stock = []
    for path in sorted((ROOT / "briefdeck").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            imported = isinstance(node, ast.ImportFrom) and node.module == "dataclasses" and any(a.name == "dataclass" for a in node.names)
            called = isinstance(node, ast.Attribute) and node.attr == "dataclass" and getattr(node.value, "id", None) == "dataclasses"
            if (imported or called) and rel not in STOCK | {"briefdeck/dataclass_code.py"}:
                stock.append(f"{rel}:{node.lineno}")
    assert stock == [], "make them with briefdeck.dataclass_code's dataclass (then python -m briefdeck.derive_dataclass_code)"
