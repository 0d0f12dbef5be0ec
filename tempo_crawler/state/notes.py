"""What the crawl learns about an article beyond its item: every key it was requested under (requested URL,
redirect hops, the listing's URL) and the newest lastmod a listing announced, so the seen-store unites
them with the item's own key (redirects, ``rel=canonical``, old-site URLs of new-site articles)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tempo_crawler.context import RunContext
from tempo_crawler.identity import is_article_key, item_key, url_keys
from tempo_crawler.items import Article
from tempo_crawler.state.pending import KEY
from tempo_crawler.state.rows import later


@dataclass
class FetchNote:
    keys: set[str] = field(default_factory=set)
    lastmod: str | None = None


class FetchNotes:
    """Per-run memory of fetch notes, keyed by every key an article is known under."""

    def __init__(self) -> None:
        self.notes: dict[str, FetchNote] = {}
        self.lastmods: dict[str, str] = {}

    def saw_lastmod(self, key: str, lastmod: str | None) -> str | None:
        """Remember a listing's lastmod for ``key``; the newest seen so far."""
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

    def gather(self, article: Article, *, pop: bool) -> FetchNote:
        """Everything noted for ``article`` (its own key included in ``keys``); ``pop`` forgets it."""
        own = item_key(article.url, article.id)
        by_id = f"id:{article.id}" if article.id else None
        merged = FetchNote(keys={own} if own else set())
        for key in (own, by_id):
            if not key:
                continue
            note = self.notes.pop(key, None) if pop else self.notes.get(key)
            if note is not None:
                merged.keys |= note.keys
                merged.lastmod = later(merged.lastmod, note.lastmod)
            merged.lastmod = later(merged.lastmod, self.lastmods.get(key))
        return merged


class FetchNotesMiddleware:
    """Spider middleware: for every article item, note the keys of the URLs it was fetched under and the
    listing's lastmod (only in runs with a seen-store)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> FetchNotesMiddleware:
        return cls(crawler)

    def _note(self, response: Any, item: Any) -> None:
        if not isinstance(item, Article):
            return
        context = RunContext.find(self.crawler)
        if context is None or not context.active or context.notes is None:
            return
        request = getattr(response, "request", None)
        meta = response.meta if request is not None else {}
        keys = url_keys(response.url, request.url if request is not None else None,
                        *(meta.get("redirect_urls") or []))
        # The listed URL's key (a later page of the article was fetched under another URL) and the newest
        # lastmod the listings gave for it (noted when the article was scheduled: state/incremental.py).
        listed = meta.get(KEY)
        keys |= {listed} if is_article_key(listed) else set()
        own = {k for k in (item_key(item.url, item.id),) if k}
        context.notes.note_fetch(own, keys, context.notes.saw_lastmod(listed, None) if listed else None)

    async def process_spider_output(self, response: Any, result: Any) -> Any:
        async for obj in result:
            self._note(response, obj)
            yield obj
