"""Distributed runs end to end: `scrapy crawl world` worker processes against the replica and a real redis-server
(started and stopped here), each worker in its own folder as if on its own machine. See docs/distributed.md."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tempo_crawler.distributed.session import connect
from tempo_crawler.urls import article_key, url_era
from tests.replica.server import Replica
from tests.spiders.test_world_crawl import GOLDENS, is_world
from tests.support.cluster import Cluster, wait_all
from tests.support.crawl import ROOT
from tests.support.cron import WITHOUT_LEGACY_FEED, Background, wait_for
from tests.support.redis_server import RedisServer

pytestmark = pytest.mark.crawl

SYNTHETIC = 60
RATE = 30.0            # the shared budget of the first cycle, requests/s
IDLE_S = 2.0
PASSWORD = "pw-Xq81-never-in-a-log"


def exported(cluster: Cluster) -> Counter[str]:
    """Article key → how many lines hold it, over every finished file of every worker."""
    import json

    out: Counter[str] = Counter()
    for path in cluster.files():
        for line in path.read_text("utf-8").splitlines():
            out[article_key(json.loads(line)["url"])] += 1
    return out


def expected_keys(n: int) -> set[str]:
    golden = {article_key(g.expected["url"]) for g in GOLDENS   # JSON-LD-only pages are served, not listed
              if is_world(g.expected) and g.expected["layout"] != "JSONLD"}
    return golden | {f"b:{9000001 + k}" for k in range(n)}


def article_requests(replica: Replica, since: int = 0) -> list[str]:
    return [t for _, t in replica.site.requests[since:] if url_era(replica.origin + t)]


@dataclass
class Cycle:
    cluster: Cluster
    replica: Replica
    workers: list[Background]
    ended: dict[str, float]
    requests: list[tuple[float, str]]
    wall_offset: float     # time.time() - time.monotonic()
    drained: float         # time.time() after which the shared queue stayed empty


class QueueWatcher(threading.Thread):
    """Notes when the shared queue was last seen non-empty (polled every 20 ms)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.client = connect(url)
        self.drained = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            if self.client.zcard("world:requests"):
                self.drained = time.time()

    def stop(self) -> None:
        self.done.set()
        self.join()
        self.client.close()


@pytest.fixture(scope="module")
def secured_redis() -> Any:
    """A password-protected redis-server of its own (the password must never reach a log)."""
    from tests.support.redis_server import find_redis_server
    from tests.support.system_tools import required

    binary = required(*find_redis_server(), "redis-server for the distributed tests")
    with RedisServer.start(binary, password=PASSWORD) as server:
        yield server


