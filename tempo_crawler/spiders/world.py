"""``scrapy crawl world``: Tempo world news ("internasional" on the new site, "dunia" on the old one).

Scheduling only. Discovery runs every enabled source of the registry (:mod:`tempo_crawler.sources`);
each may fail without stopping the others. Their references are merged by article key
(:mod:`tempo_crawler.identity`), so every article is requested once, and per-source counts land in the
stats (``tempo/source/<name>/…``). Pages are read by the layout parsers (:mod:`tempo_crawler.layouts`).
The spider arguments are declared in :mod:`tempo_crawler.arguments` and live in the run context.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from tempo_crawler import quarantine, sources
from tempo_crawler.archive import FETCHED_AT
from tempo_crawler.archive import META as ARCHIVED
from tempo_crawler.context import RunContext
from tempo_crawler.failures import failure_line
from tempo_crawler.identity import request_key
from tempo_crawler.layouts import enabled as enabled_layouts
from tempo_crawler.layouts import parse_page
from tempo_crawler.layouts.base import merge_pages
from tempo_crawler.render.browser import configure as configure_rendering
from tempo_crawler.render.fallback import KIND, Rendering, forwarded_meta
from tempo_crawler.sources import ArticleRef, Listing
from tempo_crawler.spiders.checks import ContractChecks
from tempo_crawler.state import incremental
from tempo_crawler.text.dates import parse_date
from tempo_crawler.urls import is_amp_url, url_era

EXPLICIT = "explicit"   # the source name of URLs given with -a start_urls / urls_file


def _when(ref: ArticleRef) -> datetime | None:
    value = ref.published_at or ref.lastmod
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


class WorldSpider(ContractChecks, scrapy.Spider):
    name = "world"
    context: RunContext
    rendering: Rendering
    scheduled: set[str]
    unchanged: set[str]
    layouts: frozenset[str] | None

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
        return spider

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
            yield self.listing_request(source.name, source.first_url(self.settings))

    def listing_request(self, source: str, url: str, page: int = 1) -> scrapy.Request:
        meta: dict[str, Any] = {"tempo_source": source}
        if source in sources.REGISTRY and sources.REGISTRY[source].html:
            meta[KIND] = "listing"
        return scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed,
                              cb_kwargs={"source": source, "page": page}, meta=meta, dont_filter=page == 1)

    def explicit_request(self, url: str) -> scrapy.Request:
        if url_era(url):
            return scrapy.Request(url, callback=self.parse_article, errback=self.article_failed,
                                  meta={"tempo_source": EXPLICIT, KIND: "article"}, dont_filter=True)
        return scrapy.Request(url, callback=self.parse_sniffed, errback=self.listing_failed,
                              meta={"tempo_source": EXPLICIT, KIND: "page"}, dont_filter=True)

    # -- listings ------------------------------------------------------------------------------
    def read_listing(self, source: sources.Source, response: Response, name: str) -> Listing | None:
        try:
            return source.parse(response.body, response.url, self.base)
        except Exception as exc:  # a broken listing must not stop the crawl
            self._inc(f"source/{name}/errors")
            self.logger.warning("source %s: cannot read %s (%s: %s)", name, response.url, type(exc).__name__, exc)
            return None

    def parse_listing(self, response: Response, source: str | None = None, page: int = 1) -> Iterable[Any]:
        if source is None:   # `scrapy parse -c parse_listing <url>`: the source is not known, sniff it
            yield from self.parse_sniffed(response)
            return
        self._inc("responses_ok")
        listing = self.read_listing(sources.get(source), response, source)
        if listing is None:
            return
        if not listing.refs and not listing.sitemaps:
            retry = self.rendering.retry(response)
            if retry is not None:
                yield retry
                return
            why = self.rendering.still_empty(response)
            if why:
                self.quarantine(response, why)
            if page == 1:
                self.logger.warning("source %s: %s lists no articles", source, response.url)
            else:  # the page after the last one: how an API or a feed says it has no more
                self.logger.debug("source %s: page %d lists no articles, paging stops", source, page)
        yield from self.follow_listing(listing, source, page)

    def follow_listing(self, listing: Listing, source: str, page: int) -> Iterable[Any]:
        self._inc(f"source/{source}/pages")
        for child in listing.sitemaps:
            yield self.listing_request(source, child, page).replace(dont_filter=False)
        # An article listed as both desktop and AMP page is fetched once: prefer the desktop page (richer).
        for ref in sorted(listing.refs, key=lambda r: is_amp_url(r.url)):
            self._inc(f"source/{source}/articles")
            if self.wanted(ref, count=True):
                request = self.article_request(ref)
                if request is not None:
                    yield request
        since = self.context.since
        older = [r for r in listing.refs if since and (w := _when(r)) and w < since]
        whole_page_older = bool(listing.refs) and len(older) == len(listing.refs)
        max_pages = self.settings.getint("TEMPO_MAX_LISTING_PAGES", 50)
        if whole_page_older:
            self.logger.debug("source %s: page %d is older than since=%s, paging stops", source, page, since)
        elif listing.next_url and page < max_pages and not self.max_items_reached():
            if incremental.listing_exhausted(self.context, listing.refs, lambda r: self.wanted(r, window=False)):
                self._inc("incremental/paging_stopped")
            else:
                yield self.listing_request(source, listing.next_url, page + 1)

    def parse(self, response: Response, **kwargs: Any) -> Iterable[Any]:
        """Any page, by the kind of its URL: an article URL is read as an article, anything else is sniffed
        (feed, sitemap, API JSON, payload, listing or article page). What ``scrapy parse <url>`` calls."""
        if url_era(response.url):
            return self.parse_article(response)
        return self.parse_sniffed(response)

    def parse_sniffed(self, response: Response) -> Iterable[Any]:
        """An explicit URL of unknown kind: feed, sitemap, API JSON, payload, listing or article page."""
        self._inc("responses_ok")
        source = sources.sniff(response.body[:512].lstrip(), response.body)
        if source is None:
            # Not a feed: a listing page when it links articles (Nuxt listings carry the same shell markers
            # as article pages, so the links decide), else a page to parse or quarantine.
            if isinstance(response, TextResponse):
                listing = sources.html_listing().parse(response.body, response.url, self.base)
                if listing.refs:
                    yield from self.follow_listing(listing, EXPLICIT, 1)
                    return
            yield from self.parse_article(response)
            return
        listing = self.read_listing(source, response, EXPLICIT)
        if listing is not None:
            yield from self.follow_listing(listing, EXPLICIT, 1)

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request
        source = request.meta.get("tempo_source", "?")
        self._inc(f"source/{source}/errors")
        self.logger.warning("source %s failed: %s", source,
                            failure_line(request.url, failure, request.meta.get("retry_times")))

    # -- articles ------------------------------------------------------------------------------
    def wanted(self, ref: ArticleRef, count: bool = False, window: bool = True) -> bool:
        """An article URL in the world-news section (explicit URLs: any) and in the time window."""
        if url_era(ref.url) is None:
            return False
        if ref.source != EXPLICIT and not self.in_section(ref.url):
            if count:
                self._inc("skipped/other_section")
            return False
        when = _when(ref) if window else None
        if when is not None and self.context.outside_window(when):
            if count:
                self._inc("skipped/out_of_window")
            return False
        return True

    def in_window(self, published: str | None, response: Response) -> bool:
        """The page's own date against since/until (listings may not have said): explicit URLs always pass."""
        if response.meta.get("tempo_source") == EXPLICIT or not self.context.windowed:
            return True
        iso = parse_date(published)
        return not iso or not self.context.outside_window(datetime.fromisoformat(iso))

    def in_section(self, url: str) -> bool:
        parts = urlsplit(url)
        if url_era(url) == "b":
            first = parts.path.strip("/").split("/")[0]
            return first in self.settings.getlist("TEMPO_SECTIONS", ["internasional"])
        host = parts.netloc.lower()
        return not host.endswith("tempo.co") or host.split(".")[0] in ("dunia", "www", "m")

    def should_fetch(self, key: str, ref: ArticleRef) -> bool:
        """False when the store holds the article and knows it unchanged (incremental runs)."""
        if not self.context.active:
            return True
        fetch, reason = incremental.ref_decision(self.context, key, ref)
        if fetch:
            self._inc(f"incremental/fetch/{reason}")
        elif key not in self.unchanged:
            self.unchanged.add(key)
            self._inc("skipped/unchanged")
        return fetch

    def max_items_reached(self) -> bool:
        limit = self.context.max_items
        return limit is not None and len(self.scheduled) >= limit

    def article_request(self, ref: ArticleRef) -> scrapy.Request | None:
        key = request_key(ref.url)
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
        return scrapy.Request(ref.url, callback=self.parse_article, errback=self.article_failed,
                              meta={"tempo_source": ref.source, "tempo_ref": ref, KIND: "article"}, priority=10)

    def parse_article(self, response: Response, partial: Any = None, pages: list[str] | None = None) -> Iterable[Any]:
        self._inc("responses_ok")
        if not isinstance(response, TextResponse):
            self.quarantine(response, "not a text page")
            return
        # The fetch time dates the related list and crawled_at: the one the archive recorded (crawl and reparse).
        fetched_at = response.meta.get(FETCHED_AT) or datetime.now(timezone.utc)
        parsed = parse_page(response.url, response.text, fetched_at, self.layouts)
        if parsed is None or not parsed.article.body:
            retry = self.rendering.retry(response)
            if retry is not None:
                yield retry
                return
            why = self.rendering.still_empty(response)
            if why and parsed is not None:
                self.quarantine(response, why)
        if parsed is None:
            self.quarantine(response, "no known layout" + (f" among TEMPO_LAYOUTS={','.join(sorted(self.layouts))}"
                                                           if self.layouts else ""))
            return
        self._inc(f"layout/{parsed.article.layout}")
        if partial is not None:
            article, remaining = merge_pages(partial, [parsed.article]), pages or []
        else:
            article, remaining = parsed.article, list(parsed.next_pages)
        if partial is None and not self.in_window(article.published_at, response):
            self._inc("skipped/out_of_window")
            return
        if remaining:
            self._inc("articles/multipage_parts")
            yield scrapy.Request(remaining[0], callback=self.parse_article, errback=self.article_failed,
                                 cb_kwargs={"partial": article, "pages": remaining[1:]},
                                 meta=forwarded_meta(response.meta), priority=20, dont_filter=True)
            return
        yield article

    def quarantine(self, response: Response, reason: str) -> None:
        if self.context.inspect:  # scrapy parse/shell/check write nothing
            self._inc("quarantined")
            self.logger.warning("not read (%s), would be quarantined by a crawl: %s", reason, response.url)
            return
        directory = self.settings.get("TEMPO_QUARANTINE_DIR", "output/quarantine")
        path = quarantine.save(directory, response.url, response.body, reason, archived=response.meta.get(ARCHIVED))
        self.crawler.signals.send_catch_log(quarantine.page_quarantined, response=response, reason=reason)
        self._inc("quarantined")
        self.logger.warning("quarantined %s (%s): saved to %s", response.url, reason, path)

    def article_failed(self, failure: Failure) -> None:
        self._inc("articles/failed")
        request = failure.request
        self.logger.warning("article not fetched, not exported this run: %s",
                            failure_line(request.url, failure, request.meta.get("retry_times")))

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        tempo = {k[len("tempo/"):]: v for k, v in sorted(stats.items()) if k.startswith("tempo/")}
        self.logger.info("finished (%s): %d scraped, %d dropped; %s", reason, stats.get("item_scraped_count", 0),
                         stats.get("item_dropped_count", 0), ", ".join(f"{k}={v}" for k, v in tempo.items()))

