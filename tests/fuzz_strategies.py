"""Hypothesis strategies for the fuzz suite (tests/test_fuzz.py).

``valid_sources()`` draws sources that the format accepts, with awkward content: right-to-left
and combining text, CJK, emoji, 80+ character words, Markdown and XML-looking text, extreme
numbers in inline chart data, empty or absent optional fields. ``broken_sources()`` takes a
small valid source and applies one mutation, returning the bytes and whether they must fail.
``csv_files()`` draws hostile CSV bytes for a dataset.
"""
from __future__ import annotations

import copy
import datetime as _dt
import string
import sys
from dataclasses import dataclass

import yaml
from hypothesis import strategies as st

from briefdeck.model import ROLES

# ---- text ------------------------------------------------------------------------------

WORDS = ["peace", "mission", "Mali", "données", "Ottawa", "budget", "troops", "Sahel", "le", "of", "2018", "UN", "a", "km"]
RTL = ["حفظ السلام في مالي", "السلام", "שמירת שלום", "שלום עולם", "UN مهمة 2018", "ברית (נאט״ו) 2014"]
COMBINING = ["e\u0301", "n\u0303o", "a\u0308\u0304", "Z\u0335\u0327a\u0336l\u0334g\u0337o\u0338", "\u0915\u094d\u0937\u093f", "\u0e01\u0e33", "Ṩ\u0323\u0307"]
CJK = ["维和行动", "平和維持活動", "평화유지활동", "中文テキスト", "《联合国》"]
EMOJI = ["🕊️", "👩🏽\u200d⚕️", "🇲🇱", "🇨🇦", "🏳️\u200d🌈", "😀", "1️⃣"]
# valid typography only: invisible characters such as U+200B are refused by the loader (hidden.py),
# and belong to the invalid sources below
TYPO = ['"quoted"', "it's", "--", "...", "(c)", "50 %", "100 km", "«\u202fguillemets\u202f»", "a\u00a0b", "x\u200dy"]
XMLISH = ["<b>", "a & b", "&amp;", "<br/>", "</para>", "<font color=red>", "&#0;", "&bogus;", "]]>", "<![CDATA[x"]
LONG_ALPHABETS = [string.ascii_letters, "абвгдежзийклмн", "سلامعليكم", "漢字仮名交じり文", "🙂🕊️", "e\u0301"]


@st.composite
def long_word(draw) -> str:
    alphabet = draw(st.sampled_from(LONG_ALPHABETS))
    return draw(st.text(alphabet=alphabet, min_size=80, max_size=240))


def _emph(w: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        w.map(lambda s: f"*{s}*"), w.map(lambda s: f"**{s}**"), w.map(lambda s: f"_{s}_"),
        w.map(lambda s: f"[{s}](https://example.org/{len(s)})"), w.map(lambda s: f"**{s}"), w.map(lambda s: f"`{s}`"),
    )


_PLAIN_PIECE = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(RTL), st.sampled_from(COMBINING), st.sampled_from(CJK),
    st.sampled_from(EMOJI), st.sampled_from(TYPO), st.sampled_from(XMLISH),
    # arbitrary printable Unicode (no surrogates, no control characters: those are hostile input)
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn")), min_size=1, max_size=8),
)
PIECE = st.one_of(_PLAIN_PIECE, _PLAIN_PIECE, long_word(), _emph(st.sampled_from(WORDS + RTL + CJK)))


@st.composite
def text(draw, max_pieces: int = 6, max_len: int = 190) -> str:
    """Non-blank inline text (the format strips whitespace and refuses empty strings), within the
    length a field may hold (load/limits.py: 200 characters for a title, a name or a key message)."""
    pieces = draw(st.lists(PIECE, min_size=1, max_size=max_pieces))
    s = " ".join(pieces)[:max_len].rstrip()
    if not s.strip():
        s += " text"
    return s.replace("{", "(")  # {fact:..}/{fig:..} references are added on purpose only


short_text = text(max_pieces=3, max_len=110)  # short titles and names hold 120
ID = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True)
DATES = st.one_of(st.dates(_dt.date(1990, 1, 1), _dt.date(2035, 12, 31)), st.sampled_from([_dt.date(1, 1, 1), _dt.date(1900, 1, 1), _dt.date(2000, 2, 29), _dt.date(9999, 12, 31)]))


_ABSENT = object()


