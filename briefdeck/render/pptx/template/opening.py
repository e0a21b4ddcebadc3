"""A template opened on a clean copy, and what its side file says.

The copy a build works on has nothing that reaches out of the file or runs code (``templatesafety``,
which the loader's check shares: a template is scanned once per build). The side file
(``NAME.layouts.yaml`` beside the template) maps roles to layout names and typefaces to font files.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional


from ....errors import TemplateError
from ....templatesafety import scan
from ....yamlsafe import read_settings
from ..fonts import user_fonts
from ..roles import ROLES
from ..styles import TITLE_TYPES
from .notes_master import ensure_notes_body
from .placeholders import P_NS


def all_layouts(prs) -> list:
    return [layout for master in prs.slide_masters for layout in master.slide_layouts]


def default_template(theme) -> Path:
    path = theme.default_template()
    if path is None:
        raise TemplateError(f"the theme's deck template templates/{theme.get('deck.template')} is missing — restore it or fix deck.template")
    return path


def open_clean_template(path: Optional[Path], theme):
    """The template opened on a copy without what reaches out of the file or runs code, and what was
    left out of it: (prs, path, findings). The scan is the loader's when it scanned the same bytes
    (``templatesafety.scan``)."""
    unopened, path, findings = template_to_open(path, theme)
    return unopened.opened(), path, findings


def template_to_open(path: Optional[Path], theme):
    """What ``open_clean_template`` returns, but the template not opened yet: (``Unopened``, path,
    findings). Planning a deck on a template whose analysis is kept needs none of python-pptx."""
    path = Path(path) if path else default_template(theme)
    if not path.is_file():
        raise TemplateError(f"{path}: template not found — give the path of a .pptx file")
    cleaned = scan(path, theme.get("deck.template_limits"))
    return Unopened(path, cleaned.data), path, cleaned.findings


class Unopened:
    """A template's cleaned bytes, opened with python-pptx when first looked into (any attribute of
    the presentation: ``opened``); a deck put in from the last one (kept_deck.py) never opens it."""

    def __init__(self, path: Path, data: bytes):
        self.path, self.data = path, data
        self._prs = None

    def opened(self):
        """The presentation, as ``open_clean_template`` opens it: the copy a build works on."""
        if self._prs is None:
            self._prs = _open(self.path, self.data)
        return self._prs

    def embeds_fonts(self) -> bool:
        """Whether the presentation part may list embedded fonts (``fonts.embedded_fonts`` reads them
        from the opened template); False only when its XML names no ``embeddedFontLst``."""
        import io
        import zipfile

        from lxml import etree

        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as z:
                rels = etree.fromstring(z.read("_rels/.rels"), etree.XMLParser(resolve_entities=False, no_network=True))
                main = [r.get("Target", "") for r in rels if r.get("Type", "").endswith("/officeDocument")]
                return len(main) != 1 or b"embeddedFontLst" in z.read(main[0].lstrip("/"))
        except Exception:  # noqa: BLE001 -- whatever cannot be told is read from the opened template
            return True

    def __getattr__(self, name: str):
        return getattr(self.opened(), name)


def opened(prs):
    """``prs`` itself, or the template an ``Unopened`` stands for, opened."""
    return prs.opened() if isinstance(prs, Unopened) else prs


def _open(path: Path, data: bytes):
    import io

    from pptx import Presentation

    from ..clones import install as replay_clones
    from ..xpaths import compile_once

    compile_once()  # python-pptx's lookups: a quarter of writing a deck was lxml compiling XPath again
    replay_clones()  # a slide's and a notes slide's placeholders: cloned once per layout, then copied
    try:
        prs = Presentation(io.BytesIO(data))
    except Exception as exc:  # python-pptx raises many kinds for a bad package
        hint = " (a .potx must be saved as .pptx first)" if path.suffix.lower() == ".potx" else ""
        raise TemplateError(f"{path}: cannot open the template: {exc}{hint}") from None
    _unique_placeholder_idx(prs)
    ensure_notes_body(prs)  # the speaker notes need a place on every notes slide
    return prs


def _unique_placeholder_idx(prs) -> None:
    """Give every non-title layout placeholder its own idx (in memory only).

    LibreOffice writes layout placeholders without idx, so subtitle, content and a second
    content all read as idx 0 and a slide placeholder cannot say which one it inherits from.
    """
    for layout in all_layouts(prs):
        phs = [el for el in layout._element.iter(f"{P_NS}ph")]
        used = {int(el.get("idx")) for el in phs if el.get("idx") is not None}
        nxt = 20
        for el in phs:
            if el.get("idx") is None and el.get("type", "obj") not in TITLE_TYPES:
                while nxt in used:
                    nxt += 1
                el.set("idx", str(nxt))
                used.add(nxt)


def side_file(path: Path) -> Path:
    return path.with_name(path.stem + ".layouts.yaml")


def read_side_file(path: Path) -> tuple[dict[str, str], dict]:
    f = side_file(path)
    if not f.is_file():
        return {}, {}
    data = dict(read_settings(f, str(f), "layout mapping", TemplateError))
    if not isinstance(data, dict):
        raise TemplateError(f"{f}: map roles ({', '.join(ROLES)}) to layout names, e.g. content: \"Titel und Inhalt\"")
    fonts = data.pop("fonts", None)
    unknown = sorted(set(data) - set(ROLES))
    if unknown or not all(isinstance(v, str) for v in data.values()):
        raise TemplateError(f"{f}: map roles ({', '.join(ROLES)}) to layout names, and `fonts` to font files; "
                            f"unknown: {', '.join(unknown) or 'a non-text value'}")
    return data, user_fonts(fonts, f)

