"""What a response came to: whether it was cut short, the text of a page, the request behind a result. (The
cause of a failed request: :mod:`tempo_crawler.failures`.)"""

from __future__ import annotations

import re
from typing import Any

from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

_HTML_END = re.compile(rb"</html\s*>", re.IGNORECASE)


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
