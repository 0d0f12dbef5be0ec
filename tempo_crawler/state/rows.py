"""What a seen-store holds and returns, whatever its backend (SQLite :mod:`.store`, Redis :mod:`.redis_store`):
an article's row, a verdict on an item, a run not finished, a pending article; and the times they carry
(ISO 8601, UTC)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def parse_time(value: str | None) -> datetime | None:
    """ISO 8601 to an aware datetime (naive values are taken as UTC); None when absent or unreadable."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def later(a: str | None, b: str | None) -> str | None:
    """The later of two ISO times (either may be None)."""
    ta, tb = parse_time(a), parse_time(b)
    if ta is None:
        return b if tb is not None else None
    if tb is None:
        return a
    return b if tb > ta else a


@dataclass
class Record:
    """An exported article as the store knows it."""

    rid: int
    canonical_key: str
    url: str | None
    article_id: str | None
    content_hash: str
    content_key: str | None
    version: int
    first_seen: str
    last_seen: str
    revised_at: str | None
    published_at: str | None
    modified_at: str | None
    listing_lastmod: str | None
    file: str | None


@dataclass
class Verdict:
    """What an item is relative to the store: ``new``, ``revised``, ``unchanged`` or ``duplicate``
    (same content as another article, under another key)."""

    kind: str
    record: Record | None = None


@dataclass
class RunRow:
    """A run the store records as not finished: still ``running`` (or killed), or ``unpublished`` (its file
    was left as ``.part`` after a write failed). ``pid``/``proc_start`` name its process (None when the
    store knows the run's liveness otherwise: distributed runs have a heartbeat)."""

    run_id: str
    file: str | None
    status: str
    pid: int | None
    proc_start: str | None


@dataclass
class Pending:
    """An article a run could not export, to be fetched again."""

    key: str
    url: str
    source: str | None
    attempts: int
    cause: str | None
    first_failed: str
    last_failed: str
