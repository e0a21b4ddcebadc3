"""`briefdeck init`: a project that builds at once, never overwriting; bundled examples that never drift."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from briefdeck import api, scaffold
from briefdeck.cli import main
from briefdeck.load import load_document
from briefdeck.schema import json_schema

from .conftest import DEFAULT_SOURCE, EXAMPLES, ROOT

# each bundled example and where it comes from in the repository (the source, and the project it is in)
BUNDLED = {
    "canada-minusma-panel-2018": DEFAULT_SOURCE,
    "us-house-south-sudan-2016": EXAMPLES / "us-house-south-sudan-2016" / "us-house-south-sudan-2016.yaml",
    "ca-dion-consolidation-paix-2016": EXAMPLES / "ca-dion-consolidation-paix-2016" / "ca-dion-consolidation-paix-2016.yaml",
}
MODELINE = "# yaml-language-server: $schema=../briefdeck.schema.json\n"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.quick
def test_init_writes_a_starter_project_that_validates_without_a_warning(tmp_path):
    project = tmp_path / "Peace Data 2025"
    written = scaffold.init(project)
    files = tree(project)
    assert sorted(files) == sorted(p.relative_to(project).as_posix() for p in written) == [
        ".gitignore", "README.md", "assets/data/SOURCES.md", "assets/data/minusma_fatalities_by_year_incident_type.csv",
        "assets/pictures/SOURCES.md", "assets/pictures/logo.svg", "briefdeck.schema.json", "source/peace-data-2025.yaml"]
    source = files["source/peace-data-2025.yaml"].decode("utf-8")
    assert source.startswith(MODELINE)  # editors find the schema beside the project, offline
    assert json.loads(files["briefdeck.schema.json"]) == json_schema()
    assert files[".gitignore"].decode().splitlines()[-1] == "output/"
    readme = files["README.md"].decode("utf-8")
    assert readme.startswith("# Peace Data 2025\n") and "briefdeck            #" in readme and "briefdeck --check" in readme
    # the starter's data are the repository's real, sourced numbers, and SOURCES.md names the file
    data = "assets/data/minusma_fatalities_by_year_incident_type.csv"
    assert files[data] == (ROOT / data).read_bytes()
    assert "minusma_fatalities_by_year_incident_type.csv" in files["assets/data/SOURCES.md"].decode() and "CC BY-IGO" in files["assets/data/SOURCES.md"].decode()
    res = api.check([project / "source/peace-data-2025.yaml"])
    assert res[0].ok and res[0].warnings == [], [w.format() for w in res[0].warnings]


@pytest.mark.quick
def test_the_starter_shows_every_part_of_a_source(tmp_path):
    scaffold.init(tmp_path / "demo")
    doc = load_document(tmp_path / "demo" / "source" / "demo.yaml")
    assert {p.role for p in doc.people} == {"speaker", "chair"}  # people with roles
    assert len(doc.sections) >= 2 and len(doc.figures) == 1 and doc.recommendations and doc.references and doc.preface
    quote = doc.quotes[0]  # taken verbatim from a paragraph of its section (the loader checks it)
    section = next(s for s in doc.sections if s.id == quote.section_id)
    assert any(quote.text.plain in " ".join(p.plain.split()) for p in section.paragraphs)
    # facts computed from the real data, cited in the prose
    assert "Of 311 people who died serving the mission, 174 were killed by malicious acts, and 2017" in doc.summary.plain
    assert doc.figures[0].provenance.source == "United Nations, Peace and Security Data Hub"


def test_the_starter_builds_at_once_into_a_brief_and_a_deck(tmp_path, monkeypatch):
    project = tmp_path / "demo"
    scaffold.init(project)
    monkeypatch.chdir(project)
    assert main(["--quiet"]) == 0  # `briefdeck` with no arguments, in the project folder
    pdf, pptx = project / "output" / "demo.pdf", project / "output" / "demo.pptx"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    assert "Counting the Cost of a Peace Operation" in text and "Malicious acts caused 174 of MINUSMA’s 311 deaths" in text
    assert "A number without a date is not yet a finding." in text
    slides = Presentation(str(pptx)).slides
    # titles bind their last words and dates with no-break spaces (the language's line-break rules)
    titles = [s.shapes.title.text_frame.text.replace("\u00a0", " ") for s in slides if s.shapes.title is not None]
    assert "Most deaths in MINUSMA came from attacks" in titles and "Recommendations" in titles


@pytest.mark.quick
def test_init_never_overwrites_a_file_and_writes_nothing_then(tmp_path, capsys):
    project = tmp_path / "demo"
    (project / "source").mkdir(parents=True)
    mine = project / "source" / "demo.yaml"
    mine.write_text("my own work\n", encoding="utf-8")
    assert main(["init", str(project)]) == 2
    err = capsys.readouterr().err
    assert f"{mine}: already exists" in err and "never overwrites" in err and "Traceback" not in err
    assert tree(project) == {"source/demo.yaml": b"my own work\n"}  # nothing else written either


@pytest.mark.quick
def test_init_in_the_current_folder_names_the_source_after_it(tmp_path, monkeypatch, capsys):
    project = tmp_path / "Ottawa_Panel"
    project.mkdir()
    monkeypatch.chdir(project)
    assert main(["init"]) == 0
    assert (project / "source" / "ottawa-panel.yaml").is_file()
    assert "next: briefdeck" in capsys.readouterr().err
    assert main(["init"]) == 2  # again: every file exists now


@pytest.mark.quick
def test_a_bundled_example_becomes_a_project_that_validates(tmp_path, capsys):
    for name in BUNDLED:
        project = tmp_path / name
        assert main(["init", "--example", name, str(project)]) == 0
        source = project / "source" / f"{name}.yaml"
        assert source.read_text(encoding="utf-8").startswith(MODELINE)
        assert json.loads((project / "briefdeck.schema.json").read_text(encoding="utf-8")) == json_schema()
        res = api.check([source])
        assert res[0].ok, res[0].error
        # untouched, it passes --strict (the cron recipe's): no warning, its figures carry their own alt text
        assert not res[0].warnings, [w.format() for w in res[0].warnings]
    assert main(["init", "--list-examples"]) == 0
    listing = capsys.readouterr().out
    assert all(name in listing for name in BUNDLED)


@pytest.mark.quick
def test_an_unknown_example_is_a_usage_error_with_a_suggestion(tmp_path, capsys):
    assert main(["init", "--example", "canada-minusma-panel", str(tmp_path / "x")]) == 2
    assert "did you mean 'canada-minusma-panel-2018'?" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("name", sorted(BUNDLED))
@pytest.mark.quick
def test_bundled_example_is_the_repository_source_with_the_data_it_uses(name):
    """The copy in the package never drifts from the repository: same source, same data files,
    and exactly the data files the source reads (plus their SOURCES.md)."""
    src = BUNDLED[name]
    bundle = scaffold.EXAMPLES / name
    project = src.parent.parent if src == DEFAULT_SOURCE else src.parent
    fix = f"copy {src.relative_to(ROOT)} and the data it uses into {bundle.relative_to(ROOT)}/"
    assert (bundle / "source" / src.name).read_bytes() == src.read_bytes(), fix
    used = {Path(p).resolve().relative_to(project.resolve()).as_posix() for p in load_document(src).inputs}
    bundled = {k for k in tree(bundle) if not k.startswith("source/")}
    assert bundled == used | {"assets/data/SOURCES.md"}, fix
    for rel in bundled:
        assert (bundle / rel).read_bytes() == (project / rel).read_bytes(), f"{rel} differs — {fix}"


@pytest.mark.quick
def test_help_shows_the_commands_examples_and_where_the_docs_are(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for text in ("briefdeck init [DIR]", "briefdeck docs [TOPIC]", "briefdeck [build] [SOURCE ...]",
                 "briefdeck init demo && cd demo && briefdeck", "briefdeck docs source-format"):
        assert text in out
    docs_dir = out.split("documentation: shipped with briefdeck, in ", 1)[1].split("\n", 1)[0]
    assert (Path(docs_dir) / "source-format.md").is_file()


@pytest.mark.quick
def test_docs_lists_the_topics_and_prints_one(capsys):
    assert main(["docs"]) == 0
    listing = capsys.readouterr().out
    assert "source-format" in listing and "scheduling" in listing
    assert main(["docs", "source-format"]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "source-format.md").read_text(encoding="utf-8")
    assert main(["docs", "scheduing"]) == 2
    assert "did you mean 'scheduling'?" in capsys.readouterr().err


@pytest.mark.quick
def test_a_source_path_still_builds_and_build_is_the_default_command(tmp_path, capsys):
    assert main(["--check", str(DEFAULT_SOURCE)]) == 0
    assert main(["build", "--check", str(DEFAULT_SOURCE)]) == 0
    assert capsys.readouterr().err.count(": ok") == 2
    # a file named like a command is a source when given as a path (only the bare word is the command)
    no_data = EXAMPLES / "uk-cleverly-lagos-2023" / "uk-cleverly-lagos-2023.yaml"
    (tmp_path / "init").write_bytes(no_data.read_bytes())
    assert main([str(tmp_path / "init"), "--check"]) == 0
    err = capsys.readouterr().err
    assert f"{tmp_path / 'init'}: ok" in err and "made a briefdeck project" not in err


@pytest.mark.quick
def test_no_sources_outside_a_project_points_at_init(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main([]) == 2
    assert "briefdeck init DIR" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []
