"""The one public entry point: build(sources, options) -> results.

Per source: fingerprint the inputs (cheap: hashes only, no heavy imports); if the build
record beside the outputs matches and the outputs are intact, nothing is written. Otherwise
load and validate the source, present it (the words both outputs share), let every requested
renderer prepare, draw every chart of every format in one batch, render each format to a
temporary file, and publish them together; the manifest is written last. Renderers are
imported only when needed, so checks and no-op rebuilds never pay for reportlab, python-pptx
or matplotlib.
"""
from __future__ import annotations

import contextlib
import dataclasses
import errno
import datetime as _dt
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from . import ahead, babelkept, publish, render
from .assets import Assets
from .buildrecord import SHARED_LIBS as _SHARED_LIBS, fingerprint as _fingerprint, hashes_entry, options_key as _options_key, record_of, versions as _versions  # noqa: F401
from .cache import DEFAULT_LIMIT_MB, root as cache_root, take_used, take_used_under, touch
from .hidden import UNPRINTABLE, escaped
from .errors import BriefdeckError, Problem, RenderError, SourceError, UsageError
from .publish import STATE_DIR, clean_temp_files, commit, json_bytes, output_lock, read_record, record_path, sha256_file, temp_path
from .render import RENDERERS
from .manifest import write_manifest
from .shard import Shard

@dataclass(frozen=True)
class Options:
    formats: tuple[str, ...] = ("pdf", "pptx", "html")
    out_dir: Path = Path("output")
    settings: tuple[tuple[str, Any], ...] = ()  # renderer options by name (paper, template, slides...)
    force: bool = False
    strict: bool = False
    check_only: bool = False
    jobs: int = 1
    wait: float = 0.0
    shard: Optional[Shard] = None  # --shard K/N: build only the sources of this shard (shard.py)
    cache_dir: Optional[Path] = None  # --cache DIR: a cache shared by several projects or machines (cache.py)
    cache_limit_mb: int = DEFAULT_LIMIT_MB  # a shared cache's charts are pruned, least recently used first, down to this
    requested: tuple[str, ...] = ()  # every format asked for, when ``formats`` holds only those out of date

    def setting(self, name: str) -> Any:
        return dict(self.settings).get(name)


@dataclass
class Artefact:
    path: Path
    format: str
    status: str  # "built" (rewritten) | "unchanged" (rebuilt, same bytes: the file is left alone) | "up-to-date" (not rebuilt)
    size: int = 0
    sha256: str = ""
    count: int = 0  # in the renderer's unit (pages, slides)

    def as_json(self) -> dict:
        r = RENDERERS[self.format]
        return {"path": self.path.name, "format": self.format, "size": self.size, "sha256": self.sha256, r.unit: self.count}


@dataclass
class SourceResult:
    source: Path
    artefacts: list[Artefact] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error: Optional[BriefdeckError] = None
    inputs: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


Log = Callable[[str, dict], None]


def _editions(src: str, opts: Options, fmt: str) -> tuple[tuple[str, str], ...]:
    """The other formats built beside ``fmt`` from one source, with their file names."""
    stem = Path(src).stem
    return tuple((f, f"{stem}{RENDERERS[f].suffix}") for f in opts.requested or opts.formats if f != fmt)


def _up_to_date(src: Path, opts: Options) -> tuple[list[Artefact], list[str]]:
    """``_recorded``, or nothing up to date when the record has another shape (damaged, edited).
    The files' hashes an earlier build kept are remembered first (not with --force), and those
    looked up are kept for the next build: here when nothing is built, else with the record."""
    publish.take_seen()  # this build's from here on
    if not opts.force:
        publish.recall_hashes(_hashes_entry(src, opts))
    try:
        fresh, stale = _recorded(src, opts)
    except (TypeError, AttributeError, KeyError, ValueError):
        return [], list(opts.formats)
    if not stale:
        publish.keep_hashes(_hashes_entry(src, opts))
    return fresh, stale


def _hashes_entry(src: Path, opts: Options) -> Path:
    return hashes_entry(derived_dir(opts.out_dir, opts.cache_dir), src, opts.out_dir)


