"""A deck rebuilt from what changed (render/pptx/replay.py): in a process that builds again and again
(--watch: warmed up, the deck made in a forked process), the slides and zip entries of the last
rebuild that are the same are put in again instead of made anew; the web page's charts likewise
(render/html/kept.py). After each of a sequence of edits -- prose in the notes, a bullet, a slide
added and removed, a chart's data, a chart made editable, the template -- the deck and the page
equal, byte for byte, those built from scratch of the same files; and the rebuild after a one-word
edit made only the slide that changed anew."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from pptx import Presentation

from briefdeck import api, publish, render
from briefdeck.assets import BUILTIN
from briefdeck.render.html import kept as html_kept
from briefdeck.render.pptx import pptx_code, replay, warm
from briefdeck.scaffold import init

from .conftest import ROOT


@pytest.fixture
def watching(monkeypatch):
    """A process as ``--watch`` makes it after its first build (api.warm_up), nothing kept yet; the
    harvests the deck's processes send back, as they arrive."""
    monkeypatch.setattr(publish, "_HASHED", None)
    monkeypatch.setattr(warm, "_WARMED", {})
    monkeypatch.setattr(render, "KEEPING", [])
    monkeypatch.setattr(replay, "_KEPT", {})
    monkeypatch.setattr(html_kept, "_KEPT", {})
    harvests: list = []
    absorb = replay.absorb

    def heard(harvest):
        if harvest is not None:
            harvests.append(harvest)
        absorb(harvest)

    monkeypatch.setattr(replay, "absorb", heard)
    return harvests


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _scratch(src: Path, out: Path, monkeypatch) -> list[bytes]:
    """The deck and web page of the same files built from scratch: nothing kept, nothing put in again."""
    with monkeypatch.context() as m:
        m.setattr(render, "KEEPING", [])
        for kept in (replay, html_kept):
            m.setattr(kept, "_KEPT", {})
        [r] = api.build([src], api.Options(out_dir=out, formats=("pptx", "html"), force=True))
        assert r.ok, r.error
    return [(out / f"{src.stem}{suffix}").read_bytes() for suffix in (".pptx", ".html")]


@pytest.mark.skipif(not pptx_code.written_for(), reason="another python-pptx than 1.0.2: slides are not replayed")
def test_a_deck_rebuilt_after_each_edit_equals_one_built_from_scratch(tmp_path, watching, monkeypatch):
    project = tmp_path / "proj"
    init(project)
    [src] = sorted((project / "source").glob("*.yaml"))
    data = project / "assets" / "data" / "minusma_fatalities_by_year_incident_type.csv"
    template = project / "assets" / "templates" / "default.pptx"  # the project's own copy of the built-in template
    template.parent.mkdir(parents=True)
    template.write_bytes((BUILTIN / "templates" / "default.pptx").read_bytes())
    out = tmp_path / "out"
    opts = api.Options(out_dir=out, formats=("pptx", "html"), jobs=2)  # two processes: the deck's is forked

    def build() -> list[bytes]:
        [r] = api.build([src], opts)
        assert r.ok, r.error
        api.warm_up(opts)
        return [(out / f"{src.stem}{suffix}").read_bytes() for suffix in (".pptx", ".html")]

    build()
    extra = ("\n  - id: extra\n    title: One more thing\n    slide_title: Cite the revision you used\n    speaker: okafor\n"
             "    paragraphs:\n      - >-\n        Okafor closed with a word on sources.\n    bullets:\n      - Cite the source\n")
    edits = [
        ("prose in the notes", lambda: _replace(src, "Ada Okafor began with", "Ada Okafor started with")),
        ("the same prose again", lambda: _replace(src, "Ada Okafor started with", "Ada Okafor began with")),
        ("a bullet", lambda: _replace(src, "account for most of the rest", "account for nearly all the rest")),
        ("a slide added", lambda: _replace(src, "\n  - id: care\n", extra + "\n  - id: care\n")),
        ("the slide removed", lambda: _replace(src, extra + "\n  - id: care\n", "\n  - id: care\n")),
        ("a chart's data", lambda: _replace(data, "\n2014,28,", "\n2014,29,")),
        ("the chart made editable", lambda: _replace(src, "    options: {stacked: true}\n", "    options: {stacked: true}\n    editable: true\n")),
        ("the editable chart's data", lambda: _replace(data, "\n2015,12,", "\n2015,13,")),
        ("the template", lambda: template.write_bytes((ROOT / "tests" / "fixtures" / "templates" / "Blue_Curve.pptx").read_bytes())),
        ("prose on the new template", lambda: _replace(src, "Ada Okafor began with", "Ada Okafor opened with")),
    ]
    for n, (what, edit) in enumerate(edits):
        edit()
        harvests_before = len(watching)
        deck, page = build()
        assert len(watching) == harvests_before + 1, f"{what}: the deck's process sent nothing back to keep"
        scratch = _scratch(src, tmp_path / f"scratch{n}", monkeypatch)
        assert deck == scratch[0], f"after {what}, the rebuilt deck differs from one built from scratch"
        assert page == scratch[1], f"after {what}, the rebuilt web page differs from one built from scratch"
        if n and what != "the template":  # the page's charts as the last rebuild made them
            assert html_kept._KEPT[str(src)], what
    by_edit = dict(zip([w for w, _ in edits], watching))
    slides = len(Presentation(out / f"{src.stem}.pptx").slides)
    # a one-word edit of a section's prose: its slide is made anew, the others put in again; the
    # zip's entries mostly as kept
    assert len(by_edit["prose in the notes"].used_slides) == 0  # the first kept: nothing kept before it
    for what in ("the same prose again", "a bullet", "prose on the new template"):
        h = by_edit[what]
        assert len(h.slides) == 1 and len(h.used_slides) == slides - 1, (what, len(h.slides), len(h.used_slides))
        assert len(h.used_entries) > len(h.deflated), what
    assert len(by_edit["the template"].used_slides) == 0  # a new template: every slide made anew
    assert pickle.loads(pickle.dumps(watching[-1])).slides.keys() == watching[-1].slides.keys()


