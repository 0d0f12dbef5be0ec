"""The politeness budget shared by every worker: at most ``TEMPO_REDIS_RATE`` requests per second to each host,
whatever the number of workers and machines.

A token bucket per host in Redis, kept as a *generic cell rate* (GCRA): one key holds the theoretical time of
the next free slot; a Lua script reserves the next slot atomically and answers how long to wait for it. A
downloader middleware (the add-on installs it last, just before the download) sleeps that long before each
request, retries, redirects and robots.txt included. A request that wakes up late (its process was busy, e.g.
parsing) has missed its slot and takes a new one: requests never go out in a bunch after a stall. Redis' own
clock is used, so the machines' clocks need not agree. Up to ``TEMPO_REDIS_BURST`` requests may go back to
back after a quiet spell; the long-run rate never exceeds the budget.

The default budget is what one process may do with the project's settings: Scrapy starts one request per
``DOWNLOAD_DELAY`` per host (0.25 s: 4 requests/s), so ``TEMPO_REDIS_RATE`` defaults to
``1 / DOWNLOAD_DELAY``; AutoThrottle (on by default) slows each worker further when the site slows down.
``TEMPO_REDIS_RATE=0`` turns the shared budget off (each worker then keeps its own delays only).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import urlsplit

import redis
from scrapy import Request
from scrapy.exceptions import NotConfigured

from tempo_crawler.context import RunContext
from tempo_crawler.distributed.config import Keys, Tunables, redact, redis_url
from tempo_crawler.distributed.session import connect
from tempo_crawler.failures import redis_cause, redis_line

logger = logging.getLogger(__name__)

# KEYS: the host's cell; ARGV: interval ms, burst → ms to wait before this request may start
GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - now - (burst - 1) * interval
if wait < 0 then wait = 0 end
redis.call('SET', KEYS[1], string.format('%.3f', tat + interval), 'PX', math.ceil(tat + interval - now + 60000))
return tostring(wait)
"""


class SharedBudget:
    """Downloader middleware: wait for this host's next slot in the shared budget before every download."""

    def __init__(self, crawler: Any, keys: Keys, tunables: Tunables, url: str) -> None:
        self.crawler = crawler
        self.keys = keys
        self.interval_ms = 1000.0 / tunables.rate
        self.burst = tunables.burst
        self.client = connect(url)
        self.script = self.client.register_script(GCRA)
        self.label = redact(url)
        self.last_error_log = -30.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedBudget:
        url = redis_url(crawler.settings)
        context = RunContext.find(crawler)
        if not url or context is None or not context.distributed:
            raise NotConfigured
        tunables = Tunables.of(crawler.settings)
        if tunables.rate <= 0:
            raise NotConfigured
        logger.info("shared politeness budget: %g request(s)/s per host for all workers together (burst %d)",
                    tunables.rate, tunables.burst)
        return cls(crawler, Keys.of(crawler.settings, context.spider), tunables, url)

    def wait_for(self, host: str) -> float:
        """Reserve the next slot for ``host``; seconds to wait for it."""
        return float(self.script(keys=[self.keys.of_run("budget", host)], args=[self.interval_ms, self.burst])) / 1000

    async def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).netloc.lower()
        if not host:
            return
        stats = self.crawler.stats
        late_after = max(self.interval_ms / 1000, 0.005)   # a slot late by more than one interval is gone
        for _ in range(100):
            try:
                wait = self.wait_for(host)
            except redis.RedisError as exc:   # no budget reachable: fall back to this worker's own delays
                stats.inc_value(f"tempo/redis/failed/{redis_cause(exc).key}")
                if time.monotonic() - self.last_error_log >= 30:   # one line per 30 s, not one per request
                    self.last_error_log = time.monotonic()
                    logger.warning("%s", redis_line(self.label, exc, f"shared budget unavailable: {request.url} "
                                                    "and what follows go by this worker's delays only"))
                return
            if wait <= 0:
                return
            slot = time.monotonic() + wait
            stats.inc_value("tempo/redis/budget_waits")
            stats.inc_value("tempo/redis/budget_wait_ms", int(wait * 1000))
            await asyncio.sleep(wait)
            if time.monotonic() - slot <= late_after:
                return
            stats.inc_value("tempo/redis/budget_missed")   # woke up too late: that slot is gone, take another