def _recorded(src: Path, opts: Options) -> tuple[list[Artefact], list[str]]:
    """The artefacts the build record shows up to date -- none of the inputs that format read has
    changed, and the file is intact -- and the formats to build. Each format keeps the hashes of
    its own inputs: a change to one format's theme part (``html.yaml``) rebuilds only that format."""
    rec = read_record(opts.out_dir, src.stem)
    every = list(opts.formats)
    if not rec or opts.force or rec.get("versions") != _versions():
        return [], every
    assets = Assets.for_source(src)
    root = assets.project
    if rec.get("source") != assets.key(src, root):
        return [], every
    entries = {fmt: rec.get("outputs", {}).get(fmt) or {} for fmt in opts.formats}
    current = _fingerprint(sorted({k for e in entries.values() for k in e.get("inputs", {})}), assets, root)
    fresh, stale = [], []
    for fmt, entry in entries.items():
        own = entry.get("inputs")
        if not own or entry.get("options") != _options_key(opts, fmt) or any(current.get(k) != v for k, v in own.items()):
            stale.append(fmt)
            continue
        path = opts.out_dir / entry["path"]
        try:
            intact = path.stat().st_size == entry["size"] and sha256_file(path) == entry["sha256"]
        except OSError:
            intact = False
        if not intact:
            stale.append(fmt)
            continue
        fresh.append(Artefact(path, fmt, "up-to-date", entry["size"], entry["sha256"], entry.get("count", 0)))
    return fresh, stale


