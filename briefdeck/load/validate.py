"""Stage 2: the source's plain data against the schema, errors mapped back to lines. A valid source
is checked without pydantic, against the schema kept as data (quickcheck.py); anything that check
cannot answer for (a problem, a value pydantic would convert) is checked by pydantic (schema.py).

A misspelt key is reported once, as a typo with a did-you-mean (not also as a missing field);
a value failing a union (a `where` condition) once per place; every message says what to do.

A failing value does not stop the load: it is reported, then repaired in a copy of the data (a
misspelt key renamed to its guess, a bad optional value removed, a bad required one replaced by a
stand-in of the right type) so the later stages still check everything else -- a bad date does not
hide an unknown speaker. The repaired paths are returned so that what the later stages say about a
stand-in is not reported (it would be about a value the author never wrote).
"""
from __future__ import annotations

import copy
import datetime as _dt
import re
import typing
from dataclasses import field
from typing import TYPE_CHECKING, Any, Optional

from ..dataclass_code import dataclass
from ..errors import Problem, SourceError
from ..yamlsafe import Located, excerpt
from . import quickcheck
from .noplugins import install as _no_plugin_loader

if TYPE_CHECKING:
    from .. import schema as s

# pydantic (and schema.py, which builds on it) is imported only when the check without it cannot
# answer (quickcheck.py): a source with a problem, or a value pydantic would convert


_MESSAGES = {
    "string_type": "expected text — put the value in quotes",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list — write each item on its own line starting with '- '",
    "dict_type": "expected a mapping of keys — write 'key: value' lines under it",
    "model_type": "expected a mapping of keys — write 'key: value' lines under it",
    "model_attributes_type": "expected a mapping of keys — write 'key: value' lines under it",
    "date_type": "expected a date — write it as YYYY-MM-DD",
    "date_parsing": "not a date — write it as YYYY-MM-DD",
    "date_from_datetime_parsing": "not a date — write it as YYYY-MM-DD",
    "date_from_datetime_inexact": "a date, not a time, is needed — write it as YYYY-MM-DD",
    "string_too_short": "must not be empty — write the text",
    "string_pattern_mismatch": "ids use lowercase letters, digits, '-' and '_' — rename it",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
}


def _schema():
    """schema.py, pydantic's plugin loader left out first (it imports importlib.metadata)."""
    _no_plugin_loader()
    from .. import schema

    return schema


def _model_fields(cls: Any) -> Optional[dict]:
    return cls.model_fields if isinstance(cls, type) and issubclass(cls, _schema().BaseModel) else None


def _models_in(annotation: Any) -> list[type]:
    out = []
    if isinstance(annotation, type) and issubclass(annotation, _schema().BaseModel):
        out.append(annotation)
    for arg in typing.get_args(annotation):
        out.extend(_models_in(arg))
    return out


def _fields_at(path: tuple) -> list[str]:
    """Field names the schema allows at a data path (for did-you-mean)."""
    candidates: list[Any] = [_schema().SourceFile]
    for part in path:
        nxt: list[Any] = []
        for c in candidates:
            fields = _model_fields(c)
            if fields is None:
                continue
            if isinstance(part, str) and part in fields:
                ann = fields[part].annotation
                sub = _models_in(ann)
                nxt.extend(sub)
        if isinstance(part, int) or not nxt:
            nxt = nxt or candidates  # list index or dict key: same model underneath
        candidates = nxt
    names: list[str] = []
    for c in candidates:
        for name, f in (_model_fields(c) or {}).items():
            names.append(f.alias or name)
    return names


def _data_path(data: Any, loc: tuple) -> tuple:
    """Drop pydantic's union-member labels from an error location."""
    out: list = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            out.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            out.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part not in node and _looks_like_field(part):
            out.append(part)  # a missing or unknown key
            node = None
    return tuple(out)


_UNION_LABELS = {"float", "int", "str", "date", "bool", "list", "dict"}  # pydantic's names for union members


def _looks_like_field(part: str) -> bool:
    return not (part[:1].isupper() or "[" in part or part in _UNION_LABELS)


def _context(path: tuple) -> str:
    if not path:
        return "the file"
    return " > ".join(f"#{p + 1}" if isinstance(p, int) else str(p) for p in path).replace(" > #", " #")


@dataclass(frozen=True)
class Validated:
    """The schema-checked source; when the author's data failed, ``problems`` says where and
    ``src`` was read from a repaired copy whose changed values lie under ``repaired``."""

    src: s.SourceFile  # or quickcheck's objects of the same names and fields
    problems: list[Problem] = field(default_factory=list)
    repaired: frozenset = frozenset()


REPAIR_ROUNDS = 6  # a repaired mapping may reveal its own missing fields: a few rounds settle it


