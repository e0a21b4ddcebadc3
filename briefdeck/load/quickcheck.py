"""A valid source checked without pydantic: importing pydantic and building the schema's validator
take ~0.1 s of CPU, most of a prose edit's load, for a source that is almost always valid.

The check walks pydantic's own validator for ``schema.SourceFile`` (its core schema), kept as plain
data in ``FILE`` by ``derive_schema.py``, and makes every check the schema declares. It answers only
where it is sure to give what pydantic gives: every value of exactly the type its field takes (a
date as a date, a whole number as an int, never a number as text or the reverse), a union's value
of the type of exactly one of its members. Anything else -- a failing value, a value pydantic would
convert, a file derived from another schema.py (or the model.py and sourcerules.py it takes from) or
pydantic than the one installed -- and it answers
None: the loader asks pydantic (``validate``), whose errors are located as always. What it gives is
the same values in objects of the same names and fields as pydantic's models (``Node``), which the
loader's stages read as they read those; ``tests/test_quickcheck.py`` compares the two on every example
and on thousands of altered sources.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from ..sourcerules import RULES

_PKG = Path(__file__).resolve().parent.parent
FILE = _PKG / "builtin" / "derived" / "schema.json"
_MADE_FROM = ("schema.py", "sourcerules.py", "model.py")  # the code the file is derived from (with pydantic's versions; schema.Role is model.ROLES)

# what str_strip_whitespace strips: pydantic-core trims Unicode White_Space (Rust's str::trim), which
# is not Python's str.strip() (that also strips U+001C-U+001F)
_WHITE_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


class Unsure(Exception):
    """A value this check cannot answer for as pydantic would: pydantic decides."""


def made_by() -> dict:
    from ..versions import version

    out = {name: hashlib.sha256((_PKG / name).read_bytes()).hexdigest() for name in _MADE_FROM}
    return {**out, "pydantic": version("pydantic"), "pydantic_core": version("pydantic_core")}


class Node:
    """A model's validated fields as attributes, as the loader reads a pydantic model's."""

    _name = "Node"
    _aliases: dict = {}

    def __init__(self, fields: dict):
        self.__dict__.update(fields)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Node) and other._name == self._name and other.__dict__ == self.__dict__

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{self._name}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"

    def model_dump(self, by_alias: bool = False) -> dict:
        """Its fields as a mapping (nested models as mappings), as pydantic's ``model_dump``."""
        return {(self._aliases.get(k, k) if by_alias else k): _dumped(v, by_alias) for k, v in self.__dict__.items()}


def _dumped(v: Any, by_alias: bool) -> Any:
    if isinstance(v, Node):
        return v.model_dump(by_alias)
    if isinstance(v, list):
        return [_dumped(x, by_alias) for x in v]
    if isinstance(v, dict):
        return {k: _dumped(x, by_alias) for k, x in v.items()}
    return v


