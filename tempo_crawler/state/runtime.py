"""The per-crawl cron state shared by the spider hooks, the spider middleware and the exporter.

``CronState.of(crawler)`` is created on first use and cached on the crawler. The exporter
(:class:`tempo_crawler.exporters.durable.DurableExportPipeline`) opens the store and takes the lock in
``open_spider``, before the spider's ``start()`` runs; until then (or in a stateless run) the hooks
behave as without state: fetch everything.

Modes (``TEMPO_STATE_MODE``):

* ``auto`` (default): a run without feeds writes ``TEMPO_OUTPUT`` exactly once against the store; a run
  with feeds (``-o``/``-O`` or ``FEEDS``) is a stateless one-off export that neither reads nor writes it.
* ``on``: the store and the durable file always, even with ``-o``/``-O`` (those feeds then get the same
  new/changed items, without the exactly-once guarantee).
* ``off``: never the store; without feeds the durable file is still written (every article, every run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from tempo_crawler.items import Article
from tempo_crawler.state.lock import RunLock
from tempo_crawler.state.store import SeenStore, later
from tempo_crawler.urls import article_key

MODES = ("auto", "on", "off")


def flag(value: Any) -> bool:
    """A spider argument as a boolean: ``-a full=1`` / ``true`` / ``yes`` / ``on``."""
    if value is None or callable(value):
        return False
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on", "y")


@dataclass
class FetchNote:
    """What the crawl knows about one fetched article beyond the item: every key it was requested under
    and the newest lastmod a listing announced for it."""

    keys: set[str] = field(default_factory=set)
    lastmod: str | None = None


class CronState:
    ATTR = "_tempo_cron_state"

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        s = crawler.settings
        self.mode = str(s.get("TEMPO_STATE_MODE", "auto") or "auto").lower()
        if self.mode not in MODES:
            raise ValueError(f"TEMPO_STATE_MODE={self.mode!r}: expected one of {MODES}")
        feeds = bool(s.getdict("FEEDS"))
        self.writer_enabled = self.mode == "on" or not feeds
        self.store_enabled = self.mode == "on" or (self.mode == "auto" and not feeds)
        self.state_path = Path(s.get("TEMPO_STATE_PATH") or "output/state/world.sqlite")
        self.lock = RunLock(self.state_path.with_name(self.state_path.name + ".lock"))
        self.window = timedelta(hours=s.getfloat("TEMPO_REFETCH_WINDOW_HOURS", 48.0))
        self.now = datetime.now(timezone.utc)
        self.store: SeenStore | None = None
        self.covered: set[str] = set()   # listing sources that may stop paging early (store.covered_sources)
        self.skipped = False
        self.notes: dict[str, FetchNote] = {}
        self.lastmods: dict[str, str] = {}
        self.unchanged: set[str] = set()

    @classmethod
    def of(cls, crawler: Any) -> CronState:
        state = getattr(crawler, cls.ATTR, None)
        if state is None:
            state = cls(crawler)
            setattr(crawler, cls.ATTR, state)
        return state

    # -- spider arguments ----------------------------------------------------------------------
    @property
    def spider(self) -> Any:
        return self.crawler.spider

    @property
    def full(self) -> bool:
        """``-a full=1``: fetch every listed article in the window again (unchanged ones are still not
        exported again) and page to the usual bounds."""
        return flag(getattr(self.spider, "full", None))

    @property
    def reset(self) -> bool:
        """``-a reset=1``: forget the store before this run."""
        return flag(getattr(self.spider, "reset", None))

    @property
    def active(self) -> bool:
        """The store is open for this run: the hooks may skip what it knows."""
        return self.store is not None and not self.skipped

    def inc(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"tempo/{key}", n)

    # -- what was fetched ----------------------------------------------------------------------
    def saw_lastmod(self, key: str, lastmod: str | None) -> str | None:
        if lastmod:
            self.lastmods[key] = later(self.lastmods.get(key), lastmod) or lastmod
        return self.lastmods.get(key)

    def note_fetch(self, item_keys: set[str], keys: set[str], lastmod: str | None) -> None:
        for key in item_keys | keys:
            lastmod = later(lastmod, self.lastmods.get(key))
        for key in item_keys | keys:
            note = self.notes.setdefault(key, FetchNote())
            note.keys |= keys | item_keys
            note.lastmod = later(note.lastmod, lastmod)

    def take_note(self, *keys: str | None) -> FetchNote:
        """Everything noted under any of ``keys`` (popped: an item is exported once)."""
        merged = FetchNote()
        for key in keys:
            if not key:
                continue
            note = self.notes.pop(key, None)
            if note is not None:
                merged.keys |= note.keys
                merged.lastmod = later(merged.lastmod, note.lastmod)
            merged.lastmod = later(merged.lastmod, self.lastmods.get(key))
        return merged


def _keys(*urls: str | None) -> set[str]:
    return {k for k in (article_key(u) for u in urls if u) if k}


class FetchNotesMiddleware:
    """Spider middleware: for every article item, note the keys of the URLs it was fetched under
    (requested URL, redirect hops, the listing's URL) and the listing's lastmod, so the store unites them
    with the item's canonical key (redirects, ``rel=canonical``, old-site URLs of new-site articles)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> FetchNotesMiddleware:
        return cls(crawler)

    def _note(self, response: Any, item: Any) -> None:
        if not isinstance(item, Article):
            return
        state = CronState.of(self.crawler)
        if not state.active:
            return
        request = getattr(response, "request", None)
        meta = response.meta if request is not None else {}
        ref = meta.get("tempo_ref")
        keys = _keys(response.url, request.url if request is not None else None,
                     *(meta.get("redirect_urls") or []), ref.url if ref is not None else None)
        own = _keys(item.url) or ({f"id:{item.id}"} if item.id else set())
        state.note_fetch(own, keys, getattr(ref, "lastmod", None))

    def process_spider_output(self, response: Any, result: Any) -> Any:
        for obj in result:
            self._note(response, obj)
            yield obj

    async def process_spider_output_async(self, response: Any, result: Any) -> Any:
        async for obj in result:
            self._note(response, obj)
            yield obj
