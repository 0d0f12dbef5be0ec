"""Revisit candidates across runs without reading the day's WARC file, in bounded memory, never dangling."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from tempo_crawler.archive import CLOSED, META, revisits
from tempo_crawler.archive.index import ArchiveIndex
from tempo_crawler.archive.middleware import ArchiveMiddleware
from tempo_crawler.spiders.world import WorldSpider

URL = "https://www.tempo.co/internasional/kim-jong-un-bicara--{}"


def run(directory: Path) -> tuple[Any, ArchiveMiddleware]:
    crawler = get_crawler(WorldSpider, {"TEMPO_ARCHIVE_DIR": str(directory)})
    crawler.stats.open_spider()
    return crawler, ArchiveMiddleware.from_crawler(crawler)


def fetch(mw: ArchiveMiddleware, n: int, body: bytes) -> Request:
    request = Request(URL.format(n), meta={"tempo_source": "sitemap", "tempo_kind": "article"})
    response = HtmlResponse(request.url, body=body, headers={"Content-Type": "text/html"}, request=request)
    assert mw.process_response(request, response) is response
    return request


def test_a_later_run_writes_revisits_without_reading_the_days_file(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _, first = run(tmp_path)
    originals = [fetch(first, n, f"<p>page {n}</p>".encode()) for n in range(40)]
    first.spider_closed(None)

    def whole_file(*args: object, **kwargs: object) -> None:
        raise AssertionError("the day's WARC file was read whole")

    for module in ("tempo_crawler.archive.reader", "tempo_crawler.archive.index"):
        monkeypatch.setattr(f"{module}.members", whole_file)
    crawler, second = run(tmp_path)
    same = fetch(second, 7, b"<p>page 7</p>")       # unchanged: a revisit of run 1's response
    changed = fetch(second, 8, b"<p>page 8, edited</p>")
    second.spider_closed(None)
    monkeypatch.undo()

    stats = crawler.stats.get_stats()
    assert (stats["tempo/archive/responses"], stats["tempo/archive/revisits"]) == (2, 1)
    captures = {c.record_id: c for c in ArchiveIndex.build(tmp_path).captures}
    assert captures[same.meta[META]["record_id"]].original.record_id == originals[7].meta[META]["record_id"]
    assert captures[changed.meta[META]["record_id"]].original is None


def test_a_candidate_whose_record_is_gone_gives_a_full_response_not_a_dangling_revisit(tmp_path: Path) -> None:
    _, first = run(tmp_path)
    fetch(first, 1, b"<p>one</p>")
    first.spider_closed(None)
    [warc] = tmp_path.glob(f"*{CLOSED}")
    warc.unlink()                                     # removed by hand; the index still names it (same day)
    crawler, second = run(tmp_path)
    again = fetch(second, 1, b"<p>one</p>")
    second.spider_closed(None)
    assert crawler.stats.get_value("tempo/archive/revisits") is None
    [capture] = ArchiveIndex.build(tmp_path).captures
    assert capture.record_id == again.meta[META]["record_id"] and capture.original is None


def test_a_damaged_index_costs_revisits_only(tmp_path: Path) -> None:
    _, first = run(tmp_path)
    fetch(first, 1, b"<p>one</p>")
    first.spider_closed(None)
    (tmp_path / revisits.NAME).write_bytes(b"not a database" * 100)
    crawler, second = run(tmp_path)
    fetch(second, 1, b"<p>one</p>")                 # no candidate: a full response
    fetch(second, 2, b"<p>two</p>")
    second.spider_closed(None)
    _, third = run(tmp_path)
    fetch(third, 2, b"<p>two</p>")                  # the new index serves the next run
    third.spider_closed(None)
    assert crawler.stats.get_value("tempo/archive/revisits") is None
    assert sum(c.original is not None for c in ArchiveIndex.build(tmp_path).captures) == 1


def test_memory_does_not_grow_with_the_responses_of_a_run(tmp_path: Path) -> None:
    _, mw = run(tmp_path)
    body = b"<p>" + b"x" * 2000 + b"</p>"
    tracemalloc.start()
    try:
        for n in range(1200):                       # warm up (caches, one-off table resizes)
            fetch(mw, n, body)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for n in range(1200, 3200):
            fetch(mw, n, body)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        mw.spider_closed(None)
    assert grown < 150_000, f"{grown} bytes kept for 2,000 more responses"


def test_two_workers_sharing_the_folder_each_revisit_their_own_file(tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    (c1, w1), (c2, w2) = run(tmp_path), run(tmp_path)
    for n in range(20):                             # interleaved, as two processes would
        fetch(w1, n, f"<p>one {n}</p>".encode())
        fetch(w2, 100 + n, f"<p>two {n}</p>".encode())
    again = [fetch(w1, 3, b"<p>one 3</p>"), fetch(w2, 103, b"<p>two 3</p>")]
    w1.spider_closed(None)
    w2.spider_closed(None)
    assert [c.stats.get_value("tempo/archive/revisits") for c in (c1, c2)] == [1, 1]
    index = ArchiveIndex.build(tmp_path)
    assert len(index.files) == 2 and not index.problems
    captures = {c.record_id: c for c in index.captures}
    for request in again:
        revisit = captures[request.meta[META]["record_id"]]
        assert revisit.original is not None and revisit.original.file == revisit.file
    assert not [r.getMessage() for r in caplog.records if "revisit index" in r.getMessage()]   # never locked out
