"""JavaScript rendering with scrapy-playwright and Debian's chromium, only where a page needs it.

A browser page costs about 100 times an HTTP fetch, so the spider fetches every page plainly first.
``-a render=`` chooses what happens next:

``auto`` (default)
    A listing or article page whose static HTML yields no articles / no body **and** shows the markers
    of a client-rendered shell (:func:`client_shell_marker`: an empty Nuxt mount point
    ``<div id="__nuxt"></div>``, ``serverRendered:false`` state, a ``window.__NUXT__={}`` stub with no
    text on the page) is requested once more through the browser (:func:`retry`): ``dont_filter``,
    flagged ``tempo_rendered`` so it is never rendered twice. Stats ``tempo/render/fallback`` (pages
    re-requested) and ``tempo/render/pages`` (pages rendered). A run that never needs the browser never
    starts it: :class:`RenderHandler` starts the Playwright driver and chromium with the first
    rendered request (stock scrapy-playwright 0.0.48 starts its driver at engine start).
``always``
    Every page request (article pages, ``/indeks`` HTML listings) is rendered from the start; JSON/XML
    endpoints (API, payload, RSS, sitemap) are fetched plainly, a browser adds nothing there.
``never``
    No browser; the plain Scrapy handler is installed. A client-rendered page yields nothing, and the log
    says so, naming the page and the ``-a render=auto`` remedy (``tempo/render/skipped``).

Rendered responses go through the same parsers as static ones. Resource hygiene: images, media, fonts,
stylesheets and every request to another origin than the page's own are aborted
(:func:`abort_request`); pages are closed after use (scrapy-playwright does it when
``playwright_include_page`` is not set); contexts and pages are bounded; the browser context is
replaced after ``TEMPO_RENDER_CONTEXT_PAGES`` pages and the old one closed once its pages are done, the
known remedy for the memory growth of long Playwright crawls (scrapy-playwright issues #126, #171,
#183; microsoft/playwright#6319: memory is released only when a context closes). Settings: the
"Rendering (issue 5)" block of ``settings.py``; documentation: ``docs/rendering.md``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import weakref
from collections import Counter
from contextlib import suppress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.misc import load_object

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

MODES = ("auto", "always", "never")
RENDERED = "tempo_rendered"             # meta flag: this request is (or was) rendered; never re-render it
HANDLER = "tempo_crawler.render.RenderHandler"
PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser")
INSTALL_HINT = "apt-get install chromium"

# What to wait for after load (content inserted by JavaScript arrives later). CSS, state "attached".
ARTICLE_READY = ('#content-wrapper p, [data-innity-container="article"] p, article p, '
                 "div#isi p, div.detail-konten p")
LISTING_READY = ('a[aria-label^="Baca artikel:"], div.divide-y figure a[href], figure.flex a[href], '
                 "div.card-box article a[href], section.list ul li a[href]")
# Resource types a text crawler never needs (Playwright's request.resource_type names).
BLOCKED_RESOURCE_TYPES = frozenset({"image", "media", "font", "stylesheet", "texttrack", "manifest"})


class RenderUnavailable(RuntimeError):
    """Rendering is needed (or forced) but no chromium binary was found."""


# ------------------------------------------------------------------------------------------ modes, binary

def parse_mode(value: str | None) -> str | None:
    """Validate ``-a render=…``; None stays None (the ``TEMPO_RENDER`` setting decides)."""
    if value is None or value == "":
        return None
    mode = str(value).strip().lower()
    if mode not in MODES:
        raise ValueError(f"-a render={value!r}: expected one of {', '.join(MODES)}")
    return mode


def _override(settings: BaseSettings | None) -> str:
    value = settings.get("TEMPO_CHROMIUM_PATH") if settings is not None else None
    return (value or os.environ.get("TEMPO_CHROMIUM_PATH") or "").strip()


def _executable(candidate: str) -> str | None:
    if os.sep in candidate:
        return candidate if os.path.isfile(candidate) and os.access(candidate, os.X_OK) else None
    return shutil.which(candidate)


def find_chromium(settings: BaseSettings | None = None) -> tuple[str | None, str]:
    """``(path, "")`` of the chromium to drive, or ``(None, why)`` with an actionable message.

    ``TEMPO_CHROMIUM_PATH`` (setting, else environment variable) overrides the search and is not
    second-guessed: a wrong override is an error, not a silent fallback."""
    override = _override(settings)
    if override:
        found = _executable(override)
        if found:
            return found, ""
        return None, (f"TEMPO_CHROMIUM_PATH={override!r} is not an executable file; point it at a Chromium "
                      f"binary or unset it to use Debian's package ({INSTALL_HINT})")
    for candidate in CHROMIUM_CANDIDATES:
        found = _executable(candidate)
        if found:
            return found, ""
    return None, (f"chromium not found ({', '.join(CHROMIUM_CANDIDATES)} on PATH): install Debian's package "
                  f"with `{INSTALL_HINT}` (Playwright cannot download its own browser here), or set "
                  f"TEMPO_CHROMIUM_PATH to a Chromium binary")


# ------------------------------------------------------------------------------------------ wiring

def _set(settings: BaseSettings, name: str, value: Any) -> None:
    """Set at spider priority, or above whatever already set it (so a -s value gets completed, not lost)."""
    settings.set(name, value, priority=max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["spider"]))


def _is_playwright_handler(path: Any, base: type | None = None) -> bool:
    if not path:
        return False
    try:
        from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
        cls = load_object(path) if isinstance(path, str) else path
        return isinstance(cls, type) and issubclass(cls, base or ScrapyPlaywrightDownloadHandler)
    except Exception:  # noqa: BLE001 - a broken handler path is reported by Scrapy itself
        return False


def configure(crawler: Crawler, spider: Any) -> None:
    """Called from the spider's ``from_crawler`` (settings are not frozen yet): install the handler the
    mode needs, point Playwright at chromium, fail early when ``always`` cannot render."""
    settings = crawler.settings
    mode = spider.render_mode
    spider.render_problem = ""
    if mode == "never":
        # The plain Scrapy handlers: no Playwright import, no driver, no browser.
        base = settings.getdict("DOWNLOAD_HANDLERS_BASE")
        _set(settings, "DOWNLOAD_HANDLERS",
             {**settings.getdict("DOWNLOAD_HANDLERS"), "http": base.get("http"), "https": base.get("https")})
        spider.logger.info("rendering: render=never, no browser (client-rendered pages yield nothing)")
        return
    reactor = settings.get("TWISTED_REACTOR")
    if reactor and reactor != ASYNCIO_REACTOR:
        raise RenderUnavailable(f"render={mode} needs TWISTED_REACTOR={ASYNCIO_REACTOR}, not {reactor}")
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    # Any scrapy-playwright handler will do for auto (the benchmark compares the stock one); always needs
    # ours, which marks the page requests.
    needed = RenderHandler if mode == "always" else None
    if not all(_is_playwright_handler(handlers.get(s), needed) for s in ("http", "https")):
        _set(settings, "DOWNLOAD_HANDLERS", {**handlers, "http": HANDLER, "https": HANDLER})
    path, problem = find_chromium(settings)
    if path is None:
        spider.render_problem = problem
        if mode == "always":
            spider.logger.error("render=always: %s", problem)
            raise RenderUnavailable(f"render=always: {problem}")
        spider.logger.warning("rendering: render=auto but %s; client-rendered pages will yield nothing", problem)
        return
    options = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
    if _override(settings) or not options.get("executable_path"):
        options["executable_path"] = path
    _set(settings, "PLAYWRIGHT_LAUNCH_OPTIONS", options)
    spider.logger.info("rendering: render=%s with %s (%s)", mode, options["executable_path"],
                       "every page" if mode == "always" else "started only if a page needs it")


# ------------------------------------------------------------------------------------------ requests

def page_kind(request: Request) -> str | None:
    """``"article"``, ``"listing"`` or ``"page"`` (either: explicit URL of unknown kind) for requests of
    HTML pages; None for everything else (API/RSS/sitemap/payload, robots.txt)."""
    callback = getattr(request.callback, "__name__", None)
    if callback == "parse_article":
        return "article"
    if callback == "parse_listing":
        return "listing" if request.meta.get("tempo_source") == "indeks" else None
    if callback == "parse_sniffed":
        return "page"
    return None


def ready_selector(kind: str | None) -> str:
    if kind == "article":
        return ARTICLE_READY
    if kind == "listing":
        return LISTING_READY
    return f"{ARTICLE_READY}, {LISTING_READY}"


async def wait_for_content(page: Any, selector: str, timeout_ms: float) -> bool:
    """Page method: wait until ``selector`` is in the DOM; False (not an exception) on timeout, so a page
    that never fills still comes back, as rendered, to the normal path (logged, counted)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await page.wait_for_selector(selector, state="attached", timeout=timeout_ms)
    except PlaywrightTimeout:
        return False
    return True


