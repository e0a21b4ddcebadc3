"""pydantic's plugin loader stands aside while plugins are off (load/noplugins.py): the source is
validated as before, importlib.metadata is not imported, and plugins asked for once the variable
is unset get pydantic's own loader."""
from __future__ import annotations

import os
import subprocess
import sys

from briefdeck.assets import BUILTIN

SOURCE = BUILTIN / "examples"


def _run(code: str, env: dict) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={k: v for k, v in {**os.environ, **env}.items() if v is not None}).stdout.strip()


# pydantic validates the source (a valid source is checked without it: load/quickcheck.py)
_LOAD = ("import sys; from pathlib import Path; import briefdeck.load as L; import briefdeck.load.quickcheck as q; q.checked = lambda data: None; "
         "src = next(Path(r'{examples}').glob('*/source/*.yaml')); doc = L.load_document(src); ")


def test_plugins_off_the_loader_is_not_imported_and_the_source_validates():
    code = _LOAD.format(examples=SOURCE) + ("l = sys.modules['pydantic.plugin._loader']; "
                                            "print(len(doc.sections), 'importlib.metadata' in sys.modules, l.__doc__.startswith(\"briefdeck's stand-in\"), l.get_plugins())")
    sections, metadata, stand_in, plugins = _run(code, {"PYDANTIC_DISABLE_PLUGINS": "__all__"}).split(" ", 3)
    assert int(sections) > 0 and metadata == "False" and stand_in == "True" and plugins == "()"


def test_plugins_on_pydantic_s_own_loader_answers():
    code = _LOAD.format(examples=SOURCE) + "import pydantic.plugin._loader as l; print(hasattr(l, 'entry_points'), 'importlib.metadata' in sys.modules)"
    assert _run(code, {"PYDANTIC_DISABLE_PLUGINS": None}) == "True True"
    # off when the loader was put aside, on when plugins are asked for: pydantic's own loader then
    code = ("import os, sys; os.environ['PYDANTIC_DISABLE_PLUGINS'] = '__all__'; from briefdeck.load.validate import _schema; _schema(); "
            "del os.environ['PYDANTIC_DISABLE_PLUGINS']; from pydantic.plugin._loader import get_plugins; list(get_plugins()); "
            "import pydantic.plugin._loader as l; print(hasattr(l, 'entry_points'), 'importlib.metadata' in sys.modules)")
    assert _run(code, {"PYDANTIC_DISABLE_PLUGINS": None}) == "True True"
