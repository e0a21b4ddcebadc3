"""The loader's check without pydantic (load/quickcheck.py) gives what pydantic gives, or leaves it to
pydantic: on every example source, and on thousands of sources altered at random (values of other
types and shapes, spaces, unknown and missing keys); its kept schema is what deriving it gives."""
from __future__ import annotations

import copy
import datetime as _dt
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from briefdeck import schema as s
from briefdeck.load import quickcheck
from briefdeck.load.derive_schema import derive
from briefdeck.yamlsafe import load_yaml

from .fuzz_strategies import _paths as every_path

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = "python -m briefdeck.load.derive_schema"
pytestmark = pytest.mark.quick  # the loader: what every build and check runs through


def _sources() -> list[Path]:
    found = []
    for pattern in ("source/*.yaml", "tests/examples/**/*.yaml", "briefdeck/builtin/examples/**/*.yaml", "briefdeck/builtin/starter/*.yaml"):
        for p in sorted(ROOT.glob(pattern)):
            located, _ = load_yaml(p.read_bytes(), str(p))
            if located is not None and isinstance(located.data, dict) and "briefdeck" in located.data:
                found.append(p)
    return found


SOURCES = _sources()


def _data(path: Path):
    located, _ = load_yaml(path.read_bytes(), str(path))
    return located.data


def _plain(v):
    """A validated value as nested plain data, the type of every value and the order of every field kept."""
    if isinstance(v, BaseModel):
        return ("model", type(v).__name__, [(k, _plain(x)) for k, x in v.__dict__.items()])
    if isinstance(v, quickcheck.Node):
        return ("model", v._name, [(k, _plain(x)) for k, x in v.__dict__.items()])
    if isinstance(v, list):
        return ("list", [_plain(x) for x in v])
    if isinstance(v, dict):
        return ("dict", [(_plain(k), _plain(x)) for k, x in v.items()])
    return (type(v).__name__, repr(v))


def _pydantic(data):
    try:
        return s.SourceFile.model_validate(data)
    except ValidationError:
        return None


def test_the_kept_schema_is_what_deriving_it_again_gives():
    assert quickcheck.FILE.is_file(), f"{quickcheck.FILE} is missing — write it with {REGENERATE}"
    assert json.loads(quickcheck.FILE.read_bytes()) == derive(), f"schema.py, sourcerules.py or pydantic changed — {REGENERATE}"


def test_there_are_examples_to_compare():
    assert len(SOURCES) >= 10


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_every_example_is_checked_without_pydantic_as_pydantic_checks_it(path):
    data = _data(path)
    quick = quickcheck.checked(data)
    assert quick is not None, "a valid example left to pydantic: the check without it answers for none of a build's sources"
    assert _plain(quick) == _plain(s.SourceFile.model_validate(data))


ODD_VALUES = ["", " ", "  text  ", "\x1c x \x1f", "\u3000id\u3000", "\u00a0a4", "a4", "letter", "UPPER", "bad id", "ok-id", "12", "1.5",
              "2020-01-01", "true", 0, 1, -1, 7, 8, 2.5, 1.0, float("nan"), float("inf"), True, False, None, _dt.date(2020, 1, 1),
              _dt.datetime(2020, 1, 1, 12), [], [""], ["a"], [" a "], [1, "a"], [[1, "a"]], [None], {}, {"from": 1}, {"from_": 1},
              {"to": "x", "from": _dt.date(2001, 1, 1)}, {"label": "T"}, {"heading": " H ", "decimals": 2}, {"file": "x.png"},
              {" k ": "v"}, {1: "v"}, {"k": None}, "sum", "number", "speaker", "chair", "bar", "decorative"]


def _mutated(data, rng: random.Random):
    data = copy.deepcopy(data)
    for _ in range(rng.choice((1, 1, 2, 3))):
        paths = [p for p, _ in every_path(data) if p]
        path = rng.choice(paths)
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        how = rng.random()
        if how < 0.6:
            parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif how < 0.75 and isinstance(parent, dict):
            del parent[last]
        elif how < 0.85 and isinstance(parent, dict):
            parent[rng.choice(["extra", "from", "to", "alt", "titles", f"{last}s", " id"])] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif isinstance(parent[last], str):
            parent[last] = rng.choice([" ", "\t", "\n", "\u2003", "\x1c", ""]) + parent[last] + rng.choice([" ", "\n", "\u3000", "\x1f", ""])
        elif isinstance(parent[last], list):
            parent[last] = parent[last] * rng.choice((0, 2, 3))
    return data


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_an_altered_source_is_checked_as_pydantic_checks_it_or_left_to_pydantic(path):
    data = _data(path)
    rng = random.Random(path.stem)
    answered = 0
    for _ in range(300):
        altered = _mutated(data, rng)
        quick = quickcheck.checked(altered)
        if quick is None:
            continue
        answered += 1
        slow = _pydantic(altered)
        assert slow is not None, f"valid without pydantic, invalid with it: {altered}"
        assert _plain(quick) == _plain(slow)
    assert answered > 20  # the comparison compared something


def test_a_schema_derived_from_other_code_is_not_used(monkeypatch):
    data = _data(SOURCES[0])
    quickcheck._schema.cache_clear()
    monkeypatch.setattr(quickcheck, "made_by", lambda: {"schema.py": "another"})
    try:
        assert quickcheck.checked(data) is None
    finally:
        quickcheck._schema.cache_clear()


def test_a_valid_source_is_loaded_without_importing_pydantic_and_a_bad_one_with_its_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(ROOT.joinpath("source/canada-minusma-panel-2018.yaml").read_text().replace("date: 2018-", "date: '25 April 2018' #", 1))
    code = (f"import sys; from briefdeck.load import load_document; from briefdeck.errors import SourceError\n"
            f"doc = load_document(__import__('pathlib').Path({str(ROOT / 'source/canada-minusma-panel-2018.yaml')!r}))\n"
            f"print('pydantic' in sys.modules)\n"
            f"try: load_document(__import__('pathlib').Path({str(bad)!r}))\n"
            f"except SourceError as e: print([(p.line, p.code) for p in e.problems])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout.split("\n")
    assert out[0] == "False"
    assert "schema.date_parsing" in out[1] or "schema.date_from_datetime_parsing" in out[1], out
