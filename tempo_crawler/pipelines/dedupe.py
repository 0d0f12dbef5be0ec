"""Drop repeats: within a run (one article reached by several URLs or sources is exported once) and
across runs (an article the seen-store holds unchanged, or the same story stored under another key)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scrapy.exceptions import NotConfigured

from tempo_crawler.context import RunContext
from tempo_crawler.identity import item_key
from tempo_crawler.items import Article, article_to_dict
from tempo_crawler.pipelines.base import ArticlePipeline
from tempo_crawler.state.store import utc_now


class DedupePipeline(ArticlePipeline):
    """In-run: a second item with the same article key (``tempo/dropped/duplicate``)."""

    def __init__(self, stats: Any = None) -> None:
        super().__init__(stats)
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupePipeline:
        pipe = cls(crawler.stats)
        context = RunContext.find(crawler)
        if context is not None:   # shared with the cross-run dedupe, which forgets an article another worker took
            pipe.seen = context.in_run
        return pipe

    def process_article(self, article: Article) -> Article:
        key = item_key(article.url, article.id) or ""
        if key in self.seen:
            # The same article reached twice (desktop and AMP page, two listings): normal, not a warning.
            self.drop("duplicate", f"duplicate article {key} ({article.url})", log_level="INFO")
        self.seen.add(key)
        return article


class StoreDedupePipeline(ArticlePipeline):
    """Across runs, against the seen-store (runs with state only): drop an article stored with the same
    content (``unchanged``) or the same story stored under another key (``duplicate_content``); give the
    rest their ``version``, ``first_seen`` and ``revised_at`` (a changed article is a revision).

    Several workers at once (distributed runs): the article is first reserved in the store for this run,
    so that the verdict holds until the export is committed; an article another worker is exporting right
    now is dropped (``claimed_elsewhere``: that worker exports it)."""

    def __init__(self, stats: Any, context: RunContext) -> None:
        super().__init__(stats)
        self.context = context

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoreDedupePipeline:
        context = RunContext.find(crawler)
        if context is None:   # `scrapy shell` builds the pipelines before the spider: not a run
            raise NotConfigured
        return cls(crawler.stats, context)

    def process_article(self, article: Article) -> Article:
        store, notes = self.context.store, self.context.notes
        if store is None or notes is None:
            return article
        try:
            return self._against(store, notes, article)
        except OSError as exc:   # the store cannot be read or written (Redis gone): not exported this run
            self.drop("state_unavailable", f"{exc}: {article.url}", log_level="ERROR")

    def _against(self, store: Any, notes: Any, article: Article) -> Article:
        note = notes.gather(article, pop=False)
        data = article_to_dict(article)
        if not store.reserve(data, note.keys):
            notes.gather(article, pop=True)
            self.context.in_run.discard(item_key(article.url, article.id) or "")   # it may come back to this run
            self.drop("claimed_elsewhere", f"another worker is exporting this article: {article.url}",
                      log_level="INFO")
        verdict = store.classify(data, note.keys)
        now = utc_now()
        if verdict.kind in ("unchanged", "duplicate"):
            assert verdict.record is not None
            notes.gather(article, pop=True)
            store.touch(verdict.record.rid, note.keys, now=now, listing_lastmod=note.lastmod)
            if verdict.kind == "unchanged":
                self.drop("unchanged", f"unchanged since version {verdict.record.version} "
                          f"(first seen {verdict.record.first_seen}): {article.url}", log_level="DEBUG")
            self.drop("duplicate_content", f"same title and body as {verdict.record.url} (stored): {article.url}",
                      log_level="INFO")
        if verdict.kind == "revised":
            assert verdict.record is not None
            self.inc("export/revised")
            return replace(article, version=verdict.record.version + 1, first_seen=verdict.record.first_seen,
                           revised_at=now)
        self.inc("export/new")
        return replace(article, version=1, first_seen=now, revised_at=None)
