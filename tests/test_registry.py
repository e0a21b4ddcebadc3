"""An output format is a package under render/ plus its registry entry: the theme, the build key,
the command line and the build read the rest from the entry."""
from __future__ import annotations

import json

import pytest

from briefdeck import api, cli, theme as theme_mod
from briefdeck.render import RENDERERS, Renderer, RendererCommand, RendererOption

TOY = '''
"""A toy output: the event's title under a heading its theme file sets, one line a section."""
from pathlib import Path

from briefdeck.render import CommandResult, RenderResult


class Prepared:
    def __init__(self, view, theme, options):
        self.view, self.theme, self.options = view, theme, options

    def chart_requests(self):
        return []

    def inputs(self):
        return []

    def render(self, out_path, charts):
        doc = self.view.doc
        lines = [self.theme.get("outline.heading") + doc.event.title] + [s.title for s in doc.sections]
        if self.options.get("shout"):
            lines = [line.upper() for line in lines]
        Path(out_path).write_text("\\n".join(lines) + "\\n", encoding="utf-8")
        return RenderResult(len(lines))


def prepare(view, *, theme, options, charts=None, cache_dir=None):
    return Prepared(view, theme, options)


def count_words(value, *, strict=False):
    n = len(str(value).split("-"))
    return CommandResult(f"{n} words", {"words": n}, not (strict and n > 2))
'''


