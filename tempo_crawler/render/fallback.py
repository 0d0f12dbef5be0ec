"""Which requests are rendered, and the rendered re-request of a page whose static HTML yielded nothing.

The spider marks every request with the kind of page it expects (``meta["tempo_kind"]``: ``article``,
``listing`` for HTML listings, ``page`` for an explicit URL of unknown kind, nothing for feeds and JSON);
what to wait for after load comes from the layout parsers and the HTML listing source themselves.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.http import Response, TextResponse

from tempo_crawler import layouts, sources
from tempo_crawler.render.shell import client_shell_marker

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

KIND = "tempo_kind"                     # meta: article | listing | page (HTML pages only)
RENDERED = "tempo_rendered"             # meta flag: this request is (or was) rendered; never re-render it
RENDERABLE = ("article", "listing")     # kinds rendered from the start under render=always

# The meta a request built from a response carries over: the project's own keys, set when the spider
# scheduled the page. Everything else in response.meta was set by the download (latency, retries,
# redirects, slot, proxy, Playwright's page) and must not be forwarded (Scrapy's MetaCopyDetectionMiddleware
# warns). A re-request of the same page (its rendered twin) also keeps `scrapy parse`'s bookkeeping.
FORWARDED_META = ("tempo_source", "tempo_key", KIND)   # tempo_key: state/pending.KEY
_PARSE_COMMAND_META = ("_depth", "_callback")


def forwarded_meta(meta: dict[str, Any], *, same_page: bool = False) -> dict[str, Any]:
    """The part of ``meta`` a request for the same article (its next page; ``same_page``: its rendered
    twin) keeps."""
    keys = FORWARDED_META + (_PARSE_COMMAND_META if same_page else ())
    return {k: meta[k] for k in keys if k in meta}


def page_kind(request: Request) -> str | None:
    return request.meta.get(KIND)


def ready_selector(kind: str | None) -> str:
    """CSS (state "attached") that shows a rendered page of this kind is filled."""
    article, listing = layouts.ready_selector(), sources.html_listing().ready
    if kind == "article":
        return article
    if kind == "listing":
        return listing
    return f"{article}, {listing}"


async def wait_for_content(page: Any, selector: str, timeout_ms: float) -> bool:
    """Page method: wait until ``selector`` is in the DOM; False (not an exception) on timeout, so a page
    that never fills still comes back, as rendered, to the normal path (logged, counted)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await page.wait_for_selector(selector, state="attached", timeout=timeout_ms)
    except PlaywrightTimeout:
        return False
    return True


def mark(request: Request, settings: BaseSettings) -> Request:
    """Make ``request`` a rendered one (in place): Playwright, wait for the content, flag."""
    from scrapy_playwright.page import PageMethod

    timeout_ms = settings.getfloat("TEMPO_RENDER_WAIT_TIMEOUT", 10.0) * 1000
    request.meta["playwright"] = True
    request.meta["playwright_page_methods"] = [
        PageMethod(wait_for_content, ready_selector(page_kind(request)), timeout_ms)]
    request.meta[RENDERED] = True
    return request


def rendered_request(response: Response, settings: BaseSettings) -> Request:
    """The rendered twin of the request that produced ``response`` (same callback, cb_kwargs, meta)."""
    original = response.request
    assert original is not None
    return mark(original.replace(url=response.url, meta=forwarded_meta(original.meta, same_page=True),
                                 dont_filter=True), settings)


class Rendering:
    """The spider's side of rendering: re-request a client-rendered page through the browser once."""

    def __init__(self, crawler: Any, mode: str, problem: str) -> None:
        self.crawler = crawler
        self.mode = mode
        self.problem = problem     # why pages cannot be rendered ("" when they can)
        self.settings: BaseSettings = crawler.settings

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def retry(self, response: Response) -> Request | None:
        """The rendered re-request of a page whose static HTML yielded nothing, or None (not a
        client-rendered shell / already rendered / render=never / no chromium)."""
        if was_rendered(response):
            return None
        if not isinstance(response, TextResponse) or response.request is None or page_kind(response.request) is None:
            return None
        marker = client_shell_marker(response.text)
        if marker is None:
            return None
        if self.mode == "never":
            self.stats.inc_value("tempo/render/skipped")
            logger.warning("render=never: %s is client-rendered (%s); nothing was read from it. "
                           "Run with -a render=auto to render such pages.", response.url, marker)
            return None
        if self.problem:
            self.stats.inc_value("tempo/render/unavailable")
            logger.error("cannot render %s (%s): %s", response.url, marker, self.problem)
            return None
        self.stats.inc_value("tempo/render/fallback")
        logger.info("rendering %s: static HTML is a client-rendered shell (%s)", response.url, marker)
        return rendered_request(response, self.settings)

    def still_empty(self, response: Response) -> str | None:
        """For a rendered page that yields nothing: count and log it; the reason to quarantine it under."""
        if not was_rendered(response):
            return None
        self.stats.inc_value("tempo/render/empty")
        why = ("content never appeared within TEMPO_RENDER_WAIT_TIMEOUT" if response.meta.get("tempo_render_timeout")
               else "rendered HTML yields nothing")
        logger.warning("rendered page still has no content (%s): %s", why, response.url)
        return f"rendered, still empty: {why}"


def was_rendered(response: Response) -> bool:
    return bool(response.meta.get(RENDERED) or "playwright" in (response.flags or []))
