"""Host confinement: the one allow-list of what the crawler may fetch, enforced on every request, every
redirect and every discovered link, so no other host's content can become a Tempo article.

Allowed: ``http``/``https`` URLs on ``tempo.co`` or one of its subdomains (``www``, ``dunia``, ``rss``,
``satu``, ``statik``…, on the scheme's default port), and the exact host *and port* of ``TEMPO_BASE_URL``
(a mirror or the loopback replica) and of each ``TEMPO_ALLOWED_ORIGINS`` entry (empty by default; ``scrapy
reparse`` lists there the origins its archive was fetched from). Everything else is refused: other hosts,
other ports of the base host, ``file:``/``ftp:``/``data:`` and any other scheme, URLs that do not parse.

:class:`ConfinementMiddleware` is Scrapy's own offsite filter
(:class:`scrapy.downloadermiddlewares.offsite.OffsiteMiddleware`, which checks each request when it is
scheduled, redirected ones included, and again before download) with this policy; it adds what Scrapy's
does not do: schemes, ports, and no exemption for ``dont_filter`` requests (start URLs, explicit URLs,
multi-page continuations and redirects of them carry ``dont_filter``). :class:`ConfinedRedirectMiddleware`
and :class:`ConfinedMetaRefreshMiddleware` refuse a redirect to a refused URL at the redirect itself, so the
request's errback learns why. Every refusal is counted in
``tempo/offsite/<host>`` (and ``tempo/offsite/refused``) and logged once per host.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import IgnoreRequest

from tempo_crawler.identity import item_key, url_keys

logger = logging.getLogger(__name__)

TEMPO_DOMAIN = "tempo.co"
SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
DEFAULT_BASE = "https://www.tempo.co"


class OffsiteRefused(IgnoreRequest):
    """A request or redirect off the allow-list (the failure cause ``offsite`` of an errback)."""


def _origin(url: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of an http(s) URL (host lower case, no trailing dot); None when the URL does
    not parse or has another scheme."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except (ValueError, AttributeError):
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in SCHEMES or not host:
        return None
    return scheme, host, port if port is not None else _DEFAULT_PORTS[scheme]


def host_label(url: str) -> str:
    """What a refusal is counted under: ``host`` or ``host:port`` (a non-default port), ``<scheme>:`` for
    another scheme (``file:``), ``invalid`` for a URL that does not parse (or an http(s) URL without a host
    or with a bad port)."""
    origin = _origin(url)
    if origin is not None:
        scheme, host, port = origin
        return host if port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except (ValueError, AttributeError):
        return "invalid"
    ok = scheme and scheme not in SCHEMES and scheme.isascii() and scheme.isalnum()
    return f"{scheme}:" if ok else "invalid"


@dataclass(frozen=True)
class HostPolicy:
    """The allow-list: ``domains`` and their subdomains on default ports, and ``origins`` (host, port) exactly."""

    domains: tuple[str, ...] = (TEMPO_DOMAIN,)
    origins: frozenset[tuple[str, int]] = frozenset()

    @classmethod
    def from_settings(cls, settings: Any) -> HostPolicy:
        """Tempo's domain, ``TEMPO_BASE_URL``'s origin and the ``TEMPO_ALLOWED_ORIGINS`` (``scrapy reparse``
        sets these to the origins its archive was fetched from)."""
        urls = [settings.get("TEMPO_BASE_URL") or DEFAULT_BASE, *settings.getlist("TEMPO_ALLOWED_ORIGINS")]
        return cls(origins=frozenset((o[1], o[2]) for o in map(_origin, urls) if o))

    def allows(self, url: str | None) -> bool:
        origin = _origin(url) if isinstance(url, str) else None
        if origin is None:
            return False
        scheme, host, port = origin
        if (host, port) in self.origins:
            return True
        on_domain = any(host == d or host.endswith("." + d) for d in self.domains)
        return on_domain and port == _DEFAULT_PORTS[scheme]

    def allowed_domains(self) -> list[str]:
        """Scrapy's ``allowed_domains`` form (host names only) of this policy."""
        return sorted(set(self.domains) | {host for host, _ in self.origins})


