"""reportlab's number formatting (``rl_accel.fp_str``: every coordinate, colour and width written
into a page), giving the same strings faster. Without its C accelerator reportlab formats each
number in Python, stripping trailing zeros a character at a time: a few thousand calls a brief, a
tenth of the painted layout. Here each value is formatted the same way, once: a page repeats its
numbers (0, 1, the column's x, its colours' components), and a value formats to the same string
wherever it is written.
"""
from __future__ import annotations

from math import log

_LOG_E_10 = log(10.0)
_FORMATS = ("%.0f", "%.1f", "%.2f", "%.3f", "%.4f", "%.5f", "%.6f")
_DONE: dict = {}  # value -> its string
_MOST = 50_000  # values held (a brief writes a few thousand distinct ones)


def _one(x) -> str:
    """``x`` as reportlab's ``_py_fp_str`` writes it (the same steps: its precision from the same
    logarithm, trailing zeros and point dropped, a leading zero dropped)."""
    sa = abs(x)
    if sa <= 1e-7:
        return "0"
    places = 6 if sa <= 1 else min(max(0, 6 - int(log(sa) / _LOG_E_10)), 6)
    n = _FORMATS[places] % x
    if places:
        n = n.rstrip("0")
        if n[-1] == ".":
            n = n[:-1]
    return n if (n[0] != "0" or len(n) == 1) else n[1:]


def fp_str(*a) -> str:
    """Numbers (or one sequence of them) as reportlab writes them into PDF code, space separated."""
    if len(a) == 1 and isinstance(a[0], (list, tuple)):
        a = a[0]
    done = _DONE
    out = []
    for x in a:
        s = done.get(x)
        if s is None:
            if type(x) not in (int, float):  # (a bool, a numpy number: formatted, not kept)
                out.append(_one(x))
                continue
            if len(done) >= _MOST:
                done.clear()
            s = done[x] = _one(x)
        out.append(s)
    return " ".join(out)


def install() -> None:
    """reportlab's modules that write PDF code format numbers with ``fp_str`` above (idempotent):
    those imported rebound, those imported later take it from ``rl_accel``."""
    import sys

    from reportlab.lib import rl_accel

    if rl_accel.fp_str is fp_str or getattr(rl_accel.fp_str, "__module__", "") != "reportlab.lib.rl_accel":
        return  # done, or reportlab's C accelerator is installed (faster still)
    rl_accel.fp_str = fp_str
    for name, module in list(sys.modules.items()):
        if name.startswith("reportlab.") and getattr(module, "fp_str", None) is not None:
            module.fp_str = fp_str
