"""Writes that fail are failures (issue 11, defect 6): a full output disk publishes nothing broken, exits 1 and
the next run finishes the job exactly once; text files that could not be written are written by the next run
from the JSON Lines files; ``scrapy state rebuild-text`` re-derives them. Real tmpfs where it can be mounted,
injected faults otherwise (tests/support/diskfull.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tempo_crawler.exporters.text_form import to_text
from tempo_crawler.items import article_from_dict
from tests.support.crawl import ROOT
from tests.support.cron import WITHOUT_LEGACY_FEED, CronSite, read_union
from tests.support.diskfull import DiskFaults

pytestmark = pytest.mark.crawl


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[DiskFaults]:
    faults = DiskFaults(tmp_path)
    yield faults
    faults.close()


def union_items(cron: CronSite) -> dict[str, dict]:
    items: dict[str, dict] = {}
    for path in cron.files():
        for line in path.read_text("utf-8").splitlines():
            item = json.loads(line)
            items[item["id"]] = item
    return items


def test_a_full_output_disk_publishes_nothing_broken_and_the_next_run_finishes(make_replica, tmp_path: Path,
                                                                             disk: DiskFaults) -> None:
    replica = make_replica(synthetic=30, fixtures_dir=None)
    cron = CronSite(replica.origin, tmp_path / "site", extra=WITHOUT_LEGACY_FEED)
    disk.full(cron.output, 64 * 1024)    # room for ~15 lines of 30

    first = cron.run("-a", "render=never", env=disk.env)
    assert first.returncode == 1, (disk.kind, first.log[-3000:])
    assert first.stats["tempo/export/write_failed"] == 1 and "No space left" in first.stats["tempo/export/write_error"]
    assert "tempo/export/file" not in first.stats                     # nothing published…
    assert cron.files() == [] and len(cron.parts()) == 1               # …the file stays .part for recovery
    part = cron.parts()[0].read_bytes()
    assert part.endswith(b"\n") and all(json.loads(line) for line in part.splitlines())   # no torn line
    assert first.stats["tempo/pending"] >= 1                           # the articles not written stay pending
    assert "Writes: a write failed: the output file" in first.log and "Traceback" not in first.log

    disk.grow(cron.output)
    second = cron.run("-a", "render=never", env=disk.env)
    assert second.returncode == 0, (disk.kind, second.log[-3000:])
    assert second.stats["tempo/state/recovered_runs"] == 1
    union = read_union(cron.files())
    assert not union.unreadable and not cron.parts()
    assert sorted(union.ids) == sorted(f"{e.id}@v1" for e in replica.site.articles) and union.lines == 30


def test_text_files_that_could_not_be_written_are_written_by_the_next_run(make_replica, tmp_path: Path,
                                                                         disk: DiskFaults) -> None:
    replica = make_replica(synthetic=8, fixtures_dir=None)
    cron = CronSite(replica.origin, tmp_path / "site", extra=WITHOUT_LEGACY_FEED)
    text_dir = cron.root / "text"
    disk.read_only(text_dir)

    first = cron.run("-a", "render=never", env=disk.env)
    assert first.returncode == 1, (disk.kind, first.log[-3000:])
    assert first.stats["tempo/text_form/write_error"] == 8 and len(first.items) == 8   # the JSON Lines are fine
    assert not list(text_dir.glob("*.txt"))

    disk.writable(text_dir)
    second = cron.run("-a", "render=never", env=disk.env)     # nothing new: the missing text comes from the JSONL
    assert second.returncode == 0 and second.items == [], second.log[-3000:]
    assert second.stats["tempo/text_form/rebuilt"] == 8
    for aid, item in union_items(cron).items():
        name = f"{aid}.txt" if "/read/" in item["url"] else f"b-{aid}.txt"   # new-site articles: b-<id>.txt
        assert (text_dir / name).read_text("utf-8") == to_text(article_from_dict(item))

    third = cron.run("-a", "render=never")
    assert not third.stats.get("tempo/text_form/rebuilt")    # done once


def test_state_rebuild_text_rederives_text_files_from_the_jsonl(make_replica, tmp_path: Path) -> None:
    replica = make_replica(synthetic=5, fixtures_dir=None)
    cron = CronSite(replica.origin, tmp_path, extra=WITHOUT_LEGACY_FEED)
    assert cron.run("-a", "render=never").returncode == 0
    text_dir = cron.root / "text"
    texts = {p.name: p.read_text("utf-8") for p in text_dir.glob("*.txt")}
    assert len(texts) == 5
    for name in list(texts)[:3]:
        (text_dir / name).unlink()
    (text_dir / list(texts)[3]).write_text("stale\n", "utf-8")
    cmd = [sys.executable, "-m", "scrapy", "state", "rebuild-text", *map(str, cron.files()),
           "-s", f"TEMPO_TEXT_DIR={text_dir}", "-s", f"TEMPO_STATE_PATH={cron.state}"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "written" in done.stdout and ": 3 (0 failed)" in done.stdout, done.stderr
    assert {p.name: p.read_text("utf-8") for p in text_dir.glob("*.txt")} == {**texts, list(texts)[3]: "stale\n"}
    forced = subprocess.run([*cmd, "--force"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert forced.returncode == 0 and ": 5 (0 failed)" in forced.stdout, forced.stderr
    assert {p.name: p.read_text("utf-8") for p in text_dir.glob("*.txt")} == texts
