"""What a process that forks one deck process per rebuild (--watch) keeps for them: the deck's
template scanned, analysed and its typefaces measured in the watching process, once per version of
it (``keep_warm``, called through ``api.warm_up``'s ``_keep_warm`` after each build), so that every
forked deck process inherits them in memory -- ``templatesafety.scan``'s, ``layout_cache``'s and
``shipped``'s, ``fit.metrics_of``'s -- instead of scanning the template and reading its analysis and
widths back from the cache at every rebuild (~20 ms of its ~0.3 s).

(A module of its own: ``shipped`` keys the analysis it ships by the code that derives it, which this
is not.)
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

_WARMED: dict[str, bool] = {}  # the templates looked at in this process, by their analysis key
# template path -> (the cleaned bytes it was opened from (templatesafety's), the theme's settings, the
# Presentation open_clean_template opened from them, untouched): the next rebuild's deck process takes
# it instead of opening the template (``take_opened``); taken once a process, so a process that makes
# its deck itself opens again
_OPENED: dict[str, tuple] = {}


def keep_warm(view, *, theme, options: dict, cache_dir: Optional[Path], made=None) -> None:
    """Look at the template the deck of ``view`` is made on, as the deck's process does (the same
    functions, keys and ``cache_dir``), unless this process looked at this version of it already; keep
    the slides and zip entries the deck of this build made (``made``: its RenderResult), for the next
    rebuild's to put in again (replay.py)."""
    from . import replay

    replay.absorb(getattr(made, "kept", None))
    from .layout_cache import key
    from .template.opening import default_template, open_clean_template, side_file
    from .template.ranking import map_roles

    given = options.get("template") or view.doc.meta.template  # as build_plan chooses it
    path = Path(given) if given else default_template(theme)
    if not Path(path).is_file():
        return
    _open_ahead(path, theme)
    k = key(path, side_file(path), theme)
    if k in _WARMED:
        return
    prs, path, _ = open_clean_template(path, theme)
    map_roles(prs, path, theme, cache_dir=cache_dir)
    if len(_WARMED) > 32:
        _WARMED.clear()
    _WARMED[k] = True


def _open_ahead(path: Path, theme) -> None:
    """Open the template with ``open_clean_template`` for the next rebuild's deck process, unless it is
    open already from the cleaned bytes it gives now (and the same theme)."""
    from ...templatesafety import scan
    from .template.opening import open_clean_template

    cleaned = scan(path, theme.get("deck.template_limits"))
    kept = _OPENED.get(str(path))
    if kept is not None and kept[0] == cleaned.data and kept[1] == theme.data:
        return
    _OPENED.pop(str(path), None)
    prs = open_clean_template(path, theme)[0]
    opened = getattr(prs.part.package, "_pkg_file", None)  # the bytes python-pptx opened: the cleaned ones it read
    if getattr(opened, "getvalue", None) is None or opened.getvalue() != cleaned.data:
        return  # the file changed meanwhile: nothing kept
    if len(_OPENED) > 8:
        _OPENED.clear()
    _OPENED[str(path)] = (cleaned.data, theme.data, prs)


def take_opened(template: Optional[Path], theme):
    """What ``open_clean_template(template, theme)`` returns -- (prs, path, findings) -- from the copy
    opened ahead in the watching process (inherited by fork), when it was opened from the cleaned
    bytes the template gives now (``templatesafety.scan``) with the same theme; None otherwise. Each
    copy is handed out once: the deck writes into it."""
    if not _OPENED:
        return None
    from ...templatesafety import scan
    from .template.opening import default_template

    path = Path(template) if template else default_template(theme)
    kept = _OPENED.pop(str(path), None)
    if kept is None or not path.is_file():
        return None
    cleaned = scan(path, theme.get("deck.template_limits"))
    return (kept[2], path, cleaned.findings) if kept[0] == cleaned.data and kept[1] == theme.data else None
