"""Scale-out benchmark of distributed runs: 1, 2 and 4 `scrapy crawl world` workers sharing one Redis fetch the
same queue of article pages from a replica that takes a fixed time per request (so the site, not the CPU, is the
limit), with the politeness budget off. Prints pages/s per worker count and the speed-up against one worker.

    python -m benchmarks.distributed_scaling [--articles 240] [--delay 1.0] [--concurrency 4] [--workers 1,2,4]
                                             [--sync-items 25]

For each worker count: a fresh redis-server and replica; the workers start (``-a role=worker``) and wait while
the benchmark holds the discovery lock; once all are up, the benchmark pushes one request per article to the
shared queue (built by the spider's own ``article_request``, encoded by the shared queue) and lets go of the
lock. Throughput is measured on the replica's request log, from the first article request to the last, so
process start-up (seconds on a busy machine) is not counted. Every run must export every article exactly once.
Goals (issue 15): 2 workers ≥ 1.8× one, 4 workers ≥ 3.2×. Exit status 1 when an article is lost or doubled.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests.replica.server import Replica
from tests.support.cluster import Cluster, wait_all
from tests.support.cron import wait_for
from tests.support.redis_server import RedisServer

GOALS = {2: 1.8, 4: 3.2}


def fill_queue(redis_url: str, urls: list[str]) -> int:
    """Push one article request per URL, as a seeder would."""
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.project import get_project_settings

    from tempo_crawler.context import mark_crawl
    from tempo_crawler.distributed.scheduler import ClaimQueue
    from tempo_crawler.distributed.session import connect
    from tempo_crawler.sources import ArticleRef
    from tempo_crawler.spiders.world import WorldSpider

    settings = get_project_settings()
    settings.set("TEMPO_REDIS_URL", redis_url, priority="cmdline")
    crawler = mark_crawl(Crawler(WorldSpider, settings))   # a crawl's spider, not started: it builds requests
    crawler.stats = MemoryStatsCollector(crawler)
    spider = WorldSpider.from_crawler(crawler, render="never")
    client = connect(redis_url)
    queue = ClaimQueue(client, spider, "%(spider)s:requests")
    for url in urls:
        request = spider.article_request(ArticleRef(url=url, source="bench"))
        assert request is not None and request.meta.get("tempo_shared")
        queue.push(request)
    pushed = int(client.zcard(queue.key))
    client.close()
    return pushed


def one(workers: int, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    with RedisServer.start() as redis, Replica.start(synthetic=args.articles, fixtures_dir=None) as replica:
        urls = [replica.site.url(u) for u in replica.site.article_page_urls()]
        replica.site.delay = args.delay
        cluster = Cluster(replica.origin, work / f"n{workers}", redis.url, settings={
            "TEMPO_REDIS_RATE": "0", "TEMPO_REDIS_IDLE_S": "3", "CONCURRENT_REQUESTS": str(args.concurrency),
            "CONCURRENT_REQUESTS_PER_DOMAIN": str(args.concurrency), "TEMPO_VALIDATE_SCHEMA": "False",
            "TEMPO_EXPORT_SYNC_ITEMS": str(args.sync_items), "LOG_LEVEL": "INFO"})
        client = redis.client()
        client.set("tempo:world:discovery", "benchmark", px=600_000)   # workers wait for "discovery"
        procs = [cluster.start(f"w{n}", "-a", "role=worker") for n in range(workers)]
        if not wait_for(lambda: all("distributed run" in bg.log for bg in procs), timeout=300):
            raise RuntimeError("workers did not start: " + " | ".join(bg.log[-500:] for bg in procs))
        mark = len(replica.site.timed_requests)
        pushed = fill_queue(redis.url, urls)
        client.delete("tempo:world:discovery")
        wait_all(procs, timeout=1800)
        client.close()
        times = [t for t, target in replica.site.timed_requests[mark:] if target != "/robots.txt"]
        union = cluster.union()
        counts = Counter(union.ids)
        doubled = sorted(k for k, c in counts.items() if c > 1)
        span = max(times) - min(times) if len(times) > 1 else float("nan")
        return {"workers": workers, "pages": len(times), "pushed": pushed, "exported": len(counts),
                "doubled": doubled, "lost": args.articles - len(counts), "seconds": span,
                "pages_per_s": (len(times) - 1) / span if span else float("nan"),
                "rc": [bg.proc.returncode for bg in procs],
                "per_worker": [int(bg.stats.get("tempo/export/lines", 0)) for bg in procs]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.distributed_scaling", description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=240)
    ap.add_argument("--delay", type=float, default=1.0, help="replica service time per request (s)")
    ap.add_argument("--concurrency", type=int, default=4, help="CONCURRENT_REQUESTS(_PER_DOMAIN) of each worker")
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--sync-items", type=int, default=25,
                    help="TEMPO_EXPORT_SYNC_ITEMS: fsync+commit every N lines (1, the default of a cron run, makes "
                         "the disk the limit on a busy machine)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",")]
    work = Path(tempfile.mkdtemp(prefix="tempo-distributed-bench-"))
    print(f"distributed scaling: {args.articles} articles, {args.delay:g} s per request, concurrency "
          f"{args.concurrency} per worker, budget off; workers {counts}; in {work}")
    results = []
    for n in counts:
        started = time.monotonic()
        result = one(n, args, work)
        results.append(result)
        print(f"  {n} worker(s): {result['pages']} pages in {result['seconds']:.1f} s = {result['pages_per_s']:.1f} "
              f"pages/s; exported {result['exported']} (per worker {result['per_worker']}), lost {result['lost']}, "
              f"doubled {len(result['doubled'])}; exit {result['rc']}; {time.monotonic() - started:.0f} s in all",
              flush=True)
    base = next((r for r in results if r["workers"] == 1), None)
    ok = all(r["lost"] == 0 and not r["doubled"] and set(r["rc"]) == {0} for r in results)
    print("\n| workers | pages/s | speed-up | goal |\n|---|---|---|---|")
    for r in results:
        ratio = r["pages_per_s"] / base["pages_per_s"] if base else float("nan")
        goal = GOALS.get(r["workers"])
        verdict = "" if goal is None else f"≥ {goal}× {'met' if ratio >= goal else 'MISSED'}"
        print(f"| {r['workers']} | {r['pages_per_s']:.1f} | {ratio:.2f}× | {verdict} |")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    if not ok:
        print("FAILED: an article was lost or doubled, or a worker failed", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