def test_nothing_is_kept_in_a_process_that_builds_once(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "KEEPING", [])
    for kept in (replay, html_kept):
        monkeypatch.setattr(kept, "_KEPT", {})
    project = tmp_path / "proj"
    init(project)
    [src] = sorted((project / "source").glob("*.yaml"))
    made = []
    monkeypatch.setattr(replay, "Session", lambda *a, **k: made.append(a))
    for _ in range(2):
        _replace(src, "Ada Okafor", "Ada  Okafor")
        [r] = api.build([src], api.Options(out_dir=tmp_path / "out", formats=("pptx", "html")))
        assert r.ok, r.error
    assert made == [] and replay._KEPT == {} and html_kept._KEPT == {}


def test_a_slide_that_relates_to_what_is_not_replayed_is_made_anew(tmp_path):
    """``record`` keeps only slides whose parts it knows how to put in again."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    prs = Presentation()
    layout = prs.slide_layouts[1]
    slide = prs.slides.add_slide(layout)
    slide.shapes.title.text = "A title"
    blobs = {str(p.partname): p.blob for p in prs.part.package.iter_parts()}
    assert replay.record(slide.part, layout.part, blobs) is not None
    odd = Part(PackURI("/ppt/media/media1.bin"), "application/octet-stream", prs.part.package, b"x")
    slide.part.relate_to(odd, RT.MEDIA)
    blobs[str(odd.partname)] = b"x"
    assert replay.record(slide.part, layout.part, blobs) is None


def test_the_template_opened_ahead_is_taken_once_and_only_for_the_bytes_it_holds(tmp_path, monkeypatch, theme):
    """--watch opens the deck's template ahead for the next rebuild's deck process (warm.take_opened):
    the same package as open_clean_template opens, handed out once, never after the file changed."""
    from briefdeck.render.pptx.package import package_entries
    from briefdeck.render.pptx.template.opening import open_clean_template

    monkeypatch.setattr(warm, "_OPENED", {})
    path = tmp_path / "deck.pptx"
    path.write_bytes((BUILTIN / "templates" / "default.pptx").read_bytes())
    assert warm.take_opened(path, theme) is None
    warm._open_ahead(path, theme)
    taken, fresh = warm.take_opened(path, theme), open_clean_template(path, theme)
    assert taken[1:] == fresh[1:] and package_entries(taken[0]) == package_entries(fresh[0])
    assert warm.take_opened(path, theme) is None  # once: the deck writes into it
    warm._open_ahead(path, theme)
    path.write_bytes((ROOT / "tests" / "fixtures" / "templates" / "Blue_Curve.pptx").read_bytes())
    assert warm.take_opened(path, theme) is None


@pytest.fixture
def fresh(monkeypatch):
    """Each build as in a fresh process (no --watch: nothing kept in memory between builds, the deck
    made in this process); what ``kept_deck.take`` made of each, as it returns."""
    from briefdeck.render.pptx import kept_deck

    monkeypatch.setattr(render, "KEEPING", [])
    for kept in (replay, html_kept):
        monkeypatch.setattr(kept, "_KEPT", {})
    taken: list = []
    take = kept_deck.take

    def told(*a, **k):
        taken.append(take(*a, **k))
        return taken[-1]

    monkeypatch.setattr(kept_deck, "take", told)
    return taken


def test_a_deck_rebuilt_in_a_fresh_process_after_each_edit_equals_one_built_from_scratch(tmp_path, fresh, monkeypatch):
    """A fresh process puts in the last deck on disk when only speaker notes changed (kept_deck.py):
    after each edit the deck equals one built from scratch, byte for byte; it was made from the last
    one after the notes edits only, and in full after every other."""
    from briefdeck.render.pptx import kept_deck

    project = tmp_path / "proj"
    init(project)
    [src] = sorted((project / "source").glob("*.yaml"))
    data = project / "assets" / "data" / "minusma_fatalities_by_year_incident_type.csv"
    template = project / "assets" / "templates" / "default.pptx"
    template.parent.mkdir(parents=True)
    template.write_bytes((BUILTIN / "templates" / "default.pptx").read_bytes())
    out = tmp_path / "out"
    opts = api.Options(out_dir=out, formats=("pptx", "html"))

    def build() -> list[bytes]:
        [r] = api.build([src], opts)
        assert r.ok, r.error
        return [(out / f"{src.stem}{suffix}").read_bytes() for suffix in (".pptx", ".html")]

    build()
    kept_charts = out / ".briefdeck" / "derived" / "html-charts"  # the page's (render/html/kept_on_disk.py)
    first = {p.name: p.stat().st_ino for p in kept_charts.iterdir()}
    assert first  # each chart's inline SVG and data table
    victim = sorted(kept_charts.iterdir())[0]
    victim.write_bytes(victim.read_bytes()[:-1])  # damaged: refused, made and kept again
    extra = ("\n  - id: extra\n    title: One more thing\n    slide_title: Cite the revision you used\n    speaker: okafor\n"
             "    paragraphs:\n      - >-\n        Okafor closed with a word on sources.\n    bullets:\n      - Cite the source\n")
    edits = [  # (what, the edit, whether the last deck is put in)
        ("prose in the notes", lambda: _replace(src, "Ada Okafor began with", "Ada Okafor started with"), True),
        ("the same prose again", lambda: _replace(src, "Ada Okafor started with", "Ada Okafor began with"), True),
        ("a bullet", lambda: _replace(src, "account for most of the rest", "account for nearly all the rest"), False),
        ("prose after it", lambda: _replace(src, "Ada Okafor began with", "Ada Okafor opened with"), True),
        ("a slide added", lambda: _replace(src, "\n  - id: care\n", extra + "\n  - id: care\n"), False),
        ("its notes", lambda: _replace(src, "Okafor closed with a word", "Okafor ended with a word"), True),
        ("the slide removed", lambda: _replace(src, extra.replace("closed", "ended") + "\n  - id: care\n", "\n  - id: care\n"), False),
        ("a chart's data", lambda: _replace(data, "\n2014,28,", "\n2014,29,"), False),
        ("the template", lambda: template.write_bytes((ROOT / "tests" / "fixtures" / "templates" / "Blue_Curve.pptx").read_bytes()), False),
        ("prose on the new template", lambda: _replace(src, "Ada Okafor opened with", "Ada Okafor began with"), True),
    ]
    logo = project / "assets" / "pictures" / "logo.svg"
    own_deck_theme = project / "assets" / "themes" / "default" / "deck.yaml"  # over the built-in theme's deck part
    deck_theme = (BUILTIN / "themes" / "default" / "deck.yaml").read_text(encoding="utf-8")
    assert "plate_pad_in: 0.08" in deck_theme
    words, said_now = iter(["opened", "started", "began"] * 3), ["began"]

    def and_prose(edit):
        """``edit`` and a notes edit with it: the deck of both is not the last one's with new notes."""
        def both():
            edit()
            new = next(words)
            _replace(src, f"Ada Okafor {said_now[0]} with", f"Ada Okafor {new} with")
            said_now[0] = new
        return both

    def theme_edit():
        own_deck_theme.parent.mkdir(parents=True, exist_ok=True)
        own_deck_theme.write_text(deck_theme.replace("plate_pad_in: 0.08", "plate_pad_in: 0.1"), encoding="utf-8")

    edits += [
        ("the series", and_prose(lambda: _replace(src, "series: Data seminar · Starter brief", "series: Data seminar · Second brief")), False),
        ("the title", and_prose(lambda: _replace(src, "title: Counting the Cost of a Peace Operation", "title: Counting the Cost of Peace Operations")), False),
        ("the date", and_prose(lambda: _replace(src, "date: 2025-06-12", "date: 2025-06-13")), False),
        ("the language", and_prose(lambda: _replace(src, "language: en-GB", "language: en-CA")), False),
        ("the theme", and_prose(theme_edit), False),
        ("the logo's bytes", and_prose(lambda: _replace(logo, 'fill="#ffd166"', 'fill="#ffc040"')), False),
        ("prose after them", and_prose(lambda: None), True),
    ]
    for n, (what, edit, put_in) in enumerate(edits):
        edit()
        before = len(fresh)
        deck, page = build()
        assert len(fresh) == before + 1, what
        assert (fresh[-1] is not None) == put_in, f"{what}: the last deck {'not ' if put_in else ''}put in"
        scratch = _scratch(src, tmp_path / f"scratch{n}", monkeypatch)
        assert deck == scratch[0], f"after {what}, the deck differs from one built from scratch"
        assert page == scratch[1], f"after {what}, the page differs from one built from scratch"
        if n == 0:  # a prose edit: the page's charts read back, the damaged one made again
            now = {p.name: p.stat().st_ino for p in kept_charts.iterdir()}  # an entry kept again is a new file
            assert now.keys() == first.keys() and [k for k in now if now[k] != first[k]] == [victim.name], what
    entries = list((out / ".briefdeck" / "derived" / "decks").iterdir())
    assert len(entries) == 1  # one entry a deck, rewritten by each build
    assert kept_deck.entry_path(out / ".briefdeck" / "derived", out / f"{src.stem}.pptx") == entries[0]


