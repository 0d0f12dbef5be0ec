"""The browser side of rendering that runs before the crawl: finding Debian's chromium, and wiring the
download handler and Playwright's launch options for the chosen ``-a render=`` mode."""

from __future__ import annotations

import logging
import os
import shutil
from typing import TYPE_CHECKING, Any

from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.misc import load_object

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

HANDLER = "tempo_crawler.render.handler.RenderHandler"
ASYNCIO_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser")
INSTALL_HINT = "apt-get install chromium"


class RenderUnavailable(RuntimeError):
    """Rendering is needed (or forced) but no chromium binary was found."""


def _override(settings: BaseSettings | None) -> str:
    value = settings.get("TEMPO_CHROMIUM_PATH") if settings is not None else None
    return (value or os.environ.get("TEMPO_CHROMIUM_PATH") or "").strip()


def executable(candidate: str) -> str | None:
    if os.sep in candidate:
        return candidate if os.path.isfile(candidate) and os.access(candidate, os.X_OK) else None
    return shutil.which(candidate)


def find_chromium(settings: BaseSettings | None = None) -> tuple[str | None, str]:
    """``(path, "")`` of the chromium to drive, or ``(None, why)`` with an actionable message.

    ``TEMPO_CHROMIUM_PATH`` (setting, else environment variable) overrides the search and is not
    second-guessed: a wrong override is an error, not a silent fallback."""
    override = _override(settings)
    if override:
        found = executable(override)
        if found:
            return found, ""
        return None, (f"TEMPO_CHROMIUM_PATH={override!r} is not an executable file; point it at a Chromium "
                      f"binary or unset it to use Debian's package ({INSTALL_HINT})")
    for candidate in CHROMIUM_CANDIDATES:
        found = executable(candidate)
        if found:
            return found, ""
    return None, (f"chromium not found ({', '.join(CHROMIUM_CANDIDATES)} on PATH): install Debian's package "
                  f"with `{INSTALL_HINT}` (Playwright cannot download its own browser here), or set "
                  f"TEMPO_CHROMIUM_PATH to a Chromium binary")


def _set(settings: BaseSettings, name: str, value: Any) -> None:
    """Set at spider priority, or above whatever already set it (so a -s value gets completed, not lost)."""
    settings.set(name, value, priority=max(settings.getpriority(name) or 0, SETTINGS_PRIORITIES["spider"]))


def _is_playwright_handler(path: Any, base: type | None = None) -> bool:
    """Does ``path`` render (ours, or any scrapy-playwright handler; a subclass of ``base`` when given)?
    Ours is recognised without importing Playwright (it imports it only when a page needs rendering)."""
    if not path:
        return False
    try:
        cls = load_object(path) if isinstance(path, str) else path
        if not isinstance(cls, type):
            return False
        ours = load_object(HANDLER)
        if base is not None or issubclass(cls, ours):
            return issubclass(cls, base or ours)
        from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
        return issubclass(cls, ScrapyPlaywrightDownloadHandler)
    except Exception:  # noqa: BLE001 - a broken handler path is reported by Scrapy itself
        return False


def configure(crawler: Crawler, mode: str) -> str:
    """Called from the spider's ``from_crawler`` (settings are not frozen yet): install the handler the
    mode needs, point Playwright at chromium, fail early when ``always`` cannot render. Returns why pages
    cannot be rendered ("" when they can)."""
    settings = crawler.settings
    if settings.frozen:   # `scrapy shell` creates the spider after the engine: too late to configure
        return "the spider was created after the engine started (scrapy shell): pages are not rendered"
    if settings.getbool("TEMPO_REPLAY") and mode != "never":
        # scrapy reparse: rendered pages come from the archive (tempo_crawler/archive/replay.py), no browser.
        logger.info("rendering: render=%s from the archive's rendered pages, no browser", mode)
        return ""
    if mode == "never":
        # The plain Scrapy handlers: no Playwright import, no driver, no browser.
        base = settings.getdict("DOWNLOAD_HANDLERS_BASE")
        _set(settings, "DOWNLOAD_HANDLERS",
             {**settings.getdict("DOWNLOAD_HANDLERS"), "http": base.get("http"), "https": base.get("https")})
        logger.info("rendering: render=never, no browser (client-rendered pages yield nothing)")
        return ""
    reactor = settings.get("TWISTED_REACTOR")
    if reactor and reactor != ASYNCIO_REACTOR:
        raise RenderUnavailable(f"render={mode} needs TWISTED_REACTOR={ASYNCIO_REACTOR}, not {reactor}")
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    # Any scrapy-playwright handler will do for auto (the benchmark compares the stock one); always needs
    # ours, which marks the page requests.
    needed = load_object(HANDLER) if mode == "always" else None
    if not all(_is_playwright_handler(handlers.get(s), needed) for s in ("http", "https")):
        _set(settings, "DOWNLOAD_HANDLERS", {**handlers, "http": HANDLER, "https": HANDLER})
    path, problem = find_chromium(settings)
    if path is None:
        if mode == "always":
            logger.error("render=always: %s", problem)
            raise RenderUnavailable(f"render=always: {problem}")
        logger.warning("rendering: render=auto but %s; client-rendered pages will yield nothing", problem)
        return problem
    options = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
    if _override(settings) or not options.get("executable_path"):
        options["executable_path"] = path
    _set(settings, "PLAYWRIGHT_LAUNCH_OPTIONS", options)
    logger.info("rendering: render=%s with %s (%s)", mode, options["executable_path"],
                "every page" if mode == "always" else "started only if a page needs it")
    return ""


# ------------------------------------------------------------------------------------------ requests
