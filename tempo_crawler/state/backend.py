"""The seen-store's interface, shared by the SQLite store of one machine (:mod:`.store`) and the Redis store of a
distributed run (:mod:`.redis_store`), and the rules both apply the same way (:class:`StoreRules`).

Semantics every backend keeps (docs/cron.md; the same tests run against both, tests/state/test_backends.py):

* an article is found by any key it was reached by (:func:`tempo_crawler.identity.item_key` of every URL
  form) and, second, by its content key; its row holds the content hash, ``version``, ``first_seen``,
  ``last_seen``, ``revised_at``, its dates, the newest listing lastmod and the file of its latest export;
* **pending articles**: an article a run could not export is marked pending with its URL, source, cause and
  number of failed attempts (:mod:`.pending`); later runs fetch it again while it has failed fewer than
  ``TEMPO_PENDING_MAX_ATTEMPTS`` times; recording it (exported) or touching it (found unchanged) clears it;
  text files still to write are a second such list;
* writes go into one open transaction; :meth:`SeenStoreBackend.commit` makes them durable at once, and the
  exporter commits only after it fsynced the matching lines (an uncommitted write is never seen by a
  later run); reads of this store object see its own uncommitted writes;
* runs are recorded from start (before their file exists) to end, so a killed run is found and finished.

Backends with several writers at once (Redis) also need :meth:`~SeenStoreBackend.reserve` (may this run
export the article now?) and :meth:`~SeenStoreBackend.release_run` (what a run held goes back); for the one
writer of SQLite (the run lock) they do nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol, runtime_checkable

from tempo_crawler.identity import content_hash, content_key, mapping_key
from tempo_crawler.state.rows import Pending, Record, RunRow, Verdict, utc_now
from tempo_crawler.state.store_file import StoreError


class StoreUnavailable(OSError):
    """The shared store cannot be reached or refused a command (Redis down, wrong password): a failed read or
    write of the store, like a full disk for SQLite. The message is :func:`tempo_crawler.failures.redis_line`."""


class SharedStoreError(StoreError):
    """The shared store refuses this use (a newer schema; a reset while other workers run)."""

    def __init__(self, label: str, problem: str) -> None:
        RuntimeError.__init__(self, f"shared state {label}: {problem}")
        self.path = label
        self.problem = problem


@runtime_checkable
class SeenStoreBackend(Protocol):
    path: Any
    # lookups
    def find(self, keys: Iterable[str | None]) -> Record | None: ...
    def find_content(self, ckey: str | None) -> Record | None: ...
    def keys_of(self, rid: int) -> list[str]: ...
    def classify(self, item: Mapping[str, Any], keys: Iterable[str | None] = ()) -> Verdict: ...
    # writes (the open transaction)
    def record(self, item: Mapping[str, Any], keys: Iterable[str | None] = (), *, now: str | None = None,
               file: str | None = None, listing_lastmod: str | None = None) -> int: ...
    def touch(self, rid: int, keys: Iterable[str | None] = (), *, now: str | None = None,
              listing_lastmod: str | None = None) -> None: ...
    def reconcile(self, items: Iterable[Mapping[str, Any]], file: str | None = None) -> int: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def close(self) -> None: ...
    # pending articles and text files still to write (the open transaction)
    def mark_pending(self, key: str, url: str, *, source: str | None, cause: str, now: str) -> int: ...
    def clear_pending(self, keys: Iterable[str | None]) -> None: ...
    def pending(self, max_attempts: int | None = None) -> list[Pending]: ...
    def pending_counts(self, max_attempts: int) -> tuple[int, int]: ...
    def note_text_missing(self, article_ids: Iterable[str | None], cause: str) -> None: ...
    def text_written(self, article_ids: Iterable[str | None]) -> None: ...
    def texts_missing(self) -> list[tuple[str, str | None]]: ...
    # several writers
    def reserve(self, item: Mapping[str, Any], keys: Iterable[str | None] = ()) -> bool: ...
    def release_run(self, run_id: str, *, finished: bool, recovered: Iterable[str] = ()) -> int: ...
    # runs and coverage
    def begin_run(self, run_id: str, file: str | None, *, pid: int, listing: bool = True,
                  proc_start: str | None = None) -> None: ...
    def end_run(self, run_id: str, *, status: str, reason: str | None, complete: bool | None, exported: int,
                file: str | None, outcome: str | None = None, exit_code: int | None = None) -> None: ...
    def unfinished_runs(self) -> list[RunRow]: ...
    def coverage_complete(self) -> bool: ...
    def set_coverage(self, run_id: str, sources: Mapping[str, bool]) -> None: ...
    def covered_sources(self) -> set[str]: ...
    # housekeeping
    def reset(self) -> None: ...
    def summary(self, max_attempts: int = 5) -> dict[str, Any]: ...


def claim_keys(item: Mapping[str, Any], keys: Iterable[str | None] = ()) -> set[str]:
    """Every key an export of ``item`` must hold: its URL keys, its own key and ``c:<content key>``."""
    own = mapping_key(item)
    ckey = content_key(item)
    out = {k for k in (own, *keys) if k}
    if ckey:
        out.add(f"c:{ckey}")
    return out


def stored_row(item: Mapping[str, Any], *, now: str, file: str | None) -> tuple[str, dict[str, Any]]:
    """The item's own key and the article row every backend stores for an exported item (its ``version``,
    ``first_seen`` and ``revised_at`` as exported; ``listing_lastmod`` is the backend's to merge). ValueError for
    an item with neither URL key nor id."""
    own = mapping_key(item)
    if own is None:
        raise ValueError("an item without url key and id cannot be stored")
    return own, dict(canonical_key=own, url=item.get("url"), article_id=item.get("id"),
                     content_hash=content_hash(item), content_key=content_key(item),
                     version=int(item.get("version") or 1), first_seen=item.get("first_seen") or now,
                     last_seen=now, revised_at=item.get("revised_at"), published_at=item.get("published_at"),
                     modified_at=item.get("modified_at"), file=file)


class StoreRules:
    """What an item is relative to the store, and how a recovered file is merged into it: one rule for every
    backend (they provide ``find``, ``find_content`` and ``record``)."""

    def classify(self, item: Mapping[str, Any], keys: Iterable[str | None] = ()) -> Verdict:
        own = mapping_key(item)
        record = self.find([own, *keys])  # type: ignore[attr-defined]
        if record is not None:
            same = record.content_hash == content_hash(item)
            return Verdict("unchanged" if same else "revised", record)
        other = self.find_content(content_key(item))  # type: ignore[attr-defined]
        if other is not None:
            return Verdict("duplicate", other)
        return Verdict("new")

    def reconcile(self, items: Iterable[Mapping[str, Any]], file: str | None = None) -> int:
        """Make the store agree with lines found in an output file (a killed run's): every line there was
        exported, so it counts as seen. Returns how many lines the store did not know yet."""
        added = 0
        for item in items:
            own = mapping_key(item)
            if own is None:
                continue
            record = self.find([own])  # type: ignore[attr-defined]
            if record is not None and (record.content_hash == content_hash(item)
                                       or record.version >= int(item.get("version") or 1)):
                continue
            self.record(item, now=item.get("crawled_at") or utc_now(), file=file)  # type: ignore[attr-defined]
            added += 1
        return added
