"""Seen-stores for tests: the Redis store opened as a worker's run would open it (tests/state)."""

from __future__ import annotations

import socket
from typing import Any


def redis_store(url: str, run: str = "run-1", host: str | None = None, worker: str = "w1") -> Any:
    """A :class:`~tempo_crawler.state.redis_store.RedisStore` of run ``run`` (its heartbeat set: alive) on ``host``
    (default: this machine)."""
    from tempo_crawler.distributed.claims import Claims
    from tempo_crawler.distributed.config import Keys
    from tempo_crawler.distributed.session import connect
    from tempo_crawler.state.redis_store import RedisStore

    client = connect(url)
    keys = Keys.of({}, "world")
    client.set(keys.of_run("alive", run), worker)
    return RedisStore(client, keys, claims=Claims(client, keys, run), host=host or socket.gethostname(),
                      worker=worker)
