"""The run records of the Redis seen-store (a part of :class:`tempo_crawler.state.redis_store.RedisStore`):
runs from start to end, which dead runs this machine recovers, listing coverage, reset and summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tempo_crawler.state.backend import SharedStoreError
from tempo_crawler.state.redis_io import as_dict, guarded, text
from tempo_crawler.state.rows import Pending, RunRow, utc_now

RUN_FIELDS = ("run_id", "pid", "started_at", "finished_at", "status", "reason", "complete", "exported", "file",
              "outcome", "exit_code", "worker", "host")
UNFINISHED = ("running", "unpublished")   # a run whose file may still be a .part: it stays in ``open``
RUNS_KEPT = 10000


class RedisRuns:
    """Mixin: needs ``client``, ``keys``, ``claims``, ``host``, ``worker``, ``recover_worker``, ``path``,
    ``rollback``, ``pending`` and ``textmiss`` from the store."""

    client: Any
    keys: Any
    claims: Any
    host: str | None
    worker: str | None
    recover_worker: str | None
    path: str

    def rollback(self) -> None:
        raise NotImplementedError

    def pending(self, max_attempts: int | None = None) -> list[Pending]:
        raise NotImplementedError

    @property
    def textmiss(self) -> str:
        raise NotImplementedError

    # -- runs ----------------------------------------------------------------------------------
    def _run(self, run_id: str) -> dict[str, str]:
        return as_dict(self.client.hgetall(self.keys.of_run("run", run_id)))

    @guarded
    def begin_run(self, run_id: str, file: str | None, *, pid: int, listing: bool = True,
                  proc_start: str | None = None) -> None:
        """Record a run before its output file exists. Whether it lives is its heartbeat (``alive:<run>``),
        not its process: ``proc_start`` is kept for the record only."""
        k = self.keys
        fields = {"run_id": run_id, "pid": str(pid), "started_at": utc_now(), "status": "running",
                  "file": file or "", "worker": self.worker or "", "host": self.host or "",
                  "proc_start": proc_start or "",
                  "failures_at_start": str(int(self.client.get(k.failures) or 0))}
        if listing:
            fields["complete"] = "0"
        pipe = self.client.pipeline()
        pipe.hset(k.of_run("run", run_id), mapping=fields)
        pipe.lpush(k.runs, run_id)
        pipe.ltrim(k.runs, 0, RUNS_KEPT - 1)
        pipe.sadd(k.open, run_id)
        if listing:
            pipe.set(k.last_listing, run_id)
        pipe.execute()

    @guarded
    def end_run(self, run_id: str, *, status: str, reason: str | None, complete: bool | None, exported: int,
                file: str | None, outcome: str | None = None, exit_code: int | None = None) -> None:
        k = self.keys
        run = self._run(run_id)
        fields = {"finished_at": utc_now(), "status": status, "reason": reason or "", "exported": str(exported),
                  "file": file or "", "outcome": outcome or "",
                  "exit_code": "" if exit_code is None else str(exit_code)}
        pipe = self.client.pipeline()
        if "complete" in run and complete is not None:
            fields["complete"] = str(int(complete))
        elif complete is False:   # a worker that did not fetch all it took: the next discovery pages everything
            pipe.incr(k.failures)
        pipe.hset(k.of_run("run", run_id), mapping=fields)
        if status not in UNFINISHED:
            pipe.srem(k.open, run_id)
            pipe.delete(k.of_run("recovering", run_id))
        pipe.execute()

    def alive(self, run_id: str) -> bool:
        return bool(self.client.exists(self.keys.of_run("alive", run_id)))

    @guarded
    def unfinished_runs(self) -> list[RunRow]:
        """Runs that died before their end, or left their file unpublished, and whose files this machine holds
        (same host, or the worker named by ``recover_worker``), each taken for recovery by this run alone.
        Their liveness was judged here (no heartbeat): the rows carry no process."""
        out = []
        for raw in sorted(self.client.smembers(self.keys.open)):
            run_id = text(raw) or ""
            if self.claims is not None and run_id == self.claims.run_id or self.alive(run_id):
                continue
            run = self._run(run_id)
            mine = (run.get("worker") == self.recover_worker if self.recover_worker
                    else run.get("host") == self.host)
            if not mine:
                continue
            if self.client.set(self.keys.of_run("recovering", run_id), self.worker or "?", nx=True, px=600_000):
                out.append(RunRow(run_id, run.get("file") or None, run.get("status") or "running", None, None))
        return out

    @guarded
    def coverage_complete(self) -> bool:
        last = text(self.client.get(self.keys.last_listing))
        if not last:
            return False
        run = self._run(last)
        failures = int(self.client.get(self.keys.failures) or 0)
        return (run.get("status") == "finished" and run.get("complete") == "1"
                and failures == int(run.get("failures_at_start") or 0))

    @guarded
    def set_coverage(self, run_id: str, sources: Mapping[str, bool]) -> None:
        if sources:
            self.client.hset(self.keys.coverage, mapping={name: "1" if done else "0" for name, done in sources.items()})

    @guarded
    def covered_sources(self) -> set[str]:
        if not self.coverage_complete():
            return set()
        return {k for k, v in as_dict(self.client.hgetall(self.keys.coverage)).items() if v == "1"}

    # -- housekeeping --------------------------------------------------------------------------
    @guarded
    def live_runs(self) -> list[str]:
        """Runs not finished whose heartbeat lives, other than this store's own."""
        me = self.claims.run_id if self.claims is not None else None
        return sorted(r for r in (text(x) or "" for x in self.client.smembers(self.keys.open))
                      if r != me and self.alive(r))

    @guarded
    def reset(self) -> None:
        """Forget every article, pending article and run record (claims and live runs' heartbeats stay); the shared
        dupefilter too. Refused (:class:`~tempo_crawler.state.backend.SharedStoreError`) while another worker
        runs: its records would vanish under it."""
        k = self.keys
        others = self.live_runs()
        if others:
            raise SharedStoreError(self.path, f"workers still running ({', '.join(others)}): not resetting the "
                                   "shared store")
        self.rollback()
        doomed = [k.keys, k.ckeys, k.ids, k.stats, k.runs, k.coverage, k.last_listing, k.failures, k.rid,
                  k.pending, k.dupefilter]
        for pattern in ("a:*", "ak:*", "run:*", "textmiss:*"):
            for name in self.client.scan_iter(match=k.prefix + pattern, count=1000):
                doomed.append(name)
        for start in range(0, len(doomed), 500):
            self.client.delete(*doomed[start:start + 500])
        self.client.hset(k.meta, "reset_at", utc_now())

    @guarded
    def summary(self, max_attempts: int = 5) -> dict[str, Any]:
        k = self.keys
        pending = self.pending()
        stats = as_dict(self.client.hgetall(k.stats))
        runs = []
        for raw in self.client.lrange(k.runs, 0, 9):
            run = self._run(text(raw) or "")
            complete = run.get("complete")
            runs.append({**{name: run.get(name) or None for name in RUN_FIELDS},
                         "pid": int(run["pid"]) if run.get("pid") else None,
                         "exit_code": int(run["exit_code"]) if run.get("exit_code") else None,
                         "exported": int(run.get("exported") or 0),
                         "complete": int(complete) if complete else None})
        return {"path": self.path, "articles": int(stats.get("articles") or 0),
                "revised": int(stats.get("revised") or 0), "keys": int(self.client.hlen(k.keys)),
                "newest_first_seen": stats.get("newest_first_seen"), "last_seen": stats.get("last_seen"),
                "meta": as_dict(self.client.hgetall(k.meta)),
                "pending": sum(p.attempts < max_attempts for p in pending),
                "pending_given_up": sum(p.attempts >= max_attempts for p in pending),
                "pending_articles": [vars(p) for p in pending[:50]],
                "text_missing": int(self.client.hlen(self.textmiss)), "runs": runs}
