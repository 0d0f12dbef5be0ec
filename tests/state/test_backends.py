"""One seen-store interface, two backends (tempo_crawler/state/backend.py): the SQLite store of one machine and the
Redis store of a distributed run keep the same semantics — keys, content key, versions, first seen, runs,
coverage, recovery, pending articles and text files still to write. Every test here runs against both
(``opener`` is parametrised; Redis: a real redis-server, tests/conftest.py)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tempo_crawler.exporters.jsonl import DurableJsonLines
from tempo_crawler.identity import mapping_key as item_key
from tempo_crawler.state.backend import SeenStoreBackend
from tempo_crawler.state.recovery import recover
from tempo_crawler.state.store import SeenStore
from tests.state.test_store import B_URL, article
from tests.support.stores import redis_store

DAY1, DAY3 = "2026-11-01T00:00:00+00:00", "2026-11-03T00:00:00+00:00"


@pytest.fixture(params=["sqlite", "redis"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], SeenStoreBackend]]:
    """Opens the store of this test again and again (a new connection each time), on either backend."""
    opened: list[Any] = []

    def open_store() -> SeenStoreBackend:
        if request.param == "sqlite":
            store: Any = SeenStore(tmp_path / "state" / "world.sqlite")
        else:
            store = redis_store(request.getfixturevalue("redis_url"))
        opened.append(store)
        return store

    yield open_store
    for store in opened:
        store.close()


@pytest.fixture
def store(opener: Callable[[], SeenStoreBackend]) -> SeenStoreBackend:
    return opener()


# ---------------------------------------------------------------- the same semantics on both backends

def test_backends_implement_the_interface(store: SeenStoreBackend) -> None:
    assert isinstance(store, SeenStoreBackend)


def test_every_url_form_is_one_key_and_a_new_connection_sees_commits_only(
        opener: Callable[[], SeenStoreBackend]) -> None:
    store = opener()
    store.record(article(aid="1879931", url="https://dunia.tempo.co/read/1879931/nato-setujui-bantuan"))
    assert store.find(["a:1879931"]) is not None          # its own writes, before the commit
    assert opener().find(["a:1879931"]) is None           # nobody else's
    store.commit()
    other = opener()
    for url in ("https://dunia.tempo.co/amp/1879931/nato-setujui-bantuan",
                "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan?page_num=2"):
        assert other.find([item_key({"url": url})]).article_id == "1879931"


def test_uncommitted_records_vanish(opener: Callable[[], SeenStoreBackend]) -> None:
    store = opener()
    store.record(article())
    store.close()   # as if killed between the line's fsync and the commit
    assert opener().find(["b:1234567"]) is None


def test_new_unchanged_revised_and_versions(store: SeenStoreBackend,
                                            opener: Callable[[], SeenStoreBackend]) -> None:
    first = article()
    assert store.classify(first).kind == "new"
    rid = store.record({**first, "version": 1, "first_seen": DAY1}, now=DAY1)
    store.commit()
    again = opener().classify(article(crawled_at="2026-11-02T00:00:00+00:00"))
    assert again.kind == "unchanged" and again.record.rid == rid and again.record.version == 1
    edited = article(body=["Paragraf satu.", "Paragraf dua, kini dengan koreksi."])
    verdict = store.classify(edited)
    assert verdict.kind == "revised" and verdict.record.version == 1
    store.record({**edited, "version": 2, "first_seen": verdict.record.first_seen, "revised_at": DAY3}, now=DAY3)
    store.commit()
    rec = opener().find([item_key(edited)])
    assert (rec.rid, rec.version, rec.first_seen, rec.revised_at) == (rid, 2, DAY1, DAY3)
    assert store.classify(edited).kind == "unchanged" and store.classify(first).kind == "revised"
    summary = opener().summary()
    assert (summary["articles"], summary["revised"], summary["keys"]) == (1, 1, 1)
    assert summary["newest_first_seen"] == DAY1 and summary["last_seen"] == DAY3


def test_same_story_under_another_id_is_a_duplicate_and_urls_unite(store: SeenStoreBackend,
                                                                    opener: Callable[[], SeenStoreBackend]) -> None:
    store.record(article(aid="1879931", url="https://dunia.tempo.co/read/1879931/presiden-fiktif"))
    twin = article()   # b:1234567, same title and body
    verdict = store.classify(twin)
    assert verdict.kind == "duplicate" and verdict.record.canonical_key == "a:1879931"
    store.touch(verdict.record.rid, [item_key(twin)], listing_lastmod="2026-11-02T00:00:00+00:00")
    assert store.find([item_key(twin)]).canonical_key == "a:1879931"
    store.commit()
    later = opener()
    row = later.find(["b:1234567"])
    assert row.canonical_key == "a:1879931" and row.listing_lastmod == "2026-11-02T00:00:00+00:00"
    assert later.keys_of(row.rid) == ["a:1879931", "b:1234567"]
    later.touch(row.rid, ["b:1234567"], listing_lastmod="2026-10-01T00:00:00+00:00")   # older: kept the newer
    later.commit()
    assert opener().find(["a:1879931"]).listing_lastmod == "2026-11-02T00:00:00+00:00"


def test_requested_url_keys_unite_with_the_canonical_one(store: SeenStoreBackend,
                                                         opener: Callable[[], SeenStoreBackend]) -> None:
    store.record(article(), keys=["a:1879931"])   # requested the old-site URL; rel=canonical named the new one
    store.commit()
    other = opener()
    assert other.find(["a:1879931"]).canonical_key == "b:1234567"
    assert sorted(other.keys_of(other.find(["b:1234567"]).rid)) == ["a:1879931", "b:1234567"]


def test_coverage_complete_only_after_a_finished_complete_listing_run(store: SeenStoreBackend) -> None:
    assert not store.coverage_complete()
    store.begin_run("r1", "f1", pid=1)
    assert not store.coverage_complete()
    store.end_run("r1", status="finished", reason="finished", complete=True, exported=3, file="f1")
    store.set_coverage("r1", {"api": True, "indeks": False})
    store.commit()
    assert store.coverage_complete() and store.covered_sources() == {"api"}
    store.begin_run("r2", None, pid=2, listing=False)   # a run that does not discover: coverage unchanged
    store.end_run("r2", status="finished", reason="finished", complete=None, exported=0, file=None)
    store.commit()
    assert store.coverage_complete()
    store.begin_run("r3", "f3", pid=3)   # killed: stays "running"
    store.commit()
    assert not store.coverage_complete() and store.covered_sources() == set()


def test_a_killed_runs_file_is_recovered_into_the_store(opener: Callable[[], SeenStoreBackend],
                                                        tmp_path: Path) -> None:
    final = tmp_path / "out" / "world-1.jsonl"
    items = [article(aid=str(i), url=f"{B_URL[:-7]}{i}", title=f"Judul {i}", body=[f"Isi {i}."])
             for i in (2000001, 2000002, 2000003)]
    store = opener()
    store.begin_run("killed-run", str(final), pid=1)
    store.commit()
    writer = DurableJsonLines(final)
    for n, item in enumerate(items):
        writer.write(item)
        store.record(item, file=str(final))
        if n == 0:
            writer.sync()
            store.commit()
    writer.sync()
    os.close(writer.fd)
    store.close()   # lines 2 and 3 are in the file, not in the store
    if hasattr(store, "client"):   # Redis: the killed run's heartbeat is gone
        store.client.delete(store.keys.of_run("alive", "run-1"))
    found = recover(opener())
    assert (found.runs, found.lines, found.reconciled) == (1, 3, 2)
    assert [json.loads(x)["id"] for x in final.read_text("utf-8").splitlines()] == ["2000001", "2000002", "2000003"]
    after = opener()
    assert all(after.find([f"b:{i}"]) is not None for i in (2000001, 2000002, 2000003))
    assert after.unfinished_runs() == [] and recover(after).runs == 0
    # their text files may not have been written before the kill: noted, with the file to write them from
    assert after.texts_missing() == [(str(i), str(final)) for i in (2000001, 2000002, 2000003)]




# ---------------------------------------------------------------- pending articles and text files to write
KEY, OTHER1, OTHER2 = "b:1234567", "b:7000001", "b:7000002"


def url_of(key: str) -> str:
    return f"{B_URL[:-7]}{key[2:]}"


def test_pending_articles_count_attempts_and_clear_on_export(store: SeenStoreBackend,
                                                             opener: Callable[[], SeenStoreBackend]) -> None:
    assert item_key(article()) == KEY
    assert store.mark_pending(KEY, B_URL, source="api", cause="HTTP 503", now=DAY1) == 1
    assert [p.attempts for p in store.pending()] == [1]   # its own writes, before the commit
    assert opener().pending() == []                       # nobody else's
    assert store.mark_pending(KEY, B_URL, source=None, cause="timed out", now=DAY3) == 2
    store.commit()
    other = opener()
    [row] = other.pending(max_attempts=5)
    assert (row.key, row.url, row.source, row.attempts, row.cause, row.first_failed, row.last_failed) == (
        KEY, B_URL, "api", 2, "timed out", DAY1, DAY3)   # a failure that names no source keeps the known one
    assert other.pending(max_attempts=2) == [] and other.pending_counts(2) == (0, 1)
    assert other.pending_counts(5) == (1, 0)
    assert other.mark_pending(KEY, B_URL, source="rss", cause="HTTP 500", now=DAY3) == 3   # on from the commit
    other.rollback()
    store.record(article(), now=DAY3)                     # exported: no longer pending
    assert store.pending() == []
    assert [p.attempts for p in opener().pending()] == [2]   # until committed
    store.commit()
    assert opener().pending() == [] and opener().pending_counts(5) == (0, 0)


def test_pending_articles_oldest_first_unchanged_clears_and_summary_counts(
        store: SeenStoreBackend, opener: Callable[[], SeenStoreBackend]) -> None:
    rid = store.record(article(), now=DAY1)
    store.mark_pending(OTHER2, url_of(OTHER2), source="rss", cause="HTTP 503", now=DAY3)
    store.mark_pending(OTHER1, url_of(OTHER1), source="api", cause="timed out", now=DAY1)
    for _ in range(4):
        store.mark_pending(KEY, B_URL, source="api", cause="quarantined: no known layout", now=DAY3)
    store.commit()
    assert [p.key for p in opener().pending()] == [OTHER1, KEY, OTHER2]   # first failure, then key
    assert [p.key for p in opener().pending(max_attempts=4)] == [OTHER1, OTHER2]
    summary = opener().summary(max_attempts=4)
    assert (summary["pending"], summary["pending_given_up"]) == (2, 1)
    assert [p["url"] for p in summary["pending_articles"]] == [url_of(OTHER1), B_URL, url_of(OTHER2)]
    later = opener()
    later.touch(rid, [KEY], now=DAY3)   # fetched again and found unchanged
    later.commit()
    assert [p.key for p in opener().pending()] == [OTHER1, OTHER2]
    later.clear_pending([OTHER1, None])
    later.commit()
    assert [p.key for p in opener().pending()] == [OTHER2]
    later.reset()
    assert opener().pending() == [] and opener().summary()["articles"] == 0


def test_text_files_still_to_write(store: SeenStoreBackend, opener: Callable[[], SeenStoreBackend]) -> None:
    store.record(article(), file="/out/world-1.jsonl")
    store.note_text_missing(["1234567", "999", None], "OSError: [Errno 28] No space left on device")
    assert store.texts_missing() == [("1234567", "/out/world-1.jsonl"), ("999", None)]
    assert opener().texts_missing() == []
    store.commit()
    other = opener()
    assert other.texts_missing() == [("1234567", "/out/world-1.jsonl"), ("999", None)]
    other.text_written(["1234567"])
    assert other.texts_missing() == [("999", None)]
    other.commit()
    assert opener().texts_missing() == [("999", None)] and opener().summary()["text_missing"] == 1
