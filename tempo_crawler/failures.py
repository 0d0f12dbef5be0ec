"""What a failed fetch means, in words an operator reads: the cause of one failure (DNS, refused, timeout,
TLS, connection lost, bad URL, blocked, HTTP status, robots.txt), and why a whole crawl fetched nothing.

:func:`cause` names the cause of one failure (an exception, a Twisted ``Failure`` or Scrapy's ``HttpError``);
:func:`failure_line` is the one log line for a failed request; :func:`nothing_fetched` reads the run's
stats (Scrapy's ``downloader/exception_type_count/…`` and ``downloader/response_status_count/…``) into the
final error line of a crawl that fetched nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Cause:
    kind: str   # dns, refused, timeout, tls, connection, bad_url, blocked, http, robots, other
    text: str   # what happened, e.g. "connection refused"


# Exception class names (Scrapy's own, Twisted's, OpenSSL's) → cause kind.
_KIND_OF_CLASS = {
    "CannotResolveHostError": "dns", "DNSLookupError": "dns", "NoRouteError": "dns",
    "DownloadConnectionRefusedError": "refused", "ConnectionRefusedError": "refused",
    "DownloadTimeoutError": "timeout", "TimeoutError": "timeout", "TCPTimedOutError": "timeout",
    "UserTimeoutError": "timeout",
    "SSLError": "tls", "TLSError": "tls",
    "ResponseDataLossError": "connection", "ConnectionLost": "connection", "ConnectionDone": "connection",
    "ResponseFailed": "connection", "ResponseNeverReceived": "connection", "DownloadFailedError": "connection",
    "ConnectError": "connection", "ConnectionAborted": "connection", "DownloadCancelledError": "connection",
    "UnsupportedURLSchemeError": "bad_url", "NotSupported": "bad_url", "InvalidURL": "bad_url",
}
_TEXT_OF_KIND = {
    "dns": "DNS lookup failed (no such host, or no DNS)",
    "refused": "connection refused (nothing listens there)",
    "timeout": "timed out",
    "tls": "TLS handshake failed",
    "connection": "connection lost",
    "bad_url": "unsupported URL",
    "robots": "forbidden by robots.txt",
}
BLOCKING_STATUSES = (401, 403, 429, 451)


def _kind_of_class(cls: type) -> str | None:
    for klass in cls.__mro__:
        if klass.__module__.startswith("OpenSSL") or klass.__name__ in ("SSLError", "TLSError"):
            return "tls"
        kind = _KIND_OF_CLASS.get(klass.__name__)
        if kind:
            return kind
    return None


def status_cause(status: int) -> Cause:
    if status in BLOCKING_STATUSES:
        return Cause("blocked", f"blocked (HTTP {status})")
    return Cause("http", f"HTTP {status}")


def cause(error: Any) -> Cause:
    """The cause of ``error``: an exception or a Twisted ``Failure`` (its ``value`` is read)."""
    exc = getattr(error, "value", error)
    response = getattr(exc, "response", None)
    if response is not None and getattr(response, "status", None):   # Scrapy's HttpError
        return status_cause(int(response.status))
    if type(exc).__name__ == "IgnoreRequest" and "robots" in str(exc).lower():
        return Cause("robots", _TEXT_OF_KIND["robots"])
    kind = _kind_of_class(type(exc))
    if kind:
        return Cause(kind, _TEXT_OF_KIND[kind])
    detail = " ".join(str(exc).split())[:200]
    return Cause("other", f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__)


def host_of(url: str | None) -> str:
    return urlsplit(url or "").netloc or "?"


def failure_line(url: str, error: Any, retries: int | None = None) -> str:
    """``<host>: <cause>[ after N tries]: <url>`` — the one line logged for a failed request."""
    tries = f" after {retries + 1} tries" if retries else ""
    return f"{host_of(url)}: {cause(error).text}{tries}: {url}"


def _class_name(stats_key: str) -> str:
    return stats_key.rsplit("/", 1)[-1].rsplit(".", 1)[-1].strip("<>'")


def causes_in(stats: Mapping[str, Any]) -> Counter[str]:
    """Failed attempts by cause text, from Scrapy's download stats (every retry counts)."""
    found: Counter[str] = Counter()
    for key, n in stats.items():
        if key.startswith("downloader/exception_type_count/"):
            name = _class_name(key)
            kind = _KIND_OF_CLASS.get(name) or ("tls" if "SSL" in name or "TLS" in name else None)
            found[_TEXT_OF_KIND[kind] if kind else name] += int(n)
        elif key.startswith("downloader/response_status_count/"):
            status = int(key.rsplit("/", 1)[-1])
            if status >= 400:
                found[status_cause(status).text] += int(n)
    if stats.get("robotstxt/forbidden"):
        found[_TEXT_OF_KIND["robots"]] += int(stats["robotstxt/forbidden"])
    return found


def nothing_fetched(stats: Mapping[str, Any], targets: Iterable[str]) -> str:
    """The line for a crawl that fetched nothing: where from, and the causes seen, most frequent first."""
    hosts = sorted({host_of(t) for t in targets if t}) or ["the site"]
    where = ", ".join(hosts[:3]) + (f" and {len(hosts) - 3} more" if len(hosts) > 3 else "")
    found = causes_in(stats)
    if not found:
        return f"crawl fetched nothing from {where}: no request was answered"
    top = "; ".join(f"{text} ({n} attempt{'s' if n != 1 else ''})" for text, n in found.most_common(3))
    return f"crawl fetched nothing from {where}: {top}"
