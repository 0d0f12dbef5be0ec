"""``scrapy crawl world``: Tempo world news ("internasional" on the new site, "dunia" on the old one).

Discovery runs several independent sources (API gateway, rubric ``_payload.json``, RSS, sitemap,
``/indeks``); each may fail without stopping the others. Their references are merged by article key,
so every article is requested once, and per-source counts land in the stats
(``tempo/source/<name>/…``) so an operator sees when a source dies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from tempo_crawler import quarantine
from tempo_crawler.layouts import parse_page
from tempo_crawler.layouts.base import merge_pages
from tempo_crawler.sources import ArticleRef, Listing, api, indeks, payload, rss, sitemap
from tempo_crawler.state import incremental
from tempo_crawler.text.dates import WIB, parse_date
from tempo_crawler.urls import article_key, is_amp_url, url_era

SOURCES = ("api", "payload", "rss", "rss_legacy", "sitemap", "indeks")
LISTING_PARSERS = {"api": api.parse, "payload": payload.parse, "sitemap": sitemap.parse, "indeks": indeks.parse}


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"-a {name}={value!r}: expected YYYY-MM-DD") from None


class WorldSpider(scrapy.Spider):
    name = "world"

    def __init__(self, since: str | None = None, until: str | None = None, max_items: str | int | None = None,
                 start_urls: str | None = None, urls_file: str | None = None, render: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        from tempo_crawler import render as rendering

        self.render_mode = rendering.parse_mode(render)  # None: the TEMPO_RENDER setting (from_crawler)
        self.render_problem = ""
        since_day, until_day = _day(since, "since"), _day(until, "until")
        self.since = datetime.combine(since_day, time.min, WIB) if since_day else None
        self.until = datetime.combine(until_day + timedelta(days=1), time.min, WIB) if until_day else None
        if self.since and self.until and self.since >= self.until:
            raise ValueError("-a since must not be after -a until")
        try:
            self.max_items = int(max_items) if max_items not in (None, "") else None
        except ValueError:
            raise ValueError(f"-a max_items={max_items!r}: expected a whole number") from None
        self.explicit_urls = [u.strip() for u in (start_urls or "").split(",") if u.strip()]
        if urls_file:
            path = Path(urls_file)
            if not path.is_file():
                raise ValueError(f"-a urls_file={urls_file!r}: no such file")
            lines = path.read_text("utf-8").splitlines()
            self.explicit_urls += [u.strip() for u in lines if u.strip() and not u.lstrip().startswith("#")]
        self.run_stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        self.scheduled: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WorldSpider:
        from tempo_crawler import render as rendering

        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.render_mode is None:
            spider.render_mode = rendering.parse_mode(crawler.settings.get("TEMPO_RENDER") or "auto")
        rendering.configure(crawler, spider)  # handler, chromium path (docs/rendering.md)
        return spider

    # -- settings ------------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return self.settings.get("TEMPO_BASE_URL", "https://www.tempo.co").rstrip("/")

    def endpoint(self, source: str, page: int = 1) -> str:
        s, base = self.settings, self.base
        rubric = s.get("TEMPO_RUBRIC", "internasional")
        if source == "api":
            return api.api_url(base, rubric, page, s.getint("TEMPO_API_PAGE_SIZE", 20))
        if source == "payload":
            return f"{base}/{rubric}/_payload.json"
        if source == "rss":
            return f"{base}/api/gateway/rss/free/{rubric}"
        if source == "rss_legacy":
            legacy = s.get("TEMPO_LEGACY_RSS_URL")
            if legacy:
                return legacy
            return f"{base}/rss/dunia" if s.get("TEMPO_BASE_URL") != "https://www.tempo.co" else \
                "https://rss.tempo.co/dunia"
        if source == "sitemap":
            return f"{base}/sitemap.xml"
        if source == "indeks":
            return f"{base}/indeks?page={page}&category=rubrik&rubric_slug={rubric}"
        raise ValueError(f"unknown source {source!r}")

    def _inc(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(f"tempo/{key}", n)

    # -- start ---------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        if self.explicit_urls:
            self.logger.info("crawling %d explicit URL(s)", len(self.explicit_urls))
            for url in self.explicit_urls:
                yield self.sniff_request(url)
            return
        enabled = self.settings.getlist("TEMPO_SOURCES", list(SOURCES))
        unknown = sorted(set(enabled) - set(SOURCES))
        if unknown:
            raise ValueError(f"TEMPO_SOURCES: unknown source(s) {unknown}; known: {list(SOURCES)}")
        self.logger.info("discovering from %s at %s (window %s .. %s, max_items=%s)", ", ".join(enabled),
                         self.base, self.since, self.until, self.max_items)
        for source in enabled:
            yield self.listing_request(source, self.endpoint(source))

    def listing_request(self, source: str, url: str, page: int = 1) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_listing, errback=self.listing_failed,
                              cb_kwargs={"source": source, "page": page}, meta={"tempo_source": source},
                              dont_filter=page == 1)

    def sniff_request(self, url: str) -> scrapy.Request:
        if url_era(url):
            return scrapy.Request(url, callback=self.parse_article, errback=self.article_failed,
                                  meta={"tempo_source": "explicit"}, dont_filter=True)
        return scrapy.Request(url, callback=self.parse_sniffed, errback=self.listing_failed,
                              cb_kwargs={"source": "explicit"}, meta={"tempo_source": "explicit"}, dont_filter=True)

    # -- listings ------------------------------------------------------------------------------
    def parse_listing(self, response: Response, source: str, page: int = 1) -> Iterable[Any]:
        self._inc("responses_ok")
        kind = "rss" if source in ("rss", "rss_legacy") else source
        try:
            if kind == "rss":
                listing = rss.parse(response.body, response.url, self.base, source=source)
            else:
                listing = LISTING_PARSERS[kind](response.body, response.url, self.base)
        except Exception as exc:  # a broken listing must not stop the crawl
            self._inc(f"source/{source}/errors")
            self.logger.warning("source %s: cannot read %s (%s: %s)", source, response.url,
                                type(exc).__name__, exc)
            return
        if not listing.refs and not listing.sitemaps:
            retry = self.render_retry(response)
            if retry is not None:
                yield retry
                return
            self.logger.warning("source %s: %s lists no articles", source, response.url)
        yield from self.follow_listing(listing, source, page, response.url)

    def follow_listing(self, listing: Listing, source: str, page: int, url: str) -> Iterable[Any]:
        self._inc(f"source/{source}/pages")
        for child in listing.sitemaps:
            yield scrapy.Request(child, callback=self.parse_listing, errback=self.listing_failed,
                                 cb_kwargs={"source": source, "page": page}, meta={"tempo_source": source})
        # An article listed as both desktop and AMP page is fetched once: prefer the desktop page (richer).
        for ref in sorted(listing.refs, key=lambda r: is_amp_url(r.url)):
            self._inc(f"source/{source}/articles")
            if not self.wanted(ref):
                continue
            request = self.article_request(ref)
            if request is not None:
                yield request
        older = [r for r in listing.refs if self._when(r) and self._when(r) < self.since] if self.since else []
        whole_page_older = bool(listing.refs) and len(older) == len(listing.refs)
        max_pages = self.settings.getint("TEMPO_MAX_LISTING_PAGES", 50)
        if (listing.next_url and not whole_page_older and page < max_pages and not self.max_items_reached()
                and not self.listing_exhausted(listing)):
            yield self.listing_request(source, listing.next_url, page + 1)
        elif whole_page_older:
            self.logger.debug("source %s: page %d is older than since=%s, paging stops", source, page, self.since)

    def parse_sniffed(self, response: Response, source: str) -> Iterable[Any]:
        """An explicit URL of unknown kind: feed, sitemap, API JSON, payload, listing or article page."""
        self._inc("responses_ok")
        head = response.body[:512].lstrip()
        kind = None
        if head.startswith(b"[") and b"data" in response.body[:2048]:
            kind = "payload"
        elif head.startswith(b"{"):
            kind = "api"
        elif b"<rss" in head or b"<feed" in head or b"<rdf:RDF" in head:
            kind = "rss"
        elif b"<urlset" in head or b"<sitemapindex" in head:
            kind = "sitemap"
        if kind is None:
            # Not an article URL: a listing page when it links articles (Nuxt listings carry the same
            # shell markers as article pages, so the links decide), else a page to parse or quarantine.
            if isinstance(response, TextResponse):
                listing = indeks.parse(response.body, response.url, self.base)
                if listing.refs:
                    yield from self.follow_listing(listing, "explicit", 1, response.url)
                    return
            yield from self.parse_article(response)
            return
        parser = rss.parse if kind == "rss" else LISTING_PARSERS[kind]
        try:
            listing = parser(response.body, response.url, self.base)
        except Exception as exc:
            self._inc("source/explicit/errors")
            self.logger.warning("cannot read %s as %s (%s)", response.url, kind, exc)
            return
        yield from self.follow_listing(listing, "explicit", 1, response.url)

    def listing_failed(self, failure: Failure) -> None:
        request = failure.request
        source = request.meta.get("tempo_source", "?")
        self._inc(f"source/{source}/errors")
        self.logger.warning("source %s failed: %s (%s)", source, request.url, failure.getErrorMessage())

    # -- articles ------------------------------------------------------------------------------
    def _when(self, ref: ArticleRef) -> datetime | None:
        value = ref.published_at or ref.lastmod
        if not value:
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None

    def wanted(self, ref: ArticleRef) -> bool:
        """In the time window and in the world-news section (explicit URLs are always wanted)."""
        if url_era(ref.url) is None:
            return False
        if ref.source != "explicit" and not self.in_section(ref.url):
            self._inc("skipped/other_section")
            return False
        when = self._when(ref)
        if when is not None and self.outside_window(when):
            self._inc("skipped/out_of_window")
            return False
        return True

    def outside_window(self, when: datetime) -> bool:
        return bool((self.since and when < self.since) or (self.until and when >= self.until))

    def in_window(self, published: str | None, response: Response) -> bool:
        """The page's own date against since/until (listings may not have said): explicit URLs always pass."""
        if response.meta.get("tempo_source") == "explicit" or not (self.since or self.until):
            return True
        iso = parse_date(published)
        if not iso:
            return True
        when = datetime.fromisoformat(iso)
        return not self.outside_window(when)

    def in_section(self, url: str) -> bool:
        parts = urlsplit(url)
        if url_era(url) == "b":
            first = parts.path.strip("/").split("/")[0]
            return first in self.settings.getlist("TEMPO_SECTIONS", ["internasional"])
        host = parts.netloc.lower()
        return not host.endswith("tempo.co") or host.split(".")[0] in ("dunia", "www", "m")

    def should_fetch(self, key: str, ref: ArticleRef) -> bool:
        """Hook for incremental runs: False when the article is stored and known unchanged."""
        return incremental.should_fetch(self, key, ref)

    def listing_exhausted(self, listing: Listing) -> bool:
        """Hook for incremental runs: True when paging further can only reach already-seen, older articles."""
        return incremental.listing_exhausted(self, listing)

    def render_retry(self, response: Response) -> scrapy.Request | None:
        """Hook for JavaScript rendering: a rendered re-request of a page whose static HTML was empty."""
        from tempo_crawler import render as rendering

        return rendering.retry(self, response)

    def max_items_reached(self) -> bool:  # not `full`: `-a full=1` sets an attribute of that name
        return self.max_items is not None and len(self.scheduled) >= self.max_items

    def article_request(self, ref: ArticleRef) -> scrapy.Request | None:
        key = article_key(ref.url) or ref.url
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
                              meta={"tempo_source": ref.source, "tempo_ref": ref}, priority=10)

    def parse_article(self, response: Response, partial: Any = None, pages: list[str] | None = None) -> Iterable[Any]:
        self._inc("responses_ok")
        if not isinstance(response, TextResponse):
            yield from self.quarantine(response, "not a text page")
            return
        fetched_at = datetime.now(timezone.utc)
        parsed = parse_page(response.url, response.text, fetched_at)
        if parsed is None or not parsed.article.body:
            retry = self.render_retry(response)
            if retry is not None:
                yield retry
                return
        if parsed is None:
            yield from self.quarantine(response, "no known layout")
            return
        self._inc(f"layout/{parsed.article.layout}")
        if partial is not None:
            article = merge_pages(partial, [parsed.article])
            remaining = pages or []
        else:
            article, remaining = parsed.article, list(parsed.next_pages)
        if partial is None and not self.in_window(article.published_at, response):
            self._inc("skipped/out_of_window")
            return
        if remaining:
            self._inc("articles/multipage_parts")
            yield scrapy.Request(remaining[0], callback=self.parse_article, errback=self.article_failed,
                                 cb_kwargs={"partial": article, "pages": remaining[1:]},
                                 meta=dict(response.meta), priority=20, dont_filter=True)
            return
        yield article

    def quarantine(self, response: Response, reason: str) -> Iterable[Any]:
        directory = self.settings.get("TEMPO_QUARANTINE_DIR", "output/quarantine")
        path = quarantine.save(directory, response.url, response.body, reason)
        self._inc("quarantined")
        self.logger.warning("quarantined %s (%s): saved to %s", response.url, reason, path)
        return iter(())

    def article_failed(self, failure: Failure) -> None:
        request = failure.request
        self._inc("articles/failed")
        self.logger.error("article fetch failed, not exported this run: %s (%s)", request.url,
                          failure.getErrorMessage())

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        tempo = {k[len("tempo/"):]: v for k, v in sorted(stats.items()) if k.startswith("tempo/")}
        self.logger.info("finished (%s): %d scraped, %d dropped; %s", reason, stats.get("item_scraped_count", 0),
                         stats.get("item_dropped_count", 0), ", ".join(f"{k}={v}" for k, v in tempo.items()))
