"""scrapy-playwright's download handler, lazier and self-cleaning, and the browser's resource blocking."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import Counter
from contextlib import suppress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response

from tempo_crawler.context import RunContext
from tempo_crawler.render.browser import INSTALL_HINT, RenderUnavailable, executable, find_chromium
from tempo_crawler.render.fallback import RENDERABLE, mark, page_kind, wait_for_content

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


try:
    from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler as _Base
except ImportError:  # pragma: no cover - scrapy-playwright is a dependency; render=never works without it
    _Base = object  # type: ignore[assignment,misc]


class RenderHandler(_Base):  # type: ignore[misc,valid-type]
    """scrapy-playwright's handler, lazier and self-cleaning.

    * The Playwright driver and chromium start with the first request that asks for rendering, never at
      engine start: a run that renders nothing costs nothing.
    * ``render=always`` marks every article page and HTML listing request here (see :func:`page_kind`).
    * Rendered pages go to contexts ``tempo-<n>``; after ``TEMPO_RENDER_CONTEXT_PAGES`` pages the next
      context takes over: its pages wait until the old context's last pages are done, the old context is
      closed, then they start. One context at a time, so the old renderer processes are gone before new
      ones start (measured: overlapping contexts raised the peak by ≈100 MB PSS, docs/rendering.md).
    * Stats: ``tempo/render/pages``, ``…/errors``, ``…/timeouts``, ``…/contexts_closed``.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._tempo_crawler = crawler
        self._pages_per_context = max(1, crawler.settings.getint("TEMPO_RENDER_CONTEXT_PAGES", 100))
        self._generation = 0
        self._assigned = 0
        self._inflight: Counter[str] = Counter()
        self._drained = asyncio.Condition()
        self._started = False
        self._start_lock = asyncio.Lock()

    async def _maybe_launch_in_thread(self) -> None:
        """Connected to ``engine_started`` by the base class: do nothing yet (see :meth:`_start`)."""

    def _engine_started(self) -> None:  # older Scrapy (< 2.14) connects this one instead
        return None

    async def _start(self) -> None:
        async with self._start_lock:
            if self._started:
                return
            path = self.config.launch_options.get("executable_path")
            if not (self.config.cdp_url or self.config.connect_url):
                if not path:
                    found, problem = find_chromium(self._tempo_crawler.settings)
                    if found is None:
                        raise RenderUnavailable(problem)
                    self.config.launch_options["executable_path"] = found
                elif not executable(path):
                    raise RenderUnavailable(f"chromium {path!r} is missing: {INSTALL_HINT}")
            await self._launch()
            self._started = True

    def _context_name(self) -> str:
        if self._assigned >= self._pages_per_context:
            self._generation += 1
            self._assigned = 0
        self._assigned += 1
        return f"tempo-{self._generation}"

    def _older_busy(self, generation: int) -> bool:
        return any(count > 0 for name, count in self._inflight.items() if -1 < _generation(name) < generation)

    async def download_request(self, request: Request) -> Response:  # type: ignore[override]
        if not request.meta.get("playwright"):
            context = RunContext.find(self._tempo_crawler)
            # explicit URLs of unknown kind ("page") may be feeds or JSON: fetched plainly, fallback as in auto
            if context is not None and context.render == "always" and page_kind(request) in RENDERABLE:
                mark(request, self._tempo_crawler.settings)
        return await super().download_request(request)

    async def _download_request(self, request: Request, spider: Any = None) -> Response:
        stats = self._tempo_crawler.stats
        await self._start()
        name = request.meta.get("playwright_context")
        managed = name is None or str(name).startswith("tempo-")
        if managed:
            name = request.meta["playwright_context"] = self._context_name()
        self._inflight[name] += 1
        try:
            if managed and self._older_busy(_generation(name)):
                async with self._drained:      # the previous context finishes its pages first
                    await self._drained.wait_for(lambda: not self._older_busy(_generation(name)))
            await self._close_retired()
            response = await super()._download_request(request, spider)
        except Exception:
            stats.inc_value("tempo/render/errors")
            raise
        finally:
            self._inflight[name] -= 1
            if managed:
                async with self._drained:
                    self._drained.notify_all()
                await self._close_retired()
        stats.inc_value("tempo/render/pages")
        waits = [pm for pm in request.meta.get("playwright_page_methods") or ()
                 if getattr(pm, "method", None) is wait_for_content]
        if any(pm.result is False for pm in waits):
            stats.inc_value("tempo/render/timeouts")
            request.meta["tempo_render_timeout"] = True
            logger.warning("render: %s: %s did not appear within %.1f s; passing the page on as rendered",
                           request.url, waits[0].args[0], waits[0].args[1] / 1000)
        return response

    async def _close_retired(self) -> None:
        """Close every ``tempo-<n>`` context older than the current one that has no page in flight."""
        for name in [n for n in self.context_wrappers if -1 < _generation(n) < self._generation]:
            if self._inflight[name] > 0:
                continue
            self._inflight.pop(name, None)
            wrapper = self.context_wrappers.pop(name, None)
            if wrapper is None:
                continue
            with suppress(Exception):
                await wrapper.context.close()
            self._tempo_crawler.stats.inc_value("tempo/render/contexts_closed")
            logger.debug("render: closed browser context %s", name)
