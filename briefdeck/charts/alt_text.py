"""Alt text from the data (pure Python: no matplotlib), one function per kind.

The text names the chart type, what it shows and over which range, and the values a
reader would look for first: the highest, the lowest, the highlighted one, the last.
It is written in the chart's language: the phrases live in ``PHRASES`` (English and
French; other languages fall back to English, with numbers and dates still localised).
"""
from __future__ import annotations

import datetime as _dt
import math

from . import format as fmt
from .registry import KINDS

# One table per language. Chart-type heads are whole phrases (French agrees adjectives with
# the noun and puts them after it); facts are templates filled with localised values.
PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "bar": "Bar chart", "bar_stacked": "Stacked bar chart", "bar_grouped": "Grouped bar chart",
        "hbar": "Horizontal bar chart", "hbar_stacked": "Stacked horizontal bar chart",
        "hbar_grouped": "Grouped horizontal bar chart",
        "line": "Line chart", "area": "Area chart", "area_stacked": "Stacked area chart",
        "timeline": "Timeline", "map": "Locator map", "other": "{kind} chart",
        "by": "by {what}", "bars": "{n} bars", "groups": "{n} groups",
        "highest": "highest {value} {at}", "highest_of": "highest {value} ({series}) {at}",
        "highest_total": "highest total {value} {at}", "lowest": "lowest {value} {at}",
        "highlighted": "{what} (highlighted) {value}",
        "last_value": "last value {value} {at}", "last_values": "last values {values} {at}",
        "value_of": "{value} ({series})",
        "in_year": "in {year}", "in_month": "in {date}", "on_day": "on {date}", "for": "for {what}",
        "events": "{n} events", "first": "first {date}: {text}", "last": "last {date}: {text}",
        "event": "{date}: {text}", "highlighted_events": "highlighted: {events}",
        "n_highlighted": "{n} events highlighted, {span}",
        "group_highlighted": "{group} ({names}) highlighted", "names_highlighted": "{names} highlighted",
        "focus": "{name} in the darkest shade", "neighbours": "{n} neighbouring countries in grey",
        "capitals": "capitals marked: {names}",
        "colon": ": ", "semicolon": "; ",
    },
    "fr": {
        "bar": "Graphique à barres", "bar_stacked": "Graphique à barres empilées",
        "bar_grouped": "Graphique à barres groupées",
        "hbar": "Graphique à barres horizontales", "hbar_stacked": "Graphique à barres horizontales empilées",
        "hbar_grouped": "Graphique à barres horizontales groupées",
        "line": "Graphique linéaire", "area": "Graphique en aires", "area_stacked": "Graphique en aires empilées",
        "timeline": "Chronologie", "map": "Carte de situation", "other": "Graphique ({kind})",
        "by": "par {what}", "bars": "{n} barres", "groups": "{n} groupes",
        "highest": "maximum {value} {at}", "highest_of": "maximum {value} ({series}) {at}",
        "highest_total": "total maximal {value} {at}", "lowest": "minimum {value} {at}",
        "highlighted": "{what} (mis en évidence) {value}",
        "last_value": "dernière valeur {value} {at}", "last_values": "dernières valeurs {values} {at}",
        "value_of": "{value} ({series})",
        "in_year": "en {year}", "in_month": "en {date}", "on_day": "le {date}", "for": "pour {what}",
        "events": "{n} événements", "first": "premier, le {date}\u00a0: {text}",
        "last": "dernier, le {date}\u00a0: {text}",
        "event": "{date}\u00a0: {text}", "highlighted_events": "mis en évidence\u00a0: {events}",
        "n_highlighted": "{n} événements mis en évidence, {span}",
        "group_highlighted": "{group} ({names}) en évidence", "names_highlighted": "{names} en évidence",
        "focus": "{name} dans la teinte la plus foncée", "neighbours": "{n} pays voisins en gris",
        "capitals": "capitales indiquées\u00a0: {names}",
        "colon": "\u00a0: ", "semicolon": "; ",  # Canadian usage: no space before ';' (fr-FR: narrow one)
    },
}


