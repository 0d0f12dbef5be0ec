"""What a fetch came to (tempo_crawler/responses.py): every failed request has a cause in words and as a stats
key (issue 11, defect 8: failures were logged without HTTP status, with an empty reason ``()``); cut-short
pages are recognised; a page's text is UTF-8 whatever a wrong header says."""

from __future__ import annotations

import pytest
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from tempo_crawler.responses import cut_short, exception_cause, failure_cause, page_text

URL = "https://www.tempo.co/internasional/judul-1234567"


def failed(exc: Exception, retries: int = 0) -> Failure:
    failure = Failure(exc)
    failure.request = Request(URL, meta={"retry_times": retries} if retries else {})
    return failure


@pytest.mark.parametrize(("exc", "retries", "key", "text"), [
    (HttpError(Response(URL, status=503), "Ignoring non-200 response"), 3, "http_503", "HTTP 503 after 3 retries"),
    (HttpError(Response(URL, status=404), "Ignoring non-200 response"), 0, "http_404", "HTTP 404"),
    (DownloadTimeoutError("Getting x took longer than 30 seconds."), 2, "timeout", "timeout after 2 retries"),
    (CannotResolveHostError("DNS lookup failed: no results for hostname lookup: x"), 0, "dns", "DNS lookup failed"),
    (DownloadConnectionRefusedError("Connection was refused by other side"), 1, "connection_refused",
     "connection refused after 1 retry"),
    (DownloadFailedError(""), 0, "connection_lost", "connection lost"),
    (ResponseDataLossError(), 0, "truncated", "response cut short (fewer bytes than its Content-Length)"),
    (DownloadCancelledError("Cancelling download of x: expected response size (11000000) larger than download "
                            "max size (10485760)."), 0, "too_large", "larger than DOWNLOAD_MAXSIZE"),
    (IgnoreRequest("max redirections reached"), 0, "redirect_loop", "too many redirects (max redirections reached)"),
    (IgnoreRequest("Forbidden by robots.txt"), 0, "robots", "forbidden by robots.txt"),
    (ValueError("Invalid IPv6 URL"), 0, "value_error", "ValueError: Invalid IPv6 URL"),
])
def test_every_failure_has_a_cause(exc: Exception, retries: int, key: str, text: str) -> None:
    cause = failure_cause(failed(exc, retries))
    assert (cause.key, cause.text) == (key, text)
    assert cause.text.strip() and "()" not in cause.text


def test_a_bug_names_where_it_happened() -> None:
    cause = exception_cause(TypeError("expected str, got int"), "parser")
    assert (cause.key, cause.text) == ("parser_error", "parser error: TypeError: expected str, got int")


@pytest.mark.parametrize(("body", "flags", "ctype", "why"), [
    (b"<html><body><p>whole</p></body></html>\n", [], "text/html", None),
    (b"<HTML><body><p>whole</p></body></HTML >", [], "text/html", None),
    (b"<html><body><p>whole</p></body></html><!-- trailing -->", [], "text/html", None),
    (b"<html><body><p>cut in the mid", [], "text/html", "page cut short (no closing </html>)"),
    (b"<html><body><p>cut in the mid", ["partial"], "text/html", "page cut short (no closing </html>)"),
    (b"<html><body></body></html>", ["dataloss"], "text/html", "response cut short (data loss)"),
    (b"", [], "text/html", "empty response"),
    (b"  \n ", [], "text/html", "empty response"),
    (b"plain text without html end", [], "text/plain", None),
])
def test_cut_short(body: bytes, flags: list[str], ctype: str, why: str | None) -> None:
    cls = HtmlResponse if ctype == "text/html" else TextResponse
    response = cls(URL, body=body, flags=flags, headers={"Content-Type": ctype}, encoding="utf-8")
    assert cut_short(response) == why


def test_page_text_is_utf8_whatever_the_header_claims() -> None:
    body = "<html><body><p>\u201cSelamat datang\u201d di Jak\u00e4rta</p></body></html>".encode()
    lying = HtmlResponse(URL, body=body, headers={"Content-Type": "text/html; charset=iso-8859-1"})
    assert "\u00e2\u20ac" in lying.text or "\u00e2\x80" in lying.text    # what the header alone gives: mojibake
    assert page_text(lying) == body.decode("utf-8")
    latin = HtmlResponse(URL, body="<p>Jak\u00e4rta</p>".encode("latin-1"),
                         headers={"Content-Type": "text/html; charset=iso-8859-1"})
    assert page_text(latin) == "<p>Jak\u00e4rta</p>"                       # not UTF-8: the header decides
