"""The source format's reference docs, generated from the schema so they never drift.

``python -m briefdeck.schemadoc`` rewrites the field tables in docs/source-format.md and
docs/briefdeck.schema.json (the file the YAML language server reads); a test checks both
are current.
"""
from __future__ import annotations

import json
import types
import typing
from pathlib import Path

from pydantic_core import PydanticUndefined

from . import schema as S
from .charts.registry import COMMON_OPTIONS

COMMON = [o.name for o in COMMON_OPTIONS]

def tname(t):
    o = typing.get_origin(t); a = typing.get_args(t)
    if t is type(None): return "null"
    if o is typing.Union or o is types.UnionType:
        parts = [tname(x) for x in a if x is not type(None)]
        plain = set(a) - {type(None)}
        if plain == set(typing.get_args(S.Scalar)): return "number, text or date"
        if plain == set(typing.get_args(S.Condition)): return "value, list of values, or {from, to}"
        return " or ".join(parts)
    if o is typing.Literal: return " \\| ".join(f"`{x}`" for x in a)
    if o is list: return f"list of {tname(a[0])}"
    if o is dict: return f"map of {tname(a[1])}"
    if isinstance(t, type) and issubclass(t, S.BaseModel): return f"[{NAMES[t][0]}](#{NAMES[t][1]})"
    return {str: "text", int: "integer", float: "number", bool: "true/false", typing.Any: "any"}.get(t, getattr(t, "__name__", str(t))).replace("date", "date (YYYY-MM-DD)")

def default(f):
    if f.is_required(): return "**required**"
    if f.default_factory is not None: return "empty"
    if f.default is None: return "—"
    if f.default is PydanticUndefined: return "—"
    return f"`{str(f.default).lower() if isinstance(f.default, bool) else f.default}`"

NAMES = {S.SourceFile: ("top level", "top-level"), S.MetaSrc: ("meta", "meta"), S.EventSrc: ("event", "event"),
         S.PersonSrc: ("person", "people"), S.SectionSrc: ("section", "sections"), S.QuoteSrc: ("quote", "quotes"),
         S.RecommendationSrc: ("recommendation", "recommendations"), S.DatasetSrc: ("dataset", "datasets"),
         S.FactSrc: ("fact", "facts"), S.FigureSrc: ("figure", "figures"), S.RangeSrc: ("range", "range-from-to"),
         S.ReferenceSrc: ("reference", "references"), S.OrganisationSrc: ("organisation", "organisations"),
         S.PanelSrc: ("panel", "panels"), S.TableSrc: ("table", "tables"), S.TableColumnSrc: ("table column", "table-column"),
         S.TableTotalSrc: ("table total", "table-total"), S.PictureSrc: ("picture", "pictures")}
HEAD = {S.SourceFile: "Top level", S.MetaSrc: "meta", S.EventSrc: "event", S.PersonSrc: "people[]",
        S.SectionSrc: "sections[]", S.QuoteSrc: "quotes[]", S.RecommendationSrc: "recommendations[]",
        S.DatasetSrc: "datasets.ID", S.FactSrc: "facts.ID", S.FigureSrc: "figures[]",
        S.RangeSrc: "range {from, to}", S.ReferenceSrc: "references[]", S.OrganisationSrc: "organisations[]",
        S.PanelSrc: "panels[]", S.TableSrc: "tables[]", S.TableColumnSrc: "tables[].columns.NAME",
        S.TableTotalSrc: "tables[].total", S.PictureSrc: "picture (logo, photo)"}
MODELS = [S.SourceFile, S.MetaSrc, S.EventSrc, S.PersonSrc, S.OrganisationSrc, S.PanelSrc, S.SectionSrc, S.QuoteSrc, S.RecommendationSrc,
          S.DatasetSrc, S.FactSrc, S.FigureSrc, S.TableSrc, S.TableColumnSrc, S.TableTotalSrc, S.RangeSrc, S.ReferenceSrc, S.PictureSrc]


def field_tables() -> str:
    """Markdown tables of every field of the source format, for docs/source-format.md."""
    out = []
    for m in MODELS:
        out.append(f'<a id="{NAMES[m][1]}"></a>\n\n#### `{HEAD[m]}`\n')
        out.append("| field | type | default | meaning |\n|---|---|---|---|")
        for name, f in m.model_fields.items():
            key = f.alias or name
            desc = (f.description or "").replace("|", "\\|")
            out.append(f"| `{key}` | {tname(f.annotation)} | {default(f)} | {desc} |")
        out.append("")
    return "\n".join(out)


def kinds_table() -> str:
    """The chart kinds, from their own declarations (charts/registry.py): data, options, use."""
    from .charts import KINDS

    out = []
    for name, kind in sorted(KINDS.items()):
        if not kind.builtin:
            continue
        out.append(f"#### `{name}`\n\n{kind.summary} Data: {kind.contract.describe()}."
                   + (" Editable in the deck (`editable: true` makes a native PowerPoint chart, with the order, highlight, "
                      "value labels and colours of the picture)." if kind.native else "")
                   + (" Too long for one slide, it continues on the next (every row, whole, at full size); the brief "
                      "draws it as tall as it needs." if kind.split else "")
                   + (" Small enough for the brief's side column." if kind.compact else "") + "\n")
        own = [o for o in kind.options.values() if o.name not in COMMON]
        if own:
            out.append("| option | type | meaning |\n|---|---|---|")
            for o in own:
                kind_of = " \\| ".join(f"`{c}`" for c in o.choices) if o.choices else o.type
                out.append(f"| `{o.name}` | {kind_of} | {o.help.replace('|', chr(92) + '|')} |")
        out.append("")
    out.append("Every kind also takes: " + ", ".join(f"`{o}`" for o in COMMON) + ".\n")
    return "\n".join(out)


KINDS_BEGIN = "<!-- chart kinds: generated from each kind's declaration by `python -m briefdeck.schemadoc`; do not edit by hand -->"
KINDS_END = "<!-- end of chart kinds -->"
BEGIN = "<!-- field tables: generated from briefdeck/schema.py by `python -m briefdeck.schemadoc`; do not edit by hand -->"
END = "<!-- end of field tables -->"


def update(doc_path: Path, schema_path: Path) -> bool:
    """Rewrite the generated parts (field tables, JSON Schema file); True if anything changed."""
    text = doc_path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{BEGIN}\n\n{field_tables()}\n{END}{tail}"
    if KINDS_BEGIN in new:
        head, rest = new.split(KINDS_BEGIN, 1)
        _, tail = rest.split(KINDS_END, 1)
        new = f"{head}{KINDS_BEGIN}\n\n{kinds_table()}\n{KINDS_END}{tail}"
    schema = json.dumps(S.json_schema(), indent=2, ensure_ascii=False) + "\n"
    changed = new != text or not schema_path.exists() or schema_path.read_text(encoding="utf-8") != schema
    doc_path.write_text(new, encoding="utf-8")
    schema_path.write_text(schema, encoding="utf-8")
    return changed


if __name__ == "__main__":
    ROOT = Path.cwd()  # run from the repository: python -m briefdeck.schemadoc
    print("updated" if update(ROOT / "docs" / "source-format.md", ROOT / "docs" / "briefdeck.schema.json") else "already up to date")
