"""Writes ``quickcheck.FILE``: the source schema's validator as pydantic builds it (its core schema),
as plain data, for the loader's check without pydantic (``quickcheck.py`` says what for). Only the
kinds of node that check reads are written, each with every setting it has; anything else (a new
kind of field, a constraint it does not make) stops the derivation with the node named. After
changing ``schema.py``, ``sourcerules.py``, ``model.py`` (``schema.Role`` is made from ``model.ROLES``)
or pydantic, run

    python -m briefdeck.load.derive_schema

(until then the loader uses pydantic: the file names the code and versions it was derived from).
"""
from __future__ import annotations

import json
from typing import Any

from .. import schema as s
from ..sourcerules import RULES
from .quickcheck import FILE, made_by, types_of

# each kind of node: the settings it may have (beside "type" and its sub-nodes)
_SETTINGS = {"str": {"min_length", "max_length", "pattern"}, "int": {"ge", "le"}, "float": set(), "bool": set(), "date": set(),
             "any": set(), "literal": {"expected"}, "list": {"min_length", "max_length"}, "dict": {"min_length"}}


def derive() -> dict:
    """The schema of ``schema.SourceFile``, every model by its class name."""
    s.SourceFile.model_rebuild()
    core = s.SourceFile.__pydantic_core_schema__
    models: dict[str, dict] = {}
    refs: dict[str, str] = {}  # pydantic's reference of a model -> its class name
    if core["type"] == "definitions":
        for d in core["definitions"]:
            refs[d["ref"]] = d["cls"].__name__
        for d in core["definitions"]:
            _node(d, models, refs)
        core = core["schema"]
    root = _node(core, models, refs)
    return {"made_by": made_by(), "root": root, "models": dict(sorted(models.items()))}


def _node(n: dict, models: dict, refs: dict) -> dict:
    kind = n["type"]
    rest = set(n) - {"type", "metadata"}
    if kind == "model":
        name = n["cls"].__name__
        cfg = n.get("config", {})
        assert cfg.get("extra_fields_behavior") == "forbid" and cfg.get("str_strip_whitespace") is True, f"{name}: config {cfg}"
        # any other setting (coercion, lengths, numbers) would change what pydantic accepts unseen by the check
        assert set(cfg) <= {"extra_fields_behavior", "str_strip_whitespace", "title"}, f"{name}: config {cfg}"
        assert not n.get("custom_init") and not n.get("root_model") and not n.get("post_init"), f"{name}: {n}"
        assert rest <= {"cls", "config", "custom_init", "root_model", "ref", "schema"}, f"{name}: {rest}"
        fields_node = n["schema"]
        assert fields_node["type"] == "model-fields" and not fields_node.get("computed_fields"), f"{name}: {fields_node}"
        assert set(fields_node) - {"type", "fields", "computed_fields", "model_name", "metadata"} == set(), f"{name}: {fields_node}"
        if name not in models:
            models[name] = {}  # (a model may hold itself)
            fields = []
            for fname, f in fields_node["fields"].items():
                assert set(f) - {"type", "schema", "metadata", "validation_alias", "serialization_alias"} == set(), f"{name}.{fname}: {f}"
                alias = f.get("validation_alias")
                assert alias is None or (isinstance(alias, str) and f.get("serialization_alias") == alias), f"{name}.{fname}: {alias}"
                fields.append([fname, alias or fname, _node(f["schema"], models, refs)])
            models[name].update(fields=fields)
        return {"type": "model", "name": name}
    if kind == "definition-ref":
        assert rest == {"schema_ref"}, n
        return {"type": "model", "name": refs[n["schema_ref"]]}
    if kind == "default":
        inner = _node(n["schema"], models, refs)
        if "default_factory" in n:
            assert rest == {"schema", "default_factory", "default_factory_takes_data"} and not n["default_factory_takes_data"], n
            f = n["default_factory"]
            factory = {list: "list", dict: "dict"}.get(f) or (f"model:{f.__name__}" if f.__name__ in models or _is_model(f) else None)
            assert factory is not None, f"default factory {f!r}"
            if factory.startswith("model:"):
                _node(f.__pydantic_core_schema__, models, refs)
            return {"type": "default", "schema": inner, "factory": factory}
        assert rest == {"schema", "default"} and (n["default"] is None or isinstance(n["default"], (str, bool, int))), n
        return {"type": "default", "schema": inner, "default": n["default"]}
    if kind in ("function-before", "function-after"):
        assert rest == {"schema", "function"} and n["function"]["type"] == "no-info", n
        name = n["function"]["function"].__name__
        assert name in RULES, f"validator {name}: not in sourcerules.RULES"
        return {"type": kind, "rule": name, "schema": _node(n["schema"], models, refs)}
    if kind == "nullable":
        assert rest == {"schema"}, n
        return {"type": "nullable", "schema": _node(n["schema"], models, refs)}
    if kind == "union":
        assert rest == {"choices"} and all(isinstance(c, dict) for c in n["choices"]), n  # smart mode, no labels
        out = {"type": "union", "choices": [_node(c, models, refs) for c in n["choices"]]}
        # the check takes a value as the one member of its type: each member's types known, none shared
        types = [types_of(c) for c in out["choices"]]
        assert all(types) and len({t for ts in types for t in ts}) == sum(len(ts) for ts in types), f"union of {out['choices']}"
        return out
    if kind == "list":
        out = {"type": "list", "items": _node(n["items_schema"], models, refs)}
        rest -= {"items_schema"}
    elif kind == "dict":
        out = {"type": "dict", "keys": _node(n["keys_schema"], models, refs), "values": _node(n["values_schema"], models, refs)}
        rest -= {"keys_schema", "values_schema"}
    else:
        out = {"type": kind}
    assert kind in _SETTINGS and rest <= _SETTINGS[kind], f"a {kind} node with {sorted(rest)}: the check without pydantic does not make it"
    out.update({k: n[k] for k in sorted(rest)})
    return out


def _is_model(f: Any) -> bool:
    return isinstance(f, type) and issubclass(f, s.BaseModel)


def write() -> None:
    FILE.write_text(json.dumps(derive(), indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
    print(f"wrote {FILE}")
