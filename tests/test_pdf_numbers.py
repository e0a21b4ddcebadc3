"""reportlab's number formatting, the same strings faster (render/pdf/numbers.py): every value writes
as reportlab's own Python formatting writes it, and the brief's modules use it."""
from __future__ import annotations

import random
import struct

import pytest
from reportlab.lib.rl_accel import _py_fp_str

from briefdeck.render.pdf import numbers


def _values() -> list:
    vals = [0, 0.0, -0.0, 1, -1, True, False, 1e-7, -1e-7, 1.0000001e-7, 5e-7, 4.9999e-7, 0.5, 0.05, 0.99999995,
            9.9999996, 99.999995, 999.9995, 1000, 999999.5, 1e6, 1e7, 51.02362204724, 841.8897637795277]
    for e in range(-9, 10):  # near each power of ten, where the precision changes and rounding carries
        for m in (1, 2, 5, 9.99999, 9.999999, 9.9999999, 1.0000001, 4.9999995, 5.0000005):
            vals += [m * 10 ** e, -m * 10 ** e]
    rnd = random.Random(28)
    for _ in range(4000):
        vals += [rnd.uniform(-1000, 1000), rnd.uniform(-1, 1), round(rnd.uniform(-900, 900), rnd.randint(0, 7)),
                 rnd.randint(-10 ** 7, 10 ** 7), rnd.uniform(-1e7, 1e7) * 10 ** rnd.randint(-8, 0)]
        bits = struct.unpack("d", struct.pack("Q", rnd.getrandbits(64)))[0]
        if bits == bits and abs(bits) != float("inf"):
            vals.append(bits)
    return vals


@pytest.mark.quick
def test_every_value_is_written_as_reportlab_writes_it():
    numbers._DONE.clear()
    for v in _values():
        assert numbers.fp_str(v) == _py_fp_str(v), repr(v)
        assert numbers.fp_str(v) == _py_fp_str(v), repr(v)  # (the second time from what it kept)
    for args in [(1, 0, 0, 1, 51.02362, 465.6564), ((0.5, 0.25),), ([1, 2.5],), (), (-0.0, 3)]:
        assert numbers.fp_str(*args) == _py_fp_str(*args)


@pytest.mark.quick
def test_reportlab_writes_pages_with_it_and_keeps_a_bounded_number_of_values(monkeypatch):
    import briefdeck.render.pdf  # noqa: F401 - installs it
    from reportlab.lib import rl_accel
    from reportlab.pdfgen import canvas, textobject

    assert rl_accel.fp_str is numbers.fp_str and canvas.fp_str is numbers.fp_str and textobject.fp_str is numbers.fp_str
    numbers.install()  # idempotent
    assert canvas.fp_str is numbers.fp_str
    monkeypatch.setattr(numbers, "_MOST", 100)
    for i in range(1000):
        numbers.fp_str(i + 0.5)
    assert len(numbers._DONE) <= 100
