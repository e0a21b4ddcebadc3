"""Chart text is measured from the steps of earlier FreeType layouts (charts/mpl.py, charts/shaping.py):
to the 1/64 pt what FreeType's own layout of the line gives, on every line the corpus can wrap to and
on hostile text, in the page's and the slide's fonts at their sizes."""
from __future__ import annotations

import glob
from pathlib import Path

import pytest
import yaml

from briefdeck.charts import format as fmt

mpl = pytest.importorskip("briefdeck.charts.mpl")

ROOT = Path(__file__).resolve().parents[1]
FONTS = ROOT / "briefdeck" / "builtin" / "fonts"
HOSTILE = ["", " ", "  two  spaces ", "\t", "a\tb", "Côte d’Ivoire – Bamako", "e\u0301te\u0301", "中文 text", "😀 emoji",
           "office fine flow affirm", "ﬁ", "A\u00adB", "x\u200by", "1\u202f440 $", "−12,5 %", "…", "«\u202fx\u202f»", "Ωmega",
           "Привет", "مرحبا", "ij\u0308", "T. AV AWAY Ty", "(f) [j] {ı}", "1\u20442", "tt ti fb"]


def _corpus() -> set[str]:
    """Every string of every corpus source and data file, its words and its word prefixes (a wrap's candidates)."""
    texts: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str):
            texts.add(node)

    for f in sorted(glob.glob(str(ROOT / "source" / "**" / "*.yaml"), recursive=True)
                    + glob.glob(str(ROOT / "tests" / "examples" / "**" / "*.yaml"), recursive=True)):
        try:
            walk(yaml.safe_load(Path(f).read_text(encoding="utf-8")))
        except yaml.YAMLError:
            continue
    for f in sorted(glob.glob(str(ROOT / "assets" / "**" / "*.csv"), recursive=True)):
        for line in Path(f).read_text(encoding="utf-8", errors="replace").splitlines():
            texts.update(cell.strip().strip('"') for cell in line.split(","))
    out = set()
    for t in texts:
        t = t.strip()
        if not t or len(t) > 160:
            continue
        words = fmt.words(" ".join(t.split()))
        out.add(" ".join(words))
        out.update(words)
        out.update(" ".join(words[:i]) + "…" for i in range(1, len(words) + 1))
        out.update(" ".join(words[:i]) for i in range(2, len(words)))
    return out


@pytest.mark.filterwarnings("ignore:Glyph")  # the hostile text's glyphs missing from the font
@pytest.mark.parametrize("face,size", [("NotoSans-Regular", 7.0), ("NotoSans-Bold", 8.5), ("Carlito-Regular", 11.0),
                                       ("Carlito-Bold", 7.0)])
def test_measured_as_freetype_lays_out(face, size):
    path = str(FONTS / f"{face}.ttf")
    reference = mpl.font_manager.get_font(path)  # the face text_width lays out with (and its fallback rules)
    reference.set_size(size, 72)
    texts = sorted(_corpus()) + HOSTILE
    assert len(texts) > 1000
    want = {}
    for text in texts:
        reference.set_text(text, 0.0, flags=mpl._UNHINTED)
        want[text] = reference.get_width_height()[0]
    mpl._STEPS.clear()
    for text in texts:  # learning as it goes
        assert mpl._advance(path, text, size) == want[text], (face, size, text)
    steps = mpl._STEPS[(mpl.font_manager.get_font(path), size)]
    from_steps = [t for t in texts if t and steps.chars.issuperset(t) and steps.advance(t) is not None]
    assert len(from_steps) > len(texts) // 2  # most lines need no layout of their own once seen
    for text in from_steps:  # measured from steps alone
        assert steps.advance(text) == want[text], (face, size, text)


@pytest.mark.quick
def test_plain_characters():
    from briefdeck.charts.shaping import plain_chars

    chars, pairs, ligatures = plain_chars(str(FONTS / "NotoSans-Regular.ttf"))
    assert {ord(c) for c in "Aa zé0’–…\u202f"} <= chars
    assert not {ord(c) for c in "\t\u00ad\u0301\u200b\u2044中"} & chars  # controls, invisibles, marks, not in the font
    assert {"fi", "ffi"} <= set(ligatures["f"]) and not pairs  # ligatures: one glyph each, in the order tried
    chars, pairs, ligatures = plain_chars(str(FONTS / "Carlito-Regular.ttf"))
    assert "ti" in ligatures["t"] and ord("t") in chars
