"""The default output of ``scrapy crawl world``: one JSON Lines file per run, written exactly once against the
seen-store, and safe against ``kill -9`` at any moment.

Per item (after every other pipeline decided it is new or revised): append the line to ``<file>.part`` and
record it in the store's open transaction; every ``TEMPO_EXPORT_SYNC_ITEMS`` lines (default 100) or
``TEMPO_EXPORT_SYNC_SECONDS``: ``fsync`` the file, **then** commit the store. An article counts as seen
only once its line is on disk. At close: fsync, commit, rename ``.part`` to the final name, fsync the
folder. Readers only ever see complete files; what a killed run leaves is finished by the next one
(:mod:`tempo_crawler.state.recovery`).

A write that fails (disk full, read-only or lost filesystem: any ``OSError`` from write, fsync, rename, or
the store's commit) stops the run: the torn tail is cut when possible, the item and every later one are
dropped (``write_failed``: they stay pending), the store claims nothing that is not durably written, the
file is **not** published (it stays ``.part``, recorded as ``unpublished``, for the next run's recovery),
and the spider closes with reason ``write_failed`` (exit status 1). Stats ``tempo/export/write_failed``,
``tempo/export/write_error``.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from tempo_crawler.context import RunContext
from tempo_crawler.files import free_name, fsync_dir, part_of
from tempo_crawler.items import Article, article_to_dict
from tempo_crawler.state.store import utc_now

logger = logging.getLogger(__name__)

# Defaults of TEMPO_EXPORT_SYNC_ITEMS / _SECONDS: one fsync + commit per 100 lines or per second. Batching
# keeps exactly-once (a line is in the store only after it is fsynced; a kill leaves at most the batch in
# the .part file, which recovery reconciles) and costs ~0.3 ms per 100 items instead of per item (issue 14).
SYNC_ITEMS = 100
SYNC_SECONDS = 1.0


def encode(item: dict[str, Any]) -> bytes:
    return (json.dumps(item, ensure_ascii=False) + "\n").encode("utf-8")


class DurableJsonLines:
    """Append-only JSON Lines into ``<path>.part``; ``sync()`` makes what was written durable; ``publish()``
    renames it to ``path``. The ``.part`` file is created on the first line (or by ``publish(empty=True)``)."""

    def __init__(self, path: Path, *, sync_every: int = SYNC_ITEMS, sync_seconds: float = SYNC_SECONDS) -> None:
        self.path = Path(path)
        self.part = part_of(self.path)
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
        """Append one line; on an ``OSError`` the partial line is cut off again (when the disk allows)."""
        data = memoryview(encode(item))
        fd = self._open()
        start = os.lseek(fd, 0, os.SEEK_END)
        try:
            while data:
                data = data[os.write(fd, data):]
        except OSError:
            try:
                os.ftruncate(fd, start)
            except OSError:
                pass   # recovery cuts the partial line
            raise
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

    def abandon(self) -> None:
        """Close without publishing: the ``.part`` stays for the next run's recovery."""
        if self.fd is not None:
            try:
                os.close(self.fd)
            finally:
                self.fd = None

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


