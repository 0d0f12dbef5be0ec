"""``scrapy reparse``'s download path: every request is answered from the archive, and only from it.

A downloader middleware placed after every other one (``process_request`` last): it returns the archived
response of the request's URL (the capture :class:`~tempo_crawler.archive.index.Replay` picks), flagged
``archived`` (and ``playwright`` when the capture is a rendered page), or raises ``IgnoreRequest`` for a URL
the archive does not hold (``tempo/replay/not_archived``). It never returns None, so no request reaches a
download handler: a reparse makes no network request. The returned response then goes through the other
middlewares' ``process_response`` as a downloaded one would (decompression, redirects), and the spider gets
the capture's fetch time in ``meta["tempo_fetched_at"]``.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes

from tempo_crawler.archive import FETCHED_AT, META
from tempo_crawler.archive.index import Capture, Replay, payload
from tempo_crawler.archive.reader import read_at
from tempo_crawler.render.fallback import RENDERED

logger = logging.getLogger(__name__)

REPLAY_ATTR = "tempo_replay"   # crawler attribute: the Replay the command built


def attach(crawler: Any, replay: Replay) -> None:
    setattr(crawler, REPLAY_ATTR, replay)


def _headers(http: Any) -> Headers:
    values: dict[str, list[str]] = {}
    for name, value in (http.headers if http is not None else []):
        values.setdefault(name, []).append(value)
    return Headers(values)


def page_text(capture: Capture) -> str | None:
    """The decoded text of an archived page (content encoding undone, charset applied); None if not text."""
    source = capture.original or capture
    record = read_at(source.file, source.offset, source.length)
    body = record.content_stream().read()
    headers = _headers(record.http_headers)
    headers.pop(b"Content-Encoding", None)
    url = capture.final_uri or capture.uri
    response = responsetypes.from_args(headers=headers, url=url, body=body)(url=url, headers=headers, body=body)
    return response.text if isinstance(response, TextResponse) else None


class ReplayMiddleware:
    def __init__(self, crawler: Any, replay: Replay) -> None:
        self.crawler = crawler
        self.replay = replay

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReplayMiddleware:
        replay = getattr(crawler, REPLAY_ATTR, None)
        if replay is None:
            raise NotConfigured("no archive to replay (scrapy reparse sets it)")
        return cls(crawler, replay)

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def process_request(self, request: Any) -> Any:
        rendered = bool(request.meta.get(RENDERED) or request.meta.get("playwright"))
        capture = self.replay.find(request.url, rendered)
        if capture is None:
            self.stats.inc_value("tempo/replay/not_archived")
            logger.warning("not in the archive, not fetched: %s", request.url)
            raise IgnoreRequest(f"not in the archive: {request.url}")
        try:
            response = self.response(capture, request)
        except (OSError, ValueError) as exc:
            self.stats.inc_value("tempo/replay/unreadable")
            logger.error("archive record unreadable: %s offset %d (%s: %s)", capture.file, capture.offset,
                         type(exc).__name__, exc)
            raise IgnoreRequest(f"archive record unreadable: {request.url}") from None
        self.stats.inc_value("tempo/replay/served")
        request.meta[FETCHED_AT] = capture.fetched_at
        request.meta[META] = {"record_id": capture.record_id, "file": str(capture.file), "offset": capture.offset}
        return response

    @staticmethod
    def response(capture: Capture, request: Any) -> Any:
        http, body = payload(capture)
        headers = _headers(http)
        url = capture.final_uri or request.url
        cls = responsetypes.from_args(headers=headers, url=url, body=body)
        flags = ["archived", *(["playwright"] if capture.rendered else [])]
        return cls(url=url, status=capture.status, headers=headers, body=body, flags=flags, request=request,
                   protocol=http.protocol if http is not None else None)