def test_the_last_deck_is_put_in_only_when_it_and_its_entry_are_what_they_say(tmp_path, fresh, monkeypatch):
    """The entry a deck is kept by, damaged, planted for another deck, or the deck on disk replaced:
    the deck is made in full, the same bytes, and the entry written anew."""
    from briefdeck.render.pptx import kept_deck

    project = tmp_path / "proj"
    init(project)
    [src] = sorted((project / "source").glob("*.yaml"))
    out = tmp_path / "out"
    opts = api.Options(out_dir=out, formats=("pptx",))
    deck = out / f"{src.stem}.pptx"
    words = iter(["started", "opened", "began"] * 8)
    state = {"now": "began"}

    def edit_and_build() -> tuple[bytes, bool]:
        """The deck after an edit of its notes, and whether the last deck was put in."""
        new = next(words)
        _replace(src, f"Ada Okafor {state['now']} with", f"Ada Okafor {new} with")
        state["now"] = new
        [r] = api.build([src], opts)
        assert r.ok, r.error
        return deck.read_bytes(), fresh[-1] is not None

    [r] = api.build([src], opts)
    assert r.ok, r.error
    entry = kept_deck.entry_path(out / ".briefdeck" / "derived", deck)
    assert edit_and_build() == (_scratch(src, tmp_path / "s0", monkeypatch)[0], True)

    raw = entry.read_bytes()
    entry.write_bytes(raw[:-3] + b"]}}" if raw.endswith(b"]}") else raw + b" ")  # damaged: its digest fails
    assert edit_and_build() == (_scratch(src, tmp_path / "s1", monkeypatch)[0], False)
    assert edit_and_build() == (_scratch(src, tmp_path / "s2", monkeypatch)[0], True)  # written anew

    data = deck.read_bytes()
    deck.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])  # the deck on disk is not the one described
    assert edit_and_build() == (_scratch(src, tmp_path / "s3", monkeypatch)[0], False)

    other = tmp_path / "other"  # an entry that verifies, planted from another folder's deck
    [r] = api.build([src], api.Options(out_dir=other, formats=("pptx",)))
    assert r.ok, r.error
    _replace(src, f"Ada Okafor {state['now']} with", "Ada Okafor said with")
    state["now"] = "said"
    [r] = api.build([src], api.Options(out_dir=other, formats=("pptx",)))
    assert r.ok and fresh[-1] is not None
    planted = kept_deck.entry_path(other / ".briefdeck" / "derived", other / f"{src.stem}.pptx")
    publish.keep_file(entry, publish.read_kept(planted))  # it verifies, but describes the other deck
    assert edit_and_build() == (_scratch(src, tmp_path / "s4", monkeypatch)[0], False)
    entry.write_bytes(planted.read_bytes())  # copied as it is: its digest names the other entry
    assert edit_and_build() == (_scratch(src, tmp_path / "s5", monkeypatch)[0], False)

    said: list = []  # the entries distrusted (publish.distrust), by file name
    monkeypatch.setattr(publish, "cache_problem", lambda path, what: said.append(path.name))
    misshapen = [  # each verifies (its digest is right) but is not the shape kept_deck writes
        lambda e: {k: v for k, v in e.items() if k != "context"},
        lambda e: {k: v for k, v in e.items() if k != "deck"},
        lambda e: {**e, "context": 1},
        lambda e: {**e, "deck": e["deck"][:-1] + "g"},
        lambda e: {**e, "size": str(e["size"])},
        lambda e: {**e, "slides": [s[:2] for s in e["slides"]]},
        lambda e: {**e, "slides": [[s[0], s[1], 3] for s in e["slides"]]},
        lambda e: {**e, "files": e["files"] + [None]},
        lambda e: [e],
    ]
    for n, shape in enumerate(misshapen):
        publish.keep_file(entry, json.dumps(shape(json.loads(publish.read_kept(entry)))).encode())
        assert edit_and_build() == (_scratch(src, tmp_path / f"m{n}", monkeypatch)[0], False), n  # made in full
        assert said == [entry.name] * (n + 1), n  # distrusted once, and kept anew
    publish.keep_file(entry, json.dumps({**json.loads(publish.read_kept(entry)), "version": 0}).encode())
    assert edit_and_build() == (_scratch(src, tmp_path / "v0", monkeypatch)[0], False)
    assert said == [entry.name] * len(misshapen)  # another version's entry: not used, quietly
    assert edit_and_build() == (_scratch(src, tmp_path / "v1", monkeypatch)[0], True)  # kept anew


def test_a_deck_put_in_from_the_last_imports_none_of_python_pptx(tmp_path, monkeypatch):
    """The deck of a notes edit, made from the last deck in a fresh process, is planned on the kept
    analysis of its template and written without python-pptx: none of it is imported; it is the deck
    built from scratch, byte for byte."""
    import os
    import subprocess
    import sys

    project = tmp_path / "proj"
    init(project)
    [src] = sorted((project / "source").glob("*.yaml"))
    out = tmp_path / "out"
    script = ("import sys; from briefdeck import api; from pathlib import Path; "
              f"[r] = api.build([Path({str(src)!r})], api.Options(out_dir=Path({str(out)!r}), formats=('pptx',))); "
              "assert r.ok, r.error; print(sorted(m for m in sys.modules if m.split('.')[0] == 'pptx')[:3])")
    env = {**os.environ, "BRIEFDECK_SERVER": "0"}
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert first.stdout.strip() != "[]"  # made in full: python-pptx writes it
    _replace(src, "Ada Okafor began with", "Ada Okafor started with")
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert again.stdout.strip() == "[]", again.stdout
    assert (out / f"{src.stem}.pptx").read_bytes() == _scratch(src, tmp_path / "scratch", monkeypatch)[0]
