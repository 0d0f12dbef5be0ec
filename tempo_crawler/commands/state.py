"""``scrapy state show|reset|recover|rebuild-text``: look at, forget, finish or repair the cron seen-store
(``TEMPO_STATE_PATH``, or with ``TEMPO_REDIS_URL`` the store every worker of a distributed run shares:
:mod:`tempo_crawler.distributed.state_cli`).

* ``show``: articles known, revisions, articles pending (and given up), text files still to write, the last
  runs (killed ones included) with their outcome and exit status (the columns are explained under the
  table), whether a run holds the lock; distributed: also the live workers, the shared queue, the claims
  and who discovers. ``--json`` for machines.
* ``reset``: under the run lock (refused while a crawl runs; distributed: while any worker is alive), first
  publish what killed runs left, then forget every article: the next ``scrapy crawl world`` exports
  everything it finds as new (version 1). A store that cannot be opened (empty, truncated, corrupt) is
  moved aside as ``<name>.bad-<UTC>`` and a new one started. Output files already written are left alone.
  Same as ``-a reset=1`` minus the crawl.
* ``recover``: finish what killed runs left without crawling. Distributed: ``--worker NAME`` finishes the
  dead runs of that worker from its files on this machine (a worker whose machine is gone for good:
  ``--lost`` gives its unexported articles back to the others; its unpublished ``.part`` file is lost).
* ``rebuild-text [FILE.jsonl …] [--force]``: write the text files (``TEMPO_TEXT_DIR/<id>.txt``) from the
  JSON Lines output: without files, those the store lists as missing (a write failed); with files, every
  article in them whose text file is missing (``--force``: every one, replacing what is there).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from tempo_crawler import usage
from tempo_crawler.arguments import ArgumentError
from tempo_crawler.exporters.text_form import DEFAULT_TEXT_DIR
from tempo_crawler.exporters.text_rebuild import rebuild_missing, rebuild_texts
from tempo_crawler.state.lock import LockBusy, RunLock
from tempo_crawler.state.recovery import recover
from tempo_crawler.state.run import open_locked
from tempo_crawler.state.store import SeenStore, StoreError

RUNS_LEGEND = """
  run       the run's UTC start stamp and process id (names its output file and report)
  state     running (in progress, or killed and not yet found), finished, killed (found and published
            by a later run), unpublished (a write failed: its .part waits for the next run) or write_failed
            (such a run, its file published by a later run)
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


