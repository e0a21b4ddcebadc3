"""Writes ``dataclass_code.FILE``: the code of every method dataclasses generates for briefdeck's classes,
compiled by this interpreter (``dataclass_code.py`` says what for). Run it in a fresh process, with
the Python the file is for, after adding or changing a dataclass (its fields, defaults, options):

    python -m briefdeck.derive_dataclass_code

(until then such a class is compiled as dataclasses compiles it: a little slower, never different).
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from types import CodeType

import briefdeck

from . import dataclass_code

# never imported to derive: the command line's entry (it runs a build) and the scripts beside the data
_SKIP = ("briefdeck.__main__", "briefdeck.builtin.", "briefdeck.derive_dataclass_code")


def derive() -> dict:
    """{text: code} for every class made through ``dataclass_code.dataclass`` when all of briefdeck is
    imported. Only in a process where none of them is made yet (a class is made once, at its import)."""
    if sys.flags.optimize:
        raise RuntimeError("derive without -O: the kept code is the code of a plain run")
    made = [m for m in sys.modules if m.startswith("briefdeck.") and m not in (dataclass_code.__name__, *_SKIP)]
    if made:
        raise RuntimeError(f"derive in a fresh process: {made[0]} is imported already")
    dataclass_code.RECORDING.append({})
    try:
        for m in pkgutil.walk_packages(briefdeck.__path__, "briefdeck."):
            if not m.name.startswith(_SKIP):
                importlib.import_module(m.name)
        return dataclass_code.RECORDING[0]
    finally:
        dataclass_code.RECORDING.clear()


def write() -> bool:
    """Writes the file when what it keeps differs from what is derived now; says whether it did."""
    now = derive()
    if same(dataclass_code.read(dataclass_code.FILE), now):
        return False  # (marshal's bytes for equal code may differ from one process to the next)
    with open(dataclass_code.FILE, "wb") as f:
        f.write(dataclass_code.dumps(now))
    return True


def same(a: dict, b: dict) -> bool:
    """The same texts, each with the same code (every attribute of it, nested code too)."""
    return a.keys() == b.keys() and all(code_fields(a[t]) == code_fields(b[t]) for t in a)


def code_fields(code) -> tuple:
    """Everything a code object holds (``==`` on code leaves out the file name and qualified name)."""
    names = sorted(n for n in dir(code) if n.startswith("co_") and not callable(getattr(code, n)))
    return tuple((n, _value(getattr(code, n))) for n in names)


def _value(v):
    if isinstance(v, tuple):
        return tuple(_value(x) for x in v)
    if isinstance(v, CodeType):
        return code_fields(v)
    return v


if __name__ == "__main__":
    print(f"{'wrote' if write() else 'unchanged:'} {dataclass_code.FILE}")