def optional(strategy: st.SearchStrategy, empty=None) -> st.SearchStrategy:
    """A field that is absent (the marker _ABSENT), null/empty, or set."""
    return st.one_of(st.just(_ABSENT), st.just(empty), strategy)


def _put(d: dict, key: str, value) -> None:
    if value is not _ABSENT:
        d[key] = value


# ---- numbers ---------------------------------------------------------------------------

EXTREMES = [0, 0.0, 1, 1e12, 1.5e12, 123456789012, 1e-9, 2.5e-7, 5e-324, 1e-300, 0.1, 2 / 3, 1e15, 10**15, 999_999_999_999_999]  # 1e15: the chart limit


def numbers(negative: bool) -> st.SearchStrategy:
    base = st.one_of(
        st.sampled_from(EXTREMES), st.integers(0, 10**6),
        st.floats(0, 1e12, allow_nan=False, allow_infinity=False),
    )
    if negative:
        base = st.one_of(base, base.map(lambda v: -v))
    return base


# ---- figures -----------------------------------------------------------------------------

COLUMN_NAMES = ["year", "value", "n", "count", "total", "deaths", "Décès", "السنة", "年", "a b", "x.y", "1", "true", "null", "🕊️"]


@st.composite
def figure(draw, fid: str) -> dict:
    kind = draw(st.sampled_from(["bar", "hbar", "line", "area", "big_number"]))
    names = draw(st.lists(st.one_of(st.sampled_from(COLUMN_NAMES), short_text), min_size=4, max_size=4, unique=True))
    x, series = names[0], names[1: 1 + draw(st.integers(1, 3))]
    negative = kind != "area"
    if kind == "big_number":  # one value: its kind takes one series
        n = 1
        series = series[:1]
    else:
        n = draw(st.integers(1, 12))
    data: dict = {}
    if kind in ("line", "area"):
        if draw(st.booleans()):
            data[x] = sorted(draw(st.lists(st.integers(1900, 2100), min_size=n, max_size=n, unique=True)))
        else:
            data[x] = draw(st.lists(DATES, min_size=n, max_size=n, unique=True))
    elif kind in ("bar", "hbar"):
        data[x] = draw(st.one_of(
            st.lists(short_text, min_size=n, max_size=n, unique=True),
            st.lists(st.integers(-5, 3000), min_size=n, max_size=n, unique=True),
        ))
    for c in series:
        data[c] = draw(st.lists(st.one_of(numbers(negative), numbers(negative), st.none()), min_size=n, max_size=n))
    if kind == "big_number":  # the one value shown must be there (a missing one is refused)
        data[series[0]] = [draw(numbers(negative))]
    f: dict = {"id": fid, "kind": kind, "caption": draw(text()), "source": draw(short_text), "data": data, "series": series}
    if kind != "big_number" or draw(st.booleans()):
        if x in data:
            f["x"] = x
    options: dict = {}
    if kind in ("bar", "hbar"):
        if draw(st.booleans()):
            options["stacked"] = draw(st.booleans())
        if data.get(x) and draw(st.booleans()):
            options["highlight"] = draw(st.sampled_from(data[x]))
        if draw(st.booleans()):
            options["sort"] = draw(st.sampled_from(["desc", "asc"]))
        if draw(st.booleans()):
            options["value_labels"] = draw(st.booleans())
    elif kind in ("line", "area"):
        if kind == "area" and draw(st.booleans()):  # a line chart has no stacked form (an area chart has)
            options["stacked"] = draw(st.booleans())
        if draw(st.booleans()):
            options["end_values"] = draw(st.booleans())
    else:
        if draw(st.booleans()):
            options["unit"] = draw(st.sampled_from(["%", "km", "USD", "personnes", "قتيل", ""]))
        if draw(st.booleans()):
            options["label"] = draw(short_text)
        if draw(st.booleans()):
            options["align"] = draw(st.sampled_from(["center", "left"]))
    if options:
        f["options"] = options
    if draw(st.booleans()):
        f["labels"] = {c: draw(short_text) for c in series if draw(st.booleans())}
    for key in ("title", "x_label", "y_label", "alt", "note"):
        _put(f, key, draw(optional(short_text, empty="")))
    _put(f, "url", draw(optional(st.just("https://example.org/data?a=1&b=2"))))
    _put(f, "as_of", draw(optional(DATES)))
    if draw(st.booleans()):
        f["editable"] = draw(st.booleans())
    return f


