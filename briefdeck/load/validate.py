"""Stage 2: the source's plain data against the schema (pydantic), errors mapped back to lines.

A misspelt key is reported once, as a typo with a did-you-mean (not also as a missing field);
a value failing a union (a `where` condition) once per place; every message says what to do.
"""
from __future__ import annotations

import difflib
import typing
from typing import Any, Optional

from pydantic import BaseModel, ValidationError

from .. import schema as s
from ..errors import Problem, SourceError
from ..yamlsafe import Located, excerpt


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


def _model_fields(cls: Any) -> Optional[dict]:
    return cls.model_fields if isinstance(cls, type) and issubclass(cls, BaseModel) else None


def _models_in(annotation: Any) -> list[type]:
    out = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        out.append(annotation)
    for arg in typing.get_args(annotation):
        out.extend(_models_in(arg))
    return out


def _fields_at(path: tuple) -> list[str]:
    """Field names the schema allows at a data path (for did-you-mean)."""
    candidates: list[Any] = [s.SourceFile]
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


def _looks_like_field(part: str) -> bool:
    return not (part[:1].isupper() or "[" in part)


def _context(path: tuple) -> str:
    if not path:
        return "the file"
    return " > ".join(f"#{p + 1}" if isinstance(p, int) else str(p) for p in path).replace(" > #", " #")


def validate(located: Located, display: str) -> s.SourceFile:
    """The schema-checked source, or SourceError with every problem located."""
    try:
        return s.SourceFile.model_validate(located.data)
    except ValidationError as exc:
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
        raise SourceError(_dedupe_union(problems)) from None


def _dedupe_union(problems: list[Problem]) -> list[Problem]:
    """A value failing a union (e.g. a `where` condition) yields one error per member: keep one per place."""
    out, places = [], set()
    for p in problems:
        if (p.line, p.col) in places and p.code not in ("schema.missing", "schema.extra_forbidden"):
            continue
        places.add((p.line, p.col))
        out.append(p)
    return out
