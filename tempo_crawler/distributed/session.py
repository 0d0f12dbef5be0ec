"""A worker's session in a distributed run: its connection, its worker lock, its heartbeat, the discovery election
and its store (the run lifecycle, :mod:`tempo_crawler.state.run`, drives it like the one-machine session).

* **Worker lock** ``worker:<name>`` (value: the run id, expiring after ``TEMPO_REDIS_LEASE_S``, renewed by
  the heartbeat): the same worker's next cron run is skipped while this one lives, as with the local lock.
* **Heartbeat** ``alive:<run>``: while it exists the run's claims are its own; once it expires (the worker
  died) live workers put its fetching claims back on the queue (:mod:`.claims`). It is renewed every third
  of the lease by a thread of its own, so a busy crawl (parsing, fsync) never looks dead: only a process
  that is gone (killed, crashed, its machine down or cut off) stops renewing it.
* **Election**: a run discovers (``seeding``) when it takes the discovery lock ``discovery`` and, with
  ``-a role=auto``, the last discovery ended more than ``TEMPO_REDIS_CYCLE_S`` ago; ``-a role=seed``
  discovers whenever no other run is discovering; ``-a role=worker`` never. Runs given explicit URLs push
  them themselves. A new cycle on a drained queue starts with fresh request fingerprints.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tempo_crawler.context import RunContext
from tempo_crawler.distributed.claims import Claims
from tempo_crawler.distributed.config import Keys, Tunables, plain, redact, redis_url
from tempo_crawler.failures import redis_line
from tempo_crawler.state.lock import LockBusy
from tempo_crawler.state.redis_io import unavailable
from tempo_crawler.state.redis_store import RedisStore

logger = logging.getLogger(__name__)

# Renew a key's expiry only if it still holds our value; delete it only if it does.
RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0"
DROP = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"


class WorkerBusy(LockBusy):
    def __init__(self, worker: str, holder: str) -> None:
        RuntimeError.__init__(self, f"previous run of worker {worker} still active (run {holder or '?'})")
        self.path = None
        self.holder = holder


def connect(url: str, timeout: float = 10.0) -> Any:
    """A client for ``url`` that fails fast (one retry, no backoff: stopping a test server must not hang)."""
    return redis.Redis.from_url(plain(url), socket_timeout=timeout, socket_connect_timeout=min(timeout, 5.0),
                                retry=Retry(NoBackoff(), 1), health_check_interval=30)


class ClusterSession:
    """See the module doc. ``working`` is True once the run serves the shared queue (after its discovery)."""

    def __init__(self, crawler: Any, context: RunContext) -> None:
        self.crawler = crawler
        self.context = context
        settings = crawler.settings
        url = redis_url(settings)
        assert url, "ClusterSession without TEMPO_REDIS_URL"
        self.url = url
        self.label = redact(url)
        self.keys = Keys.of(settings, context.spider)
        self.tunables = Tunables.of(settings)
        self.worker = context.worker or "worker"
        self.host = socket.gethostname()
        self.run_id = f"{context.stamp}-{self.worker}"
        self.client: Any = None
        self.claims: Claims | None = None
        self.heartbeat: threading.Thread | None = None
        self.stopping = threading.Event()
        self.last_beat_error = 0.0
        self.discovering = False
        self.working = False
        self.locked = False   # this run holds the worker lock

    @property
    def lease_ms(self) -> int:
        return max(1, int(self.tunables.lease_s * 1000))

    # -- the lifecycle's session interface -----------------------------------------------------
    def open(self, reset_bad: bool = False) -> tuple[RedisStore, None]:
        """Take the worker lock, start the heartbeat and open the shared store (``reset_bad`` is for files:
        a shared store is never moved aside). :class:`WorkerBusy`: this worker's previous run still lives;
        :class:`StoreUnavailable`: Redis cannot be used (one line, :func:`tempo_crawler.failures.redis_line`)."""
        try:
            self.acquire()
            return RedisStore(self.client, self.keys, claims=self.claims, host=self.host, worker=self.worker,
                              label=self.label), None
        except redis.RedisError as exc:
            self.release()
            raise unavailable(self.label, exc, "this worker cannot start") from None
        except BaseException:
            self.release()
            raise

    def acquire(self) -> None:
        k = self.keys
        self.client = connect(self.url)
        self._drop = self.client.register_script(DROP)
        self.client.ping()
        if not self.client.set(k.of_run("worker", self.worker), self.run_id, nx=True, px=self.lease_ms):
            holder = self.client.get(k.of_run("worker", self.worker))
            raise WorkerBusy(self.worker, holder.decode() if holder else "")
        self.locked = True
        self.client.set(k.of_run("alive", self.run_id), self.worker, px=self.lease_ms)
        self.claims = Claims(self.client, k, self.run_id)
        self.context.cluster = self
        self.heartbeat = threading.Thread(target=self._beat_until_stopped, name=f"heartbeat:{self.run_id}",
                                          daemon=True)
        self.heartbeat.start()

    def elect(self) -> bool:
        """Does this run discover? (See the module doc.)"""
        try:
            return self._elect()
        except redis.RedisError as exc:
            raise unavailable(self.label, exc, "this worker cannot start") from None

    def _elect(self) -> bool:
        context, k = self.context, self.keys
        if context.explicit_urls:
            self.working = False
            return True
        if context.role == "worker":
            self.working = True
            return False
        if not self.client.set(k.discovery, self.run_id, nx=True, px=self.lease_ms):
            holder = self.client.get(k.discovery)
            logger.info("discovery is being done by run %s: this worker fetches from the shared queue",
                        holder.decode() if holder else "?")
            self.working = True
            return False
        last = self.client.get(k.discovered_at)
        if context.role == "auto" and last is not None and time.time() - float(last) < self.tunables.cycle_s:
            self._drop(keys=[k.discovery], args=[self.run_id])
            logger.info("discovery ran %.0f s ago (TEMPO_REDIS_CYCLE_S=%g): this worker fetches from the shared "
                        "queue", time.time() - float(last), self.tunables.cycle_s)
            self.working = True
            return False
        self.discovering = True
        if not self.client.zcard(k.queue):   # a new cycle: the previous one's fingerprints go
            self.client.delete(k.dupefilter)
        return True

    def discovery_done(self) -> None:
        """The seeder went through its listings: record the cycle and serve the shared queue."""
        if self.discovering:
            self.client.set(self.keys.discovered_at, repr(time.time()))
            self._drop(keys=[self.keys.discovery], args=[self.run_id])
            self.discovering = False
        self.working = True

    def _beat_until_stopped(self) -> None:
        client = connect(self.url)
        renew = client.register_script(RENEW)
        try:
            while not self.stopping.wait(self.tunables.lease_s / 3):
                self.beat(client, renew)
        finally:
            client.close()

    def beat(self, client: Any, renew: Any) -> None:
        """Renew the heartbeat, the worker lock and (while discovering) the discovery lock."""
        k = self.keys
        try:
            client.set(k.of_run("alive", self.run_id), self.worker, px=self.lease_ms)
            if not renew(keys=[k.of_run("worker", self.worker)], args=[self.run_id, self.lease_ms]):
                client.set(k.of_run("worker", self.worker), self.run_id, nx=True, px=self.lease_ms)
            if self.discovering:
                renew(keys=[k.discovery], args=[self.run_id, self.lease_ms])
        except redis.RedisError as exc:
            if time.monotonic() - self.last_beat_error >= 30:
                self.last_beat_error = time.monotonic()
                logger.error("%s", redis_line(self.label, exc, f"heartbeat failed; after TEMPO_REDIS_LEASE_S="
                                              f"{self.tunables.lease_s:g} s without one other workers take over "
                                              "this worker's articles"))

    def release(self) -> None:
        self.stopping.set()
        if self.heartbeat is not None:
            self.heartbeat.join(timeout=5)
        self.context.cluster = None
        if self.client is None:
            return
        k = self.keys
        try:
            if self.locked:
                if self.discovering:
                    self._drop(keys=[k.discovery], args=[self.run_id])
                self.client.delete(k.of_run("alive", self.run_id))
                self._drop(keys=[k.of_run("worker", self.worker)], args=[self.run_id])
        except redis.RedisError as exc:
            logger.warning("%s", redis_line(self.label, exc, "could not release this worker's locks; they expire "
                                            f"after {self.tunables.lease_s:g} s"))
        finally:
            self.locked = False
            self.client.close()
            self.client = None
