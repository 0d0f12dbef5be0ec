"""The default output of ``scrapy crawl world``: one JSON Lines file per run, written exactly once against
the seen-store, and safe against ``kill -9`` at any moment.

How a run writes (``DurableExportPipeline``, after dedupe and schema validation):

1. take the run lock; open the store; **recover** what a killed run left (below); record this run and its
   file name in the store (committed) before the file exists;
2. per item: drop it if the store has it with the same content (``tempo/dropped/unchanged``) or has the
   same story under another id (``tempo/dropped/duplicate_content``); else set ``version``,
   ``first_seen``, ``revised_at``, append the line to ``<file>.part`` and record it in the store's open
   transaction; every ``TEMPO_EXPORT_SYNC_ITEMS`` lines (default 1) or ``TEMPO_EXPORT_SYNC_SECONDS``:
   ``fsync`` the file, **then** commit the store. An article counts as seen only once its line is on disk;
3. at close: fsync, commit, rename ``.part`` to the final name, fsync the directory.

Readers only ever see complete files: a ``.part`` file is never a finished output. A killed run leaves
``<file>.part`` with possibly a half-written last line, and store commits that may lag the file by the
lines written since the last commit. The next run (under the lock) **repairs** that file (cuts the partial
tail, drops unparseable lines), **reconciles** the store from every remaining line (they were exported, so
they count as seen: this closes the window between fsync of a line and the store commit), commits, and
only then renames the file to its final name. Lines cut off are not in the store, so their articles are
fetched and exported again by that run: no loss, no duplicate. Every step is idempotent, so a kill during
recovery is recovered the same way.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from scrapy.exceptions import CloseSpider, DropItem
from scrapy.signals import spider_closed
from twisted.internet.task import LoopingCall

from tempo_crawler.items import Article, article_to_dict
from tempo_crawler.state.lock import LockBusy
from tempo_crawler.state.runtime import CronState
from tempo_crawler.state.store import SeenStore, item_key, utc_now

logger = logging.getLogger(__name__)

PART = ".part"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def free_name(path: Path) -> Path:
    """``path``, or ``<stem>-2<suffix>``, ``-3``… when it (or its ``.part``) exists already (two runs in
    the same second)."""
    candidate, n = path, 1
    while candidate.exists() or candidate.with_name(candidate.name + PART).exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def encode(item: dict[str, Any]) -> bytes:
    return (json.dumps(item, ensure_ascii=False) + "\n").encode("utf-8")


class DurableJsonLines:
    """Append-only JSON Lines into ``<path>.part``; ``sync()`` makes what was written durable; ``publish()``
    renames it to ``path``. The ``.part`` file is created on the first line (or by ``publish(empty=True)``)."""

    def __init__(self, path: Path, *, sync_every: int = 1, sync_seconds: float = 1.0) -> None:
        self.path = Path(path)
        self.part = self.path.with_name(self.path.name + PART)
        self.sync_every = max(1, sync_every)
        self.sync_seconds = sync_seconds
        self.fd: int | None = None
        self.lines = 0
        self.unsynced = 0
        self.last_sync = time.monotonic()

    def _open(self) -> int:
        if self.fd is None:
            self.part.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
            fsync_dir(self.part.parent)
        return self.fd

    def write(self, item: dict[str, Any]) -> None:
        data = memoryview(encode(item))
        fd = self._open()
        while data:
            data = data[os.write(fd, data):]
        self.lines += 1
        self.unsynced += 1

    def due(self) -> bool:
        return self.unsynced >= self.sync_every or (
            self.unsynced > 0 and time.monotonic() - self.last_sync >= self.sync_seconds)

    def sync(self) -> None:
        if self.fd is not None and self.unsynced:
            os.fsync(self.fd)
        self.unsynced = 0
        self.last_sync = time.monotonic()

    def publish(self, empty: bool = True) -> Path | None:
        """Close and rename to the final name (None when nothing was written and ``empty`` is False)."""
        if self.fd is None:
            if not empty:
                return None
            self._open()
        assert self.fd is not None
        os.fsync(self.fd)
        os.close(self.fd)
        self.fd = None
        target = self.path if not self.path.exists() else free_name(self.path)
        os.rename(self.part, target)
        fsync_dir(target.parent)
        self.path = target
        return target

    def abandon(self) -> None:
        """Close without publishing (the ``.part`` stays for the next run's recovery)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


@dataclass
class Repair:
    items: list[dict[str, Any]] = field(default_factory=list)
    cut_bytes: int = 0          # partial last line removed
    bad_lines: int = 0          # complete lines that were not a JSON object, removed


def repair(path: Path) -> Repair:
    """Make ``path`` a clean JSON Lines file in place: cut a partial last line, drop unreadable lines."""
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    out = Repair(cut_bytes=len(data) - end)
    kept: list[bytes] = []
    for raw in data[:end].split(b"\n")[:-1]:
        try:
            obj = json.loads(raw)
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            kept.append(raw)
            out.items.append(obj)
        else:
            out.bad_lines += 1
    if out.bad_lines:
        tmp = path.with_name(path.name + ".repair")
        with open(tmp, "wb") as fh:
            fh.write(b"".join(line + b"\n" for line in kept))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    elif out.cut_bytes:
        with open(path, "r+b") as fh:
            fh.truncate(end)
            fh.flush()
            os.fsync(fh.fileno())
    return out


@dataclass
class Recovery:
    runs: int = 0
    files: list[str] = field(default_factory=list)
    lines: int = 0
    reconciled: int = 0
    cut_bytes: int = 0
    bad_lines: int = 0


def recover(store: SeenStore) -> Recovery:
    """Finish what killed runs left (call with the run lock held): repair each one's ``.part`` file,
    reconcile the store from its lines, commit, then publish the file under its final name."""
    result = Recovery()
    for run_id, file in store.unfinished_runs():
        result.runs += 1
        published, lines = file, 0
        if file:
            final = Path(file)
            part = final.with_name(final.name + PART)
            if part.exists():
                fixed = repair(part)
                lines = len(fixed.items)
                result.lines += lines
                result.cut_bytes += fixed.cut_bytes
                result.bad_lines += fixed.bad_lines
                result.reconciled += store.reconcile(fixed.items, file=str(final))
                store.commit()
                if fixed.items:
                    target = final if not final.exists() else free_name(final)
                    os.rename(part, target)
                    fsync_dir(target.parent)
                    published = str(target)
                    result.files.append(published)
                else:
                    part.unlink()
                    published = None
            elif final.exists():
                published = str(final)  # killed after its rename: its lines were committed before it
                lines = sum(1 for _ in final.open("rb"))
            else:
                published = None
        store.end_run(run_id, status="killed", reason="recovered on next start", complete=False,
                      exported=lines, file=published)
        store.commit()
    return result


class DurableExportPipeline:
    """Item pipeline (order 800): the exactly-once JSON Lines writer over the seen-store. See the module doc."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.state = CronState.of(crawler)
        s = crawler.settings
        self.template = s.get("TEMPO_OUTPUT") or "output/%(name)s-%(run_stamp)s.jsonl"
        self.sync_every = s.getint("TEMPO_EXPORT_SYNC_ITEMS", 1)
        self.sync_seconds = s.getfloat("TEMPO_EXPORT_SYNC_SECONDS", 1.0)
        self.lock_wait = s.getfloat("TEMPO_LOCK_WAIT_SECONDS", 0.0)
        self.store_empty = s.getbool("FEED_STORE_EMPTY", True)
        self.writer: DurableJsonLines | None = None
        self.run_id: str | None = None
        self.exported = 0
        self.published: Path | None = None
        self.ticker: LoopingCall | None = None
        crawler.signals.connect(self.spider_closed, signal=spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> DurableExportPipeline:
        return cls(crawler)

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def _path(self, spider: Any) -> Path:
        stamp = getattr(spider, "run_stamp", None) or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        return free_name(Path(self.template % {"name": spider.name, "run_stamp": stamp, "time": stamp}))

    # -- open ----------------------------------------------------------------------------------
    def open_spider(self) -> None:
        state, spider = self.state, self.crawler.spider
        if state.reset and not state.store_enabled:
            logger.warning("-a reset=1 ignored: this run does not use the state (-o/-O/FEEDS given, or "
                           "TEMPO_STATE_MODE=off); `scrapy state reset` forgets it")
        if not state.writer_enabled:
            return
        path = self._path(spider)
        if state.store_enabled:
            self._open_store(spider, path)
        self.writer = DurableJsonLines(path, sync_every=self.sync_every, sync_seconds=self.sync_seconds)
        if self.sync_every > 1:  # batched: also sync a batch that waits for more items than come
            self.ticker = LoopingCall(self._sync)
            self.ticker.start(max(self.sync_seconds, 0.05), now=False)
        spider.tempo_output = path
        self.stats.set_value("tempo/export/file", str(path))
        logger.info("exporting %s to %s%s", "new and changed articles" if state.store_enabled else "articles",
                    path, f" (state {state.state_path})" if state.store_enabled else " (no state)")

    def _open_store(self, spider: Any, path: Path) -> None:
        state = self.state
        try:
            state.lock.acquire(self.lock_wait)
        except LockBusy as exc:
            state.skipped = True
            self.stats.set_value("tempo/run/skipped", 1)
            self.stats.set_value("tempo/run/skip_reason", "locked")
            logger.warning("%s: this run is skipped, nothing fetched or exported", exc)
            raise CloseSpider("skipped") from None
        try:
            store = SeenStore(state.state_path)
            found = recover(store)
            if found.runs:
                for name, value in (("runs", found.runs), ("lines", found.lines), ("reconciled", found.reconciled),
                                    ("cut_bytes", found.cut_bytes), ("bad_lines", found.bad_lines)):
                    self.stats.set_value(f"tempo/state/recovered_{name}", value)
                logger.warning("recovered %d killed run(s): published %s (%d lines, %d not yet in the store, "
                               "%d bytes of a partial line cut, %d bad lines dropped)", found.runs,
                               ", ".join(found.files) or "no file", found.lines, found.reconciled, found.cut_bytes,
                               found.bad_lines)
            if state.reset:
                store.reset()
                self.stats.set_value("tempo/state/reset", 1)
                logger.warning("-a reset=1: state %s forgotten, every article counts as new", state.state_path)
            state.covered = store.covered_sources()
            self.run_id = f"{getattr(spider, 'run_stamp', utc_now())}-{os.getpid()}"
            store.begin_run(self.run_id, str(path), pid=os.getpid(),
                            listing=not getattr(spider, "explicit_urls", None))
        except BaseException:
            state.lock.release()
            raise
        state.store = store
        logger.info("state %s: %d articles known; %s", state.state_path, store.summary()["articles"],
                    f"paging may stop at already-seen pages of {', '.join(sorted(state.covered))}" if state.covered
                    else "previous run incomplete or none: paging every listing to the usual bounds")

    # -- items ---------------------------------------------------------------------------------
    def _sync(self, force: bool = False) -> None:
        """fsync the lines written so far, then commit the store: never the other way round."""
        assert self.writer is not None
        if force or self.writer.due():
            self.writer.sync()
            if self.state.store is not None:
                self.state.store.commit()

    def process_item(self, item: Any) -> Any:
        if self.writer is None or not isinstance(item, Article):
            return item
        store = self.state.store
        if store is None:
            self.writer.write(article_to_dict(item))
            self._sync()
            self.exported += 1
            return item
        data = article_to_dict(item)
        own = item_key(data)
        note = self.state.take_note(own, f"id:{item.id}" if item.id else None)
        keys = note.keys | ({own} if own else set())
        verdict = store.classify(data, keys)
        now = utc_now()
        if verdict.kind in ("unchanged", "duplicate"):
            assert verdict.record is not None
            store.touch(verdict.record.rid, keys, now=now, listing_lastmod=note.lastmod)
            if self.writer.unsynced == 0:
                store.commit()
            if verdict.kind == "unchanged":
                self.stats.inc_value("tempo/dropped/unchanged")
                raise DropItem(f"unchanged since version {verdict.record.version} "
                               f"(first seen {verdict.record.first_seen}): {item.url}", log_level="DEBUG")
            self.stats.inc_value("tempo/dropped/duplicate_content")
            raise DropItem(f"same title and body as {verdict.record.url} (stored): {item.url}", log_level="INFO")
        if verdict.kind == "revised":
            assert verdict.record is not None
            item = replace(item, version=verdict.record.version + 1, first_seen=verdict.record.first_seen,
                           revised_at=now)
            self.stats.inc_value("tempo/export/revised")
        else:
            item = replace(item, version=1, first_seen=now, revised_at=None)
            self.stats.inc_value("tempo/export/new")
        data = article_to_dict(item)
        self.writer.write(data)
        store.record(data, keys, now=now, file=str(self.writer.path), listing_lastmod=note.lastmod)
        self._sync()
        self.exported += 1
        return item

    # -- close ---------------------------------------------------------------------------------
    def close_spider(self) -> None:
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()
        if self.writer is None:
            return
        self._sync(force=True)
        path = self.writer.publish(empty=self.store_empty)
        self.stats.set_value("tempo/export/lines", self.exported)
        if path is not None:
            self.stats.set_value("tempo/export/file", str(path))
            self.crawler.spider.tempo_output = path
            logger.info("exported %d article(s) to %s", self.exported, path)
        else:
            self.stats.set_value("tempo/export/file", None)
            logger.info("nothing new or changed: no file written (FEED_STORE_EMPTY is off)")
        self.published = path

    def spider_closed(self, spider: Any, reason: str) -> None:
        state = self.state
        if state.store is None or self.run_id is None:
            return
        stats = self.stats.get_stats()
        writer_path = str(self.published) if self.published else None
        complete = not (reason != "finished" or stats.get("tempo/articles/failed")
                        or stats.get("tempo/skipped/max_items") or getattr(spider, "since", None)
                        or getattr(spider, "until", None))
        try:
            state.store.end_run(self.run_id, status="finished", reason=reason, complete=complete,
                                exported=self.exported, file=writer_path)
            if not getattr(spider, "explicit_urls", None):
                sources = self.crawler.settings.getlist("TEMPO_SOURCES")
                state.store.set_coverage(self.run_id, {name: complete and not stats.get(f"tempo/source/{name}/errors")
                                                       for name in sources})
            state.store.commit()
            state.store.close()
        finally:
            state.store = None
            state.lock.release()
