"""What a failed fetch means (tempo_crawler/failures.py): every failure has a cause with a stats key, a coarse
kind and words for the log; a bug names where it happened."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from tempo_crawler.failures import cause, exception_cause

URL = "https://www.tempo.co/internasional/contoh--1234567"


def failed(exc: Exception) -> Failure:
    failure = Failure(exc)
    failure.request = Request(URL)
    return failure


@pytest.mark.parametrize(("exc", "key", "kind", "text"), [
    (HttpError(Response(URL, status=503), "Ignoring non-200 response"), "http_503", "http", "HTTP 503"),
    (HttpError(Response(URL, status=404), "Ignoring non-200 response"), "http_404", "http", "HTTP 404"),
    (HttpError(Response(URL, status=403), "Ignoring non-200 response"), "http_403", "blocked", "blocked (HTTP 403)"),
    (DownloadTimeoutError("Getting x took longer than 30 seconds."), "timeout", "timeout", "timed out"),
    (CannotResolveHostError("DNS lookup failed: no results for hostname lookup: x"), "dns", "dns",
     "DNS lookup failed (no such host, or no DNS)"),
    (DownloadConnectionRefusedError("Connection was refused by other side"), "connection_refused", "refused",
     "connection refused (nothing listens there)"),
    (DownloadFailedError(""), "connection_lost", "connection", "connection lost"),
    (ResponseDataLossError(), "truncated", "connection", "response cut short (fewer bytes than its Content-Length)"),
    (DownloadCancelledError("Cancelling download of x: expected response size (11000000) larger than download "
                            "max size (10485760)."), "too_large", "other", "larger than DOWNLOAD_MAXSIZE"),
    (IgnoreRequest("max redirections reached"), "redirect_loop", "http",
     "too many redirects (max redirections reached)"),
    (IgnoreRequest("Forbidden by robots.txt"), "robots", "robots", "forbidden by robots.txt"),
    (ValueError("Invalid IPv6 URL"), "value_error", "other", "ValueError: Invalid IPv6 URL"),
])
def test_every_failure_has_a_cause(exc: Exception, key: str, kind: str, text: str) -> None:
    found = cause(failed(exc))
    assert (found.key, found.kind, found.text) == (key, kind, text)
    assert found.text.strip() and "()" not in found.text


def test_a_bug_names_where_it_happened() -> None:
    found = exception_cause(TypeError("expected str, got int"), "parser")
    assert (found.key, found.text) == ("parser_error", "parser error: TypeError: expected str, got int")
