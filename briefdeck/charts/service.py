"""ChartService: a chart for a target at a size, drawn once, cached by content hash."""
from __future__ import annotations

import functools
import hashlib
import json
import math
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Optional

from ..dataclass_code import dataclass
from .. import __version__
from ..errors import RenderError
from ..cache import note
from ..publish import distrust, keep_file, read_kept, sha256_file
from .format import typographic_spec
from .registry import KINDS, Look, Part
from .style import TARGETS, ChartStyle, chart_style, style_inputs

_PKG = Path(__file__).resolve().parent


@dataclass(frozen=True)
class RenderedChart:
    svg: bytes  # vector, text as <text> in the target's theme font
    png: Optional[bytes]  # slide target only: raster fallback at >= 2x slide resolution
    width_in: float
    height_in: float
    key: str  # content hash: same key, same bytes


Job = tuple[Any, str, float, float]  # (Figure or ChartSpec, target, width_in, height_in)


class ChartService:
    """Renders charts for the brief ("page") and the deck ("slide").

    ``cache_dir`` keeps ``<key>.svg``/``<key>.png`` between builds; a hit reads the files
    and imports no matplotlib. ``jobs`` > 1 draws cache misses in a process pool.
    ``stats`` counts what each call did: {"drawn": n, "cached": n}.
    """

    def __init__(self, theme, cache_dir: Path | None = None, jobs: int = 1, refresh: bool = False):
        self.theme = theme
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.refresh = refresh  # --force: draw everything anew, and write the cache for the next build
        self.jobs = max(1, int(jobs or 1))
        self.stats = {"drawn": 0, "cached": 0}
        self._styles: dict[str, ChartStyle] = {}
        self._digest: Optional[bytes] = None
        self._reprs: dict[int, tuple[Any, bytes]] = {}
        # charts drawn or read in this run, so a renderer can prefetch them all in one
        # (parallel) call and then ask for each as it lays out, even with no cache folder
        self._memo: dict[str, tuple[bytes, Optional[bytes]]] = {}
        self._answers: dict[str, Any] = {}  # parts and heights, by the figure's key

    # -- public ---------------------------------------------------------------------------
    def render(self, figure, target: str, width_in: float, height_in: float) -> RenderedChart:
        return self.render_many([(figure, target, width_in, height_in)])[0]

    def render_many(self, jobs: Iterable[Job]) -> list[RenderedChart]:
        todo = [self._check(*job) for job in jobs]
        keys = [self.key(spec, target, w, h) for spec, target, w, h in todo]
        found: dict[str, tuple[bytes, Optional[bytes]]] = {}
        misses: dict[str, tuple] = {}
        for k, job in zip(keys, todo):
            if k in found or k in misses:
                continue
            hit = self._read(k, job[1])
            if hit is not None:
                found[k] = hit
                self.stats["cached"] += 1
            else:
                misses[k] = job
        if misses:
            for k, out in zip(misses, self._draw_all(list(misses.values()))):
                found[k] = out
                self._write(k, out)
            self.stats["drawn"] += len(misses)
        results = []
        for k, (spec, target, w, h) in zip(keys, todo):
            svg, png = found[k]
            results.append(RenderedChart(svg=svg, png=png, width_in=w, height_in=h, key=k))
        return results

    def drawn(self, jobs: Iterable[Job]) -> bool:
        """Whether every chart of ``jobs`` is drawn already (in memory, or in the cache folder when it
        is trusted): asking for them draws nothing. A cache entry found damaged is drawn all the same."""
        for spec, target, w, h in (self._check(*job) for job in jobs):
            k = self.key(spec, target, w, h)
            if k in self._memo:
                continue
            if self.cache_dir is None or self.refresh:
                return False
            svg_p, png_p = self._paths(k)
            if not svg_p.is_file() or (self.style(target).png_dpi and not png_p.is_file()):
                return False
        return True

    def derive_keys(self) -> None:
        """Derive now what every chart's key starts from (the theme's chart settings, the style files,
        the drawing code: ``_config_digest``, 10-15 ms): processes forked after it inherit it instead
        of each deriving it again."""
        self._config_digest()

    def key(self, spec, target: str, width_in: float, height_in: float) -> str:
        h = hashlib.sha256(self._config_digest())
        h.update(f"|{target}|{width_in:.4f}|{height_in:.4f}|".encode())
        h.update(_kind_code(spec.kind))
        h.update(self._spec_text(spec))
        return h.hexdigest()

    def _spec_text(self, spec) -> bytes:
        """``repr(spec)``, once per spec of a build: a build asks for each chart's key four or five
        times (sizes, parts, each target), and a spec's repr holds its whole table (25 KB for a
        timeline). Specs are frozen; the memo holds each one, so its id is not reused meanwhile."""
        known = self._reprs.get(id(spec))
        if known is None or known[0] is not spec:
            known = self._reprs[id(spec)] = (spec, repr(spec).encode("utf-8"))
        return known[1]

    def parts(self, figure, target: str, width_in: float, height_in: float) -> list[Part]:
        """``figure`` cut into pieces that each fit a ``width_in`` x ``height_in`` box for
        ``target`` when it cannot be drawn whole in one (a long timeline: one slide per piece,
        its rows in order, whole labels, type never shrunk); ``[Part(every row)]`` when it
        can, or when its kind declares no ``split``. A part with ``whole`` False still does
        not fit (one event too long for the box) and says in ``lost`` what is cut.

        Measuring imports matplotlib; the answer is cached beside the charts (same key), so
        a rebuild that finds it draws and measures nothing.
        """
        spec, target, w, h = self._check(figure, target, width_in, height_in)
        kind = KINDS[spec.kind]
        every = tuple(range(len(spec.table.rows)))
        if kind.split is None or not every:
            return [Part(every, spec=spec)]
        n = len(every)

        def valid(found) -> bool:  # every row once, in order: anything else is not this chart's answer
            return isinstance(found, list) and all(isinstance(p, dict) and isinstance(p.get("rows"), list) and isinstance(p.get("whole"), bool)
                                                  and isinstance(p.get("lost"), str) for p in found) \
                and [i for p in found for i in p["rows"]] == list(range(n))

        found = self._answer(f"{self.key(spec, target, w, h)}.parts", lambda: self._measure(_parts_of, spec, target, w, h), valid)
        return [Part(tuple(int(i) for i in p["rows"]), bool(p["whole"]), str(p["lost"]), _subset(spec, p["rows"]))
                for p in found]

    def fit_height(self, figure, target: str, width_in: float, height_in: float, max_height_in: float) -> float:
        """The least height from ``height_in`` up to ``max_height_in`` (inches) at which
        ``figure`` is drawn whole in one piece (see ``parts``); ``max_height_in`` when none is
        enough, ``height_in`` for kinds that never run over. Cached like ``parts``."""
        spec, target, w, h = self._check(figure, target, width_in, height_in)
        top = max(float(max_height_in), h)
        if KINDS[spec.kind].split is None or not spec.table.rows:
            return h
        return float(self._answer(f"{self.key(spec, target, w, top)}.height-{h:.4f}", lambda: self._measure(_least_height, spec, target, w, h, top),
                                  lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and h <= v <= top))

    def _measure(self, fn, spec, target: str, *sizes):
        """``fn(spec, style, *sizes)``, which measures text: here, or, when a drawing server runs and
        the text needs matplotlib (not the built-in fonts' plain characters: ``linewidth``), by the
        server (it has the code that measures; a layout waits for it, so it goes first)."""
        from ..drawserver import current
        from .linewidth import NeedsFreeType, without_freetype

        server = current()
        if server is None:
            return fn(spec, self.style(target), *sizes)
        with without_freetype() as refused:  # here, at once, while the server may still be importing matplotlib
            try:
                answer = fn(spec, self.style(target), *sizes)
            except NeedsFreeType:
                pass
        if not refused:
            return answer
        return server.run([(_styled_job, (fn, self.theme, self._config_digest(), spec, target, *sizes))], first=True)[0]

    def _answer(self, name: str, compute, valid):
        """A JSON-able answer about a chart (its parts, the height it needs), computed once and
        kept beside the charts in the cache folder; a kept one is used only if it verifies and
        ``valid`` accepts it."""
        if name in self._answers:
            if self.cache_dir is not None:
                note(self.cache_dir / f"{name}.json")
            return self._answers[name]
        path = self.cache_dir / f"{name}.json" if self.cache_dir is not None else None
        raw = read_kept(path) if path is not None and not self.refresh else None
        if raw is not None:
            try:
                value = json.loads(raw)
            except (ValueError, RecursionError):
                value = None
            if valid(value):
                note(path)  # in use: pruning keeps it
                self._answers[name] = value
                return value
            distrust(path, "holds no answer for this chart")
        value = compute()
        self._answers[name] = value
        if path is not None:
            keep_file(path, json.dumps(value).encode("utf-8"))
        return value

    def look(self, figure, target: str = "slide") -> Optional[Look]:
        """What the picture of ``figure`` for ``target`` shows besides its data (order, highlight,
        value labels, colours: ``registry.Look``), for a native chart to show the same; None for
        a kind that declares no look. Pure Python: no drawing, no matplotlib."""
        spec = getattr(figure, "chart", figure)
        kind = KINDS.get(spec.kind)
        if kind is None or kind.look is None:
            return None
        return kind.look(typographic_spec(spec), self.style(target).for_spec(spec))

    def style(self, target: str) -> ChartStyle:
        if target not in self._styles:
            self._styles[target] = chart_style(self.theme, target)
        return self._styles[target]

    # -- internals ------------------------------------------------------------------------
    def _check(self, figure, target, width_in, height_in):
        spec = getattr(figure, "chart", figure)
        where = f" ({figure.loc})" if getattr(figure, "loc", None) else ""
        if target not in TARGETS:
            raise RenderError(f"unknown chart target '{target}'{where} — use one of: {', '.join(TARGETS)}")
        if spec.kind not in KINDS:
            raise RenderError(f"unknown chart kind '{spec.kind}'{where} — known kinds: {', '.join(sorted(KINDS))}")
        w, h = float(width_in), float(height_in)
        if not (w > 0 and h > 0 and math.isfinite(w) and math.isfinite(h)):
            raise RenderError(f"chart size {width_in} x {height_in} in{where} must be positive")
        return spec, target, w, h

    def _config_digest(self) -> bytes:
        """Everything besides the spec that changes a chart's bytes. Kept for the process by the style
        files' versions (``_DIGESTS``): they include the charts' fonts, whose bytes (~4 MB) took 8 ms to
        hash, before a --watch rebuild forks its deck."""
        if self._digest is None:
            from ..safeio import version_of

            settings = json.dumps({k: self.theme.get(k) for k in ("charts", "colours", "fonts")}, sort_keys=True, default=str)
            inputs = style_inputs(self.theme)
            seen = (settings, _mpl_version(), *((str(p), version_of(p)) for p in inputs))
            self._digest = _DIGESTS.get(seen) if all(v for _, v in seen[2:]) else None
            if self._digest is None:
                h = hashlib.sha256()
                h.update(settings.encode())
                for p in inputs:  # by their hashes: a build has them already, kept by each file's version (publish.sha256_file)
                    h.update(p.name.encode() + sha256_file(p).encode())
                h.update(_drawing_code())
                h.update(f"briefdeck {__version__} matplotlib {seen[1]}".encode())
                self._digest = h.digest()
                if all(v for _, v in seen[2:]):  # none changed a moment ago (safeio.version_of)
                    if len(_DIGESTS) >= 16:
                        _DIGESTS.clear()
                    _DIGESTS[seen] = self._digest
        return self._digest

    def _paths(self, key: str) -> tuple[Path, Path]:
        assert self.cache_dir is not None
        return self.cache_dir / f"{key}.svg", self.cache_dir / f"{key}.png"

    def _read(self, key: str, target: str):
        if key in self._memo:
            if self.cache_dir is not None:  # for this format too (each format's record lists what it uses)
                for path, data in zip(self._paths(key), self._memo[key]):
                    if data is not None:
                        note(path)
            return self._memo[key]
        if self.cache_dir is None or self.refresh:
            return None
        svg_p, png_p = self._paths(key)
        wants_png = bool(self.style(target).png_dpi)
        svg = read_kept(svg_p)
        png = read_kept(png_p) if wants_png else None  # both read: each bad one is named
        if svg is None or (wants_png and png is None):
            return None  # absent, or did not verify: drawn again, both
        if not svg.lstrip().startswith((b"<?xml", b"<svg")) or (png is not None and not png.startswith(b"\x89PNG\r\n\x1a\n")):
            distrust(svg_p, "is not an SVG and PNG pair")
            return None
        note(svg_p)  # in use: pruning keeps them
        if png is not None:
            note(png_p)
        return svg, png

    def _write(self, key: str, out: tuple[bytes, Optional[bytes]]) -> None:
        self._memo[key] = out
        if self.cache_dir is None:
            return
        svg_p, png_p = self._paths(key)
        # PNG first, SVG last: the SVG's presence marks a complete entry.
        for path, data in ((png_p, out[1]), (svg_p, out[0])):
            if data is not None:
                keep_file(path, data)

    def _draw_all(self, jobs: list[tuple]) -> list[tuple[bytes, Optional[bytes]]]:
        from ..drawserver import current
        from ..workers import pool, start_method

        server = current()
        if server is not None:  # a first build's drawing server (api.build_one): it has the drawing code
            return server.run([(_styled_job, (_drawn, self.theme, self._config_digest(), *job)) for job in jobs])
        workers = min(self.jobs, len(jobs))
        pooled = list(range(len(jobs)))
        if start_method() != "fork":  # kinds registered at run time exist only in this process
            pooled = [i for i, j in enumerate(jobs) if KINDS[j[0].kind].builtin]
        if workers < 2 or len(pooled) < 2:
            return [self._draw_here(*job) for job in jobs]
        from . import mpl  # noqa: F401  (forked workers inherit matplotlib, already imported)

        out: list = [None] * len(jobs)
        args = [(self.theme, self._config_digest(), *jobs[i]) for i in pooled]
        chunk = max(1, len(args) // (workers * 4))
        with pool(workers) as executor:
            for i, res in zip(pooled, executor.map(_draw_job, args, chunksize=chunk)):
                out[i] = res
        for i, job in enumerate(jobs):
            if out[i] is None:
                out[i] = self._draw_here(*job)
        return out

    def _draw_here(self, spec, target, w, h):
        from .mpl import draw

        return draw(KINDS[spec.kind], spec, self.style(target), w, h)


_WORKER_STYLES: dict = {}


def _draw_job(args) -> tuple[bytes, Optional[bytes]]:
    theme, digest, spec, target, w, h = args
    return _styled_job((_drawn, theme, digest, spec, target, w, h))


def _styled_job(args):
    """``fn(spec, style, *sizes)`` in a worker, with the target's style made once per theme."""
    fn, theme, digest, spec, target, *sizes = args
    sk = (digest, target)  # the theme's content, not its name: two projects may both have "default"
    if sk not in _WORKER_STYLES:
        _WORKER_STYLES[sk] = chart_style(theme, target)
    return fn(spec, _WORKER_STYLES[sk], *sizes)


def _warm_up(jobs: list) -> None:
    """A drawing server's warm-up before it forks its workers (``drawserver._warm_up``): the first
    job's style made, and what a first drawing does besides drawing (``mpl.warm_up``), once."""
    fn, theme, digest, spec, target, *_ = jobs[0]
    sk = (digest, target)
    if sk not in _WORKER_STYLES:
        _WORKER_STYLES[sk] = chart_style(theme, target)
    if fn is _drawn:
        from .mpl import warm_up

        warm_up([KINDS[k] for k in dict.fromkeys(j[3].kind for j in jobs if j[0] is _drawn and j[3].kind in KINDS)],
                spec, _WORKER_STYLES[sk])


def _cost(job) -> float:
    """A guess at how long a drawing job takes, only to order a request's jobs (one target's) longest
    first (``drawserver._longest_first``): the one with more to draw first, by its spec's text and
    coordinates (a map's borders, a long table)."""
    fn, _, _, spec, *_ = job
    return float(len(repr(spec))) if fn is _drawn else 0.0


_styled_job.warm_up = _warm_up  # type: ignore[attr-defined]
_styled_job.cost = _cost  # type: ignore[attr-defined]


def _drawn(spec, style, w: float, h: float) -> tuple[bytes, Optional[bytes]]:
    from .mpl import draw

    return draw(KINDS[spec.kind], spec, style, w, h)


def _parts_of(spec, style, w: float, h: float) -> list[dict]:
    """The pieces of ``spec`` that each fit ``w`` x ``h`` (``ChartService.parts``), as kept."""
    return [{"rows": list(p.rows), "whole": p.whole, "lost": p.lost}
            for p in KINDS[spec.kind].split(typographic_spec(spec), style.for_spec(spec), w, h)]


def _least_height(spec, style, w: float, h: float, top: float) -> float:
    """The least height from ``h`` up to ``top`` at which ``spec`` is drawn whole (``fit_height``)."""
    split, typeset, style = KINDS[spec.kind].split, typographic_spec(spec), style.for_spec(spec)

    def whole(height: float) -> bool:
        parts = split(typeset, style, w, height)
        return len(parts) == 1 and parts[0].whole

    if whole(h):
        return h
    if not whole(top):
        return top
    lo, hi = h, top
    while hi - lo > 0.02:  # inches
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if whole(mid) else (mid, hi)
    return min(top, math.ceil(hi * 50) / 50)  # a round size: the same key next time


def _subset(spec, rows: tuple[int, ...]):
    """``spec`` with only the given rows of its table (in the order given)."""
    table = spec.table
    return replace(spec, table=replace(table, rows=tuple(table.rows[i] for i in rows)))


def _mpl_version() -> str:
    mod = sys.modules.get("matplotlib")
    from ..versions import version

    return getattr(mod, "__version__", None) or version("matplotlib") or "none"


# a process's chart settings digests (ChartService._config_digest), by the settings and the versions of the style files
_DIGESTS: dict[tuple, bytes] = {}


@functools.cache
def _drawing_code() -> bytes:
    """The drawing code itself (this package's files, named), read once a process: the code that
    draws is the code this process imported, and a process that builds again and again (--watch,
    ``briefdeck serve``) read all 30-odd files again for every build's first key (7 ms)."""
    return b"".join(p.relative_to(_PKG).as_posix().encode() + p.read_bytes() for p in sorted(_PKG.rglob("*.py")))


def _kind_code(name: str) -> bytes:
    """A custom kind's code is part of the key (built-ins are covered by the package digest)."""
    kind = KINDS.get(name)
    if kind is None or kind.builtin:
        return name.encode()
    fn = kind.draw
    code = getattr(fn, "__code__", None)
    return f"{name}|{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', '')}|".encode() + (
        code.co_code + repr(code.co_consts).encode() if code else b""
    )
