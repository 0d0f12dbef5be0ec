"""Cron runs end to end (real `scrapy crawl world` processes, real SQLite, the loopback replica):
incremental runs, revisions, exactly-once export across kill -9, overlapping runs, reset/full, -O.
See docs/cron.md."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
from pathlib import Path

import pytest

from tempo_crawler.state.lock import RunLock
from tempo_crawler.state.store import SeenStore, running_holder
from tempo_crawler.urls import url_era
from tests.support.crawl import run_crawl
from tests.support.cron import WITHOUT_LEGACY_FEED, CronSite, KillPoint, crawl_and_kill, read_union, wait_for

pytestmark = pytest.mark.crawl


def article_requests(replica, since: int = 0) -> list[str]:
    """Article-page requests the replica logged after the first ``since`` requests."""
    return [t for _, t in replica.site.requests[since:] if url_era(replica.origin + t)]


def runs_in_store(state: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
    try:
        return list(db.execute("SELECT run_id, status FROM runs ORDER BY rowid"))
    finally:
        db.close()


def test_second_run_over_an_unchanged_site_fetches_and_exports_nothing(make_replica, tmp_path: Path) -> None:
    replica = make_replica(synthetic=40)
    cron = CronSite(replica.origin, tmp_path)
    first = cron.run()
    assert first.returncode == 0, first.log[-3000:]
    assert len(first.items) >= 40 and first.stats["tempo/export/new"] == len(first.items)
    assert {i["version"] for i in first.items} == {1} and all(i["first_seen"] for i in first.items)
    assert first.output.name.startswith("world-") and first.output.suffix == ".jsonl"
    assert not cron.parts()
    fetched_first = set(article_requests(replica))
    assert len(fetched_first) >= 40

    mark = len(replica.site.requests)
    second = cron.run()
    assert second.returncode == 0, second.log[-3000:]
    assert second.items == [] and second.stats.get("item_scraped_count", 0) == 0
    assert not second.stats.get("tempo/articles/scheduled")
    assert second.stats["tempo/skipped/unchanged"] >= len(first.items)
    assert article_requests(replica, mark) == []          # the replica saw no article page request
    assert second.stats["tempo/responses_ok"] > 0          # listings were fetched
    assert second.stats.get("tempo/incremental/paging_stopped", 0) >= 1
    assert len(cron.files()) == 1 and not second.stats.get("tempo/export/file")   # nothing new: no empty file


def test_new_and_edited_articles_are_exported_once_edits_as_version_2(make_replica, tmp_path: Path) -> None:
    replica = make_replica(synthetic=40)
    cron = CronSite(replica.origin, tmp_path)
    first = cron.run()
    assert first.returncode == 0, first.log[-3000:]
    before = {i["id"]: i for i in first.items}
    edited_id = "9000031"   # an old synthetic article (published 2025), far outside the refetch window
    assert edited_id in before

    added = [replica.site.add_article(url=f"https://www.tempo.co/internasional/artikel-cron-baru-{n}-{9300000 + n}",
                                      title=f"Artikel Cron Baru Nomor {n}") for n in range(1, 4)]
    replica.site.edit_article(edited_id, paragraphs=[
        "TEMPO.CO, Kota Contoh - Paragraf pertama yang sudah dikoreksi redaksi.",
        "Paragraf kedua, ditambahkan setelah artikel terbit."])

    second = cron.run()
    assert second.returncode == 0, second.log[-3000:]
    got = {i["id"]: i for i in second.items}
    assert sorted(got) == sorted([e.id for e in added] + [edited_id]), sorted(got)
    assert len(second.items) == 4
    edited = got[edited_id]
    assert edited["version"] == 2 and edited["body"][0] == "Paragraf pertama yang sudah dikoreksi redaksi."
    assert edited["first_seen"] == before[edited_id]["first_seen"] and edited["revised_at"]
    assert all(got[e.id]["version"] == 1 and got[e.id]["revised_at"] is None for e in added)
    assert second.stats["tempo/export/revised"] == 1 and second.stats["tempo/export/new"] == 3
    assert second.stats.get("tempo/incremental/fetch/lastmod", 0) >= 1

    third = cron.run()   # the new ones are fresh (published now): fetched again, but never exported twice
    assert third.returncode == 0, third.log[-3000:]
    assert third.items == []
    assert third.stats.get("tempo/dropped/unchanged", 0) >= 3


def test_killed_runs_resume_exactly_once(make_replica, tmp_path: Path) -> None:
    """SIGKILL at three moments (during start-up, early, late), then run to completion: every article is
    in exactly one finished file, every file parses line by line, nothing is left as .part. The runs fsync
    and commit every 20 lines, so the kills can land inside the window between a line's write and the store
    commit, which only the reconcile on restart closes (benchmarks/kill_test.py also kills the default,
    100, and 1). Where the kills land depends on timing: the scenario is played again (a new seed, a new
    folder) until one of them hits that window, at most three times; every play must be exact."""
    seed = int(os.environ.get("TEMPO_KILL_SEED") or random.SystemRandom().randrange(10**6))
    plays = []
    for play in range(3):
        hit = _kill_and_resume(make_replica, tmp_path / f"play{play}", seed + play)
        plays.append((seed + play, hit))
        if hit:
            break
    assert any(hit for _, hit in plays), f"no kill landed between a line's write and its commit: {plays}"


def _kill_and_resume(make_replica, tmp_path: Path, seed: int) -> bool:  # noqa: ANN001
    """One play: the kills, the final run, the exactly-once checks; whether the reconcile was needed."""
    n = 500
    replica = make_replica(synthetic=n, fixtures_dir=None)
    cron = CronSite(replica.origin, tmp_path, sync_items=20, extra=WITHOUT_LEGACY_FEED)
    rng = random.Random(seed)
    points = [KillPoint("time", rng.uniform(0.3, 1.2))]
    crawl_and_kill(cron, points[0])   # during start-up or the first exports
    for low, high in ((0.1, 0.4), (0.3, 0.8)):   # then at a share of what is left (killed runs' lines count)
        written = sum(p.read_bytes().count(b"\n") for p in [*cron.files(), *cron.parts()])
        share = max(1, int((n - written) * rng.uniform(low, high)))
        points.append(crawl_and_kill(cron, KillPoint("lines", share)))
    assert points[-1].killed and points[-2].killed, (seed, points)
    final = cron.run()
    assert final.returncode == 0, (seed, final.log[-3000:])
    assert final.stats.get("tempo/state/recovered_runs", 0) >= 1, seed
    union = read_union(cron.files())
    assert not union.unreadable, (seed, union.unreadable)
    assert not cron.parts(), seed
    expected = {f"{9000001 + k}@v1" for k in range(n)}
    duplicated = sorted(k for k, c in union.ids.items() if c > 1)
    lost = sorted(expected - set(union.ids))
    assert not duplicated and not lost, f"seed {seed}: lost {lost[:10]}, duplicated {duplicated[:10]}, {points}"
    assert set(union.ids) == expected and union.lines == n

    again = cron.run()   # and nothing more afterwards
    assert again.items == [] and again.returncode == 0
    return final.stats.get("tempo/state/recovered_reconciled", 0) >= 1


def test_overlapping_run_exits_at_once_without_touching_the_store(make_replica, tmp_path: Path) -> None:
    replica = make_replica(synthetic=60, fixtures_dir=None)
    replica.site.delay = 0.5   # the first run crawls slowly (≥ 30 s) until the overlap has been tested
    cron = CronSite(replica.origin, tmp_path, extra=WITHOUT_LEGACY_FEED)
    slow = {"CONCURRENT_REQUESTS": "1", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
    first = cron.start(settings=slow)
    assert wait_for(lambda: running_holder(cron.state).startswith("pid "), timeout=60), first.log
    files_before = sorted(cron.output.glob("*")) if cron.output.exists() else []

    second = cron.run()
    assert second.returncode == 0, second.log[-3000:]
    assert "previous run still active" in second.log and f"pid {first.proc.pid}" in second.log
    assert second.stats["tempo/run/skipped"] == 1
    assert "downloader/request_count" not in second.stats and "tempo/export/file" not in second.stats
    busy = cron.run(settings={"TEMPO_LOCK_BUSY_EXIT": "75"})
    assert busy.returncode == 75 and busy.stats["tempo/run/skipped"] == 1
    assert first.proc.poll() is None, "the first run ended before the overlap was tested: slow the replica down"
    # Nothing in the output folder but the first run's .part file and the skipped runs' history lines.
    assert all(p.name.endswith(".part") or p.name == "history.jsonl"
               for p in set(cron.output.glob("*")) - set(files_before))
    skipped = [json.loads(line) for line in (cron.output / "history.jsonl").read_text("utf-8").splitlines()]
    assert [(h["status"], h["exit_code"]) for h in skipped] == [("skipped", 0), ("skipped", 75)]

    replica.site.delay = 0
    assert first.wait() == 0, first.log[-3000:]
    assert first.stats["tempo/export/new"] == 60
    assert [status for _, status in runs_in_store(cron.state)] == ["finished"]   # one run recorded: the first
    assert len(cron.files()) == 1


def test_full_reset_state_command_and_stateless_O(make_replica, tmp_path: Path) -> None:
    replica = make_replica(synthetic=30, fixtures_dir=None)
    cron = CronSite(replica.origin, tmp_path, extra=WITHOUT_LEGACY_FEED)
    first = cron.run()
    assert first.returncode == 0 and len(first.items) == 30, first.log[-3000:]

    mark = len(replica.site.requests)
    full = cron.run("-a", "full=1")     # fetches every article again, exports none of them again
    assert full.returncode == 0, full.log[-3000:]
    assert len(set(article_requests(replica, mark))) == 30
    assert full.items == [] and full.stats["tempo/dropped/unchanged"] == 30
    assert full.stats["tempo/incremental/fetch/full"] == 30

    shown = cron.state_cmd("show", "--json")
    assert shown.returncode == 0, shown.stderr
    info = json.loads(shown.stdout)
    assert info["articles"] == 30 and info["running"] is None and info["runs"][0]["status"] == "finished"
    assert (info["runs"][0]["outcome"], info["runs"][0]["exit_code"]) == ("ok", 0)
    text = cron.state_cmd("show").stdout
    assert "articles:  30" in text
    assert "outcome   the monitors' verdict" in text and "complete  yes:" in text   # the columns explained

    reset = cron.run("-a", "reset=1")   # forget, then export everything again as new
    assert reset.returncode == 0, reset.log[-3000:]
    assert len(reset.items) == 30 and {i["version"] for i in reset.items} == {1}
    assert reset.stats["tempo/state/reset"] == 1

    done = cron.state_cmd("reset")
    assert done.returncode == 0 and "30 article(s) forgotten" in done.stdout, done.stderr
    assert json.loads(cron.state_cmd("show", "--json").stdout)["articles"] == 0
    assert len(cron.run().items) == 30

    # -O: a stateless one-off export, as in any Scrapy project: everything, every time; the store untouched
    runs_before = runs_in_store(cron.state)
    for _ in range(2):
        one_off = run_crawl(replica.origin, tmp_path / "oneoff", settings=cron.settings())
        assert one_off.returncode == 0 and len(one_off.items) == 30, one_off.log[-3000:]
        assert "tempo/export/file" not in one_off.stats
    assert runs_in_store(cron.state) == runs_before
    as_json = run_crawl(replica.origin, tmp_path / "oneoff-json", settings=cron.settings(), output_name="x.json")
    assert as_json.returncode == 0 and len(as_json.items) == 30


def test_state_command_refuses_reset_while_a_run_holds_the_lock(tmp_path: Path) -> None:
    cron = CronSite("http://127.0.0.1:9", tmp_path)
    store = SeenStore(cron.state)
    store.begin_run("live", None, pid=os.getpid())
    store.close()

    with RunLock(cron.state):
        res = cron.state_cmd("reset")
        assert res.returncode == 1 and "previous run still active" in res.stderr
        shown = cron.state_cmd("show", "--json")
        assert json.loads(shown.stdout)["running"].startswith(f"pid {os.getpid()}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
