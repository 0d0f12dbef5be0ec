"""``TEMPO_ARCHIVE_RETENTION_DAYS``: closed archive files whose last record is older than that many days are
removed when a crawl starts (0, the default: keep everything)."""

from __future__ import annotations

import time
from pathlib import Path

from tempo_crawler.archive import CLOSED


def expired(directory: Path, days: float, now: float | None = None) -> list[Path]:
    """Closed files last written more than ``days`` days before ``now`` (none when ``days`` <= 0)."""
    if days <= 0 or not directory.is_dir():
        return []
    limit = (time.time() if now is None else now) - days * 86400
    return sorted(p for p in directory.glob(f"*{CLOSED}") if p.is_file() and p.stat().st_mtime < limit)


def apply(directory: Path, days: float) -> list[Path]:
    """Remove the expired files; the ones removed."""
    gone = []
    for path in expired(directory, days):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        gone.append(path)
    return gone
