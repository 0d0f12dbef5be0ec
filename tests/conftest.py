"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.replica.server import Replica

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
