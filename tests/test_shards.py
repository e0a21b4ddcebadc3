"""Past one machine: --shard K/N, merged manifests, only changed outputs rewritten, a quiet JSON
log, and a bounded, shareable chart cache (issue 28)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefdeck import api, cache
from briefdeck.errors import UsageError
from briefdeck.scaffold import init
from briefdeck.shard import Shard, of

from .conftest import ROOT

# five events of one project; by the hash of their paths two fall in shard 1 of 3, one in 2, two in 3
NAMES = ("lagos-2023", "ottawa-2018", "bamako-2016", "juba-2016", "paris-2017")
TITLE = "Counting the Cost of a Peace Operation"


def cli(*args: str, cwd: Path, **kw):
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=600, **kw)


def make_project(folder: Path, names=NAMES) -> Path:
    init(folder)
    starter = folder / "source" / f"{folder.name}.yaml"
    text = starter.read_text(encoding="utf-8")
    starter.unlink()
    for n in names:  # each its own title, so no two outputs are alike
        (folder / "source" / f"{n}.yaml").write_text(text.replace(TITLE, f"{TITLE} in {n}"), encoding="utf-8")
    return folder


def published(out: Path) -> dict[str, bytes]:
    """What a folder publishes: every file but the state folder and the shards' own manifests."""
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith("manifest.shard-")}


# -- the partition --------------------------------------------------------------------------
def test_a_source_is_in_exactly_one_shard_by_its_path_alone():
    keys = [f"source/event-{i}.yaml" for i in range(300)]
    for n in (1, 2, 3, 8):
        owners = {k: [s for s in range(1, n + 1) if Shard(s, n).holds(k)] for k in keys}
        assert all(len(o) == 1 for o in owners.values())
        counts = [sum(o == [s] for o in owners.values()) for s in range(1, n + 1)]
        assert min(counts) > len(keys) / n * 0.6, counts  # a hash spreads them
    # the shard comes from the path's sha256 alone: the same on every machine, in any order,
    # whatever else the project holds
    import hashlib

    assert of("source/a.yaml", 5) == int(hashlib.sha256(b"source/a.yaml").hexdigest()[:16], 16) % 5 + 1
    assert [of(f"source/{n}.yaml", 3) for n in NAMES] == [3, 3, 1, 1, 2]


@pytest.mark.parametrize("bad", ["0/3", "4/3", "3", "a/b", "1/0", "-1/3"])
def test_a_wrong_shard_is_a_usage_error(bad):
    with pytest.raises(UsageError, match="--shard"):
        Shard.parse(bad)


def test_wrong_shard_on_the_command_line_exits_2_and_names_the_index_base(tmp_path):
    proc = cli("--shard", "0/3", cwd=make_project(tmp_path / "p", NAMES[:1]))
    assert proc.returncode == 2 and "JOB_COMPLETION_INDEX + 1" in proc.stderr and "Traceback" not in proc.stderr


