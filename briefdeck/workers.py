"""Worker processes that never outlive the build that started them.

A build killed with SIGKILL (``timeout -s KILL``, the OOM killer) runs no cleanup, so its
workers must notice by themselves: on Linux each asks the kernel to kill it when its parent
dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``); everywhere a watchdog thread also exits the worker
once its parent is gone (re-parented: ``getppid()`` changes). A build interrupted by an
exception (Ctrl-C, a renderer bug) kills its workers at once instead of letting them finish
the queue. Workers are forked (explicitly: Python 3.14 changes the default start method) so
they share the parent's imports.
"""
from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


def _pdeathsig(sig: int = signal.SIGKILL) -> None:
    """The kernel sends this process ``sig`` when its parent dies (Linux; elsewhere nothing)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)


def _die_with_parent(parent: int) -> None:
    _pdeathsig()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="briefdeck-parent-watch", daemon=True).start()


def start_method() -> str:
    # what multiprocessing.get_all_start_methods() says, without importing multiprocessing: a
    # prose edit's build forks its deck's process and never starts a pool
    return "fork" if hasattr(os, "fork") else "spawn"


@contextlib.contextmanager
def pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers exit when this process dies, however it dies; leaving the
    ``with`` block by an exception kills them instead of waiting for the queued work.

    While it runs, the objects made so far are kept out of garbage collection (``gc.freeze``, as
    Python's documentation advises before a fork): a collection in a worker would write to every
    object it inherited (the collector's bookkeeping sits in each object's header) and so copy the
    parent's memory page by page; here it would walk objects that live for the whole build. A prose
    edit's build is 5-11 % faster with it (benchmarks, interleaved runs)."""
    _FROZEN[0] += 1
    gc.freeze()  # when nested (a format's process draws its charts in a pool of its own), what was made since is frozen too
    try:
        with _pool(workers) as executor:
            yield executor
    finally:
        _FROZEN[0] -= 1
        if _FROZEN[0] == 0:
            gc.unfreeze()


_FROZEN = [0]


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context(start_method())
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_die_with_parent, initargs=(os.getpid(),))
    try:
        yield executor
    except BaseException:
        procs = list((getattr(executor, "_processes", None) or {}).values())  # no public way to reach them
        executor.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                p.kill()
        for p in procs:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                p.join(5)
        raise
    else:
        executor.shutdown(wait=True)


def _flush_std_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()


# -- framing: a message through a pipe or socket (a forked call's answer, the drawing server's
# requests and answers) is its length in _LENGTH bytes, then its bytes (a pickle) ---------------------
_LENGTH = 8


def frame(data: bytes) -> bytes:
    return len(data).to_bytes(_LENGTH, "big") + data


def read_frame(read: Callable[[int], bytes]) -> Optional[bytes]:
    """The next message (``frame``) from ``read`` (a pipe's ``read``, a socket's ``recv``); None at
    the end, or when it is cut short (the writer was killed)."""
    head = _exactly(read, _LENGTH)
    return None if head is None else _exactly(read, int.from_bytes(head, "big"))


