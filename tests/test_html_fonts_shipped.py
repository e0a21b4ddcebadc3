"""The built-in theme's fonts' facts for the web page (family, units per em, advance widths:
render/html/metrics.py) ship with them (builtin/derived/html-fonts/): each is what reading the font
again with fontTools gives, used only for the same font bytes, so a cold build decodes no font for
the page."""
from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from briefdeck.render.html import metrics

REGENERATE = 'python -c "from briefdeck.render.html.metrics import derive_shipped; derive_shipped()"'


@pytest.mark.quick
def test_every_shipped_entry_is_what_reading_the_font_gives(theme):
    paths = [theme.font_file(key, style) for key, node in theme.get("fonts").items() if isinstance(node, dict) for style in node]
    assert len(paths) == 12
    for path in paths:
        entry = metrics.SHIPPED / f"{path.name}.json"
        assert entry.is_file(), f"{entry} is missing — write it with {REGENERATE}"
        data = path.read_bytes()
        kept = json.loads(entry.read_bytes())
        assert kept["key"] == metrics._shipped_key(hashlib.sha256(data).hexdigest()), f"the font or metrics.py changed — {REGENERATE}"
        assert kept["facts"] == metrics._read(data)
    assert sorted(p.name for p in metrics.SHIPPED.iterdir()) == sorted(f"{p.name}.json" for p in paths)  # nothing stale


@pytest.mark.quick
def test_a_built_in_font_is_not_decoded_and_another_is(theme, tmp_path, monkeypatch):
    regular = theme.font_file("sans")
    want = metrics._read(regular.read_bytes())
    monkeypatch.setattr(metrics, "_LOADED", {})
    read = []
    real = metrics._read
    monkeypatch.setattr(metrics, "_read", lambda data: read.append(len(data)) or real(data))
    assert metrics.font_facts(regular, tmp_path / "cache") == want and read == []
    assert metrics.text_width(regular, "Menaka", 7.5) > 0 and read == []
    changed = tmp_path / regular.name  # the same name, other bytes: read from the file
    changed.write_bytes(regular.read_bytes() + b"\0")
    assert metrics.font_facts(changed, tmp_path / "cache") == want and read == [len(changed.read_bytes())]
    copy = tmp_path / "elsewhere" / regular.name  # the same bytes anywhere: shipped
    copy.parent.mkdir()
    shutil.copy(regular, copy)
    monkeypatch.setattr(metrics, "_LOADED", {})
    assert metrics.font_facts(copy) == want and len(read) == 1
