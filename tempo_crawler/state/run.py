"""The run's lifecycle, one Scrapy extension: the lock, the seen-store, recovery of killed runs, reset, the
run's record in the store from start to end, and listing coverage.

* ``spider_opened`` (after the pipelines opened, before the first request): create the store if there is
  none; take the run lock, an ``flock`` on the store file itself (a second run is skipped:
  ``CloseSpider("skipped")``); open the store: an empty, truncated or corrupt one **refuses the run**
  (one ERROR line, ``CloseSpider("store_unusable")``, exit 1), except under ``-a reset=1``, which moves it
  aside; **recover** what killed runs left (:mod:`.recovery`); ``-a reset=1``; decide whether this run
  discovers; record this run, its process and its file name in the store (committed) before the file
  exists, so a kill is found from there.
* ``spider_closed`` (after the writer published its file, after :mod:`.pending` wrote the last pending
  rows): record how the run ended and whether it paged every listing completely (the next run may then
  stop paging at already-seen pages; never when articles were left pending or a write failed); release
  what the run held (distributed: its article claims); close the store; release the lock.

Where lock and store live is the run's *session*: :class:`LocalSession` (the ``flock`` and the SQLite store,
one machine) or, with ``TEMPO_REDIS_URL``, :class:`tempo_crawler.distributed.session.ClusterSession` (a worker
lock and the store in Redis, shared by every worker; only then is Redis imported). A shared store that
cannot be reached refuses the run like an unusable file (``CloseSpider("state_unavailable")``, exit 1).
Runs without the store (``-o``/``-O``, ``TEMPO_STATE_MODE=off``) do none of this.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured

from tempo_crawler.context import RunContext
from tempo_crawler.exitcodes import BLOCKED, ERROR, INCOMPLETE
from tempo_crawler.state.backend import SeenStoreBackend, StoreUnavailable
from tempo_crawler.state.lock import LockBusy, RunLock
from tempo_crawler.state.notes import FetchNotes
from tempo_crawler.state.recovery import process_start, recover
from tempo_crawler.state.store import SeenStore, StoreError, create, move_aside

logger = logging.getLogger(__name__)


def open_locked(path: Path, lock: RunLock, *, wait: float = 0.0,
                reset_bad: bool = False) -> tuple[SeenStore, Path | None]:
    """Create the store if there is none, take ``lock`` on it, open it; (the store, where an unusable one was
    moved). An unusable store raises :class:`StoreError` (lock released), or with ``reset_bad`` is moved aside
    and replaced by a new one, locked before the old one is let go. :class:`LockBusy`: another run holds it."""
    create(path)
    lock.acquire(wait)
    try:
        return SeenStore(path), None
    except StoreError as exc:
        if not reset_bad:
            lock.release()
            raise
        aside = move_aside(path)
        logger.warning("%s; moved it to %s and started a new store", exc.problem, aside)
        old = RunLock(aside)
        old.fd, lock.fd = lock.fd, None   # keep the old file locked until the new one is
        try:
            return open_locked(path, lock, wait=wait)[0], aside
        finally:
            old.release()


class LocalSession:
    """One machine: the ``flock`` on the SQLite store file; this run always discovers."""

    def __init__(self, crawler: Any, context: RunContext) -> None:
        self.context = context
        self.lock = RunLock(context.state_path)
        self.lock_wait = crawler.settings.getfloat("TEMPO_LOCK_WAIT_SECONDS", 0.0)
        self.run_id = f"{context.stamp}-{os.getpid()}"

    def open(self, reset_bad: bool) -> tuple[SeenStoreBackend, Path | None]:
        """Lock and open the store (see :func:`open_locked`)."""
        return open_locked(self.context.state_path, self.lock, wait=self.lock_wait, reset_bad=reset_bad)

    def elect(self) -> bool:
        return True

    def release(self) -> None:
        self.lock.release()


def session_for(crawler: Any, context: RunContext) -> Any:
    if context.distributed:
        from tempo_crawler.distributed.session import ClusterSession

        return ClusterSession(crawler, context)
    return LocalSession(crawler, context)


class RunLifecycle:
    def __init__(self, crawler: Any, context: RunContext) -> None:
        self.crawler = crawler
        self.context = context
        self.session: Any = None
        self.run_id: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunLifecycle:
        context = RunContext.find(crawler)
        if context is None:  # another spider (scrapy shell's default one): no run to manage
            raise NotConfigured("no tempo run context")
        ext = cls(crawler, context)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def _refuse(self, key: str, value: str, reason: str) -> CloseSpider:
        self.context.skipped = True
        self.stats.set_value(f"tempo/run/{key}", value)
        return CloseSpider(reason)

    def spider_opened(self, spider: Any) -> None:
        context = self.context
        if context.reset and not context.store_enabled:
            logger.warning("-a reset=1 ignored: this run does not use the state (-o/-O/FEEDS given, or "
                           "TEMPO_STATE_MODE=off); `scrapy state reset` forgets it")
        if not context.store_enabled:
            return
        session = self.session = session_for(self.crawler, context)
        try:
            store, aside = session.open(reset_bad=context.reset)
        except LockBusy as exc:
            self.stats.set_value("tempo/run/skipped", 1)
            logger.warning("%s: this run is skipped, nothing fetched or exported", exc)
            raise self._refuse("skip_reason", "locked", "skipped") from None
        except StoreUnavailable as exc:   # distributed: Redis cannot be reached (failures.redis_line)
            logger.error("%s; nothing fetched or exported", exc)
            raise self._refuse("refused", str(exc), "state_unavailable") from None
        except (StoreError, OSError) as exc:
            logger.error("%s", exc)   # one line, no traceback: the run stops before its first request
            raise self._refuse("refused", str(exc), "store_unusable") from None
        if aside is not None:
            self.stats.set_value("tempo/state/moved_aside", str(aside))
        try:
            self._recover(store)
            if context.reset:
                self._reset(store)
            context.seeding = session.elect()
            context.covered = store.covered_sources() if context.listing_run else set()
            self.run_id = session.run_id
            store.begin_run(self.run_id, str(context.output) if context.output else None, pid=os.getpid(),
                            listing=context.listing_run, proc_start=process_start(os.getpid()))
            known = store.summary()["articles"]
        except StoreUnavailable as exc:   # Redis went away while the run started
            store.close()
            session.release()
            logger.error("%s; nothing fetched or exported", exc)
            raise self._refuse("refused", str(exc), "state_unavailable") from None
        except BaseException:
            store.close()
            session.release()
            raise
        context.store = store
        context.notes = FetchNotes()
        logger.info("state %s: %d articles known; %s", store.path, known,
                    f"paging may stop at already-seen pages of {', '.join(sorted(context.covered))}"
                    if context.covered else "previous run incomplete or none: paging every listing to the usual bounds")

    def _reset(self, store: SeenStoreBackend) -> None:
        try:
            store.reset()
        except StoreError as exc:   # distributed: other workers still run
            logger.error("-a reset=1: %s; nothing fetched or exported", exc)
            raise self._refuse("refused", f"-a reset=1: {exc}", "reset_refused") from None
        self.stats.set_value("tempo/state/reset", 1)
        logger.warning("-a reset=1: state %s forgotten, every article counts as new", store.path)

    def _recover(self, store: SeenStoreBackend) -> None:
        found = recover(store)
        if not found.runs:
            return
        for name, value in (("runs", found.runs), ("lines", found.lines), ("reconciled", found.reconciled),
                            ("cut_bytes", found.cut_bytes), ("bad_lines", found.bad_lines)):
            self.stats.set_value(f"tempo/state/recovered_{name}", value)
        logger.warning("recovered %d killed run(s): published %s (%d lines, %d not yet in the store, "
                       "%d bytes of a partial line cut, %d bad lines dropped)", found.runs,
                       ", ".join(found.files) or "no file", found.lines, found.reconciled, found.cut_bytes,
                       found.bad_lines)

    def complete(self, reason: str) -> bool:
        """Did this run go through every listing page it should have (no cut, nothing left pending, no failed
        listing request or write, not blocked, something fetched: the monitors' exit status says so)?"""
        stats = self.stats.get_stats()
        source_errors = any(v for k, v in stats.items() if k.startswith("tempo/source/") and k.endswith("/errors"))
        return not (reason != "finished" or stats.get("tempo/pending") or stats.get("tempo/export/write_failed")
                    or source_errors or stats.get("tempo/run/exit_code") in (ERROR, BLOCKED, INCOMPLETE)
                    or stats.get("tempo/skipped/max_items") or self.context.windowed)

    def spider_closed(self, spider: Any, reason: str) -> None:
        context = self.context
        store = context.store
        if store is None or self.run_id is None:
            return
        stats = self.stats.get_stats()
        complete = self.complete(reason)
        unpublished = bool(stats.get("tempo/export/write_failed"))   # its .part is left for the next run
        try:
            store.end_run(self.run_id, status="unpublished" if unpublished else "finished", reason=reason,
                          complete=complete, exported=int(stats.get("tempo/export/lines") or 0),
                          file=str(context.output) if unpublished else stats.get("tempo/export/file"),
                          outcome=stats.get("tempo/run/status"), exit_code=stats.get("tempo/run/exit_code"))
            if context.listing_run:
                sources = self.crawler.settings.getlist("TEMPO_SOURCES")
                store.set_coverage(self.run_id, {name: complete and not stats.get(f"tempo/source/{name}/errors")
                                                 for name in sources})
            store.commit()
            if not unpublished:   # an unpublished file's articles stay held until it is recovered
                store.release_run(self.run_id, finished=reason == "finished")
        except (sqlite3.Error, OSError) as exc:   # e.g. the disk is full, Redis gone: the next run recovers it
            self.stats.set_value("tempo/state/write_failed", 1)
            logger.error("state %s: cannot record the end of this run (%s); the next run recovers it", store.path,
                         exc if isinstance(exc, StoreUnavailable) else f"{type(exc).__name__}: {exc}")
        finally:
            store.close()   # before the lock: closing the lock's descriptor would drop SQLite's own locks
            context.store = None
            self.session.release()
