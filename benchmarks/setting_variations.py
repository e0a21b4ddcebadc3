"""Is the text setting robust, or tuned to the corpus? Build the default source and every bundled
example again with what a user may change -- the other paper size, a house style with larger
body type and a narrower column, a two-speaker panel, a long synthetic event -- and measure each
brief from its PDF (tests/text_setting.py ``report``: hyphens, runs, runts, column gaps; and how
far each pull quote stands from its sentence).

Usage: python benchmarks/setting_variations.py OUT_DIR [--synthetic N]   (prints one JSON line a brief)
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefdeck import api  # noqa: E402
from tests import text_setting as ts  # noqa: E402

from make_synthetic import write as write_synthetic  # noqa: E402

HOUSE = {  # a house style: larger text in a narrower column (more lines, other breaks everywhere)
    "base.yaml": "extends: default\n",
    "brief.yaml": "page: {main_width_mm: 112}\nbody: {size: 10.5, leading: 14.8}\n"
                  "single_column: {main_width_mm: 124, styles: {body: {size: 11.5, leading: 16}}}\n",
}


def sources() -> list[Path]:
    ex = ROOT / "tests" / "examples"
    return [ROOT / "source" / "canada-minusma-panel-2018.yaml"] + sorted(ex.glob("*.yaml")) + sorted(ex.glob("*/*.yaml"))


def project_copy(src: Path, out: Path, theme: bool) -> Path:
    """The source's project folder copied (its data and assets), with the house style if asked."""
    folder = out / "projects" / f"{src.stem}{'-house' if theme else ''}"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(src.parent / "assets" if (src.parent / "assets").is_dir() else ROOT / "assets", folder / "assets")
    text = src.read_text(encoding="utf-8")
    if theme:
        house = folder / "assets" / "themes" / "house"
        house.mkdir(parents=True, exist_ok=True)
        for name, content in HOUSE.items():
            (house / name).write_text(content, encoding="utf-8")
        text = text.replace("\nmeta:\n", "\nmeta:\n  theme: house\n", 1) if "\nmeta:\n" in text else \
            text.replace("briefdeck: 1\n", "briefdeck: 1\nmeta: {theme: house}\n", 1)
    copy = folder / src.name
    copy.write_text(text, encoding="utf-8")
    return copy


def measure(src: Path, out: Path, variant: str, paper: str | None = None) -> dict:
    dest = out / variant
    settings = (("paper", paper),) if paper else ()
    [res] = api.build([src], api.Options(out_dir=dest, formats=("pdf",), force=True, settings=settings))
    if not res.ok:
        return {"source": src.stem, "variant": variant, "error": str(res.error)}
    pdf = dest / f"{src.stem}.pdf"
    m = ts.report(pdf, quotes=tuple(q.text.plain for q in ts.load_document(src).quotes))
    return {"source": src.stem, "variant": variant, "ok": not ts.check(m), "problems": ts.check(m), "pages": m["pages"],
            "worst_hyphen_share": round(m["worst_hyphen_share"], 3), "longest_hyphen_run": m["longest_hyphen_run"],
            "worst_gap": round(m["worst_gap"], 3)}


def main(out: Path, synthetic: int = 0) -> int:
    rows = []
    for src in sources():
        paper = "letter" if "paper: letter" not in src.read_text(encoding="utf-8") else "a4"
        rows.append(measure(project_copy(src, out, False), out, f"paper-{paper}", paper))
        rows.append(measure(project_copy(src, out, True), out, "house-style"))
        for r in rows[-2:]:
            print(json.dumps(r, ensure_ascii=False), flush=True)
    if synthetic:
        syn = out / "projects" / "synthetic"
        shutil.copytree(ROOT / "assets", syn / "assets", dirs_exist_ok=True)
        src = write_synthetic(synthetic, syn / f"synthetic-{synthetic}.yaml")
        rows.append(measure(src, out, "synthetic"))
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    return 0 if all(r.get("ok") for r in rows) else 1


if __name__ == "__main__":
    args = sys.argv[1:]
    n = int(args[args.index("--synthetic") + 1]) if "--synthetic" in args else 0
    sys.exit(main(Path(args[0]), n))
