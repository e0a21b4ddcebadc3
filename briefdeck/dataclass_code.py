"""``dataclass`` for briefdeck's own classes: ``dataclasses.dataclass``, with the methods' code compiled
once and kept.

Making a dataclass writes the source of its methods (``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, a frozen class's ``__setattr__``/``__delattr__``) and compiles it with ``exec``: 444
compilations, about 35 ms of every fresh process's imports, for the same text every time. ``FILE``
keeps the code objects compiled from exactly those texts, for one interpreter's bytecode
(``derive_dataclass_code.py`` writes it). While a class is made here, dataclasses' ``exec`` is
handed the kept code object for a text it holds (the object ``compile`` returns for that text: the
methods, their names, annotations, line numbers and tracebacks are the same); any other text is
compiled as dataclasses compiles it. Everything else is dataclasses' own work, so ``fields``,
``replace``, pickling and the frozen errors are unchanged.

Only a class made through this decorator is served, and dataclasses' namespace is restored before
it returns: another library's (or a user's) classes are made as they always are (one made by another
thread in that moment would get the same code: a kept object is what compiling its text gives). No kept code is
used, and every class is made by stock dataclasses, when the file is missing, damaged (its digest),
made by another bytecode version (its magic number: other Pythons fall back), or Python runs with -O.

This module has no ``from __future__`` import on purpose: a text compiled here by the ``exec`` below
must compile as in dataclasses.py, which has none (a future flag changes the code: annotations).
"""
import builtins
import dataclasses
import hashlib
import marshal
import os
import sys
import threading
from importlib.util import MAGIC_NUMBER
from types import CodeType
from typing import TYPE_CHECKING

FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "builtin", "derived",
                    f"dataclass-code.{sys.implementation.cache_tag}.marshal")
_DIGEST = 32  # sha-256 of the marshalled texts and code, after the magic number

_LOCK = threading.RLock()  # one class at a time may lend dataclasses its exec (then it is restored)
_LOADED: list = []  # [the kept {text: code}] once read ({} if there is none to use)
RECORDING: list = []  # [{text: code}] while derive_dataclass_code records every text it sees


if TYPE_CHECKING:  # type checkers and editors see dataclasses' own (its fields, __init__'s parameters)
    from dataclasses import dataclass
else:
    def dataclass(cls=None, /, **params):
        """``dataclasses.dataclass(cls, **params)``: the same class, made with the kept code where it has it."""
        def wrap(cls):
            return _make(cls, params)
        return wrap if cls is None else wrap(cls)


def _make(cls, params):
    lent = _recording_exec if RECORDING else _kept_exec if kept_code() else None
    if lent is None:
        return dataclasses.dataclass(cls, **params)
    namespace = vars(dataclasses)
    with _LOCK:
        if "exec" in namespace:  # someone else's exec is there: theirs, untouched
            return dataclasses.dataclass(cls, **params)
        namespace["exec"] = lent
        try:
            return dataclasses.dataclass(cls, **params)
        finally:
            del namespace["exec"]


def _kept_exec(source, globals=None, locals=None, /):
    """dataclasses' ``exec(text, globals, ns)``, with the code object kept for that exact text."""
    code = _LOADED[0].get(source) if isinstance(source, str) else None
    builtins.exec(source if code is None else code, globals, locals)


def _recording_exec(source, globals=None, locals=None, /):
    code = RECORDING[0][source] = compile(source, "<string>", "exec", dont_inherit=True)
    builtins.exec(code, globals, locals)


def kept_code() -> dict:
    """The kept {text: code object} for this interpreter, read once; {} when there is none to trust."""
    if not _LOADED:
        _LOADED.append(read(FILE))
    return _LOADED[0]


def read(path: str) -> dict:
    """The {text: code} in a kept file, or {} when it is missing, damaged or another bytecode's."""
    if sys.flags.optimize:  # texts compile with asserts and docstrings removed: not what was kept
        return {}
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError:
        return {}
    head = len(MAGIC_NUMBER)
    payload = raw[head + _DIGEST:]
    if raw[:head] != MAGIC_NUMBER or hashlib.sha256(payload).digest() != raw[head:head + _DIGEST]:
        return {}
    try:
        kept = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}
    if type(kept) is not dict or not all(type(t) is str and type(c) is CodeType for t, c in kept.items()):
        return {}
    return kept


def dumps(kept: dict) -> bytes:
    """A kept file's bytes: this interpreter's magic number, the digest, the marshalled {text: code}."""
    payload = marshal.dumps(dict(sorted(kept.items())))
    return MAGIC_NUMBER + hashlib.sha256(payload).digest() + payload
