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
from scrapy import signals
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from tempo_crawler import hosts, quarantine, sources
from tempo_crawler.archive import FETCHED_AT
from tempo_crawler.archive import META as ARCHIVED
from tempo_crawler.blocking import ChallengeBlocked
from tempo_crawler.context import RunContext
from tempo_crawler.failures import Cause, cause, exception_cause, failure_line
from tempo_crawler.identity import request_key
from tempo_crawler.layouts import enabled as enabled_layouts
from tempo_crawler.layouts import parse
from tempo_crawler.layouts.base import Page, merge_pages
from tempo_crawler.limits import MAX_PAGE_BYTES
from tempo_crawler.monitors.ledger import RunLedger
from tempo_crawler.render.browser import configure as configure_rendering
from tempo_crawler.render.fallback import KIND, Rendering, forwarded_meta, was_rendered
from tempo_crawler.responses import cut_short, page_text
from tempo_crawler.sources import ArticleRef, Listing
from tempo_crawler.sources.sitemap import rubric_of
from tempo_crawler.spiders.checks import ContractChecks
from tempo_crawler.state import incremental
from tempo_crawler.state.pending import PendingArticles, article_meta
from tempo_crawler.state.store import Pending
from tempo_crawler.text.dates import parse_date
from tempo_crawler.urls import NEW_SITE_HOSTS, is_amp_url, page_host, url_era

EXPLICIT = "explicit"   # the source name of URLs given with -a start_urls / urls_file
FALLBACK_LAYOUT = "JSONLD"   # pages of no known layout read from their JSON-LD (layouts/jsonld_only.py)