# -- three shard processes -----------------------------------------------------------------
@pytest.fixture(scope="module")
def unsharded(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    project = make_project(tmp_path_factory.mktemp("shards") / "programme")
    proc = cli("--out", "full", "--jobs", "1", "--quiet", cwd=project)
    assert proc.returncode == 0, proc.stderr
    return project, published(project / "full")


def test_three_shards_in_one_folder_at_once_equal_one_unsharded_build(unsharded):
    project, full = unsharded
    procs = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--shard", f"{k}/3", "--out", "shared", "--jobs", "1",
                               "--quiet", "--log-format", "json"], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k in (1, 2, 3)]
    logs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [e for _, e in logs]
    built = [sorted(Path(json.loads(ln)["path"]).name for ln in err.splitlines() if json.loads(ln)["event"] == "built") for _, err in logs]
    by_shard = {k: sorted(f"{n}{s}" for n in NAMES if of(f"source/{n}.yaml", 3) == k for s in (".pdf", ".pptx", ".html")) for k in (1, 2, 3)}
    assert built == [by_shard[1], by_shard[2], by_shard[3]]  # disjoint, each its own part
    out = project / "shared"
    shard_manifests = sorted(p.name for p in out.glob("manifest.shard-*"))
    assert shard_manifests == ["manifest.shard-1-of-3.json", "manifest.shard-2-of-3.json", "manifest.shard-3-of-3.json"]
    assert not (out / "manifest.json").exists()
    for k in (1, 2, 3):
        m = json.loads((out / f"manifest.shard-{k}-of-3.json").read_text(encoding="utf-8"))
        assert sorted(m["artefacts"]) == by_shard[k] and m["shard"] == {"index": k, "count": 3}

    # a missing shard is refused, by name; then the merge is the unsharded manifest, byte for byte
    partial = cli("merge-manifests", "--out", "shared", str(out / "manifest.shard-1-of-3.json"), cwd=project)
    assert partial.returncode == 2 and "2/3, 3/3" in partial.stderr
    merged = cli("merge-manifests", "--out", "shared", cwd=project)
    assert merged.returncode == 0, merged.stderr
    assert published(out) == full
    stamp = (out / "manifest.json").stat().st_mtime_ns
    assert cli("merge-manifests", "--out", "shared", cwd=project).returncode == 0
    assert (out / "manifest.json").stat().st_mtime_ns == stamp  # merged again: unchanged, untouched

    # run again: every shard finds its sources up to date and writes nothing
    again = [cli("--shard", f"{k}/3", "--out", "shared", "--log-format", "json", cwd=project) for k in (1, 2, 3)]
    events = [[json.loads(ln) for ln in p.stderr.splitlines()] for p in again]
    assert [e[0] for e in events] == [{"event": "shard", "shard": f"{k}/3", "sources": len(by_shard[k]) // 3, "of": len(NAMES),
                                        "message": f"shard {k}/3: {len(by_shard[k]) // 3} of {len(NAMES)} sources"} for k in (1, 2, 3)]
    assert all(e["event"] == "up-to-date" for shard in events for e in shard[1:])


def test_a_killed_shard_changes_nothing_of_the_others(unsharded, tmp_path):
    project, full = unsharded
    out = project / "killed"
    victim = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--shard", "1/3", "--out", "killed", "--jobs", "2"],
                              cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    others = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--shard", f"{k}/3", "--out", "killed", "--jobs", "1", "--quiet"],
                               cwd=project, stderr=subprocess.PIPE, text=True) for k in (2, 3)]
    deadline = time.monotonic() + 120
    while not any(p.name.endswith(".pdf") for p in out.glob("*")) and time.monotonic() < deadline:
        time.sleep(0.05)  # killed while it builds: once some output of the run exists
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(30)
    for p in others:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    theirs = {f"{n}{s}" for n in NAMES if of(f"source/{n}.yaml", 3) != 1 for s in (".pdf", ".pptx")}
    now = published(out)
    assert {k: now[k] for k in theirs} == {k: full[k] for k in theirs}
    stamps = {k: (out / k).stat().st_mtime_ns for k in theirs}
    # the killed shard alone, run again: it finishes its part and touches nothing of the others
    rerun = cli("--shard", "1/3", "--out", "killed", "--jobs", "1", "--quiet", cwd=project)
    assert rerun.returncode == 0, rerun.stderr
    assert {k: (out / k).stat().st_mtime_ns for k in theirs} == stamps
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-briefdeck-")]
    assert cli("merge-manifests", "--out", "killed", cwd=project).returncode == 0
    assert published(out) == full