# ---- a whole valid source ---------------------------------------------------------------------

LANGUAGES = ["en-CA", "en-CA", "fr-CA", "en-GB", "ar", "he-IL", "ja-JP", "de-DE"]


@st.composite
def valid_sources(draw, max_figures: int = 3) -> dict:
    src: dict = {"briefdeck": 1}
    meta: dict = {}
    for key, strat in (
        ("language", st.sampled_from(LANGUAGES)), ("paper", st.sampled_from(["a4", "letter"])), ("updated", DATES),
        ("short_title", short_text), ("series", short_text), ("licence", short_text), ("how_to_cite", text()),
    ):
        if draw(st.booleans()):
            meta[key] = draw(strat)
    if draw(st.booleans()):
        meta["keywords"] = draw(st.lists(short_text, max_size=4))
    if meta or draw(st.booleans()):
        src["meta"] = meta
    event = {"title": draw(text()), "organiser": draw(short_text), "date": draw(DATES), "place": draw(short_text)}
    _put(event, "subtitle", draw(optional(text(), empty="")))
    _put(event, "url", draw(optional(st.just("https://example.org/event?x=1&y=<2>"))))
    src["event"] = event

    people_ids = draw(st.lists(ID, min_size=1, max_size=4, unique=True))
    people = []
    for pid in people_ids:
        p: dict = {"id": pid, "name": draw(short_text)}
        if draw(st.booleans()):  # role has a default but may not be null
            p["role"] = draw(st.sampled_from(sorted(ROLES)))
        _put(p, "role_label", draw(optional(short_text)))
        _put(p, "titles", draw(optional(st.lists(short_text, max_size=3), empty=[])))
        _put(p, "affiliation", draw(optional(st.one_of(short_text, st.lists(short_text, min_size=1, max_size=3)), empty="")))
        _put(p, "bio", draw(optional(text(), empty="")))
        people.append(p)
    src["people"] = people
    _put(src, "preface", draw(optional(text(), empty="")))
    src["summary"] = draw(text(max_pieces=12, max_len=1_900))
    src["key_messages"] = draw(st.lists(text(max_len=140), min_size=1, max_size=7))  # 1,000 characters in all

    section_ids = draw(st.lists(ID, min_size=1, max_size=6, unique=True))
    fig_ids = draw(st.lists(ID, min_size=0, max_size=max_figures, unique=True))
    placement = {f: draw(st.sampled_from(section_ids)) for f in fig_ids}
    sections = []
    for sid in section_ids:
        sec: dict = {"id": sid, "title": draw(short_text), "paragraphs": draw(st.lists(text(max_pieces=20, max_len=9_000), min_size=1, max_size=4))}
        _put(sec, "slide_title", draw(optional(short_text)))
        _put(sec, "speaker", draw(optional(st.one_of(st.sampled_from(people_ids),
                                                      st.lists(st.sampled_from(people_ids), min_size=1, max_size=3, unique=True)))))
        _put(sec, "bullets", draw(optional(st.lists(short_text, max_size=5), empty=[])))
        placed = [f for f in fig_ids if placement[f] == sid]
        if placed or draw(st.booleans()):
            sec["figures"] = placed
        if fig_ids and draw(st.booleans()):  # cite a figure in prose
            sec["paragraphs"][0] += f" (see {{fig:{draw(st.sampled_from(fig_ids))}}})"
        sections.append(sec)
    src["sections"] = sections

    if draw(st.booleans()):
        quotes = []
        for _ in range(draw(st.integers(0, 3))):
            q: dict = {"text": draw(text())}
            _put(q, "speaker", draw(optional(st.sampled_from(people_ids))))
            _put(q, "section", draw(optional(st.sampled_from(section_ids))))
            # a quote is verbatim: its words stand in a paragraph of its section (or of some section)
            home = sections[section_ids.index(q["section"])] if q.get("section") else draw(st.sampled_from(sections))
            home["paragraphs"][-1] += " " + q["text"]
            quotes.append(q)
        src["quotes"] = quotes
    if draw(st.booleans()):
        src["recommendations"] = [{"lead": draw(short_text), "text": draw(text())} for _ in range(draw(st.integers(0, 4)))]
    if fig_ids:
        src["figures"] = [draw(figure(fid)) for fid in fig_ids]
    if draw(st.booleans()):
        refs = []
        for _ in range(draw(st.integers(0, 3))):
            r: dict = {"title": draw(text())}
            _put(r, "url", draw(optional(st.just("https://example.org/report.pdf#p=3"))))
            _put(r, "publisher", draw(optional(short_text)))
            _put(r, "date", draw(optional(st.one_of(DATES, st.integers(1900, 2100).map(str)))))
            _put(r, "note", draw(optional(text())))
            refs.append(r)
        src["references"] = refs
    return src


