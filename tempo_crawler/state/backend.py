"""The seen-store's interface, shared by the SQLite store of one machine (:mod:`.store`) and the Redis store of a
distributed run (:mod:`.redis_store`), and the rules both apply the same way (:class:`StoreRules`).

Semantics every backend keeps (docs/cron.md):

* an article is found by any key it was reached by (:func:`tempo_crawler.identity.item_key` of every URL
  form) and, second, by its content key; its row holds the content hash, ``version``, ``first_seen``,
  ``last_seen``, ``revised_at``, its dates, the newest listing lastmod and the file of its latest export;
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
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tempo_crawler.identity import content_hash, content_key, mapping_key

if TYPE_CHECKING:   # store.py builds on StoreRules below: import its types lazily
    from tempo_crawler.state.store import Record, Verdict


@runtime_checkable
class SeenStoreBackend(Protocol):
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
    # several writers
    def reserve(self, item: Mapping[str, Any], keys: Iterable[str | None] = ()) -> bool: ...
    def release_run(self, run_id: str, *, finished: bool, recovered: Iterable[str] = ()) -> int: ...
    # runs and coverage
    def begin_run(self, run_id: str, file: str | None, *, pid: int, listing: bool = True) -> None: ...
    def end_run(self, run_id: str, *, status: str, reason: str | None, complete: bool | None, exported: int,
                file: str | None) -> None: ...
    def unfinished_runs(self) -> list[tuple[str, str | None]]: ...
    def coverage_complete(self) -> bool: ...
    def set_coverage(self, run_id: str, sources: Mapping[str, bool]) -> None: ...
    def covered_sources(self) -> set[str]: ...
    # housekeeping
    def reset(self) -> None: ...
    def summary(self) -> dict[str, Any]: ...


def claim_keys(item: Mapping[str, Any], keys: Iterable[str | None] = ()) -> set[str]:
    """Every key an export of ``item`` must hold: its URL keys, its own key and ``c:<content key>``."""
    own = mapping_key(item)
    ckey = content_key(item)
    out = {k for k in (own, *keys) if k}
    if ckey:
        out.add(f"c:{ckey}")
    return out


class StoreRules:
    """What an item is relative to the store, and how a recovered file is merged into it: one rule for every
    backend (they provide ``find``, ``find_content`` and ``record``)."""

    def classify(self, item: Mapping[str, Any], keys: Iterable[str | None] = ()) -> Verdict:
        from tempo_crawler.state.store import Verdict

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
        from tempo_crawler.state.store import utc_now

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
