"""Where briefdeck finds its files: built-in assets inside the package, a project's own over them.

Built-ins (themes, fonts, the default deck template, locales, the chart style, the bundled
examples) live in ``briefdeck/builtin/`` and are found beside the package's own files (what
``importlib.resources.files`` answers for a package installed as files, without importing it:
4 ms of every build), so an installed briefdeck works from any folder.

A *project* is the folder that holds an ``assets/`` folder (``briefdeck init`` makes one). A
file in the project's ``assets/`` overrides the built-in file at the same relative path, whole
(``assets/themes/default/brief.yaml`` replaces the built-in one), and adds to the built-ins
(``assets/themes/corp/``, ``assets/fonts/Frutiger.ttf``, ``assets/locales/de.yaml``). Data
files are the project's alone. To change a few theme settings, a project theme says
``extends: default`` and lists only what differs.

``Assets.build_inputs`` is the one answer to "which files does a build depend on": the
build record's fingerprint, ``--watch`` and the chart cache all ask it.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Iterable, Optional

from .dataclass_code import dataclass
from .errors import ThemeError

BUILTIN = Path(__file__).parent / "builtin"
PROJECT_ASSETS = "assets"


def project_root(source: Path) -> Path:
    """The project folder of a source: the nearest folder above it that holds ``assets/``;
    with none, the folder the source is in. Paths in a source are relative to it, so
    ``assets/data/x.csv`` means the same for ``source/a.yaml`` and ``tests/examples/b.yaml``."""
    source = Path(source).resolve()
    for folder in source.parents:
        if (folder / PROJECT_ASSETS).is_dir():
            return folder
    return source.parent


def _checked(rel: str) -> PurePosixPath:
    p = PurePosixPath(str(rel).replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or not p.parts or ":" in p.parts[0]:
        raise ThemeError(f"'{rel}' must be a path inside the assets folder (no '..', not absolute) — name a file under assets/")
    return p


@dataclass(frozen=True)
class Assets:
    """The asset folders of one build: the project's ``assets/`` (if any), then the built-ins."""

    project: Optional[Path] = None  # the project folder (which holds assets/), or None: built-ins only

    @classmethod
    def for_source(cls, source: Path) -> "Assets":
        return cls(project_root(source))

    @property
    def folders(self) -> tuple[Path, ...]:
        own = self.project / PROJECT_ASSETS if self.project is not None else None
        return ((own,) if own is not None and own.is_dir() else ()) + (BUILTIN,)

    def find(self, rel: str) -> Optional[Path]:
        """The file at ``rel`` (e.g. "themes/default/base.yaml"): the project's, else the built-in."""
        p = _checked(rel)
        for folder in self.folders:
            hit = folder / p
            if hit.is_file():
                return hit
        return None

    def names(self, rel: str) -> list[str]:
        """Sub-folder names of ``rel`` across project and built-ins (e.g. theme names)."""
        p = _checked(rel)
        found: set[str] = set()
        for folder in self.folders:
            d = folder / p
            if d.is_dir():
                found.update(c.name for c in d.iterdir() if c.is_dir() and not c.name.startswith((".", "_")))
        return sorted(found)

    def shown(self, path: Path) -> str:
        """A path as a user should read it: "assets/themes/x/base.yaml" in the project, or
        "<briefdeck>/themes/default/base.yaml" for a built-in file."""
        path = Path(path)
        if self.project is not None:
            try:
                return path.relative_to(self.project).as_posix()
            except ValueError:
                pass
        try:
            return "<briefdeck>/" + path.relative_to(BUILTIN).as_posix()
        except ValueError:
            return str(path)

    def key(self, path: Path, root: Optional[Path] = None) -> str:
        """A machine-independent name for a file a build read (build records, the manifest):
        relative to ``root`` (the project) when inside it, "<briefdeck>/..." for built-ins."""
        return self.keys([path], root)[Path(path)]

    def keys(self, paths: Iterable[Path], root: Optional[Path] = None) -> dict[Path, str]:
        """``key`` of each of ``paths`` (a build record's: every input, once a format), each path
        and base folder resolved once (resolving walks every folder of the path)."""
        bases = [(Path(base).resolve(), prefix) for base, prefix in ((BUILTIN, "<briefdeck>/"), (root or self.project, "")) if base is not None]
        out: dict[Path, str] = {}
        for path in map(Path, paths):
            if path in out:
                continue
            real = path.resolve()
            for base, prefix in bases:
                try:
                    out[path] = prefix + real.relative_to(base).as_posix()
                    break
                except ValueError:
                    continue
            else:
                out[path] = str(path)
        return out

    def path_of(self, key: str, root: Optional[Path] = None) -> Path:
        """The inverse of ``key``."""
        if key.startswith("<briefdeck>/"):
            return BUILTIN / key[len("<briefdeck>/"):]
        p = Path(key)
        return p if p.is_absolute() else Path(root or self.project or ".") / p

    def build_inputs(self, theme, *, language: Optional[str] = None, extra: Iterable[Path] = ()) -> list[Path]:
        """Every asset file a build of a document in ``theme`` and ``language`` reads: theme
        files, fonts, the chart style, locale files, plus ``extra`` (what a renderer read
        besides, e.g. the deck template)."""
        from .locale import locale_files

        files: set[Path] = set(theme.files) | set(theme.font_files()) | set(theme.chart_inputs())
        if language:
            files |= set(locale_files(self, language))
        files |= {Path(p).resolve() for p in extra}
        return sorted(files)