def test_shards_in_separate_folders_collected_into_one_equal_the_unsharded_build(unsharded, tmp_path):
    project, full = unsharded
    collected = tmp_path / "collected"
    collected.mkdir()
    for k in (1, 2, 3):
        proc = cli("--shard", f"{k}/3", "--out", f"sep-{k}", "--jobs", "1", "--quiet", cwd=project)
        assert proc.returncode == 0, proc.stderr
        for p in (project / f"sep-{k}").iterdir():
            if p.is_file():
                (collected / p.name).write_bytes(p.read_bytes())
    assert cli("merge-manifests", "--out", str(collected), cwd=project).returncode == 0
    assert published(collected) == full


def test_after_an_edit_of_one_shard_the_merged_manifest_is_the_unsharded_one_byte_for_byte(tmp_path):
    project = make_project(tmp_path / "p", ("bamako-2016", "paris-2017"))  # shards 1 and 2 of 3; shard 3 holds none
    for out in ("full", "shared"):
        for shard in ([None] if out == "full" else ["1/3", "2/3", "3/3"]):
            assert cli("--out", out, "--jobs", "1", *(["--shard", shard] if shard else []), cwd=project).returncode == 0
    assert cli("merge-manifests", "--out", "shared", cwd=project).returncode == 0
    _bullet_edit(project / "source" / "bamako-2016.yaml")
    assert cli("--out", "full", "--jobs", "1", cwd=project).returncode == 0
    untouched = {k: (project / "shared" / f"manifest.shard-{k}-of-3.json").stat().st_mtime_ns for k in (2, 3)}
    for shard in ("1/3", "2/3", "3/3"):  # every shard runs; only the first has something to do
        assert cli("--out", "shared", "--jobs", "1", "--shard", shard, cwd=project).returncode == 0
    assert {k: (project / "shared" / f"manifest.shard-{k}-of-3.json").stat().st_mtime_ns for k in (2, 3)} == untouched
    assert cli("merge-manifests", "--out", "shared", cwd=project).returncode == 0
    manifest = (project / "shared" / "manifest.json").read_bytes()
    assert manifest == (project / "full" / "manifest.json").read_bytes()
    assert json.loads(manifest)["rewritten"] == ["bamako-2016.pptx"]


def test_merge_refuses_two_shards_listing_one_output_differently(tmp_path):
    for k in (1, 2):
        m = {"generator": "briefdeck 0.1.0", "shard": {"index": k, "count": 2},
             "artefacts": {"x.pdf": {"path": "x.pdf", "sha256": str(k)}}, "rewritten": []}
        (tmp_path / f"manifest.shard-{k}-of-2.json").write_text(json.dumps(m), encoding="utf-8")
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    proc = cli("merge-manifests", "--out", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 2 and "lists x.pdf differently" in proc.stderr
    assert not (tmp_path / "manifest.json").exists()


# -- only what changed is rewritten ------------------------------------------------------------
def _bullet_edit(src: Path) -> None:
    text = src.read_text(encoding="utf-8")
    line = "      - Illness and accidents account for most of the rest\n"
    assert line in text
    src.write_text(text.replace(line, "      - Illness and accidents account for nearly all the rest\n"), encoding="utf-8")


def test_a_deck_only_edit_leaves_the_pdf_untouched_and_the_manifest_says_what_was_rewritten(tmp_path):
    project = make_project(tmp_path / "p", NAMES[:1])
    src = project / "source" / f"{NAMES[0]}.yaml"
    out = project / "output"
    assert cli("--jobs", "1", "--quiet", cwd=project).returncode == 0
    pdf, pptx, page = out / f"{NAMES[0]}.pdf", out / f"{NAMES[0]}.pptx", out / f"{NAMES[0]}.html"
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (pdf, pptx, page)}
    assert json.loads((out / "manifest.json").read_text())["rewritten"] == sorted([pdf.name, pptx.name, page.name])
    _bullet_edit(src)
    proc = cli("--jobs", "2", "--log-format", "json", cwd=project)
    assert proc.returncode == 0, proc.stderr
    events = {Path(e["path"]).name: e["event"] for e in map(json.loads, proc.stderr.splitlines()) if "path" in e}
    assert events == {pdf.name: "unchanged", pptx.name: "built", page.name: "unchanged"}  # the page has no slide bullets
    assert (pdf.read_bytes(), pdf.stat().st_mtime_ns) == before[pdf]  # bytes and time
    assert (page.read_bytes(), page.stat().st_mtime_ns) == before[page]
    assert pptx.read_bytes() != before[pptx][0]
    from pptx import Presentation

    assert "nearly all the rest" in " ".join(sh.text_frame.text for s in Presentation(pptx).slides for sh in s.shapes if sh.has_text_frame)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["rewritten"] == [pptx.name]
    assert manifest["artefacts"][pptx.name]["sha256"] != manifest["artefacts"][pdf.name]["sha256"]
    rec = json.loads((out / ".briefdeck" / f"{NAMES[0]}.record.json").read_text())
    assert rec["outputs"]["pptx"]["size"] == pptx.stat().st_size


