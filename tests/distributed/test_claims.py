"""The claim scripts (tempo_crawler/distributed/claims.py) against a real redis-server: a pop is a claim, a claimed
article is nobody else's, a dead worker's fetching claims go back to the queue and its writing claims wait for
its file."""

from __future__ import annotations

from typing import Any

import pytest

from tempo_crawler.distributed.claims import Claims
from tempo_crawler.distributed.config import Keys
from tempo_crawler.distributed.session import connect

KEYS = Keys.of({}, "world")


@pytest.fixture
def client(redis_url: str) -> Any:
    c = connect(redis_url)
    yield c
    c.close()


def run(client: Any, run_id: str, alive: bool = True) -> Claims:
    if alive:
        client.set(KEYS.of_run("alive", run_id), "w")
    return Claims(client, KEYS, run_id)


def push(client: Any, key: str, body: str, priority: int = 0) -> bytes:
    """A queue member as ClaimQueue encodes it: T<key>\\n<payload>; score = -priority (scrapy-redis)."""
    member = b"T" + key.encode() + b"\n" + body.encode()
    client.zadd(KEYS.queue, {member: -priority})
    return member


def test_a_pop_claims_the_best_request_and_skips_articles_held_by_a_live_worker(client: Any) -> None:
    a, b = run(client, "run-a"), run(client, "run-b")
    push(client, "b:1", "desktop", priority=10)
    push(client, "b:2", "other", priority=0)
    assert a.pop() == (b"Tb:1\ndesktop", 0)
    assert a.owner("b:1") == ("run-a", "f")
    assert client.hget(KEYS.claimreq, "b:1") == b"-10 Tb:1\ndesktop"   # kept to re-queue it
    push(client, "b:1", "amp", priority=10)   # the same article under another URL
    assert b.pop() == (b"Tb:2\nother", 1)     # its duplicate is dropped, the next one taken
    push(client, "b:1", "again")
    assert a.pop() == (None, 1)               # a duplicate of its own claim too
    assert client.zcard(KEYS.queue) == 0 and b.held_elsewhere("b:1") and not a.held_elsewhere("b:1")


def test_reserve_is_all_or_nothing(client: Any) -> None:
    a, b = run(client, "run-a"), run(client, "run-b")
    push(client, "b:1", "x")
    a.pop()
    assert not b.reserve(["b:1", "c:title#hash"])
    assert client.hget(KEYS.claims, "c:title#hash") is None   # nothing taken
    assert a.reserve(["b:1", "c:title#hash"])
    assert a.owner("b:1") == ("run-a", "w") and a.owner("c:title#hash") == ("run-a", "w")
    assert a.release(["b:1", "c:title#hash"]) == 2 and b.reserve(["b:1"])


def test_a_dead_workers_fetching_claims_go_back_and_its_writing_claims_wait(client: Any) -> None:
    a, b = run(client, "run-a"), run(client, "run-b")
    client.sadd(KEYS.open, "run-a", "run-b")
    push(client, "b:1", "one", priority=10)
    push(client, "b:2", "two", priority=5)
    assert a.pop()[0] and a.pop()[0]
    assert a.reserve(["b:2"])              # b:2 may be in run-a's file from now on
    assert b.reap() == 0                   # run-a is alive
    client.delete(KEYS.of_run("alive", "run-a"))   # run-a dies
    assert b.reap() == 1
    assert client.zrange(KEYS.queue, 0, -1, withscores=True) == [(b"Tb:1\none", -10.0)]
    assert a.owner("b:1") is None and a.owner("b:2") == ("run-a", "w")
    assert b.pop() == (b"Tb:1\none", 0)    # taken over
    push(client, "b:2", "two")
    assert b.pop() == (None, 1) and not b.reserve(["b:2"])   # waits for run-a's file
    assert b.reap() == 0


@pytest.mark.parametrize(("mode", "found", "back"), [
    ("done", [], []),                        # a clean finish processed everything it popped
    ("requeue", [], [b"Tb:1\none", b"Tb:2\ntwo"]),      # stopped early: everything back
    ("recovered", ["b:2"], [b"Tb:1\none"]),             # b:2 was in its recovered file
    ("recovered", [], [b"Tb:1\none", b"Tb:2\ntwo"]),    # nothing found: both back
])
def test_end_run(client: Any, mode: str, found: list[str], back: list[bytes]) -> None:
    a = run(client, "run-a", alive=mode != "recovered")
    client.sadd(KEYS.open, "run-a")
    push(client, "b:1", "one")
    push(client, "b:2", "two")
    assert a.pop()[0] and a.pop()[0] and a.reserve(["b:2"])
    assert a.end_run("run-a", mode, found) == len(back)
    assert sorted(client.zrange(KEYS.queue, 0, -1)) == back
    assert client.hlen(KEYS.claims) == 0 and not client.exists(KEYS.of_run("rc", "run-a"))
    assert not client.sismember(KEYS.open, "run-a")
