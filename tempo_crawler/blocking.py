"""Blocked is not empty: a WAF challenge page (Cloudflare's "Just a moment...", a ``cf-mitigated`` answer, a
403/429/503 carrying a challenge or block page) is recognised before anything reads it, counted per host, and
never parsed, quarantined or retried (docs/site.md §10).

:class:`ChallengeMiddleware` is a downloader middleware placed after decompression and before the retry
middleware: a challenge response becomes a :class:`ChallengeBlocked` failure for the request's errback. It
counts ``tempo/blocked/<host>`` and ``tempo/blocked`` (every challenge response) and
``tempo/articles/blocked`` (article pages), and logs one WARNING per host. :func:`verdict` tells the crawl
command whether the run was blocked (exit status :data:`tempo_crawler.exitcodes.BLOCKED`).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from tempo_crawler.render.fallback import KIND

logger = logging.getLogger(__name__)

CHALLENGE_STATUSES = frozenset({403, 429, 503})
SCAN_BYTES = 32_768   # challenge pages are small; the markers sit near the top
# A title that is a challenge whatever the status (Cloudflare's interstitial).
_CHALLENGE_TITLE = re.compile(rb"<title[^>]{0,200}>\s{0,40}Just a moment\.\.\.", re.IGNORECASE)
# Titles of block pages, believed only with a refusing status.
_BLOCK_TITLE = re.compile(
    rb"<title[^>]{0,200}>\s{0,40}(?:Attention Required! \| Cloudflare|Access denied|Access Denied|"
    rb"Request unsuccessful|Pardon Our Interruption|Security check)", re.IGNORECASE)
# Body markers of challenge / block pages (Cloudflare, Imperva, DataDome, ShieldSquare/perfdrive as the
# 2015 site shipped), believed only with a refusing status.
_MARKERS = (b"_cf_chl_opt", b"/cdn-cgi/challenge-platform/", b"cf-browser-verification", b"cf-error-details",
            b"Verifying you are human", b"Sorry, you have been blocked", b"Incapsula incident ID",
            b"_Incapsula_Resource", b"captcha-delivery.com", b"validate.perfdrive.com")
DEFAULT_SHARE = 0.2   # TEMPO_MONITOR_MAX_BLOCKED_SHARE
ARTICLE_KINDS = ("article", "page")   # request meta KIND (render.fallback): an article page, explicit or listed


class ChallengeBlocked(IgnoreRequest):
    """The response was a WAF challenge or block page: the request is given up, not parsed."""

    def __init__(self, reason: str, response: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.response = response


def _header(headers: Any, name: str) -> str | None:
    value = headers.get(name) if headers is not None else None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value.strip() if isinstance(value, str) and value.strip() else None


def challenge_reason(status: int, headers: Any, body: bytes) -> str | None:
    """Why this response is a challenge/block page (for the log), or None when it is not one."""
    mitigated = _header(headers, "cf-mitigated")
    if mitigated:
        return f"HTTP {status}, cf-mitigated: {mitigated}"
    head = body[:SCAN_BYTES]
    if _CHALLENGE_TITLE.search(head):
        return f'HTTP {status}, challenge page "Just a moment..."'
    if status in CHALLENGE_STATUSES:
        if _BLOCK_TITLE.search(head):
            return f"HTTP {status}, block page"
        marker = next((m for m in _MARKERS if m in head), None)
        if marker is not None:
            return f"HTTP {status}, challenge page ({marker.decode()})"
    return None


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "?").lower()


class ChallengeMiddleware:
    """Downloader middleware (``DOWNLOADER_MIDDLEWARES`` 585: after HttpCompression 590, before Retry 550)."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats
        self.warned: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> ChallengeMiddleware:
        return cls(crawler.stats)

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        reason = challenge_reason(response.status, response.headers, response.body or b"")
        if reason is None:
            return response
        host = host_of(response.url)
        self.stats.inc_value(f"tempo/blocked/{host}")
        self.stats.inc_value("tempo/blocked")
        if request.meta.get(KIND) in ARTICLE_KINDS:
            self.stats.inc_value("tempo/articles/blocked")
        if host not in self.warned:
            self.warned.add(host)
            logger.warning("blocked: %s answers with a challenge page (%s), e.g. %s; further ones are counted in "
                           "tempo/blocked/%s. On a blocked network, set HTTPS_PROXY (README \"Blocked networks\").",
                           host, reason, response.url, host)
        if urlsplit(response.url).path == "/robots.txt":
            return response   # Scrapy's robots.txt middleware reads it (no rules: nothing disallowed)
        raise ChallengeBlocked(reason, response)


def verdict(stats: dict[str, Any], share: float = DEFAULT_SHARE) -> str | None:
    """The message of a blocked run, or None: more than ``share`` of the article requests were answered by a
    challenge page, or the site answered nothing but challenge pages."""
    blocked = int(stats.get("tempo/blocked") or 0)
    if not blocked:
        return None
    articles = int(stats.get("tempo/articles/blocked") or 0)
    requested = int(stats.get("tempo/articles/requested") or 0)
    hosts = ", ".join(f"{k[len('tempo/blocked/'):]}: {v}" for k, v in sorted(stats.items())
                      if k.startswith("tempo/blocked/"))
    if requested and articles > share * requested:
        return (f"{articles} of {requested} article requests were answered by a challenge page ({hosts}); the site "
                "refuses this network: see README \"Blocked networks\" (HTTPS_PROXY)")
    if not stats.get("tempo/responses_ok"):
        return (f"every answer was a challenge page ({hosts}); the site refuses this network: see README "
                "\"Blocked networks\" (HTTPS_PROXY)")
    return None
