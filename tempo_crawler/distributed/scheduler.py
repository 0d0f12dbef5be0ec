"""scrapy-redis' scheduler, queue and dupefilter for Tempo runs on several machines.

Only **article requests** go through the shared queue (``<spider>:requests``): the spider marks them
``tempo_shared`` (and their article key ``tempo_key``). Everything else stays in a local Scrapy scheduler
beside it: the seeder's listing, feed and sitemap requests (discovery state — which articles were merged from
which source, incremental paging, ``max_items``, coverage — lives in one process), and the follow-ups of an
article a worker has claimed (further pages, the rendered retry, redirects, retries: the claim is this
worker's). The local queue is served first.

What this fixes in scrapy-redis on current Scrapy:

* ``SCHEDULER_PERSIST`` is always on: with it off, the first worker to finish deletes the shared queue and
  the dupefilter under the others (the add-on also forces the setting and says so);
* every request entering the shared queue goes through the dupefilter, ``dont_filter`` or not (scrapy-redis
  lets start URLs bypass it), and the fingerprint of an article request is its **article key**, so one article
  pushed twice in a cycle — by two discoveries, or as its desktop and AMP URLs — is queued once; the seeder
  clears the fingerprints when a new cycle starts on a drained queue (:meth:`ClusterSession.elect`);
* a pop is also a claim (:mod:`.claims`): a request is never out of the queue unclaimed, and a popped
  duplicate of an article another worker holds is dropped;
* no Redis round trip at start-up (scrapy-redis pings and counts in ``from_settings``/``open``, which turns an
  unreachable server into a traceback; the run's session reports it in one line instead), and no deprecated
  ``spider=`` arguments to the stats.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from scrapy import Request
from scrapy.core.scheduler import Scheduler as LocalScheduler
from scrapy.dupefilters import RFPDupeFilter as LocalDupeFilter
from scrapy.utils.misc import load_object
from scrapy_redis import connection, defaults
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from tempo_crawler.context import RunContext
from tempo_crawler.distributed.config import SHARED
from tempo_crawler.failures import redis_cause, redis_line

logger = logging.getLogger(__name__)

KEY = "tempo_key"           # meta: its article key (identity.request_key; state/pending.KEY)
CLAIMED = "tempo_claimed"   # meta: popped and claimed by this worker: it and its follow-ups stay local


class ArticleDupeFilter(RFPDupeFilter):
    """scrapy-redis' dupefilter; an article request's fingerprint is its article key."""

    def request_fingerprint(self, request: Request) -> str:
        key = request.meta.get(KEY)
        return f"k:{key}" if key else super().request_fingerprint(request)


class ClaimQueue(PriorityQueue):
    """scrapy-redis' priority queue whose members carry the article key (``T<key>\\n<pickle>``), so that the
    pop can claim it in the same Lua script (:data:`tempo_crawler.distributed.claims.POP`)."""

    claims: Any = None
    dropped = 0

    def _encode_request(self, request: Request) -> bytes:
        key = str(request.meta.get(KEY) or "").replace("\n", " ")
        return b"T" + key.encode("utf-8") + b"\n" + super()._encode_request(request)

    def _decode_request(self, encoded_request: bytes) -> Request:
        if encoded_request[:1] == b"T":
            encoded_request = encoded_request[encoded_request.index(b"\n") + 1:]
        return super()._decode_request(encoded_request)

    def pop(self, timeout: int = 0) -> Request | None:
        if self.claims is None:
            return None
        member, busy = self.claims.pop()
        self.dropped += busy
        return self._decode_request(member) if member else None


class SharedScheduler(RedisScheduler):
    """The scrapy-redis scheduler for article requests plus Scrapy's own for the rest (see the module doc)."""

    crawler: Any = None
    local: LocalScheduler
    last_error_log = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedScheduler:
        s = crawler.settings
        inst = cls(server=connection.from_settings(s), persist=True, flush_on_start=False,
                   queue_key=s.get("SCHEDULER_QUEUE_KEY") or defaults.SCHEDULER_QUEUE_KEY,
                   queue_cls=s.get("SCHEDULER_QUEUE_CLASS") or f"{__name__}.ClaimQueue",
                   dupefilter_key=s.get("SCHEDULER_DUPEFILTER_KEY") or defaults.SCHEDULER_DUPEFILTER_KEY,
                   dupefilter_cls=s.get("DUPEFILTER_CLASS") or f"{__name__}.ArticleDupeFilter",
                   idle_before_close=0)
        inst.stats = crawler.stats
        inst.crawler = crawler
        inst.local = LocalScheduler(
            dupefilter=LocalDupeFilter.from_crawler(crawler), jobdir=None,
            mqclass=load_object(s["SCHEDULER_MEMORY_QUEUE"]), stats=crawler.stats,
            pqclass=load_object(s["SCHEDULER_PRIORITY_QUEUE"]), crawler=crawler)
        return inst

    def open(self, spider: Any) -> None:
        self.spider = spider
        self.queue = load_object(self.queue_cls)(server=self.server, spider=spider,
                                                 key=self.queue_key % {"spider": spider.name},
                                                 serializer=self.serializer)
        self.df = load_object(self.dupefilter_cls).from_spider(spider)
        self.local.open(spider)

    def close(self, reason: str) -> None:
        self.local.close(reason)   # the shared queue and dupefilter persist

    def _inc(self, key: str, n: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, n)

    def _failed(self, what: str, exc: Exception) -> None:
        """A Redis error: counted, logged at most every 30 s; the worker loop stops the run if it lasts."""
        self._inc("tempo/redis/errors")
        self._inc(f"tempo/redis/failed/{redis_cause(exc).key}")
        if time.monotonic() - self.last_error_log >= 30:
            self.last_error_log = time.monotonic()
            logger.error("%s", redis_line(self.label, exc, f"shared queue: {what} failed"))

    @property
    def label(self) -> str:
        context = self.context
        session = context.cluster if context is not None else None
        return session.label if session is not None else "TEMPO_REDIS_URL"

    @property
    def context(self) -> RunContext | None:
        return RunContext.find(self.crawler)

    @property
    def shared(self) -> bool:
        """The shared queue is served: the run's session is up and done discovering."""
        context = self.context
        session = context.cluster if context is not None else None
        return session is not None and session.working

    def enqueue_request(self, request: Request) -> bool:
        if not request.meta.get(SHARED) or request.meta.get(CLAIMED):
            return self.local.enqueue_request(request)
        try:
            if self.df.request_seen(request):
                self.df.log(request, self.spider)
                self._inc("tempo/redis/push_duplicate")
                return False
            self.queue.push(request)
        except redis.RedisError as exc:   # not queued, not in the store: the next discovery finds it again
            self._failed(f"pushing {request.url}", exc)
            self._inc("tempo/redis/push_failed")
            return False
        self._inc("scheduler/enqueued/redis")
        self._inc("tempo/redis/pushed")
        return True

    def pop_shared(self) -> Request | None:
        """The next shared request, claimed for this run (None when the queue has none this run may take)."""
        queue = self.queue
        before = queue.dropped
        try:
            request = queue.pop()
        except redis.RedisError as exc:
            self._failed("pop", exc)
            return None
        if queue.dropped > before:
            self._inc("tempo/redis/claim_busy", queue.dropped - before)
        if request is not None:
            request.meta[CLAIMED] = True
            self._inc("scheduler/dequeued/redis")
            self._inc("tempo/redis/popped")
            context = self.context
            if context is not None and context.pending is not None:   # this worker now accounts for it
                context.pending.requested(request)
        return request

    def next_request(self) -> Request | None:
        request = self.local.next_request()
        if request is None and self.shared:
            request = self.pop_shared()
        return request

    def local_pending(self) -> bool:
        return self.local.has_pending_requests()

    def shared_pending(self) -> int:
        """Requests waiting in the shared queue (0 while Redis cannot be reached)."""
        try:
            return int(self.server.zcard(self.queue.key))
        except redis.RedisError as exc:
            self._failed("counting the queue", exc)
            return 0

    def has_pending_requests(self) -> bool:
        return self.local.has_pending_requests() or (self.shared and self.shared_pending() > 0)

    def __len__(self) -> int:
        return len(self.local) + (self.shared_pending() if self.shared else 0)