SOURCE = """\
briefdeck: 1
meta: {updated: 2018-05-01}
event: {title: Registry test, organiser: Test organiser, date: 2018-04-25, place: Ottawa}
people: [{id: ana, name: Ana Example}]
summary: A summary.
key_messages: [One message.]
sections: [{id: intro, title: Introduction, paragraphs: [A paragraph.]}, {id: next, title: Next steps, paragraphs: [Another.]}]
"""


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """A project whose theme has the toy's file, and the toy registered (for this test only)."""
    (tmp_path / "toyoutline.py").write_text(TOY, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    project = tmp_path / "project"
    (project / "source").mkdir(parents=True)
    (project / "assets" / "themes" / "default").mkdir(parents=True)
    (project / "assets" / "themes" / "default" / "outline.yaml").write_text("heading: 'Outline: '\n", encoding="utf-8")
    src = project / "source" / "event.yaml"
    src.write_text(SOURCE, encoding="utf-8")
    entry = Renderer("outline", ".txt", "lines", "a plain-text outline", "toyoutline",
                     (RendererOption("shout", "set the outline in capitals"),),
                     theme_part="outline", locale_section="outline", libraries=("toy-library",),
                     commands=(RendererCommand("count-words", "count the words of a hyphenated name, then exit",
                                               "count_words"),))
    monkeypatch.setitem(RENDERERS, "outline", entry)
    return src


def test_a_registered_format_builds_with_its_theme_file_and_libraries_in_the_build_key(toy, tmp_path):
    from briefdeck.publish import record_path

    out = tmp_path / "out"
    [res] = api.build([toy], api.Options(formats=("outline",), out_dir=out, jobs=1))
    assert res.ok, res.error
    assert (out / "event.txt").read_text(encoding="utf-8").splitlines() == [
        "Outline: Registry test", "Introduction", "Next steps"]
    assert res.artefacts[0].count == 3
    assert "assets/themes/default/outline.yaml" in res.inputs  # a change to it rebuilds
    assert "toy-library" in json.loads(record_path(out, "event").read_text(encoding="utf-8"))["versions"]
    assert theme_mod.parts() == ("base", "brief", "deck", "html", "outline", "charts")
    [again] = api.build([toy], api.Options(formats=("outline",), out_dir=out, jobs=1))
    assert [a.status for a in again.artefacts] == ["up-to-date"]


def test_the_command_line_offers_a_registered_formats_options_and_commands(toy, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(toy.parent.parent)
    helptext = " ".join(cli.make_parser().format_help().split())
    assert "outline = a plain-text outline" in helptext and "--shout" in helptext and "--count-words" in helptext
    assert cli.main(["--count-words", "one-two"]) == cli.EXIT_OK
    assert capsys.readouterr().out.strip() == "2 words"
    assert cli.main(["--count-words", "one-two-three", "--strict", "--log-format", "json"]) == cli.EXIT_INVALID
    assert json.loads(capsys.readouterr().out) == {"words": 3}
    assert cli.main([str(toy), "--format", "outline", "--shout", "yes", "--out", str(tmp_path / "o"), "--quiet"]) == cli.EXIT_OK
    assert (tmp_path / "o" / "event.txt").read_text(encoding="utf-8").startswith("OUTLINE: REGISTRY TEST")


def test_the_registry_names_the_theme_files_and_libraries_of_the_three_formats():
    assert theme_mod.parts() == ("base", "brief", "deck", "html", "charts")
    assert (RENDERERS["pdf"].theme_part, RENDERERS["pdf"].locale_section) == ("brief", "brief")
    assert (RENDERERS["pptx"].theme_part, RENDERERS["pptx"].locale_section) == ("deck", "deck")
    assert (RENDERERS["html"].theme_part, RENDERERS["html"].locale_section) == ("html", "html")
    versions = api._versions()
    assert {"reportlab", "svglib", "segno", "python-pptx", "fonttools", "matplotlib", "PyYAML", "markdown-it-py", "babel", "pydantic"} <= set(versions)
    assert [c.name for c in RENDERERS["pptx"].commands] == ["check-template"]


def test_check_template_is_the_decks_command():
    from .conftest import ROOT

    result = RENDERERS["pptx"].run("check-template", ROOT / "tests" / "fixtures" / "templates" / "corpus" / "Vivid.pptx")
    assert result.ok and result.data["roles"]["content"]["layout"] == "Title, Content"
    assert result.text.splitlines()[0].endswith("Vivid.pptx: 36 layouts in 3 masters")


@pytest.mark.quick
def test_every_library_the_package_imports_is_in_the_build_key():
    """A library whose version can change the bytes (pyphen's patterns, XlsxWriter's workbook) must
    be in the build key, or upgrading it leaves outputs 'up to date' that would now differ."""
    import ast
    import importlib.metadata as md
    import sys

    from .conftest import ROOT

    dists = md.packages_distributions()
    imported = set()
    for path in (ROOT / "briefdeck").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m != "briefdeck"}
    # they cannot change a byte: watchfiles only starts builds; pydantic-core moves with pydantic,
    # cycler with matplotlib (and every colour is the theme's)
    exempt = {"watchfiles", "pydantic_core", "cycler"}
    needed = {d for m in third_party - exempt for d in dists.get(m, ())}
    keyed = {k.lower() for k in api._versions()}
    assert not {d for d in needed if d.lower() not in keyed}, "add these to a renderer's libraries or api._SHARED_LIBS"


def test_what_a_renderer_keeps_for_the_next_rebuild_is_what_the_last_used_and_made():
    """render.used_and_made / keep_for_source (the deck's replay.py and the page's kept.py keep by
    them): of the kept entries only those the rebuild used stay, beside what it made; the last
    KEPT_SOURCES sources' only, the oldest going first."""
    from briefdeck import render

    assert render.used_and_made({"a": 1, "b": 2, "c": 3}, ("c", "a", "gone"), {"d": 4}) == {"c": 3, "a": 1, "d": 4}
    kept: dict = {}
    for i in range(render.KEPT_SOURCES):
        render.keep_for_source(kept, f"s{i}", i)
    render.keep_for_source(kept, "s0", "again")  # kept anew: now the newest
    render.keep_for_source(kept, "new", "n")
    assert list(kept) == [f"s{i}" for i in range(2, render.KEPT_SOURCES)] + ["s0", "new"]
    assert kept["s0"] == "again" and len(kept) == render.KEPT_SOURCES
