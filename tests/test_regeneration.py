"""Unattended regeneration: exact bytes, nothing rebuilt needlessly, atomic publish, one run at a time."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from pptx import Presentation
from pypdf import PdfReader

from briefdeck import api

from .conftest import DEFAULT_SOURCE, ROOT

STEM = DEFAULT_SOURCE.stem


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_cli(out: Path, *extra: str, src: Path = DEFAULT_SOURCE, env: dict | None = None, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), str(src), "--out", str(out), *extra], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}, **kw)


def finish(proc: subprocess.Popen) -> int:
    """Wait for a build and close its pipes; its exit code."""
    proc.communicate(timeout=300)
    return proc.returncode


def edited_source(tmp_path: Path, word: str = "Finally") -> Path:
    """The default source with one word of prose changed, in the same project."""
    text = DEFAULT_SOURCE.read_text(encoding="utf-8")
    assert word in text
    dst = ROOT / "tests" / f".edited-{os.getpid()}-{STEM}.yaml"
    dst.write_text(text.replace(word, "Lastly", 1), encoding="utf-8")
    return dst


def test_same_inputs_give_identical_bytes_across_processes_hash_seeds_and_jobs(tmp_path):
    runs = [("1", "--jobs", "1"), ("12345", "--jobs", "2")]
    digests = []
    for seed, *opts in runs:
        out = tmp_path / f"out-{seed}"
        proc = build_cli(out, "--force", "--quiet", *opts, env={"PYTHONHASHSEED": seed})
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert err == "", err  # --quiet: no library's warning either, whichever process reads which font
        digests.append({p.name: sha(p) for p in sorted(out.glob(f"{STEM}.*"))})
    assert digests[0] == digests[1]
    assert len(digests[0]) == 3  # the brief, the deck and the web page


def test_formats_drawing_for_one_chart_target_are_made_in_one_process():
    """With --jobs 2 the formats are made side by side, but the brief and the web page (both "page"
    charts) are made one after the other in one process: the web page takes the brief's drawings from
    the chart service's memory, where a process of its own would draw them all again under --force."""
    from briefdeck.render import RENDERERS

    groups = api._process_groups(("pdf", "pptx", "html"))
    assert groups == [("pdf", "html"), ("pptx",)]
    assert all(len({RENDERERS[f].chart_target for f in g}) == 1 for g in groups)
    assert api._process_groups(("html", "pptx")) == [("html",), ("pptx",)]
    assert api._process_groups(("pptx", "pdf")) == [("pptx",), ("pdf",)]


def test_the_brief_measures_its_layouts_with_stand_ins_of_its_charts_sizes():
    """On a first build with --jobs 2 the brief's charts are drawn and converted in a process of
    their own while the brief measures its layouts with empty drawings of their size: that size is
    the converted drawing's own (else the brief would measure its layouts again, once the drawings
    arrive). For every kind of chart the examples draw."""
    from briefdeck.charts import ChartService
    from briefdeck.load import load_document
    from briefdeck.locale import load_locale
    from briefdeck.assets import Assets
    from briefdeck.present import view_of
    from briefdeck.render import pdf
    from briefdeck.theme import load_theme

    kinds = set()
    for src in [DEFAULT_SOURCE, *sorted((ROOT / "tests" / "examples").glob("*/*.yaml"))]:
        doc = load_document(src)
        assets = Assets.for_source(src)
        theme = load_theme(doc.meta.theme, assets)
        charts = ChartService(theme)
        brief = pdf.prepare(view_of(doc, load_locale(assets, doc.meta.language), theme), theme=theme, charts=charts)
        real = pdf._chart_drawings(doc, charts, brief.probe, brief.fonts, charts)
        stand_ins = pdf._stand_ins(doc, brief.probe, brief.fonts, charts)
        assert {k: (d.width, d.height) for k, d in stand_ins.items()} == {k: (d.width, d.height) for k, d in real.items()}, src
        kinds |= {f.chart.kind for f in doc.charted_figures}
    assert len(kinds) >= 6, kinds


