"""``Retry-After`` is honoured within a cap (issue 11, defect 8: retries came 0.1-0.5 s apart whatever the
server asked): unit tests of the header, and crawls against a replica answering 429 with ``Retry-After``."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
from scrapy.http import Response

from tempo_crawler.retry import retry_after
from tests.replica.faults import FaultPlan
from tests.support.crawl import run_crawl


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    later = format_datetime(datetime(2026, 1, 1, 12, 0, 7, tzinfo=timezone.utc), usegmt=True)
    earlier = format_datetime(datetime(2026, 1, 1, 11, 0, 0, tzinfo=timezone.utc), usegmt=True)

    def answer(value: str | None) -> float | None:
        return retry_after(Response("https://x", status=429, headers={"Retry-After": value} if value else {}), now)

    assert answer("120") == 120.0 and answer(" 3 ") == 3.0
    assert answer(later) == 7.0 and answer(earlier) == 0.0
    assert answer(None) is None and answer("soon") is None and answer("-5") is None


def request_times(replica) -> list[tuple[float, str]]:  # noqa: ANN001
    """Record (time, path) of every request the replica answers from now on."""
    seen: list[tuple[float, str]] = []
    lock = threading.Lock()
    handle = replica.site.handle

    def timed(method: str, target: str):  # noqa: ANN202
        with lock:
            seen.append((time.monotonic(), target))
        return handle(method, target)

    replica.site.handle = timed
    return seen


def gaps(seen: list[tuple[float, str]], path: str) -> list[float]:
    times = [t for t, target in seen if target.split("?")[0] == path]
    return [b - a for a, b in zip(times, times[1:], strict=False)]


@pytest.mark.crawl
@pytest.mark.parametrize(("asked", "cap", "low", "high"), [(2, 30, 1.9, 6.0), (60, 1, 0.9, 4.0)])
def test_retries_wait_what_retry_after_asks_within_the_cap(make_replica, tmp_path: Path, asked: int, cap: int,
                                                          low: float, high: float) -> None:
    replica = make_replica(synthetic=2, fixtures_dir=None)
    urls = [replica.url(e.page_url) for e in replica.site.articles]
    paths = ["/" + u.split("/", 3)[3] for u in urls]
    replica.site.fault_plan = FaultPlan(share=1.0, kinds=("429",), retry_after=asked)
    seen = request_times(replica)
    result = run_crawl(replica.origin, tmp_path, "-a", f"start_urls={','.join(urls)}", "-a", "render=never",
                       settings={"RETRY_TIMES": "1", "TEMPO_RETRY_AFTER_MAX": str(cap)})
    assert result.stats["tempo/failed/http_429"] == 2, result.log[-3000:]
    assert result.stats["tempo/retry_after/waits"] == 2
    for path in paths:
        [gap] = gaps(seen, path)
        assert low <= gap <= high, (path, gap)
    assert any(line.endswith(paths[0]) and "blocked (HTTP 429) after 2 tries: " in line
               for line in result.log.splitlines())
