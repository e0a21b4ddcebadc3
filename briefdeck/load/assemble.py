"""Stage: the document itself -- people, sections, quotes, recommendations, references, meta.

References between parts are checked here (a section's speakers, a quote's section), and
quotes against the text: a pull quote must be the speaker's words as they stand in the
section's paragraphs (line breaks, quote marks and dashes may differ), so a brief never
prints a quotation its own text does not contain.
"""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Optional

from .. import model as m
from ..assets import Assets
from ..locale import Locale
from .files import Files
from .report import Report
from .text import InlineText

if TYPE_CHECKING:  # the schema's models, or quickcheck's objects of the same names and fields
    from .. import schema as s

MAX_SECTIONS = 300


def organisations(src: s.SourceFile, text: InlineText, pictures=None) -> dict[str, m.Organisation]:
    pic = pictures or (lambda *a, **k: None)
    return {o.id: m.Organisation(o.id, text.locale.typeset(o.name), text.url(o.url, "organisations", i, "url"), text.report.loc("organisations", i),
                                 logo=pic(o.logo, "organisations", i, "logo", alt=o.name, what="logo"))
            for i, o in enumerate(src.organisations)}


def _organisation(ref: Optional[str], orgs: dict[str, m.Organisation], report: Report, *at) -> Optional[m.Organisation]:
    if ref is None:
        return None
    if ref not in orgs:
        hint = Report.suggest(ref, orgs) if orgs else "declare it under `organisations:` (id, name)"
        report.problem(at, f"unknown organisation '{ref}' — {hint}", "ref.organisation")
    return orgs.get(ref)


def people(src: s.SourceFile, text: InlineText, orgs: dict[str, m.Organisation], pictures=None) -> dict[str, m.Person]:
    pic = pictures or (lambda *a, **k: None)
    out = {}
    for i, p in enumerate(src.people):
        aff = p.affiliation
        affiliations = tuple(a.strip() for a in ([aff] if isinstance(aff, str) else (aff or ())) if a and a.strip())
        tp = text.locale.typeset
        out[p.id] = m.Person(p.id, tp(p.name), p.role, tuple(tp(x) for x in p.titles), tuple(tp(a) for a in affiliations),
                             text(p.bio, "people", i, "bio"), text.report.loc("people", i), role_label=tp(p.role_label or ""),
                             speaks_for=_organisation(p.speaks_for, orgs, text.report, "people", i, "speaks_for"),
                             photo=pic(p.photo, "people", i, "photo", what="photo"))
    return out


def panels(src: s.SourceFile, cast: dict[str, m.Person], report: Report, typeset=lambda s: s) -> dict[str, m.Panel]:
    """Panels with their people; a person sits on one panel at most."""
    out: dict[str, m.Panel] = {}
    seated: dict[str, str] = {}
    for i, pn in enumerate(src.panels):
        members = []
        for j, ref in enumerate(pn.people):
            if ref not in cast:
                report.problem(("panels", i, "people", j), f"unknown person '{ref}' — {Report.suggest(ref, cast)}", "ref.person")
            elif ref in seated:
                report.problem(("panels", i, "people", j), f"'{ref}' already sits on panel '{seated[ref]}' — list each person "
                               f"on one panel", "panel.twice")
            else:
                seated[ref] = pn.id
                members.append(cast[ref])
        out[pn.id] = m.Panel(pn.id, typeset(pn.title), typeset(pn.time or ""), tuple(members), report.loc("panels", i))
    return out


def sections(src: s.SourceFile, figures: dict[str, m.Figure], cast: dict[str, m.Person], text: InlineText,
             panels: Optional[dict[str, m.Panel]] = None, orgs: Optional[dict[str, m.Organisation]] = None,
             tables: Optional[dict[str, m.Table]] = None) -> tuple[m.Section, ...]:
    report = text.report
    panels, orgs, tables = panels or {}, orgs or {}, tables or {}
    if len(src.sections) > MAX_SECTIONS:
        report.problem(("sections",), f"{len(src.sections)} sections — more than {MAX_SECTIONS}; split the source", "limit.sections")
    out = []
    for i, sec in enumerate(src.sections):
        w = ("sections", i)
        refs = [sec.speaker] if isinstance(sec.speaker, str) else list(sec.speaker or [])
        speakers = []
        for j, ref in enumerate(refs):
            at = w + ("speaker",) + ((j,) if not isinstance(sec.speaker, str) else ())
            if ref not in cast:
                report.problem(at, f"unknown person '{ref}' — {Report.suggest(ref, cast)}", "ref.person")
            elif cast[ref] not in speakers:
                speakers.append(cast[ref])
        panel = None
        if sec.panel is not None:
            if sec.panel not in panels:
                hint = Report.suggest(sec.panel, panels) if panels else "declare it under `panels:` (id, title, people)"
                report.problem(w + ("panel",), f"unknown panel '{sec.panel}' — {hint}", "ref.panel")
            panel = panels.get(sec.panel)
        out.append(m.Section(
            id=sec.id, title=text.locale.typeset(sec.title),
            paragraphs=tuple(text(t, *w, "paragraphs", j) for j, t in enumerate(sec.paragraphs)),
            bullets=tuple(text(t, *w, "bullets", j) for j, t in enumerate(sec.bullets)),
            figures=tuple(figures[f] for f in sec.figures if f in figures),
            speakers=tuple(speakers), slide_title=text.locale.typeset(sec.slide_title or sec.title), loc=report.loc(*w), panel=panel,
            organisation=_organisation(sec.organisation, orgs, report, *w, "organisation"),
            tables=tuple(tables[t] for t in sec.tables if t in tables),
        ))
    return tuple(out)