def mark(request: Request, settings: BaseSettings, kind: str | None = None) -> Request:
    """Make ``request`` a rendered one (in place): Playwright, wait for the content, flag."""
    from scrapy_playwright.page import PageMethod

    timeout_ms = settings.getfloat("TEMPO_RENDER_WAIT_TIMEOUT", 10.0) * 1000
    request.meta["playwright"] = True
    request.meta["playwright_page_methods"] = [
        PageMethod(wait_for_content, ready_selector(kind or page_kind(request)), timeout_ms)]
    request.meta[RENDERED] = True
    return request


_DOWNLOAD_META = ("download_latency", "download_slot", "retry_times", "redirect_times", "redirect_ttl",
                  "redirect_urls", "redirect_reasons", "playwright_security_details", "playwright_context",
                  "playwright_page_methods", "playwright_suggested_filename")


def rendered_request(response: Response, settings: BaseSettings) -> Request:
    """The rendered twin of the request that produced ``response`` (same callback, cb_kwargs, meta)."""
    original = response.request
    assert original is not None
    meta = {k: v for k, v in original.meta.items() if k not in _DOWNLOAD_META}
    request = original.replace(url=response.url, meta=meta, dont_filter=True)
    return mark(request, settings, page_kind(original))


# ------------------------------------------------------------------------------------------ shell markers

