"""What a fetch came to: the cause of a failed request (in words for the log, as a key for the stats), whether
a response was cut short, and the text of a page.

Every failed request is logged as one line naming the URL and its cause, e.g.
``article fetch failed: https://… (HTTP 503 after 2 retries)`` / ``(timeout)`` / ``(DNS lookup failed)`` /
``(connection refused)``, and counted under ``tempo/failed/<cause key>`` (``http_503``, ``timeout``,
``dns``, ``connection_refused``, ``connection_lost``, ``truncated``, ``too_large``, ``redirect_loop``…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_error
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

_HTML_END = re.compile(rb"</html\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Cause:
    """Why an article or listing was not read: ``key`` for ``tempo/failed/<key>``, ``text`` for the log."""

    key: str
    text: str


# (exception types, key, text), first match wins.
_KINDS: list[tuple[tuple[type[BaseException], ...], str, str]] = [
    ((DownloadTimeoutError, tx_error.TimeoutError), "timeout", "timeout"),
    ((CannotResolveHostError, tx_error.DNSLookupError), "dns", "DNS lookup failed"),
    ((DownloadConnectionRefusedError, tx_error.ConnectionRefusedError), "connection_refused", "connection refused"),
    ((ResponseDataLossError,), "truncated", "response cut short (fewer bytes than its Content-Length)"),
    ((DownloadFailedError, ResponseFailed, ResponseNeverReceived, tx_error.ConnectionLost, tx_error.ConnectionDone,
      tx_error.ConnectError), "connection_lost", "connection lost"),
]


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def failure_cause(failure: Failure) -> Cause:
    """The cause of a failed request, from the errback's failure."""
    exc = failure.value
    request = getattr(failure, "request", None)
    retries = int(request.meta.get("retry_times") or 0) if request is not None else 0
    after = f" after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""
    if isinstance(exc, HttpError):
        status = exc.response.status
        return Cause(f"http_{status}", f"HTTP {status}{after}")
    message = failure.getErrorMessage() or ""
    if isinstance(exc, IgnoreRequest):
        if "redirect" in message.lower():
            return Cause("redirect_loop", f"too many redirects ({message})")
        if "robots.txt" in message:
            return Cause("robots", "forbidden by robots.txt")
        return Cause("ignored", f"request ignored ({message or type(exc).__name__})")
    if isinstance(exc, DownloadCancelledError) and "max size" in message:
        return Cause("too_large", "larger than DOWNLOAD_MAXSIZE")
    for types, key, text in _KINDS:
        if isinstance(exc, types):
            return Cause(key, text + after)
    name = type(exc).__name__
    return Cause(_snake(name), f"{name}: {message or repr(exc)}{after}")


def exception_cause(exc: BaseException, where: str) -> Cause:
    """A bug met while reading a page (a parser, a pipeline): ``where`` says which."""
    return Cause(f"{where}_error", f"{where} error: {type(exc).__name__}: {exc}"[:300])


def cut_short(response: Response) -> str | None:
    """Why an article page's body is incomplete (None when it is whole): Scrapy flagged data loss, the body
    is empty, or an HTML page ends without ``</html>`` (a connection closed early on a response without
    Content-Length)."""
    if "dataloss" in (response.flags or []):
        return "response cut short (data loss)"
    if not response.body.strip():
        return "empty response"
    if isinstance(response, TextResponse) and b"html" in (response.headers.get("Content-Type") or b"html").lower():
        if not _HTML_END.search(response.body):
            return "page cut short (no closing </html>)"
    return None


def page_text(response: TextResponse) -> str:
    """The page's text: UTF-8 whenever the bytes are valid UTF-8 (Tempo's pages are; a header naming
    another charset is wrong then), else what the response's declared encoding gives."""
    try:
        return response.body.decode("utf-8")
    except UnicodeDecodeError:
        return response.text


def request_of(target: Any) -> Any:
    """The request behind a Response, a Failure or a Request."""
    if isinstance(target, Response):
        return target.request
    if isinstance(target, Failure):
        return getattr(target, "request", None)
    return target
