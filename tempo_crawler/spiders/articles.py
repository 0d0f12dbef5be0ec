"""The world spider's article pages: reading a page with the layout parsers (bounded, never raising),
multi-page articles, quarantine and the JSON-LD fallback, and what becomes of an article that was not read
(it stays pending: :mod:`tempo_crawler.state.pending`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from tempo_crawler import hosts, quarantine
from tempo_crawler.archive import FETCHED_AT
from tempo_crawler.archive import META as ARCHIVED
from tempo_crawler.blocking import ChallengeBlocked
from tempo_crawler.failures import Cause, cause, exception_cause, failure_line
from tempo_crawler.layouts import parse
from tempo_crawler.layouts.base import Page, merge_pages
from tempo_crawler.limits import MAX_PAGE_BYTES
from tempo_crawler.monitors.ledger import RunLedger
from tempo_crawler.render.fallback import forwarded_meta, was_rendered
from tempo_crawler.responses import cut_short, page_text
from tempo_crawler.spiders.listings import EXPLICIT
from tempo_crawler.text.dates import parse_date

FALLBACK_LAYOUT = "JSONLD"   # pages of no known layout read from their JSON-LD (layouts/jsonld_only.py)


def fetched_urls(response: Response) -> list[str]:
    """Every URL a response was fetched under: the request's, the redirect hops', the final one."""
    return [*response.meta.get("redirect_urls", []), response.url]


class ArticlePages:
    """Mixin of :class:`tempo_crawler.spiders.world.WorldSpider`: article pages and articles not read."""

    fallback_pages: int

    def parse_article(self, response: Response, partial: Any = None, pages: list[str] | None = None) -> Iterable[Any]:
        self._inc("responses_ok")
        try:
            yield from self.read_article(response, partial, pages)
        except Exception as exc:  # a parser bug must cost this article only, and be retried later
            self.logger.debug("parser error on %s", response.url, exc_info=True)
            self.mark_pending(response, exception_cause(exc, "parser"), what="article page unreadable")

    def read_article(self, response: Response, partial: Any, pages: list[str] | None) -> Iterable[Any]:
        page = self._readable_page(response)
        if page is None:
            return
        done, parsed = self._parse_checked(response, page)
        if done:
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
        yield from self._article_or_next_part(response, parsed, partial, pages)

    def _readable_page(self, response: Response) -> Page | None:
        """The page to parse, or None once a page that is not text, too large or cut short is dealt with."""
        if not isinstance(response, TextResponse):
            self.quarantine(response, "not a text page")
            return None
        if len(response.body) > MAX_PAGE_BYTES:
            self._inc("limits/page_too_large")
            self.give_up(response, f"page too large to parse ({len(response.body)} bytes, limit {MAX_PAGE_BYTES})")
            return None
        cut = None if was_rendered(response) else cut_short(response)
        if cut:
            self.mark_pending(response, Cause("truncated", cut), what="article page incomplete")
            return None
        # The fetch time dates the related list and crawled_at: the one the archive recorded (crawl and reparse).
        fetched_at = response.meta.get(FETCHED_AT) or datetime.now(timezone.utc)
        page = Page(response.url, page_text(response), fetched_at)   # kept: the layout canary reads its JSON-LD
        if page.over_budget:
            self._inc("limits/page_too_large")
            self.give_up(response, f"page too large to parse ({page.over_budget})")
            return None
        return page

    def _parse_checked(self, response: Response, page: Page) -> tuple[bool, Any]:
        """(done, parsed): done when a parser error or a canonical naming another article settled the page."""
        try:
            parsed = parse(page, self.layouts)
        except Exception as exc:  # noqa: BLE001 - a parser bug must cost one page, named and counted
            self._inc("parse_errors")
            self.logger.debug("parser error on %s", response.url, exc_info=True)
            found = exception_cause(exc, "parser")
            self.quarantine(response, found.text, cause=found)
            return True, None
        if parsed is not None:
            problem = hosts.canonical_problem(hosts.policy(self.crawler), parsed.article.url, fetched_urls(response))
            if problem is not None:
                self._inc(f"dropped/{problem}")
                self.mark_pending(response, Cause(problem, f"{problem}: its canonical URL "
                                                  f"{str(parsed.article.url)[:300]} names another article or host"),
                                  what="dropped")
                return True, None
        return False, parsed

    def _article_or_next_part(self, response: Response, parsed: Any, partial: Any,
                              pages: list[str] | None) -> Iterable[Any]:
        """The finished article, or the request for its next page (a multi-page article)."""
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

    def in_window(self, published: str | None, response: Response) -> bool:
        """The page's own date against since/until (listings may not have said): explicit URLs always pass."""
        if response.meta.get("tempo_source") == EXPLICIT or not self.context.windowed:
            return True
        iso = parse_date(published)
        return not iso or not self.context.outside_window(datetime.fromisoformat(iso))

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
        if self.context.inspect:  # scrapy parse/shell/check write nothing
            return
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

    def count_failure(self, failure: Failure) -> None:
        """Count a request that failed for good by coarse cause and HTTP status (the monitors' figures;
        :mod:`tempo_crawler.failures`)."""
        found = cause(failure)
        self._inc(f"failed/cause/{found.kind}")
        if found.status is not None:
            self._inc(f"failed/status/{found.status}")

    def mark_pending(self, target: Any, cause: Cause | str, *, what: str | None = "article not exported",
                     line: str | None = None) -> None:
        """The article behind ``target`` (its request, response or failure) was not exported this run: log one
        line with its URL and cause (unless ``what`` is None: logged already), count ``tempo/failed/<cause>``,
        and keep it pending in the store for the next runs (:mod:`tempo_crawler.state.pending`). ``cause``: a
        :class:`Cause` or a short text (its first word is the stats key)."""
        if isinstance(cause, str):
            cause = Cause(cause.split()[0].lower() if cause.split() else "failed", cause)
        self.pending.fail(target, cause, what=what, line=line)