def policy(crawler: Any) -> HostPolicy:
    """The crawl's policy (built once per crawler from its settings)."""
    found = getattr(crawler, "_tempo_host_policy", None)
    if found is None:
        found = HostPolicy.from_settings(crawler.settings)
        crawler._tempo_host_policy = found
    return found


def refuse(crawler: Any, url: str, what: str) -> str:
    """Count a refused URL (``tempo/offsite/<host>``, ``tempo/offsite/refused``); log the first refusal of
    each host. Returns the host label."""
    label = host_label(url)
    stats = crawler.stats
    first = not stats.get_value(f"tempo/offsite/{label}")
    stats.inc_value(f"tempo/offsite/{label}")
    stats.inc_value("tempo/offsite/refused")
    if first:
        logger.warning("refused %s %s: %s is not a Tempo host nor TEMPO_BASE_URL's (further refusals of %s "
                       "are counted in tempo/offsite/%s)", what, url[:300], label, label, label)
    return label


class ConfinementMiddleware(OffsiteMiddleware):
    """Scrapy's offsite downloader middleware with :class:`HostPolicy`, for every request (see module doc)."""

    def spider_opened(self, spider: Any) -> None:
        spider.allowed_domains = policy(self.crawler).allowed_domains()
        super().spider_opened(spider)

    def should_follow(self, request: Request, spider: Any) -> bool:
        return policy(self.crawler).allows(request.url)

    def process_request(self, request: Request) -> None:  # type: ignore[override]
        if self.should_follow(request, self.crawler.spider):
            return
        label = refuse(self.crawler, request.url, "request for")
        raise OffsiteRefused(f"offsite: {label} is not an allowed host")


class _ConfinedRedirects:
    """Refuse a redirect (30x ``Location`` or meta refresh) to a URL outside the policy where it happens,
    before Scrapy builds the new request: the original request's errback gets the reason. (Scrapy alone
    would pass a redirect to another scheme back as the 30x response, and leave a redirect to another host
    to the offsite check at scheduling, which calls no errback.)"""

    crawler: Any

    def _build_redirect_request(self, source_request: Request, response: Any, *, url: str,
                                **kwargs: Any) -> Request:
        if not policy(self.crawler).allows(url):
            label = refuse(self.crawler, url, f"redirect from {source_request.url} to")
            raise OffsiteRefused(f"redirect to {label} refused (not an allowed host)")
        return super()._build_redirect_request(source_request, response, url=url, **kwargs)  # type: ignore[misc]


class ConfinedRedirectMiddleware(_ConfinedRedirects, RedirectMiddleware):
    """Scrapy's 30x redirect middleware; a redirect off the allow-list is refused (:class:`_ConfinedRedirects`)."""


class ConfinedMetaRefreshMiddleware(_ConfinedRedirects, MetaRefreshMiddleware):
    """Scrapy's meta-refresh middleware; a refresh off the allow-list is refused (:class:`_ConfinedRedirects`)."""


def canonical_problem(allowed: HostPolicy, canonical: str | None, fetched: list[str]) -> str | None:
    """Why an item's canonical URL may not stand for the page fetched under ``fetched`` (request URL, redirect
    hops, final URL): ``canonical_offsite`` (not an allowed host) or ``canonical_mismatch`` (another article
    key than every fetched URL's, :mod:`tempo_crawler.identity`); None when it may. A page fetched under no
    article URL at all (an explicit URL of unknown kind) is named by its canonical URL alone."""
    if not canonical or not allowed.allows(canonical):
        return "canonical_offsite"
    keys = url_keys(*fetched)
    if keys and item_key(canonical, None) not in keys:
        return "canonical_mismatch"
    return None
