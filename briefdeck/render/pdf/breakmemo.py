"""Line breaks remembered: a paragraph is broken once per process, not once per layout.

The brief is laid out two to four times (hyphen budgets, balance, vertical justification:
``_render``), and each layout builds its story anew. Breaking a body paragraph by total fit
(linebreak.py) is the costliest part of a layout, and a paragraph broken at the same widths
with the same words, styles and hyphen budget breaks the same way. So the break is kept here,
by process, bounded (least recently used first out), and handed back as a copy of what the
breaking left: its lines and the paragraph's state (reportlab's frag word list, its counters).
A copy, because reportlab changes a paragraph's lines and words when it splits one.

Keyed by everything the break reads: the paragraph's class, frags (words and their fonts,
colours, links...: a pickle's bytes) and style (the hyphenation rules and patterns by their
fingerprint, kept per style object while it is unchanged), and the widths. The page's hyphen budget (``HyphenLedger.budget``) is not in the key: what the breaking
asked of it is kept beside the lines (lines -> hyphens allowed), and the lines are handed back
only when the budget now gives the same answers. A paragraph holding anything else (an image,
a callback) is not kept.

``--watch`` rebuilds in one process: an edit re-breaks only the paragraphs it changed. A build
in a fresh process (a prose edit) reads the breaks the builds before it kept in the cache's
``derived/`` (``kept_in``): one entry per paragraph, named by a hash of its key and of what the
key does not say (this code, reportlab's and pyphen's versions, the font files). They are
pickles, read back by an unpickler that builds nothing but reportlab's paragraph classes and
colours, so a planted entry can at worst be refused.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import pickle
import weakref
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Optional

from reportlab.lib.abag import ABag
from reportlab.lib.colors import Color

from .linebreak import Gate, LineSetting

_ATOMS = (str, int, float, bool, type(None))
_STATE = ("_width_max", "_splitLongWordCount", "_hyphenations")  # what reportlab's breakLines sets on the paragraph


class _Unkeyable(Exception):
    pass


def _fp(v: Any, frags: dict) -> Any:
    """A value's content as a hashable key (types included: 1, 1.0 and True stay apart)."""
    t = type(v)
    if t is str:
        return v
    if t in _ATOMS:
        return (t, v)
    if isinstance(v, str):  # reportlab's split words (_SplitWord...) are str subclasses
        return (t, str(v))
    if isinstance(v, (list, tuple)):
        return (t, tuple(_fp(x, frags) for x in v))
    if isinstance(v, Color):
        return (t, tuple(sorted(v.__dict__.items())))
    if isinstance(v, LineSetting):
        return v
    if isinstance(v, Gate):  # (``allowed`` is empty between breaks)
        fingerprint = getattr(v.hyphenator, "fingerprint", None)  # styles.Hyphenator: its patterns and rules
        if fingerprint is None:
            raise _Unkeyable("a hyphenator without a fingerprint")
        return (t, v.setting, fingerprint)
    if isinstance(v, ABag):  # reportlab's frags
        known = frags.get(id(v))
        if known is None:
            known = frags[id(v)] = (t, tuple(sorted((k, _fp(x, frags)) for k, x in v.__dict__.items())))
        return known
    raise _Unkeyable(t.__name__)


def _style_fp(style) -> tuple:
    out = []
    for k, v in sorted(style.__dict__.items()):
        out.append((k, _style_fp(v) if k == "parent" and v is not None else _fp(v, {})))
    return tuple(out)


_STYLES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # style -> (its attributes then, its fingerprint)


def _style_key(style) -> tuple:
    """``_style_fp``, kept per style object while its attributes are all as they were (a style with
    a parent, whose attributes could change under it, is fingerprinted every time)."""
    if style.__dict__.get("parent") is not None:
        return _style_fp(style)
    try:
        got = _STYLES.get(style)
    except TypeError:
        return _style_fp(style)
    if got is not None and got[0] == style.__dict__:
        return got[1]
    fp = _style_fp(style)
    _STYLES[style] = (dict(style.__dict__), fp)
    return fp


class _FragPickler(pickle.Pickler):
    """The frags' content as bytes (the key's words, fonts, colours, links), as a pickle: equal bytes,
    equal content (types included). Only what ``_fp`` would key is let through: reportlab's frags
    and split words, colours, plain values; anything else makes the paragraph unkeyable."""

    def reducer_override(self, obj):
        if isinstance(obj, type):  # (a class, named by reference: reportlab's frag, colour and word classes)
            if obj.__module__.startswith("reportlab."):
                return NotImplemented
        elif isinstance(obj, (ABag, Color, str, list, tuple)) and type(obj).__module__.startswith("reportlab."):
            return NotImplemented
        raise _Unkeyable(type(obj).__name__)


