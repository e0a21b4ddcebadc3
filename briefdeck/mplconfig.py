"""Where matplotlib keeps its configuration and font list, set before it is first imported (outside
the charts package, whose import a no-op rebuild does not pay for)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

# set by the command line (cli.run): the process is briefdeck's alone, no embedder's (matplotlib's help texts
# skipped, charts/mpl.py; PIL.Image run when first read, render/pdf/rlpatterns.defer_pil_image)
OWN_PROCESS = False


def matplotlib_home(state_dir: Path) -> None:
    """Where matplotlib keeps its font list, for a run whose home is not writable (a locked-down
    service, a container): in the output folder's state (``state_dir``), not a new temporary folder per run
    announced with a warning on stderr (which would break ``--log-format json``)."""
    if "MPLCONFIGDIR" in os.environ or "matplotlib" in sys.modules:
        return
    try:
        home = Path.home()
    except (RuntimeError, KeyError):
        home = None
    if sys.platform.startswith("linux"):
        wanted = [Path(os.environ.get("XDG_CONFIG_HOME") or (home and home / ".config") or "/nonexistent") / "matplotlib",
                  Path(os.environ.get("XDG_CACHE_HOME") or (home and home / ".cache") or "/nonexistent") / "matplotlib"]
    else:
        wanted = [Path(home or "/nonexistent") / ".matplotlib"]
    for d in wanted:
        try:
            d.mkdir(parents=True, exist_ok=True)
            usable = os.access(d, os.W_OK)
        except OSError:
            usable = False
        if not usable:
            os.environ["MPLCONFIGDIR"] = str((state_dir / "matplotlib").absolute())
            return