def _epoch_date(doc):
    """SOURCE_DATE_EPOCH, when set, stamps the outputs instead of the source's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return doc
    try:
        day = _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp — unset it or give seconds since 1970") from None
    return dataclasses.replace(doc, meta=dataclasses.replace(doc.meta, updated=day))


def check(sources: list[Path]) -> list[SourceResult]:
    """Validate sources without writing anything."""
    from .load import load_document
    from .theme import load_theme

    results = []
    for src in sources:
        res = SourceResult(src)
        try:
            doc = load_document(src)
            res.warnings.extend(doc.warnings)
            load_theme(doc.meta.theme, Assets.for_source(src))  # its files are read as a build reads them
        except BriefdeckError as exc:
            res.error = exc
        results.append(res)
    return results


def _make(fmt: str, view, theme, opts: Options, charts, tmp: Path, drawn_only: bool = False, aside: Optional[Callable] = None):
    """One format from the view to its temporary file: plan, draw its charts (cached ones are read),
    render. Returns (RenderResult or the OSError that stopped it, the files it read beside the source,
    the names of the cache entries it read or wrote: its record lists them, so pruning keeps them).
    ``drawn_only``: None, having made nothing, when a chart it needs is not drawn yet. ``aside``:
    draws the charts of a format that lays out meanwhile (``drawings_later``) in another process."""
    prepared = RENDERERS[fmt].prepare(view, theme=theme, options={**dict(opts.settings), "editions": _editions(view.doc.source_path, opts, fmt)}, charts=charts,
                                      cache_dir=derived_dir(opts.out_dir, opts.cache_dir))
    requests = prepared.chart_requests()
    if drawn_only and not charts.drawn(requests):
        take_used()  # what it looked at is noted by the process that makes it
        return None
    if aside is not None and hasattr(prepared, "drawings_later"):
        prepared.drawings_later = aside(prepared, requests)
    else:
        charts.render_many(requests)
    inputs = [str(p) for p in prepared.inputs()]
    try:
        made = prepared.render(tmp, charts)
    except OSError as exc:
        made = OSError(exc.errno, exc.strerror)
    _touch_derived(opts)  # here: a forked format's notes die with it
    return made, inputs, take_used(charts.cache_dir)


def derived_dir(out_dir: Path, cache_dir: Optional[Path] = None) -> Path:
    """Where renderers keep what they derived from their inputs (a template's analysis) as plain data."""
    return cache_root(out_dir, cache_dir) / "derived"


def _touch_derived(opts: Options) -> None:
    """The entries of derived/ this process noted since are in use: marked so (pruning by use keeps them)."""
    touch(take_used_under(derived_dir(opts.out_dir, opts.cache_dir)))


def charts_dir(opts: Options) -> Path:
    """Where the chart service keeps drawn charts: ``--cache DIR``/charts, or the output folder's."""
    return cache_root(opts.out_dir, opts.cache_dir) / "charts"


_FORKED: dict = {}  # what a forked format process needs; it arrives by fork, never pickled


def _none_drawn(doc, opts: Options, charts) -> bool:
    """A first (or forced) build of a document's charts: none of them can be in the cache folder."""
    return bool(doc.charted_figures) and (opts.force or not charts.cache_dir.is_dir())


def _make_forked(group: tuple[str, ...], drawn_only: bool = False, jobs: int = 0, offer: tuple[str, ...] = ()):
    if offer:  # the offer (``_make_formats``) answered first, sent early: read by ``Forked.early``
        from .workers import send
        send(_make_forked(offer, True))
    out = {}
    for fmt in group:
        view, theme, opts, charts, tmp = _FORKED[fmt]
        charts.jobs = jobs or opts.jobs  # its own pool for its misses: the deck draws a PNG beside each SVG, the most work
        made = _make(fmt, view, theme, opts, charts, tmp, drawn_only)
        if made is not None:
            out[fmt] = made
    return out


def _charts_aside(fmt: str, prepared, requests: list, followers: tuple[str, ...]):
    """In a process forked once ``fmt`` (the brief) knows its charts' sizes: they are drawn and
    converted for it (``kept_drawings``) and sent back with the cache entries that made them (its
    record lists them); then the formats that share them (the web page) are made here, from them."""
    from . import cache, workers

    take_used()
    charts = _FORKED[fmt][3]
    charts.jobs = 1  # no pool: the brief lays out beside it, and the deck's process draws in a pool of its own
    charts.render_many(requests)
    workers.send((prepared.kept_drawings(charts), cache.take_used_under(charts.cache_dir)))
    take_used()  # the brief's: the followers note their own
    return _make_forked(followers, jobs=1)


def _process_groups(formats) -> list[tuple[str, ...]]:
    """``formats`` in the groups that are made one after the other in one process: the formats whose
    charts are drawn for the same target (the brief and the web page: "page"), so that the later ones
    find the earlier one's drawings in the chart service's memory instead of drawing them again (with
    --force nothing is read from the cache folder, and a sibling process's drawings are not in this
    one's memory). In the order of ``formats``, each group where its first format stands."""
    groups: dict[str, list[str]] = {}
    for fmt in formats:
        groups.setdefault(RENDERERS[fmt].chart_target, []).append(fmt)
    return [tuple(g) for g in groups.values()]


def _make_formats(opts: Options, view, theme, pending: list, charts) -> dict:
    """Every format made to its temporary file: the first group of formats (``_process_groups``) here,
    the others at the same time in forked processes when --jobs allows (a brief and a deck plan, draw
    and lay out independently; the view arrives by fork). Results by format: (RenderResult or OSError,
    input files, cache entries used)."""
    from .workers import forked, start_method

    _touch_derived(opts)  # the theme's settings (theme._read)
    take_used()  # what each format uses is noted from here
    tmps = {fmt: tmp for fmt, (tmp, _) in zip(opts.formats, pending)}
    groups = _process_groups(opts.formats)
    cold = _none_drawn(view.doc, opts, charts)
    if view.doc.charted_figures:  # the charts' keys: derived once, here, for every process forked below
        charts.derive_keys()
    if ahead.hand_over(tmps, (view, theme, opts, charts)):  # the brief is made in the process ahead, the others here meanwhile
        return ahead.made_beside(lambda fmt, only: _make(fmt, view, theme, opts, charts, tmps[fmt], only), opts.formats, groups[0][1:])
    if opts.jobs < 2 or (len(groups) < 2 and not cold) or start_method() != "fork":
        return {fmt: _make(fmt, view, theme, opts, charts, tmps[fmt]) for fmt in opts.formats}
    out: dict = {}
    # The formats that follow the first of their group (the web page after the brief) are offered to the
    # forked processes first: made there when every chart they need is drawn (a prose edit), off the
    # brief's path, the longest, else here after the brief, from its drawings. Not on a first or forced
    # build: the brief's charts are drawn in a process of their own, which then makes the web page from
    # them while the brief measures its layouts (``aside``, _charts_aside).
    offered = () if cold else groups[0][1:]
    _FORKED.clear()
    _FORKED.update({fmt: (view, theme, opts, charts, tmps[fmt]) for fmt in offered + tuple(f for g in groups[1:] for f in g)})
    # the other groups in at most jobs - 1 processes, a process making its groups one after the other;
    procs = min(opts.jobs, len(groups)) - 1
    shares = [tuple(f for g in groups[1 + i::procs] for f in g) for i in range(procs)]
    # the offer in a process of its own (it answers at once when it declines); in a warm process (--watch), whose
    # deck is quick, in the deck's, first: a process forked less, and one less beside the brief on 2 cores
    along = bool(render.keeping() and offered and shares)
    calls = [(_make_forked, (share, False, 0, offered if along and not i else ())) for i, share in enumerate(shares)] + \
        ([(_make_forked, (offered, True))] if offered and not along else [])
    late, following = contextlib.ExitStack(), []

    def aside(prepared, requests):
        from . import cache

        _FORKED.update({f: (view, theme, opts, charts, tmps[f]) for f in groups[0]})
        following.extend(late.enter_context(forked([(_charts_aside, (groups[0][0], prepared, requests, groups[0][1:]))])))

        def wait() -> list:
            drawings, used = following[0].early()
            for path in used:
                cache.note(Path(path))
            return drawings

        return wait

    try:
        with late, forked(calls) as children:
            taken = (children[0] if along else children[len(shares)]) if offered else None
            jobs, charts.jobs = charts.jobs, max(1, opts.jobs - len(shares))
            try:
                for fmt in groups[0][:1]:
                    out[fmt] = _make(fmt, view, theme, opts, charts, tmps[fmt], aside=None if offered else aside)
                if taken is not None:
                    out.update(taken.early() if along else taken.result())
                for child in following:  # the charts' process, which made the followers
                    out.update(child.result())
                for fmt in groups[0][1:]:  # what was not offered, or was declined
                    if fmt not in out:
                        out[fmt] = _make(fmt, view, theme, opts, charts, tmps[fmt])
            finally:
                charts.jobs = jobs
            for child in children[:len(shares)]:
                out.update(child.result())
    finally:
        _FORKED.clear()
    return {fmt: out[fmt] for fmt in opts.formats}


def _keep_warm(opts: Options, view, theme, results: dict) -> None:
    """After a build in a process that builds again and again: what a format made in a forked process derives
    from its inputs, derived here once per version of them, so the next rebuild's process inherits it (a renderer's
    ``keep_warm``: the deck's template, and the slides it made). Best effort: the build has said what is wrong."""
    for fmt in opts.formats:
        keep = getattr(RENDERERS[fmt].load(), "keep_warm", None)
        if keep is not None:
            with contextlib.suppress(BriefdeckError, OSError):
                keep(view, theme=theme, options=dict(opts.settings), cache_dir=derived_dir(opts.out_dir, opts.cache_dir), made=results[fmt][0])


def warm_up(opts: Options) -> None:
    """For a process that builds again and again (--watch): import every renderer of ``opts`` and
    the chart drawing code once, here, so the processes forked for each rebuild start with them
    instead of importing them anew (python-pptx alone takes 0.1-0.15 s, matplotlib 0.5 s); and,
    after each build, what the forked formats derive from their inputs (``_keep_warm``). (The
    hashes of files that do not change are kept by every build: ``build``.)"""
    for fmt in opts.formats:
        RENDERERS[fmt].load()
    from .charts import mpl  # noqa: F401

    render.KEEPING[:] = [True]  # from now on every build keeps what it made for the next (render.keeping)


def _draw_aside(stack: contextlib.ExitStack, jobs: int) -> bool:
    """Whether a server (drawserver.py) draws and measures this build's charts until ``stack`` is
    closed: not where the drawing code is imported already (--watch, a warm process), nor where none
    can run."""
    from . import drawserver
    from .workers import start_method

    if "briefdeck.charts.mpl" in sys.modules or start_method() != "fork" or not drawserver.available():
        return False
    stack.enter_context(drawserver.serving("briefdeck.charts.mpl", jobs))  # as many workers as a pool has
    return True


def strict_failure(warnings: list[Problem]) -> SourceError:
    """--strict: every warning becomes an error at its own place."""
    return SourceError([dataclasses.replace(w, severity="error", message=f"--strict: {w.message}") for w in warnings])


def build_one(src: Path, opts: Options, log: Log) -> SourceResult:
    with contextlib.ExitStack() as drawing:  # a first build's drawing server, gone when the source is built
        return _build_one(src, opts, log, drawing)


def _build_one(src: Path, opts: Options, log: Log, drawing: contextlib.ExitStack) -> SourceResult:
    res = SourceResult(src)
    fresh, stale = _up_to_date(src, opts)
    for a in fresh:
        log("up-to-date", {"source": str(src), "path": str(a.path), "size": a.size})
    if not stale:
        res.artefacts = fresh
        return res
    order = list(opts.formats)
    opts = dataclasses.replace(opts, formats=tuple(stale), requested=opts.requested or tuple(order))  # only what is out of date is made again
    from .charts import ChartService  # before the server forks: it needs it too

    several = opts.jobs > 1 and len(opts.formats) > 1
    # a first (or forced) build draws every chart: a drawing server starts now, before the source is
    # loaded, and imports the drawing code meanwhile (stopped below if there is none to draw)
    serving = several and (opts.force or not charts_dir(opts).is_dir()) and _draw_aside(drawing, opts.jobs)
    ahead.start(drawing, opts, charts_dir(opts).is_dir(), _make)  # where it pays, the brief's process imports its renderer meanwhile
    from .load import load_document
    from .locale import load_locale
    from .present import view_of
    from .theme import load_theme

    assets = Assets.for_source(src)
    doc = _epoch_date(load_document(src))
    res.warnings.extend(doc.warnings)
    if opts.strict and doc.warnings:
        raise strict_failure(list(doc.warnings))
    theme = load_theme(doc.meta.theme, assets, kept_in=None if opts.force else derived_dir(opts.out_dir, opts.cache_dir))
    view = view_of(doc, load_locale(assets, doc.meta.language), theme)
    charts = ChartService(theme, cache_dir=charts_dir(opts), jobs=opts.jobs, refresh=opts.force)
    if several and _none_drawn(doc, opts, charts):
        if not serving:  # matplotlib imported once, here: both format processes fork with it (0.45 s of CPU each otherwise)
            from .charts import mpl  # noqa: F401
    elif serving:
        drawing.close()  # nothing to draw after all
    if opts.force and opts.cache_dir is None:  # derive everything anew; what is derived now is kept for the next build
        shutil.rmtree(derived_dir(opts.out_dir), ignore_errors=True)  # (a shared cache is others' too: its entries stay)
    pending = [(temp_path(f), f) for f in _outputs_of(src, opts)]
    read = [Path(p) for p in doc.inputs] + [Path(p) for p in (doc.meta.template, opts.setting("template")) if p] + list(theme.files)
    _refuse_overwriting_inputs([f for _, f in pending], read)
    counts = {}
    own_warnings: list[Problem] = []
    try:
        results = _make_formats(opts, view, theme, pending, charts)
        drawing.close()
        for fmt, (_, final) in zip(opts.formats, pending):
            result = results[fmt][0]
            if isinstance(result, OSError):
                raise RenderError(f"{final}: cannot write the {fmt.upper()} ({result.strerror}) — check free space and permissions; the previous output is kept") from None
            counts[fmt] = result.count
            own_warnings.extend(result.warnings)
        res.warnings.extend(own_warnings)
        if opts.strict and own_warnings:
            raise strict_failure(own_warnings)
        made = {final: (tmp.stat().st_size, sha256_file(tmp)) for tmp, final in pending}
        # an output whose new bytes equal the file in place is left alone, time included (a
        # deck-only edit does not touch the brief: rsync, a CMS or a CDN sees nothing new);
        # the changed ones appear together, or none, and the record after them, flushed to disk with them
        changed = [(tmp, final) for tmp, final in pending if not _same_file(final, *made[final])]
        record = record_of(src, opts, assets, doc, theme, results, made, counts, [f for _, f in pending], read_record(opts.out_dir, src.stem) or {})
        rec = record_path(opts.out_dir, src.stem)
        pending.append((temp_path(rec), rec))  # (its temporary file removed below as theirs are)
        pending[-1][0].write_bytes(json_bytes(record))
        commit(changed + pending[-1:])
    finally:
        for tmp, _ in pending:
            if tmp.exists():
                tmp.unlink()
    publish.keep_hashes(_hashes_entry(src, opts))
    replaced = {final for _, final in changed}
    built = []
    for fmt, (_, final) in zip(opts.formats, pending):
        status = "built" if final in replaced else "unchanged"
        built.append(Artefact(final, fmt, status, *made[final], counts[fmt]))
        log(status, {"source": str(src), "path": str(final), "size": made[final][0]})
    res.artefacts = sorted(fresh + built, key=lambda a: order.index(a.format))
    res.inputs = record["inputs"]
    if render.keeping():
        _keep_warm(opts, view, theme, results)
    return res


def _same_file(path: Path, size: int, sha256: str) -> bool:
    """Whether the file at ``path`` holds exactly these bytes (False when it is missing)."""
    try:
        return path.stat().st_size == size and sha256_file(path) == sha256
    except OSError:
        return False


def _outputs_of(src: Path, opts: Options) -> list[Path]:
    return [opts.out_dir / f"{src.stem}{RENDERERS[fmt].suffix}" for fmt in opts.formats]


def _is_same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(os.path.abspath(a)) == Path(os.path.abspath(b))


def check_outputs(sources: list[Path], opts: Options) -> None:
    """Refuse, before anything is written, a build whose outputs would overwrite one of its sources
    or each other (two sources with the same name in different folders)."""
    overwritten = _SourceFiles(sources)
    by_output: dict[Path, Path] = {}
    for src in sources:
        if UNPRINTABLE.search(src.name):  # the output's name would read otherwise than it is (U+202E) or break a log line
            raise UsageError(f"the file name {escaped(str(src))} holds a control, bidirectional or invisible character — "
                             f"rename the file; nothing was written")
        for out in _outputs_of(src, opts):
            key = Path(os.path.abspath(out))
            other = by_output.get(key)
            if other is not None and not _is_same_file(other, src):
                raise UsageError(f"{escaped(str(other))} and {escaped(str(src))} would both be written to {escaped(str(out))} — rename one of them, or build them "
                                 f"into different folders with --out; nothing was written")
            by_output[key] = src
            s = overwritten.by(out)
            if s is not None:
                raise UsageError(f"the output {escaped(str(out))} would overwrite the source {escaped(str(s))} — choose another --out folder; nothing was written")


class _SourceFiles:
    """Which source, if any, a path is: the same file (device and inode) when the path exists, else
    the same absolute path; the first such source in the given order. Each source is looked at
    once (comparing every output with every source took 43 s at 1,000 sources)."""

    def __init__(self, sources: list[Path]):
        self.by_id: dict[tuple[int, int], int] = {}
        self.by_path: dict[Path, int] = {}  # every source
        self.unstated: dict[Path, int] = {}  # the sources that cannot be looked at (missing): by path
        for i, s in enumerate(sources):
            where = Path(os.path.abspath(s))
            self.by_path.setdefault(where, i)
            try:
                st = os.stat(s)
            except OSError:
                self.unstated.setdefault(where, i)
                continue
            self.by_id.setdefault((st.st_dev, st.st_ino), i)
        self.sources = sources

    def by(self, path: Path) -> Optional[Path]:
        where = Path(os.path.abspath(path))
        if not path.exists():
            found = [self.by_path.get(where)]
        else:
            try:
                st = os.stat(path)
                found = [self.by_id.get((st.st_dev, st.st_ino)), self.unstated.get(where)]
            except OSError:  # gone meanwhile: by its path, as for a missing file
                found = [self.by_path.get(where)]
        hits = [i for i in found if i is not None]
        return self.sources[min(hits)] if hits else None


def _refuse_overwriting_inputs(finals: list[Path], inputs: list[Path]) -> None:
    """An output must not replace a file the build reads (a data file, a template, a font)."""
    for out in finals:
        if not out.exists():
            continue
        for p in inputs:
            if _is_same_file(out, p):
                raise UsageError(f"the output {escaped(str(out))} would overwrite {escaped(str(p))}, which this build reads — choose another --out "
                                 f"folder; nothing was written")


def build(sources: list[Path], opts: Options, log: Optional[Log] = None) -> list[SourceResult]:
    """Build every source; a failing source does not stop the others."""
    heard = log is not None
    log = log or (lambda event, data: None)
    for fmt in opts.formats:
        if fmt not in RENDERERS:
            raise UsageError(f"unknown format '{fmt}' — use one of: {', '.join(RENDERERS)}")
    if opts.shard is not None:
        mine = in_shard(sources, opts.shard)
        log("shard", {"shard": str(opts.shard), "sources": len(mine), "of": len(sources),
                      "message": f"shard {opts.shard}: {len(mine)} of {len(sources)} sources"})
        sources = mine
    if opts.check_only:
        return check(sources)
    check_outputs(sources, opts)
    publish.remember_hashes()  # each input is hashed before a build and again for its record: a settled one once
    part = opts.shard.manifest_name if opts.shard is not None else None
    with output_lock(opts.out_dir, opts.wait, part=part), _cache_problems_to(log if heard else None):
        from .mplconfig import matplotlib_home

        started = time.time()
        matplotlib_home(opts.out_dir / STATE_DIR)
        # a shard cleans up only after itself: other shards may be writing in the folder
        own = None if part is None else {f"{s.stem}{x}" for s in sources for x in (*(r.suffix for r in RENDERERS.values()), ".record.json")} | {part}
        for p in clean_temp_files(opts.out_dir, own):
            log("cleaned", {"path": str(p)})
        babelkept.use(derived_dir(opts.out_dir, opts.cache_dir), read=not opts.force)  # babel's data for the locales, merged (babelkept.py)
        try:
            if opts.jobs > 1 and len(sources) > 1:
                results = _build_parallel(sources, opts, log)
            else:
                results = [_build_guarded(src, opts, log) for src in sources]
            babelkept.keep()
        except BaseException:  # stopped (SIGTERM, Ctrl-C) or failed: no temporary file outlives the run
            clean_temp_files(opts.out_dir, own)
            raise
        finally:
            babelkept.use(None)
        write_manifest(opts.out_dir, results, opts.shard)
        _prune(opts, results, started, log)
    return results


def in_shard(sources: list[Path], shard: Shard) -> list[Path]:
    """The sources of ``shard``: by a hash of each source's path within its project (shard.py)."""
    return [s for s in sources if shard.holds(Assets.for_source(s).key(s))]


def _prune(opts: Options, results: list[SourceResult], started: float, log: Log) -> None:
    """Bound the chart cache after a build (cache.py says how, for the default and a shared cache)."""
    from . import cache

    charts = charts_dir(opts)
    if opts.cache_dir is None:
        removed = cache.prune_unrecorded(opts.out_dir, charts, started=started, shared=opts.shard is not None)
    else:
        used = sorted({name for r in results if r.ok for out in (read_record(opts.out_dir, r.source.stem) or {}).get("outputs", {}).values()
                       for name in out.get("cache", ())})
        cache.mark_used(charts, used)
        removed = cache.prune_to_limit(charts, opts.cache_limit_mb << 20, keep=used)
    if removed:
        log("pruned", {"path": str(charts), "removed": removed})
    derived = derived_dir(opts.out_dir, opts.cache_dir)
    if removed := cache.prune_derived(derived, cache.DERIVED_LIMIT_MB << 20, since=started):
        log("pruned", {"path": str(derived), "removed": removed})


@contextlib.contextmanager
def _cache_problems_to(log: Optional[Log]):
    """A cache entry that does not verify is said in the build's log, as a located warning (it
    never counts under --strict: the build does not use it, and its outputs are the same)."""
    if log is None:
        yield
        return
    before = publish.cache_problem
    publish.cache_problem = lambda path, what: log("problem", {"problem": Problem(str(path), 0, 0, what, "cache.corrupt", "warning")})
    try:
        yield
    finally:
        publish.cache_problem = before


def os_error(exc: OSError) -> RenderError:
    """An operating system's refusal as a plain message naming the file and what to check."""
    what = exc.strerror or str(exc)
    where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
    hint = {errno.ENOSPC: "free some space", errno.EROFS: "the file system is read-only: choose another --out folder",
            errno.EACCES: "check the permissions", errno.EPERM: "check the permissions",
            errno.EDQUOT: "free some space (the disk quota is full)"}.get(exc.errno, "check the folder, free space and permissions")
    err = RenderError(f"{where}{what} — {hint}; the previous outputs are unchanged")
    err.file = str(exc.filename or "")
    return err


def _build_guarded(src: Path, opts: Options, log: Log) -> SourceResult:
    try:
        return build_one(src, opts, log)
    except BriefdeckError as exc:
        return SourceResult(src, error=exc)
    except OSError as exc:  # the file system's fault (read-only, full, permissions): said plainly, exit 1
        return SourceResult(src, error=os_error(exc))


def _build_in_worker(src: Path, opts: Options) -> tuple[SourceResult, list]:
    events: list = []
    res = _build_guarded(src, dataclasses.replace(opts, jobs=1), lambda e, d: events.append((e, d)))
    return res, events


def _build_parallel(sources: list[Path], opts: Options, log: Log) -> list[SourceResult]:
    """Independent sources on separate cores; one failing does not stop the others."""
    from .workers import pool

    results: list[SourceResult] = []
    with pool(min(opts.jobs, len(sources))) as executor:
        for res, events in executor.map(_build_in_worker, sources, [opts] * len(sources)):
            for event, data in events:
                log(event, data)
            results.append(res)
    return results
