"""Shared pytest fixtures."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests.replica.server import Replica

# ---------------------------------------------------------------- Hypothesis (property tests)
# "ci" (CI=true): derandomized, so a run is reproducible, no example database. "dev": random, with the
# database (.hypothesis/). Example counts are set per test (the property tests add up to > 1,000); each
# example has a deadline. HYPOTHESIS_PROFILE picks another profile.
_COMMON: dict[str, Any] = {"deadline": 2000, "print_blob": True,
                           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("ci", derandomize=True, database=None, **_COMMON)
settings.register_profile("dev", **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

# ---------------------------------------------------------------- the replica (tests/replica/server.py)


@pytest.fixture(scope="session")
def replica() -> Iterator[Replica]:
    """The golden replica on a free loopback port for the whole session (``.origin``, ``.site``, ``.url()``).
    Shared: do not mutate it (no add/edit/fail); use ``fresh_replica`` or ``make_replica`` for that."""
    with Replica.start() as r:
        yield r


@pytest.fixture
def fresh_replica() -> Iterator[Replica]:
    """A new golden replica for one test, free to mutate."""
    with Replica.start() as r:
        yield r


@pytest.fixture
def make_replica() -> Iterator[Callable[..., Replica]]:
    """Factory: ``make_replica(synthetic=500, fixtures_dir=…)``; all stop after the test."""
    started: list[Replica] = []

    def make(**kwargs: Any) -> Replica:
        started.append(Replica.start(**kwargs))
        return started[-1]

    yield make
    for r in started:
        r.stop()


# ---------------------------------------------------------------- redis-server (tests/support/redis_server.py)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Any]:
    """A real redis-server on a free loopback port for the session. Missing: the test is skipped with the reason,
    or fails under ``CI=true``."""
    import os

    from tests.support.redis_server import RedisServer, find_redis_server

    binary, why = find_redis_server()
    if binary is None:
        if os.environ.get("CI", "").strip().lower() in ("true", "1"):
            pytest.fail(f"CI=true and no redis-server for the distributed tests: {why}", pytrace=False)
        pytest.skip(f"distributed tests skipped: {why} (under CI=true this fails)")
    server = RedisServer.start(binary)
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: Any) -> str:
    """The session's redis-server, emptied for this test."""
    redis_server.flush()
    return redis_server.url
