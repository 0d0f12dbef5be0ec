"""The browser side of :class:`tempo_crawler.render.handler.RenderHandler`: scrapy-playwright's download handler,
lazier and self-cleaning. Imported (with Playwright) only when a request first asks for rendering."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.http import Response
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from tempo_crawler.render.browser import INSTALL_HINT, RenderUnavailable, executable, find_chromium
from tempo_crawler.render.fallback import wait_for_content
from tempo_crawler.render.handler import _generation

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class PlaywrightRenderHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, lazier and self-cleaning.

    * Built by :class:`~tempo_crawler.render.handler.RenderHandler` with the first request that asks for
      rendering (which also marks the requests of ``render=always``); the Playwright driver and chromium
      start with that request too, never at engine start.
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
