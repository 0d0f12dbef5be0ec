"""The report's plots as PNG bytes (matplotlib's object API with the Agg canvas: no display, no pyplot state,
fonts bundled with matplotlib, nothing fetched).

Run as ``python -m tempo_crawler.monitors.plots`` by :mod:`.plotting` after a crawl (the crawl itself never
imports matplotlib): reads a :func:`tempo_crawler.monitors.plotting.spec` as JSON on stdin, writes
``{"png": [<base64>, ...]}`` (the plots of :data:`~tempo_crawler.monitors.plotting.PLOTS`, in order) on stdout.
"""

from __future__ import annotations

import base64
import io
import json
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

from matplotlib.figure import Figure

SIZE = (7.5, 2.8)
DPI = 100
FILL_PLOTTED = ("title", "body", "published_at", "reporters_or_editors", "image_caption", "dateline", "tags")


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def _figure(title: str) -> tuple[Figure, Any]:
    fig = Figure(figsize=SIZE, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(title, fontsize=10, loc="left")
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", alpha=0.3)
    return fig, ax


def _empty(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=10, color="#666")
    ax.set_xticks([])
    ax.set_yticks([])


# (up to this many days spanned, unit, bar width in days, what truncates a time to the unit)
_BINS: tuple[tuple[int | None, str, float, dict[str, int]], ...] = (
    (3, "hour", 1 / 24, {}), (90, "day", 1, {"hour": 0}), (5 * 366, "month", 30.4, {"hour": 0, "day": 1}),
    (None, "year", 365.25, {"hour": 0, "day": 1, "month": 1}))
MIN_UNITS_SHOWN = 24   # a run whose articles share one hour still shows a day


def publication(hours: Counter[str]) -> bytes:
    """Exported articles per publication hour (UTC) when they span up to three days, else per day."""
    fig, ax = _figure("Articles exported this run, by publication time (UTC)")
    if not hours:
        _empty(ax, "no article exported in this run")
        return _png(fig)
    stamps = {datetime.strptime(h, "%Y-%m-%dT%H").replace(tzinfo=timezone.utc): n for h, n in hours.items()}
    days = (max(stamps) - min(stamps)).days
    # Bars as wide as the unit they count: hours for a cron run, days, months or years for a backfill.
    unit, width, cut = next((u, w, c) for limit, u, w, c in _BINS if limit is None or days <= limit)
    keys: Counter[datetime] = Counter()
    for when, n in stamps.items():
        keys[when.replace(**cut)] += n
    ordered = sorted(keys)
    ax.bar(ordered, [keys[k] for k in ordered], width=width * 0.9, align="edge", color="#3b6ea8")
    end = ordered[-1] + timedelta(days=width)
    ax.set_xlim(min(ordered[0], end - timedelta(days=width * MIN_UNITS_SHOWN)), end)
    label = f"publication {unit}"
    ax.set_xlabel(label, fontsize=8)
    ax.set_ylabel("articles", fontsize=8)
    fig.autofmt_xdate()
    return _png(fig)


def _runs_axis(ax: Any, runs: list[dict[str, Any]]) -> list[int]:
    xs = list(range(len(runs)))
    labels = [str(r.get("run_id", ""))[4:13].replace("T", " ") for r in runs]   # MMDD HHMM of the UTC stamp
    step = max(1, len(runs) // 12)
    ax.set_xticks(xs[::step], labels[::step], rotation=30, ha="right")
    ax.set_xlim(-0.6, max(len(runs), 12) - 0.4)   # a run keeps its width while the history is short
    ax.set_xlabel("run (UTC, MMDD HHMM)", fontsize=8)
    return xs


def _colors(runs: list[dict[str, Any]]) -> list[str]:
    return ["#3b6ea8" if r.get("status") == "ok" else "#c0392b" for r in runs]


def items_history(runs: list[dict[str, Any]]) -> bytes:
    fig, ax = _figure("Items exported per run (red: the run failed a monitor), and articles discovered")
    if not runs:
        _empty(ax, "no run in the history yet")
        return _png(fig)
    xs = _runs_axis(ax, runs)
    ax.bar(xs, [r.get("items", 0) for r in runs], color=_colors(runs), label="exported")
    ax.plot(xs, [r.get("discovered", 0) for r in runs], color="#555", marker=".", linewidth=1, label="discovered")
    ax.legend(fontsize=7, loc="upper right")
    return _png(fig)


def fill_history(runs: list[dict[str, Any]]) -> bytes:
    fig, ax = _figure("Field fill rates per run (share of exported items with the field)")
    with_fill = [r for r in runs if r.get("fill")]
    if not with_fill:
        _empty(ax, "no run with exported items in the history yet")
        return _png(fig)
    xs = _runs_axis(ax, with_fill)
    for name in FILL_PLOTTED:
        ax.plot(xs, [r["fill"].get(name, 0.0) for r in with_fill], marker=".", linewidth=1, label=name)
    ax.set_ylim(-0.05, 1.05)
    ax.legend(fontsize=7, ncol=4, loc="lower left")
    return _png(fig)


def canary_history(runs: list[dict[str, Any]], threshold: float) -> bytes:
    fig, ax = _figure("Layout canary: median token F1 of JSON-LD articleBody vs DOM body, per run")
    with_canary = [r for r in runs if (r.get("canary") or {}).get("median_f1") is not None]
    if not with_canary:
        _empty(ax, "no run compared a page with a JSON-LD articleBody yet")
        return _png(fig)
    xs = _runs_axis(ax, with_canary)
    ax.plot(xs, [r["canary"]["median_f1"] for r in with_canary], marker="o", color="#3b6ea8", linewidth=1)
    ax.axhline(threshold, color="#c0392b", linestyle="--", linewidth=1, label=f"threshold {threshold:g}")
    ax.set_ylim(-0.05, 1.05)
    ax.legend(fontsize=7, loc="lower left")
    return _png(fig)


def draw_all(spec: dict[str, Any]) -> list[bytes]:
    """The four plots of a report, in the report's order."""
    runs = spec["runs"]
    return [publication(Counter(spec["published"])), items_history(runs), fill_history(runs),
            canary_history(runs, float(spec["threshold"]))]


def main() -> int:
    spec = json.loads(sys.stdin.buffer.read())
    pngs = draw_all(spec)
    sys.stdout.write(json.dumps({"png": [base64.b64encode(p).decode("ascii") for p in pngs]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