ACTIONS = ("show", "reset", "recover", "rebuild-text")


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "show [--json] | reset | recover [--worker NAME [--lost]] | rebuild-text [FILE.jsonl ...] [--force]"

    def short_desc(self) -> str:
        return "Show, reset, recover or repair the cron seen-store (TEMPO_STATE_PATH, or TEMPO_REDIS_URL's)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="show: print JSON")
        parser.add_argument("--force", action="store_true", help="rebuild-text: replace existing text files")
        parser.add_argument("--worker", metavar="NAME", help="recover: the dead runs of this worker (distributed)")
        parser.add_argument("--lost", action="store_true",
                            help="recover --worker: its machine is gone; give its articles back to the others")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if not args or args[0] not in ACTIONS or (args[0] != "rebuild-text" and len(args) != 1):
            raise UsageError(f"give one of: {', '.join(ACTIONS)}")
        assert self.settings is not None
        from tempo_crawler.distributed.config import redis_url

        if redis_url(self.settings):
            from tempo_crawler.distributed.state_cli import ClusterState

            try:
                cluster = ClusterState(self.settings, self)
            except ArgumentError as exc:   # a URL that is not one: a usage error, one line, exit 2
                usage.fail(str(exc))
            cluster.run(args[0], opts, [Path(a) for a in args[1:]])
            return
        if opts.worker or opts.lost:
            raise UsageError("--worker/--lost are for distributed runs (TEMPO_REDIS_URL)")
        path = Path(self.settings.get("TEMPO_STATE_PATH") or "output/state/world.sqlite")
        try:
            if args[0] == "show":
                self.show(path, opts.json)
            elif args[0] in ("reset", "recover"):
                self.reset(path, forget=args[0] == "reset")
            else:
                self.rebuild_text(path, [Path(a) for a in args[1:]], opts.force)
        except (StoreError, LockBusy, OSError) as exc:
            self.fail(str(exc))

    def fail(self, message: str) -> None:
        print(f"ERROR: {message}", file=sys.stderr)
        self.exitcode = 1

    @property
    def max_attempts(self) -> int:
        assert self.settings is not None
        return self.settings.getint("TEMPO_PENDING_MAX_ATTEMPTS", 5)

    def show(self, path: Path, as_json: bool) -> None:
        holder = None
        if path.exists():
            lock = RunLock(path)
            try:
                lock.acquire()
                lock.release()
            except LockBusy as exc:
                holder = exc.holder or "unknown"
            store = SeenStore(path, readonly=True)
            try:
                info = store.summary(self.max_attempts)
            finally:
                store.close()
        else:
            info = {"path": str(path), "articles": 0, "runs": [], "note": "no state yet"}
        info["running"] = holder
        if as_json:
            print(json.dumps(info, indent=1, ensure_ascii=False))
            return
        print_summary(info, self.max_attempts)
        print(f"lock:      {'held by ' + holder if holder else 'free'}")
        print_runs(info)

    def reset(self, path: Path, forget: bool = True) -> None:
        """``reset`` (``forget``) or ``recover``: publish what killed runs left, then forget every article."""
        lock = RunLock(path)
        try:
            store, aside = open_locked(path, lock, reset_bad=forget)
        except LockBusy as exc:
            doing = "resetting" if forget else "recovering"
            raise LockBusy(exc.path, f"{exc.holder or 'holder unknown'}: not {doing} while a crawl runs") from None
        if aside is not None:
            print(f"the store could not be opened; moved it aside to {aside} and started a new one")
        try:
            found = recover(store)
            if found.files:
                print(f"published what killed runs left: {', '.join(found.files)}")
            elif not forget:
                print("no killed run to recover")
            before = store.summary()["articles"]
            if forget:
                store.reset()
        finally:
            store.close()
            lock.release()
        if forget:
            print(f"state {path} reset: {before} article(s) forgotten; the next crawl exports everything it finds")

    def rebuild_text(self, path: Path, files: list[Path], force: bool) -> None:
        assert self.settings is not None
        directory = Path(self.settings.get("TEMPO_TEXT_DIR") or DEFAULT_TEXT_DIR)
        if files:
            done, _ = rebuild_texts(files, directory, force=force)
            print(f"text files written to {directory}: {done.written} ({done.failed} failed)")
        else:
            lock = RunLock(path)
            store, _ = open_locked(path, lock)
            try:
                done = rebuild_missing(store, directory)
                store.commit()
            finally:
                store.close()
                lock.release()
            print(f"text files written to {directory}: {done.written} ({done.failed} failed, "
                  f"{done.not_found} not found in their output file)")
        if done.failed:
            self.exitcode = 1


def print_summary(info: dict[str, Any], max_attempts: int) -> None:
    print(f"state:     {info['path']}")
    print(f"articles:  {info['articles']} ({info.get('revised', 0)} revised at least once), "
          f"{info.get('keys', 0)} URL keys")
    if info.get("newest_first_seen"):
        print(f"newest:    first seen {info['newest_first_seen']}; last page fetch {info['last_seen']}")
    print(f"pending:   {info.get('pending', 0)} to retry, {info.get('pending_given_up', 0)} given up "
          f"(after {max_attempts} failed attempts)")
    for p in info.get("pending_articles", [])[:20]:
        print(f"  {p['url']}: {p['attempts']} attempt(s), last {p['last_failed']}: {p['cause']}")
    if info.get("text_missing"):
        print(f"text:      {info['text_missing']} text file(s) still to write (`scrapy state rebuild-text`)")


def print_runs(info: dict[str, Any]) -> None:
    if info["runs"]:
        print()
        print(runs_table(info["runs"]))
        print(RUNS_LEGEND)
