"""A poisoned cache changes no byte of what is published (issue 27).

Everything in ``output/.briefdeck/`` (charts as SVG and PNG, the brief's drawings, the answers about
a chart's parts and height, the template analysis and the font widths) is read only through
``publish.read_kept``: a regular file, never a link, whose digest matches its name and payload. Here
the cache of a real build is damaged in every way at once (links to /etc/passwd, a FIFO, truncated,
emptied and swapped entries, ``[]`` for a drawing), and a fresh process builds again: the brief and
the deck are byte-identical to the clean build's, each bad entry is named in a warning, and the
entries are written anew (a third build reads them and says nothing).
"""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefdeck import publish

from .conftest import DEFAULT_SOURCE, ROOT


# a user's template: the built-in one's analysis and its fonts' widths ship with briefdeck (test_shipped.py),
# so only a foreign template leaves an analysis and font widths in the cache to poison
TEMPLATE = ROOT / "tests" / "fixtures" / "templates" / "Metropolis.pptx"


def _build(out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "build.py", str(DEFAULT_SOURCE), "--out", str(out), "--jobs", "1",
                           "--template", str(TEMPLATE), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix in (".pdf", ".pptx", ".html")}


def _forget_outputs(out: Path) -> None:
    """The next build makes the outputs again (from what the cache holds)."""
    for p in out.iterdir():
        if p.suffix in (".pdf", ".pptx", ".html"):
            p.unlink()
    (out / ".briefdeck" / f"{DEFAULT_SOURCE.stem}.record.json").unlink()


def _poison(cache: Path) -> list[Path]:
    """Damage one or more entries of every kind, each in another way; the damaged paths."""
    charts = cache / "charts"
    svgs = sorted(p for p in charts.glob("*.svg"))
    pngs = sorted(charts.glob("*.png"))
    drawings = sorted(charts.glob("*.rl.json"))
    parts = sorted(charts.glob("*.parts.json"))
    heights = sorted(charts.glob("*.height-*.json"))
    templates = sorted((cache / "derived" / "templates").glob("*.json"))
    fonts = sorted((cache / "derived" / "fonts").glob("*.json"))
    assert len(svgs) >= 6 and len(pngs) >= 3 and len(drawings) >= 2 and parts and heights and templates and len(fonts) >= 2
    bad = []

    def link(p: Path, to: str) -> None:
        p.unlink()
        p.symlink_to(to)
        bad.append(p)

    link(svgs[0], "/etc/passwd")
    link(fonts[0], "/etc/passwd")
    with_png = [p for p in pngs if p.with_suffix(".svg") not in svgs[:1]]
    data = with_png[0].read_bytes()
    with_png[0].write_bytes(data[: len(data) // 2])  # a truncated PNG
    bad.append(with_png[0])
    svgs[1].write_bytes(b"")  # an emptied SVG
    bad.append(svgs[1])
    drawings[0].write_bytes(b"[]")
    bad.append(drawings[0])
    a, b = svgs[2], svgs[3]  # two entries swapped, each whole (its digest too)
    tmp = a.with_name("swap")
    a.rename(tmp)
    b.rename(a)
    tmp.rename(b)
    bad += [a, b]
    svg_of_png = with_png[1].with_suffix(".svg")  # a chart's PNG where its SVG should be, digest and all
    if svg_of_png.exists() and svg_of_png not in bad:
        svg_of_png.write_bytes(with_png[1].read_bytes())
        bad.append(svg_of_png)
    fifo = drawings[1]  # a named pipe: opening it must not wait for a writer
    fifo.unlink()
    os.mkfifo(fifo)
    bad.append(fifo)
    parts[0].write_bytes(b"[]")
    bad.append(parts[0])
    data = heights[0].read_bytes()
    heights[0].write_bytes(data[:-3])
    bad.append(heights[0])
    data = templates[0].read_bytes()
    templates[0].write_bytes(data[: len(data) // 3])
    bad.append(templates[0])
    fonts[1].write_bytes(b"[]")
    bad.append(fonts[1])
    return bad


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    out = tmp_path_factory.mktemp("poison") / "out"
    first = _build(out)
    assert first.returncode == 0, first.stderr
    clean = _outputs(out)
    _forget_outputs(out)
    bad = _poison(out / ".briefdeck")
    again = _build(out)
    return out, clean, bad, again


def test_a_poisoned_cache_changes_no_byte_of_the_outputs(poisoned):
    out, clean, _, again = poisoned
    assert again.returncode == 0, again.stderr
    assert "bug" not in again.stderr and "Traceback" not in again.stderr
    assert _outputs(out) == clean
    assert b"root:" not in b"".join(clean.values())


def test_every_bad_entry_is_named_in_a_warning(poisoned):
    _, _, bad, again = poisoned
    said = [ln for ln in again.stderr.splitlines() if ln.endswith("[cache.corrupt]")]
    for p in bad:
        assert any(ln.startswith(f"{p}: warning: cache entry ") and "derived again" in ln for ln in said), (p, again.stderr)
    assert len(said) >= len(bad)


def test_bad_entries_are_written_anew_and_read_back_without_a_word(poisoned):
    out, clean, bad, _ = poisoned
    for p in bad:
        assert p.is_file() and not p.is_symlink()
        assert publish.read_kept(p) is not None
    _forget_outputs(out)
    third = _build(out)
    assert third.returncode == 0 and "cache.corrupt" not in third.stderr, third.stderr
    assert _outputs(out) == clean


@pytest.mark.quick
def test_read_kept_refuses_links_and_mismatches(tmp_path, capsys):
    entry = tmp_path / "abc.svg"
    publish.keep_file(entry, b"<svg/>")
    assert publish.read_kept(entry) == b"<svg/>"
    other = tmp_path / "abd.svg"
    shutil.copy(entry, other)  # the same bytes under another name: a swapped entry
    assert publish.read_kept(other) is None
    link = tmp_path / "abe.svg"
    link.symlink_to(entry)  # even a link to a good entry is not followed
    assert publish.read_kept(link) is None
    assert publish.read_kept(tmp_path / "absent.svg") is None
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{other}: warning: cache entry does not match its digest (truncated, changed or swapped) — not used; derived again [cache.corrupt]",
                   f"{link}: warning: cache entry is a symbolic link — not used; derived again [cache.corrupt]"]


@pytest.mark.quick
def test_a_cache_that_cannot_be_written_does_not_fail(tmp_path, capsys, monkeypatch):
    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(publish.os, "replace", full)
    publish.keep_file(tmp_path / "x.svg", b"<svg/>")
    assert capsys.readouterr().err == (f"{tmp_path / 'x.svg'}: warning: cannot keep this cache entry (No space left on device) "
                                       "— the next build derives it again [cache.corrupt]\n")
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind
