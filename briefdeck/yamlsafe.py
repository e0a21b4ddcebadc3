"""Read a YAML source safely and keep where every value came from.

PyYAML's safe loader still accepts duplicate keys silently, expands aliases without bound
("billion laughs") and forgets line numbers once values are built. So we compose the node
graph ourselves (C composer when available: ~17x faster), build plain Python values with
only the standard YAML tags, and record each value's (line, column) by its path, e.g.
``("sections", 2, "title") -> (41, 12)``. Every problem found is collected, not just the
first, so an author fixes a file in one pass.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
import sys
from dataclasses import field
from typing import Any

from .dataclass_code import dataclass
from .errors import Problem
from .hidden import HIDDEN, hidden_problem
from .lazyre import deferring

# PyYAML's pure-Python reader compiles this class, which runs to U+10FFFF, as it is imported (4 ms
# and more before any source is read); the C loader used here never reads it (lazyre.py)
NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
with deferring({(NON_PRINTABLE, 0): None}):
    import yaml

try:  # the C loader keeps marks too and is far faster on large sources
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader



def load_settings(text: str) -> Any:
    """Plain values of a bundled, trusted YAML text (the scaffold's own files), with the C parser.
    Any file a user can change is read with ``read_settings`` instead, under the source's limits."""
    return yaml.load(text, Loader=_Loader)


MAX_BYTES = 2 * 1024 * 1024  # a talk is tens of KB; anything this big is a mistake or an attack
MAX_NODES = 200_000  # values built, counting alias expansions: stops "billion laughs" early
MAX_DEPTH = 40
_MAX_NUMBER = sys.float_info.max  # numbers become floats in charts and facts
EXCERPT_WIDTH = 120  # characters of a long line shown around the error

_STD = "tag:yaml.org,2002:"
# Characters YAML refuses in a file, and those XML (so PDF metadata and PPTX) cannot hold even
# when a double-quoted escape such as "\0" or "\x1b" writes them.
# (The characters outside YAML's printable set, NON_PRINTABLE's class, written as what they are:
# compiled in 0.6 ms instead of 4; tests/test_lazyre.py compares both on every code point.)
_YAML_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks, so excerpts match its marks
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}

Path_ = tuple  # a path into the document: keys and list indexes


@dataclass
class Located:
    """The plain data of a YAML file and the position of every value in it."""

    data: Any
    marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)  # where a mapping key itself stands
    lines: list[str] = field(default_factory=list)

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at ``path``, or of its nearest ancestor."""
        table = self.key_marks if key else self.marks
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if not key and p in self.key_marks:
                return self.key_marks[p]
            p = p[:-1]
        return self.marks.get((), (1, 1))


def excerpt(lines: list[str], line: int, col: int) -> str | None:
    """The offending line with a caret under the column, as compilers print it."""
    if not (1 <= line <= len(lines)):
        return None
    text = HIDDEN.sub("\ufffd", _YAML_UNPRINTABLE.sub("\ufffd", lines[line - 1])).expandtabs(1)  # never echo raw control characters to a terminal
    at = max(col - 1, 0)
    if len(text) > EXCERPT_WIDTH:  # a minified or hostile line: show the part around the column
        start = max(0, min(at - EXCERPT_WIDTH // 2, len(text) - EXCERPT_WIDTH))
        end = start + EXCERPT_WIDTH
        text = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
        at = at - start + (1 if start else 0)
    return f"  {line:>4} | {text}\n       | {' ' * at}^"


class _Builder:
    def __init__(self, file: str, lines: list[str]):
        self.file, self.lines = file, lines
        self.out = Located(None, lines=lines)
        self.problems: list[Problem] = []
        self.count = 0
        self._scalar = yaml.constructor.SafeConstructor()

    def problem(self, line: int, col: int, message: str, code: str) -> None:
        self.problems.append(Problem(self.file, line, col, message, code, excerpt=excerpt(self.lines, line, col)))

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig()
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        self.out.marks[path] = (line, col)
        if depth > MAX_DEPTH:
            self.problem(line, col, f"nesting deeper than {MAX_DEPTH} levels — flatten the structure", "yaml.depth")
            return None
        if isinstance(node, yaml.MappingNode):
            if node.tag not in (_STD + "map",):
                self.problem(line, col, f"tag {_short(node.tag)} is not allowed — sources hold plain text, numbers and dates only; remove it", "yaml.tag")
                return None
            result: dict[str, Any] = {}
            for k_node, v_node in node.value:
                kl, kc = k_node.start_mark.line + 1, k_node.start_mark.column + 1
                if k_node.tag == _STD + "merge":
                    self.problem(kl, kc, "merge keys ('<<') are not supported — write the keys out", "yaml.merge")
                    continue
                if not isinstance(k_node, yaml.ScalarNode):
                    self.problem(kl, kc, "a key must be plain text — remove the complex key", "yaml.key")
                    continue
                key = k_node.value
                if not self._printable(key, kl, kc):
                    continue
                if key in result:
                    first = self.out.key_marks[path + (key,)][0]
                    self.problem(kl, kc, f"duplicate key '{key}' (first defined on line {first}) — remove or rename one of them", "yaml.duplicate-key")
                    continue
                self.out.key_marks[path + (key,)] = (kl, kc)
                result[key] = self.build(v_node, path + (key,), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _STD + "seq":
                self.problem(line, col, f"tag {_short(node.tag)} is not allowed — sources hold plain text, numbers and dates only; remove it", "yaml.tag")
                return None
            return [self.build(v, path + (i,), depth + 1) for i, v in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            self.problem(line, col, f"tag {_short(node.tag)} is not allowed — sources hold plain text, numbers and dates only; remove it", "yaml.tag")
            return None
        try:
            value = self._scalar.construct_object(node)
        except (yaml.constructor.ConstructorError, ValueError) as exc:
            if node.tag == _STD + "timestamp":
                self.problem(line, col, f"'{node.value}' is not a real date ({exc}) — write an existing date as YYYY-MM-DD", "yaml.date")
            else:
                self.problem(line, col, f"cannot read '{node.value}' ({exc}) — check the value", "yaml.value")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(line, col, f"'{node.value}' is not a finite number — give a real number", "yaml.nan")
            return None
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_NUMBER:
            self.problem(line, col, f"the number {_clip(node.value)} is too large to draw or compute with — give a number below 1e308 (or write it as text in quotes)", "yaml.number")
            return None
        if isinstance(value, _dt.datetime):
            value = value.date()
        if isinstance(value, str) and not self._printable(value, line, col):
            return None
        return value

    def _printable(self, text: str, line: int, col: int) -> bool:
        bad = _XML_INVALID.search(text)
        if bad:
            self.problem(line, col, f"the text holds control character U+{ord(bad.group()):04X} (written as an escape) — remove it; documents cannot contain control characters", "yaml.control")
            return False
        hidden = HIDDEN.search(text)
        if hidden:  # written as an escape ("\u202e"): the raw lines were checked already
            message, kind = hidden_problem(hidden.group(), "in the text (written as an escape)")
            self.problem(line, col, message, f"text.{kind}")
            return False
        return True


def _clip(s: str, n: int = 24) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _short(tag: str) -> str:
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


class _TooBig(Exception):
    pass


def decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Bytes -> text, refusing non-UTF-8 with the position of the first bad byte."""
    if raw.startswith(b"\xef\xbb\xbf"):  # a BOM is harmless: editors on Windows add it
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [Problem(file, line, col, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8 — save the file as UTF-8", "file.encoding")]


_KEY_LINE = re.compile(r"^(\s*)(- )?([^\s#:'\"{}\[\],&*!|>%@`-][^:#]*?)\s*$")


def _missing_colon(lines: list[str], line: int, exc) -> tuple[int, int] | None:
    """(line, col) of the key that lacks its colon, when the scanner's complaint comes from one.

    'title Foo' followed by 'organiser: X' reads as one plain scalar until the colon of the next
    line; 'organiser X' followed by 'place: Y' fails at 'place'. Either way the culprit is the
    nearest line above, at the same indentation as the failing key, that holds words but no colon."""
    if not (1 <= line <= len(lines)):
        return None
    here = lines[line - 1]
    indent = len(here) - len(here.lstrip(" "))
    ctx = getattr(exc, "context_mark", None)
    if ctx is not None and ctx.line + 1 < line:  # 'while scanning a simple key' started above: that is the line
        cand = lines[ctx.line]
        if ":" not in cand.split("#", 1)[0] and _KEY_LINE.match(cand):
            return ctx.line + 1, ctx.column + 1
    for n in range(line - 1, max(0, line - 40), -1):
        text = lines[n - 1]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        ind = len(text) - len(text.lstrip(" "))
        if ind < indent:
            return None
        if ind == indent:
            m = _KEY_LINE.match(text)
            if m and ":" not in text.split("#", 1)[0]:
                return n, ind + 1 + (2 if m.group(2) else 0)
            return None
    return None


def load_yaml(raw: bytes, file: str, *, settings: bool = False) -> tuple[Located | None, list[Problem]]:
    """Parse ``raw`` into located plain data; return every problem found. ``settings``: a theme,
    locale or side file, which may be empty (its data is then None) and is named so in messages."""
    if len(raw) > MAX_BYTES:
        what = "a settings file" if settings else "a source"
        return None, [Problem(file, 0, 0, f"file is {len(raw) // 1024} KB, more than the {MAX_BYTES // 1024} KB {what} may be — split it or remove embedded data", "file.size")]
    text, problems = decode(raw, file)
    if text is None:
        return None, problems
    lines = _LINE_BREAK.split(text)
    if len(lines) > 1 and not lines[-1]:
        lines.pop()  # the final line break ends the last line, as in str.splitlines()
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in lines):
        if settings:
            return Located(None, lines=lines), []
        return None, [Problem(file, 1, 1, "the file is empty — start it with 'briefdeck: 1' and the event (see docs/source-format.md)", "file.empty")]
    for n, ln in enumerate(lines, 1):
        indent = ln[: len(ln) - len(ln.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(Problem(file, n, indent.index("\t") + 1, "tab used for indentation — YAML needs spaces; replace the tab with spaces", "yaml.tab", excerpt=excerpt(lines, n, indent.index("\t") + 1)))
    for n, ln in enumerate(lines, 1):
        bad = _YAML_UNPRINTABLE.search(ln)
        if bad:
            problems.append(Problem(file, n, bad.start() + 1, f"control character U+{ord(bad.group()):04X} in the text — remove it (sources hold printable text only)", "yaml.control", excerpt=excerpt(lines, n, bad.start() + 1)))
            continue
        hidden = HIDDEN.search(ln)
        if hidden:  # refused anywhere in the file, comments too, as in a data file (hidden.py)
            message, kind = hidden_problem(hidden.group(), "in the text")
            problems.append(Problem(file, n, hidden.start() + 1, message, f"text.{kind}", excerpt=excerpt(lines, n, hidden.start() + 1)))
    if problems:
        return None, problems
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or "invalid YAML"
        hint = "check indentation, colons and quotes on this line or the one above"
        if "found duplicate anchor" in str(exc) or "undefined alias" in str(exc):
            hint = "define the anchor (&name) once before using it (*name)"
        elif "nesting depth" in str(exc):
            hint = "flatten the structure"
        missing = _missing_colon(lines, line, exc) if what in ("could not find expected ':'", "mapping values are not allowed in this context") else None
        if missing is not None:  # the scanner notices a missing colon a line late: point at the line that lacks it
            line, col = missing
            return None, [Problem(file, line, col, "YAML syntax error: this key has no ':' after it — write 'key: value'",
                                  "yaml.syntax", excerpt=excerpt(lines, line, col))]
        return None, [Problem(file, line, col, f"YAML syntax error: {what} — {hint}", "yaml.syntax", excerpt=excerpt(lines, line, col))]
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        return None, [Problem(file, 0, 0, f"YAML error: {exc} — remove control characters", "yaml.syntax")]
    if node is None:
        if settings:
            return Located(None, lines=lines), []
        return None, [Problem(file, 1, 1, "the file is empty — start it with 'briefdeck: 1'", "file.empty")]
    b = _Builder(file, lines)
    try:
        data = b.build(node, (), 0)
    except _TooBig:
        return None, [Problem(file, 1, 1, f"the document expands to more than {MAX_NODES} values (aliases repeated?) — remove the repeated aliases", "yaml.too-many-nodes")]
    except RecursionError:
        return None, [Problem(file, 1, 1, "the document nests too deeply or refers to itself — remove recursive aliases", "yaml.depth")]
    b.out.data = data
    return b.out, b.problems


def read_settings(path, shown: str, what: str, error: type, kept_in=None) -> dict:
    """A settings file a user can edit (a theme part, a locale, a template's side file) as a mapping,
    read as a source is: a regular file only, at most MAX_BYTES, aliases and nesting bounded, no
    tags, every value printable. ``error`` (ThemeError, TemplateError) carries the first problems,
    located at their line, and exits 2; ``what`` names the file in messages ("theme file").
    ``kept_in``: a cache folder (``derived/``) where the settings of a file that reads without a
    problem are kept for the next process, by its bytes (``_KeptSettings``)."""
    return _read_settings(path, shown, what, error, kept_in, named=False)[0]


def read_settings_kept(path, shown: str, what: str, error: type, kept_in=None) -> tuple[dict, Any]:
    """``read_settings``, and the name of the cache entry the settings are kept in (None where they
    cannot be: values JSON would not give back as they are). The name depends on the file's bytes
    only, so it is handed back also without ``kept_in``: a process that keeps the settings in memory
    (``safeio.per_version``, by path) notes or writes the entry for each build that takes them from
    there (``still_kept_settings``), whichever build read the file first (a build server's warm-up,
    a ``--force`` build, a check read it without a cache folder)."""
    return _read_settings(path, shown, what, error, kept_in, named=True)


def _read_settings(path, shown: str, what: str, error: type, kept_in, named: bool) -> tuple[dict, Any]:
    from .safeio import NotRegular, TooLarge, read_regular

    try:
        raw = read_regular(path, max_bytes=MAX_BYTES)
    except TooLarge as exc:
        raise _settings_error(error, [Problem(shown, 0, 0, f"the {what} is {exc.size // 1024} KB, more than the {MAX_BYTES // 1024} KB a settings file may be — remove what it need not hold", "file.size")]) from None
    except NotRegular as exc:
        raise _settings_error(error, [Problem(shown, 0, 0, f"the {what} is {exc.kind}, not a regular file — replace it with a YAML file", "file.kind")]) from None
    except OSError as exc:
        raise _settings_error(error, [Problem(shown, 0, 0, f"cannot read the {what} ({exc.strerror or exc}) — check that it exists and can be read", "file.read")]) from None
    name = _KeptSettings.name_of(raw) if named or kept_in is not None else None
    kept = _KeptSettings(name, kept_in) if kept_in is not None else None
    if kept is not None and (data := kept.read()) is not None:
        return data, name
    located, problems = load_yaml(raw, shown, settings=True)
    if problems or located is None:
        raise _settings_error(error, problems)
    data = {} if located.data is None else located.data
    if not isinstance(data, dict):
        raise _settings_error(error, [Problem(shown, 1, 1, f"a {what} must be a mapping of settings (key: value) — see the bundled one", "schema.type")])
    if not _plain(data):
        return data, None
    if kept is not None:
        kept.keep(data)
    return data, name


def still_kept_settings(folder, name: str, data: dict) -> None:
    """The entry ``name`` of ``folder`` that holds ``data`` (``read_settings_kept``) is in use by this
    build: noted (pruning keeps it), or written again where it is missing (``publish.still_kept``)."""
    from pathlib import Path

    from .publish import still_kept

    still_kept(Path(folder) / name, lambda: _KeptSettings.payload(data))


class _KeptSettings:
    """The settings read from a file's bytes, kept as JSON in a cache folder: parsing and locating
    the theme's five files is 6-10 ms of every fresh process, reading them back a tenth of it.
    Only what reads without a problem is kept (a problem is said again, from the file), and only
    plain JSON values (text keys; text, numbers, true/false, null, lists, mappings: what a settings
    file holds), so that what is read back is what the parse made, types and order included. Keyed
    by the bytes and by the code that reads them (this module, PyYAML's version)."""

    def __init__(self, name: str, folder):
        from pathlib import Path

        self.path = Path(folder) / name

    @staticmethod
    def name_of(raw: bytes) -> str:
        """The entry's name in any cache folder: a hash of the file's bytes and of the reading code."""
        import hashlib
        from pathlib import Path

        from .versions import code_digest

        reader = code_digest((Path(__file__), Path(__file__).with_name("hidden.py")), ("PyYAML",))
        return f"settings-{hashlib.sha256(reader + raw).hexdigest()}.json"

    def read(self):
        import json

        from .publish import distrust, read_kept

        payload = read_kept(self.path)
        if payload is None:
            return None
        try:
            data = json.loads(payload)
        except (ValueError, RecursionError):
            data = None
        if not isinstance(data, dict):
            distrust(self.path, "holds no settings")
            return None
        return data

    def keep(self, data: dict) -> bool:
        """Keep ``data`` (plain: ``_plain``); whether it is kept (``publish.keep_file``)."""
        from .publish import keep_file

        return keep_file(self.path, self.payload(data))

    @staticmethod
    def payload(data: dict) -> bytes:
        import json

        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _plain(v) -> bool:
    """Whether JSON gives ``v`` back as it is: only text keys, and values of JSON's own types."""
    t = type(v)
    if t is dict:
        return all(type(k) is str and _plain(x) for k, x in v.items())
    if t is list:
        return all(_plain(x) for x in v)
    return t in (str, int, float, bool) or v is None


def _settings_error(error: type, problems: list[Problem]):
    """``error`` with every problem on its own line (file:line:col: message [code]), and its file."""
    shown = [p.format().replace(": error: ", ": ", 1) for p in problems[:20]]
    exc = error("\n".join(shown) + (f"\n... and {len(problems) - 20} more problems" if len(problems) > 20 else ""))
    exc.file = problems[0].file if problems else ""
    return exc
