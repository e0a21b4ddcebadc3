"""The brief's painted layout begun before the layouts that decide it are done, in a process that
builds again and again (``--watch``).

The layout that is painted is a function of this build's story, styles, geometry and charts and of
what the layouts that only measure decide (``_measured``): the end break, the stretch of each page
(vertical justification), the lines of the pages laid out again for their hyphens, and the pages and
placements the stretched layout must keep. A prose edit seldom changes these. So once the charts
are ready, before the first layout, a process is forked that paints the layout the last build of
this brief decided on, while this one measures. When the measuring decides the same, the child's
bytes are the ones painting here would make -- the same function of the same values: the child
forked after everything else a layout reads was made, and every layout builds its story anew -- and
they are used; otherwise the child is stopped and the layout is painted here, as always. Nothing
is trusted that was not compared: the decisions are compared whole, value by value (a float by its
exact bits).

The painted layout is about half of the brief's time after an edit (text and charts painted, the
structure tree, compressed streams); begun ahead it runs beside the measuring on another core. Only
where it cannot cost an output's warmth: every chart is one this process replays from memory
(chartpaint.py), so painting it elsewhere takes nothing from the next build; the breaks the child
notes in the cache are noted here (pruning keeps them). Off unless ``enable``d (``api.warm_up`` with
--jobs 2 or more: a build told to use one process forks nothing more).
"""
from __future__ import annotations

import contextlib
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from .chartpaint import replayable

_ON = [False]
_LAST: "OrderedDict[tuple, tuple]" = OrderedDict()  # a brief's key -> the decisions of its last layout here
_LIMIT = 64  # briefs remembered (least recently built first out)
COUNTS = {"taken": 0, "missed": 0}  # painted layouts used from ahead, and thrown away (tests, benchmarks)


def enable(on: bool = True) -> None:
    _ON[0] = on


def decisions(end_break: Optional[str], stretch: dict, known: dict, pages: int, tpl: Any) -> tuple:
    """What the painted layout is decided on, as plain values: ``_paint``'s arguments, and the
    hyphen budgets' page lines (``known``) the layouts read."""
    return (end_break, dict(stretch), dict(known), pages, list(tpl.placed), list(tpl.side.drawn))


def _exact(v: Any) -> Any:
    """A value compared by what it is, to the bit: 0.0 and -0.0, 1 and 1.0 and True stay apart."""
    if isinstance(v, float):
        return (float, v.hex())
    if isinstance(v, dict):
        return (dict, tuple((_exact(k), _exact(x)) for k, x in v.items()))
    if isinstance(v, (list, tuple)):
        return (type(v), tuple(_exact(x) for x in v))
    return (type(v), v)


def remember(key: tuple, decided: tuple) -> None:
    _LAST[key] = decided
    _LAST.move_to_end(key)
    while len(_LAST) > _LIMIT:
        _LAST.popitem(last=False)


def _painted_there(paint: Callable[..., bytes], known: dict, guess: tuple, derived: Optional[Path]):
    """In the forked process: the layout ``guess`` decides on, painted; and the cache files it
    noted (line breaks read or kept), for the build's record."""
    from ... import cache

    if derived is not None:
        cache.take_used_under(derived)  # the parent's notes, inherited: it notes them itself
    end_break, stretch, lines, pages, placed, drawn = guess
    known.clear()
    known.update(lines)
    data = paint(end_break, stretch, pages, placed, drawn)
    return data, (cache.take_used_under(derived) if derived is not None else [])


@contextlib.contextmanager
def painted_ahead(key: Optional[tuple], paint: Callable[..., bytes], known: dict, drawings: dict,
                  derived: Optional[Path]) -> Iterator[Callable[[tuple], Optional[bytes]]]:
    """Yields ``take(decided)``: the painted layout's bytes when the layout was painted ahead on
    exactly the ``decided`` decisions, else None (paint it here). ``paint(end_break, stretch, pages,
    placed, drawn)`` paints; ``known`` is the page lines the layouts read (a layout's closure reads
    it: the child sets the guessed ones in its copy)."""
    guess = _LAST.get(key) if _ON[0] and key is not None else None
    if guess is None or not all(replayable(d) for d in drawings.values()):
        yield lambda decided: None
        return
    from ...workers import forked, start_method

    if start_method() != "fork":
        yield lambda decided: None
        return
    from ... import cache

    with forked([(_painted_there, (paint, known, guess, derived))]) as (child,):
        def take(decided: tuple) -> Optional[bytes]:
            if _exact(decided) != _exact(guess):
                child.kill()  # its core back to the layout painted here
                COUNTS["missed"] += 1
                return None
            try:
                data, used = child.result()
            except Exception:  # noqa: BLE001 - whatever stopped it, the layout is painted here and says it
                COUNTS["missed"] += 1
                return None
            for path in used:
                cache.note(Path(path))
            COUNTS["taken"] += 1
            return data

        yield take