class JsonLinesExportPipeline:
    """Item pipeline (order 800): write each article to the run's file and, with state, record it in the
    store, syncing the file before the store commits (see the module doc)."""

    def __init__(self, crawler: Any, context: RunContext) -> None:
        self.crawler = crawler
        self.context = context
        s = crawler.settings
        self.sync_every = s.getint("TEMPO_EXPORT_SYNC_ITEMS", SYNC_ITEMS)
        self.sync_seconds = s.getfloat("TEMPO_EXPORT_SYNC_SECONDS", SYNC_SECONDS)
        self.store_empty = s.getbool("FEED_STORE_EMPTY", True)
        self.writer: DurableJsonLines | None = None
        self.exported = 0
        self.ticker: LoopingCall | None = None
        self.failed: str | None = None   # the write error that stopped the run

    @classmethod
    def from_crawler(cls, crawler: Any) -> JsonLinesExportPipeline:
        context = RunContext.find(crawler)
        if context is None or not context.writer_enabled:   # a one-off export, scrapy parse/check/shell
            raise NotConfigured
        return cls(crawler, context)

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def open_spider(self) -> None:
        context = self.context
        if context.output is None:
            return
        self.writer = DurableJsonLines(context.output, sync_every=self.sync_every, sync_seconds=self.sync_seconds)
        if self.sync_every > 1:  # batched: also sync a batch that waits for more items than come
            self.ticker = LoopingCall(self._tick)
            self.ticker.start(max(self.sync_seconds, 0.05), now=False)
        logger.info("exporting %s to %s%s", "new and changed articles" if context.store_enabled else "articles",
                    context.output, f" (state {context.state_path})" if context.store_enabled else " (no state)")

    def _sync(self, force: bool = False) -> None:
        """fsync the lines written so far, then commit the store: never the other way round."""
        assert self.writer is not None
        if force or self.writer.due():
            self.writer.sync()
            if self.context.store is not None:
                self.context.store.commit()

    def _tick(self) -> None:
        if self.failed:
            return
        try:
            self._sync()
        except (OSError, sqlite3.OperationalError) as exc:
            self._write_failed(exc)

    def process_item(self, item: Any) -> Any:
        if self.writer is None or not isinstance(item, Article):
            return item
        if self.failed:
            self._drop(item)
        data = article_to_dict(item)
        try:
            self.writer.write(data)
            store, notes = self.context.store, self.context.notes
            if store is not None and notes is not None:
                note = notes.gather(item, pop=True)
                store.record(data, note.keys, now=utc_now(), file=str(self.writer.path),
                             listing_lastmod=note.lastmod)
            self._sync()
        except (OSError, sqlite3.OperationalError) as exc:
            self._write_failed(exc)
            self._drop(item)
        self.exported += 1
        return item

    def _drop(self, item: Article) -> None:
        exc = DropItem(f"not exported, the output cannot be written ({self.failed}): {item.url}")
        exc.reasons = ["write_failed"]  # type: ignore[attr-defined]  # pending: the next run exports it
        raise exc

    def _write_failed(self, exc: BaseException, stop: bool = True) -> None:
        """Stop at the first failed write: keep what is durable, claim nothing else, close the spider."""
        if self.failed:
            return
        self.failed = f"{type(exc).__name__}: {exc}"
        self.stats.set_value("tempo/export/write_failed", 1)
        self.stats.set_value("tempo/export/write_error", self.failed)
        part = self.writer.part if self.writer is not None else None
        logger.error("cannot write the output (%s): the run stops; %s stays unpublished for the next run to "
                     "recover", self.failed, part)
        store = self.context.store
        try:
            if self.writer is not None:
                self.writer.sync()   # the lines written whole so far, so the store may claim them
            if store is not None:
                store.commit()
        except (OSError, sqlite3.Error):
            if store is not None:
                store.rollback()   # claim nothing: the next run reconciles the store from the .part file
        engine = getattr(self.crawler, "engine", None)
        if stop and engine is not None:
            deferred_from_coro(engine.close_spider_async(reason="write_failed"))

    def close_spider(self) -> None:
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()
        if self.writer is None or self.context.skipped:
            return
        if not self.failed:
            try:
                self._sync(force=True)
                path = self.writer.publish(empty=self.store_empty)
            except (OSError, sqlite3.OperationalError) as exc:
                self._write_failed(exc, stop=False)   # closing already
        if self.failed:
            self.writer.abandon()
            self.stats.set_value("tempo/export/lines", self.exported)
            return
        self.stats.set_value("tempo/export/lines", self.exported)
        self.stats.set_value("tempo/export/file", str(path) if path is not None else None)
        if path is not None:
            logger.info("exported %d article(s) to %s", self.exported, path)
        else:
            logger.info("nothing new or changed: no file written (FEED_STORE_EMPTY is off)")
