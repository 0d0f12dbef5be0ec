"""``scrapy state show|reset``: look at or forget the cron seen-store (``TEMPO_STATE_PATH``).

* ``show``: articles known, revisions, the last runs (killed ones included), whether a run holds the lock.
  ``--json`` for machines.
* ``reset``: under the run lock (refused while a crawl runs), first publish what killed runs left, then
  forget every article: the next ``scrapy crawl world`` exports everything it finds as new (version 1).
  Output files already written are left alone. Same as ``scrapy crawl world -a reset=1`` minus the crawl.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from tempo_crawler.state.lock import LockBusy, RunLock
from tempo_crawler.state.recovery import recover
from tempo_crawler.state.store import SeenStore, StoreError


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "show|reset [--json]"

    def short_desc(self) -> str:
        return "Show or reset the cron seen-store (TEMPO_STATE_PATH)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="show: print JSON")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1 or args[0] not in ("show", "reset"):
            raise UsageError("give `show` or `reset`")
        assert self.settings is not None
        path = Path(self.settings.get("TEMPO_STATE_PATH") or "output/state/world.sqlite")
        lock = RunLock(path.with_name(path.name + ".lock"))
        try:
            if args[0] == "show":
                self.show(path, lock, opts.json)
            else:
                self.reset(path, lock)
        except StoreError as exc:
            print(f"ERROR: {exc}", file=sys.stderr)
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
        print(f"state:     {info['path']}")
        print(f"articles:  {info['articles']} ({info.get('revised', 0)} revised at least once), "
              f"{info.get('keys', 0)} URL keys")
        if info.get("newest_first_seen"):
            print(f"newest:    first seen {info['newest_first_seen']}; last page fetch {info['last_seen']}")
        print(f"lock:      {'held by ' + holder if holder else 'free'}")
        for run in info["runs"]:
            print(f"run {run['run_id']}: {run['status']} ({run['reason'] or '-'}), {run['exported']} exported, "
                  f"complete={run['complete']}, file {run['file'] or '-'}")

    def reset(self, path: Path, lock: RunLock) -> None:
        try:
            lock.acquire()
        except LockBusy as exc:
            print(f"ERROR: {exc}: not resetting while a crawl runs", file=sys.stderr)
            self.exitcode = 1
            return
        try:
            store = SeenStore(path)
            try:
                found = recover(store)
                if found.files:
                    print(f"published what killed runs left: {', '.join(found.files)}")
                before = store.summary()["articles"]
                store.reset()
            finally:
                store.close()
        finally:
            lock.release()
        print(f"state {path} reset: {before} article(s) forgotten; the next crawl exports everything it finds")
