"""Command line: argument parsing, and the one place where errors become messages and exit codes.

Commands: ``briefdeck [build] [SOURCE ...]`` (the default: ``briefdeck source/x.yaml`` builds),
``briefdeck init [DIR]`` (a new project, see scaffold.py) and ``briefdeck docs [TOPIC]`` (the
documentation shipped inside the package). Exit codes: 0 built or up to date; 1 a build
failed; 2 invalid input or usage; 3 output folder locked by another run. No traceback unless
--debug. With ``--log-format json`` every error is one JSON object with code, file, line,
col and message.
"""
from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import signal
import sys
from pathlib import Path
from typing import Optional

from . import __version__
from .errors import BriefdeckError, SourceError, UsageError
from .hidden import UNPRINTABLE, escaped
from .render import RENDERERS, commands

EXIT_OK, EXIT_FAILED, EXIT_INVALID, EXIT_LOCKED = 0, 1, 2, 3
_GC_THRESHOLD = (20000, 20, 20)  # see run(); measured by interleaved A/B (commit message)


COMMANDS = ("build", "init", "docs", "merge-manifests", "serve")


def _prog() -> str:
    """How the user called the tool, for messages: "briefdeck", or "python build.py" in a clone."""
    return "python build.py" if Path(sys.argv[0]).name == "build.py" else "briefdeck"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too, but we want our format
        raise UsageError(f"{message} — see '{self.prog} --help'")


def _help_epilog() -> str:
    from .assets import BUILTIN

    return f"""commands:
  briefdeck [build] [SOURCE ...]   build the sources (the default command; without SOURCE: source/*.yaml)
  briefdeck init [DIR]             start a project in DIR (default: here) that builds at once;
                                   --example NAME copies a complete bundled event instead
  briefdeck docs [TOPIC]           list the documentation, or print one topic (Markdown)
  briefdeck merge-manifests [--out DIR]   join the manifests of --shard runs into DIR/manifest.json
  briefdeck serve [--idle MINUTES]  keep a warm build server: later builds of this user start at once
                                   (--status, --stop; off unless started; --no-server skips it)

examples:
  briefdeck init demo && cd demo && briefdeck      a new project, built into demo/output/
  briefdeck source/x.yaml --format pdf --paper letter
  briefdeck --check --strict                       validate only, warnings count as errors
  briefdeck --jobs 2 --wait 600 --log-format json  a scheduled rebuild (see: briefdeck docs scheduling)
  briefdeck --shard 2/8 --cache /cache             the second of eight machines, one chart cache for all

documentation: shipped with briefdeck, in {BUILTIN / "docs"}
  briefdeck docs source-format   every field of a source, chart kinds, data and facts
  briefdeck docs scheduling      unattended runs: exit codes, cron, systemd, CI"""


def _dest(name: str) -> str:
    return "command_" + name.replace("-", "_")


