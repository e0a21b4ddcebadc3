"""``briefdeck serve``: a warm build server for the authoring loop, off unless a user starts it.

It imports everything a build needs once (every renderer, the chart drawing code, the loader, as
``--watch`` does), then listens on a Unix socket in the user's private folder (handoff.py: the
client, the key of an installation, the folder). For each build handed to it, it forks a child
that takes the client's arguments, folder, environment, umask and standard streams and runs the
command line's own code (``cli.run``, given as ``build``); the exit code goes back to the client. The child is a fork
of a process that has only imported: what it builds is what a local build writes, byte for byte,
and what it says goes to the client's own terminal or pipes.

The children are reaped here, and a child's crash never stops the server. A signal the client
relays reaches its child; a client that vanishes (killed with -9) has its child stopped (SIGTERM:
it cleans up as a local build does, the previous outputs intact). The server stops when told
(Ctrl-C, SIGTERM, ``briefdeck serve --stop``) once its running builds end, when idle for
``--idle`` minutes, and when its installation changes under it (its clients' key no longer
matches: they build themselves meanwhile). One server runs per user and installation (a lock).
"""
from __future__ import annotations

import contextlib
import marshal
import os
import selectors
import signal
import socket
import sys
import time
from typing import Callable, Optional

from . import __version__, handoff
from .errors import LockedError, UsageError
from .workers import _flush_std_streams, _pdeathsig

CHECK_S = 10.0  # how often the server looks whether its installation or its socket changed
GRACE_S = 10.0  # a child whose client vanished is killed this long after its SIGTERM
WARM_S = 20 * 60.0  # a warm child unused this long leaves
MAX_WARM = 2  # warm children kept at most (the least recently used leaves): a few hundred MB each, mostly shared

Log = Callable[[str, dict], None]


def warm_up() -> None:
    """Import what any build imports (the renderers, matplotlib and the chart code, the loader,
    the presentation layer, the parts a first build of charts reaches), so no child imports them."""
    import ctypes  # noqa: F401 -- each child asks the kernel to stop it with the server

    from . import api, drawserver, publish, watch, workers  # noqa: F401
    from .charts import mpl, shaping, shipped  # noqa: F401
    from .load import load_document  # noqa: F401
    from .load.quickcheck import _schema as kept_schema
    from .load.validate import _schema as pydantic_schema
    from .locale import load_locale  # noqa: F401
    from .present import located, view_of  # noqa: F401
    from .render import RENDERERS
    from .render.pdf import svgdraw  # noqa: F401
    from .theme import load_theme  # noqa: F401

    for r in RENDERERS.values():
        r.load()
    kept_schema()  # a valid source's check (load/quickcheck.py); pydantic's models for the others, as before it
    pydantic_schema()
    _builtin_theme()


def _builtin_theme() -> None:
    """The built-in theme's files parsed and the brief's fonts registered (0.07 s of each build
    that uses them), kept as a process that builds keeps them: by each file's version and each font's
    content, so a project's own theme or fonts are its build's. Best effort."""
    import tempfile
    from pathlib import Path

    from .assets import Assets
    from .errors import BriefdeckError
    from .render.pdf.fonts import load_fonts
    from .theme import load_theme

    with contextlib.suppress(BriefdeckError, OSError), tempfile.TemporaryDirectory() as nowhere:
        load_fonts(load_theme("default", Assets.for_source(Path(nowhere) / "x.yaml")))


class _Build:
    """A build handed over: its client's connection, and when it began."""

    def __init__(self, conn: socket.socket, argv: list, cwd: str):
        self.conn, self.argv, self.cwd = conn, argv, cwd
        self.started = time.monotonic()
        self.orphaned: Optional[float] = None  # when its client vanished
        self.warm = False  # made by a child that had built before


class _Child:
    """A forked child: making a build, or, between builds, kept warm for the next build asked
    exactly alike (``signature``: arguments, folder, environment, umask, streams)."""

    def __init__(self, pid: int, ctl: socket.socket, signature: bytes):
        self.pid, self.ctl, self.signature = pid, ctl, signature
        self.build: Optional[_Build] = None
        self.idle_since = time.monotonic()


