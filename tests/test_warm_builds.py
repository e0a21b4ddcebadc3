"""What makes the authoring loop fast, asserted as behaviour (timings live in benchmarks/): a
build after a prose edit draws no chart and imports neither matplotlib nor svglib, nor numpy and
fontTools (the template is not looked at again, no font is decoded), nor XlsxWriter (no
editable chart), and parses no hyphenation dictionary (kept parsed), and --force redraws everything but leaves the caches warm for the next edit."""
from __future__ import annotations

import subprocess
import sys

from .conftest import DEFAULT_SOURCE, ROOT


def edited(tmp_path, n: int):
    """The default source in the same project, with one word of prose changed."""
    dst = ROOT / "tests" / f".warm-{tmp_path.name}.yaml"
    dst.write_text(DEFAULT_SOURCE.read_text(encoding="utf-8").replace("Finally, we", f"Finally{n}, we", 1), encoding="utf-8")
    return dst


def build_in_fresh_process(src, out, *extra: str) -> list[str]:
    """The heavy modules a build in a fresh process imported, and "hyphenation-patterns" when it
    parsed a pyphen dictionary (kept parsed in the cache after the first build)."""
    code = ("import sys; from pathlib import Path; import pyphen; from briefdeck import api;"
            "parsed = []; init = pyphen.HyphDict.__init__;"
            "pyphen.HyphDict.__init__ = lambda self, path: (parsed.append(path), init(self, path))[1];"
            f"[r] = api.build([Path({str(src)!r})], api.Options(out_dir=Path({str(out)!r}){''.join(extra)}));"
            "assert r.ok, r.error;"
            "print(' '.join([m for m in ('matplotlib', 'svglib', 'numpy', 'fontTools', 'xlsxwriter') if m in sys.modules]"
            " + ['hyphenation-patterns'] * bool(parsed)))")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()


def test_a_prose_edit_build_imports_neither_matplotlib_svglib_numpy_nor_fonttools(tmp_path):
    out = tmp_path / "out"
    src = edited(tmp_path, 1)
    try:
        cold = build_in_fresh_process(src, out)
        assert "matplotlib" in cold and "hyphenation-patterns" in cold  # cold: charts are drawn, patterns parsed
        src.write_text(src.read_text(encoding="utf-8").replace("Finally1, we", "Finally2, we"), encoding="utf-8")
        assert build_in_fresh_process(src, out) == []
    finally:
        src.unlink()


def test_force_redraws_everything_and_leaves_the_cache_warm(tmp_path):
    out = tmp_path / "out"
    src = edited(tmp_path, 3)
    try:
        build_in_fresh_process(src, out)
        cache = out / ".briefdeck" / "charts"
        for f in cache.iterdir():  # --force must not trust what is there
            f.write_bytes(b"stale")
        assert "matplotlib" in build_in_fresh_process(src, out, ", force=True")
        assert not any(f.read_bytes() == b"stale" for f in cache.iterdir())
        src.write_text(src.read_text(encoding="utf-8").replace("Finally3, we", "Finally4, we"), encoding="utf-8")
        assert build_in_fresh_process(src, out) == []
    finally:
        src.unlink()
