"""The run lock is not a file someone can delete (issue 11, defect 4): it is held on the store itself, and a
live run's ``.part`` is never "recovered" by another process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tempo_crawler.exporters.jsonl import DurableJsonLines
from tempo_crawler.state.recovery import recover
from tempo_crawler.state.store import SeenStore
from tests.support.cron import WITHOUT_LEGACY_FEED, CronSite, read_union, wait_for


@pytest.mark.crawl
def test_deleting_files_beside_the_store_does_not_let_a_second_run_overlap(make_replica, tmp_path: Path) -> None:
    replica = make_replica(synthetic=30, fixtures_dir=None)
    replica.site.delay = 1.0   # the first run crawls slowly until the overlap has been tried
    cron = CronSite(replica.origin, tmp_path, extra=WITHOUT_LEGACY_FEED)
    slow = {"CONCURRENT_REQUESTS": "1", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
    first = cron.start("-a", "render=never", settings=slow)
    try:
        assert wait_for(lambda: cron.current_lines() >= 1, timeout=120), first.log[-3000:]
        for path in cron.state.parent.iterdir():   # a lock file beside the store, if any: gone
            if path.suffix == ".lock":
                path.unlink()
        second = cron.run("-a", "render=never")
        assert second.returncode == 0, second.log[-3000:]
        assert second.stats.get("tempo/run/skipped") == 1 and "previous run still active" in second.log
        assert f"pid {first.proc.pid}" in second.log
        assert "downloader/request_count" not in second.stats
        assert first.proc.poll() is None, "the first run ended before the overlap was tried"
        assert len(cron.parts()) == 1 and cron.files() == []   # the live run's .part was left alone
    finally:
        replica.site.delay = 0
    assert first.wait() == 0, first.log[-3000:]
    union = read_union(cron.files())
    assert not union.unreadable and union.lines == 30 and set(union.ids.values()) == {1}


def test_recovery_never_touches_the_file_of_a_run_whose_process_lives(tmp_path: Path) -> None:
    """Even with the lock out of the way (say the store file was replaced under a live run), a ``running``
    run whose pid and start time still name a live process keeps its ``.part``."""
    from tempo_crawler.state.recovery import process_start

    final = tmp_path / "out" / "world-1.jsonl"
    writer = DurableJsonLines(final)
    writer.write({"id": "1234567", "url": "https://www.tempo.co/internasional/x-1234567", "title": "t", "body": ["b"]})
    writer.abandon()   # the live run's .part, as it is on disk
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        store = SeenStore(tmp_path / "state.sqlite")
        store.begin_run("live-run", str(final), pid=live.pid, proc_start=process_start(live.pid))
        found = recover(store)
        assert (found.runs, found.files, found.alive) == (0, [], ["live-run"])
        assert writer.part.exists() and not final.exists()
        assert [r.run_id for r in store.unfinished_runs()] == ["live-run"]
        live.kill()
        live.wait()
        deadline = time.monotonic() + 10
        while process_start(live.pid) is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        found = recover(store)   # now it is dead: its file is published
        assert found.runs == 1 and found.files == [str(final)] and json.loads(final.read_text())["id"] == "1234567"
        store.close()
    finally:
        if live.poll() is None:
            live.kill()
            live.wait()
