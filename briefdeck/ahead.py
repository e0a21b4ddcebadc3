"""The brief's process, started ahead of the load.

A fresh process that rebuilds a brief (a prose edit, the commonest build) spends about a third of
its time importing: the loader's code (markdown-it, babel, the model) before it can load the source,
and the brief's renderer (reportlab, ``render/pdf``) after. Neither needs the other, and the second
core is idle until the format processes fork after the load. So, when the brief is out of date, a
process is forked before the source loads and imports the renderer meanwhile; once loaded, what
``api._make`` takes (the view, the theme, the options, the chart service: ~100 KB) travels to it
pickled, in about a millisecond, and it makes the brief there. The answer comes back as a forked
format's does (``workers.forked``).

Only where it pays: a fresh process (a warm one, ``--watch``, has the renderer imported), more than
one job, and charts drawn before (a first build draws its charts beside the brief instead:
``api._charts_aside``). The bytes are the same as the brief made in this process: the same call on
equal inputs (tests/test_ahead.py).
"""
from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import sys
import threading
from typing import Any, Callable, Optional

from . import render, workers

FORMAT = "pdf"  # the longest of a prose edit's formats: the one whose imports are worth hiding
_RENDERER = f"briefdeck.render.{FORMAT}"
# what both processes need (the pickled arguments' classes; the charts, imported before): imported
# before the fork, once, so that the one ahead imports only the renderer while this one loads the source
_SHARED = ("briefdeck.present", "briefdeck.theme", "briefdeck.charts")

_STARTED: list = []  # this build's process ahead, and the write end of its inbox, until it is handed its work


def pays(opts: Any, charts_drawn_before: bool) -> bool:
    """Whether a build with these options starts the brief's process ahead (see the module's note)."""
    return (FORMAT in opts.formats and opts.jobs > 1 and charts_drawn_before and not opts.force
            and not render.keeping() and _RENDERER not in sys.modules and workers.start_method() == "fork")


def start(stack: contextlib.ExitStack, opts: Any, charts_drawn_before: bool, make: Callable) -> None:
    """The process ahead, forked now when it ``pays``, to call ``make`` (``api._make``) with what it
    is handed; it lives as long as ``stack`` (killed when left unanswered)."""
    if not pays(opts, charts_drawn_before):
        return
    for name in _SHARED:
        importlib.import_module(name)
    try:  # (out of processes or descriptors: EAGAIN, EMFILE) a speed-up only: none is started
        inbox, to_it = os.pipe()
    except OSError:
        return
    try:
        child = stack.enter_context(workers.forked([(_make_ahead, (inbox, to_it, make))]))[0]
    except OSError:
        os.close(to_it)
        os.close(inbox)
        return
    os.close(inbox)
    _STARTED[:] = [child, to_it]
    stack.callback(_forget)


def _forget() -> None:
    if len(_STARTED) == 2:  # never handed its work (the source did not load): the child reads the end
        with contextlib.suppress(OSError):
            os.close(_STARTED[1])
    _STARTED.clear()  # (the child itself is killed by ``workers.forked`` when it never answered)


def hand_over(tmps: dict, args: tuple) -> bool:
    """The brief's share of ``api._make``'s arguments (``args`` and its temporary file in ``tmps``)
    to the process ahead, when one was started; whether it was. The write runs in a thread: the
    pickle may exceed the pipe's buffer while the child still imports."""
    if len(_STARTED) != 2 or FORMAT not in tmps:
        return False
    to_it = _STARTED.pop()
    try:
        data = pickle.dumps((*args, tmps[FORMAT]), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 -- what cannot travel is made here, as with --jobs 1; the child reads the end
        with contextlib.suppress(OSError):
            os.close(to_it)
        return False
    threading.Thread(target=_write_and_close, args=(to_it, data), name="briefdeck-hand-over", daemon=True).start()
    return True


def made_beside(make: Callable[[str, bool], Optional[tuple]], formats: tuple[str, ...], followers: tuple[str, ...]) -> dict:
    """Every format's ``api._make`` answer, by format, once the brief was handed over: the others are
    made here (``make(fmt, drawn_only)``) while the process ahead makes the brief; the formats that
    follow the brief (the web page: its charts are the brief's) only when their charts are drawn
    already, otherwise after the brief, from the drawings it put in the chart cache."""
    out = {fmt: make(fmt, fmt in followers) for fmt in formats if fmt != FORMAT}
    out[FORMAT] = _STARTED.pop().result()
    return {fmt: out[fmt] or make(fmt, False) for fmt in formats}


def _write_and_close(fd: int, data: bytes) -> None:
    try:
        workers.write_frame(fd, data)
    except OSError:
        pass  # the child is gone: its answer (none) says so
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


def _make_ahead(inbox: int, to_it: int, make: Callable) -> Any:
    """In the process ahead: the renderer imported, then the work read from the inbox and made."""
    os.close(to_it)  # the parent's end: the read below ends when the parent gives up
    importlib.import_module(_RENDERER)
    with os.fdopen(inbox, "rb") as pipe:
        data = workers.read_frame(pipe.read)
    if data is None:
        return None
    view, theme, opts, charts, tmp = pickle.loads(data)
    return make(FORMAT, view, theme, opts, charts, tmp)