_TEXT_XPATH = ("//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)"
               " and not(ancestor::template)]")
_MOUNTS = ("__nuxt", "__next", "app", "root")


def client_shell_marker(html: str) -> str | None:
    """Why this page looks like a client-rendered shell (content inserted by JavaScript), or None.

    Only asked about pages whose static HTML yielded nothing, so a marker is enough: an empty Nuxt
    (or Next/Vue/React) mount point; Nuxt's ``serverRendered:false``; or a ``window.__NUXT__`` stub on a
    page without text (the server-rendered site has the stub too, with content: MARKUP.md §5)."""
    from parsel import Selector

    sel = Selector(text=html)
    for mount in _MOUNTS:
        if sel.xpath(f'//div[@id="{mount}"][not(*) and not(normalize-space())]'):
            return f'empty mount point <div id="{mount}">'
    scripts = " ".join(sel.xpath("//script[not(@type='application/ld+json')]/text()").getall())
    compact = "".join(scripts.split())
    if "serverRendered:false" in compact or '"serverRendered":false' in compact:
        return "Nuxt state serverRendered:false"
    if "window.__NUXT__=" in compact:
        text = "".join("".join(sel.xpath(_TEXT_XPATH).getall()).split())
        if len(text) < 200:
            return f"window.__NUXT__ stub and {len(text)} characters of text"
    return None


# ------------------------------------------------------------------------------------------ the spider hook

def retry(spider: Any, response: Response) -> Request | None:
    """``WorldSpider.render_retry``: the rendered re-request of a page whose static HTML yielded nothing,
    or None (not a client-rendered shell / already rendered / render=never / no chromium)."""
    stats = spider.crawler.stats
    if response.meta.get(RENDERED) or "playwright" in (response.flags or []):
        _rendered_but_empty(spider, response)
        return None
    if not isinstance(response, TextResponse) or response.request is None:
        return None
    kind = page_kind(response.request)
    if kind is None:
        return None
    marker = client_shell_marker(response.text)
    if marker is None:
        return None
    mode = spider.render_mode
    if mode == "never":
        stats.inc_value("tempo/render/skipped")
        spider.logger.warning("render=never: %s is client-rendered (%s); nothing was read from it. "
                              "Run with -a render=auto to render such pages.", response.url, marker)
        return None
    if getattr(spider, "render_problem", ""):
        stats.inc_value("tempo/render/unavailable")
        spider.logger.error("cannot render %s (%s): %s", response.url, marker, spider.render_problem)
        return None
    stats.inc_value("tempo/render/fallback")
    spider.logger.info("rendering %s: static HTML is a client-rendered shell (%s)", response.url, marker)
    return rendered_request(response, spider.settings)


def _rendered_but_empty(spider: Any, response: Response) -> None:
    """A rendered page that still yields nothing: logged, counted, and its rendered HTML quarantined
    unless the spider's normal path quarantines it anyway (an article page of no known layout)."""
    spider.crawler.stats.inc_value("tempo/render/empty")
    why = ("content never appeared within TEMPO_RENDER_WAIT_TIMEOUT" if response.meta.get("tempo_render_timeout")
           else "rendered HTML yields nothing")
    spider.logger.warning("rendered page still has no content (%s): %s", why, response.url)
    if not isinstance(response, TextResponse) or response.request is None:
        return
    if page_kind(response.request) in ("article", "page"):
        from tempo_crawler.layouts import detect
        from tempo_crawler.layouts.base import Page

        if detect(Page(response.url, response.text)) is None:
            return  # parse_article quarantines it ("no known layout")
    spider.quarantine(response, f"rendered, still empty: {why}")


# ------------------------------------------------------------------------------------------ the browser side

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
                elif not _executable(path):
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
            spider = self._tempo_crawler.spider
            # explicit URLs of unknown kind ("page") may be feeds or JSON: fetched plainly, fallback as in auto
            if getattr(spider, "render_mode", None) == "always" and page_kind(request) in ("article", "listing"):
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
