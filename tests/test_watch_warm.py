"""What a long-running process (--watch) keeps between builds -- registered fonts, parsed theme
files, locale files, the renderers' in-memory caches -- never hides an edit: in one process, an
edit to each kind of input (source, data, theme file, font file under the same name, locale file,
deck template) is seen by the next build, and the outputs then equal, byte for byte, a build in a
fresh process of the same files."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefdeck import api, publish, render
from briefdeck.assets import BUILTIN
from briefdeck.render.html import kept as html_kept
from briefdeck.render.pptx import layout_cache, replay, warm
from briefdeck.scaffold import init

from .conftest import ROOT

SUFFIXES = (".pdf", ".pptx", ".html")


def _fonts(pdf: Path) -> set[str]:
    """The PostScript names of the fonts the brief embeds (without the subset prefix)."""
    names = set()
    for page in PdfReader(pdf).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def _text(pdf: Path) -> str:
    return "".join(p.extract_text() for p in PdfReader(pdf).pages)


@pytest.fixture
def watching(request, monkeypatch):
    """As ``--watch`` runs: after its first build the process is warmed up (api.warm_up: it keeps
    files' hashes, and after each build what the deck's forked process derives from its template)
    and the deck is made in a forked process (--jobs 2); or a process that only builds (--jobs 1)."""
    monkeypatch.setattr(publish, "_HASHED", None)
    monkeypatch.setattr(warm, "_WARMED", {})
    monkeypatch.setattr(render, "KEEPING", [])  # what the renderers keep (replay.py, kept.py) stays in this test
    monkeypatch.setattr(replay, "_KEPT", {})
    monkeypatch.setattr(html_kept, "_KEPT", {})
    return request.param


@pytest.mark.parametrize("watching", [False, True], indirect=True, ids=["builds", "watches"])
def test_an_edit_to_each_kind_of_input_is_seen_by_the_next_build_in_the_same_process(tmp_path, watching):
    project = tmp_path / "proj"
    init(project)
    [src] = sorted((project / "source").glob("*.yaml"))
    assets = project / "assets"
    # the project's own copies of built-in inputs, the same bytes at first (a project file
    # overrides the built-in of the same name whole)
    for rel in ("themes/default/brief.yaml", "fonts/NotoSerif-Regular.ttf", "locales/en.yaml", "templates/default.pptx"):
        (assets / rel).parent.mkdir(parents=True, exist_ok=True)
        (assets / rel).write_bytes((BUILTIN / rel).read_bytes())
    out = tmp_path / "out"
    opts = api.Options(out_dir=out, jobs=2 if watching else 1)
    outputs = [out / f"{src.stem}{s}" for s in SUFFIXES]

    def build() -> list[bytes]:
        [r] = api.build([src], opts)
        assert r.ok, r.error
        if watching:
            api.warm_up(opts)
        return [p.read_bytes() for p in outputs]

    def replace(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    before = build()
    assert "NotoSerif-Regular" in _fonts(outputs[0])
    edits = [
        ("source", lambda: replace(src, "summary: >-\n", "summary: >-\n  Edited.\n"), (0, 1, 2)),
        ("data", lambda: replace(assets / "data" / "minusma_fatalities_by_year_incident_type.csv", "\n2014,28,", "\n2014,29,"), (0, 1, 2)),
        ("theme file", lambda: replace(assets / "themes" / "default" / "brief.yaml", "size: 10\n", "size: 10.5\n"), (0,)),
        ("font file, same name", lambda: (assets / "fonts" / "NotoSerif-Regular.ttf").write_bytes(
            (BUILTIN / "fonts" / "Gelasio-Regular.ttf").read_bytes()), (0,)),
        ("locale file", lambda: replace(assets / "locales" / "en.yaml", 'page_of: "Page {page} of {pages}"',
                                        'page_of: "Sheet {page} of {pages}"'), (0,)),
        ("deck template", lambda: (assets / "templates" / "default.pptx").write_bytes(
            (ROOT / "tests" / "fixtures" / "templates" / "Blue_Curve.pptx").read_bytes()), (1,)),
    ]
    for what, edit, changed in edits:
        edit()
        after = build()
        for i in changed:
            assert after[i] != before[i], f"an edit of the {what} did not change the {SUFFIXES[i]} built in the same process"
        before = after
    assert "Gelasio-Regular" in _fonts(outputs[0]) and "NotoSerif-Regular" not in _fonts(outputs[0])
    assert "Sheet 1 of" in _text(outputs[0])
    if watching:  # the watching process looked at the template the deck is made on now, for its forked processes
        from briefdeck.assets import Assets
        from briefdeck.load import load_document
        from briefdeck.render.pptx.template.opening import side_file
        from briefdeck.theme import load_theme

        theme = load_theme(load_document(src).meta.theme, Assets.for_source(src))
        template = assets / "templates" / "default.pptx"
        assert layout_cache.key(template, side_file(template), theme) in warm._WARMED
    else:
        assert not warm._WARMED
    # the same files built by a fresh process: the same bytes
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "briefdeck", str(src), "--out", str(fresh), "--jobs", "1", "--quiet"], cwd=ROOT, check=True)
    for p, data in zip(outputs, before):
        assert (fresh / p.name).read_bytes() == data, f"{p.name} built in a long-running process differs from a fresh build"
