"""pydantic's plugin loader, not imported while plugins are off.

pydantic asks ``pydantic.plugin._loader`` for plugins when it builds a validator (the source
schema's, once a process). With PYDANTIC_DISABLE_PLUGINS set (``cli.run`` sets it: briefdeck's
validation reports to no plugin) the loader answers none, but importing it imports
importlib.metadata (email, zipfile...): 11-17 ms of a prose edit's serial path. Here a stand-in
takes its place while the variable says plugins are off, and answers none as pydantic's does; if
plugins are asked for once the variable is unset, pydantic's own loader is imported and answers.
Nothing changes where the variable is not set (a program embedding briefdeck, with its plugins).
"""
from __future__ import annotations

import importlib
import os
import sys
import types

_NAME = "pydantic.plugin._loader"
_OFF = ("__all__", "1", "true")  # the values pydantic reads as "no plugins at all"


def _get_plugins():
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _OFF:
        return ()
    if sys.modules.get(_NAME) is _STAND_IN:  # plugins on after all: pydantic's own loader
        del sys.modules[_NAME]
    return importlib.import_module(_NAME).get_plugins()


_STAND_IN = types.ModuleType(_NAME, "briefdeck's stand-in for pydantic's plugin loader while plugins are off (load/noplugins.py)")
_STAND_IN.get_plugins = _get_plugins


def install() -> None:
    """The stand-in, where plugins are off and pydantic's loader is not imported yet."""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _OFF and _NAME not in sys.modules:
        sys.modules[_NAME] = _STAND_IN