# -- --quiet and the log ---------------------------------------------------------------------
def test_quiet_silences_the_terminal_but_never_the_json_log(tmp_path):
    project = make_project(tmp_path / "p", NAMES[:1])
    text = cli("--quiet", "--jobs", "1", cwd=project)
    assert text.returncode == 0 and text.stderr == "" and text.stdout == ""
    src = project / "source" / f"{NAMES[0]}.yaml"
    _bullet_edit(src)
    log = cli("--quiet", "--log-format", "json", "--jobs", "1", cwd=project)
    assert log.stdout == ""  # stdout carries only what a command prints as its answer (--schema, docs)
    assert [(e["event"], Path(e["path"]).suffix) for e in map(json.loads, log.stderr.splitlines())] == [("unchanged", ".pdf"), ("built", ".pptx"), ("unchanged", ".html")]
    again = cli("--quiet", "--log-format", "json", cwd=project)
    assert [e["event"] for e in map(json.loads, again.stderr.splitlines())] == ["up-to-date", "up-to-date", "up-to-date"]


# -- the chart cache ---------------------------------------------------------------------------
def _entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".tmp"))


def test_after_twelve_data_edits_the_cache_holds_no_more_than_twice_a_clean_build(tmp_path):
    project = make_project(tmp_path / "p", NAMES[:1])
    sources = sorted((project / "source").glob("*.yaml"))
    data = project / "assets" / "data" / "minusma_fatalities_by_year_incident_type.csv"
    out = project / "output"
    opts = api.Options(out_dir=out, jobs=1)
    assert all(r.ok for r in api.build(sources, opts))
    charts = out / ".briefdeck" / "charts"
    clean = _entries(charts)
    assert clean
    rows = data.read_text(encoding="utf-8").splitlines()
    for i in range(12):  # a data portal revises one count, twelve times
        year, malicious, rest = rows[2].split(",", 2)
        rows[2] = f"{year},{int(malicious) + 1 + i},{rest}"
        data.write_text("\n".join(rows) + "\n", encoding="utf-8")
        results = api.build(sources, opts)
        assert all(r.ok and [a.status for a in r.artefacts] == ["built", "built", "built"] for r in results)
        held = _entries(charts)
        assert len(held) <= 2 * len(clean), (i, len(held), len(clean))
    # what is held is what the current outputs use: a forced clean build draws the same entries
    assert set(held) == set(_entries(charts)) and len(held) == len(clean)
    forced = tmp_path / "forced"
    api.build(sources, api.Options(out_dir=forced, jobs=1))
    assert set(_entries(forced / ".briefdeck" / "charts")) == set(held)


