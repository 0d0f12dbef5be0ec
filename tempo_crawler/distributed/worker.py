"""The worker loop of a distributed run (a Scrapy extension the add-on installs): when a worker closes, how an
idle one notices new work, and who puts a dead worker's articles back on the queue.

* **Discovery, then work.** A seeder first goes through its listings only (local requests; the article
  requests it finds go to the shared queue). When its engine is idle for the first time, discovery is done:
  it records the cycle, frees the discovery lock and starts serving the shared queue like every worker.
* **Idle exit.** scrapy-redis alone never closes a spider (it waits for more URLs): a cron run must end.
  A worker closes (reason ``finished``) once it has nothing of its own to do, the shared queue stayed empty
  for ``TEMPO_REDIS_IDLE_S`` and no other run is discovering (more requests may still come from it).
* **Waking up.** Scrapy's engine asks an idle scheduler again only every 5 s (its heartbeat); every
  ``TEMPO_REDIS_TICK_S`` this loop looks at the shared queue and hands an idle engine the next request.
* **Dead workers.** Every tick, the fetching claims of runs whose heartbeat expired go back on the queue
  (:data:`tempo_crawler.distributed.claims.REAP`).
* **Redis gone.** A worker that cannot reach Redis for ``TEMPO_REDIS_LEASE_S`` stops (reason
  ``redis_unavailable``, exit status 1); its file stays unpublished when its last commit failed, and the next
  run on this machine recovers it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from tempo_crawler.context import RunContext
from tempo_crawler.failures import redis_cause, redis_line

logger = logging.getLogger(__name__)


class WorkerLoop:
    def __init__(self, crawler: Any, context: RunContext) -> None:
        self.crawler = crawler
        self.context = context
        self.ticker: LoopingCall | None = None
        self.idle_since: float | None = None
        self.down_since: float | None = None
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> WorkerLoop:
        context = RunContext.find(crawler)
        if context is None or not context.distributed:
            raise NotConfigured
        loop = cls(crawler, context)
        crawler.signals.connect(loop.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(loop.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(loop.spider_closed, signal=signals.spider_closed)
        return loop

    @property
    def session(self) -> Any:
        return self.context.cluster

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def spider_opened(self, spider: Any) -> None:
        session = self.session
        if session is None:   # skipped (worker busy) or no state
            return
        scheduler = self.crawler.engine.scheduler
        scheduler.queue.claims = session.claims
        role = "seed" if self.context.seeding else "worker"
        self.stats.set_value("tempo/redis/role", role)
        self.stats.set_value("tempo/redis/worker", session.worker)
        self.stats.set_value("tempo/redis/run_id", session.run_id)
        logger.info("distributed run %s: worker %s on %s as %s; shared queue %d request(s); exits after %g s "
                    "without work (TEMPO_REDIS_IDLE_S)", session.run_id, session.worker, session.label, role,
                    scheduler.shared_pending(), session.tunables.idle_s)
        self.ticker = LoopingCall(self.tick)
        self.ticker.start(session.tunables.tick_s, now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()

    # -- idleness ------------------------------------------------------------------------------
    def _others_discovering(self) -> bool:
        session = self.session
        holder = session.client.get(session.keys.discovery)
        return holder is not None and holder.decode() != session.run_id

    def should_stay(self) -> bool:
        """True while work may still come: the shared queue is not empty, another run is discovering, or the
        queue has been empty for less than ``TEMPO_REDIS_IDLE_S``."""
        session = self.session
        if self.crawler.engine.scheduler.shared_pending() > 0 or self._others_discovering():
            self.idle_since = None
            return True
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        return now - self.idle_since < session.tunables.idle_s

    def spider_idle(self, spider: Any) -> None:
        session = self.session
        if session is None or self.closing:
            return
        try:
            self._idle(session)
        except redis.RedisError as exc:
            self._redis_failed(exc)
            if not self.closing:
                raise DontCloseSpider from None

    def _idle(self, session: Any) -> None:
        if not session.working:   # the seeder's listings are done
            session.discovery_done()
            self.stats.set_value("tempo/redis/discovery_done", 1)
            logger.info("discovery done: %d article request(s) pushed; now fetching from the shared queue",
                        self.stats.get_value("tempo/redis/pushed", 0))
            self.wake()
            raise DontCloseSpider
        if self.should_stay():
            raise DontCloseSpider
        self._log_exit()

    def _engine_idle(self) -> bool:
        engine = self.crawler.engine
        scraper_slot = engine.scraper.slot
        return (not engine.downloader.active and not engine.scheduler.local_pending()
                and (scraper_slot is None or scraper_slot.is_idle()))

    def wake(self) -> bool:
        """Hand an idle engine the next shared request (it would otherwise look only every 5 s)."""
        request = self.crawler.engine.scheduler.pop_shared()
        if request is None:
            return False
        self.crawler.engine.crawl(request)
        return True

    def _log_exit(self) -> None:
        self.stats.set_value("tempo/redis/idle_exit", 1)
        logger.info("shared queue empty for %g s and nobody discovering: worker %s stops",
                    self.session.tunables.idle_s, self.session.worker)

    def tick(self) -> None:
        session = self.session
        if session is None or self.closing:
            return
        try:
            requeued = session.claims.reap()
            self.down_since = None
            if requeued:
                self.stats.inc_value("tempo/redis/requeued", requeued)
                logger.warning("put %d article request(s) of dead worker(s) back on the shared queue", requeued)
            if not session.working or not self._engine_idle():
                return
            if self.wake():
                self.idle_since = None
                return
            if not self.should_stay() and self.crawler.engine.spider_is_idle():
                self._close("finished")
                self._log_exit()
        except redis.RedisError as exc:
            self._redis_failed(exc)

    def _close(self, reason: str) -> None:
        self.closing = True
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def _redis_failed(self, exc: Exception) -> None:
        session, now = self.session, time.monotonic()
        self.stats.inc_value("tempo/redis/errors")
        self.stats.inc_value(f"tempo/redis/failed/{redis_cause(exc).key}")
        if self.down_since is None:
            self.down_since = now
            logger.error("%s", redis_line(session.label, exc, f"this worker stops if it lasts "
                                          f"{session.tunables.lease_s:g} s (TEMPO_REDIS_LEASE_S)"))
        elif now - self.down_since >= session.tunables.lease_s and not self.closing:
            self.stats.set_value("tempo/redis/unavailable", 1)
            logger.error("%s", redis_line(session.label, exc, f"unreachable for {now - self.down_since:.0f} s: "
                                          f"worker {session.worker} stops"))
            self._close("redis_unavailable")
