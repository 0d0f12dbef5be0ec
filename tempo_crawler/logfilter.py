"""Network failures as one readable log line: Scrapy logs a failed robots.txt fetch, and a failed download
of a request without an errback, at ERROR with a traceback of ~20 lines (once per waiting request), and
every request given up after retries once more at ERROR. This extension installs a logging filter on
those loggers that rewrites such records into one WARNING line with the host and the cause
(:mod:`tempo_crawler.failures`), and lowers "Gave up retrying" to DEBUG (the spider's errback logs the
failure once, with its cause). Tracebacks are kept when ``LOG_LEVEL`` is ``DEBUG``.

Records about anything else (a spider bug: "Spider error processing") are left as they are.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals

from tempo_crawler.failures import cause, host_of

ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"
RETRY_LOGGER = "scrapy.downloadermiddlewares.retry"
SCRAPER_LOGGER = "scrapy.core.scraper"


def _exception(record: logging.LogRecord) -> BaseException | None:
    return record.exc_info[1] if record.exc_info else None


def _request_url(record: logging.LogRecord) -> str | None:
    args = record.args if isinstance(record.args, dict) else {}
    request = args.get("request")
    return getattr(request, "url", None)


class NetworkErrorFilter(logging.Filter):
    """Rewrites Scrapy's network-error records (see the module doc); ``verbose`` keeps their tracebacks."""

    def __init__(self, verbose: bool = False) -> None:
        super().__init__()
        self.verbose = verbose
        self.robots_hosts: set[str] = set()

    def _one_line(self, record: logging.LogRecord, level: int, message: str) -> None:
        record.msg, record.args = message.replace("%", "%%"), ()
        record.levelno, record.levelname = level, logging.getLevelName(level)
        if not self.verbose:
            record.exc_info, record.exc_text = None, None

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        message = str(record.msg)
        if record.name == RETRY_LOGGER and message.startswith("Gave up retrying"):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return True
        exc = _exception(record)
        if exc is None or not message.startswith("Error downloading"):
            return True
        url = _request_url(record)
        why = cause(exc).text
        if record.name == ROBOTS_LOGGER:
            host = host_of(url)
            if host in self.robots_hosts:
                return False
            self.robots_hosts.add(host)
            self._one_line(record, logging.WARNING,
                           f"robots.txt of {host} not fetched: {why}; its pages are requested without robots rules")
        elif record.name == SCRAPER_LOGGER:
            self._one_line(record, logging.WARNING, f"cannot fetch {url}: {host_of(url)}: {why}")
        return True


class ReadableNetworkErrors:
    """Extension: install :class:`NetworkErrorFilter` for the crawl, remove it when the engine stops."""

    LOGGERS = (ROBOTS_LOGGER, RETRY_LOGGER, SCRAPER_LOGGER)

    def __init__(self, verbose: bool) -> None:
        self.filter = NetworkErrorFilter(verbose)
        for name in self.LOGGERS:
            logging.getLogger(name).addFilter(self.filter)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReadableNetworkErrors:
        level = str(crawler.settings.get("LOG_LEVEL") or "DEBUG").upper()
        ext = cls(verbose=level == "DEBUG")
        crawler.signals.connect(ext.remove, signal=signals.engine_stopped)
        return ext

    def remove(self) -> None:
        for name in self.LOGGERS:
            logging.getLogger(name).removeFilter(self.filter)