def _frags_bytes(*values) -> bytes:
    buf = io.BytesIO()
    _FragPickler(buf, pickle.HIGHEST_PROTOCOL).dump(values)
    return buf.getvalue()


# -- kept across processes ------------------------------------------------------------------
_ALLOWED = {
    "reportlab.platypus.paraparser": {"ParaFrag"},
    "reportlab.lib.abag": {"ABag"},
    "reportlab.lib.colors": {"Color", "CMYKColor", "CMYKColorSep", "PCMYKColor", "PCMYKColorSep"},
}


class _Restricted(pickle.Unpickler):
    """Builds reportlab's paragraph pieces (lines, frags, split words) and colours, nothing else."""

    def find_class(self, module, name):
        if module == "reportlab.platypus.paragraph":
            from reportlab.platypus import paragraph

            cls = getattr(paragraph, name, None)
            if isinstance(cls, type) and issubclass(cls, (str, list, ABag)) and not name.startswith("__"):
                return cls
        elif name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a paragraph's break")


def _restricted(data: bytes) -> Any:
    return _Restricted(io.BytesIO(data)).load()


_SALTS: dict = {}


def _salt(font_files: tuple) -> bytes:
    """What a kept break depends on beyond its key: this code, reportlab's and pyphen's versions
    (pyphen ships the patterns), and the font files the paragraphs are measured in."""
    got = _SALTS.get(font_files)
    if got is None:
        from ...versions import code_digest

        here = Path(__file__).parent
        h = hashlib.sha256(code_digest([here / n for n in ("breakmemo.py", "linebreak.py", "flowables.py", "nobreak.py", "styles.py")],
                                       ("reportlab", "pyphen")))
        for digest in sorted(hashlib.sha256(Path(f).read_bytes()).digest() for f in font_files):
            h.update(digest)  # (their contents, not where they are: machines sharing a cache agree)
        got = _SALTS[font_files] = h.digest()
    return got


_NAMES: dict = {}  # (folder, salt) -> key -> its entry's path: named once a process (repr and hash of a long key)


class _Folder:
    def __init__(self, path: Path, salt: bytes):
        self.path, self.salt = path, salt
        self.names = _NAMES.setdefault((str(path), salt), {})
        if len(self.names) > 2 * MEMO.entries:
            self.names.clear()
        self.noted: set = set()  # keys whose entry this build noted or wrote (once a build, not once a layout)

    def entry(self, key: tuple) -> Path:
        path = self.names.get(key)
        if path is None:
            path = self.names[key] = self.path / f"brk-{hashlib.sha256(self.salt + repr(key).encode()).hexdigest()}.pickle"
        return path


_FOLDER: list = []  # the folder of the build under way (kept_in)


@contextlib.contextmanager
def kept_in(folder: Optional[Path], fonts) -> Any:
    """Breaks read from and kept in ``folder`` (the cache's ``derived/``) while a brief is built;
    ``fonts``: its registered fonts (render/pdf/fonts.Fonts)."""
    if folder is None:
        yield
        return
    from reportlab.pdfbase import pdfmetrics

    files = set()
    for fam in fonts.families.values():
        for name in (fam.regular, fam.bold, fam.italic, fam.bolditalic):
            files.add(str(getattr(pdfmetrics.getFont(name).face, "filename", name)))
    try:
        salt = _salt(tuple(sorted(files)))
    except OSError:
        yield
        return
    _FOLDER[:] = [_Folder(Path(folder), salt)]
    try:
        yield
    finally:
        _FOLDER.clear()


def _read(key: tuple) -> list:
    """The kept variants of ``key`` in the folder of the build under way (each unpickled once,
    restricted, to prove it holds nothing but a break); [] when none or not readable."""
    from ...cache import note
    from ...publish import distrust, read_kept

    path = _FOLDER[0].entry(key)
    raw = read_kept(path)
    if raw is None:
        return []
    try:
        variants = _restricted(raw)
        out = []
        for asked, data in variants:
            if not (isinstance(data, bytes) and all(type(n) is int and type(g) is int for n, g in asked)):
                raise ValueError("not a break")
            bl, frags, state = _restricted(data)
            if not isinstance(state, dict) or not all(k in _STATE for k in state):
                raise ValueError("not a break")
            out.append((tuple(tuple(a) for a in asked), data))
    except Exception:  # noqa: BLE001 - whatever a damaged or planted entry holds, it is broken anew
        distrust(path, "is not a line break briefdeck kept")
        return []
    note(path)
    return out