# -- quotes: verbatim, or refused ---------------------------------------------------------------
_SAME = str.maketrans({"‘": None, "’": None, "‚": None, "‛": None, "'": None, "“": None, "”": None, "„": None,
                       "‟": None, '"': None, "«": None, "»": None, "‹": None, "›": None,
                       "–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-", "―": "-", "−": "-"})


def verbatim_key(text: str) -> str:
    """What must match for a quote to be verbatim: the words and punctuation, whatever the line
    breaks, quote marks, dashes and spaces (typographic or typed)."""
    t = unicodedata.normalize("NFKC", text).translate(_SAME).replace("…", "...")
    t = re.sub(r"\s*-\s*", "-", t)  # 'x – y' and 'x-y' alike
    return " ".join(t.split()).strip(" .")


def _holds(paragraph: m.Text, key: str) -> bool:
    """A paragraph holds the quote's words; a pull quote may capitalise its first letter."""
    text = verbatim_key(paragraph.plain)
    return bool(key) and (key in text or (key[0].lower() + key[1:]) in text or (key[0].upper() + key[1:]) in text)


def quotes(src: s.SourceFile, secs: tuple[m.Section, ...], cast: dict[str, m.Person], text: InlineText) -> tuple[m.Quote, ...]:
    report = text.report
    by_id = {sec.id: sec for sec in secs}
    out = []
    for i, q in enumerate(src.quotes):
        w = ("quotes", i)
        body = text(q.text, *w, "text")
        key = verbatim_key(body.plain)
        speaker = None
        if q.speaker is not None:
            if q.speaker not in cast:
                report.problem(w + ("speaker",), f"unknown person '{q.speaker}' — {Report.suggest(q.speaker, cast)}", "ref.person")
            speaker = cast.get(q.speaker)
        section_id = q.section
        if q.section is not None and q.section not in by_id:
            if q.section not in {x.id for x in src.sections}:
                report.problem(w + ("section",), f"unknown section '{q.section}' — {Report.suggest(q.section, by_id)}", "ref.section")
        elif q.section is not None:
            if not any(_holds(p, key) for p in by_id[q.section].paragraphs):
                report.problem(w + ("text",), f"quote #{i + 1} is not in the paragraphs of section '{q.section}' — quote the words "
                               f"as they stand in the text (line breaks, quote marks and dashes may differ), or name the section "
                               f"that holds them", "quote.verbatim")
        else:
            found = next((sec.id for sec in secs if any(_holds(p, key) for p in sec.paragraphs)), None)
            if found is None:
                report.problem(w + ("text",), f"quote #{i + 1} is not in the paragraphs of any section — quote the words as they "
                               f"stand in the text (line breaks, quote marks and dashes may differ)", "quote.verbatim")
            section_id = found
        out.append(m.Quote(body, speaker, section_id, report.loc(*w)))
    return tuple(out)


# -- the rest ------------------------------------------------------------------------------------
def references(src: s.SourceFile, locale: Locale, text: InlineText) -> tuple[m.Reference, ...]:
    out = []
    for i, r in enumerate(src.references):
        date = locale.date(r.date) if hasattr(r.date, "isoformat") else str(r.date or "")
        tp = locale.typeset
        out.append(m.Reference(tp(r.title), text.url(r.url, "references", i, "url"), tp(r.publisher or ""), date, tp(r.note or ""),
                               text.report.loc("references", i)))
    return tuple(out)


def key_figures(src: s.SourceFile, facts: dict[str, str], locale: Locale, text: InlineText) -> tuple[m.KeyFigure, ...]:
    """The facts given a `label`, in the order declared: the numbers a reader should take away."""
    out = []
    for name, f in src.facts.items():
        if f.label and name in facts:
            ds = src.datasets.get(f.dataset) if f.dataset else None
            source = f.source or (ds.source if ds is not None else "")
            out.append(m.KeyFigure(facts[name], text(f.label, "facts", name, "label"), locale.typeset(source),
                                   text.report.loc("facts", name)))
    return tuple(out)


