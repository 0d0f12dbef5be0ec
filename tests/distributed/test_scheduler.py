"""scrapy-redis on current Scrapy, and the add-on that switches it on (tempo_crawler/distributed/scheduler.py,
addon.py), against a real redis-server: each known limit of scrapy-redis is handled here.

* ``SCHEDULER_PERSIST=False`` (scrapy-redis' default) lets the first worker to finish delete the shared queue;
* start requests (``dont_filter``) bypass scrapy-redis' dupefilter, so a seed pushed twice is fetched twice;
* Scrapy ≥ 2.16 never calls ``start_requests``: scrapy-redis' ``RedisSpider`` starts from it (the spider starts
  from ``async def start()``; a worker with nothing to start keeps running on the shared queue — the end-to-end
  tests in test_workers.py run such workers).
"""

from __future__ import annotations

import inspect
from types import SimpleNamespace
from typing import Any

import pytest
import scrapy
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from tempo_crawler.distributed.addon import Distributed
from tempo_crawler.distributed.claims import Claims
from tempo_crawler.distributed.config import Keys
from tempo_crawler.distributed.scheduler import CLAIMED, SharedScheduler
from tempo_crawler.distributed.session import connect
from tempo_crawler.spiders.world import WorldSpider

KEYS = Keys.of({}, "world")
URL = "https://www.tempo.co/internasional/presiden-fiktif-bertemu-delegasi--1234567"
AMP = "https://www.tempo.co/amp/internasional/presiden-fiktif-bertemu-delegasi--1234567"


class World(scrapy.Spider):
    name = "world"

    def parse(self, response: Any) -> None: ...


def article(url: str = URL, **kw: Any) -> scrapy.Request:
    return scrapy.Request(url, meta={"tempo_shared": True, "tempo_key": "b:1234567"}, **kw)


def settings_for(redis_url: str, **extra: Any) -> Settings:
    s = Settings({"TEMPO_REDIS_URL": redis_url, **extra}, priority="cmdline")
    Distributed(redis_url).update_settings(s)
    return s


class Account:
    """The run's account of article requests (tempo_crawler/state/pending.py): what it was asked to account for."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def requested(self, request: scrapy.Request) -> None:
        self.urls.append(request.url)


@pytest.fixture
def make(redis_url: str) -> Any:
    opened: list[SharedScheduler] = []

    def make_scheduler(run_id: str = "run-a", working: bool = True, **extra: Any) -> SharedScheduler:
        s = settings_for(redis_url, **extra)
        wanted = ("TEMPO_REDIS_URL", "REDIS_URL", "SCHEDULER", "DUPEFILTER_CLASS", "SCHEDULER_QUEUE_CLASS",
                  "SCHEDULER_PERSIST")
        crawler = get_crawler(World, {**{name: s[name] for name in wanted},   # no engine here: a plain local queue
                                      "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"})
        spider = World.from_crawler(crawler)
        scheduler = SharedScheduler.from_crawler(crawler)
        scheduler.open(spider)
        client = connect(redis_url)
        client.set(KEYS.of_run("alive", run_id), "w")
        scheduler.queue.claims = Claims(client, KEYS, run_id)
        crawler.tempo_run_context = SimpleNamespace(cluster=SimpleNamespace(working=working),
                                                    pending=Account())
        opened.append(scheduler)
        return scheduler

    yield make_scheduler
    for scheduler in opened:
        scheduler.close("finished")


def test_the_addon_forces_a_persistent_queue_and_the_queue_outlives_a_finished_worker(make: Any,
                                                                                     redis_url: str) -> None:
    settings = settings_for(redis_url, SCHEDULER_PERSIST=False)
    assert settings.getbool("SCHEDULER_PERSIST") is True
    assert settings["SCHEDULER"].endswith("SharedScheduler") and settings["REDIS_URL"] == redis_url
    first, second = make("run-a"), make("run-b")
    assert first.enqueue_request(article())
    first.close("finished")   # scrapy-redis with persist=False would delete queue and fingerprints here
    client = connect(redis_url)
    assert client.zcard(KEYS.queue) == 1 and client.scard(KEYS.dupefilter) == 1
    assert second.next_request().url == URL


def test_an_article_pushed_twice_is_queued_once_start_request_or_not(make: Any, redis_url: str) -> None:
    scheduler = make()
    assert scheduler.enqueue_request(article())
    assert not scheduler.enqueue_request(article(dont_filter=True))   # a start request: filtered all the same
    assert not scheduler.enqueue_request(article(AMP))                  # another URL of the same article
    assert connect(redis_url).zcard(KEYS.queue) == 1
    other = make("run-b")   # another seeder in the same cycle
    assert not other.enqueue_request(article())
    assert scheduler.stats.get_value("tempo/redis/push_duplicate") == 2


def test_listings_stay_local_and_a_claimed_article_stays_with_its_worker(make: Any, redis_url: str) -> None:
    scheduler = make(working=False)   # still discovering
    listing = scrapy.Request("https://www.tempo.co/indeks", dont_filter=True)
    assert scheduler.enqueue_request(listing) and scheduler.enqueue_request(article())
    client = connect(redis_url)
    assert client.zcard(KEYS.queue) == 1 and scheduler.local_pending()
    assert scheduler.next_request().url.endswith("/indeks")
    assert scheduler.next_request() is None            # the shared queue waits for the end of discovery
    scheduler.crawler.tempo_run_context.cluster.working = True
    account = scheduler.crawler.tempo_run_context.pending
    assert account.urls == []                           # pushed: not this worker's to account for
    popped = scheduler.next_request()
    assert popped.url == URL and popped.meta[CLAIMED] and client.hget(KEYS.claims, "b:1234567") == b"run-a|f"
    assert account.urls == [URL]                        # popped: this worker's, exported or left pending
    retry = popped.replace(dont_filter=True)             # its retry / redirect / rendered twin
    assert scheduler.enqueue_request(retry) and client.zcard(KEYS.queue) == 0
    assert scheduler.next_request() is retry


def test_the_spider_starts_from_start_not_start_requests() -> None:
    from scrapy_redis.spiders import RedisMixin

    assert not issubclass(WorldSpider, RedisMixin)
    assert inspect.isasyncgenfunction(WorldSpider.start)
    assert "start_requests" not in vars(WorldSpider)
