"""The shared politeness budget (tempo_crawler/distributed/budget.py): the Lua cell hands out one slot per
1/rate seconds per host, to any number of workers, and a burst only after a quiet spell. The end-to-end rate of
three workers on the replica is measured in test_workers.py."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tempo_crawler.distributed.budget import SharedBudget
from tempo_crawler.distributed.config import Keys, Tunables


def budget(redis_url: str, rate: float, burst: int = 1) -> SharedBudget:
    tunables = Tunables(idle_s=1, lease_s=1, cycle_s=0, rate=rate, burst=burst, tick_s=0.5)
    return SharedBudget(SimpleNamespace(), Keys.of({}, "world"), tunables, redis_url)


def test_slots_are_one_interval_apart_whichever_worker_asks(redis_url: str) -> None:
    workers = [budget(redis_url, rate=50) for _ in range(3)]   # 20 ms apart
    cell = Keys.of({}, "world").of_run("budget", "www.tempo.co")
    client = workers[0].client
    waits, slots = [], []
    for n in range(12):
        waits.append(workers[n % 3].wait_for("www.tempo.co"))
        slots.append(float(client.get(cell)))   # the next free slot, in Redis' clock (ms)
    assert waits[0] == 0 and waits == sorted(waits) and waits[-1] > 0.15   # queued behind each other
    assert [round(b - a, 3) for a, b in zip(slots, slots[1:], strict=False)] == [20.0] * 11
    assert budget(redis_url, rate=50).wait_for("rss.tempo.co") == 0   # another host has its own budget


def test_a_burst_only_after_a_quiet_spell(redis_url: str) -> None:
    b = budget(redis_url, rate=10, burst=3)
    waits = [b.wait_for("www.tempo.co") for _ in range(5)]
    assert waits[:3] == [0, 0, 0]
    assert 0.08 <= waits[3] <= 0.1 and 0.18 <= waits[4] <= 0.2


@pytest.mark.parametrize(("settings", "rate"), [
    ({"DOWNLOAD_DELAY": 0.25}, 4.0),               # the project's polite default: 1 / DOWNLOAD_DELAY
    ({"DOWNLOAD_DELAY": 0.25, "TEMPO_REDIS_RATE": "2.5"}, 2.5),
    ({"DOWNLOAD_DELAY": 0}, 0.0),                  # no delay, no budget unless TEMPO_REDIS_RATE says so
])
def test_the_default_budget_is_what_one_process_may_do(settings: dict[str, Any], rate: float) -> None:
    from scrapy.settings import Settings

    assert Tunables.of(Settings(settings)).rate == rate