def phrases(language: str) -> dict[str, str]:
    lang = (language or "en").replace("_", "-")
    table = dict(PHRASES.get(lang.split("-")[0].lower(), PHRASES["en"]))
    if lang.lower().startswith("fr") and not lang.upper().endswith("-CA"):
        table["semicolon"] = "\u202f; "  # French typography outside Canada
    return table


def _say(spec, key: str, **values) -> str:
    return phrases(spec.language)[key].format(**values)


def describe(spec) -> str:
    """Alt text for ``spec``, e.g. 'Bar chart: MINUSMA fatalities per year 2013–2023; highest 42 in 2017.'"""
    kind = KINDS.get(spec.kind)
    if kind is not None and kind.describe is not None:
        text = kind.describe(spec)
    else:
        text = _sentence(spec, _say(spec, "other", kind=spec.kind.replace("_", " ")), _subject(spec), [])
        text = _cap(text)
    return fmt.typographic(text, spec.language)


# -- helpers ------------------------------------------------------------------------------
def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _lower_first(s: str) -> str:
    # 'Mission' -> 'mission', but 'UN mission' stays.
    return s[:1].lower() + s[1:] if len(s) > 1 and s[1:2].islower() else s


def _subject(spec) -> str:
    if spec.title:
        return spec.title
    if spec.y_label:
        return spec.y_label
    return spec.label(spec.series[0]) if len(spec.series) == 1 else ""


def _sentence(spec, head: str, subject: str, facts: list[str]) -> str:
    p = phrases(spec.language)
    text = f"{head}{p['colon']}{subject}" if subject else head
    if facts:
        text += p["semicolon"] + p["semicolon"].join(facts)
    return text.rstrip(".") + "."


def _nums(spec, name: str) -> list[float]:
    out = []
    for v in spec.table.column(name):
        out.append(float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else math.nan)
    return out


def _is_time(values) -> bool:
    return bool(values) and all(fmt.is_year(v) or isinstance(v, _dt.date) for v in values)


def _date_pattern(values) -> str:
    dates = [v for v in values if isinstance(v, _dt.date)]
    return "MMMM y" if dates and all(d.day == 1 for d in dates) else "d MMMM y"


def _at(value, spec, pattern: str = "d MMMM y") -> str:
    """'in 2017', 'in July 2014', 'on 17 January 2012', 'for MINUSMA' (and in French)."""
    if fmt.is_year(value):
        return _say(spec, "in_year", year=value)
    if isinstance(value, _dt.date):
        d = fmt.date(value, spec.language, pattern)
        return _say(spec, "in_month" if pattern == "MMMM y" else "on_day", date=d)
    return _say(spec, "for", what=fmt.category(value, spec.language))


def _range(values, spec) -> str:
    if not values:
        return ""
    return fmt.span(values[0], values[-1], spec.language, _date_pattern(values))


def _with_range(subject: str, values, spec, sep: str) -> str:
    """Add the data's range to the subject unless the title already says it."""
    if not values:
        return subject
    years = {str(v.year if isinstance(v, _dt.date) else v) for v in (values[0], values[-1])}
    if subject and all(y in subject for y in years):
        return subject
    r = _range(values, spec)
    return f"{subject}{sep}{r}" if subject else r


def _series_phrase(spec) -> str:
    title = spec.option("series_title")
    if title:
        return _say(spec, "by", what=title)
    return "(" + fmt.join([spec.label(s) for s in spec.series], spec.language) + ")"


def _argmax(values: list[float]) -> int:
    best = None
    for i, v in enumerate(values):
        if not math.isnan(v) and (best is None or v > values[best]):
            best = i
    return best if best is not None else 0


def _argmin(values: list[float]) -> int:
    best = None
    for i, v in enumerate(values):
        if not math.isnan(v) and (best is None or v < values[best]):
            best = i
    return best if best is not None else 0


