"""Library versions (keys of build records and caches) read from dist-info folder names agree with
importlib.metadata, which a no-op rebuild no longer imports."""
from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import pytest

from briefdeck import versions
from .conftest import ROOT


@pytest.mark.parametrize("lib", ["reportlab", "python-pptx", "matplotlib", "PyYAML", "markdown-it-py", "pydantic"])
@pytest.mark.quick
def test_versions_agree_with_importlib_metadata(lib):
    assert versions.version(lib) == metadata.version(lib)


@pytest.mark.quick
def test_the_first_on_the_path_wins_and_other_installs_are_asked_of_importlib(tmp_path, monkeypatch):
    first, second = tmp_path / "a", tmp_path / "b"
    (first / "Some_Lib-1.2.3.dist-info").mkdir(parents=True)
    (second / "some_lib-9.9.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(first), str(second)])
    versions._dist_infos.cache_clear()
    versions.version.cache_clear()
    try:
        assert versions.version("some-lib") == "1.2.3"
        assert versions.version("no-such-lib-anywhere") is None
    finally:
        versions._dist_infos.cache_clear()
        versions.version.cache_clear()


def test_a_rebuild_with_nothing_changed_imports_no_importlib_metadata(default_build):
    from .conftest import DEFAULT_SOURCE

    code = ("import sys; from pathlib import Path; from briefdeck import api;"
            f"[r] = api.build([Path({str(DEFAULT_SOURCE)!r})], api.Options(out_dir=Path({str(default_build)!r})));"
            "assert r.artefacts[0].status == 'up-to-date', r.artefacts;"
            "print('importlib.metadata' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"]
