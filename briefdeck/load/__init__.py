"""Source file -> validated, resolved document model, in stages with explicit inputs and outputs.

1. read      bytes -> located plain data (``yamlsafe``: line and column of every value)
2. validate  plain data -> the schema's ``SourceFile`` (``validate``: pydantic, errors mapped to lines)
3. files     the paths a source names, confined to its project (``files``)
4. data      datasets, queries and facts (``datasets``)
5. figures   numbered, queried, checked against their kind's declaration (``figures``); tables
             numbered, queried, their cells written in the language, their totals computed (``tables``)
6. text      inline markup, {fact:}/{fig:}/{tab:} references and links (``text``)
7. assemble  people, sections, quotes (checked verbatim), references, meta (``assemble``)

Each stage reports into one ``Report``, so every problem of a source is listed at once, each at
its own line; nothing event-specific lives here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .. import model as m
from ..assets import Assets, project_root
from ..errors import Problem, SourceError
from ..locale import load_locale
from ..yamlsafe import Located, excerpt, load_yaml
from . import assemble
from .datasets import read_datasets, resolve_facts
from .figures import FigureResolver, number_figures
from .files import Files
from .limits import check_text, check_totals
from .tables import TableResolver, number_tables
from .pictures import Pictures
from .report import Report
from .text import InlineText
from .validate import validate

__all__ = ["load_document", "project_root"]


def read_source(path: Path, display: str) -> tuple[Located, list[Problem]]:
    """Stage 1: the file's bytes as located YAML data and the problems found in values that were
    read all the same (a duplicate key, a tag, an impossible date: stood in for by None), or
    SourceError when the file cannot be read as YAML at all."""
    from ..safeio import NotRegular, TooLarge, read_regular
    from ..yamlsafe import MAX_BYTES

    try:
        raw = read_regular(Path(path), max_bytes=MAX_BYTES)
    except TooLarge as exc:
        raise SourceError([Problem(display, 0, 0, f"file is {exc.size // 1024} KB, more than the {MAX_BYTES // 1024} KB a source may be — split it or remove embedded data", "file.size")]) from None
    except NotRegular as exc:
        if exc.kind == "a folder":
            raise SourceError([Problem(display, 0, 0, "this is a folder, not a source file — name a .yaml file", "file.missing")]) from None
        raise SourceError([Problem(display, 0, 0, f"this is {exc.kind}, not a regular file — sources are read from files only; remove it or name a .yaml file", "file.kind")]) from None
    except FileNotFoundError:
        raise SourceError([Problem(display, 0, 0, "file not found — check the path", "file.missing")]) from None
    except IsADirectoryError:
        raise SourceError([Problem(display, 0, 0, "this is a folder, not a source file — name a .yaml file", "file.missing")]) from None
    except OSError as exc:
        raise SourceError([Problem(display, 0, 0, f"cannot read the file ({exc.strerror}) — check its permissions", "file.read")]) from None
    located, problems = load_yaml(raw, display)
    if located is None:
        raise SourceError(problems)
    if not isinstance(located.data, dict):
        raise SourceError(problems or [Problem(display, 1, 1, "a source must be a mapping of keys (briefdeck:, event:, ...) — see docs/source-format.md",
                                               "schema.type", excerpt=excerpt(located.lines, 1, 1))])
    return located, problems


def load_document(path: Path, *, allowed: tuple[Path, ...] = (), display: Optional[str] = None) -> m.Document:
    """Read and validate one source; raise SourceError listing every problem."""
    display = display or str(path)
    located, read_problems = read_source(Path(path), display)
    try:
        checked = validate(located, display)
    except SourceError as exc:
        raise SourceError(_merged(read_problems, exc.problems)) from None
    src = checked.src
    report = Report(located, display, muted=checked.repaired, muted_at={(p.line, p.col) for p in read_problems})
    report.extend(_merged(read_problems, checked.problems))
    if located.data is not None:
        check_text(located.data, report)
        check_totals(located.data, report)
        if any(p.code == "limit.text" for p in report.problems):
            report.raise_if_any()  # before any stage sets or parses text that no box can hold
    try:
        return _resolve(src, path, allowed, display, report)
    except SourceError:
        raise
    except Exception:
        # a stage met a value the reader or the schema check already refused and stood in for: the
        # problems so far are the answer (each still located); a valid source never gets here
        if not report.problems:
            raise
        report.raise_if_any()
        raise


def _merged(first: list[Problem], then: list[Problem]) -> list[Problem]:
    """The reader's problems, then the schema's that are not at the same place."""
    places = {(p.line, p.col) for p in first}
    return list(first) + [p for p in then if (p.line, p.col) not in places]


def _resolve(src, path: Path, allowed: tuple[Path, ...], display: str, report: Report) -> m.Document:
    """Stages 3-7 on the schema-checked source, every problem into ``report``."""
    root = project_root(Path(path))
    assets = Assets(root)
    language = src.meta.language if assemble.check_language(src.meta.language, report) else "en-CA"
    locale = load_locale(assets, language)
    files = Files(root, allowed, report)

    datasets = read_datasets(src, files, report)
    facts = resolve_facts(src, datasets, locale, report)
    numbers = number_figures(src, report)
    assemble.unique(report, "sections", [x.id for x in src.sections])
    assemble.unique(report, "figures", [x.id for x in src.figures])
    assemble.unique(report, "tables", [x.id for x in src.tables])
    table_numbers = number_tables(src, report)
    assemble.unique(report, "people", [x.id for x in src.people])
    assemble.unique(report, "organisations", [x.id for x in src.organisations])
    assemble.unique(report, "panels", [x.id for x in src.panels])
    mentioned = {f.id for f in src.figures} | {fid for sec in src.sections for fid in sec.figures}
    text = InlineText(report, locale, facts=facts, declared_facts=set(src.facts), figure_numbers=numbers,
                      mentioned_figures=mentioned, table_numbers=table_numbers,
                      mentioned_tables=frozenset({t.id for t in src.tables} | {tid for sec in src.sections for tid in sec.tables}))
    for name, ds in src.datasets.items():  # every URL field is checked, whether a figure shows it or not
        text.url(ds.url, "datasets", name, "url")
    pictures = Pictures(files, locale.typeset)
    figures = FigureResolver(src, datasets=datasets, files=files, locale=locale, numbers=numbers, text=text, report=report,
                             pictures=pictures).all()
    tables = TableResolver(src, datasets=datasets, locale=locale, numbers=table_numbers, text=text, report=report).all()
    orgs = assemble.organisations(src, text, pictures)
    cast = assemble.people(src, text, orgs, pictures)
    panels = assemble.panels(src, cast, report, locale.typeset)
    sections = assemble.sections(src, figures, cast, text, panels, orgs, tables)
    quotes = assemble.quotes(src, sections, cast, text)
    theme_ok = assemble.check_theme(src.meta.theme, assets, report)
    template = assemble.template(src.meta.template, theme_ok, src.meta.theme, assets, files)
    key_figures = assemble.key_figures(src, facts, locale, text)  # (before the warnings are collected)
    doc = m.Document(
        meta=assemble.meta(src, template, text, cast, orgs), event=assemble.event(src, locale, text, pictures), people=tuple(cast.values()),
        preface=text(src.preface, "preface") if src.preface else None,
        summary=text(src.summary, "summary"),
        key_messages=tuple(text(t, "key_messages", i) for i, t in enumerate(src.key_messages)),
        sections=sections, quotes=quotes,
        recommendations=tuple(m.Recommendation(locale.typeset(r.lead), text(r.text, "recommendations", i, "text"), report.loc("recommendations", i))
                              for i, r in enumerate(src.recommendations)),
        references=assemble.references(src, locale, text), source_path=display, loc=report.loc(),
        warnings=tuple(report.warnings), inputs=tuple(dict.fromkeys(files.inputs)),
        organisations=tuple(orgs.values()), panels=tuple(panels.values()),
        key_figures=key_figures,
    )
    report.raise_if_any()
    return doc