def validate(located: Located, display: str) -> Validated:
    """The schema-checked source (repaired where it failed, with the failures located), or
    SourceError when no repair makes it valid."""
    quick = quickcheck.checked(located.data)
    if quick is not None:
        return Validated(quick)
    s = _schema()
    from pydantic import ValidationError

    try:
        return Validated(s.SourceFile.model_validate(located.data))
    except ValidationError as exc:
        problems = _problems(exc, located, display)
        errors = exc.errors()
    data, repaired = located.data, set()
    for _ in range(REPAIR_ROUNDS):
        data = _repair(data, errors, repaired)
        if data is None:
            break
        try:
            return Validated(s.SourceFile.model_validate(data), problems, frozenset(repaired))
        except ValidationError as again:
            errors = again.errors()
    raise SourceError(problems)


def _problems(exc, located: Located, display: str) -> list[Problem]:
    """Every validation error as one located problem, saying what to do."""
    import difflib  # here: only a mistake asks for a guess

    problems: list[Problem] = []
    seen: set[tuple] = set()
    errors = exc.errors()
    # a misspelt required key shows up twice (unknown + missing): report it once, as the typo
    typos = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            path = _data_path(located.data, tuple(err["loc"]))
            for guess in difflib.get_close_matches(str(path[-1]), _fields_at(path[:-1]), n=1, cutoff=0.6):
                typos.add((path[:-1], guess))
    for err in errors:
        path = _data_path(located.data, tuple(err["loc"]))
        kind = err["type"]
        if kind == "missing":
            parent = path[:-1] if path and path[-1] == err["loc"][-1] else path
            if (parent, err["loc"][-1]) in typos:
                continue
            line, col = located.where(parent)
            name = err["loc"][-1]
            msg = f"missing required field '{name}' in {_context(parent)} — add '{name}:'"
        elif kind == "extra_forbidden":
            line, col = located.where(path, key=True)
            name = str(path[-1]) if path else "?"
            options = _fields_at(path[:-1])
            guess = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
            hint = f"did you mean '{guess[0]}'?" if guess else f"allowed keys here: {', '.join(sorted(options))}"
            msg = f"unknown key '{name}' in {_context(path[:-1])} — {hint}"
        else:
            line, col = located.where(path)
            text = _MESSAGES.get(kind)
            if kind in ("literal_error", "enum"):
                expected = [x.strip(" '") for x in str(err.get("ctx", {}).get("expected", "")).replace(" or ", ", ").split(",") if x.strip()]
                guess = difflib.get_close_matches(str(err.get("input")), expected, n=1, cutoff=0.6)
                hint = f"did you mean '{guess[0]}'?" if guess else "use one of these values"
                text = f"{err['msg'].replace('Input should be', 'must be')} — {hint}"
            elif kind == "string_type" and isinstance(err.get("input"), list):
                text = "expected one text, not a list — write a single value (this field takes no list)"
            elif kind == "string_type" and isinstance(err.get("input"), dict):
                text = "expected text, not a mapping — write the value after the colon (in quotes if it holds ': ')"
            elif kind == "too_short":
                text = f"needs at least {err['ctx']['min_length']} item(s), has {err['ctx']['actual_length']} — add the missing items"
            elif kind == "too_long":
                text = f"allows at most {err['ctx']['max_length']} items, has {err['ctx']['actual_length']} — keep the most important ones"
            elif kind in ("less_than_equal", "greater_than_equal", "greater_than", "less_than"):
                text = f"{err['msg'].replace('Input should', 'must')} — change the number"
            elif kind == "value_error":
                text = str(err["ctx"].get("error", err["msg"]))
                text = text if " — " in text else f"{text} — correct it"
            elif kind.startswith("date_") and isinstance(err.get("input"), str) and _as_iso(err["input"]):
                text = f"{text}: {_as_iso(err['input'])}"
            elif text is None:
                text = f"{err['msg']} — correct the value"
            value = err.get("input")
            shown = f" = {value!r}" if isinstance(value, (str, int, float, bool)) and len(repr(value)) < 60 else ""
            msg = f"{_context(path)}{shown}: {text}"
        key = (line, col, msg)
        if (path, kind) in seen or key in seen:
            continue
        seen.update({(path, kind), key})
        problems.append(Problem(display, line, col, msg, f"schema.{kind}", excerpt=excerpt(located.lines, line, col)))
    return _dedupe_union(problems)


def _as_iso(text: str) -> Optional[str]:
    """'25/01/2011' -> '2011-01-25' when the order of day and month is certain (one of them is over
    12, or both are the same); None otherwise, rather than a guess that could be a month off."""
    m = re.fullmatch(r"\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*", text)
    if not m:
        return None
    a, b, year = int(m[1]), int(m[2]), int(m[3])
    if a > 12 >= b or a == b:
        day, month = a, b
    elif b > 12 >= a:
        day, month = b, a
    else:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _dedupe_union(problems: list[Problem]) -> list[Problem]:
    """A value failing a union (e.g. a `where` condition) yields one error per member: keep one per place."""
    out, places = [], set()
    for p in problems:
        if (p.line, p.col) in places and p.code not in ("schema.missing", "schema.extra_forbidden"):
            continue
        places.add((p.line, p.col))
        out.append(p)
    return out


