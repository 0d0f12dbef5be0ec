"""``scrapy state show|reset|recover|rebuild-text`` for a distributed run (``TEMPO_REDIS_URL``): the shared store,
whatever machine it is run on (:mod:`tempo_crawler.commands.state` hands over to this module). ``recover`` and
``rebuild-text`` work on this machine's files (its dead runs, its text folder)."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Any

import redis

from tempo_crawler.distributed.claims import Claims
from tempo_crawler.distributed.config import Keys, check_url, redact, redis_url
from tempo_crawler.distributed.session import connect
from tempo_crawler.failures import redis_line
from tempo_crawler.state.backend import StoreUnavailable
from tempo_crawler.state.recovery import recover
from tempo_crawler.state.redis_io import text
from tempo_crawler.state.redis_store import RedisStore
from tempo_crawler.state.rows import utc_now

SPIDER = "world"   # the project's one spider: its keys are tempo:world:*, world:requests, world:dupefilter


class ClusterState:
    def __init__(self, settings: Any, command: Any) -> None:
        url = redis_url(settings)
        assert url
        self.url = check_url(url)
        self.label = redact(url)
        self.keys = Keys.of(settings, SPIDER)
        self.command = command

    def run(self, action: str, opts: Any, files: list[Path]) -> None:
        from scrapy.exceptions import UsageError

        if opts.lost and not opts.worker:
            raise UsageError("--lost needs --worker NAME")
        if opts.worker and action != "recover":
            raise UsageError("--worker/--lost go with recover")
        if action == "rebuild-text" and files:   # from the files given: no store needed
            self.command.rebuild_text(Path(self.label), files, opts.force)
            return
        try:
            client = connect(self.url)
            client.ping()
        except redis.RedisError as exc:
            self.command.fail(redis_line(self.label, exc, f"`scrapy state {action}` did nothing"))
            return
        try:
            getattr(self, action.replace("-", "_"))(client, opts)
        except redis.RedisError as exc:
            self.command.fail(redis_line(self.label, exc, f"`scrapy state {action}` stopped"))
        except StoreUnavailable as exc:
            self.command.fail(str(exc))
        finally:
            client.close()

    # -- show ------------------------------------------------------------------------------------
    def cluster(self, client: Any) -> dict[str, Any]:
        k = self.keys
        runs = []
        for raw in sorted(client.smembers(k.open)):
            run_id = text(raw) or ""
            run = {(text(a) or ""): (text(b) or "") for a, b in client.hgetall(k.of_run("run", run_id)).items()}
            alive = bool(client.exists(k.of_run("alive", run_id)))
            runs.append({"run_id": run_id, "worker": run.get("worker"), "host": run.get("host"), "alive": alive,
                         "claims": int(client.scard(k.of_run("rc", run_id))), "file": run.get("file") or None})
        last = text(client.get(k.discovered_at))
        return {"queue": int(client.zcard(k.queue)), "fingerprints": int(client.scard(k.dupefilter)),
                "claims": int(client.hlen(k.claims)), "discovering": text(client.get(k.discovery)),
                "discovered_at": (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(float(last))) if last else None),
                "open_runs": runs}

    def show(self, client: Any, opts: Any) -> None:
        from tempo_crawler.commands.state import print_runs, print_summary

        info = RedisStore(client, self.keys, label=self.label).summary(self.command.max_attempts)
        info["cluster"] = cluster = self.cluster(client)
        info["running"] = [r["run_id"] for r in cluster["open_runs"] if r["alive"]] or None
        if opts.json:
            print(json.dumps(info, indent=1, ensure_ascii=False))
            return
        print_summary(info, self.command.max_attempts)
        print(f"queue:     {cluster['queue']} request(s) waiting, {cluster['claims']} article(s) claimed, "
              f"{cluster['fingerprints']} fingerprint(s) this cycle")
        print(f"discovery: {'by run ' + cluster['discovering'] if cluster['discovering'] else 'idle'}; "
              f"last done {cluster['discovered_at'] or 'never'}")
        for run in cluster["open_runs"]:
            state = "alive" if run["alive"] else "dead, waiting for recovery on its machine"
            print(f"worker {run['worker']}@{run['host']}: run {run['run_id']} {state}, {run['claims']} claim(s)")
        print_runs(info)

    # -- reset / recover ---------------------------------------------------------------------------
    def _store(self, client: Any, worker: str | None = None) -> RedisStore:
        me = f"state-{socket.gethostname()}-{os.getpid()}"
        return RedisStore(client, self.keys, claims=Claims(client, self.keys, me), host=socket.gethostname(),
                          worker=me, label=self.label, recover_worker=worker)

    def recover(self, client: Any, opts: Any) -> None:
        store = self._store(client, opts.worker)
        if opts.lost:
            runs = store.unfinished_runs()
            for run in runs:
                store.end_run(run.run_id, status="killed", reason="machine lost (scrapy state recover --lost)",
                              complete=False, exported=0, file=None)
                back = store.release_run(run.run_id, finished=False)
                print(f"run {run.run_id}: {back} article request(s) back on the shared queue; its file "
                      f"{run.file or '-'} was not published")
            if not runs:
                print(f"no dead run of worker {opts.worker}")
            return
        found = recover(store)
        if found.runs:
            print(f"recovered {found.runs} run(s): published {', '.join(found.files) or 'no file'} "
                  f"({found.lines} lines, {found.reconciled} not yet in the store)")
        else:
            print("no dead run of " + (f"worker {opts.worker}" if opts.worker else f"host {socket.gethostname()}"))

    def reset(self, client: Any, opts: Any) -> None:
        store = self._store(client)
        live = store.live_runs()
        if live:
            self.command.fail(f"workers still running ({', '.join(live)}): not resetting the shared store")
            return
        found = recover(store)
        if found.files:
            print(f"published what killed runs left: {', '.join(found.files)}")
        before = store.summary()["articles"]
        store.reset()
        k = self.keys
        doomed = [k.queue, k.claims, k.claimreq, k.open, k.discovery, k.discovered_at]
        for pattern in ("rc:*", "recovering:*"):
            doomed += list(client.scan_iter(match=k.prefix + pattern, count=1000))
        client.delete(*doomed)
        client.hset(k.meta, "reset_at", utc_now())
        print(f"state {self.label} reset: {before} article(s) forgotten, the shared queue emptied; the next crawl "
              "exports everything it finds")

    def rebuild_text(self, client: Any, opts: Any) -> None:
        """The text files this machine still has to write (noted by its workers), from their JSON Lines files."""
        from tempo_crawler.exporters.text_form import DEFAULT_TEXT_DIR
        from tempo_crawler.exporters.text_rebuild import rebuild_missing

        directory = Path(self.command.settings.get("TEMPO_TEXT_DIR") or DEFAULT_TEXT_DIR)
        store = self._store(client)
        try:
            done = rebuild_missing(store, directory)
            store.commit()
        finally:
            store.close()
        print(f"text files written to {directory}: {done.written} ({done.failed} failed, "
              f"{done.not_found} not found in their output file)")
        if done.failed:
            self.command.exitcode = 1