def dump(src: dict) -> str:
    return yaml.safe_dump(src, allow_unicode=True, sort_keys=False, width=sys.maxsize)


# ---- broken sources ------------------------------------------------------------------------

BASE: dict = {
    "briefdeck": 1,
    "meta": {"language": "en-CA", "paper": "a4", "updated": _dt.date(2018, 5, 1), "keywords": ["peace", "Mali"]},
    "event": {"title": "Test panel", "subtitle": "On peace", "organiser": "Test organiser", "date": _dt.date(2018, 4, 25), "place": "Ottawa"},
    "people": [
        {"id": "ana", "name": "Ana Example", "role": "panellist", "titles": ["Analyst"], "bio": "Ana *studies* peace."},
        {"id": "bo", "name": "Bo Example", "role": "moderator"},
    ],
    "summary": "A summary citing {fig:deaths}.",
    "key_messages": ["One message.", "Two messages."],
    "sections": [
        {"id": "intro", "title": "Introduction", "speaker": "ana", "paragraphs": ["A paragraph.", "Another, see {fig:deaths}."], "bullets": ["A bullet"], "figures": ["deaths"]},
        {"id": "close", "title": "Conclusion", "paragraphs": ["Last words."]},
    ],
    "quotes": [{"text": "A quote.", "speaker": "ana", "section": "intro"}],
    "recommendations": [{"lead": "Do this", "text": "Because."}],
    "figures": [{
        "id": "deaths", "kind": "bar", "caption": "Deaths rose", "source": "UN", "alt": "Bars rising.", "x": "year", "series": ["n"],
        "options": {"stacked": False}, "labels": {"n": "Deaths"},
        "data": {"year": [2013, 2014, 2015], "n": [1.5, 2, 3]},
    }],
    "references": [{"title": "A report", "url": "https://example.org", "date": _dt.date(2017, 1, 1)}],
}

# (path, what it means): required keys whose removal must be reported
REQUIRED = [
    ("briefdeck",), ("event",), ("event", "title"), ("event", "organiser"), ("event", "date"), ("event", "place"),
    ("people",), ("people", 0, "id"), ("people", 1, "name"), ("summary",), ("key_messages",), ("sections",),
    ("sections", 0, "id"), ("sections", 1, "title"), ("sections", 0, "paragraphs"), ("quotes", 0, "text"),
    ("recommendations", 0, "lead"), ("recommendations", 0, "text"), ("figures", 0, "id"), ("figures", 0, "kind"),
    ("figures", 0, "caption"), ("figures", 0, "source"), ("figures", 0, "x"), ("figures", 0, "series"), ("references", 0, "title"),
]
NON_EMPTY = [("event", "title"), ("event", "place"), ("people", 0, "name"), ("summary",), ("sections", 0, "title"), ("quotes", 0, "text"),
             ("recommendations", 0, "lead"), ("figures", 0, "caption"), ("references", 0, "title"), ("key_messages", 1)]
# Free-form mappings: their keys are column names or kind-specific options, not schema keys.
_FREE = {"data", "options", "labels"}


def _paths(node, path=()):
    """Every (path, value) below node, not descending into free-form mappings' keys."""
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, path + (i,))


def _get(d, path):
    for p in path:
        d = d[p]
    return d


def _typo(draw, key: str) -> str:
    how = draw(st.sampled_from(["swap", "drop", "add", "upper", "british"]))
    i = draw(st.integers(0, max(len(key) - 2, 0)))
    if how == "swap" and len(key) > 1:
        out = key[:i] + key[i + 1] + key[i] + key[i + 2:]
    elif how == "drop" and len(key) > 1:
        out = key[:i] + key[i + 1:]
    elif how == "upper":
        out = key.capitalize()
    elif how == "british":
        out = key.replace("ise", "ize").replace("our", "or") if ("ise" in key or "our" in key) else key + "s"
    else:
        out = key[:i] + draw(st.sampled_from("aeisx")) + key[i:]
    return out if out != key else key + "_"


