"""reportlab's paragraph module imported with its URI and CJK patterns compiled when first used
(render/pdf/rlpatterns.py): the same answers as the patterns compiled at once."""
from __future__ import annotations

import random
import re
import subprocess
import sys

from briefdeck.render.pdf import rlpatterns


def test_the_brief_imports_reportlab_with_both_patterns_deferred():
    # in a process of its own: this one may have imported reportlab before (another reportlab's
    # patterns, or a changed text, would be compiled at once, and this test says so)
    code = ("import briefdeck.render.pdf, reportlab.platypus.paragraph as p, reportlab.lib.textsplit as t;"
            "print(type(p.uri_pat).__name__, type(t.rx).__name__, p.uri_pat._compiled, t.rx._compiled)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["Deferred", "Deferred", "None", "None"]


def _same(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a.span() == b.span() and a.groups() == b.groups())


def test_the_uri_pattern_answers_as_compiled_at_once():
    real = re.compile(rlpatterns.URI, re.I)
    deferred = rlpatterns.Deferred(rlpatterns.URI, re.I, "://", re.compile)
    words = ["https://example.org/a/b", "HTTPS://EXAMPLE.ORG", "ftp://user:pw@10.0.0.1:8080/x?y#z", "http://[::1]/",
             "mailto:someone@example.org", "example.org/path", "www.un.org", "http://localhost", "xn--://bad",
             "a://b.cd", "://x.org", "http://exämple.org/ü", "word", "", "http:/x.org", "http//x.org", "x://", "s3://bucket.io/k",
             "http://a.b.c.d.e.f.gh/ijk/", "http://-bad.org", "http://bad-.org", "http://1.2.3.999"]
    assert deferred._compiled is None
    for w in words[5:]:  # no "://": answered without compiling
        if "://" not in w:
            assert deferred.match(w) is None
    assert deferred._compiled is None
    rnd = random.Random(28)
    alphabet = "aZ09.:/-_@[]?#xnü\u4e00 "
    words += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 20))) for _ in range(3000)]
    words += [rnd.choice(["http://", "HTTP://", "a+b-c.d://", "://"]) + "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 20)))
              for _ in range(3000)]

    def label():
        return "".join(rnd.choice("abZ09-ü一") for _ in range(rnd.randint(0, 5)))

    words += [rnd.choice(["http://", "Https://", "x-y://", "u@", "://", ""]) + ".".join(label() for _ in range(rnd.randint(1, 4)))
              + rnd.choice(["", ".", ":80", "/", "/a b", "?q", "#f"]) for _ in range(3000)]
    for w in words:
        assert _same(deferred.match(w), real.match(w)), w
    assert sum(real.match(w) is not None for w in words) > 100  # the comparison saw matches, not only misses
    assert deferred.pattern == real.pattern and deferred.flags == real.flags


def test_the_cjk_pattern_answers_as_compiled_at_once():
    real = re.compile(rlpatterns.CJK, re.UNICODE)
    deferred = rlpatterns.Deferred(rlpatterns.CJK, re.UNICODE, None, re.compile)
    text = "漢字 and かな, Ελληνικά, 한국어"
    assert deferred.sub(r"\1\0 ", text) == real.sub(r"\1\0 ", text)
    assert _same(deferred.match("字x"), real.match("字x")) and deferred.match("x") is None


def test_other_patterns_are_compiled_as_before():
    assert (rlpatterns.URI + " ", int(re.I)) not in rlpatterns._DEFERRED
    assert (rlpatterns.URI, 0) not in rlpatterns._DEFERRED  # another flag: another pattern


def test_the_brief_imports_pil_image_only_when_it_is_used(tmp_path):
    """reportlab imports PIL.Image as it is imported; briefdeck's command-line process runs it when first
    read (rlpatterns.defer_pil_image, mplconfig.OWN_PROCESS): a brief without pictures never does, and a
    picture reads as before."""
    from PIL import Image

    png = tmp_path / "dot.png"
    Image.new("RGB", (3, 2), (200, 10, 10)).save(png)
    code = ("import sys; from briefdeck import mplconfig; mplconfig.OWN_PROCESS = True; import briefdeck.render.pdf;"
            "from reportlab.lib.utils import ImageReader;"
            "before = 'PIL.ExifTags' in sys.modules;"
            f"r = ImageReader({str(png)!r}); import PIL.Image;"
            "print(before, r.getSize(), r.getRGBData()[:3] == b'\\xc8\\x0a\\x0a', PIL.Image.Image.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "(3,", "2)", "True", "Image"]


def test_a_program_importing_briefdeck_keeps_pil_image_as_pil_imports_it():
    """Outside briefdeck's command line PIL.Image is imported whole with reportlab (no lazy module, which on
    Python 3.11 takes no lock): threads that first use it at once all find it complete."""
    code = ("import sys, threading, types, briefdeck.render.pdf;"
            "m = sys.modules['PIL.Image']; print(type(m) is types.ModuleType, 'PIL.ExifTags' in sys.modules)\n"
            "errors = []\n"
            "def use():\n"
            "    try: m.new('RGB', (1, 1))\n"
            "    except Exception as e: errors.append(repr(e))\n"
            "ts = [threading.Thread(target=use) for _ in range(8)]; [t.start() for t in ts]; [t.join() for t in ts]\n"
            "print(len(errors))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True", "0"]
