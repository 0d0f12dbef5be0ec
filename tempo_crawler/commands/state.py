"""``scrapy state show|reset|recover``: look at, forget or finish the cron seen-store (``TEMPO_STATE_PATH``, or
with ``TEMPO_REDIS_URL`` the store every worker of a distributed run shares).

* ``show``: articles known, revisions, the last runs (killed ones included) with their outcome and exit
  status (the columns are explained under the table), whether a run holds the lock; distributed: also the
  live workers, the shared queue, the claims and who discovers. ``--json`` for machines.
* ``reset``: under the run lock (refused while a crawl runs; distributed: while any worker is alive), first
  publish what killed runs left, then forget every article: the next ``scrapy crawl world`` exports
  everything it finds as new (version 1). Output files already written are left alone. Same as
  ``scrapy crawl world -a reset=1`` minus the crawl.
* ``recover``: finish what killed runs left without crawling. Distributed: ``--worker NAME`` finishes the
  dead runs of that worker from its files on this machine (a worker whose machine is gone for good:
  ``--lost`` gives its unexported articles back to the others; its unpublished ``.part`` file is lost).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from tempo_crawler.state.lock import LockBusy, RunLock
from tempo_crawler.state.recovery import recover
from tempo_crawler.state.store import SeenStore, StoreError

RUNS_LEGEND = """
  run       the run's UTC start stamp and process id (names its output file and report)
  state     running (in progress, or killed and not yet found), finished, or killed (found and published
            by a later run)
  outcome   the monitors' verdict (README "Monitors"): ok, error, blocked, layout_drift, data_quality,
            incomplete; - for runs that ended before the monitors existed or were killed
  exit      the exit status `scrapy crawl world` returned (README "Exit status"; 0 = healthy)
  reason    Scrapy's finish reason (finished; shutdown = stopped by a signal), or how a killed run was found
  exported  articles written to the run's file (0 and no file: nothing new, or nothing fetched)
  complete  yes: every listing paged to its usual bounds with no failed request, so the next run may stop
            paging at already-seen pages; no: the next run pages every listing; - explicit URLs only
  file      the run's output file (- when it wrote none)"""


def runs_table(runs: list[dict]) -> str:
    """The last runs, newest first, one line each (columns explained by ``RUNS_LEGEND``)."""
    head = ("run", "state", "outcome", "exit", "reason", "exported", "complete", "file")
    rows = [head]
    for run in runs:
        complete = {None: "-", 0: "no", 1: "yes"}.get(run["complete"], str(run["complete"]))
        exit_code = "-" if run.get("exit_code") is None else str(run["exit_code"])
        file = Path(run["file"]).name if run["file"] and run["exported"] else "-"
        rows.append((run["run_id"], run["status"], run.get("outcome") or "-", exit_code, run["reason"] or "-",
                     str(run["exported"]), complete, file))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows)


ACTIONS = ("show", "reset", "recover")


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "show|reset|recover [--json] [--worker NAME [--lost]]"

    def short_desc(self) -> str:
        return "Show, reset or recover the cron seen-store (TEMPO_STATE_PATH, or the shared one of TEMPO_REDIS_URL)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="show: print JSON")
        parser.add_argument("--worker", metavar="NAME", help="recover: the dead runs of this worker (distributed)")
        parser.add_argument("--lost", action="store_true",
                            help="recover --worker: its machine is gone; give its articles back to the others")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1 or args[0] not in ACTIONS:
            raise UsageError(f"give one of {', '.join(ACTIONS)}")
        assert self.settings is not None
        from tempo_crawler.distributed.config import redis_url

        try:
            if redis_url(self.settings):
                from tempo_crawler.distributed.state_cli import ClusterState

                ClusterState(self.settings, self).run(args[0], opts)
                return
            if opts.worker or opts.lost:
                raise UsageError("--worker/--lost are for distributed runs (TEMPO_REDIS_URL)")
            path = Path(self.settings.get("TEMPO_STATE_PATH") or "output/state/world.sqlite")
            lock = RunLock(path.with_name(path.name + ".lock"))
            if args[0] == "show":
                self.show(path, lock, opts.json)
            else:
                self.reset_or_recover(path, lock, reset=args[0] == "reset")
        except StoreError as exc:
            self.fail(str(exc))

    def fail(self, message: str) -> None:
        print(f"ERROR: {message}", file=sys.stderr)
        self.exitcode = 1

    def show(self, path: Path, lock: RunLock, as_json: bool) -> None:
        try:
            lock.acquire()
            lock.release()
            holder = None
        except LockBusy as exc:
            holder = exc.holder or "unknown"
        if not path.exists():
            info: dict = {"path": str(path), "articles": 0, "runs": [], "note": "no state yet"}
        else:
            store = SeenStore(path, readonly=True)
            try:
                info = store.summary()
            finally:
                store.close()
        info["running"] = holder
        if as_json:
            print(json.dumps(info, indent=1, ensure_ascii=False))
            return
        print_summary(info)
        print(f"lock:      {'held by ' + holder if holder else 'free'}")
        print_runs(info)

    def reset_or_recover(self, path: Path, lock: RunLock, reset: bool) -> None:
        try:
            lock.acquire()
        except LockBusy as exc:
            self.fail(f"{exc}: not {'resetting' if reset else 'recovering'} while a crawl runs")
            return
        try:
            store = SeenStore(path)
            try:
                found = recover(store)
                if found.files:
                    print(f"published what killed runs left: {', '.join(found.files)}")
                elif not reset:
                    print("no killed run to recover")
                before = store.summary()["articles"]
                if reset:
                    store.reset()
            finally:
                store.close()
        finally:
            lock.release()
        if reset:
            print(f"state {path} reset: {before} article(s) forgotten; the next crawl exports everything it finds")


def print_summary(info: dict[str, Any]) -> None:
    print(f"state:     {info['path']}")
    print(f"articles:  {info['articles']} ({info.get('revised', 0)} revised at least once), "
          f"{info.get('keys', 0)} URL keys")
    if info.get("newest_first_seen"):
        print(f"newest:    first seen {info['newest_first_seen']}; last page fetch {info['last_seen']}")


def print_runs(info: dict[str, Any]) -> None:
    if info["runs"]:
        print()
        print(runs_table(info["runs"]))
        print(RUNS_LEGEND)