def _pickled(variants: list) -> bytes:
    return pickle.dumps([(list(a), d) for a, d in variants], pickle.HIGHEST_PROTOCOL)


def _write(key: tuple, variants: list) -> None:
    from ...cache import note
    from ...publish import keep_file

    folder = _FOLDER[0]
    path = folder.entry(key)
    keep_file(path, _pickled(variants))
    note(path)
    folder.noted.add(key)


class BreakMemo:
    """Paragraph breaks by key; at most ``entries`` keys (a 200-section brief's paragraphs, about
    2 KB each), each with at most ``variants`` budgets; the least recently used go first."""

    def __init__(self, entries: int = 5000, variants: int = 4):
        self.entries, self.variants = entries, variants
        self._kept: OrderedDict[tuple, list[tuple[tuple, bytes]]] = OrderedDict()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        self._kept.clear()
        self.hits = self.misses = 0

    @staticmethod
    def key(para, width, budgeted: bool) -> Optional[tuple]:
        """The break's key, or None when the paragraph holds what cannot be keyed."""
        if getattr(para, "_splitpara", 0):
            return None
        try:
            return (type(para), _style_key(para.style),
                    _frags_bytes(para.frags, list(width) if isinstance(width, (list, tuple)) else [width], para.bulletText),
                    getattr(para, "autoLeading", None), para.encoding, budgeted)
        except (_Unkeyable, pickle.PicklingError, TypeError, AttributeError):
            return None

    def recall(self, key: Optional[tuple], para, budget: Optional[Callable[[int], int]]):
        """The kept lines for ``key`` whose budget answers hold now, the paragraph's state set as
        the breaking left it; None when there are none."""
        if key is None:
            return None
        variants = self._kept.get(key)
        if variants is None and _FOLDER:
            variants = _read(key)
            if variants:
                self._put(key, variants)
        elif variants is not None and _FOLDER:
            self._noted(key)
        if variants is not None:
            for asked, data in variants:
                if all(budget(n) == got for n, got in asked):
                    self._kept.move_to_end(key)
                    self.hits += 1
                    bl, frags, state = pickle.loads(data)
                    if frags is not None:
                        para.frags = frags
                    for name, value in state.items():
                        setattr(para, name, value)
                    return bl
        self.misses += 1
        return None

    def keep(self, key: Optional[tuple], para, asked: tuple, bl, frags_before) -> None:
        """Keep what breaking ``para`` left (``asked``: (lines, hyphens allowed) it asked the budget)."""
        if key is None:
            return
        state = {name: para.__dict__[name] for name in _STATE if name in para.__dict__}
        try:
            data = pickle.dumps((bl, para.frags if para.frags is not frags_before else None, state), pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return
        variants = self._kept.get(key) or []
        variants.insert(0, (asked, data))
        del variants[self.variants:]
        self._put(key, variants)
        if _FOLDER:
            _write(key, variants)

    def _put(self, key: tuple, variants: list) -> None:
        self._kept[key] = variants
        self._kept.move_to_end(key)
        while len(self._kept) > self.entries:
            self._kept.popitem(last=False)

    def _noted(self, key: tuple) -> None:
        """A break this process holds is in use by this build: its entry is noted (pruning keeps
        it), or written where it is missing (another output folder, an entry pruned since)."""
        from ...publish import still_kept

        folder = _FOLDER[0]
        if key in folder.noted:  # (the build's later layouts)
            return
        folder.noted.add(key)
        variants = self._kept[key]
        still_kept(folder.entry(key), lambda: _pickled(variants))


MEMO = BreakMemo()


def broken(para, width, base: Callable, budget: Optional[Callable[[int], int]], breaker: Callable):
    """``breaker(para, width, base, budget)`` (linebreak.set_lines), or its kept result."""
    key = MEMO.key(para, width, budget is not None)
    bl = MEMO.recall(key, para, budget)
    if bl is not None:
        return bl
    asked: list[tuple[int, int]] = []

    def asking(n: int) -> int:
        got = budget(n)
        asked.append((n, got))
        return got

    frags_before = para.frags
    bl = breaker(para, width, base, asking if budget is not None else None)
    MEMO.keep(key, para, tuple(asked), bl, frags_before)
    return bl
