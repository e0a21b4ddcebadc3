"""The deck's zip (``render/pptx/zipwrite.py``) is what ``zipfile`` writes, and its large entries'
deflated bytes, kept in the derived cache, make the same deck without deflating them again."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from briefdeck.render.pptx import package, zipwrite


def _zipfile_writes(entries, stamp) -> bytes:
    """What ``_zip_entries`` wrote before it had a writer of its own: zipfile's writestr."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, blob in entries:
            zi = zipfile.ZipInfo(name, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, blob)
    return out.getvalue()


def _entries(pptx: Path):
    with zipfile.ZipFile(pptx) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def test_the_zip_is_what_zipfile_writes(default_pptx):
    entries = _entries(default_pptx) + [("ppt/media/légende.xml", b"<x/>" * 50), ("empty", b"")]
    assert any(len(b) >= zipwrite.KEEP_FROM for _, b in entries)
    for stamp in ((2018, 6, 29, 0, 0, 0), (1980, 1, 1, 0, 0, 0), (2107, 12, 31, 0, 0, 0)):
        made = zipwrite.zip_bytes(entries, stamp)
        assert made == _zipfile_writes(entries, stamp)
    with zipfile.ZipFile(io.BytesIO(made)) as z:
        assert z.testzip() is None and [(i.filename, z.read(i.filename)) for i in z.infolist()] == entries


def test_kept_deflated_entries_make_the_same_deck_without_deflating_them_again(default_pptx, tmp_path, monkeypatch):
    entries = _entries(default_pptx)
    updated = dt.date(2018, 6, 29)
    plain = package._zip_entries(entries, updated)
    kept = zipwrite.KeptDeflate(tmp_path / "charts")
    assert package._zip_entries(entries, updated, deflated=kept) == plain
    large = [b for _, b in entries if len(b) >= zipwrite.KEEP_FROM]
    files = sorted((tmp_path / "charts").glob("*.deflate"))
    assert large and len(files) == len({bytes(b) for b in large})

    deflate = zipwrite.deflate
    deflated = []
    monkeypatch.setattr(zipwrite, "deflate", lambda blob: deflated.append(len(blob)) or deflate(blob))
    assert package._zip_entries(entries, updated, deflated=kept) == plain
    assert deflated and max(deflated) < zipwrite.KEEP_FROM  # the large ones were read back

    files[0].write_bytes(files[0].read_bytes()[:-5] + b"xxxxx")  # damaged: distrusted, deflated again
    deflated.clear()
    assert package._zip_entries(entries, updated, deflated=kept) == plain
    assert max(deflated) >= zipwrite.KEEP_FROM


def test_a_planted_entry_that_is_not_the_blob_is_deflated_anew(default_pptx, tmp_path):
    """A shared cache's entry written whole, its header's digest right, holding another blob's
    deflated bytes (a bug elsewhere, another machine, a planted file): trusted for what it inflates
    to, not for its name."""
    from briefdeck.publish import keep_file

    entries = _entries(default_pptx)
    updated = dt.date(2018, 6, 29)
    plain = package._zip_entries(entries, updated)
    kept = zipwrite.KeptDeflate(tmp_path)
    package._zip_entries(entries, updated, deflated=kept)
    files = sorted(tmp_path.glob("*.deflate"))
    assert files
    for f in files:
        keep_file(f, zipwrite.deflate(b"not this entry" * 2000))
    assert package._zip_entries(entries, updated, deflated=kept) == plain


def test_forced_build_deflates_anew_and_keeps_what_it_deflated(default_pptx, tmp_path, monkeypatch):
    entries = _entries(default_pptx)
    updated = dt.date(2018, 6, 29)
    package._zip_entries(entries, updated, deflated=zipwrite.KeptDeflate(tmp_path))
    deflate = zipwrite.deflate
    deflated = []
    monkeypatch.setattr(zipwrite, "deflate", lambda blob: deflated.append(len(blob)) or deflate(blob))
    package._zip_entries(entries, updated, deflated=zipwrite.KeptDeflate(tmp_path, refresh=True))
    assert max(deflated) >= zipwrite.KEEP_FROM  # none read back under --force


def test_the_deck_record_names_its_kept_entries_and_pruning_keeps_them(tmp_path):
    from briefdeck import api
    from briefdeck.api import read_record

    from .conftest import DEFAULT_SOURCE

    out = tmp_path / "out"
    for _ in range(2):  # the second build prunes what no record names
        [r] = api.build([DEFAULT_SOURCE], api.Options(formats=("pptx",), out_dir=out, force=True))
        assert r.ok, r.error
    named = read_record(out, DEFAULT_SOURCE.stem)["outputs"]["pptx"]["cache"]
    kept = sorted(p.name for p in api.charts_dir(api.Options(out_dir=out)).glob("*.deflate"))
    assert kept and kept == sorted(n for n in named if n.endswith(".deflate"))
