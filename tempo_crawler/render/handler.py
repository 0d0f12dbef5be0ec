"""The download handler of runs that may render (scrapy-playwright's, built only when a page needs it: see
:mod:`.playwright_handler`), and the browser's resource blocking."""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Response

from tempo_crawler.context import RunContext
from tempo_crawler.render.fallback import RENDERABLE, mark, page_kind

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Resource types a text crawler never needs (Playwright's request.resource_type names).
BLOCKED_RESOURCE_TYPES = frozenset({"image", "media", "font", "stylesheet", "texttrack", "manifest"})
_PAGE_ORIGINS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def _generation(context_name: str) -> int:
    """n of a managed context ``tempo-<n>``; -1 for any other context."""
    prefix, _, number = context_name.rpartition("-")
    return int(number) if prefix == "tempo" and number.isdigit() else -1


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def abort_request(request: Any) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: True for images, media, fonts, stylesheets, and for any request to
    another origin than the page's own (the first main-frame navigation defines it, so a cross-origin
    redirect of the document is aborted too)."""
    if request.resource_type in BLOCKED_RESOURCE_TYPES:
        return True
    url = request.url
    scheme = url.split(":", 1)[0].lower()
    if scheme in ("data", "blob", "about"):
        return False
    if scheme not in ("http", "https"):
        return True
    try:
        frame = request.frame
        page = frame.page
    except Exception:  # noqa: BLE001 - service-worker requests have no frame
        return True
    origin = _PAGE_ORIGINS.get(page)
    if origin is None:
        if request.is_navigation_request() and frame.parent_frame is None:
            _PAGE_ORIGINS[page] = _origin(url)
            return False
        return True
    return _origin(url) != origin


class RenderHandler(HTTP11DownloadHandler):
    """The http/https download handler of every run that may render: Scrapy's HTTP/1.1 handler for plain
    requests; a request that asks for rendering goes to :class:`~.playwright_handler.PlaywrightRenderHandler`
    (scrapy-playwright's handler, lazier and self-cleaning), built — and Playwright imported — with the first
    such request, never at start: a run that renders nothing costs nothing (no driver, no browser, and not
    the ~7 MB of Playwright's modules). ``render=always`` marks every article page and HTML listing request
    here (see :func:`page_kind`)."""

    lazy = True

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._tempo_crawler = crawler
        self.browser: Any = None

    def renderer(self) -> Any:
        """The browser handler, built on first use."""
        if self.browser is None:
            from tempo_crawler.render.playwright_handler import PlaywrightRenderHandler

            self.browser = PlaywrightRenderHandler.from_crawler(self._tempo_crawler)
        return self.browser

    async def download_request(self, request: Request) -> Response:
        if not request.meta.get("playwright"):
            context = RunContext.find(self._tempo_crawler)
            # explicit URLs of unknown kind ("page") may be feeds or JSON: fetched plainly, fallback as in auto
            if context is not None and context.render == "always" and page_kind(request) in RENDERABLE:
                mark(request, self._tempo_crawler.settings)
        if request.meta.get("playwright"):
            return await self.renderer().download_request(request)
        return await super().download_request(request)

    async def close(self) -> None:
        await super().close()
        if self.browser is not None:
            await self.browser.close()
