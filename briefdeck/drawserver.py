"""A drawing server: one process that imports the chart drawing code while the build goes on, then
draws the charts every format process asks for in workers forked from it.

A first (or forced) build with --jobs >= 2 draws every chart, and matplotlib's import (a quarter of
a second) stood on its critical path: the build imported it before forking its format processes so
that they would not each import it again. Started instead at the build's first sound point, this
process imports it on the core the build leaves idle while it loads and lays out; the format
processes (the brief's charts process, the deck's) send their cache misses here instead of drawing
them in pools of their own. The code is imported once, in this process; its workers fork from it.

What crosses: each request, a list of calls (a module's function and its argument, as a pool's
jobs), pickled; the answer, the results in order, or the first failure in that order (the exception
itself, raised by the requester as a pool's map raises it). A request that holds up a layout (a long
timeline measured to fit its page) is answered by this process itself, at once, rather than after
the drawings waiting. Each requesting process opens its own channel (a socket pair whose one end
is passed here through the shared control socket), so requests of several processes never mix.

It dies with the build: the build stops it (SIGTERM) once its formats are made, or on any error,
and it kills and reaps its workers before it exits (so that their time is counted with the build's);
killed itself (SIGKILL), it takes its workers along (``workers._die_with_parent``, as a pool's).
"""
from __future__ import annotations

import contextlib
import gc
import importlib
import os
import pickle
import signal
import sys
from collections import deque
from typing import Any, Callable, Optional

from .workers import _die_with_parent, _flush_std_streams, _pdeathsig, frame, pickled_answer, read_frame, write_frame

_CURRENT: list = []  # the running server of this build, inherited by the processes it forks


def available() -> bool:
    """Whether a server can run here: it forks, and passes a channel's end between processes."""
    import _socket  # not socket: its Python layer costs a build's main process 3-5 ms before it forks

    return hasattr(os, "fork") and all(hasattr(_socket, n) for n in ("AF_UNIX", "SCM_RIGHTS", "socketpair", "CMSG_SPACE"))


def current() -> Optional["Server"]:
    """The server of the build this process belongs to, if one runs."""
    return _CURRENT[0] if _CURRENT else None


class Server:
    """The handle a build keeps (and its forked processes inherit) on a running server."""

    def __init__(self, pid: int, control, owner: int):
        self.pid, self.control, self.owner = pid, control, owner
        self._channel: Optional[tuple[int, Any]] = None  # (the process it is open in, its socket)

    def run(self, calls: list[tuple[Callable[[Any], Any], Any]], first: bool = False) -> list:
        """``fn(arg)`` for each ``(fn, arg)`` of ``calls``, by the server's workers, or by the server
        itself at once when ``first`` (short calls a layout waits for); raises the first failure."""
        sock = self._open()
        _send(sock, pickle.dumps((first, calls)))
        answer = _receive(sock)
        if answer is None:
            raise RuntimeError(f"the chart drawing process ended without an answer (pid {self.pid})")
        ok, value = pickle.loads(answer)
        if not ok:
            raise value
        return value

    def _open(self):
        if self._channel is not None and self._channel[0] == os.getpid():
            return self._channel[1]
        import _socket

        mine, theirs = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_STREAM)
        self.control.sendmsg([b"c"], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, theirs.fileno().to_bytes(4, sys.byteorder))])
        theirs.close()
        self._channel = (os.getpid(), mine)
        return mine

    def stop(self) -> None:
        """Stop it (it reaps its workers) and reap it; only the process that started it does."""
        if os.getpid() != self.owner or not self.pid:
            return
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGTERM)
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)
        self.pid = 0
        with contextlib.suppress(OSError):
            self.control.close()
        if self._channel is not None:
            with contextlib.suppress(OSError):
                self._channel[1].close()


