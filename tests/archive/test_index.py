"""The archive index: captures and quarantine marks read back, the reparse selection, the replay choice, and
an archived compressed page served as the server sent it."""

from __future__ import annotations

import gzip
import io
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler
from warcio.statusandheaders import StatusAndHeaders

from tempo_crawler.archive import FETCHED_AT, KIND, RENDERED
from tempo_crawler.archive.index import ArchiveIndex, Replay, select
from tempo_crawler.archive.records import quarantine_mark, warc_date
from tempo_crawler.archive.replay import ReplayMiddleware, attach, page_text
from tempo_crawler.archive.writer import ArchiveWriter, record_factory

FACTORY = record_factory()
DAY1 = datetime(2026, 5, 1, 10, 0, tzinfo=timezone.utc)
DAY2 = DAY1 + timedelta(days=1)
A = "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan"
A2 = "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan?page_num=2"
A_AMP = "https://dunia.tempo.co/amp/1879931/nato-setujui-bantuan"
B = "https://www.tempo.co/internasional/kim-jong-un-bicara--1230354"
FEED = "https://rss.tempo.co/dunia"


def capture(url: str, when: datetime, body: bytes = b"<html></html>", status: str = "200 OK", *,
            rendered: bool = False, headers: list[tuple[str, str]] | None = None) -> object:
    http = StatusAndHeaders(status, headers or [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    fields = {"WARC-Date": warc_date(when), KIND: "article" if "read" in url or "--" in url else "listing"}
    if rendered:
        fields[RENDERED] = "true"
    return FACTORY.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
                                      warc_headers_dict=fields)


def archive(tmp_path: Path, *records: object) -> Path:
    w = ArchiveWriter(tmp_path, "world", 10_000_000, clock=lambda: DAY1)
    for r in records:
        w.write([r])
    w.close()
    return tmp_path


def test_index_reads_captures_and_quarantine_marks(tmp_path: Path) -> None:
    odd = capture(B, DAY1)
    archive(tmp_path, capture(A, DAY1), capture(FEED, DAY1), odd,
            quarantine_mark(B, odd.rec_headers.get_header("WARC-Record-ID"), "no known layout", DAY1))
    index = ArchiveIndex.build(tmp_path)
    assert index.records == 4                      # three responses, one metadata
    assert [(c.uri, c.status, c.kind, c.fetched_at) for c in index.captures] == [
        (A, 200, "article", DAY1), (FEED, 200, "listing", DAY1), (B, 200, "article", DAY1)]
    assert index.quarantined == {odd.rec_headers.get_header("WARC-Record-ID"): "no known layout"}
    assert not index.problems and not index.torn


def test_selection_one_capture_per_article_latest_readable_desktop_first(tmp_path: Path) -> None:
    archive(tmp_path, capture(A, DAY1, b"old"), capture(A, DAY2, b"busy", "503 Service Unavailable"),
            capture(A2, DAY1), capture(A_AMP, DAY2), capture(B, DAY1), capture(FEED, DAY2))
    index = ArchiveIndex.build(tmp_path)
    chosen = select(index).captures
    # A: the day-1 desktop page (the day-2 capture is an error, the AMP page is second choice); page 2 and the
    # feed are not starting points
    assert [(c.uri, c.fetched_at) for c in chosen] == [(A, DAY1), (B, DAY1)]
    assert [c.uri for c in select(index, ids=["1230354"]).captures] == [B]
    assert [c.uri for c in select(index, since=date(2026, 5, 2)).captures] == [A_AMP]
    assert [c.uri for c in select(index, until=date(2026, 5, 1)).captures] == [A, B]
    assert select(index, quarantined=True).captures == []


def test_replay_serves_the_latest_readable_capture_and_the_other_kind_as_a_fallback(tmp_path: Path) -> None:
    archive(tmp_path, capture(A, DAY1, b"one"), capture(A, DAY2, b"two"),
            capture(A, DAY2 + timedelta(hours=1), b"", "503 Service Unavailable"),
            capture(B, DAY1, b"shell"), capture(B, DAY1, b"rendered", rendered=True))
    replay = Replay(ArchiveIndex.build(tmp_path).captures)
    assert replay.find(A, False).fetched_at == DAY2
    assert Replay(ArchiveIndex.build(tmp_path).captures, until=DAY2).find(A, False).fetched_at == DAY1
    assert replay.find(A, True).fetched_at == DAY2            # no rendered capture: the static one
    assert (replay.find(B, False).rendered, replay.find(B, True).rendered) == (False, True)
    assert replay.find(FEED, False) is None


def test_replayed_compressed_page_is_the_servers_bytes_and_decodes_like_a_download(tmp_path: Path) -> None:
    html = "<html><body><p>Kim Jong Un bicara — ü</p></body></html>"
    raw = gzip.compress(html.encode("utf-8"))
    archive(tmp_path, capture(B, DAY1, raw, headers=[("Content-Type", "text/html; charset=utf-8"),
                                                     ("Content-Encoding", "gzip")]))
    index = ArchiveIndex.build(tmp_path)
    assert page_text(index.captures[0]) == html
    crawler = get_crawler()
    attach(crawler, Replay(index.captures))
    mw = ReplayMiddleware.from_crawler(crawler)
    request = Request(B)
    response = mw.process_request(request)
    assert response.body == raw and response.headers[b"Content-Encoding"] == b"gzip" and "archived" in response.flags
    assert request.meta[FETCHED_AT] == DAY1
    decoded = HttpCompressionMiddleware.from_crawler(crawler).process_response(request, response)
    assert isinstance(decoded, TextResponse) and decoded.text == html


def test_a_page_fetched_again_unchanged_is_a_revisit_that_replays_the_original_payload(tmp_path: Path) -> None:
    from scrapy.http import HtmlResponse

    from tempo_crawler.archive.records import Original, payload_digest, response_pair

    def fetched(body: bytes, date: str) -> tuple[Request, HtmlResponse]:
        request = Request(B)
        return request, HtmlResponse(B, status=200, body=body, headers={"Content-Type": "text/html; charset=utf-8",
                                                                        "Date": date}, request=request)

    w = ArchiveWriter(tmp_path, "world", 10_000_000, clock=lambda: DAY1)
    first = response_pair(*fetched(b"<p>same</p>", "Fri, 01 May 2026 10:00:00 GMT"), DAY1, kind="article",
                          source="sitemap", rendered=False, run=None)
    w.write(first)
    h = first[0].rec_headers
    digest = payload_digest(b"<p>same</p>")
    assert h.get_header("WARC-Payload-Digest") == digest
    original = Original(h.get_header("WARC-Record-ID"), B, h.get_header("WARC-Date"))
    again = response_pair(*fetched(b"<p>same</p>", "Sat, 02 May 2026 10:00:00 GMT"), DAY2, kind="article",
                          source="sitemap", rendered=False, run=None, original=original)
    w.write(again)
    w.close()
    assert again[0].rec_type == "revisit" and again[0].rec_headers.get_header("WARC-Payload-Digest") == digest
    index = ArchiveIndex.build(tmp_path)
    latest = Replay(index.captures).find(B, False)
    assert latest.record_id == again[0].rec_headers.get_header("WARC-Record-ID") and latest.original is not None
    response = ReplayMiddleware.response(latest, Request(B))
    assert response.body == b"<p>same</p>" and response.headers[b"Date"] == b"Sat, 02 May 2026 10:00:00 GMT"
    assert page_text(latest) == "<p>same</p>"