def _structural_mutations(draw, src: dict) -> tuple[str, str | None]:
    """Mutate the source as data; return the mutation's name and a word some message must quote."""
    expect = None
    kind = draw(st.sampled_from([
        "delete-required", "misspell-key", "wrong-type", "empty-text", "unknown-ref", "bad-date", "nan", "lengths",
        "duplicate-id", "bad-id", "too-many-messages", "unknown-kind", "text-in-numbers", "placed-twice",
        "data-and-dataset", "unknown-language", "wrong-version", "bad-literal", "empty-list", "big-number-missing",
    ]))
    fig, secs = src["figures"][0], src["sections"]
    if kind == "delete-required":
        path = draw(st.sampled_from(REQUIRED))
        del _get(src, path[:-1])[path[-1]]
        expect = path[-1]
    elif kind == "misspell-key":
        keyed = [p for p, v in _paths(src) if p and isinstance(p[-1], str) and not (set(p[:-1]) & _FREE)]
        path = draw(st.sampled_from(keyed))
        parent = _get(src, path[:-1])
        new = _typo(draw, path[-1])
        while new in parent:
            new += "_"
        parent[new] = parent.pop(path[-1])
        expect = f"'{new}'"
    elif kind == "wrong-type":
        paths = [p for p, v in _paths(src) if p and not (set(p) & _FREE)]
        path = draw(st.sampled_from(paths))
        old = _get(src, path)
        if isinstance(old, list):
            new = {"x": 1}
        elif isinstance(old, dict):
            new = ["x"]
        else:
            new = draw(st.sampled_from([["x", "y"], {"k": "v"}] + ([12345] if isinstance(old, (str, _dt.date)) else ["twelve"])))
            if isinstance(old, bool):
                new = ["x"]
        _get(src, path[:-1])[path[-1]] = new
    elif kind == "empty-text":
        path = draw(st.sampled_from(NON_EMPTY))
        _get(src, path[:-1])[path[-1]] = draw(st.sampled_from(["", "   ", "\u3000"]))
    elif kind == "unknown-ref":
        what = draw(st.sampled_from(["speaker", "quote-speaker", "quote-section", "section-figure", "fig-ref", "fact-ref", "x", "series"]))
        name = draw(st.sampled_from(["nobody", "ana2", "deathz", "Intro", "zz-top"]))
        if what == "speaker":
            secs[1]["speaker"] = name
        elif what == "quote-speaker":
            src["quotes"][0]["speaker"] = name
        elif what == "quote-section":
            src["quotes"][0]["section"] = name
        elif what == "section-figure":
            secs[1]["figures"] = [name]
        elif what == "fig-ref":
            secs[1]["paragraphs"][0] += f" {{fig:{name}}}"
        elif what == "fact-ref":
            src["summary"] += f" {{fact:{name}}}"
        elif what == "x":
            fig["x"] = name
        else:
            fig["series"].append(name)
    elif kind == "bad-date":
        path = draw(st.sampled_from([("event", "date"), ("meta", "updated"), ("references", 0, "date"), ("figures", 0, "as_of")]))
        bad = draw(st.sampled_from(["2018-02-30", "25 April 2018", "2018-13-01", "tomorrow", "2018/04/25", "2018-04-25T10:00:00"]))
        if path[0] == "references" and not bad[:4].isdigit():
            bad = ["not", "a date"]  # references also accept free text such as a year
        elif path[0] == "references":
            bad = {"year": bad}
        _get(src, path[:-1])[path[-1]] = bad
    elif kind == "nan":
        col = draw(st.sampled_from(["year", "n"]))
        fig["data"][col][draw(st.integers(0, 2))] = draw(st.sampled_from([float("nan"), float("inf"), float("-inf")]))
    elif kind == "lengths":
        col = draw(st.sampled_from(["year", "n"]))
        if draw(st.booleans()):
            fig["data"][col].append(7)
        else:
            fig["data"][col].pop()
    elif kind == "duplicate-id":
        which = draw(st.sampled_from(["people", "sections"]))
        src[which][1]["id"] = src[which][0]["id"]
    elif kind == "bad-id":
        path = draw(st.sampled_from([("people", 0, "id"), ("sections", 1, "id"), ("figures", 0, "id")]))
        _get(src, path[:-1])[path[-1]] = draw(st.sampled_from(["Intro", "two words", "-dash", "é", "a/b", ""]))
    elif kind == "too-many-messages":
        src["key_messages"] = [f"Message {i}." for i in range(draw(st.integers(8, 12)))]
    elif kind == "unknown-kind":
        fig["kind"] = draw(st.sampled_from(["bars", "pie", "Bar", "lines", ""]))
    elif kind == "text-in-numbers":
        fig["data"]["n"][draw(st.integers(0, 2))] = draw(st.sampled_from(["3x", "many", "1,5", "two"]))
    elif kind == "placed-twice":
        secs[1]["figures"] = ["deaths"]
    elif kind == "data-and-dataset":
        fig["dataset"] = "yearly"
    elif kind == "unknown-language":
        src["meta"]["language"] = draw(st.sampled_from(["xx-QQ", "english", "zz"]))
    elif kind == "wrong-version":
        src["briefdeck"] = draw(st.sampled_from([2, 0, "1.0", True]))
    elif kind == "bad-literal":
        path = draw(st.sampled_from([("meta", "paper"), ("people", 0, "role")]))
        _get(src, path[:-1])[path[-1]] = draw(st.sampled_from(["a5", "Speaker", "chair", "A4"]))
    elif kind == "big-number-missing":
        fig["kind"], fig["data"], fig["series"] = "big_number", {"n": [None]}, ["n"]
        del fig["x"]
    elif kind == "empty-list":
        src[draw(st.sampled_from(["people", "sections", "key_messages"]))] = []
    return kind, expect


