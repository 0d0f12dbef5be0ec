"""The archiving middleware on its own: what it writes for a response, a page fetched again, a quarantine."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from tempo_crawler import quarantine
from tempo_crawler.archive import FETCHED_AT, META
from tempo_crawler.archive.index import ArchiveIndex, payload
from tempo_crawler.archive.middleware import ArchiveMiddleware
from tempo_crawler.spiders.world import WorldSpider

URL = "https://www.tempo.co/internasional/kim-jong-un-bicara--1230354"


def fetch(mw: ArchiveMiddleware, body: bytes, **meta: object) -> Request:
    request = Request(URL, meta={"tempo_source": "sitemap", "tempo_kind": "article", **meta})
    response = HtmlResponse(URL, body=body, headers={"Content-Type": "text/html"}, request=request)
    assert mw.process_response(request, response) is response
    return request


def test_responses_revisits_fetch_time_and_quarantine_mark(tmp_path: Path) -> None:
    crawler = get_crawler(WorldSpider, {"TEMPO_ARCHIVE_DIR": str(tmp_path)})
    crawler.stats.open_spider()
    mw = ArchiveMiddleware.from_crawler(crawler)
    first = fetch(mw, b"<p>one</p>")
    again = fetch(mw, b"<p>one</p>")            # unchanged: a revisit
    changed = fetch(mw, b"<p>two</p>")          # changed: a full response
    robots = Request("https://www.tempo.co/robots.txt")
    mw.process_response(robots, HtmlResponse(robots.url, body=b"User-agent: *", request=robots))   # not the spider's
    response = HtmlResponse(URL, body=b"<p>two</p>", request=changed)
    crawler.signals.send_catch_log(quarantine.page_quarantined, response=response, reason="no known layout")
    mw.spider_closed(None)

    index = ArchiveIndex.build(tmp_path)
    captures = {c.record_id: c for c in index.captures}
    assert [c.uri for c in index.captures] == [URL] * 3
    for request in (first, again, changed):
        capture = captures[request.meta[META]["record_id"]]
        assert request.meta[FETCHED_AT] == capture.fetched_at     # the parsers' fetch time is the record's
    assert captures[again.meta[META]["record_id"]].original == captures[first.meta[META]["record_id"]]
    assert captures[changed.meta[META]["record_id"]].original is None
    assert [payload(captures[r.meta[META]["record_id"]])[1] for r in (first, again, changed)] == \
        [b"<p>one</p>", b"<p>one</p>", b"<p>two</p>"]
    assert index.quarantined == {changed.meta[META]["record_id"]: "no known layout"}
    stats = crawler.stats.get_stats()
    assert (stats["tempo/archive/responses"], stats["tempo/archive/revisits"],
            stats["tempo/archive/quarantine_marks"]) == (3, 1, 1)