def test_a_brief_whose_charts_are_not_the_size_foreseen_is_measured_again(tmp_path, default_build, monkeypatch):
    """The stand-ins' size checked against the drawings that arrive: were it another, the layouts
    are measured again with the drawings, and the brief is the same, byte for byte."""
    from briefdeck.render import pdf

    stand_ins = pdf._stand_ins

    def taller(*args):
        out = stand_ins(*args)
        for d in out.values():
            d.height += 40
        return out

    monkeypatch.setattr(pdf, "_stand_ins", taller)
    [res] = api.build([DEFAULT_SOURCE], api.Options(out_dir=tmp_path / "out", jobs=2, formats=("pdf", "pptx", "html")))
    assert res.ok, res.error
    for suffix in (".pdf", ".html"):
        assert sha(tmp_path / "out" / f"{STEM}{suffix}") == sha(default_build / f"{STEM}{suffix}")


def test_a_brief_alone_has_its_charts_drawn_beside_its_layouts(tmp_path, default_build, monkeypatch):
    """A first build of the brief alone with --jobs 2 draws its charts in a process of its own too
    (the brief measures meanwhile; this process draws none), and writes the same bytes."""
    from briefdeck.charts import ChartService

    def here(self, jobs):
        raise AssertionError("the brief's process draws a chart")

    aside = _drawing_aside(api._charts_aside)  # (the forked process inherits the patch below: undone there)
    monkeypatch.setattr(ChartService, "_draw_all", here)
    monkeypatch.setattr(api, "_charts_aside", aside)
    [res] = api.build([DEFAULT_SOURCE], api.Options(out_dir=tmp_path / "out", jobs=2, formats=("pdf",)))
    assert res.ok, res.error
    assert sha(tmp_path / "out" / f"{STEM}.pdf") == sha(default_build / f"{STEM}.pdf")


def _drawing_aside(aside):
    """``api._charts_aside`` with the chart service's own ``_draw_all`` back (in the forked process only)."""
    from briefdeck.charts import ChartService

    own = ChartService.__dict__["_draw_all"]

    def drawing(*args):
        ChartService._draw_all = own
        return aside(*args)

    return drawing


def test_source_date_epoch_stamps_outputs_instead_of_the_source_date(tmp_path):
    out = tmp_path / "epoch"
    proc = build_cli(out, "--format", "pdf", env={"SOURCE_DATE_EPOCH": "1600000000"})
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    info = PdfReader(out / f"{STEM}.pdf").metadata
    assert info.creation_date.year == 2020


def test_nothing_changed_writes_nothing_and_a_data_change_rebuilds(tmp_path, default_build):
    out = tmp_path / "out"
    shutil.copytree(default_build, out)
    before = {p.name: (p.stat().st_mtime_ns, sha(p)) for p in out.glob(f"{STEM}.*")}
    res = api.build([DEFAULT_SOURCE], api.Options(out_dir=out))
    assert [a.status for a in res[0].artefacts] == ["up-to-date", "up-to-date", "up-to-date"]
    assert {p.name: (p.stat().st_mtime_ns, sha(p)) for p in out.glob(f"{STEM}.*")} == before
    # a different option is a different output: rebuilt
    res = api.build([DEFAULT_SOURCE], api.Options(out_dir=out, formats=("pdf",), settings=(("paper", "letter"),)))
    assert res[0].artefacts[0].status == "built"


