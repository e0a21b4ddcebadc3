"""Themes restyle without Python, a project's assets override the built-ins, and a broken
theme or font is a clear error, not a crash."""
from __future__ import annotations

import pytest

from briefdeck.assets import BUILTIN, Assets, project_root
from briefdeck.errors import ThemeError
from briefdeck.theme import load_theme, theme_names

pytestmark = pytest.mark.quick


@pytest.fixture
def project(tmp_path):
    """A project folder with its own assets/themes/broken/ beside the built-in themes."""
    (tmp_path / "assets" / "themes" / "broken").mkdir(parents=True)
    return tmp_path


def base(project, text: str) -> None:
    (project / "assets" / "themes" / "broken" / "base.yaml").write_text(text, encoding="utf-8")


def test_a_project_theme_extends_a_builtin_one_and_overrides_one_setting(project):
    base(project, "extends: default\ncolours:\n  accent: '#7A1F3D'\n")
    assets = Assets(project)
    t = load_theme("broken", assets)
    assert t.colour("accent") == "#7A1F3D"
    assert t.get("brief.body.size") == load_theme("default").get("brief.body.size")
    assert "broken" in theme_names(assets) and "default" in theme_names(assets)
    assert "broken" not in theme_names(Assets())


def test_a_project_file_overrides_the_builtin_file_whole(project):
    own = project / "assets" / "themes" / "default"
    own.mkdir(parents=True)
    text = (BUILTIN / "themes" / "default" / "brief.yaml").read_text(encoding="utf-8").replace("size: 10\n", "size: 10.5\n", 1)
    (own / "brief.yaml").write_text(text, encoding="utf-8")
    t = load_theme("default", Assets(project))
    assert t.get("brief.body.size") == 10.5
    assert own / "brief.yaml" in t.files
    assert load_theme("default").get("brief.body.size") == 10  # the built-in is untouched


def test_a_font_in_the_project_is_found_before_the_builtin_ones(project):
    fonts = project / "assets" / "fonts"
    fonts.mkdir(parents=True)
    (fonts / "Mine.ttf").write_bytes((BUILTIN / "fonts" / "NotoSerif-Regular.ttf").read_bytes())
    base(project, "extends: default\nfonts:\n  serif:\n    regular: Mine.ttf\n")
    assert load_theme("broken", Assets(project)).font_file("serif") == fonts / "Mine.ttf"


def test_project_root_is_the_nearest_folder_holding_assets_else_the_sources_folder(tmp_path):
    proj = tmp_path / "proj"
    (proj / "assets").mkdir(parents=True)
    (proj / "source" / "deep").mkdir(parents=True)
    assert project_root(proj / "source" / "deep" / "x.yaml") == proj.resolve()
    lone = tmp_path / "lone"
    lone.mkdir()
    assert project_root(lone / "x.yaml") == lone.resolve()


def test_unknown_setting_is_an_error_naming_the_theme_folder():
    with pytest.raises(ThemeError, match="has no setting 'brief.nope' — add it to themes/default/"):
        load_theme("default").get("brief.nope")


def test_unknown_theme_lists_the_known_ones():
    with pytest.raises(ThemeError, match="unknown theme 'nope' — use one of: default"):
        load_theme("nope")


def test_missing_font_file_is_a_theme_error(project):
    base(project, "extends: default\nfonts:\n  serif:\n    regular: NoSuchFont.ttf\n")
    with pytest.raises(ThemeError, match=r"font file fonts/NoSuchFont.ttf named in .* is missing — put it in assets/fonts/"):
        load_theme("broken", Assets(project)).font_file("serif")


def test_corrupt_font_file_is_a_theme_error(project):
    fonts = project / "assets" / "fonts"
    fonts.mkdir(parents=True)
    (fonts / "Broken.ttf").write_bytes(b"<html>not a font</html>" * 100)
    base(project, "extends: default\nfonts:\n  serif:\n    regular: Broken.ttf\n")
    with pytest.raises(ThemeError, match="assets/fonts/Broken.ttf named in .* is not a TrueType/OpenType font — replace it"):
        load_theme("broken", Assets(project)).font_file("serif")


def test_font_outside_the_fonts_folder_is_refused(project):
    base(project, "extends: default\nfonts:\n  serif:\n    regular: ../../etc/passwd\n")
    with pytest.raises(ThemeError, match="is outside the fonts folder"):
        load_theme("broken", Assets(project)).font_file("serif")


def test_a_theme_that_extends_itself_is_refused(project):
    base(project, "extends: broken\n")
    with pytest.raises(ThemeError, match="extends itself"):
        load_theme("broken", Assets(project))