def fetched_urls(response: Response) -> list[str]:
    """Every URL a response was fetched under: the request's, the redirect hops', the final one."""
    return [*response.meta.get("redirect_urls", []), response.url]


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
            for url in source.first_urls(self.settings):
                self.listings.add(url)
                yield self.listing_request(source.name, url)
        for pending in self.pending.to_retry():
            request = self.pending_request(pending)
            if request is not None:
                yield request

    def listing_request(self, source: str, url: str, page: int = 1) -> scrapy.Request:
        meta: dict[str, Any] = {"tempo_source": source}
        if source == EXPLICIT:   # the next page of an explicit listing URL: of the same unknown kind
            meta[KIND] = "page"
            return scrapy.Request(url, callback=self.parse_sniffed, errback=self.listing_failed,
                                  cb_kwargs={"page": page}, meta=meta, dont_filter=page == 1)
        if source in sources.REGISTRY and sources.REGISTRY[source].html:
            meta[KIND] = "listing"
        return scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed,
                              cb_kwargs={"source": source, "page": page}, meta=meta, dont_filter=page == 1)

    def explicit_request(self, url: str) -> scrapy.Request:
        self._inc("articles/requested")
        if url_era(url):
            return self._requested(scrapy.Request(url, callback=self.parse_article, errback=self.article_failed,
                                                  meta={**article_meta(url, EXPLICIT), KIND: "article"},
                                                  dont_filter=True))
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
        self._inc(f"source/{source}/pages")
        for child in listing.sitemaps:
            rubric = rubric_of(child)
            if rubric and source != EXPLICIT and rubric not in sources.sections(self.settings):
                self._inc("skipped/other_section_sitemap")   # /<rubric>-sitemap.xml of another rubric
            elif child not in self.listings:
                self.listings.add(child)
                yield self.listing_request(source, child, page).replace(dont_filter=False)
        listed = self.listed.setdefault(source, set())
        fresh = {request_key(r.url) for r in listing.refs} - listed
        listed |= fresh
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
        elif listing.next_url and page > 1 and not fresh:
            # a page listing only what earlier pages did: the site ignores the page number (paging by query)
            self._inc(f"source/{source}/repeated_page")
            self.logger.debug("source %s: page %d repeats earlier pages, paging stops", source, page)
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

    def count_failure(self, failure: Failure) -> None:
        """Count a request that failed for good by coarse cause and HTTP status (the monitors' figures;
        :mod:`tempo_crawler.failures`)."""
        found = cause(failure)
        self._inc(f"failed/cause/{found.kind}")
        if found.status is not None:
            self._inc(f"failed/status/{found.status}")

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
        host = page_host(url)   # AMP-cache copies are their page's host
        if host in NEW_SITE_HOSTS:
            return True   # old-scheme and partner pages on www.tempo.co (``/read/news/…``, ``/abc/…``)
        return not host.endswith("tempo.co") or host.split(".")[0] in ("dunia", "m")

    def should_fetch(self, key: str, ref: ArticleRef) -> bool:
        """False when the store holds the article and knows it unchanged, or gave up on it (incremental runs)."""
        if not self.context.active:
            return True
        fetch, reason = incremental.ref_decision(self.context, key, ref)
        if fetch:
            self._inc(f"incremental/fetch/{reason}")
        elif key not in self.unchanged:
            self.unchanged.add(key)
            self._inc(f"skipped/{reason}")   # unchanged, or given_up (failed TEMPO_PENDING_MAX_ATTEMPTS times)
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
        return self._article(ref)

    def pending_request(self, pending: Pending) -> scrapy.Request | None:
        """An article an earlier run could not export: requested again, whatever the listings say."""
        if pending.key in self.scheduled or self.max_items_reached():
            return None
        self.scheduled.add(pending.key)
        self._inc("pending/retried")
        self._inc("articles/scheduled")
        self.logger.info("retrying pending article %s (%d failed attempt(s), last: %s)", pending.url,
                         pending.attempts, pending.cause)
        return self._article(ArticleRef(url=pending.url, source=pending.source or "pending"))

    def _article(self, ref: ArticleRef) -> scrapy.Request:
        self._inc("articles/requested")
        return self._requested(scrapy.Request(
            ref.url, callback=self.parse_article, errback=self.article_failed,
            meta={**article_meta(ref.url, ref.source), "tempo_ref": ref, KIND: "article"}, priority=10))

    def _requested(self, request: scrapy.Request) -> scrapy.Request:
        self.pending.requested(request)
        return request

    def parse_article(self, response: Response, partial: Any = None, pages: list[str] | None = None) -> Iterable[Any]:
        self._inc("responses_ok")
        try:
            yield from self.read_article(response, partial, pages)
        except Exception as exc:  # a parser bug must cost this article only, and be retried later
            self.logger.debug("parser error on %s", response.url, exc_info=True)
            self.mark_pending(response, exception_cause(exc, "parser"), what="article page unreadable")

    def read_article(self, response: Response, partial: Any, pages: list[str] | None) -> Iterable[Any]:
        if not isinstance(response, TextResponse):
            self.quarantine(response, "not a text page")
            return
        if len(response.body) > MAX_PAGE_BYTES:
            self._inc("limits/page_too_large")
            self.give_up(response, f"page too large to parse ({len(response.body)} bytes, limit {MAX_PAGE_BYTES})")
            return
        cut = None if was_rendered(response) else cut_short(response)
        if cut:
            self.mark_pending(response, Cause("truncated", cut), what="article page incomplete")
            return
        # The fetch time dates the related list and crawled_at: the one the archive recorded (crawl and reparse).
        fetched_at = response.meta.get(FETCHED_AT) or datetime.now(timezone.utc)
        page = Page(response.url, page_text(response), fetched_at)   # kept: the layout canary reads its JSON-LD
        try:
            if page.over_budget:
                self._inc("limits/page_too_large")
                self.give_up(response, f"page too large to parse ({page.over_budget})")
                return
            parsed = parse(page, self.layouts)
        except Exception as exc:  # noqa: BLE001 - a parser bug must cost one page, named and counted
            self._inc("parse_errors")
            self.logger.debug("parser error on %s", response.url, exc_info=True)
            found = exception_cause(exc, "parser")
            self.quarantine(response, found.text, cause=found)
            return
        if parsed is not None:
            problem = hosts.canonical_problem(hosts.policy(self.crawler), parsed.article.url, fetched_urls(response))
            if problem is not None:
                self._inc(f"dropped/{problem}")
                self.mark_pending(response, Cause(problem, f"{problem}: its canonical URL "
                                                  f"{str(parsed.article.url)[:300]} names another article or host"),
                                  what="dropped")
                return
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
        RunLedger.of(self.crawler).observe_page(parsed, page)   # the layout canary (tempo_crawler/monitors)
        if parsed.article.layout == FALLBACK_LAYOUT:
            self.fell_back(response)
        if partial is not None:
            article, remaining = merge_pages(partial, [parsed.article]), pages or []
        else:
            article, remaining = parsed.article, list(parsed.next_pages)
        if partial is None and not self.in_window(article.published_at, response):
            self._inc("skipped/out_of_window")
            self.pending.settle(response)
            return
        if remaining:
            self._inc("articles/multipage_parts")
            self._inc("articles/requested")
            yield scrapy.Request(remaining[0], callback=self.parse_article, errback=self.article_failed,
                                 cb_kwargs={"partial": article, "pages": remaining[1:]},
                                 meta=forwarded_meta(response.meta), priority=20, dont_filter=True)
            return
        yield article

    def give_up(self, response: Response, reason: str) -> None:
        """A page that cannot be read: quarantined with the reason (its article stays pending)."""
        self.quarantine(response, reason)

    def quarantine(self, response: Response, reason: str, cause: Cause | None = None) -> None:
        """Save a page that was not read for review; its article stays pending (with ``cause``, else
        "quarantined")."""
        if self.context.inspect:  # scrapy parse/shell/check write nothing
            self._inc("quarantined")
            self.logger.warning("not read (%s), would be quarantined by a crawl: %s", reason, response.url)
            self.mark_pending(response, cause or Cause("quarantined", f"quarantined: {reason}"), what=None)
            return
        directory = self.settings.get("TEMPO_QUARANTINE_DIR", "output/quarantine")
        path = quarantine.save(directory, response.url, response.body, reason, archived=response.meta.get(ARCHIVED))
        self.crawler.signals.send_catch_log(quarantine.page_quarantined, response=response, reason=reason)
        self._inc("quarantined")
        self.logger.warning("quarantined %s (%s): saved to %s", response.url, reason, path)
        self.mark_pending(response, cause or Cause("quarantined", f"quarantined: {reason}"), what=None)

    def fell_back(self, response: Response) -> None:
        """A page of no known layout read from its JSON-LD alone: counted and kept for review (not quarantined:
        it gave an item); one warning at close names how many (:meth:`report_fallbacks`)."""
        self.fallback_pages += 1
        self._inc("fallback/jsonld")
        directory = self.settings.get("TEMPO_QUARANTINE_DIR", "output/quarantine")
        path = quarantine.save(f"{directory}/jsonld", response.url, response.body,
                               "no known layout: read from its JSON-LD alone (layout JSONLD)",
                               archived=response.meta.get(ARCHIVED))
        self.logger.info("no known layout, read from JSON-LD alone: %s (saved to %s)", response.url, path)

    def report_fallbacks(self, spider: scrapy.Spider) -> None:
        if self.fallback_pages:
            directory = self.settings.get("TEMPO_QUARANTINE_DIR", "output/quarantine")
            self.logger.warning("%d page(s) matched no known layout and were read from their JSON-LD alone (layout "
                                "JSONLD, stats tempo/fallback/jsonld); copies for review in %s/jsonld/. A new page "
                                "layout may need a parser (docs/contributing.md).", self.fallback_pages, directory)

    def article_failed(self, failure: Failure) -> None:
        self.count_failure(failure)
        if failure.check(ChallengeBlocked):   # counted per host by the middleware, warned once per host
            self.mark_pending(failure, cause(failure), what=None)
            return
        request = failure.request
        self.mark_pending(failure, cause(failure), what="article not fetched, not exported this run",
                          line=failure_line(request.url, failure, request.meta.get("retry_times")))

    def mark_pending(self, target: Any, cause: Cause | str, *, what: str | None = "article not exported",
                     line: str | None = None) -> None:
        """The article behind ``target`` (its request, response or failure) was not exported this run: log one
        line with its URL and cause (unless ``what`` is None: logged already), count ``tempo/failed/<cause>``,
        and keep it pending in the store for the next runs (:mod:`tempo_crawler.state.pending`). ``cause``: a
        :class:`Cause` or a short text (its first word is the stats key)."""
        if isinstance(cause, str):
            cause = Cause(cause.split()[0].lower() if cause.split() else "failed", cause)
        self.pending.fail(target, cause, what=what, line=line)