class Server:
    def __init__(self, idle_minutes: float, log: Log, build: Callable[[], int]):
        self.idle_s = idle_minutes * 60
        self.log, self.build = log, build  # build: the command line's run_once, which returns the exit code
        self.key = handoff.installation_key()  # before anything else is imported: the code as it is now
        self.path = handoff.socket_path(self.key, make=True)
        if self.path is None:
            folder = handoff.socket_dir()
            raise UsageError(f"the server's socket folder {folder} is too deep for a Unix socket — set XDG_RUNTIME_DIR to a "
                             f"shorter folder" if folder else "no private folder for the server's socket ($XDG_RUNTIME_DIR/briefdeck, "
                             "else /tmp/briefdeck-UID: this user's own, mode 0700) — fix or remove it")
        self.children: dict[int, _Child] = {}
        self.served = 0
        self.since = time.time()
        self.stopping: Optional[str] = None
        self.signals: list[int] = []
        self.pid = os.getpid()

    def busy(self) -> list[_Child]:
        return [c for c in self.children.values() if c.build is not None]

    # -- life -------------------------------------------------------------------------------------
    def run(self) -> int:
        lock = _lock(lock_path(self.path))
        if lock is None:
            raise LockedError(f"a briefdeck serve of this installation runs already ({self.path}) — "
                              f"'briefdeck serve --status' says more, '--stop' stops it")
        wake_r, wake_w = socket.socketpair()
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a stop heard while it warms up too
            signal.signal(sig, lambda signum, frame: self.signals.append(signum))
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # wakes the loop (set_wakeup_fd)
        try:
            wake_r.setblocking(False)
            wake_w.setblocking(False)
            signal.set_wakeup_fd(wake_w.fileno())
            warm_up()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)  # a server's that died without removing it
            self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.listener.bind(self.path)
            self.inode = os.stat(self.path).st_ino
            self.listener.listen(64)
            self.listener.setblocking(False)
            self.sel = selectors.DefaultSelector()
            self.sel.register(self.listener, selectors.EVENT_READ, "accept")
            self.sel.register(wake_r, selectors.EVENT_READ, "wake")
            self._own = [self.listener, wake_r, wake_w, self.sel, lock]  # closed in every child
            return self._loop(wake_r)
        finally:
            signal.set_wakeup_fd(-1)
            with contextlib.suppress(OSError, AttributeError):
                if os.stat(self.path).st_ino == self.inode:
                    os.unlink(self.path)
            with contextlib.suppress(OSError):
                os.unlink(lock.name)  # still held: a server starting now waits for it, then finds it gone (_lock)
            lock.close()
            wake_r.close()
            wake_w.close()

    def _loop(self, wake_r: socket.socket) -> int:
        self._handle_signals()
        self.log("serving", {"socket": self.path, "pid": os.getpid(), "idle_minutes": self.idle_s / 60, "message":
                             f"briefdeck {__version__} serves builds at {self.path} (pid {os.getpid()}); "
                             + (f"stops after {self.idle_s / 60:g} idle minutes; " if self.idle_s else "") + "Ctrl-C stops it"})
        last, checked = time.monotonic(), time.monotonic()
        while True:
            now = time.monotonic()
            wait = CHECK_S if not self.idle_s else min(CHECK_S, max(0.0, last + self.idle_s - now))
            for k, _ in self.sel.select(wait if not self.children else min(wait, 1.0)):
                if k.data == "accept":
                    self._accept()
                elif k.data == "wake":
                    with contextlib.suppress(OSError):
                        wake_r.recv(4096)
                elif isinstance(k.data, _Child):
                    self._said(k.data)
                else:
                    self._heard(*k.data)
            self._reap()
            self._handle_signals()
            now = time.monotonic()
            for c in self.busy():
                if c.build.orphaned is not None and now - c.build.orphaned > GRACE_S:
                    with contextlib.suppress(OSError):
                        os.kill(c.pid, signal.SIGKILL)
            for c in list(self.children.values()):  # warm children unused for long, or all once stopping, leave
                if c.build is None and c.signature and (self.stopping or now - c.idle_since > WARM_S):
                    self._dismiss(c)
            if self.busy():
                last = now
                continue
            if self.stopping:
                if not self.children:
                    break
                continue
            if self.idle_s and now - last >= self.idle_s:
                self._stop(f"idle for {self.idle_s / 60:g} minutes")
                continue
            if now - checked >= CHECK_S:
                checked = now
                self._check_installation()
        self.log("stopped", {"pid": os.getpid(), "served": self.served, "reason": self.stopping,
                             "message": f"briefdeck serve stopped ({self.stopping}; {self.served} builds served)"})
        return 0

    def _check_installation(self) -> None:
        try:
            moved = os.stat(self.path).st_ino != self.inode
        except OSError:
            moved = True
        if moved:
            self._stop("its socket was removed")
        elif handoff.installation_key() != self.key:
            self._stop("briefdeck, its Python or a library changed: start it again to serve the new code")

    def _stop(self, why: str) -> None:
        """No new builds (clients build themselves from now on); the running ones end first."""
        if self.stopping is None:
            self.stopping = why
            with contextlib.suppress(KeyError, ValueError):
                self.sel.unregister(self.listener)
            with contextlib.suppress(OSError):
                if os.stat(self.path).st_ino == self.inode:
                    os.unlink(self.path)
            self.listener.close()

    def _handle_signals(self) -> None:
        while self.signals:
            signum = self.signals.pop(0)
            if self.stopping is None:
                self._stop(f"stopped by {signal.Signals(signum).name}")
                if self.busy():
                    self.log("stopping", {"running": len(self.busy()), "message": f"waiting for {len(self.busy())} "
                                          f"running build(s); {signal.Signals(signum).name} again stops them"})
            else:  # told twice: the running builds are stopped as a local build would be
                for c in self.busy():
                    with contextlib.suppress(OSError):
                        os.kill(c.pid, signal.SIGTERM)

    # -- clients ----------------------------------------------------------------------------------
    def _accept(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        fds: list[int] = []
        try:
            conn.settimeout(handoff.REACH_S)
            uid = handoff.peer_uid(conn)
            if uid is not None and uid != os.getuid():
                raise PermissionError("another user")
            request, fds = handoff.receive_with_fds(conn, 3)
            if request[0] == "build":
                if request[1] != self.key or self.stopping or len(fds) != 3:
                    handoff.send(conn, ("refused", "stopping" if self.stopping else "another installation"))
                    raise EOFError
                self._start(conn, request, fds)
                fds = []
                return
            if request[0] == "status":
                handoff.send(conn, ("status", {"pid": os.getpid(), "socket": self.path, "version": __version__, "since": self.since,
                                               "served": self.served, "running": len(self.busy()), "idle_minutes": self.idle_s / 60}))
            elif request[0] == "stop":
                handoff.send(conn, ("stopping", os.getpid()))
                self._stop("stopped by 'briefdeck serve --stop'")
            raise EOFError
        except (OSError, EOFError, ValueError, TypeError, IndexError):
            for fd in fds:
                os.close(fd)
            conn.close()

    def _start(self, conn: socket.socket, request: tuple, fds: list[int]) -> None:
        """The build to a warm child that made the same build before (it keeps what it derived:
        paragraph breaks, fonts, parsed files, as ``--watch`` does), else to a child forked now."""
        b = _Build(conn, request[2], request[3])
        signature = marshal.dumps(request[2:])
        child = next((c for c in self.children.values() if c.build is None and c.signature == signature), None)
        if child is not None:
            try:
                socket.send_fds(child.ctl, [handoff.frame(("build", request))], fds)
                b.warm = True
            except OSError:
                self._dismiss(child)
                child = None
        if child is None:
            child = self._fork(request, fds, signature, conn)
        for fd in fds:
            os.close(fd)
        child.build = b
        conn.setblocking(False)
        self.sel.register(conn, selectors.EVENT_READ, (child, b))
        try:
            handoff.send(conn, ("started", child.pid))
        except OSError:
            self._orphan(child, b)

    def _fork(self, request: tuple, fds: list[int], signature: bytes, conn: socket.socket) -> _Child:
        _flush_std_streams()  # nothing of the server's may reach the client's streams
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            ours.close()
            others = [x for c in self.children.values() for x in (c.ctl, c.build and c.build.conn) if x is not None]
            _child(request, fds, self._own + others + [conn], self.pid, self.build, theirs)
        theirs.close()
        child = self.children[pid] = _Child(pid, ours, signature)
        self.sel.register(ours, selectors.EVENT_READ, child)
        return child

    def _said(self, c: _Child) -> None:
        """A child's word: its build is done (it stays warm for the next one), or it has gone."""
        try:
            c.ctl.settimeout(handoff.REACH_S)
            kind, code, cpu = handoff.receive(c.ctl)
        except (OSError, EOFError, ValueError, TypeError):
            with contextlib.suppress(KeyError, ValueError):
                self.sel.unregister(c.ctl)  # it is leaving: reaped, and its build answered, when it has
            return
        if kind == "done" and c.build is not None:
            self._answer(c, c.build, ("exit", code), cpu)
            c.build, c.idle_since = None, time.monotonic()
            warm = [w for w in self.children.values() if w.build is None and w.signature]
            if len(warm) > MAX_WARM:  # the least recently used leaves
                self._dismiss(min(warm, key=lambda w: w.idle_since))

    def _dismiss(self, c: _Child) -> None:
        """A warm child leaves (it ends when its control connection closes, or at a SIGTERM)."""
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(c.ctl)
        c.ctl.close()
        c.signature = b""  # never given a build again; reaped when it has ended
        with contextlib.suppress(OSError):
            os.kill(c.pid, signal.SIGTERM)

    def _heard(self, c: _Child, b: _Build) -> None:
        """A client's relayed signal, or its end (gone: its child is stopped)."""
        try:
            b.conn.setblocking(True)
            b.conn.settimeout(handoff.REACH_S)
            kind, value = handoff.receive(b.conn)
            if kind == "signal" and c.build is b and b.orphaned is None:
                os.kill(c.pid, int(value))
        except (OSError, EOFError, ValueError, TypeError):
            self._orphan(c, b)

    def _orphan(self, c: _Child, b: _Build) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(b.conn)
        if b.orphaned is None and c.build is b:
            b.orphaned = time.monotonic()
            with contextlib.suppress(OSError):
                os.kill(c.pid, signal.SIGTERM)

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            c = self.children.pop(pid, None)
            if c is None:
                continue
            with contextlib.suppress(KeyError, ValueError):
                self.sel.unregister(c.ctl)
            c.ctl.close()
            if c.build is not None:
                answer = ("exit", os.WEXITSTATUS(status)) if os.WIFEXITED(status) else ("killed", os.WTERMSIG(status))
                self._answer(c, c.build, answer, None if c.build.warm else usage.ru_utime + usage.ru_stime)

    def _answer(self, c: _Child, b: _Build, answer: tuple, cpu: Optional[float]) -> None:
        """The exit code to the client, and a line in the log."""
        self.served += 1
        seconds = time.monotonic() - b.started
        with contextlib.suppress(KeyError, ValueError):
            self.sel.unregister(b.conn)
        with contextlib.suppress(OSError):
            b.conn.setblocking(True)
            b.conn.settimeout(handoff.REACH_S)
            handoff.send(b.conn, answer)
        b.conn.close()
        what = f"exit {answer[1]}" if answer[0] == "exit" else f"killed by {signal.Signals(answer[1]).name}"
        shown = " ".join(str(a) for a in b.argv[1:]) or "(every source/*.yaml)"
        self.log("served", {"argv": b.argv[1:], "cwd": b.cwd, "pid": c.pid, answer[0]: answer[1], "seconds": round(seconds, 3),
                            "cpu": None if cpu is None else round(cpu, 3), "warm": b.warm, "client_gone": b.orphaned is not None,
                            "message": f"build {shown} (in {b.cwd}): {what}, {seconds:.2f} s" + (", warm" if b.warm else "")
                                       + ("; its client had gone" if b.orphaned is not None else "")})


KEEP_WARM = (0, 2, 3)  # after these a child stays warm: built, a bad source said, a locked folder (never after a crash or a stop)


def _child(request: tuple, fds: list[int], server_things: list, server: int, build: Callable[[], int], ctl: socket.socket) -> None:
    """The forked child: becomes the client's build (its folder, environment, umask, streams,
    arguments) and runs the command line (``build``: ``cli.run_once``); then, kept warm, waits on
    ``ctl`` for the next build asked exactly alike, and makes it in this same process as ``--watch``
    makes its rebuilds (what it derived stays: fonts, parsed files, paragraph breaks)."""
    code, state = 70, "building"
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(sig, signal.SIG_DFL)
        for thing in server_things:
            thing.close()
        os.setsid()  # not in the server's process group: a Ctrl-C in the server's terminal is not the build's
        _die_with_server(server)
        while True:
            state, started, children = "building", time.process_time(), _children_cpu()
            code = _build(request, fds, build)
            state = "built"
            _let_go()
            if code not in KEEP_WARM:
                break
            handoff.send(ctl, ("done", code, time.process_time() - started + _children_cpu() - children))
            state = "warm"
            ctl.settimeout(None)
            message, fds = handoff.receive_with_fds(ctl, 3)  # EOFError when dismissed
            request = message[1]
    except BaseException as exc:  # noqa: BLE001 -- said on the client's stderr, as the interpreter says it; the server goes on
        if state == "building":
            code = 1
            with contextlib.suppress(BaseException):
                import traceback

                traceback.print_exc()
                sys.stderr.flush()
            if isinstance(exc, KeyboardInterrupt):  # the interpreter ends by the signal itself
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.kill(os.getpid(), signal.SIGINT)
        elif state == "warm":
            code = 0  # dismissed while warm: no build of anyone's is cut short
    finally:
        os._exit(code)


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _build(request: tuple, fds: list[int], build: Callable[[], int]) -> int:
    """One build as the client would have made it: its folder, umask, environment, streams, arguments."""
    _, _, argv, cwd, env, mask, streams, path0 = request
    os.chdir(cwd)
    os.umask(mask)
    os.environ.clear()
    os.environ.update(env)
    time.tzset()
    import locale

    with contextlib.suppress(locale.Error):
        locale.setlocale(locale.LC_CTYPE, "")  # as the interpreter does at start, from the client's environment
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdin, sys.stdout, sys.stderr = (_stream(i, s) for i, s in enumerate(streams))
    sys.__stdin__, sys.__stdout__, sys.__stderr__ = sys.stdin, sys.stdout, sys.stderr
    sys.argv = list(argv)
    sys.path[0] = path0
    try:
        return build()
    except SystemExit as exc:  # --help, --version: argparse ends the process, and the interpreter says how
        code = exc.code
        if code is not None and not isinstance(code, int):
            print(code, file=sys.stderr)
        return 0 if code is None else code if isinstance(code, int) else 1
    finally:
        _flush_std_streams()


def _let_go() -> None:
    """The client's streams closed here (a reader of its pipe sees their end when the client ends)."""
    _flush_std_streams()
    null = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(null, target)
    os.close(null)


def _stream(fd: int, params):
    """A standard stream over ``fd`` made as the client's interpreter made its own (encoding,
    errors, buffering), so a build writes the same bytes through it."""
    import io

    if params is None:
        return None
    encoding, errors, line_buffering, write_through = params
    writing = fd != 0
    buffered = io.open(fd, "wb" if writing else "rb", buffering=0 if (writing and write_through) else -1, closefd=False)
    stream = io.TextIOWrapper(buffered, encoding=encoding, errors=errors, newline="\n",
                              line_buffering=line_buffering, write_through=write_through)
    stream.mode = "w" if writing else "r"
    return stream


def _die_with_server(server: int) -> None:
    """The kernel stops the child (SIGTERM: it unwinds and cleans up) if the server dies (Linux);
    its client then builds itself."""
    _pdeathsig(signal.SIGTERM)
    if os.getppid() != server:  # it died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


def lock_path(sock: str) -> str:
    return sock[: -len(".sock")] + ".lock"


def _lock(path: str):
    """The lock file at ``path``, locked for this server's life; None when another server holds it."""
    import fcntl

    while True:
        lock = open(path, "a")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            return None
        try:
            if os.fstat(lock.fileno()).st_ino == os.stat(path).st_ino:
                return lock
        except FileNotFoundError:
            pass
        lock.close()  # removed by the server that held it, as it stopped: take a new one


def ask(request: str) -> Optional[tuple]:
    """``("status", {...})`` or ``("stopping", pid)`` from this installation's server; None when none runs."""
    path = handoff.socket_path(handoff.installation_key())
    if path is None:
        return None
    try:
        sock = handoff.connect(path)
    except OSError:
        return None
    try:
        handoff.send(sock, (request,))
        return handoff.receive(sock)
    except (OSError, EOFError, ValueError):
        return None
    finally:
        sock.close()


def wait_stopped(within: float) -> bool:
    """Whether this installation's server has stopped within ``within`` seconds (its lock is free)."""
    import fcntl

    path = handoff.socket_path(handoff.installation_key())
    end = time.monotonic() + within
    while path is not None:
        try:
            with open(lock_path(path), "r") as lock:
                fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            return True
        except FileNotFoundError:
            return True
        except BlockingIOError:
            if time.monotonic() > end:
                return False
            time.sleep(0.05)
    return True