def test_projects_share_one_cache_at_once(tmp_path, monkeypatch):
    shared = tmp_path / "cache"
    projects = [make_project(tmp_path / f"p{i}", NAMES[:1]) for i in (1, 2)]
    procs = [subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--cache", str(shared), "--jobs", "1", "--quiet"],
                              cwd=p, stderr=subprocess.PIPE, text=True) for p in projects]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    a, b = (published(p / "output") for p in projects)
    assert a == b  # the same sources, both built against one cache at once: the same bytes
    assert not (projects[0] / "output" / ".briefdeck" / "charts").exists()
    held = _entries(shared / "charts")
    assert held and not [p for p in (shared / "charts").iterdir() if p.name.endswith(".tmp")]
    # a third project finds every chart there: it draws nothing
    third = make_project(tmp_path / "p3", NAMES[:1])
    from briefdeck.charts import service

    drawn = []
    real = service.ChartService._draw_all
    monkeypatch.setattr(service.ChartService, "_draw_all", lambda self, jobs: drawn.extend(jobs) or real(self, jobs))
    res = api.build(sorted((third / "source").glob("*.yaml")), api.Options(out_dir=third / "output", cache_dir=shared, jobs=1))
    assert res[0].ok and drawn == []
    assert _entries(shared / "charts") == held


def test_a_shared_cache_over_its_limit_drops_the_least_recently_used_first(tmp_path):
    folder = tmp_path / "charts"
    folder.mkdir()
    now = time.time()
    for i in range(6):  # 100 KB each, used one after another
        p = folder / f"{i:064x}.svg"
        p.write_bytes(b"x" * 100_000)
        os.utime(p, (now - 600 + i * 60, now - 600 + i * 60))
    stale = folder / ".x.svg.1.ab.tmp"
    stale.write_bytes(b"half")
    os.utime(stale, (now - 2 * cache.STALE_TMP_S, now - 2 * cache.STALE_TMP_S))
    oldest = f"{0:064x}.svg"
    removed = cache.prune_to_limit(folder, 350_000, keep=[oldest])  # the running build uses the oldest
    assert removed == 3
    assert _entries(folder) == [oldest] + [f"{i:064x}.svg" for i in (4, 5)]
    assert not stale.exists()


def test_cache_limit_without_a_shared_cache_is_a_usage_error(tmp_path):
    proc = cli("--cache-limit", "10", cwd=make_project(tmp_path / "p", NAMES[:1]))
    assert proc.returncode == 2 and "--cache-limit needs --cache" in proc.stderr


def test_derived_entries_are_bounded_by_use_and_a_build_keeps_what_it_read(tmp_path, monkeypatch):
    """derived/ (a template's analysis, fonts' widths) grew by one entry per template edit, for ever."""
    project = make_project(tmp_path / "p", NAMES[:1])
    sources = sorted((project / "source").glob("*.yaml"))
    out = project / "output"
    template = (("template", ROOT / "tests" / "fixtures" / "templates" / "corpus" / "Vivid.pptx"),)
    assert all(r.ok for r in api.build(sources, api.Options(out_dir=out, jobs=2, settings=template)))
    derived = out / ".briefdeck" / "derived"
    used = {p.relative_to(derived) for p in derived.rglob("*.json")}
    assert {p.parts[0] for p in used} >= {"templates", "fonts"}  # a foreign template's analysis, its fonts' widths
    old = time.time() - 86_400
    for i in range(8):  # what eight earlier templates left, 10 KB each, a day old
        p = derived / "templates" / f"{i:064x}.json"
        p.write_bytes(b"x" * 10_000)
        os.utime(p, (old + i, old + i))
    for rel in used:  # the entries this source needs are older still
        os.utime(derived / rel, (old - 1, old - 1))
    monkeypatch.setattr(cache, "DERIVED_LIMIT_MB", 0)  # every entry this build does not use goes
    sources[0].write_text(sources[0].read_text(encoding="utf-8").replace(TITLE, TITLE + ", revised"), encoding="utf-8")
    assert all(r.ok for r in api.build(sources, api.Options(out_dir=out, jobs=2, settings=template)))
    assert {p.relative_to(derived) for p in derived.rglob("*.json")} == used  # read in forked format processes, and kept