def test_noop_rebuild_imports_no_renderer_library(tmp_path, default_build):
    out = tmp_path / "out"
    shutil.copytree(default_build, out)
    code = (
        "import sys; from pathlib import Path; from briefdeck import api;"
        f"r = api.build([Path({str(DEFAULT_SOURCE)!r})], api.Options(out_dir=Path({str(out)!r})));"
        "assert all(a.status == 'up-to-date' for a in r[0].artefacts), r[0];"
        "heavy = [m for m in ('matplotlib', 'reportlab', 'pptx', 'svglib') if m in sys.modules];"
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_manifest_lists_each_artefact_with_hash_size_and_count(default_build):
    manifest = json.loads((default_build / "manifest.json").read_text())
    pdf = manifest["artefacts"][f"{STEM}.pdf"]
    pptx = manifest["artefacts"][f"{STEM}.pptx"]
    assert pdf["sha256"] == sha(default_build / f"{STEM}.pdf") and pdf["size"] == (default_build / f"{STEM}.pdf").stat().st_size
    assert pdf["pages"] == len(PdfReader(default_build / f"{STEM}.pdf").pages)
    assert pptx["slides"] == len(Presentation(str(default_build / f"{STEM}.pptx")).slides)
    # paths relative to the project (built-ins as <briefdeck>/...): two checkouts write the same manifest
    assert pdf["source"] == "source/canada-minusma-panel-2018.yaml" and "status" not in pdf
    assert "source/canada-minusma-panel-2018.yaml" in pdf["inputs"] and "assets/data/timeline.csv" in pdf["inputs"]
    assert "<briefdeck>/themes/default/brief.yaml" in pdf["inputs"] and "<briefdeck>/locales/en.yaml" in pdf["inputs"]
    assert not any(k.startswith("/") for k in pdf["inputs"])


def test_a_full_disk_while_rendering_leaves_the_previous_outputs(tmp_path, default_build, monkeypatch):
    out = tmp_path / "out"
    shutil.copytree(default_build, out)
    before = {p.name: sha(p) for p in out.glob(f"{STEM}.*")}
    from briefdeck.render.pptx import PreparedDeck

    def full_disk(self, path, charts):  # the deck's writer runs out of space half-way
        Path(path).write_bytes(b"PK partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(PreparedDeck, "render", full_disk)
    res = api.build([DEFAULT_SOURCE], api.Options(out_dir=out, force=True))
    assert not res[0].ok and "No space left on device" in str(res[0].error)
    assert {p.name: sha(p) for p in out.glob(f"{STEM}.*")} == before  # the PDF was not published alone either
    assert not [p for p in out.iterdir() if ".tmp-" in p.name]


def test_killing_a_rebuild_at_any_moment_leaves_old_or_new_outputs_whole(tmp_path, default_build):
    edited = edited_source(tmp_path)
    try:
        new_out = tmp_path / "new"
        p = build_cli(new_out, src=edited)
        assert finish(p) == 0
        stem = edited.stem
        new = {s: sha(new_out / f"{stem}{s}") for s in (".pdf", ".pptx")}
        out = tmp_path / "out"
        out.mkdir()
        for s in (".pdf", ".pptx"):  # the old outputs under the edited source's name
            shutil.copy(default_build / f"{STEM}{s}", out / f"{stem}{s}")
        old = {s: sha(out / f"{stem}{s}") for s in (".pdf", ".pptx")}
        kills = 0
        for delay in [0.05, 0.2, 0.4, 0.7, 1.0, 1.4, 1.8, 2.3, 3.0]:
            proc = build_cli(out, "--force", src=edited, start_new_session=True)
            time.sleep(delay)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                kills += 1
            finish(proc)
            now = {s: sha(out / f"{stem}{s}") for s in (".pdf", ".pptx")}
            assert now == old or now == new, f"after a kill at {delay}s the outputs are mixed or partial"
            assert len(PdfReader(out / f"{stem}.pdf").pages) > 1
            assert len(Presentation(str(out / f"{stem}.pptx")).slides) > 1
            if now == new:  # reset to the old outputs for the next kill
                for s in (".pdf", ".pptx"):
                    shutil.copy(default_build / f"{STEM}{s}", out / f"{stem}{s}")
        assert kills >= 3
        # the next run cleans the temp files a killed run left behind
        proc = build_cli(out, src=edited)
        assert finish(proc) == 0
        assert not [p for p in out.iterdir() if ".tmp-" in p.name]
    finally:
        edited.unlink()


def test_a_second_concurrent_run_exits_3_or_waits_its_turn(tmp_path):
    out = tmp_path / "out"
    first = build_cli(out, "--force")
    time.sleep(0.3)
    second = build_cli(out, "--force")
    _, err2 = second.communicate(timeout=300)
    third = build_cli(out, "--force", "--wait", "300")
    assert finish(first) == 0
    _, err3 = third.communicate(timeout=300)
    assert second.returncode == 3 and "another briefdeck run is using this output folder" in err2
    assert third.returncode == 0, err3
    assert PdfReader(out / f"{STEM}.pdf").pages and Presentation(str(out / f"{STEM}.pptx")).slides


def test_strict_turns_warnings_into_failures(tmp_path):
    example = ROOT / "tests" / "examples" / "two-speaker-panel.yaml"
    res = api.check([example])
    assert any("has no alt text" in w.message for w in res[0].warnings)  # the example leaves one figure without alt
    proc = build_cli(tmp_path, "--strict", "--format", "pdf", src=example)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 2 and "--strict" in err
    assert not list(tmp_path.glob("*.pdf"))
