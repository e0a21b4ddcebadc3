"""Themes restyle without Python, and a broken theme or font is a clear error, not a crash."""
from __future__ import annotations

import pytest

from briefdeck import theme as theme_mod
from briefdeck.errors import ThemeError


@pytest.fixture
def theme_dir(tmp_path, monkeypatch):
    """A private themes folder holding the default theme and one to break."""
    import shutil

    themes = tmp_path / "themes"
    shutil.copytree(theme_mod.THEME_DIR / "default", themes / "default")
    (themes / "broken").mkdir()
    monkeypatch.setattr(theme_mod, "THEME_DIR", themes)
    return themes


def test_a_theme_extends_another_and_overrides_one_setting(theme_dir):
    (theme_dir / "broken" / "base.yaml").write_text("extends: default\ncolours:\n  accent: '#7A1F3D'\n", encoding="utf-8")
    t = theme_mod.load_theme("broken")
    assert t.colour("accent") == "#7A1F3D"
    assert t.get("brief.body.size") == theme_mod.load_theme("default").get("brief.body.size")


def test_unknown_setting_is_an_error_naming_the_theme_folder(theme_dir):
    with pytest.raises(ThemeError, match="has no setting 'brief.nope' — add it to assets/themes/default/"):
        theme_mod.load_theme("default").get("brief.nope")


def test_missing_font_file_is_a_theme_error(theme_dir):
    (theme_dir / "broken" / "base.yaml").write_text("extends: default\nfonts:\n  serif:\n    regular: NoSuchFont.ttf\n", encoding="utf-8")
    with pytest.raises(ThemeError, match=r"font file assets/fonts/NoSuchFont.ttf named in .* is missing"):
        theme_mod.load_theme("broken").font_file("serif")


def test_corrupt_font_file_is_a_theme_error(theme_dir, monkeypatch, tmp_path):
    fonts = tmp_path / "assets" / "fonts"
    fonts.mkdir(parents=True)
    (fonts / "Broken.ttf").write_bytes(b"<html>not a font</html>" * 100)
    monkeypatch.setattr(theme_mod, "ASSETS", tmp_path / "assets")
    (theme_dir / "broken" / "base.yaml").write_text("extends: default\nfonts:\n  serif:\n    regular: Broken.ttf\n", encoding="utf-8")
    with pytest.raises(ThemeError, match="is not a TrueType/OpenType font — replace it"):
        theme_mod.load_theme("broken").font_file("serif")


def test_font_outside_the_fonts_folder_is_refused(theme_dir):
    (theme_dir / "broken" / "base.yaml").write_text("extends: default\nfonts:\n  serif:\n    regular: ../../etc/passwd\n", encoding="utf-8")
    with pytest.raises(ThemeError, match="is outside assets/fonts/"):
        theme_mod.load_theme("broken").font_file("serif")


def test_a_theme_that_extends_itself_is_refused(theme_dir):
    (theme_dir / "broken" / "base.yaml").write_text("extends: broken\n", encoding="utf-8")
    with pytest.raises(ThemeError, match="extends itself"):
        theme_mod.load_theme("broken")
