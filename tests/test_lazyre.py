"""Patterns a library compiles as it is imported, compiled when first used (briefdeck/lazyre.py):
PyYAML's pure-Python reader's NON_PRINTABLE, which the C loader never reads."""
from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from briefdeck import lazyre, yamlsafe

ROOT = Path(__file__).resolve().parent.parent


def test_reading_a_source_compiles_no_non_printable_class():
    code = ("import briefdeck.yamlsafe as y, yaml; from pathlib import Path;"
            f"data, problems = y.load_yaml(Path({str(ROOT / 'source' / 'canada-minusma-panel-2018.yaml')!r}).read_bytes(), 'x.yaml');"
            "p = yaml.reader.Reader.NON_PRINTABLE; print(type(p).__name__, p._compiled, bool(data.data), problems)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["Deferred", "None", "True", "[]"]


def test_the_deferred_class_answers_as_compiled_at_once():
    real = re.compile(yamlsafe.NON_PRINTABLE)
    deferred = lazyre.Deferred(yamlsafe.NON_PRINTABLE, 0, None, re.compile)
    rnd = random.Random(5)
    alphabet = ["a", "\t", "\n", "\x00", "\x07", "\x7f", "\x85", "\x9f", "\xa0", "\ud7ff", "\ue000", "\ufffe", "\uffff", "\U0001f600", "é"]
    for text in ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8))) for _ in range(5000)]:
        a, b = deferred.search(text), real.search(text)
        assert (a and (a.span(), a.group())) == (b and (b.span(), b.group())), repr(text)
    assert deferred.pattern == real.pattern


@pytest.mark.parametrize("text", ["a: b\x07\n", "ok: fine\n", "x: \x85 y\n"])
def test_the_pure_python_loader_reads_as_before(text):
    """Without the C extension PyYAML reads with its own reader, which uses the deferred pattern."""
    def read():
        try:
            return ("value", yaml.load(text, Loader=yaml.SafeLoader))
        except yaml.YAMLError as exc:
            return ("error", str(exc))

    deferred_answer = read()
    yaml.reader.Reader.NON_PRINTABLE = re.compile(yamlsafe.NON_PRINTABLE)
    try:
        assert read() == deferred_answer
    finally:
        yaml.reader.Reader.NON_PRINTABLE = lazyre.Deferred(yamlsafe.NON_PRINTABLE, 0, None, re.compile)


def test_the_unprintable_characters_are_those_outside_yamls_printable_set():
    every = "".join(map(chr, range(0x110000)))
    assert yamlsafe._YAML_UNPRINTABLE.findall(every) == re.compile(yamlsafe.NON_PRINTABLE).findall(every)
