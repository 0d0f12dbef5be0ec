"""What only the shared seen-store on Redis does (tempo_crawler/state/redis_store.py, redis_pending.py): which
machine recovers a dead run, claims released with the commit, attempts of several workers, text files per
machine. What both backends do alike: tests/state/test_backends.py. A real redis-server (tests/conftest.py)."""

from __future__ import annotations

from tempo_crawler.state.rows import RunRow
from tests.state.test_backends import DAY1, DAY3, KEY
from tests.state.test_store import B_URL, article
from tests.support.stores import redis_store


def test_a_dead_run_is_recovered_by_its_own_host_only_and_never_while_alive(redis_url: str) -> None:
    mine = redis_store(redis_url, run="run-a")
    mine.begin_run("run-a", "/nonexistent/a.jsonl", pid=1)
    elsewhere = redis_store(redis_url, run="run-b", host="other-machine", worker="w2")
    elsewhere.begin_run("run-b", "/nonexistent/b.jsonl", pid=2)
    observer = redis_store(redis_url, run="run-c", worker="w3")
    assert observer.unfinished_runs() == []                       # both alive
    mine.client.delete(mine.keys.of_run("alive", "run-a"))
    elsewhere.client.delete(mine.keys.of_run("alive", "run-b"))
    assert observer.unfinished_runs() == [RunRow("run-a", "/nonexistent/a.jsonl", "running", None, None)]   # here
    assert redis_store(redis_url, run="run-d", worker="w4").unfinished_runs() == []   # taken by the observer
    by_name = redis_store(redis_url, run="run-e", worker="w5")
    by_name.recover_worker = "w2"
    assert by_name.unfinished_runs() == [RunRow("run-b", "/nonexistent/b.jsonl", "running", None, None)]   # --worker w2


def test_the_commit_that_records_an_article_releases_its_claims(redis_url: str) -> None:
    store = redis_store(redis_url, run="run-1")
    rival = redis_store(redis_url, run="run-2", worker="w2")
    item = article()
    assert store.reserve(item, ["a:1879931"])
    assert not rival.reserve(item)                    # held for writing by run-1
    store.record(item, ["a:1879931"])
    assert not rival.reserve(item)                    # still held: the record is not committed
    store.commit()
    assert rival.reserve(item)                        # released by the same commit
    assert rival.classify(item).kind == "unchanged"   # and the record is there


def test_an_unpublished_run_waits_for_recovery_like_a_killed_one(redis_url: str) -> None:
    """A write failed (disk full): its .part is recovered by the next run on its machine, so it stays open."""
    run = redis_store(redis_url, run="run-a")
    run.begin_run("run-a", "/nonexistent/a.jsonl", pid=1)
    run.end_run("run-a", status="unpublished", reason="finished", complete=False, exported=3,
                file="/nonexistent/a.jsonl")
    run.client.delete(run.keys.of_run("alive", "run-a"))   # its process ended
    assert redis_store(redis_url, run="run-b").unfinished_runs() == [
        RunRow("run-a", "/nonexistent/a.jsonl", "unpublished", None, None)]


def test_two_workers_failing_one_article_at_once_both_count(redis_url: str) -> None:
    first, second = redis_store(redis_url, run="run-1"), redis_store(redis_url, run="run-2", worker="w2")
    assert first.mark_pending(KEY, B_URL, source="api", cause="HTTP 503", now=DAY1) == 1
    assert second.mark_pending(KEY, B_URL, source=None, cause="timed out", now=DAY3) == 1   # neither sees the other
    first.commit()
    second.commit()
    [row] = redis_store(redis_url, run="run-3", worker="w3").pending()
    assert (row.attempts, row.source, row.cause, row.first_failed, row.last_failed) == (
        2, "api", "timed out", DAY1, DAY3)   # counted by the commit script itself


def test_text_files_to_write_belong_to_their_machine(redis_url: str) -> None:
    here = redis_store(redis_url, run="run-1")
    here.record(article(), file="/out/world-1.jsonl")
    here.note_text_missing(["1234567"], "OSError: disk full")
    here.commit()
    assert redis_store(redis_url, run="run-2", host="other-machine").texts_missing() == []
    assert redis_store(redis_url, run="run-3").texts_missing() == [("1234567", "/out/world-1.jsonl")]
