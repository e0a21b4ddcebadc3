"""babel's data for a locale, kept merged for the next process.

babel reads a locale's data from its pickled CLDR files, the language's chain merged (en_CA: root,
en, en_001, en_CA) after reading ``global.dat`` (470 KB) for which parent each has: ~10 ms of CPU in
every fresh process, on every output's path (the loader writes the facts' numbers before the formats
fork). A build keeps the merged data in the cache's ``derived/babel/`` (an entry per locale, named
by babel's version and this code), saying which files it was made from by their version
(``safeio.version_of``): an entry whose files changed since is not used. It is read back by an
unpickler that makes only babel's four classes of locale data and checks what each holds (a plural
rule is compiled to Python by babel: only its grammar's nodes pass); an entry that does not pass is
said and not used, and babel reads its files as it would.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
from pathlib import Path
from typing import Optional

_KEPT_IN: list = []  # [derived folder, read?] while api.build builds; empty: nothing kept or read
_WANTED: set[str] = set()  # locales babel_locale made in this process whose data no entry gave


def use(folder: Optional[Path], read: bool = True) -> None:
    """Keep locale data in ``folder`` (a build's ``derived/``) from now on; None: no longer.
    ``read`` False (--force): entries are written anew, not read."""
    _KEPT_IN[:] = [] if folder is None else [Path(folder), read]


def recall(name: str) -> None:
    """Hand babel the kept data of locale ``name`` (as ``babel.localedata.load`` would merge it)
    when an entry made from the files babel has now is kept; else note it for ``keep``."""
    from babel import localedata

    if name in getattr(localedata, "_cache", ()) or not _KEPT_IN:
        return
    _WANTED.add(name)
    data = _read(_entry(name)) if _KEPT_IN[1] else None
    if data is not None and isinstance(getattr(localedata, "_cache", None), dict):
        localedata._cache[name] = data
        _WANTED.discard(name)


def keep() -> None:
    """Keep the data of the locales babel merged in this process that no entry gave (``recall``)."""
    from babel import localedata

    if not _KEPT_IN:
        return
    for name in sorted(_WANTED):
        data = getattr(localedata, "_cache", {}).get(name)
        sources = _sources()
        if data is None or sources is None:
            continue
        blob = json.dumps(sources).encode("utf-8") + b"\n" + pickle.dumps(data, protocol=5)
        if _loads(blob[blob.index(b"\n") + 1:]) is not None:  # never an entry the reader would refuse
            from .publish import keep_file

            keep_file(_entry(name), blob)
        _WANTED.discard(name)


def _entry(name: str) -> Path:
    import babel

    from .versions import code_digest

    key = hashlib.sha256(f"{babel.__version__}\0{name}\0".encode() + code_digest([Path(__file__)])).hexdigest()
    return _KEPT_IN[0] / "babel" / f"{key[:40]}.pickle"


def _sources() -> Optional[list]:
    """babel's files the data of this process's locales came from (every locale file it read, and
    ``global.dat``), each with its version; None when one changed a moment ago."""
    import babel.core
    from babel import localedata

    from .safeio import version_of

    files = [os.path.join(os.path.dirname(babel.core.__file__), "global.dat")]
    files += [localedata.resolve_locale_filename(n) for n in sorted(localedata._cache)]
    try:
        versions = [version_of(Path(f)) for f in files]
    except OSError:
        return None
    return None if None in versions else [list(v) for v in versions]


def _read(path: Path):
    from .publish import distrust, read_kept
    from .safeio import version_of

    blob = read_kept(path)
    if blob is None:
        return None
    head, _, body = blob.partition(b"\n")
    try:
        sources = json.loads(head)
        fresh = all(list(version_of(Path(s[0]))) == s for s in sources)
    except OSError:
        fresh = False
    except (ValueError, TypeError, IndexError, KeyError, RecursionError):  # not a list of files' versions
        distrust(path, "is not babel's locale data")
        return None
    if not fresh:  # made from other files (babel upgraded in place, a file edited): babel reads them
        return None
    data = _loads(body)
    if data is None:
        distrust(path, "is not babel's locale data")
    return data


# -- the reader: babel's four classes, made by babel's own __new__, then checked -----------------------
_PLURAL_VARS = frozenset("nivwftce")  # babel.plural._VARS: what a rule's expression may name


def _pair(v, t) -> bool:
    return type(v) is tuple and len(v) == 2 and all(type(x) is t for x in v)


def _alias(o) -> bool:
    return list(vars(o)) == ["keys"] and type(o.keys) is tuple and all(type(k) is str for k in o.keys)


def _date_pattern(o) -> bool:
    return sorted(vars(o)) == ["format", "pattern"] and type(o.pattern) is str and type(o.format) is str


def _number_pattern(o) -> bool:
    d = vars(o)
    return (sorted(d) == ["exp_plus", "exp_prec", "frac_prec", "grouping", "int_prec", "number_pattern", "pattern", "prefix", "scale", "suffix"]
            and type(d["pattern"]) is str and type(d["number_pattern"]) in (str, type(None)) and _pair(d["prefix"], str) and _pair(d["suffix"], str)
            and all(_pair(d[k], int) for k in ("grouping", "int_prec", "frac_prec")) and (d["exp_prec"] is None or _pair(d["exp_prec"], int))
            and type(d["exp_plus"]) in (bool, type(None)) and type(d["scale"]) is int)


def _value(node) -> bool:
    return type(node) is tuple and len(node) == 2 and node[0] == "value" and type(node[1]) is tuple and len(node[1]) == 1 and type(node[1][0]) is int


def _expression(node) -> bool:
    if type(node) is not tuple or len(node) != 2:
        return False
    if node[0] == "mod":
        return type(node[1]) is tuple and len(node[1]) == 2 and _expression(node[1][0]) and node[1][0][0] != "mod" and _value(node[1][1])
    return node[0] in _PLURAL_VARS and node[1] == ()


def _condition(node) -> bool:
    if type(node) is not tuple or len(node) != 2 or type(node[1]) is not tuple:
        return False
    op, args = node
    if op in ("and", "or"):
        return len(args) == 2 and all(_condition(a) for a in args)
    if op == "not":
        return len(args) == 1 and _condition(args[0])
    if op == "relation":
        if len(args) != 3 or args[0] not in ("in", "within") or not _expression(args[1]):
            return False
        ranges = args[2]
        return (type(ranges) is tuple and len(ranges) == 2 and ranges[0] == "range_list" and type(ranges[1]) is list
                and all(type(r) is tuple and len(r) == 2 and all(_value(v) for v in r) for r in ranges[1]))
    return False


def _plural_rule(o) -> bool:
    abstract = getattr(o, "abstract", None)
    return (not hasattr(o, "_func") and type(abstract) is list
            and all(type(r) is tuple and len(r) == 2 and type(r[0]) is str and r[0].isalpha() and _condition(r[1]) for r in abstract))


def _loads(body: bytes):
    """The locale data pickled in ``body``, or None when it holds anything but plain values and babel's
    four classes of locale data, or one of those holding what babel never puts there."""
    from babel.dates import DateTimePattern
    from babel.localedata import Alias
    from babel.numbers import NumberPattern
    from babel.plural import PluralRule

    made: list = []

    def maker(cls, check):
        class Make:  # a type (what NEWOBJ asks for) whose instances are babel's own, noted to be checked
            def __new__(_, *args):
                if args:
                    raise pickle.UnpicklingError("arguments")
                obj = cls.__new__(cls)
                made.append((obj, check))
                return obj
        return Make

    allowed = {("babel.localedata", "Alias"): maker(Alias, _alias), ("babel.dates", "DateTimePattern"): maker(DateTimePattern, _date_pattern),
               ("babel.numbers", "NumberPattern"): maker(NumberPattern, _number_pattern), ("babel.plural", "PluralRule"): maker(PluralRule, _plural_rule)}

    class Unpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) not in allowed:
                raise pickle.UnpicklingError(f"{module}.{name}")
            return allowed[module, name]

    try:  # the checks too: an instance's names need not be strings, a rule may nest deeper than Python recurses
        data = Unpickler(io.BytesIO(body)).load()
        if type(data) is not dict or not all(type(k) is str for k in data) or not all(check(o) for o, check in made):
            return None
    except Exception:  # noqa: BLE001 -- whatever a damaged or planted entry raises, it is not used
        return None
    return data
