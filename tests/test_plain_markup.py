"""Inline text read without markdown-it where it has nothing to interpret (textfmt._plain_tokens,
load.text._destination, links.normalise): the same tokens, targets and links as markdown-it's, and a
prose edit's build never imports it (issue 28: a prose edit in a fresh process)."""
from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from markdown_it.common.normalize_url import normalizeLink
from markdown_it.helpers import parseLinkDestination

from briefdeck import links
from briefdeck.load.text import _destination
from briefdeck.textfmt import _parser, _plain_tokens, fold_spaces, parse_inline
from briefdeck.model import Loc

ROOT = Path(__file__).resolve().parent.parent
QUOTES = [("“", "”", "‘", "’"), ("«\u202f", "\u202f»", "“", "”")]


def _markdown_it(text: str, quotes) -> list:
    """Its tokens as parse_inline reads them (an empty text token, as it makes before ``**``, is skipped there)."""
    parsed = _parser(quotes).parseInline(text)
    return [(t.type, t.content, t.attrs.get("href") if t.type == "link_open" else None) for t in (parsed[0].children or ())
            if t.type != "text" or t.content]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _corpus() -> list[str]:
    """Every string of every source shipped or tested, folded as parse_inline folds it, and as a
    ``{fig:ID}`` reference becomes a link."""
    files = [*ROOT.glob("source/*.yaml"), *ROOT.glob("tests/examples/**/*.yaml"), *ROOT.glob("briefdeck/builtin/examples/**/*.yaml")]
    out = set()
    for f in files:
        for s in _strings(yaml.safe_load(f.read_text(encoding="utf-8"))):
            out.add(fold_spaces(s))
            out.add(fold_spaces(s.replace("{fig:", "[Figure 2](#fig-").replace("{tab:", "[Table 1](#tab-").replace("}", ")")))
    return sorted(out)


def _random_texts(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    pieces = ["word", "Mali", "27", " ", " ", "\u00a0", "**", "*", "_", "[", "]", "(", ")", "](", "[Figure 1](#fig-a)",
              "[UN](https://un.org/a_b?x=1)", "**strong**", " **two words** ", "\\", "&amp;", "&", "'", "\"", "’", ".", ",",
              ";", ":", "!", "?", "-", "--", "...", "(c)", "(TM)", "+-", "<", ">", "#", "`", "~", "é", "ü", "\u202f", "\t"]
    return [fold_spaces("".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))) for _ in range(n)]


@pytest.mark.parametrize("quotes", QUOTES)
def test_plain_texts_are_read_as_markdown_it_reads_them(quotes):
    corpus, texts = _corpus(), _random_texts(20000, 28)
    answered = 0
    for text in corpus + texts:
        tokens = _plain_tokens(text)
        if tokens is not None:
            answered += 1
            assert tokens == _markdown_it(text, quotes), text
    plain_corpus = [t for t in corpus if _plain_tokens(t) is not None]
    # most of what authors write is read here (the test compares, not only falls back), and the
    # forms it stands for are among what was compared
    assert len(plain_corpus) > 0.8 * len(corpus) and answered > 3000
    seen = {kind for t in corpus + texts for kind, _, _ in (_plain_tokens(t) or ())}
    assert {"text", "strong_open", "link_open"} <= seen


def test_parse_inline_gives_the_same_spans_either_way(monkeypatch):
    import briefdeck.textfmt as textfmt

    corpus = _corpus()
    fast = [parse_inline(t, "fr-CA", Loc("x", 1, 1)) for t in corpus]
    monkeypatch.setattr(textfmt, "_plain_tokens", lambda text: None)
    assert fast == [parse_inline(t, "fr-CA", Loc("x", 1, 1)) for t in corpus]


def test_link_targets_are_found_as_markdown_it_finds_them():
    rnd = random.Random(7)
    chars = ["a", "#", "fig-1", "/", ":", " ", ")", "(", "\\", "&amp;", "&", "<", ">", "\x7f", "\x01", "é", "\u00a0", "*", "_"]
    texts = ["".join(rnd.choice(chars) for _ in range(rnd.randint(0, 10))) for _ in range(20000)]
    for text in texts + ["#fig-a)", "https://un.org/x_y) rest", "", ")", "a b"]:
        res = parseLinkDestination(text, 0, len(text))
        assert _destination(text, 0) == ((res.str, res.pos) if res.ok else None), text


def test_link_targets_are_normalised_as_markdown_it_normalises_them():
    corpus = [s.strip() for s in _corpus() if "://" in s or s.startswith("mailto:")]
    rnd = random.Random(3)
    parts = ["https://", "http://", "mailto:", "ftp://", "//", "un.org", "xn--bcher-kva.example", "bücher.de", "[::1]", ":8080",
             "user@", "@", "/path", "/a b", "/é", "%20", "%zz", "?q=1&r=ü", "#frag", "\\", "%", "'", "\"", "<", "."]
    urls = corpus + ["".join(rnd.choice(parts) for _ in range(rnd.randint(1, 6))) for _ in range(20000)]
    assert len(corpus) > 10
    for url in urls:
        assert links.normalise(url) == normalizeLink(url.strip()), url


def test_a_prose_edit_imports_neither_markdown_it_nor_pil(tmp_path):
    """The brief of a prose edit in a fresh process: its texts are plain or in the forms read without
    markdown-it, it has no picture that needs PIL (render/pdf/rlpatterns.defer_pil_image); undone, its
    paragraphs all break as kept, and the hyphenation patterns are not read (render/pdf/styles.Hyphenator)."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "assets", project / "assets")
    source = project / "source" / "event.yaml"
    source.parent.mkdir()
    shutil.copy(ROOT / "source" / "canada-minusma-panel-2018.yaml", source)
    original = source.read_text(encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from briefdeck import api, mplconfig;"
        "mplconfig.OWN_PROCESS = True;"  # as the command line sets it (cli.run_once): PIL.Image deferred there only
        f"r = api.build([Path({str(source)!r})], api.Options(out_dir=Path({str(tmp_path / 'out')!r}), formats=('pdf',)));"
        "assert r[0].ok and r[0].artefacts[0].status == 'built', r[0];"
        "print(' '.join(m for m in ('markdown_it', 'PIL.ExifTags', 'PIL.TiffTags') if m in sys.modules),"
        " 'patterns' * bool(sys.modules['pyphen'].hdcache))"
    )

    def build() -> list[str]:
        return subprocess.run([sys.executable, "-c", code], check=True, timeout=120, capture_output=True, text=True).stdout.split()

    build()  # the charts drawn, the paragraphs' breaks kept
    source.write_text(original.replace("Finally", "Lastly", 1), encoding="utf-8")
    assert build() in ([], ["patterns"])  # the edited paragraph may ask for a word's hyphenation points
    source.write_text(original, encoding="utf-8")
    assert build() == []