class _Schema:
    def __init__(self, data: dict):
        self.root = data["root"]
        self.models = data["models"]
        self.classes = {name: type(name, (Node,), {"_name": name, "_aliases": {f: a for f, a, _ in m["fields"] if a != f}})
                        for name, m in self.models.items()}
        self.keys = {name: frozenset(a for _, a, _ in m["fields"]) for name, m in self.models.items()}

    def check(self, n: dict, v: Any) -> Any:
        kind = n["type"]
        t = type(v)
        if kind == "str":
            if t is not str:
                raise Unsure
            v = v.strip(_WHITE_SPACE)
            if len(v) < n.get("min_length", 0) or ("max_length" in n and len(v) > n["max_length"]):
                raise Unsure
            if "pattern" in n and ("\n" in v or not _pattern(n["pattern"]).search(v)):
                raise Unsure
            return v
        if kind == "model":
            return self.model(n["name"], v)
        if kind == "nullable":
            return None if v is None else self.check(n["schema"], v)
        if kind == "list":
            if t is not list or len(v) < n.get("min_length", 0) or ("max_length" in n and len(v) > n["max_length"]):
                raise Unsure
            items = n["items"]
            return [self.check(items, x) for x in v]
        if kind == "default":
            return self.check(n["schema"], v)
        if kind == "date":
            if t is not _dt.date:
                raise Unsure
            return v
        if kind == "literal":
            if not any(type(e) is t and e == v for e in n["expected"]):
                raise Unsure
            return v
        if kind == "bool":
            if t is not bool:
                raise Unsure
            return v
        if kind == "int":
            if t is not int or ("ge" in n and v < n["ge"]) or ("le" in n and v > n["le"]):
                raise Unsure
            return v
        if kind == "float":
            if t is not float or not math.isfinite(v):
                raise Unsure
            return v
        if kind == "dict":
            if t is not dict or len(v) < n.get("min_length", 0):
                raise Unsure
            out = {}
            for k, x in v.items():
                key = self.check(n["keys"], k)
                if key != k:  # a key pydantic would change (and might merge with another): pydantic decides
                    raise Unsure
                out[key] = self.check(n["values"], x)
            return out
        if kind == "union":  # smart mode: a value of exactly one member's type is that member's
            takers = [c for c in n["choices"] if t in types_of(c)]
            if len(takers) != 1:
                raise Unsure
            return self.check(takers[0], v)
        if kind == "any":
            return v
        if kind == "function-before":
            return self.check(n["schema"], self.rule(n["rule"], v))
        if kind == "function-after":
            return self.rule(n["rule"], self.check(n["schema"], v))
        raise Unsure  # a kind this check does not know (derive_schema writes none)

    def model(self, name: str, v: Any) -> Node:
        if type(v) is not dict or not v.keys() <= self.keys[name]:
            raise Unsure  # not a mapping, or an unknown key (which may also be a key that is not text)
        out = {}
        for field, key, n in self.models[name]["fields"]:
            if key in v:
                out[field] = self.check(n, v[key])
            elif n["type"] != "default":
                raise Unsure  # missing
            elif "factory" in n:
                f = n["factory"]
                out[field] = [] if f == "list" else {} if f == "dict" else self.model(f.split(":", 1)[1], {})
            else:
                out[field] = n["default"]
        return self.classes[name](out)

    @staticmethod
    def rule(name: str, v: Any) -> Any:
        try:
            return RULES[name](v)
        except (ValueError, AssertionError):
            raise Unsure from None


def types_of(n: dict) -> tuple:
    """The Python types of the values a node takes as they are (a union's member)."""
    kind = n["type"]
    if kind in ("model", "dict"):
        return (dict,)
    if kind == "literal":
        return tuple({type(e): None for e in n["expected"]})
    if kind == "nullable":
        return (type(None),) + types_of(n["schema"])
    if kind == "default":
        return types_of(n["schema"])
    return {"str": (str,), "int": (int,), "float": (float,), "bool": (bool,), "date": (_dt.date,), "list": (list,)}.get(kind, ())


@lru_cache(maxsize=None)
def _pattern(p: str) -> re.Pattern:
    return re.compile(p)


@lru_cache(maxsize=1)
def _schema() -> Optional[_Schema]:
    """The kept schema, or None when it is missing, damaged or derived from other code or versions."""
    try:
        data = json.loads(FILE.read_bytes())
        if data.get("made_by") != made_by():
            return None
        return _Schema(data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def checked(data: Any) -> Optional[Node]:
    """The source's data as the schema's ``SourceFile`` would hold it, or None when pydantic must decide."""
    schema = _schema()
    if schema is None:
        return None
    try:
        return schema.check(schema.root, data)
    except (Unsure, RecursionError):
        return None


def model(name: str, data: dict) -> Any:
    """One model of the schema from valid data (a picture given as a file name alone), pydantic's
    when this check cannot answer."""
    schema = _schema()
    if schema is not None:
        try:
            return schema.model(name, data)
        except Unsure:
            pass
    from .noplugins import install

    install()  # as validate._schema() does (validate imports this module): pydantic's plugin loader left out
    from .. import schema as s

    return getattr(s, name)(**data)
