"""``scrapy crawl world``: Tempo world news ("internasional" on the new site, "dunia" on the old one).

Scheduling only: listing pages are read in :mod:`.listings`, article pages in :mod:`.articles`. Discovery
runs every enabled source of the registry (:mod:`tempo_crawler.sources`); each may fail without stopping the
others. Their references are merged by article key (:mod:`tempo_crawler.identity`), so every article is
requested once, and per-source counts land in the stats (``tempo/source/<name>/…``). Articles an earlier
run could not read are requested again (:mod:`tempo_crawler.state.pending`). The spider arguments are
declared in :mod:`tempo_crawler.arguments` and live in the run context.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response

from tempo_crawler import hosts, sources
from tempo_crawler.context import RunContext
from tempo_crawler.distributed.config import SHARED
from tempo_crawler.identity import request_key
from tempo_crawler.layouts import enabled as enabled_layouts
from tempo_crawler.render.browser import configure as configure_rendering
from tempo_crawler.render.fallback import KIND, Rendering
from tempo_crawler.sources import ArticleRef
from tempo_crawler.spiders.articles import ArticlePages
from tempo_crawler.spiders.checks import ContractChecks
from tempo_crawler.spiders.listings import EXPLICIT, ListingPages, when_listed
from tempo_crawler.state import incremental
from tempo_crawler.state.pending import PendingArticles, article_meta
from tempo_crawler.state.store import Pending
from tempo_crawler.urls import NEW_SITE_HOSTS, page_host, url_era


class WorldSpider(ListingPages, ArticlePages, ContractChecks, scrapy.Spider):
    name = "world"
    context: RunContext
    rendering: Rendering
    scheduled: set[str]
    unchanged: set[str]
    layouts: frozenset[str] | None
    pending: PendingArticles

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WorldSpider:
        context = RunContext.create(crawler, cls.name, kwargs)
        spider = super().from_crawler(crawler, *args)
        spider.context = context
        spider.layouts = enabled_layouts(crawler.settings.getlist("TEMPO_LAYOUTS"))   # None: every layout
        problem = configure_rendering(crawler, context.render)  # handler, chromium path (docs/rendering.md)
        spider.rendering = Rendering(crawler, context.render, problem)
        spider.scheduled = set()   # request keys of articles requested in this run
        spider.unchanged = set()   # request keys skipped as stored and unchanged
        spider.listings = set()    # listing URLs requested (a sitemap index may name a first URL again)
        spider.listed = {}         # per source: request keys its pages listed (a repeated page stops paging)
        spider.fallback_pages = 0  # pages read by the JSON-LD fallback (one warning at close)
        spider.rendered_sources = set()   # listing sources whose pages had to be rendered
        crawler.signals.connect(spider.report_fallbacks, signal=signals.spider_closed)
        spider.pending = context.pending = PendingArticles(crawler, context)   # what became of each article
        return spider

    @cached_property
    def article_callbacks(self) -> tuple[Any, Any]:
        """One bound method each, shared by every article request: not two new objects per queued request, and
        Scrapy's check of each callback (``WARN_ON_GENERATOR_RETURN_VALUE``: it reads the callback's source)
        finds it in its cache, which holds callables weakly."""
        return self.parse_article, self.article_failed

    @cached_property
    def listing_callbacks(self) -> tuple[Any, Any]:
        """The same for listing requests."""
        return self.parse_listing, self.listing_failed

    @classmethod
    def handles_request(cls, request: scrapy.Request) -> bool:
        """``scrapy parse``/``shell`` pick this spider for any tempo.co URL and any Tempo article path
        (a mirror's or the replica's)."""
        host = (urlsplit(request.url).hostname or "").lower()
        return host == "tempo.co" or host.endswith(".tempo.co") or url_era(request.url) is not None

    @property
    def base(self) -> str:
        return sources.base_url(self.settings)

    def _inc(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"tempo/{key}", n)

    # -- start ---------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        context = self.context
        if not context.seeding:   # a distributed worker that does not discover: it fetches the shared queue
            return
        if context.explicit_urls:
            self.logger.info("crawling %d explicit URL(s)", len(context.explicit_urls))
            for url in context.explicit_urls:
                yield self.explicit_request(url)
            return
        enabled = [sources.get(name) for name in self.settings.getlist("TEMPO_SOURCES", list(sources.NAMES))]
        self.logger.info("discovering from %s at %s (window %s .. %s, max_items=%s)",
                         ", ".join(s.name for s in enabled), self.base, context.since, context.until,
                         context.max_items)
        for source in enabled:
            for url in source.first_urls(self.settings):
                self.listings.add(url)
                yield self.listing_request(source.name, url)
        for pending in self.pending.to_retry():
            request = self.pending_request(pending)
            if request is not None:
                yield request

    def explicit_request(self, url: str) -> scrapy.Request:
        self._inc("articles/requested")
        if url_era(url):
            return self._requested(scrapy.Request(url, callback=self.parse_article, errback=self.article_failed,
                                                  meta={**article_meta(url, EXPLICIT), KIND: "article"},
                                                  dont_filter=True))
        return scrapy.Request(url, callback=self.parse_sniffed, errback=self.listing_failed,
                              meta={"tempo_source": EXPLICIT, KIND: "page"}, dont_filter=True)


    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        """Any page, by the kind of its URL: an article URL is read as an article, anything else is sniffed
        (feed, sitemap, API JSON, payload, listing or article page). What ``scrapy parse <url>`` calls."""
        if url_era(response.url):
            return self.parse_article(response)
        return self.parse_sniffed(response)

    # -- articles ------------------------------------------------------------------------------
    def wanted(self, ref: ArticleRef, count: bool = False, window: bool = True) -> bool:
        """An article URL on an allowed host, in the world-news section (explicit URLs: any) and in the time
        window."""
        if url_era(ref.url) is None:
            return False
        if not hosts.policy(self.crawler).allows(ref.url):
            if count:
                hosts.refuse(self.crawler, ref.url, f"{ref.source} link to")
            return False
        if ref.source != EXPLICIT and not self.in_section(ref.url):
            if count:
                self._inc("skipped/other_section")
            return False
        when = when_listed(ref) if window else None
        if when is not None and self.context.outside_window(when):
            if count:
                self._inc("skipped/out_of_window")
            return False
        return True

    def in_section(self, url: str) -> bool:
        parts = urlsplit(url)
        if url_era(url) == "b":
            first = parts.path.strip("/").split("/")[0]
            return first in self.settings.getlist("TEMPO_SECTIONS", ["internasional"])
        host = page_host(url)   # AMP-cache copies are their page's host
        if host in NEW_SITE_HOSTS:
            return True   # old-scheme and partner pages on www.tempo.co (``/read/news/…``, ``/abc/…``)
        return not host.endswith("tempo.co") or host.split(".")[0] in ("dunia", "m")

    def should_fetch(self, key: str, ref: ArticleRef) -> bool:
        """False when the store holds the article and knows it unchanged, or gave up on it (incremental runs)."""
        if not self.context.active:
            return True
        fetch, reason = incremental.ref_decision(self.context, key, ref)
        if fetch and incremental.claimed_elsewhere(self.context, key):
            self._inc("skipped/claimed")
            return False
        if fetch:
            self._inc(f"incremental/fetch/{reason}")
        elif key not in self.unchanged:
            self.unchanged.add(key)
            self._inc(f"skipped/{reason}")   # unchanged, or given_up (failed TEMPO_PENDING_MAX_ATTEMPTS times)
        return fetch

    def max_items_reached(self) -> bool:
        limit = self.context.max_items
        return limit is not None and len(self.scheduled) >= limit

    def article_request(self, ref: ArticleRef, key: str | None = None) -> scrapy.Request | None:
        """The request for a listed article (``key``: its request key, when the caller has it already), or None
        when it is scheduled already, over ``max_items`` or not to be fetched again."""
        key = key or request_key(ref.url)
        if key in self.scheduled:
            self._inc(f"source/{ref.source}/already_scheduled")
            return None
        if self.max_items_reached():
            self._inc("skipped/max_items")
            return None
        if not self.should_fetch(key, ref):  # not marked scheduled: another source's newer lastmod may still fetch it
            return None
        self.scheduled.add(key)
        self._inc(f"source/{ref.source}/new")
        self._inc("articles/scheduled")
        return self._article(ref.url, ref.source, key)

    def pending_request(self, pending: Pending) -> scrapy.Request | None:
        """An article an earlier run could not export: requested again, whatever the listings say."""
        if pending.key in self.scheduled or self.max_items_reached():
            return None
        self.scheduled.add(pending.key)
        self._inc("pending/retried")
        self._inc("articles/scheduled")
        self.logger.info("retrying pending article %s (%d failed attempt(s), last: %s)", pending.url,
                         pending.attempts, pending.cause)
        return self._article(pending.url, pending.source or "pending", pending.key)

    def _article(self, url: str, source: str, key: str) -> scrapy.Request:
        """An article request. The scheduler may hold every article of a sitemap at once, so it carries only
        what its callback cannot recompute: the key (the same string the run's sets hold), the source, the
        kind; the listing's lastmod stays in the fetch notes (:mod:`tempo_crawler.state.notes`)."""
        self._inc("articles/requested")
        read, failed = self.article_callbacks
        return self._requested(scrapy.Request(url, callback=read, errback=failed,
                                              meta={**article_meta(url, source, key), KIND: "article"},
                                              priority=10))

    def _requested(self, request: scrapy.Request) -> scrapy.Request:
        if self.context.distributed:   # to the shared queue: the worker that pops it accounts for it
            request.meta[SHARED] = True
        else:
            self.pending.requested(request)
        return request
