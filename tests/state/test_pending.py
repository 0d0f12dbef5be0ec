"""Nothing is marked done that was not exported (issue 11, defect 2): an article whose page failed stays
pending in the store and a later run exports it, whatever the discovery source; bounded attempts; the
accounting of a run's article requests (tempo_crawler/state/pending.py)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings

from tempo_crawler.exitcodes import DATA_QUALITY, INCOMPLETE
from tempo_crawler.sources import ArticleRef
from tempo_crawler.state.store import SCHEMA_VERSION, SeenStore
from tests.support.cron import CronSite, read_union
from tests.support.stats import Stats

API_ONLY = {"TEMPO_SOURCES": "api", "TEMPO_API_PAGE_SIZE": "5"}   # discovery through the API alone, 5 a page


def served_path(replica, entry) -> str:  # noqa: ANN001
    return urlsplit(replica.url(entry.page_url)).path


def requests_for(replica, path: str, since: int = 0) -> int:  # noqa: ANN001
    return sum(1 for _, t in replica.site.requests[since:] if urlsplit(t).path == path)


@pytest.mark.crawl
def test_a_quarantined_article_found_through_the_api_alone_comes_out_in_a_later_run(make_replica,
                                                                                    tmp_path: Path) -> None:
    """The loss of issue 11: an article on the API's second page whose page is quarantined in run 1. Run 1
    used to count as complete, so run 2 stopped paging at the (unchanged) first page and the article never
    came out. Now it stays pending, run 1 exits 6 and does not mark its coverage complete, run 2 exports it."""
    replica = make_replica(synthetic=12, fixtures_dir=None)
    victim = replica.site.articles[7]          # newest first, 5 a page: on the API's second page
    path = served_path(replica, victim)
    replica.site.fail(path, 200, times=10**6)  # a 200 with a plain-text body: no layout reads it
    cron = CronSite(replica.origin, tmp_path)

    first = cron.run("-a", "render=never", settings=API_ONLY)
    assert first.returncode in (INCOMPLETE, DATA_QUALITY), first.log[-3000:]   # 5: a page quarantined, too
    assert any(f.startswith("Pending articles: 1 article(s)") for f in first.stats["tempo/run/failures"])
    assert sorted(i["id"] for i in first.items) == sorted(e.id for e in replica.site.articles if e.id != victim.id)
    assert first.stats["tempo/quarantined"] == 1 and first.stats["tempo/failed/quarantined"] == 1
    assert first.stats["tempo/pending"] == 1
    assert list(first.stats["tempo/failed_articles"].values()) == ["quarantined: no known layout"]
    assert path in next(iter(first.stats["tempo/failed_articles"]))

    replica.site.clear_faults()
    mark = len(replica.site.requests)
    second = cron.run("-a", "render=never", settings=API_ONLY)
    assert second.returncode == 0, second.log[-3000:]
    assert [i["id"] for i in second.items] == [victim.id]
    assert second.stats["tempo/pending"] == 0 and second.stats["tempo/pending/retried"] == 1
    assert requests_for(replica, path, mark) == 1
    union = read_union(cron.files())
    assert not union.unreadable and union.lines == 12 and set(union.ids.values()) == {1}

    third = cron.run("-a", "render=never", settings=API_ONLY)   # all done: paging stops, nothing pending
    assert third.returncode == 0 and third.items == []
    assert third.stats.get("tempo/incremental/paging_stopped") == 1
    assert not third.stats.get("tempo/pending/retried")


@pytest.mark.crawl
def test_pending_attempts_are_bounded(make_replica, tmp_path: Path) -> None:
    replica = make_replica(synthetic=12, fixtures_dir=None)
    victim = replica.site.articles[7]
    path = served_path(replica, victim)
    replica.site.fail(path, 404, times=10**6)   # gone for good
    cron = CronSite(replica.origin, tmp_path)
    settings = {**API_ONLY, "TEMPO_PENDING_MAX_ATTEMPTS": "2"}

    first = cron.run("-a", "render=never", settings=settings)
    assert first.returncode == 6 and first.stats["tempo/failed/http_404"] == 1, first.log[-3000:]
    assert "article not fetched, not exported this run: " in first.log and "HTTP 404: " in first.log
    assert path in first.log
    second = cron.run("-a", "render=never", settings=settings)   # retried once more, then given up
    assert second.stats["tempo/pending/retried"] == 1 and second.stats["tempo/pending_given_up"] == 1
    assert second.stats["tempo/pending"] == 0 and second.returncode == 6, second.log[-3000:]
    assert "giving up on" in second.log
    info = json.loads(cron.state_cmd("show", "--json", "-s", "TEMPO_PENDING_MAX_ATTEMPTS=2").stdout)
    assert (info["pending"], info["pending_given_up"]) == (0, 1)
    assert info["pending_articles"][0]["attempts"] == 2 and info["pending_articles"][0]["cause"] == "HTTP 404"

    mark = len(replica.site.requests)
    third = cron.run("-a", "render=never", settings=settings)   # given up: listings skip it too
    assert third.returncode == 0 and not third.stats.get("tempo/pending/retried"), third.log[-3000:]
    assert third.stats["tempo/skipped/given_up"] == 1 and requests_for(replica, path, mark) == 0
    full = cron.run("-a", "render=never", "-a", "full=1", settings=settings)   # full=1 tries it again
    assert requests_for(replica, path, mark) == 1 and full.stats["tempo/failed/http_404"] == 1


# ---------------------------------------------------------------- the account of one run's requests

@pytest.fixture
def spider(tmp_path: Path):  # noqa: ANN201
    from tempo_crawler.spiders.world import WorldSpider

    crawler = Crawler(WorldSpider, Settings({"TEMPO_STATE_MODE": "off", "TEMPO_RENDER": "never",
                                             "TEMPO_QUARANTINE_DIR": str(tmp_path / "q")}))
    crawler.stats = Stats()
    return WorldSpider.from_crawler(crawler)


def article_response(spider, body: bytes = b"<html><body><p>x</p></body></html>",  # noqa: ANN001
                     url: str = "https://www.tempo.co/internasional/judul-berita-1234567") -> HtmlResponse:
    request = spider.article_request(ArticleRef(url=url, source="api"))
    return HtmlResponse(url, body=body, request=request)


def test_a_parser_error_costs_one_article_and_leaves_it_pending(spider, monkeypatch) -> None:  # noqa: ANN001
    class Broken:   # a layout parser that meets what it did not expect
        def parse(self, page: object) -> None:
            raise TypeError("expected string or bytes-like object, got 'int'")

    monkeypatch.setattr("tempo_crawler.spiders.articles.parse", lambda page, layouts: Broken().parse(page))
    response = article_response(spider, b"<html><body>x</body></html>")
    assert list(spider.parse_article(response)) == []          # no exception escapes
    stats = spider.crawler.stats.values
    assert stats["tempo/failed/parser_error"] == 1 and stats["tempo/articles/failed"] == 1
    assert stats["tempo/failed_articles"] == {response.url: "parser error: TypeError: expected string or "
                                                            "bytes-like object, got 'int'"}
    assert spider.pending.finish("finished") == 1 and stats["tempo/pending"] == 1


def test_a_cut_short_page_is_not_read(spider) -> None:  # noqa: ANN001
    whole = b"<html><head><title>t</title></head><body><article><p>Paragraf satu.</p>"
    response = article_response(spider, whole)                   # the connection closed before </html>
    assert list(spider.parse_article(response)) == []
    assert spider.crawler.stats.values["tempo/failed/truncated"] == 1
    assert list(spider.crawler.stats.values["tempo/failed_articles"].values()) == [
        "page cut short (no closing </html>)"]


def test_outcomes_settle_or_leave_pending(spider) -> None:  # noqa: ANN001
    ledger = spider.pending
    urls = [f"https://www.tempo.co/internasional/berita-{n}-{1000000 + n}" for n in range(5)]
    responses = [article_response(spider, url=u) for u in urls]
    ledger.item_scraped({}, responses[0])                                     # exported
    unchanged = DropItem("unchanged")
    unchanged.reasons = ["unchanged"]
    ledger.item_dropped({}, responses[1], unchanged)                          # nothing new: settled
    invalid = DropItem("invalid article: no_body")
    invalid.reasons = ["no_body"]
    ledger.item_dropped({}, responses[2], invalid)                            # dropped for a fault: pending
    ledger.request_dropped(responses[3].request.replace(meta={**responses[3].request.meta, "redirect_times": 2}))
    # responses[4]: no outcome at all by the end of the run (e.g. shut down): pending too
    assert ledger.finish("shutdown") == 3
    causes = spider.crawler.stats.values["tempo/failed_articles"]
    assert set(causes) == set(urls[2:])
    assert causes[urls[2]].startswith("dropped (no_body)")
    assert causes[urls[3]].startswith("redirect loop")
    assert causes[urls[4]] == "not fetched: the run ended (shutdown)"
    assert not ledger.fail(Request("https://www.tempo.co/indeks"), ledger.failed[next(iter(ledger.failed))][1])


# ---------------------------------------------------------------- the store's side

def test_pending_rows_count_attempts_and_clear_on_export(tmp_path: Path) -> None:
    store = SeenStore(tmp_path / "s.sqlite")
    url = "https://www.tempo.co/internasional/judul-berita-1234567"
    assert store.mark_pending("b:1234567", url, source="api", cause="HTTP 503", now="2026-01-01T00:00:00+00:00") == 1
    assert store.mark_pending("b:1234567", url, source=None, cause="timeout", now="2026-01-02T00:00:00+00:00") == 2
    store.commit()
    [row] = store.pending(max_attempts=5)
    assert (row.attempts, row.cause, row.source, row.first_failed[:10], row.last_failed[:10]) == (
        2, "timeout", "api", "2026-01-01", "2026-01-02")
    assert store.pending(max_attempts=2) == [] and store.pending_counts(2) == (0, 1)
    store.record({"id": "1234567", "url": url, "title": "Judul", "body": ["Isi."]})   # exported: no longer pending
    store.commit()
    assert store.pending() == []
    store.close()


def test_a_version_1_store_is_migrated(tmp_path: Path) -> None:
    from tempo_crawler.state.store_file import file_problem

    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
        INSERT INTO meta VALUES ('schema_version', '1'), ('created_at', '2026-01-01T00:00:00+00:00');
        CREATE TABLE runs (run_id TEXT PRIMARY KEY, pid INTEGER, started_at TEXT NOT NULL, finished_at TEXT,
                           status TEXT NOT NULL, reason TEXT, complete INTEGER, exported INTEGER NOT NULL DEFAULT 0,
                           file TEXT);
        INSERT INTO runs VALUES ('r1', 1, '2026-01-01', '2026-01-01', 'finished', 'finished', 1, 3, 'f');""")
    db.commit()
    db.close()
    store = SeenStore(path)
    assert store.summary()["meta"]["schema_version"] == str(SCHEMA_VERSION)
    assert store.pending() == [] and store.texts_missing() == []
    assert store.unfinished_runs() == [] and store.coverage_complete()
    store.close()
    assert file_problem(path) is None