# -- repair: a valid stand-in for each failing value, so the later stages can run ------------------
_NONE = type(None)
STAND_IN = "0-stand-in"  # the text put where a value failed: a valid id, never offered as a suggestion


def _members(annotation: Any) -> list[Any]:
    """The types a field may hold (Optional and Union flattened, None left out)."""
    if typing.get_origin(annotation) is typing.Union:
        return [m for a in typing.get_args(annotation) for m in _members(a)]
    return [] if annotation is _NONE else [annotation]


def _field(model: type, name: str) -> Any:
    for fname, f in model.model_fields.items():
        if name in (fname, f.alias):
            return f
    return None


def _slot(path: tuple) -> Optional[tuple[Any, Any, str]]:
    """What the schema expects at ``path``: (annotation, the model field or None, the container
    holding it: 'model', 'dict' or 'list'), or None when the path leaves the schema."""
    annotation, fld, container = _schema().SourceFile, None, "model"
    for part in path:
        step = None
        for member in _members(annotation):
            origin = typing.get_origin(member)
            if isinstance(part, str) and _model_fields(member) is not None and _field(member, part) is not None:
                f = _field(member, part)
                step = (f.annotation, f, "model")
            elif isinstance(part, str) and origin is dict:
                step = (typing.get_args(member)[1], None, "dict")
            elif isinstance(part, int) and origin is list:
                step = (typing.get_args(member)[0], None, "list")
            if step:
                break
        if step is None:
            return None
        annotation, fld, container = step
    return annotation, fld, container


def _stand_in(annotation: Any) -> Any:
    """A value of the right type that passes the schema's own checks (ids, lengths)."""
    members = _members(annotation) or [str]
    a = members[0]
    origin = typing.get_origin(a)
    if origin is typing.Literal:
        return typing.get_args(a)[0]
    if _model_fields(a) is not None:
        return {}
    if origin is list:
        return [_stand_in(typing.get_args(a)[0])]
    if origin is dict:
        return {}
    return {_dt.date: _dt.date(2000, 1, 1), int: 1, float: 1.0, bool: False, str: STAND_IN}.get(a, STAND_IN)


def _node(data: Any, path: tuple) -> Any:
    """The value at ``path``, or None when an earlier repair removed or replaced what held it."""
    for part in path:
        if isinstance(data, dict) and part in data or isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def _repair(data: Any, errors: list, repaired: set) -> Any:
    """A copy of ``data`` with each error's value renamed, removed or replaced (``repaired`` gains
    the paths changed), or None when an error cannot be repaired."""
    import difflib  # here: only a mistake asks for a guess

    data = copy.deepcopy(data)
    paths = [(err["type"], _data_path(data, tuple(err["loc"])), err["loc"]) for err in errors]
    # misspelt keys first: renamed to their guess, they may supply a field reported missing
    done: list[tuple] = []
    for kind, path, _ in sorted(paths, key=lambda e: e[0] != "extra_forbidden"):
        if any(path[:len(d)] == d for d in done):
            continue  # inside a value this round already removed or replaced
        if kind == "extra_forbidden":
            parent = _node(data, path[:-1])
            if not isinstance(parent, dict) or path[-1] not in parent:
                continue
            value = parent.pop(path[-1])
            guess = [g for g in difflib.get_close_matches(str(path[-1]), _fields_at(path[:-1]), n=1, cutoff=0.6) if g not in parent]
            if guess:
                parent[guess[0]] = value
                repaired.add(path[:-1] + (guess[0],))
            repaired.add(path)
            continue
        if kind == "missing":
            name = path[-1] if path else None
            parent_path = path[:-1]
            parent = _node(data, parent_path) if name is not None else None
            if not isinstance(parent, dict):
                return None
            if name in parent:
                continue  # supplied by a renamed typo
            slot = _slot(path)
            if slot is None:
                return None
            parent[name] = _stand_in(slot[0])
            repaired.add(path)
            done.append(path)
            continue
        if not path:
            return None  # the whole file is the wrong shape: nothing to repair
        slot = _slot(path)
        parent = _node(data, path[:-1])
        if slot is None or not isinstance(parent, (dict, list)):
            return None
        annotation, fld, container = slot
        if isinstance(parent, dict) and (container == "dict" or (fld is not None and not fld.is_required())):
            parent.pop(path[-1], None)  # an optional value, or an entry of a mapping: left out
        else:
            parent[path[-1]] = _stand_in(annotation)
        repaired.add(path)
        done.append(path)
    return data
