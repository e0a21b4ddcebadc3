"""Stage: how much text a field may hold, so that every legal source is laid out in bounded time.

A text that cannot fit its box (an event title of 400 words set in the title band) or that makes a
layout engine work for minutes (a 1 MB paragraph) is refused here, at its own line, with what to
do; below these limits both outputs are built (long words are broken anywhere) in the time
benchmarks/ records. The limits are documented in docs/source-format.md ("Limits").
"""
from __future__ import annotations

from typing import Any

from .report import Report

MAX_PARAGRAPH = 10_000  # characters in one paragraph of a section (it flows over pages)
MAX_TEXT = 1_000  # characters in any other field not listed below
MAX_KEY_MESSAGES = 1_000  # characters of all key messages together: they share one side-column box

# Fields set on one or a few lines (a title band, a heading, a box): path pattern -> (limit, what it is).
# "*" matches any list index.
LINES: dict[tuple, tuple[int, str]] = {
    ("event", "title"): (200, "the event title"),
    ("event", "subtitle"): (300, "the subtitle"),
    ("event", "organiser"): (200, "the organiser"),
    ("event", "place"): (200, "the place"),
    ("meta", "short_title"): (120, "the short title"),
    ("meta", "series"): (200, "the series line"),
    ("people", "*", "name"): (120, "a person's name"),
    ("people", "*", "role_label"): (120, "a role label"),
    ("people", "*", "titles", "*"): (200, "a person's title"),
    ("people", "*", "affiliation"): (200, "an affiliation"),
    ("people", "*", "affiliation", "*"): (200, "an affiliation"),
    ("sections", "*", "title"): (200, "a section title"),
    ("sections", "*", "slide_title"): (1_000, "a slide title"),  # the deck shortens it, and warns
    ("sections", "*", "bullets", "*"): (300, "a bullet"),
    ("key_messages", "*"): (200, "a key message"),
    ("sections", "*", "paragraphs", "*"): (MAX_PARAGRAPH, "a paragraph"),
    ("summary",): (2_000, "the summary"),
    ("preface",): (1_500, "the preface"),
    ("people", "*", "bio"): (1_200, "a biography"),
    ("recommendations", "*", "text"): (2_000, "a recommendation's text"),
    ("quotes", "*", "text"): (1_000, "a quote"),
    ("figures", "*", "alt"): (3_000, "a chart's alternative text"),
    ("figures", "*", "note"): (1_000, "a chart's note"),
    ("references", "*", "note"): (1_000, "a reference's note"),
    ("recommendations", "*", "lead"): (200, "a recommendation's lead"),
    ("figures", "*", "caption"): (300, "a caption"),
    ("figures", "*", "title"): (200, "a chart title"),
    ("figures", "*", "x_label"): (120, "an axis label"),
    ("figures", "*", "y_label"): (120, "an axis label"),
    ("references", "*", "title"): (500, "a reference's title"),
    ("organisations", "*", "name"): (200, "an organisation's name"),
    ("panels", "*", "title"): (200, "a panel's title"),
    ("panels", "*", "time"): (120, "a panel's time"),
    ("meta", "authors", "*"): (200, "an author"),
    ("meta", "editors", "*"): (200, "an editor"),
    ("meta", "publisher"): (200, "the publisher"),
}


def _limit(path: tuple) -> tuple[int, str]:
    shape = tuple("*" if isinstance(p, int) else p for p in path)
    return LINES.get(shape, (MAX_TEXT, "this text"))


def check_text(data: Any, report: Report, path: tuple = ()) -> None:
    """Report every string of the source longer than its field allows, at its line."""
    if isinstance(data, dict):
        for k, v in data.items():
            check_text(v, report, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            check_text(v, report, path + (i,))
    elif isinstance(data, str):
        limit, what = _limit(path)
        if len(data) > limit:
            hint = "; set meta.short_title for the running header" if path == ("event", "title") else ""
            report.problem(path, f"{what} is {len(data):,} characters long, more than the {limit:,} it may hold — "
                                 f"shorten it{hint}" + (" or split it into paragraphs" if limit == MAX_PARAGRAPH else ""),
                           "limit.text")


def check_totals(data: Any, report: Report) -> None:
    """Limits on fields that share one box."""
    msgs = data.get("key_messages") if isinstance(data, dict) else None
    if isinstance(msgs, list) and all(isinstance(m, str) for m in msgs):
        total = sum(len(m) for m in msgs)
        if total > MAX_KEY_MESSAGES:
            report.problem(("key_messages",), f"the key messages are {total:,} characters long together, more than the "
                                              f"{MAX_KEY_MESSAGES:,} their box beside the summary holds — shorten them, or keep fewer",
                           "limit.text", key=True)
