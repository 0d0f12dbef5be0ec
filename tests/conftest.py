"""Shared pytest fixtures."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
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

# ---------------------------------------------------------------- mutation testing (`make mutants`)
# mutmut marks its bookkeeping runs (collecting which tests reach which code, checking that tests can fail) in
# MUTANT_UNDER_TEST and keeps the same mark in this process; a subprocess a test starts (a scrapy command, a
# timed parse) inherits only the environment and would run mutmut's bookkeeping without mutmut: it runs the
# code as it is. While a mutant is under test the mark stays, so subprocesses run the mutant too.
# UNDER_MUTMUT tells tests that cache work across tests (tests/layouts/test_golden.py) not to: mutmut maps
# each test to the code it runs itself.
UNDER_MUTMUT = "MUTANT_UNDER_TEST" in os.environ
if os.environ.get("MUTANT_UNDER_TEST") in ("stats", "fail", "list_all_tests", "mutant_generation"):
    del os.environ["MUTANT_UNDER_TEST"]

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
    from tests.support.redis_server import RedisServer, find_redis_server
    from tests.support.system_tools import required

    server = RedisServer.start(required(*find_redis_server(), "redis-server for the distributed tests"))
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: Any) -> str:
    """The session's redis-server, emptied for this test."""
    redis_server.flush()
    return redis_server.url


# ---------------------------------------------------------------- the suite never shrinks silently
# Everything a test reads is in the repository: opening or listing anything in the folder beside it that a
# workplace may hold (shared/: notes, samples with a reader's e-mail address) fails the test at once.
REPO = Path(__file__).resolve().parents[1]
OUTSIDE = (str(REPO.parent / "shared"),)


def _outside_repo(event: str, args: tuple[Any, ...]) -> None:
    if event not in ("open", "os.listdir", "os.scandir") or not args or not isinstance(args[0], str | bytes | Path):
        return
    path = os.path.abspath(os.fsdecode(args[0]))
    if any(path == root or path.startswith(root + os.sep) for root in OUTSIDE):
        raise PermissionError(f"tests read only the repository; copy what a test needs under tests/: {path}")


sys.addaudithook(_outside_repo)

# The whole suite, as collected in a fresh clone (pytest --collect-only -q). A run of the whole suite (no
# paths, -k, -m or --deselect) that collects fewer tests fails: a test went missing (a fixture not found, a
# parametrisation over nothing). Raise it with the tests you add; lower it only with the tests you remove.
SUITE_FLOOR = 2705
_SHORT = pytest.StashKey[str]()


def _whole_suite(config: pytest.Config) -> bool:
    opt = config.option
    if opt.keyword or opt.markexpr or any(getattr(opt, o, None) for o in ("deselect", "ignore", "ignore_glob", "lf")):
        return False
    testpaths = {(config.rootpath / p).resolve() for p in config.getini("testpaths")} or {config.rootpath}
    return {Path(a.split("::")[0]).resolve() for a in config.args} <= testpaths | {config.rootpath}


def pytest_collection_finish(session: pytest.Session) -> None:
    if _whole_suite(session.config) and len(session.items) < SUITE_FLOOR:
        session.config.stash[_SHORT] = (f"only {len(session.items)} tests collected; the whole suite has "
                                        f"{SUITE_FLOOR} (tests/conftest.py SUITE_FLOOR): a test went missing")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if session.config.stash.get(_SHORT, None) and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    short = config.stash.get(_SHORT, None)
    if short:
        terminalreporter.write_sep("!", short, red=True)
