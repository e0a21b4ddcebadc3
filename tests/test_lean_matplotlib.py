"""matplotlib's artists are defined without their ``set()`` help texts only in briefdeck's own
process (the command line); a program that imports briefdeck keeps them, and ``set()`` works in both."""
import subprocess
import sys

import pytest

pytestmark = pytest.mark.quick

_CHECK = """
import sys
from briefdeck import mplconfig
mplconfig.OWN_PROCESS = {own}
import briefdeck.charts.mpl
import matplotlib.artist, matplotlib.lines
line = matplotlib.lines.Line2D([0, 1], [0, 1])
line.set(linewidth=3)
assert line.get_linewidth() == 3
doc = matplotlib.lines.Line2D.set.__doc__ or ""
print("documented" if "linewidth" in doc else "bare")
# given back after the import: a new artist class is documented again; a subclass works either way
class Later(matplotlib.artist.Artist):
    def set_colour(self, c):
        "The colour."
print("later documented" if "colour" in (Later.set.__doc__ or "") else "later bare")
class Sub(matplotlib.lines.Line2D):
    pass
sub = Sub([0, 1], [0, 1])
sub.set(linewidth=2)
assert sub.get_linewidth() == 2
"""


@pytest.mark.parametrize("own, expected", [(False, ["documented", "later documented"]),
                                           (True, ["bare", "later documented"])])
def test_help_texts_skipped_only_in_briefdecks_own_process(own, expected):
    out = subprocess.run([sys.executable, "-c", _CHECK.format(own=own)], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == expected