def make_parser() -> argparse.ArgumentParser:
    p = _Parser(prog=_prog(), usage="%(prog)s [build] [SOURCE ...] [options]\n       %(prog)s init [DIR] [--example NAME]\n"
                                     "       %(prog)s docs [TOPIC]\n       %(prog)s merge-manifests [MANIFEST ...] [--out DIR]\n"
                                     "       %(prog)s serve [--idle MINUTES | --status | --stop]",
                description="Build a PDF policy brief and a PowerPoint deck from one YAML source of an event's content.",
                epilog=_help_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sources", nargs="*", type=Path, metavar="SOURCE", help="source files (default: every source/*.yaml)")
    p.add_argument("--out", type=Path, default=None, help="output folder (default: output/)")
    p.add_argument("--format", action="append", choices=list(RENDERERS),
                   help=f"build only this format (repeatable; default: all: {', '.join(f'{r.name} = {r.title}' for r in RENDERERS.values())})")
    for r in RENDERERS.values():  # each renderer's own options, from the registry
        for o in r.options:
            p.add_argument(f"--{o.name}", choices=list(o.choices) if o.choices else None, type=Path if o.path else str,
                           metavar=o.metavar, help=f"{r.name}: {o.help}")
    p.add_argument("--check", action="store_true", help="validate the sources and write nothing")
    for r, c in commands():  # what a renderer does instead of a build (--check-template), from the registry
        p.add_argument(f"--{c.name}", dest=_dest(c.name), type=Path if c.path else str, metavar=c.metavar, help=f"{r.name}: {c.help}")
    p.add_argument("--schema", action="store_true", help="print the source format's JSON Schema and exit")
    p.add_argument("--force", action="store_true", help="rebuild everything, ignoring build records and the chart cache")
    p.add_argument("--strict", action="store_true", help="treat warnings (generated alt text, text shortened to fit...) as errors")
    p.add_argument("--jobs", type=int, default=None, help="worker processes: several sources at once; for one source, its deck beside its brief and web page (which share their charts), and the charts (default: the number of CPUs, at most 4)")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS", help="wait this long for another run's lock on the output folder (default: exit 3 at once)")
    p.add_argument("--shard", metavar="K/N", help="build only part K of N (1-based) of the sources, split by a hash of each "
                   "source's path in its project; writes manifest.shard-K-of-N.json (join them: merge-manifests)")
    p.add_argument("--cache", type=Path, metavar="DIR", help="keep drawn charts and derived data in DIR, which several projects "
                   "and machines may share (default: OUTPUT/.briefdeck)")
    p.add_argument("--cache-limit", type=int, metavar="MB", default=None, help="with --cache: remove the least recently "
                   "used charts when DIR/charts holds more than this (default: 1024)")
    p.add_argument("--watch", action="store_true", help="keep running: rebuild whenever a source, its data, template or theme changes (Ctrl-C stops)")
    p.add_argument("--log-format", choices=["text", "json"], default="text", help="progress and problems on stderr as text lines or one JSON object per event")
    p.add_argument("--quiet", action="store_true", help="print only problems (a JSON log still records every output: built, unchanged, up-to-date)")
    p.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    p.add_argument("--no-server", action="store_true", help="build in this process even when 'briefdeck serve' runs "
                   "(as BRIEFDECK_SERVER=0 does)")
    p.add_argument("--version", action="version", version=f"briefdeck {__version__}", help="print the version and exit")
    return p


RESULTS = ("built", "unchanged", "up-to-date")  # what became of each output: a JSON log records them even with --quiet


def _json_line(obj: dict) -> str:
    """One JSON event; JSON escapes control characters itself, and here bidi and invisible ones too
    (a file name with U+202E must not reorder a log line in a terminal)."""
    return UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(obj, ensure_ascii=False, default=str))


class _Reporter:
    def __init__(self, fmt: str, quiet: bool):
        self.fmt, self.quiet = fmt, quiet

    def emit(self, event: str, data: dict, *, always: bool = False) -> None:
        if event == "problem":  # a located problem heard during a build (a cache entry not used)
            self.located(data["problem"])
            return
        # --quiet quiets the terminal, never the log: a JSON log keeps every result
        if self.quiet and not always and not (self.fmt == "json" and event in RESULTS):
            return
        if self.fmt == "json":
            print(_json_line({"event": event, **data}), file=sys.stderr)
            return
        if event in RESULTS:
            size = data["size"]
            human = f"{size / 1024:.0f} KB" if size < 1 << 20 else f"{size / (1 << 20):.1f} MB"
            if event == "unchanged":  # rebuilt to the same bytes: the file in place was left alone
                print(f"unchanged {escaped(str(data['path']))} ({human}; rebuilt to the same bytes, file left as it was)", file=sys.stderr)
            else:
                print(f"{'wrote' if event == 'built' else 'up to date'} {escaped(str(data['path']))} ({human})", file=sys.stderr)
        elif event == "cleaned":
            print(f"removed leftover temporary file {escaped(str(data['path']))}", file=sys.stderr)
        elif event in ("error", "warning"):
            print(data["message"], file=sys.stderr)
        elif event in ("ok", "merged", "shard", "serving", "served", "stopping", "stopped", "status"):
            print(data["message"], file=sys.stderr)
        elif event == "changed":
            print(f"changed: {', '.join(escaped(Path(f).name) for f in data['files'])}; rebuilding", file=sys.stderr)

    def located(self, p) -> None:
        """One located problem (an error, or a warning): a line of text, or a JSON event."""
        if self.fmt == "json":
            self.emit(p.severity, {"code": p.code, "file": p.file, "line": p.line, "col": p.col, "message": p.message}, always=True)
        else:
            print(p.format(), file=sys.stderr)

    def problem(self, exc: BriefdeckError) -> None:
        if isinstance(exc, SourceError):
            for p in exc.problems:
                self.located(p)
            n = len(exc.problems)
            if self.fmt == "text" and n > 1:
                print(f"{n} problems; nothing was written — fix them and build again", file=sys.stderr)
        else:
            self.error(exc.code, str(exc), file=exc.file)

    def error(self, code: str, message: str, *, file: str = "") -> None:
        """An error that is not at a line of a source (a locked folder, bad usage, a bug)."""
        if self.fmt == "json":
            self.emit("error", {"code": code, "file": file, "line": 0, "col": 0, "message": message}, always=True)
        else:  # a file name in it may hold control or bidi characters: escaped, line by line
            print("error: " + "\n".join(escaped(line) for line in message.split("\n")), file=sys.stderr)


def _default_sources() -> list[Path]:
    found = sorted(Path("source").glob("*.yaml"))
    if not found:
        raise UsageError("no sources given and no source/*.yaml here — name a source file, run from a project folder, "
                         "or make one: briefdeck init DIR")
    return found


class Stopped(BaseException):
    """SIGTERM (or SIGHUP): unwinds like Ctrl-C, so every ``finally`` removes its temporary files."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum, self.name = signum, signal.Signals(signum).name


def _stop(signum, frame) -> None:
    if os.getpid() == _MAIN_PID:  # a worker process dies with its parent (workers.py)
        raise Stopped(signum)
    os._exit(128 + signum)


_MAIN_PID = os.getpid()


def _on_signals() -> None:
    """SIGTERM (a scheduler's stop) and SIGHUP end a build as Ctrl-C does: cleaned up and said."""
    global _MAIN_PID
    _MAIN_PID = os.getpid()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            signal.signal(sig, _stop)
        except (ValueError, OSError):  # not the main thread (an embedding program): leave its handlers
            pass


def main(argv: Optional[list[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    _on_signals()
    debug = "--debug" in argv
    log_json = "--log-format=json" in argv or ("--log-format" in argv and argv[argv.index("--log-format") + 1:][:1] == ["json"])
    rep = _Reporter("json" if log_json else "text", quiet=False)
    try:
        command = argv[0] if argv and argv[0] in COMMANDS else "build"
        if command == "init":
            return _init(argv[1:])
        if command == "docs":
            return _docs(argv[1:])
        if command == "merge-manifests":
            return _merge_manifests(argv[1:], rep)
        if command == "serve":
            return _serve(argv[1:])
        args = make_parser().parse_args(argv[1:] if argv[:1] == ["build"] else argv)
        rep = _Reporter(args.log_format, args.quiet)
        return _run(args, rep)
    except BriefdeckError as exc:
        rep.problem(exc)
        return exc.exit_code
    except Stopped as exc:
        rep.error("interrupted", f"stopped by {exc.name}; temporary files removed; the previous outputs are unchanged")
        return 128 + exc.signum
    except KeyboardInterrupt:
        rep.error("interrupted", "stopped by SIGINT; temporary files removed; the previous outputs are unchanged")
        return 128 + signal.SIGINT
    except OSError as exc:  # the operating system's refusal (read-only, full disk, permissions): not a bug
        from .api import os_error

        rep.error("os", str(os_error(exc)), file=str(getattr(exc, "filename", "") or ""))
        return EXIT_FAILED
    except Exception as exc:  # the boundary: a bug must still leave a readable message
        if debug:
            raise
        rep.error("internal", f"{exc.__class__.__name__}: {exc} — a bug in briefdeck; the previous outputs are unchanged; "
                              f"run again with --debug and report it")
        return EXIT_FAILED


def run() -> None:
    """The command in this process (command.run, when no ``briefdeck serve`` takes the build):
    ``main``, then leave at once (``run_once``).

    Tearing the interpreter down (every module, a last collection of every object) costs about 0.1 s
    after a build, a tenth of a rebuild: outputs are already written, synced and closed, and the
    streams are flushed here, so the process ends without it.

    The cyclic garbage collector runs less often than Python's default (every 700 net allocations
    of containers): a build makes many short-lived ones (matplotlib's artists and transforms,
    reportlab's flowables) that reference counting frees, and at the default the collector ran
    ~700 times in a cold build of the default source, 7-8 % of its CPU."""
    os._exit(run_once())


def run_once() -> int:
    """``main`` as the command runs it (``run``; a build server's child runs it for each build
    handed to it), its streams flushed: the exit code."""
    gc.set_threshold(*_GC_THRESHOLD)
    from . import mplconfig

    mplconfig.OWN_PROCESS = True  # this process is briefdeck's: matplotlib may skip its help texts
    # pydantic looks for plugins (every installed distribution's entry points) when it builds the
    # source schema's validator, 5 ms of a prose edit's critical path; briefdeck's validation
    # reports to no plugin (an embedding program keeps its own setting)
    from .handoff import SET_BY_RUN

    for name, value in SET_BY_RUN.items():
        os.environ.setdefault(name, value)
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: nothing more can reach the reader anyway
        pass
    return code if isinstance(code, int) else 1


def _init(argv: list[str]) -> int:
    from . import scaffold

    p = _Parser(prog=f"{_prog()} init", description="Start a briefdeck project that builds at once: a commented starter "
                "source with real, sourced data (or a complete bundled example), the JSON Schema for editors, a .gitignore "
                "and a README. Never overwrites a file.")
    p.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR", help="the project folder, made if missing (default: here)")
    p.add_argument("--example", metavar="NAME", help="copy a complete bundled event instead of the starter (see --list-examples)")
    p.add_argument("--list-examples", action="store_true", help="list the bundled examples and exit")
    args = p.parse_args(argv)
    if args.list_examples:
        for e in scaffold.examples():
            print(f"{e.name:34} {e.title} ({e.summary})")
        return EXIT_OK
    written = scaffold.init(args.dir, args.example)
    where = args.dir
    print(f"made a briefdeck project in {where}{'/' if str(where) != '.' else ''}:", file=sys.stderr)
    for path in written:
        print(f"  {path.relative_to(where).as_posix()}", file=sys.stderr)
    go = "" if where.resolve() == Path.cwd().resolve() else f"cd {where} && "
    print(f"next: {go}briefdeck    (then edit source/*.yaml and run briefdeck again; "
          f"briefdeck docs source-format explains every field)", file=sys.stderr)
    return EXIT_OK


def docs_topics() -> dict[str, tuple[Path, str]]:
    """Topic name -> (Markdown file, its title), from the documentation shipped in the package."""
    from .assets import BUILTIN

    out = {}
    for md in sorted((BUILTIN / "docs").glob("*.md")):
        first = md.read_text(encoding="utf-8").lstrip().splitlines()[0]
        out[md.stem] = (md, first.lstrip("# ").strip())
    return out


def _docs(argv: list[str]) -> int:
    p = _Parser(prog=f"{_prog()} docs", description="The documentation shipped with briefdeck: list the topics, or print one (Markdown).")
    p.add_argument("topic", nargs="?", metavar="TOPIC", help="a topic to print (default: list them)")
    args = p.parse_args(argv)
    topics = docs_topics()
    if args.topic is None:
        folder = next(iter(topics.values()))[0].parent if topics else None
        print(f"briefdeck {__version__} documentation, in {folder}:")
        for name, (_, title) in topics.items():
            print(f"  {name:16} {title}")
        print(f"print one: {_prog()} docs TOPIC  (Markdown; e.g. {_prog()} docs source-format | less)")
        return EXIT_OK
    if args.topic not in topics:
        import difflib

        close = difflib.get_close_matches(args.topic, topics, n=1)
        raise UsageError(f"no documentation topic '{args.topic}' — {f'did you mean {close[0]!r}? ' if close else ''}"
                         f"topics: {', '.join(topics)}")
    sys.stdout.write(topics[args.topic][0].read_text(encoding="utf-8"))
    return EXIT_OK


def _merge_manifests(argv: list[str], rep: _Reporter) -> int:
    from .publish import write_json
    from .shard import MANIFEST, merge, shard_manifests

    p = _Parser(prog=f"{_prog()} merge-manifests", description="Join the manifests that '--shard K/N' runs wrote "
                "(manifest.shard-K-of-N.json) into the one manifest an unsharded build writes: every artefact, sorted, "
                "byte for byte the same. Refuses a missing shard, unless --partial.")
    p.add_argument("manifests", nargs="*", type=Path, metavar="MANIFEST", help="shard manifests (default: every OUT/manifest.shard-*.json)")
    p.add_argument("--out", type=Path, default=Path("output"), help="the output folder holding the shards' outputs (default: output/); "
                   "the merged manifest is written there as manifest.json")
    p.add_argument("--partial", action="store_true", help="merge even when a shard's manifest is missing (its sources are then not listed)")
    p.add_argument("--log-format", choices=["text", "json"], default="text", help="as for a build")
    args = p.parse_args(argv)
    path = args.out / MANIFEST
    try:
        previous = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        previous = None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read the manifest it would replace ({exc}) — remove it and merge again") from None
    merged = merge(args.manifests or shard_manifests(args.out), previous=previous, complete=not args.partial)
    missing = sorted(name for name in merged["artefacts"] if not (args.out / name).is_file())
    if missing:
        raise UsageError(f"{args.out}: the shards' outputs {', '.join(missing)} are not in this folder — collect every shard's "
                         f"outputs into it first")
    drop = lambda m: {k: v for k, v in (m or {}).items() if k != "rewritten"}  # noqa: E731
    same = drop(previous) == drop(merged)
    if not same:  # like a build: an unchanged manifest keeps its bytes and time
        write_json(path, merged)
    rep.emit("merged", {"path": str(path), "artefacts": len(merged["artefacts"]), "message": f"{'wrote' if not same else 'unchanged'} "
                        f"{path} ({len(merged['artefacts'])} artefacts)"}, always=True)
    return EXIT_OK


def _serve(argv: list[str]) -> int:
    import time

    from . import buildserver

    p = _Parser(prog=f"{_prog()} serve", description="A warm build server for the authoring loop (an editor's build on "
                "save, a terminal): it imports everything a build needs once, and every later build of this user and "
                "this installation hands itself over to it and starts at once; what it writes, says and returns is a "
                "local build's. Off unless started; --no-server or BRIEFDECK_SERVER=0 build in their own process.")
    p.add_argument("--idle", type=float, default=30.0, metavar="MINUTES", help="stop after this many minutes without a "
                   "build (default: 30; 0: never)")
    p.add_argument("--status", action="store_true", help="say whether this installation's server runs (exit 1: it does not)")
    p.add_argument("--stop", action="store_true", help="stop this installation's server once its running builds end")
    p.add_argument("--log-format", choices=["text", "json"], default="text", help="a line of text, or a JSON object, "
                   "on stderr for each build served")
    p.add_argument("--quiet", action="store_true", help="log only problems, not each build served")
    args = p.parse_args(argv)
    rep = _Reporter(args.log_format, args.quiet)
    if args.status or args.stop:
        answer = buildserver.ask("stop" if args.stop else "status")
        if answer is None:
            rep.emit("status", {"running": False, "message": "no briefdeck serve runs for this installation: builds run in "
                                "their own process"}, always=True)
            return EXIT_FAILED if args.status else EXIT_OK
        if args.stop:
            stopped = buildserver.wait_stopped(60.0)
            rep.emit("status", {"running": not stopped, "pid": answer[1], "message": f"briefdeck serve (pid {answer[1]}) "
                                f"{'stopped' if stopped else 'stops once its running builds end'}"}, always=True)
            return EXIT_OK
        s = answer[1]
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(s["since"]))
        rep.emit("status", {"running": True, **s, "message": f"briefdeck serve {s['version']} runs (pid {s['pid']}, since "
                            f"{since}, {s['served']} builds served, {s['running']} running) at {s['socket']}"}, always=True)
        return EXIT_OK
    if args.idle < 0:
        raise UsageError("--idle needs a number of minutes of at least 0")
    return buildserver.Server(args.idle, rep.emit, build=run_once).run()


def _run(args: argparse.Namespace, rep: _Reporter) -> int:
    from . import api

    if args.schema:
        from .schema import json_schema

        print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
        return EXIT_OK
    for r, c in commands():
        value = getattr(args, _dest(c.name))
        if value is not None:
            result = r.run(c.name, value, strict=args.strict)
            print(json.dumps(result.data, indent=2, ensure_ascii=False, default=str) if args.log_format == "json" else result.text)
            return EXIT_OK if result.ok else EXIT_INVALID
    if args.jobs is None:
        args.jobs = min(os.cpu_count() or 1, 4)
    if args.jobs < 1:
        raise UsageError("--jobs needs a number of at least 1")
    sources = args.sources or _default_sources()
    settings = tuple((o.name, getattr(args, o.name)) for r in RENDERERS.values() for o in r.options)
    from .cache import DEFAULT_LIMIT_MB
    from .shard import Shard

    shard = Shard.parse(args.shard) if args.shard is not None else None
    if shard is not None and args.watch:
        raise UsageError("--shard is for scheduled runs; --watch builds the sources it is given — drop one of them")
    if args.cache_limit is not None and (args.cache is None or args.cache_limit < 1):
        raise UsageError("--cache-limit needs --cache DIR and a number of megabytes of at least 1 (the default cache, in the "
                         "output folder, keeps exactly what its outputs use)")
    opts = api.Options(
        formats=tuple(dict.fromkeys(args.format or list(RENDERERS))), out_dir=args.out or Path("output"), settings=settings,
        force=args.force, strict=args.strict, check_only=args.check, jobs=args.jobs, wait=args.wait,
        shard=shard, cache_dir=args.cache, cache_limit_mb=args.cache_limit or DEFAULT_LIMIT_MB,
    )
    if args.watch:
        from .watch import watch

        first = [True]

        def once(these: list) -> int:
            # --force forces the first build; later ones rebuild the sources the change concerns
            this = opts if first[0] else dataclasses.replace(opts, force=False)
            try:
                return _report(api.build(these, this, log=rep.emit), rep, args)
            except BriefdeckError as exc:  # a locked folder or bad usage: say so and keep watching
                rep.problem(exc)
                return exc.exit_code
            finally:
                if first[0]:
                    first[0] = False
                    api.warm_up(opts)

        try:
            watch(sources, opts.out_dir, once, log=lambda e, d: rep.emit(e, d) if e != "watching" else
                  rep.emit("ok", {"message": f"watching {d['files']} files; Ctrl-C stops"}))
        except KeyboardInterrupt:
            return EXIT_OK
        return EXIT_OK
    return _report(api.build(sources, opts, log=rep.emit), rep, args)


def _report(results, rep: _Reporter, args: argparse.Namespace) -> int:
    worst = EXIT_OK
    for r in results:
        for w in r.warnings:
            rep.located(w)
        if r.error is not None:
            rep.problem(r.error)
            worst = max(worst, r.error.exit_code if r.error.exit_code != EXIT_LOCKED else EXIT_FAILED)
        elif args.strict and r.warnings:
            rep.error("strict", f"{r.source}: --strict: {len(r.warnings)} warning(s) count as errors", file=str(r.source))
            worst = max(worst, EXIT_INVALID)
        elif args.check:
            rep.emit("ok", {"message": f"{r.source}: ok"})
    return worst
