"""What a failed fetch means: the one place that names the cause of a failure (for the log, the stats and the
monitors), writes the log line of a failed request, and says why a whole crawl fetched nothing.

A :class:`Cause` has three names: ``key`` for the fine stats ``tempo/failed/<key>`` (``http_503``, ``timeout``,
``dns``, ``connection_refused``, ``connection_lost``, ``tls``, ``truncated``, ``too_large``, ``redirect_loop``,
``robots``, ``offsite``, ``blocked``, ``quarantined``, ``parser_error``…), ``kind`` for the coarse
``tempo/failed/cause/<kind>`` the monitors and the report group by (``dns``, ``refused``, ``timeout``, ``tls``,
``connection``, ``bad_url``, ``offsite``, ``blocked``, ``http``, ``robots``, ``other``) and ``text`` for people.

Distributed runs add failures of their shared state in Redis (:func:`redis_cause`, kind ``redis``, counted
under ``tempo/redis/failed/<key>``) with their one line (:func:`redis_line`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tempo_crawler.text.normalize import collapse_spaces


@dataclass(frozen=True)
class Cause:
    """Why an article or listing was not read."""

    key: str                  # tempo/failed/<key>
    text: str                 # what happened, for the log line
    kind: str = "other"       # tempo/failed/cause/<kind>: the coarse group
    status: int | None = None  # the HTTP status, when there was one


# Exception class names (Scrapy's, Twisted's, OpenSSL's, ours) → (key, kind, text).
_BY_CLASS: dict[str, tuple[str, str, str]] = {}
for _names, _entry in (
    (("CannotResolveHostError", "DNSLookupError", "NoRouteError", "NoResolverError"),
     ("dns", "dns", "DNS lookup failed (no such host, or no DNS)")),
    (("DownloadConnectionRefusedError", "ConnectionRefusedError"),
     ("connection_refused", "refused", "connection refused (nothing listens there)")),
    (("DownloadTimeoutError", "TimeoutError", "TCPTimedOutError", "UserTimeoutError"),
     ("timeout", "timeout", "timed out")),
    (("SSLError", "TLSError"), ("tls", "tls", "TLS handshake failed")),
    (("ResponseDataLossError", "PotentialDataLoss"),
     ("truncated", "connection", "response cut short (fewer bytes than its Content-Length)")),
    (("ConnectionLost", "ConnectionDone", "ResponseFailed", "ResponseNeverReceived", "DownloadFailedError",
      "ConnectError", "ConnectionAborted", "TunnelError"), ("connection_lost", "connection", "connection lost")),
    (("UnsupportedURLSchemeError", "NotSupported", "InvalidURL"), ("bad_url", "bad_url", "unsupported URL")),
    (("OffsiteRefused",), ("offsite", "offsite", "refused: not a Tempo host (TEMPO_ALLOWED_ORIGINS)")),
):
    for _name in _names:
        _BY_CLASS[_name] = _entry
ROBOTS = ("robots", "robots", "forbidden by robots.txt")   # key, kind, text
BLOCKING_STATUSES = (401, 403, 429, 451)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _by_class(cls: type) -> tuple[str, str, str] | None:
    for klass in cls.__mro__:
        if klass.__module__.startswith("OpenSSL"):
            return _BY_CLASS["SSLError"]
        found = _BY_CLASS.get(klass.__name__)
        if found:
            return found
    return None


def status_cause(status: int) -> Cause:
    if status in BLOCKING_STATUSES:
        return Cause(f"http_{status}", f"blocked (HTTP {status})", "blocked", status)
    return Cause(f"http_{status}", f"HTTP {status}", "http", status)


def cause(error: Any) -> Cause:
    """The cause of ``error``: an exception or a Twisted ``Failure`` (its ``value`` is read)."""
    exc = getattr(error, "value", error)
    if type(exc).__name__ == "ChallengeBlocked":   # tempo_crawler.blocking: a WAF challenge page
        return Cause("blocked", f"blocked by a challenge page ({getattr(exc, 'reason', exc)})", "blocked")
    response = getattr(exc, "response", None)
    if response is not None and isinstance(getattr(response, "status", None), int):   # Scrapy's HttpError
        return status_cause(int(response.status))
    found = _by_class(type(exc))
    if found:
        return Cause(key=found[0], kind=found[1], text=found[2])
    message = collapse_spaces(str(exc))[:200]
    name = type(exc).__name__
    if name == "IgnoreRequest" or any(k.__name__ == "IgnoreRequest" for k in type(exc).__mro__):
        if "robots" in message.lower():
            return Cause(key=ROBOTS[0], kind=ROBOTS[1], text=ROBOTS[2])
        if "redirect" in message.lower():
            return Cause("redirect_loop", f"too many redirects ({message})", "http")
        return Cause("ignored", f"request ignored ({message or name})")
    if name == "DownloadCancelledError" and "max size" in message:
        return Cause("too_large", "larger than DOWNLOAD_MAXSIZE", "other")
    return Cause(_snake(name), f"{name}: {message}" if message else name)


def exception_cause(exc: BaseException, where: str) -> Cause:
    """A bug met while reading a page (a parser, a pipeline): ``where`` says which."""
    return Cause(f"{where}_error", f"{where} error: {type(exc).__name__}: {exc}"[:300])


def host_of(url: str | None) -> str:
    return urlsplit(url or "").netloc or "?"


def failure_line(url: str, error: Any, retries: int | None = None) -> str:
    """``<host>: <cause>[ after N tries]: <url>`` — the one line logged for a failed request."""
    tries = f" after {retries + 1} tries" if retries else ""
    return f"{host_of(url)}: {cause(error).text}{tries}: {url}"


def kind_of_class_name(name: str) -> str:
    """The coarse kind of an exception class name as Scrapy's download stats spell it (dotted or not)."""
    short = name.rsplit("/", 1)[-1].rsplit(".", 1)[-1].strip("<>'")
    found = _BY_CLASS.get(short)
    if found:
        return found[1]
    return "tls" if "SSL" in short or "TLS" in short else "other"