@pytest.fixture(scope="module")
def first_cycle(secured_redis: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Three workers started together on a fresh replica, a shared budget of RATE requests/s."""
    with Replica.start(synthetic=SYNTHETIC) as replica:
        cluster = Cluster(replica.origin, tmp_path_factory.mktemp("cluster"), secured_redis.url,
                          settings={"TEMPO_REDIS_RATE": str(RATE), "TEMPO_REDIS_IDLE_S": str(IDLE_S),
                                    "TEMPO_REDIS_CYCLE_S": "600"})   # a late starter must not discover again
        workers = [cluster.start(f"w{n}") for n in range(3)]
        watcher = QueueWatcher(secured_redis.url)
        watcher.start()
        ended = wait_all(workers, timeout=240)
        watcher.stop()
        yield Cycle(cluster, replica, workers, ended, list(replica.site.timed_requests), time.time() - time.monotonic(),
                    watcher.drained)


def test_three_workers_export_every_article_exactly_once(first_cycle: Cycle) -> None:
    cycle = first_cycle
    for bg in cycle.workers:
        assert bg.proc.returncode == 0, bg.log[-3000:]
        assert bg.stats.get("tempo/redis/idle_exit") == 1, bg.log[-2000:]
    got = exported(cycle.cluster)
    assert set(got) == expected_keys(SYNTHETIC), sorted(set(got) ^ expected_keys(SYNTHETIC))[:10]
    assert [k for k, n in got.items() if n > 1] == []
    assert cycle.cluster.parts() == [] and not cycle.cluster.union().unreadable
    roles = Counter(bg.stats.get("tempo/redis/role") for bg in cycle.workers)
    assert roles == {"seed": 1, "worker": 2}
    assert sum(bg.stats.get("tempo/export/lines", 0) for bg in cycle.workers) == len(got)
    assert sum(1 for bg in cycle.workers if bg.stats.get("tempo/export/lines")) >= 2   # the work was shared
    # one file per worker that exported something, named after it; each worker archives what it fetched
    exporting = sorted(f"{bg.workdir.parent.name}.jsonl" for bg in cycle.workers if bg.stats.get("tempo/export/lines"))
    assert sorted(p.name.rsplit("-", 1)[-1] for p in cycle.cluster.files()) == exporting
    for bg in cycle.workers:
        assert list((bg.workdir.parent / "archive").glob("*.warc.gz")), bg.workdir.parent.name


def test_workers_stop_by_themselves_once_the_queue_stays_empty(first_cycle: Cycle) -> None:
    cycle = first_cycle
    assert cycle.drained > 0
    last_request = cycle.wall_offset + max(t for t, _ in cycle.requests)
    for bg in cycle.workers:
        closed = datetime.fromisoformat(bg.stats["finish_time"]).timestamp()
        # each waits the idle time of an empty queue, then stops (its last response processed, the next tick)
        assert closed - cycle.drained >= IDLE_S - 0.5, (bg.workdir.name, closed - cycle.drained)
        assert closed - max(cycle.drained, last_request) <= IDLE_S + 4, (bg.workdir.name, closed - last_request)
        assert f"shared queue empty for {IDLE_S:g} s" in bg.log


def test_three_workers_together_stay_within_the_shared_budget(first_cycle: Cycle) -> None:
    times = sorted(t for t, _ in first_cycle.requests)
    assert len(times) > 3 * RATE   # enough requests to measure
    busiest = max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))
    assert busiest <= RATE + 3, busiest   # one burst slot + the jitter of loopback scheduling
    span = times[-1] - times[0]
    assert (len(times) - 1) / span <= RATE * 1.05
    assert span >= (len(times) - 1) / RATE * 0.9   # the budget did hold them back (unthrottled: well under 1 s)
    assert sum(bg.stats.get("tempo/redis/budget_waits", 0) for bg in first_cycle.workers) > 0


def test_the_password_never_appears_in_a_log(first_cycle: Cycle) -> None:
    logs = [bg.log for bg in first_cycle.workers]
    assert all(logs) and all(PASSWORD not in log for log in logs)
    assert any(":***@127.0.0.1" in log for log in logs)
    show = first_cycle.cluster.state("show")
    assert show.returncode == 0 and PASSWORD not in show.stdout + show.stderr


def test_a_second_cycle_over_an_unchanged_site_exports_nothing_and_fetches_no_article(first_cycle: Cycle) -> None:
    cycle = first_cycle
    before = exported(cycle.cluster)
    mark = len(cycle.replica.site.requests)
    workers = [cycle.cluster.start(f"w{n}", settings={"TEMPO_REDIS_RATE": "0", "TEMPO_REDIS_CYCLE_S": "0"})
               for n in range(2)]
    wait_all(workers, timeout=240)
    for bg in workers:
        assert bg.proc.returncode == 0, bg.log[-3000:]
        assert not bg.stats.get("tempo/export/lines"), bg.log[-2000:]
    assert article_requests(cycle.replica, mark) == []
    assert exported(cycle.cluster) == before
    seeder = next(bg for bg in workers if bg.stats.get("tempo/redis/role") == "seed")
    assert seeder.stats.get("tempo/skipped/unchanged", 0) >= len(before)
    assert seeder.stats.get("tempo/responses_ok", 0) > 0                  # the listings were read
    # any machine reports the shared store
    show = cycle.cluster.state("show", "--json")
    assert show.returncode == 0, show.stderr
    import json

    info = json.loads(show.stdout)
    assert info["articles"] == len(before) and info["cluster"]["queue"] == 0 and info["cluster"]["claims"] == 0
    assert info["running"] is None and {r["status"] for r in info["runs"]} == {"finished"}
    assert len(info["runs"]) == 5


def test_a_killed_worker_loses_and_doubles_nothing(make_replica: Any, redis_url: str, tmp_path: Path) -> None:
    """w1 is SIGKILLed while it holds claims: the others take back what it was fetching once its lease ran out,
    and its next run publishes what it had written; every article ends up in exactly one file."""
    n = 80
    replica = make_replica(synthetic=n, fixtures_dir=None)
    replica.site.delay = 2.0       # discovery crawls along until every worker is up
    cluster = Cluster(replica.origin, tmp_path, redis_url, settings={"TEMPO_REDIS_IDLE_S": "3",
                                                                     "CONCURRENT_REQUESTS": "4", **WITHOUT_LEGACY_FEED})
    client = connect(redis_url)
    seeder = cluster.start("w0", "-a", "role=seed")
    assert wait_for(lambda: client.exists("tempo:world:discovery") or seeder.proc.poll() is not None, timeout=180)
    victim = cluster.start("w1", "-a", "role=worker")
    other = cluster.start("w2", "-a", "role=worker")
    assert wait_for(lambda: all("distributed run" in bg.log for bg in (victim, other)), timeout=180)
    replica.site.delay = 0.2       # now fetch: every worker holds a few requests in flight at any time

    def lines_of_w1() -> int:
        return sum(p.read_bytes().count(b"\n") for p in (tmp_path / "w1" / "output").glob("*.part"))

    assert wait_for(lambda: lines_of_w1() >= 3 or victim.proc.poll() is not None, timeout=180)
    victim.proc.send_signal(signal.SIGKILL)
    assert victim.wait(30) == -signal.SIGKILL, victim.log[-2000:]
    wait_all([seeder, other], timeout=240)
    assert seeder.proc.returncode == 0 and other.proc.returncode == 0, seeder.log[-2000:] + other.log[-2000:]
    assert sum(bg.stats.get("tempo/redis/requeued", 0) for bg in (seeder, other)) >= 1   # its lease ran out
    assert len(cluster.parts()) == 1                                                     # w1's unfinished file
    again = cluster.run("w1", timeout=240)                                               # its next run
    assert again.proc.returncode == 0, again.log[-3000:]
    assert again.stats.get("tempo/state/recovered_runs") == 1
    got = exported(cluster)
    assert set(got) == {f"b:{9000001 + k}" for k in range(n)}
    assert [k for k, c in got.items() if c > 1] == [] and cluster.parts() == []
    assert not cluster.union().unreadable


def test_ci_true_turns_a_missing_redis_server_into_a_failure() -> None:
    node = "tests/distributed/test_claims.py::test_reserve_is_all_or_nothing"
    base = {k: v for k, v in os.environ.items() if k != "CI"}
    base["TEMPO_REDIS_SERVER"] = "/nonexistent/redis-server"
    cmd = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", node]
    outside = subprocess.run(cmd, cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)
    assert outside.returncode == 0 and "1 skipped" in outside.stdout, outside.stdout[-2000:]
    assert "apt-get install redis-server" in outside.stdout
    in_ci = subprocess.run(cmd, cwd=ROOT, env={**base, "CI": "true"}, capture_output=True, text=True, timeout=120)
    assert in_ci.returncode != 0 and "CI=true and no redis-server" in in_ci.stdout, in_ci.stdout[-2000:]


def test_a_worker_whose_redis_goes_away_mid_run_stops_with_an_error(make_replica: Any, tmp_path: Path) -> None:
    """Redis stops while articles are being exported: the worker names the failure in one line per component,
    stops with exit status 1 (the writer's failed commit stops it at once, like a full disk; or, with nothing
    to commit, the worker loop after the lease) and leaves what it wrote unpublished for its next run."""
    replica = make_replica(synthetic=40, fixtures_dir=None)
    replica.site.delay = 0.3
    server = RedisServer.start()
    try:
        cluster = Cluster(replica.origin, tmp_path, server.url, settings={"TEMPO_REDIS_LEASE_S": "3",
                                                                           "CONCURRENT_REQUESTS": "2",
                                                                           **WITHOUT_LEGACY_FEED})
        worker = cluster.start("w0")
        output = tmp_path / "w0" / "output"
        assert wait_for(lambda: any(p.read_bytes().count(b"\n") >= 3 for p in output.glob("*.part"))
                        or worker.proc.poll() is not None, timeout=180)
    finally:
        server.stop()
    assert worker.wait(120) == 1, worker.log[-3000:]
    assert f"Redis at {server.url}: cannot reach Redis (ConnectionError: " in worker.log
    assert worker.stats["finish_reason"] in ("write_failed", "redis_unavailable"), worker.stats["finish_reason"]
    assert worker.stats.get("tempo/redis/failed/redis_connection", 0) >= 1
    assert "Traceback" not in worker.log and "tempo_crawler: exit 1:" in worker.log
    if worker.stats["finish_reason"] == "write_failed":
        assert cluster.parts() and not cluster.files()   # unpublished, for the next run on this machine


def test_an_idle_worker_whose_redis_goes_away_stops_after_the_lease(make_replica: Any, tmp_path: Path) -> None:
    replica = make_replica(synthetic=5, fixtures_dir=None)
    server = RedisServer.start()
    try:
        cluster = Cluster(replica.origin, tmp_path, server.url, settings={"TEMPO_REDIS_LEASE_S": "3",
                                                                           "TEMPO_REDIS_IDLE_S": "120",
                                                                           **WITHOUT_LEGACY_FEED})
        worker = cluster.start("w0")
        client = connect(server.url)
        assert wait_for(lambda: client.hget("tempo:world:stats", "articles") == b"5" or worker.proc.poll() is not None,
                        timeout=180)   # everything exported and committed: the worker waits for more work
        client.close()
    finally:
        server.stop()
    assert worker.wait(60) == 1, worker.log[-3000:]
    assert "unreachable for 3 s: worker w0 stops" in worker.log
    assert worker.stats.get("tempo/redis/unavailable") == 1 and worker.stats["finish_reason"] == "redis_unavailable"
    assert "tempo_crawler: exit 1:" in worker.log and "'redis_unavailable'" in worker.log
    assert "Traceback" not in worker.log
    assert [sum(1 for _ in p.open()) for p in cluster.files()] == [5]   # its file was complete: published
