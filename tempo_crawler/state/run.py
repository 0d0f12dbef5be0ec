"""The run's lifecycle, one Scrapy extension: the lock, the seen-store, recovery of killed runs, reset, the
run's record in the store from start to end, and listing coverage.

* ``spider_opened`` (after the pipelines opened, before the first request): take the run lock (a second
  run is skipped: ``CloseSpider("skipped")``); open the store; **recover** what killed runs left
  (:mod:`.recovery`); ``-a reset=1``; decide whether this run discovers; record this run and its file name
  in the store (committed) before the file exists, so a kill is found from there.
* ``spider_closed`` (after the writer published its file): record how the run ended and whether it paged
  every listing completely (the next run may then stop paging at already-seen pages); close the store;
  release the lock.

Where lock and store live is the run's *session*: :class:`LocalSession` (an ``fcntl`` lock and the SQLite
store, one machine) or, with ``TEMPO_REDIS_URL``, :class:`tempo_crawler.distributed.session.ClusterSession`
(a worker lock and the store in Redis, shared by every worker; only then is Redis imported).
Runs without the store (``-o``/``-O``, ``TEMPO_STATE_MODE=off``) do none of this.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured

from tempo_crawler.context import RunContext
from tempo_crawler.exitcodes import BLOCKED, ERROR, INCOMPLETE
from tempo_crawler.state.backend import SeenStoreBackend
from tempo_crawler.state.lock import LockBusy, RunLock
from tempo_crawler.state.notes import FetchNotes
from tempo_crawler.state.recovery import recover
from tempo_crawler.state.store import SeenStore, StoreError

logger = logging.getLogger(__name__)


class StateUnavailable(RuntimeError):
    """The run's state cannot be reached (Redis down, wrong password): the run stops before fetching."""


def lock_for(context: RunContext) -> RunLock:
    return RunLock(context.state_path.with_name(context.state_path.name + ".lock"))


class LocalSession:
    """One machine: the ``fcntl`` run lock beside the SQLite store; this run always discovers."""

    def __init__(self, crawler: Any, context: RunContext) -> None:
        self.context = context
        self.lock = lock_for(context)
        self.lock_wait = crawler.settings.getfloat("TEMPO_LOCK_WAIT_SECONDS", 0.0)
        self.run_id = f"{context.stamp}-{os.getpid()}"

    def acquire(self) -> None:
        self.lock.acquire(self.lock_wait)

    def open_store(self) -> SeenStoreBackend:
        return SeenStore(self.context.state_path)

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

    def spider_opened(self, spider: Any) -> None:
        context = self.context
        if context.reset and not context.store_enabled:
            logger.warning("-a reset=1 ignored: this run does not use the state (-o/-O/FEEDS given, or "
                           "TEMPO_STATE_MODE=off); `scrapy state reset` forgets it")
        if not context.store_enabled:
            return
        session = self.session = session_for(self.crawler, context)
        try:
            session.acquire()
        except LockBusy as exc:
            context.skipped = True
            self.stats.set_value("tempo/run/skipped", 1)
            self.stats.set_value("tempo/run/skip_reason", "locked")
            logger.warning("%s: this run is skipped, nothing fetched or exported", exc)
            raise CloseSpider("skipped") from None
        except StateUnavailable as exc:
            context.skipped = True
            self.stats.set_value("tempo/state/unavailable", 1)
            logger.error("%s: nothing fetched or exported", exc)
            raise CloseSpider("state_unavailable") from None
        try:
            store = session.open_store()
            self._recover(store)
            if context.reset:
                try:
                    store.reset()
                except StoreError as exc:   # distributed: other workers still run
                    context.skipped = True
                    self.stats.set_value("tempo/state/unavailable", 1)
                    logger.error("-a reset=1: %s; nothing fetched or exported", exc)
                    raise CloseSpider("reset_refused") from None
                self.stats.set_value("tempo/state/reset", 1)
                logger.warning("-a reset=1: state %s forgotten, every article counts as new", store.path)
            context.seeding = session.elect()
            context.covered = store.covered_sources() if context.listing_run else set()
            self.run_id = session.run_id
            store.begin_run(self.run_id, str(context.output) if context.output else None, pid=os.getpid(),
                            listing=context.listing_run)
        except BaseException:
            session.release()
            raise
        context.store = store
        context.notes = FetchNotes()
        logger.info("state %s: %d articles known; %s", store.path, store.summary()["articles"],
                    f"paging may stop at already-seen pages of {', '.join(sorted(context.covered))}"
                    if context.covered else "previous run incomplete or none: paging every listing to the usual bounds")

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
        """Did this run go through every listing page it should have (no cut, no failed request, not blocked,
        something fetched: the monitors' exit status says so)?"""
        stats = self.stats.get_stats()
        source_errors = any(v for k, v in stats.items() if k.startswith("tempo/source/") and k.endswith("/errors"))
        return not (reason != "finished" or stats.get("tempo/articles/failed") or source_errors
                    or stats.get("tempo/run/exit_code") in (ERROR, BLOCKED, INCOMPLETE)
                    or stats.get("tempo/skipped/max_items") or self.context.windowed)

    def spider_closed(self, spider: Any, reason: str) -> None:
        context = self.context
        store = context.store
        if store is None or self.run_id is None:
            return
        stats = self.stats.get_stats()
        complete = self.complete(reason)
        try:
            store.end_run(self.run_id, status="finished", reason=reason, complete=complete,
                          exported=int(stats.get("tempo/export/lines") or 0), file=stats.get("tempo/export/file"),
                          outcome=stats.get("tempo/run/status"), exit_code=stats.get("tempo/run/exit_code"))
            if context.listing_run:
                sources = self.crawler.settings.getlist("TEMPO_SOURCES")
                store.set_coverage(self.run_id, {name: complete and not stats.get(f"tempo/source/{name}/errors")
                                                 for name in sources})
            store.commit()
            store.release_run(self.run_id, finished=reason == "finished")
        except OSError as exc:   # e.g. Redis gone: the run stays unfinished in the store and is recovered later
            self.stats.set_value("tempo/state/write_failed", 1)
            logger.error("%s; cannot record the end of this run, the next run on this machine recovers it", exc)
        finally:
            store.close()
            context.store = None
            self.session.release()
