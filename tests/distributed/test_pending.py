"""Pending articles across workers (tempo_crawler/state/pending.py, state/redis_pending.py): an article a worker
could not read stays pending in the shared store, the worker that popped it says so (exit 6, not the one that
discovered it), and the next cycle's discovery pushes it again, whichever worker then exports it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tempo_crawler.distributed.session import connect
from tempo_crawler.exitcodes import INCOMPLETE
from tempo_crawler.urls import article_key
from tests.distributed.test_workers import exported
from tests.support.cluster import Cluster, wait_all
from tests.support.cron import WITHOUT_LEGACY_FEED, wait_for

pytestmark = pytest.mark.crawl


def test_an_article_no_worker_could_read_is_pending_and_the_next_cycle_exports_it(make_replica: Any, redis_url: str,
                                                                                  tmp_path: Path) -> None:
    replica = make_replica(synthetic=12, fixtures_dir=None)
    replica.site.delay = 2.0                      # discovery crawls along until the second worker is up
    victim = replica.site.articles[5]
    path = urlsplit(replica.url(victim.page_url)).path
    replica.site.fail(path, 404, times=10**6)     # gone, for now
    keys = {article_key(replica.url(e.page_url)) for e in replica.site.articles}
    cluster = Cluster(replica.origin, tmp_path, redis_url,
                      settings={**WITHOUT_LEGACY_FEED, "TEMPO_REDIS_CYCLE_S": "600",   # one discovery here
                                "CONCURRENT_REQUESTS": "2"})
    client = connect(redis_url)
    seeder = cluster.start("w0", "-a", "role=seed", "-a", "render=never")
    assert wait_for(lambda: client.exists("tempo:world:discovery") or seeder.proc.poll() is not None, timeout=180)
    other = cluster.start("w1", "-a", "role=worker", "-a", "render=never")
    assert wait_for(lambda: "distributed run" in other.log, timeout=180)
    replica.site.delay = 0.3                      # now fetch: both workers take articles from the queue
    wait_all([seeder, other], timeout=240)
    assert all(bg.stats.get("tempo/redis/popped") for bg in (seeder, other))   # the work was shared

    failed = [bg for bg in (seeder, other) if bg.stats.get("tempo/pending")]
    assert len(failed) == 1, seeder.log[-2000:] + other.log[-2000:]   # the worker that popped it
    assert failed[0].proc.returncode == INCOMPLETE and failed[0].stats["tempo/failed/http_404"] == 1
    assert [path in url for url in failed[0].stats["tempo/failed_articles"]] == [True]
    assert all(bg.proc.returncode == 0 for bg in (seeder, other) if bg is not failed[0]), other.log[-2000:]
    got = exported(cluster)
    assert set(got) == keys - {article_key(replica.url(victim.page_url))} and set(got.values()) == {1}
    show = cluster.state("show", "--json")
    info = json.loads(show.stdout)
    assert (info["pending"], info["pending_given_up"]) == (1, 0), show.stdout[-2000:]
    [row] = info["pending_articles"]
    assert row["attempts"] == 1 and row["cause"] == "HTTP 404" and urlsplit(row["url"]).path == path

    replica.site.clear_faults()
    mark = len(replica.site.requests)
    again = cluster.run("w1", "-a", "render=never", settings={"TEMPO_REDIS_CYCLE_S": "0"}, timeout=240)
    assert again.proc.returncode == 0, again.log[-3000:]
    assert again.stats["tempo/redis/role"] == "seed" and again.stats["tempo/pending/retried"] == 1
    assert sum(1 for _, t in replica.site.requests[mark:] if urlsplit(t).path == path) == 1
    got = exported(cluster)
    assert set(got) == keys and set(got.values()) == {1}
    info = json.loads(cluster.state("show", "--json").stdout)
    assert (info["pending"], info["pending_given_up"]) == (0, 0)