@contextlib.contextmanager
def serving(preload: str, workers: int):
    """A server for the ``with`` block: it imports ``preload`` and answers requests in
    ``workers`` processes forked after; ``current()`` returns it meanwhile, here and in the processes forked
    from here. Gone (killed, reaped) when the block is left, however."""
    import _socket

    mine, theirs = _socket.socketpair(_socket.AF_UNIX, _socket.SOCK_DGRAM)
    parent = os.getpid()
    _flush_std_streams()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            mine.close()
            _serve(theirs, preload, workers, parent)
            code = 0
        except SystemExit:  # stopped
            code = 0
        except BaseException as exc:  # noqa: BLE001 -- nothing of the build's own unwinding runs here
            if isinstance(exc.__cause__, SystemExit):  # stopped while importing a C extension, which says ImportError
                os._exit(0)
            with contextlib.suppress(BaseException):  # a fault of its own: said (its requests fail)
                import traceback

                traceback.print_exc()
        finally:
            os._exit(code)
    theirs.close()
    server = Server(pid, mine, parent)
    _CURRENT[:] = [server]
    try:
        yield server
    finally:
        _CURRENT.clear()
        server.stop()


# -- in the server ----------------------------------------------------------------------------
def _serve(control, preload: str, count: int, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, which stops this
    signal.signal(signal.SIGTERM, _stopped)
    if sys.platform.startswith("linux"):
        _pdeathsig()  # killed by the kernel when the build dies (no watch thread: it watches its parent in its loop)
    if os.getppid() != parent:  # the build died before the request took effect
        return
    importlib.import_module(preload)
    workers: list[_Worker] = []
    try:
        _loop(control, workers, max(1, count), parent)
    finally:
        for w in workers:  # reaped here: their time counts with the build's (getrusage)
            if w.pid:
                with contextlib.suppress(OSError):
                    os.kill(w.pid, signal.SIGKILL)
                with contextlib.suppress(OSError):
                    os.waitpid(w.pid, 0)


def _stopped(signum, _frame):
    raise SystemExit(0)


def _loop(control, workers: list["_Worker"], count: int, parent: int) -> None:
    import _socket
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(control, selectors.EVENT_READ, ("control", None))
    queue: deque = deque()  # (request, index, argument)
    while True:
        if os.getppid() != parent:  # where no signal tells it (not Linux): the build is gone
            return
        for key, _ in sel.select(timeout=0.5):
            what, obj = key.data
            if what == "control":
                for fd in _received_fds(control):
                    channel = _socket.socket(fileno=fd)
                    sel.register(channel, selectors.EVENT_READ, ("channel", channel))
            elif what == "channel":
                data = _receive(obj)
                if data is None:  # the process that asked is done
                    sel.unregister(obj)
                    obj.close()
                    for job in [j for j in queue if j[0].channel is obj]:
                        queue.remove(job)
                    continue
                try:
                    first, calls = pickle.loads(data)
                except Exception as exc:  # noqa: BLE001 -- said to the process that asked
                    _Request(obj, []).fail(exc)
                    continue
                request = _Request(obj, calls)
                if first:  # a layout waits for it: answered here, now, rather than after a drawing
                    for i, (fn, arg) in enumerate(calls):
                        request.result(i, *_called(fn, arg))
                else:
                    queue.extend((request, i, calls[i]) for i in _longest_first(calls))
                if not request.args:
                    request.answer()
            else:
                obj.take()
                if obj.pid == 0:
                    sel.unregister(obj.answers)
        idle = [w for w in workers if w.pid and w.job is None]
        while queue:
            request, i, a = queue.popleft()
            if request.done:
                continue
            if not idle and len(workers) < count:
                # forked when there is a drawing for it, not before: it inherits what measuring has
                # loaded here (fonts, their measures), as a format process's pool did from it
                if not workers:
                    _warm_up([a, *(job[2] for job in queue)])
                    gc.freeze()  # as a pool does before it forks (workers.pool)
                workers.append(_fork_worker())
                sel.register(workers[-1].answers, selectors.EVENT_READ, ("worker", workers[-1]))
                idle.append(workers[-1])
            if not idle:
                queue.appendleft((request, i, a))
                break
            idle.pop().give(request, i, a)
        if workers and not any(w.pid for w in workers):  # every worker died: nothing more can be drawn
            for request, _, _ in list(queue):
                request.fail(RuntimeError("the chart drawing processes ended before drawing every chart"))
            queue.clear()


def _longest_first(calls: list) -> list[int]:
    """The order a request's calls are given to the workers: the longer first, so that a long one
    does not start last and keep one worker busy while the other has nothing left (the requester
    waits for all of them); by ``fn.cost(arg)`` where the function says (a guess, only for the
    order: ``service._cost``), else as asked."""
    costs = []
    for fn, arg in calls:
        cost = getattr(fn, "cost", None)
        try:
            costs.append(float(cost(arg)) if cost is not None else 0.0)
        except Exception:  # noqa: BLE001 -- only an order: as asked
            costs.append(0.0)
    return sorted(range(len(calls)), key=lambda i: -costs[i])


def _warm_up(calls: list) -> None:
    """What every worker would do before its first call, done here once before they fork, so that
    each inherits it: a function ``fn`` of ``calls`` may say what that is, ``fn.warm_up(args)`` with
    the arguments of its calls queued now (the drawing code's imports, the language's typography: ``service._warm_up``)."""
    for fn, _ in calls[:1]:
        warm = getattr(fn, "warm_up", None)
        if warm is not None:
            with contextlib.suppress(Exception):  # only ahead of time: the call itself does it all the same
                warm([arg for f, arg in calls if f is fn])


def _received_fds(control) -> list[int]:
    """The channels' ends passed through the control socket (SCM_RIGHTS) in one message."""
    import socket  # (imported already: by the drawing code)

    return socket.recv_fds(control, 16, 8)[1]


class _Request:
    """One process's request: its results as they come, answered whole or at its first failure."""

    def __init__(self, channel, args: list):
        self.channel, self.args = channel, args
        self.results: list = [_MISSING] * len(args)
        self.done = False

    def result(self, index: int, ok: bool, value: Any) -> None:
        if self.done:
            return
        self.results[index] = (ok, value)
        for r in self.results:  # as a pool's map: the first failure in order, once those before it are in
            if r is _MISSING:
                return
            if not r[0]:
                self.fail(r[1])
                return
        self.answer()

    def answer(self) -> None:
        self._send((True, [v for _, v in self.results]))

    def fail(self, exc: BaseException) -> None:
        self._send((False, exc))

    def _send(self, answer: tuple) -> None:
        self.done = True
        with contextlib.suppress(OSError):  # the process that asked is gone
            _send(self.channel, pickled_answer(answer))


_MISSING = object()


class _Worker:
    def __init__(self, pid: int, jobs: int, answers):
        self.pid, self.jobs, self.answers = pid, jobs, answers
        self.job: Optional[tuple[_Request, int]] = None

    def give(self, request: _Request, index: int, arg: Any) -> None:
        self.job = (request, index)
        try:
            write_frame(self.jobs, pickle.dumps(arg))
        except OSError:
            self.take()

    def take(self) -> None:
        """Its answer to the job it was given (or, when it died, that job's failure)."""
        data = _read(self.answers)
        request, index = self.job if self.job is not None else (None, 0)
        self.job = None
        if data is None:
            with contextlib.suppress(OSError):
                os.waitpid(self.pid, 0)
            self.pid = 0
            if request is not None:
                request.fail(RuntimeError("a chart drawing process ended without an answer"))
            return
        if request is not None:
            request.result(index, *pickle.loads(data))


def _fork_worker() -> _Worker:
    jobs_r, jobs_w = os.pipe()
    answers_r, answers_w = os.pipe()
    server = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.close(jobs_w)
            os.close(answers_r)
            _die_with_parent(server)
            _work(os.fdopen(jobs_r, "rb"), answers_w)
            code = 0
        except BaseException:  # noqa: BLE001
            pass
        finally:
            os._exit(code)
    os.close(jobs_r)
    os.close(answers_w)
    return _Worker(pid, jobs_w, os.fdopen(answers_r, "rb"))


def _work(jobs, answers: int) -> None:
    while True:
        data = _read(jobs)
        if data is None:  # the server is gone
            return
        write_frame(answers, pickled_answer(_called(*pickle.loads(data))))


def _called(fn: Callable, arg: Any) -> tuple[bool, Any]:
    try:
        return True, fn(arg)
    except Exception as exc:  # noqa: BLE001 -- every failure goes back, as itself
        return False, exc


# -- framing: workers' (a message is its pickle's length, then the pickle) ------------------------
def _send(sock, data: bytes) -> None:
    sock.sendall(frame(data))


def _receive(sock) -> Optional[bytes]:
    return read_frame(sock.recv)


def _read(stream) -> Optional[bytes]:
    return read_frame(stream.read)
