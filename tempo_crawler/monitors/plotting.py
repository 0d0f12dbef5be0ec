"""The report's plots, drawn in a short child process (``python -m tempo_crawler.monitors.plots``) once the crawl
is over: matplotlib (30-45 MB, with numpy and its fonts) is never imported by the crawl, so it never adds to the
crawl's memory, which the run has held at its peak since the scheduler was full.

The parent sends what the plots show as one JSON document on the child's stdin (:func:`spec`) and reads the PNGs
back as JSON on its stdout; the child's memory is returned to the system when it exits. A child that fails, hangs
or answers nonsense raises :class:`PlotsFailed` with the reason (the report is then written without its plots and
the run says why: :mod:`.extension`).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# The plots in the order the report shows them, with their alt texts.
PLOTS = (("publication", "articles per publication time"), ("items_history", "items per run"),
         ("fill_history", "fill rates per run"), ("canary_history", "canary F1 per run"))
TIMEOUT_S = 120.0   # the child imports matplotlib (~1 s) and draws four small figures
_ROOT = str(Path(__file__).resolve().parents[2])   # the folder holding the tempo_crawler package


class PlotsFailed(RuntimeError):
    """The plots could not be drawn; the message says why."""


def spec(published: Mapping[str, int], runs: list[dict[str, Any]], threshold: float) -> dict[str, Any]:
    """What the plots show: exported articles per publication hour, the recent runs (this one last), the canary
    threshold."""
    return {"published": dict(published), "runs": runs, "threshold": threshold}


def draw(figures: dict[str, Any], timeout: float = TIMEOUT_S) -> list[bytes]:
    """The PNGs of :data:`PLOTS` for ``figures`` (a :func:`spec`), drawn by a child process."""
    data = json.dumps(figures, ensure_ascii=False, default=str).encode("utf-8")
    # The child finds this package where the crawl found it (a source tree Scrapy put on sys.path too).
    path = os.pathsep.join(p for p in (_ROOT, os.environ.get("PYTHONPATH")) if p)
    try:
        done = subprocess.run([sys.executable, "-m", "tempo_crawler.monitors.plots"], input=data,
                              capture_output=True, timeout=timeout, check=False,
                              env={**os.environ, "PYTHONPATH": path})
    except subprocess.TimeoutExpired as exc:
        raise PlotsFailed(f"the plotting process did not finish within {timeout:g} s") from exc
    except OSError as exc:
        raise PlotsFailed(f"cannot start the plotting process ({exc})") from exc
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PlotsFailed(f"the plotting process exited {done.returncode}"
                          + (f": {lines[-1][:300]}" if lines else ""))
    try:
        pngs = [base64.b64decode(p, validate=True) for p in json.loads(done.stdout)["png"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise PlotsFailed(f"the plotting process answered no readable PNGs ({exc})") from exc
    if len(pngs) != len(PLOTS) or not all(p.startswith(b"\x89PNG\r\n\x1a\n") for p in pngs):
        raise PlotsFailed(f"the plotting process answered {len(pngs)} image(s), not {len(PLOTS)} PNGs")
    return pngs