def _text_of_class_name(name: str) -> str:
    short = name.rsplit("/", 1)[-1].rsplit(".", 1)[-1].strip("<>'")
    found = _BY_CLASS.get(short)
    return found[2] if found else ("TLS handshake failed" if "SSL" in short or "TLS" in short else short)


def causes_in(stats: Mapping[str, Any]) -> Counter[str]:
    """Failed attempts by cause text, from Scrapy's download stats (every retry counts)."""
    found: Counter[str] = Counter()
    for key, n in stats.items():
        if key.startswith("downloader/exception_type_count/"):
            found[_text_of_class_name(key)] += int(n)
        elif key.startswith("downloader/response_status_count/"):
            status = int(key.rsplit("/", 1)[-1])
            if status >= 400:
                found[status_cause(status).text] += int(n)
        elif key.startswith("tempo/offsite/"):   # refused before any request: tempo_crawler/hosts.py
            found[_BY_CLASS["OffsiteRefused"][2]] += int(n)
    if stats.get("robotstxt/forbidden"):
        found[ROBOTS[2]] += int(stats["robotstxt/forbidden"])
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


# -- the shared state of distributed runs (Redis; tempo_crawler/distributed, docs/distributed.md) -----------
# redis-py exception class names → (key, text); looked up along the class's MRO, so a subclass redis-py adds
# later falls back to its parent's entry.
_REDIS: dict[str, tuple[str, str]] = {
    "AuthenticationError": ("redis_auth", "Redis refused the password"),
    "AuthenticationWrongNumberOfArgsError": ("redis_auth", "Redis refused the password"),
    "AuthorizationError": ("redis_auth", "Redis refused a command to this user"),
    "TimeoutError": ("redis_timeout", "Redis did not answer in time"),
    "BusyLoadingError": ("redis_loading", "Redis is still loading its data"),
    "ConnectionError": ("redis_connection", "cannot reach Redis"),
    "ReadOnlyError": ("redis_read_only", "Redis is read-only (a replica?)"),
    "OutOfMemoryError": ("redis_out_of_memory", "Redis is out of memory (maxmemory)"),
    "NoScriptError": ("redis_error", "Redis lost a script"),
    "ResponseError": ("redis_error", "Redis refused a command"),
}


def redis_cause(error: Any) -> Cause:
    """The cause of a Redis error (an exception or a Twisted ``Failure``): stats key ``redis_<what>``, kind
    ``redis``, and what redis-py said (it never holds the password)."""
    exc = getattr(error, "value", error)
    key, text = next((_REDIS[k.__name__] for k in type(exc).__mro__ if k.__name__ in _REDIS),
                     ("redis_error", "Redis failed"))
    message = collapse_spaces(str(exc))[:200]
    return Cause(key, f"{text} ({type(exc).__name__}{': ' + message if message else ''})", "redis")


def redis_line(where: str, error: Any, what: str) -> str:
    """``Redis at <where>: <cause>; <what>`` — the one line logged for a failure of the shared state
    (``where``: the URL with its password masked, :func:`tempo_crawler.distributed.config.redact`)."""
    return f"Redis at {where}: {redis_cause(error).text}; {what}"