# -- kinds ---------------------------------------------------------------------------------
def describe_bar(spec) -> str:
    lang = spec.language

    def n(v):
        return fmt.number(v, lang)

    cats = list(spec.table.column(spec.x)) if spec.x else []
    m = len(spec.series)
    stacked = bool(spec.option("stacked")) and m > 1
    base = "hbar" if spec.kind == "hbar" else "bar"
    head = _say(spec, base + ("_stacked" if stacked else "_grouped" if m > 1 else ""))
    time = _is_time(cats)
    subject = _subject(spec)
    if time:
        subject = _with_range(subject, cats, spec, " ")
    elif spec.x_label or spec.x in dict(spec.labels):  # a raw column name is no phrase
        by = _lower_first(spec.x_label or spec.label(spec.x))
        if by.lower() not in subject.lower():
            subject = f"{subject} {_say(spec, 'by', what=by)}".strip()
    if m > 1:
        subject += " " + _series_phrase(spec)
    facts = []
    if not time and cats:
        facts.append(_say(spec, "bars" if m == 1 or stacked else "groups", n=len(cats)))
    if not cats or not spec.series:
        return _sentence(spec, head, subject, facts)
    cols = [_nums(spec, s) for s in spec.series]
    pattern = _date_pattern(cats)
    totals = [sum(0.0 if math.isnan(c[k]) else c[k] for c in cols) for k in range(len(cats))]
    if m == 1 or stacked:
        hi, lo = _argmax(totals), _argmin(totals)
        facts.append(_say(spec, "highest_total" if stacked else "highest", value=n(totals[hi]), at=_at(cats[hi], spec, pattern)))
        if len(cats) > 2 and lo != hi:
            facts.append(_say(spec, "lowest", value=n(totals[lo]), at=_at(cats[lo], spec, pattern)))
    else:
        j, i = max(((j, _argmax(c)) for j, c in enumerate(cols)),
                   key=lambda t: cols[t[0]][t[1]] if not math.isnan(cols[t[0]][t[1]]) else -math.inf)
        facts.append(_say(spec, "highest_of", value=n(cols[j][i]), series=spec.label(spec.series[j]), at=_at(cats[i], spec, pattern)))
    hl = spec.option("highlight")
    if hl is not None:
        for i, cat in enumerate(cats):
            if not (cat == hl or str(cat) == str(hl)):
                continue
            what = fmt.category(cat, lang)
            if m == 1 or stacked:
                if totals[i] != max(totals):  # the highest is already said
                    facts.append(_say(spec, "highlighted", what=what, value=n(totals[i])))
            else:  # grouped: each series' value, never their sum (the series may overlap)
                values = [_say(spec, "value_of", value=n(cols[j][i]), series=spec.label(s))
                          for j, s in enumerate(spec.series) if not math.isnan(cols[j][i])]
                facts.append(_say(spec, "highlighted", what=what, value=fmt.join(values, lang)))
    return _sentence(spec, head, subject, facts)


def describe_line(spec) -> str:
    lang = spec.language

    def n(v):
        return fmt.number(v, lang)

    xs = list(spec.table.column(spec.x)) if spec.x else []
    stacked = spec.kind == "area" and bool(spec.option("stacked"))
    head = _say(spec, "area_stacked" if stacked else "area" if spec.kind == "area" else "line")
    subject = _with_range(_subject(spec), xs, spec, ", ")
    m = len(spec.series)
    if m > 1:
        subject += " " + _series_phrase(spec)
    facts = []
    pattern = _date_pattern(xs)
    cols = [_nums(spec, s) for s in spec.series]
    if xs and cols:
        if stacked:
            totals = [sum(0.0 if math.isnan(c[k]) else c[k] for c in cols) for k in range(len(xs))]
            i = _argmax(totals)
            facts.append(_say(spec, "highest_total", value=n(totals[i]), at=_at(xs[i], spec, pattern)))
        else:
            j, i = max(((j, _argmax(c)) for j, c in enumerate(cols)), key=lambda t: cols[t[0]][t[1]])
            if m > 1:
                facts.append(_say(spec, "highest_of", value=n(cols[j][i]), series=spec.label(spec.series[j]), at=_at(xs[i], spec, pattern)))
            else:
                facts.append(_say(spec, "highest", value=n(cols[j][i]), at=_at(xs[i], spec, pattern)))
        ends = []
        for j, col in enumerate(cols):
            last = next((k for k in range(len(col) - 1, -1, -1) if not math.isnan(col[k])), None)
            if last is not None:
                ends.append(_say(spec, "value_of", value=n(col[last]), series=spec.label(spec.series[j])) if m > 1 else n(col[last]))
        if ends:
            at = _at(xs[-1], spec, pattern)
            facts.append(_say(spec, "last_values", values=fmt.join(ends, lang), at=at) if m > 1
                         else _say(spec, "last_value", value=ends[0], at=at))
    return _sentence(spec, head, subject, facts)