def _lines_matching(text: str, pred) -> list[int]:
    return [i for i, ln in enumerate(text.split("\n")) if pred(ln)]


def _textual_mutation(draw, text: str) -> tuple[bytes, str, bool]:
    """Mutate the file's text or bytes; return (bytes, name, must_fail)."""
    kind = draw(st.sampled_from([
        "tab-indent", "duplicate-key", "python-tag", "truncate", "invalid-utf8", "control-char", "escaped-control",
        "insert-garbage", "empty", "billion-laughs", "deep-nesting", "merge-key", "undefined-alias", "bom", "crlf",
        "unquoted-bad-date", "huge-number", "not-a-mapping",
    ]))
    lines = text.split("\n")
    if kind == "tab-indent":
        i = draw(st.sampled_from(_lines_matching(text, lambda ln: ln.startswith("  "))))
        lines[i] = "\t" + lines[i][2:]
    elif kind == "duplicate-key":
        i = draw(st.sampled_from(_lines_matching(text, lambda ln: ln.lstrip(" ")[:1].isalpha() and ": " in ln and not ln.rstrip().endswith(":"))))
        lines.insert(i + 1, lines[i])
    elif kind == "python-tag":
        i = draw(st.sampled_from(_lines_matching(text, lambda ln: ": " in ln and not ln.rstrip().endswith(":"))))
        tag = draw(st.sampled_from(["!!python/object/apply:os.system ['echo pwned']", "!!python/name:os.system", "!!binary aGk=", "!custom x", "!!set {a: null}"]))
        lines[i] = lines[i].split(": ", 1)[0] + ": " + tag
    elif kind == "truncate":
        raw = text.encode("utf-8")
        return raw[: draw(st.integers(0, len(raw) - 1))], kind, False
    elif kind == "invalid-utf8":
        raw = text.encode("utf-8")
        at = draw(st.integers(0, len(raw)))
        bad = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xe2\x82", b"\x80", b"\xf8\x88\x80\x80\x80"]))
        return raw[:at] + bad + raw[at:], kind, True
    elif kind == "control-char":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\ufffe"])) + text[at:]
        return text.encode("utf-8", "surrogatepass"), kind, True
    elif kind == "escaped-control":
        esc = draw(st.sampled_from(["\\0", "\\x01", "\\e", "\\x1b", "\\uFFFE", "\\b", "\\v", "\\f"]))
        where = draw(st.sampled_from(["title", "name", "summary"]))
        i = _lines_matching(text, lambda ln: ln.lstrip(" -").startswith(where + ":"))[0]
        lines[i] = lines[i].split(": ", 1)[0] + f': "bad {esc} text"'
    elif kind == "insert-garbage":
        at = draw(st.integers(0, len(text)))
        junk = draw(st.sampled_from(['"', "'", "[", "{", "}", ": ", "- ", "&a", "*", "|", ">", "%YAML 1.1", "---", "...", "? ", "#", "@", "`"]))
        return (text[:at] + junk + text[at:]).encode("utf-8"), kind, False
    elif kind == "empty":
        return draw(st.sampled_from([b"", b"\n\n", b"   ", b"# just a comment\n", b"\xef\xbb\xbf", b"---\n", b"~\n", b"null"])), kind, True
    elif kind == "billion-laughs":
        n = draw(st.integers(6, 12))
        doc = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        doc += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, n)]
        return ("\n".join(doc) + "\n" + text).encode("utf-8"), kind, True
    elif kind == "deep-nesting":
        n = draw(st.integers(41, 3000))
        return (text + "extra: " + "[" * n + "]" * n + "\n").encode("utf-8"), kind, True
    elif kind == "merge-key":
        return (text.replace("event:\n", "base: &b {place: Paris}\nevent:\n  <<: *b\n", 1)).encode("utf-8"), kind, True
    elif kind == "undefined-alias":
        return text.replace("summary: ", "summary: *nothing #", 1).encode("utf-8"), kind, True
    elif kind == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8"), kind, False
    elif kind == "crlf":
        return text.replace("\n", "\r\n").encode("utf-8"), kind, False
    elif kind == "unquoted-bad-date":
        return text.replace("date: 2018-04-25", "date: " + draw(st.sampled_from(["2018-02-30", "2018-13-01", "2018-00-10"])), 1).encode("utf-8"), kind, True
    elif kind == "huge-number":
        i = _lines_matching(text, lambda ln: ln.strip() == "- 1.5")[0]
        big = draw(st.sampled_from(["1" + "0" * 400, "-" + "9" * 320, "1.0e+400", "0x" + "f" * 300, "1.0e+16", "-1.0e+25", "1.7e+308", "10000000000000001"]))
        lines[i] = lines[i].replace("1.5", big)
    elif kind == "not-a-mapping":
        return draw(st.sampled_from([b"- a\n- b\n", b"just text\n", b"42\n", b"[1, 2]"])), kind, True
    return "\n".join(lines).encode("utf-8"), kind, True


