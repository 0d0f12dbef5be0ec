"""What every benchmark shares: medians, where results go, the summary lines and the golden pages."""

from __future__ import annotations

import json
import os
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(os.environ.get("TEMPO_BENCH_RESULTS") or ROOT / "output" / "bench")


def median(values: Iterable[float]) -> float:
    vals = list(values)
    return statistics.median(vals) if vals else float("nan")


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def save(name: str, data: dict[str, Any], directory: Path | None = None) -> Path:
    """Write a benchmark's result as ``output/bench/<name>.json`` (what ``make bench`` summarises)."""
    directory = directory or RESULTS
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.json"
    path.write_text(json.dumps(data, indent=1, default=str, ensure_ascii=False) + "\n", "utf-8")
    return path


def load(name: str, directory: Path | None = None) -> dict[str, Any] | None:
    path = (directory or RESULTS) / f"{name}.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return "nan" if value != value else f"{value:.{digits}f}"
    return str(value)


def table(headers: list[str], rows: list[list[Any]], digits: int = 2) -> str:
    """A plain-text table with right-aligned numbers."""
    cells = [[fmt(c, digits) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True)))
    out = [line, "-" * len(line)]
    for r in cells:
        pairs = enumerate(zip(r, widths, strict=True))
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs))
    return "\n".join(out)


@dataclass
class Page:
    """One golden page as the parse benchmarks see it."""

    name: str
    layout: str
    url: str
    html: str
    fetched_at: datetime
    extra: dict[str, str]          # further pages of the article: url -> html
    expected: dict[str, Any]


def golden_pages(limit: int | None = None) -> list[Page]:
    """Every golden page (through ``tests.support.golden.goldens()``, the only API to the fixtures)."""
    from tests.support.golden import goldens

    out = []
    for g in goldens():
        out.append(Page(g.name, g.expected["layout"], g.url, g.file.read_text("utf-8"), g.fetched_at,
                        {u: p.read_text("utf-8") for u, p in g.extra_pages.items()}, g.expected))
    if limit is not None:  # keep every layout represented in a small sample
        by_layout: dict[str, list[Page]] = {}
        for p in out:
            by_layout.setdefault(p.layout, []).append(p)
        picked: list[Page] = []
        while len(picked) < min(limit, len(out)):
            for pages in by_layout.values():
                if pages and len(picked) < limit:
                    picked.append(pages.pop(0))
        out = picked
    return out