def _exactly(read: Callable[[int], bytes], size: int) -> Optional[bytes]:
    parts, left = [], size
    while left:
        chunk = read(min(left, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def pickled_answer(answer: tuple[bool, Any]) -> bytes:
    """An answer (ok, value or exception) pickled; one that cannot travel is said, not lost."""
    try:
        return pickle.dumps(answer)
    except Exception as exc:  # noqa: BLE001
        return pickle.dumps((False, RuntimeError(f"{answer[1]!r} (and it cannot be sent back: {exc})")))


class Forked:
    """One call made in a forked child process (``forked``); ``result()`` waits for it and returns
    what it returned, or raises what it raised; ``early()`` returns what it sent before (``send``)."""

    def __init__(self, pid: int, fd: int):
        self.pid, self.fd = pid, fd
        self._pipe = None
        self._last: Optional[tuple[bool, Any]] = None  # the last answer read

    def _next(self) -> bool:
        """Read the next answer through the pipe; False at its end."""
        if self._pipe is None:
            fd, self.fd = self.fd, -1
            self._pipe = os.fdopen(fd, "rb")
        data = read_frame(self._pipe.read)
        if not data:  # the end, or an answer cut short (the child was killed)
            return False
        self._last = pickle.loads(data)
        return True

    def early(self) -> Any:
        """What the call sent while it went on (``send``), waiting for it; raises what the call
        raised when it failed before sending anything. Taken: ``result()`` hands back only an answer
        sent after it, and raises as for no answer when the process died before sending one."""
        if not self._next():
            return self.result()
        (ok, value), self._last = self._last, None
        if not ok:  # the call failed, or what it sent cannot travel (``pickled_answer``): it goes no further
            self.kill()
            raise value
        return value

    def result(self) -> Any:
        while self.pid and self._next():
            pass
        if self._pipe is not None:
            self._pipe.close()
        status = os.waitpid(self.pid, 0)[1] if self.pid else None
        self.pid = 0
        if self._last is None:
            raise RuntimeError(f"a build process ended without an answer (exit status {status})")
        ok, value = self._last
        if not ok:
            raise value
        return value

    def kill(self) -> None:
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1
        if self._pipe is not None:
            with contextlib.suppress(OSError):
                self._pipe.close()
        if self.pid:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.pid = 0


_TO_PARENT: list = []  # in a forked child: the pipe's end its answers go through, and the thread sending an early one


def send(value: Any) -> None:
    """In a child of ``forked``: ``value`` to the parent now, read there by ``Forked.early()``,
    while the call goes on (a thread writes it: the parent may read it only later)."""
    data = pickled_answer((True, value))  # one that cannot travel is said as the call's failure
    writer = threading.Thread(target=write_frame, args=(_TO_PARENT[0], data), name="briefdeck-early-answer")
    writer.start()
    _TO_PARENT.append(writer)


def _write_answer(answer: tuple[bool, Any]) -> None:
    data = pickled_answer(answer)
    for writer in _TO_PARENT[1:]:
        writer.join()  # the early answer goes first, whole
    write_frame(_TO_PARENT[0], data)
    os.close(_TO_PARENT[0])


def write_frame(fd: int, data: bytes) -> None:
    """``data`` framed (``frame``) to ``fd``, whole."""
    view = memoryview(frame(data))
    while view:
        view = view[os.write(fd, view):]


@contextlib.contextmanager
def forked(calls: list[tuple[Callable, tuple]]) -> Iterator[list[Forked]]:
    """Each ``(function, args)`` called in a child process of its own, forked now (it inherits
    everything made so far: nothing is pickled on the way in; the answer comes back pickled); the
    children die with this process as a pool's workers do. Lighter than a one-task pool: no
    multiprocessing or concurrent.futures to import, no queues, threads or shut-down handshake
    (a prose edit's build pays them on its critical path). Leaving the ``with`` block by an
    exception kills the children that have not answered."""
    parent = os.getpid()
    _FROZEN[0] += 1
    gc.freeze()  # as for a pool (see ``pool``); when nested, what was made since is frozen too
    children: list[Forked] = []
    try:
        for fn, args in calls:
            _flush_std_streams()  # or the child would write again what waits in this one's buffers
            r, w = os.pipe()
            try:
                pid = os.fork()
            except OSError:
                os.close(r)
                os.close(w)
                raise
            if pid == 0:  # the child: answer through the pipe, then leave without tearing anything down
                code = 0
                try:
                    os.close(r)
                    _die_with_parent(parent)
                    _TO_PARENT[:] = [w]
                    try:
                        answer = (True, fn(*args))
                    except BaseException as exc:  # noqa: BLE001 -- every failure goes back to the parent
                        answer = (False, exc)
                    _write_answer(answer)
                except BaseException:  # noqa: BLE001
                    code = 1
                finally:
                    _flush_std_streams()  # what it said (a cache problem heard), before it leaves
                    os._exit(code)
            os.close(w)
            children.append(Forked(pid, r))
        yield children
    except BaseException:
        for c in children:
            c.kill()
        raise
    finally:
        for c in children:
            if c.pid:  # never asked for its answer: not left behind as a zombie
                c.kill()
        _FROZEN[0] -= 1
        if _FROZEN[0] == 0:
            gc.unfreeze()