def describe_timeline(spec) -> str:
    lang = spec.language
    dates = list(spec.table.column(spec.x)) if spec.x else []
    labels = list(spec.table.column(spec.series[0])) if spec.series else []
    events = sorted(zip(dates, labels), key=lambda e: e[0])
    head = _say(spec, "timeline")
    subject = _subject(spec) if spec.title else ""
    if not events:
        return _sentence(spec, head, subject, [])
    span = fmt.span(events[0][0], events[-1][0], lang, "MMMM y")
    subject = f"{subject + ', ' if subject else ''}{_say(spec, 'events', n=len(events))}, {span}"

    def when(d):
        return fmt.date(d, lang, "d MMMM y")

    sep = phrases(lang)["semicolon"]
    facts = []
    if len(events) <= 8:
        facts.append(sep.join(_say(spec, "event", date=when(d), text=t) for d, t in events))
    else:
        facts.append(_say(spec, "first", date=when(events[0][0]), text=events[0][1]))
        facts.append(_say(spec, "last", date=when(events[-1][0]), text=events[-1][1]))
    wanted = spec.option("highlight_contains")
    if wanted:
        keys = [wanted] if isinstance(wanted, str) else list(wanted)
        hl = [(d, t) for d, t in events if any(k.lower() in str(t).lower() for k in keys)]
        if hl and len(events) > 8 and len(hl) <= 3:
            facts.append(_say(spec, "highlighted_events", events=sep.join(_say(spec, "event", date=when(d), text=t) for d, t in hl)))
        elif hl and len(events) > 8:
            facts.append(_say(spec, "n_highlighted", n=len(hl), span=fmt.span(hl[0][0], hl[-1][0], lang, "MMMM y")))
    return _sentence(spec, head, subject, facts)


def describe_big_number(spec) -> str:
    lang = spec.language
    value = spec.table.rows[0][spec.table.columns.index(spec.series[0])] if spec.table.rows and spec.series else None
    text = fmt.number(value, lang) if isinstance(value, (int, float)) else str(value)
    unit = spec.option("unit")
    if unit:
        text += f" {unit}"
    label = (spec.option("label") or dict(spec.labels).get(spec.series[0]) or spec.title or spec.label(spec.series[0])) if spec.series else ""
    return f"{label}{phrases(lang)['colon']}{text}." if label else f"{text}."


def describe_map(spec) -> str:
    from .geometry import contains

    lang = spec.language
    shapes = spec.option("shapes") or ()
    focus = spec.option("focus")
    highlighted = [s[1] for s in shapes if s[2]]
    focus_name = next((s[1] for s in shapes if s[0] == focus), None)
    group = spec.option("group_label")
    subject = spec.title or ""
    facts = []
    if highlighted:
        names = fmt.join(sorted(highlighted), lang)
        said = group and group.lower() in subject.lower()
        facts.append(_say(spec, "group_highlighted", group=group, names=names) if group and not said
                     else _say(spec, "names_highlighted", names=names))
    if focus_name:
        facts.append(_say(spec, "focus", name=focus_name))
    others = len(shapes) - len(highlighted)
    if others:
        facts.append(_say(spec, "neighbours", n=others))
    mode = spec.option("label_capitals", "highlighted")
    if spec.table.rows and spec.x and len(spec.series) >= 2 and mode != "none":
        places = zip(spec.table.column(spec.x), spec.table.column(spec.series[0]), spec.table.column(spec.series[1]))
        inside = [str(n) for n, lon, lat in places
                  if mode == "all" or any(s[2] and any(contains(r, lon, lat) for r in s[3]) for s in shapes)]
        if inside:
            facts.append(_say(spec, "capitals", names=fmt.join(inside, lang)))
    return _sentence(spec, _say(spec, "map"), subject, facts)