@dataclass(frozen=True)
class Broken:
    raw: bytes
    mutation: str
    must_fail: bool  # False where the mutation may happen to leave a valid file (a truncation...)
    expect: str | None = None  # a word one of the messages must contain


@st.composite
def broken_sources(draw) -> Broken:
    src = copy.deepcopy(BASE)
    if draw(st.booleans()):
        kind, expect = _structural_mutations(draw, src)
        return Broken(dump(src).encode("utf-8"), kind, True, expect)
    return Broken(*_textual_mutation(draw, dump(src)))


# ---- data files ----------------------------------------------------------------------------

CSV_PATH = "assets/data/fuzz.csv"
_HEADER_NAMES = ["year", "value", "count", "n", "Décès", "السنة", "a,b", 'say "hi"', " padded ", "", "x\ny", "🕊️", "1"]
_CELLS = st.one_of(
    st.integers(-10**6, 10**6).map(str), st.sampled_from(["0", "-0", "1e12", "1.5e-9", "1" + "0" * 30, "1" + "0" * 400, "1,234", "1,234.5", "12.", ".5", "+3", "0x1F", "1_000"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["NaN", "nan", "inf", "-Infinity", "", " ", "N/A", "-", "null"]),
    st.dates(_dt.date(1, 1, 1), _dt.date(9999, 12, 31)).map(lambda d: d.isoformat()),
    st.sampled_from(["2018-02-30", "2018-13", "2018-03", "0000-01-01", "2018-3-1", "25/04/2018", "2018-04-25T10:00"]),
    st.sampled_from(['"quoted, with comma"', '"multi\nline"', '"unbalanced', 'a"b', '""', "\x00", "\x01bell", "\x1b[31mred", "\ufeffbom", "\u202eevil"]),
    short_text,
)


@st.composite
def csv_files(draw) -> tuple[bytes, dict]:
    """(CSV bytes, a valid source using it for a figure and a fact)."""
    clean = draw(st.integers(0, 3)) > 0  # mostly well-formed files with odd cells; else any shape
    header = draw(st.lists(st.sampled_from(_HEADER_NAMES[:-4] if clean else _HEADER_NAMES), min_size=1, max_size=4, unique=clean))
    nrows = draw(st.integers(1 if clean else 0, 8))
    rows = []
    for _ in range(nrows):
        width = len(header) if clean or draw(st.booleans()) else draw(st.integers(0, 6))
        rows.append([draw(_CELLS) for _ in range(width)])
    if draw(st.integers(0, 3)):  # a column of one kind, so that numbers and dates are also read as such
        kind = draw(st.sampled_from(["number", "date", "month"]))
        gen = {"number": numbers(True).map(repr), "date": DATES.map(lambda d: d.isoformat()), "month": DATES.map(lambda d: d.isoformat()[:7])}[kind]
        col = draw(st.integers(0, len(header) - 1))
        for r in rows:
            if col < len(r):
                r[col] = draw(gen)

    def quote(c: str) -> str:
        needs = any(ch in c for ch in ',"\r\n') and not c.startswith('"')
        if clean and needs or draw(st.integers(0, 3)) == 0:
            return '"' + c.replace('"', '""') + '"'
        return c

    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = eol.join(",".join(quote(c) for c in r) for r in [header] + rows) + draw(st.sampled_from([eol, ""]))
    raw = text.encode("utf-8")
    corrupt = "none" if clean else draw(st.sampled_from(["none", "bom", "bad-utf8", "truncate", "binary", "empty"]))
    if corrupt == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif corrupt == "bad-utf8":
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3(", b"\xe9t\xe9"])) + raw[at:]
    elif corrupt == "truncate":
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif corrupt == "binary":
        raw = draw(st.binary(min_size=1, max_size=200))
    elif corrupt == "empty":
        raw = b""

    names = [h.strip() for h in header] * 4 + ["count", "missing"]  # mostly real columns
    src: dict = {
        "briefdeck": 1,
        "event": {"title": "Data panel", "organiser": "Org", "date": _dt.date(2018, 4, 25), "place": "Ottawa"},
        "people": [{"id": "ana", "name": "Ana"}],
        "summary": "Total: {fact:f}.",
        "key_messages": ["Data matter."],
        "sections": [{"id": "s", "title": "Data", "paragraphs": ["See {fig:g}."], "figures": ["g"]}],
        "datasets": {"d": {"file": CSV_PATH, "source": "Fuzz"}},
    }
    if draw(st.booleans()):
        src["datasets"]["d"]["types"] = {draw(st.sampled_from(names)): draw(st.sampled_from(["number", "date", "text", "month"]))}
    fact: dict = {"dataset": "d", "value": draw(st.sampled_from(names)), "aggregate": draw(st.sampled_from(["sum", "count", "max", "min", "mean", "first", "last"])),
                  "format": draw(st.sampled_from(["number", "date", "text", "percent"]))}
    if draw(st.booleans()):
        fact["group_by"] = draw(st.sampled_from(names))
    if draw(st.booleans()):
        fact["sort_by"], fact["descending"] = draw(st.sampled_from(names)), draw(st.booleans())
    if draw(st.booleans()):
        fact["where"] = {draw(st.sampled_from(names)): draw(st.one_of(
            st.integers(-5, 3000), st.sampled_from(["2018", "2018-03", "a"]), DATES, st.lists(st.integers(0, 2020), max_size=3),
            st.fixed_dictionaries({"from": st.one_of(st.integers(0, 2020), DATES)}, optional={"to": st.one_of(st.integers(0, 2020), st.just("z"))}),
        ))}
    if draw(st.booleans()):
        fact["limit"] = draw(st.integers(1, 5))
    src["facts"] = {"f": fact}
    fig: dict = {"id": "g", "dataset": "d", "kind": draw(st.sampled_from(["bar", "hbar", "line", "area", "big_number", "timeline"])),
                 "caption": "Data", "alt": "Data.", "x": draw(st.sampled_from(names)), "series": draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))}
    for key in ("group_by", "sort_by"):
        if draw(st.booleans()):
            fig[key] = draw(st.sampled_from(names))
    if draw(st.booleans()):
        fig["aggregate"] = draw(st.sampled_from(["sum", "count", "max", "min", "mean", "first", "last"]))
    src["figures"] = [fig]
    return raw, src
