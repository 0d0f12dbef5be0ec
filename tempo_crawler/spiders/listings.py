"""The world spider's listing pages: requesting them, reading them through their source, paging, and the
explicit URLs of unknown kind (a feed, a sitemap, API JSON, a listing or an article page)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from tempo_crawler import sources
from tempo_crawler.blocking import ChallengeBlocked
from tempo_crawler.failures import cause, failure_line
from tempo_crawler.identity import request_key
from tempo_crawler.render.fallback import KIND, was_rendered
from tempo_crawler.sources import ArticleRef, Listing
from tempo_crawler.sources.sitemap import rubric_of
from tempo_crawler.state import incremental
from tempo_crawler.urls import is_amp_url

EXPLICIT = "explicit"   # the source name of URLs given with -a start_urls / urls_file


def when_listed(ref: ArticleRef) -> datetime | None:
    """The time a listing gives an article (published, else lastmod)."""
    value = ref.published_at or ref.lastmod
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


class ListingPages:
    """Mixin of :class:`tempo_crawler.spiders.world.WorldSpider`: listings and explicit URLs of unknown kind."""

    listings: set[str]
    listed: dict[str, set[str]]
    listing_callbacks: tuple[Any, Any]
    rendered_sources: set[str]

    def listing_request(self, source: str, url: str, page: int = 1) -> scrapy.Request:
        meta: dict[str, Any] = {"tempo_source": source}
        if source == EXPLICIT:   # the next page of an explicit listing URL: of the same unknown kind
            meta[KIND] = "page"
            return scrapy.Request(url, callback=self.parse_sniffed, errback=self.listing_failed,
                                  cb_kwargs={"page": page}, meta=meta, dont_filter=page == 1)
        if source in sources.REGISTRY and sources.REGISTRY[source].html:
            meta[KIND] = "listing"
        read, failed = self.listing_callbacks
        return scrapy.Request(url, callback=read, errback=failed,
                              cb_kwargs={"source": source, "page": page}, meta=meta, dont_filter=page == 1)

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
        if listing.refs and was_rendered(response):
            self.rendered_sources.add(source)
        if not listing.refs and not listing.sitemaps and page > 1 and source not in self.rendered_sources:
            # the normal end of paging (the new site's /indeks pages by query until a page lists nothing); a
            # source whose pages had to be rendered may still get a client-rendered shell here: render it
            self.logger.debug("source %s: %s lists no articles, paging ends", source, response.url)
        elif not listing.refs and not listing.sitemaps:
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
        """Child sitemaps, article requests and the next page of ``listing`` (whose refs it consumes)."""
        self._inc(f"source/{source}/pages")
        for child in listing.sitemaps:
            rubric = rubric_of(child)
            if rubric and source != EXPLICIT and rubric not in sources.sections(self.settings):
                self._inc("skipped/other_section_sitemap")   # /<rubric>-sitemap.xml of another rubric
            elif child not in self.listings:
                self.listings.add(child)
                yield self.listing_request(source, child, page).replace(dont_filter=False)
        # The refs are consumed here, each dropped once it is scheduled: a sitemap lists thousands, and the
        # scheduler holds all their requests at once (the run's peak of memory).
        refs, listing.refs = listing.refs, []
        listed = self.listed.setdefault(source, set())
        keyed = [(request_key(r.url), r) for r in refs]   # one key string per article, shared by the run's sets
        known = len(listed)
        listed.update(key for key, _ in keyed)
        fresh = len(listed) > known
        since = self.context.since
        whole_page_older = bool(refs) and bool(since) and all((w := when_listed(r)) and w < since for r in refs)
        paged = refs if listing.next_url else []   # read again below only when paging may go on
        del refs
        # An article listed as both desktop and AMP page is fetched once: prefer the desktop page (richer).
        keyed.sort(key=lambda pair: is_amp_url(pair[1].url))
        keyed.reverse()
        while keyed:
            key, ref = keyed.pop()
            self._inc(f"source/{source}/articles")
            if self.wanted(ref, count=True):
                request = self.article_request(ref, key)
                if request is not None:
                    yield request
        max_pages = self.settings.getint("TEMPO_MAX_LISTING_PAGES", 50)
        if whole_page_older:
            self.logger.debug("source %s: page %d is older than since=%s, paging stops", source, page, since)
        elif listing.next_url and page > 1 and not fresh:
            # a page listing only what earlier pages did: the site ignores the page number (paging by query)
            self._inc(f"source/{source}/repeated_page")
            self.logger.debug("source %s: page %d repeats earlier pages, paging stops", source, page)
        elif listing.next_url and page < max_pages and not self.max_items_reached():
            if incremental.listing_exhausted(self.context, paged, lambda r: self.wanted(r, window=False)):
                self._inc("incremental/paging_stopped")
            else:
                yield self.listing_request(source, listing.next_url, page + 1)

    def parse_sniffed(self, response: Response, page: int = 1) -> Iterable[Any]:
        """An explicit URL of unknown kind: feed, sitemap, API JSON, payload, listing or article page."""
        self._inc("responses_ok")
        source = sources.sniff(response.body[:512].lstrip(), response.body)
        if source is None:
            # Not a feed: a listing page when it links articles (Nuxt listings carry the same shell markers
            # as article pages, so the links decide), else a page to parse or quarantine.
            if isinstance(response, TextResponse):
                listing = self.read_listing(sources.html_listing(), response, EXPLICIT)
                if listing is not None and listing.refs:
                    yield from self.follow_listing(listing, EXPLICIT, page)
                    return
            yield from self.parse_article(response)
            return
        listing = self.read_listing(source, response, EXPLICIT)
        if listing is not None:
            yield from self.follow_listing(listing, EXPLICIT, page)

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request
        source = request.meta.get("tempo_source", "?")
        self._inc(f"source/{source}/errors")
        if failure.check(ChallengeBlocked):
            self._inc(f"source/{source}/blocked")
        self.count_failure(failure)
        self._inc(f"failed/{cause(failure).key}")
        self.logger.warning("source %s failed: %s", source,
                            failure_line(request.url, failure, request.meta.get("retry_times")))
