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


def keep_warm(view, *, theme, options: dict, cache_dir: Optional[Path], made=None) -> None:
    """Look at the template the deck of ``view`` is made on, as the deck's process does (the same
    functions, keys and ``cache_dir``), unless this process looked at this version of it already; keep
    the slides and zip entries the deck of this build made (``made``: its RenderResult), for the next
    rebuild's to put in again (replay.py)."""
    from . import replay

    replay.ON[:] = [True]
    replay.absorb(getattr(made, "kept", None))
    from .layout_cache import key
    from .template.opening import default_template, open_clean_template, side_file
    from .template.ranking import map_roles

    given = options.get("template") or view.doc.meta.template  # as build_plan chooses it
    path = Path(given) if given else default_template(theme)
    if not Path(path).is_file():
        return
    k = key(path, side_file(path), theme)
    if k in _WARMED:
        return
    prs, path, _ = open_clean_template(path, theme)
    map_roles(prs, path, theme, cache_dir=cache_dir)
    if len(_WARMED) > 32:
        _WARMED.clear()
    _WARMED[k] = True