def check_language(tag: str, report: Report) -> bool:
    """Whether babel knows the language (when not, it is reported and the load goes on in en-CA,
    so the source's other problems are found in the same run)."""
    from babel import Locale as BabelLocale, UnknownLocaleError

    try:
        BabelLocale.parse(tag.replace("-", "_"))
        return True
    except (UnknownLocaleError, ValueError):
        report.problem(("meta", "language"), f"unknown language '{tag}' — use a tag such as en-CA, en-US, en-GB or fr-CA", "meta.language")
        return False


def check_theme(name: str, assets: Assets, report: Report) -> bool:
    from ..theme import theme_names

    themes = theme_names(assets)
    if name not in themes:
        report.problem(("meta", "theme"), f"unknown theme '{name}' — {Report.suggest(name, themes)} (themes are folders in assets/themes/)", "meta.theme")
        return False
    return True


def template(rel: Optional[str], theme_ok: bool, theme_name: str, assets: Assets, files: Files) -> Optional[str]:
    """The deck template a source names, found in the project and checked to be a bounded .pptx."""
    if not rel:
        return None
    tp = files.find(rel, ("meta", "template"))
    if tp is None:
        return None
    if theme_ok:
        from ..errors import BriefdeckError
        from ..templatesafety import scan
        from ..templatesafety.hostile import problems
        from ..theme import load_theme

        try:  # the deck builds on this scan (kept by the template's bytes): a build scans a template once
            found = scan(tp, load_theme(theme_name, assets).get("deck.template_limits"), shown=f"template '{rel}'")
        except BriefdeckError as exc:
            files.report.problem(("meta", "template"), str(exc), "template.invalid")
            return str(tp)
        # what the template would carry into every deck (macros, linked pictures...): a warning each,
        # with the template as the file (the build leaves them out; --strict refuses)
        files.report.warnings.extend(problems(found.findings, rel))
    return str(tp)


def unique(report: Report, key: str, ids: list[str]) -> None:
    seen: dict[str, int] = {}
    for i, ident in enumerate(ids):
        if ident in seen:
            first = (key, seen[ident], "id")
            line, col = report.located.where(first)
            report.problem((key, i, "id"), f"id '{ident}' is used twice in {key} (first at line {line}, column {col}) — "
                           f"rename one of them", "id.duplicate", also=first)
        seen.setdefault(ident, i)


def _names(refs: list[str], key: str, cast: dict[str, m.Person], orgs: dict[str, m.Organisation]) -> tuple[str, ...]:
    """Authors, editors, a publisher: a person's or an organisation's id stands for its name; anything
    else is a name as written."""
    return tuple(cast[r].name if r in cast else orgs[r].name if r in orgs else r for r in refs)


def meta(src: s.SourceFile, template_path: Optional[str], text: InlineText, cast: Optional[dict[str, m.Person]] = None,
         orgs: Optional[dict[str, m.Organisation]] = None) -> m.Meta:
    mt, ev = src.meta, src.event
    cast, orgs = cast or {}, orgs or {}
    return m.Meta(
        language=mt.language, paper=mt.paper, updated=mt.updated or ev.date, short_title=text.locale.typeset(mt.short_title or ev.title),
        series=text.locale.typeset(mt.series or ev.organiser), keywords=tuple(mt.keywords), licence=mt.licence or "",
        how_to_cite=text(mt.how_to_cite, "meta", "how_to_cite") if mt.how_to_cite else None,
        template=template_path, theme=mt.theme, loc=text.report.loc("meta"), url=_web_address(mt.url, text),
        authors=_names(mt.authors, "authors", cast, orgs), editors=_names(mt.editors, "editors", cast, orgs),
        publisher=_names([mt.publisher], "publisher", cast, orgs)[0] if mt.publisher else "", published=mt.published,
        credit=None if mt.credit is None or mt.credit is True else ("" if mt.credit is False else mt.credit),
    )


def _web_address(url: Optional[str], text: InlineText) -> Optional[str]:
    """meta.url: a link like any other, and one a browser opens as a page (http or https)."""
    if url is None:
        return None
    if not url.strip().lower().startswith(("http://", "https://")):
        text.report.problem(("meta", "url"), f"meta.url '{url}' is not a web address — give the page's http or https address",
                            "meta.url")
        return None
    return text.url(url, "meta", "url")


def event(src: s.SourceFile, locale: Locale, text: InlineText, pictures=None) -> m.Event:
    ev = src.event
    tp = locale.typeset
    logo = pictures(ev.logo, "event", "logo", alt=ev.organiser, what="logo") if pictures else None
    return m.Event(tp(ev.title), tp(ev.subtitle or ""), tp(ev.organiser), ev.date, locale.date(ev.date), tp(ev.place),
                   text.url(ev.url, "event", "url"), text.report.loc("event"), logo=logo)
