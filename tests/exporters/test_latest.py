"""``latest.json``: unit tests with stand-in feed slots, and one real ``scrapy runspider`` (no network)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from scrapy import Spider
from scrapy.extensions.feedexport import FileFeedStorage, StdoutFeedStorage
from scrapy.utils.test import get_crawler

from tempo_crawler.exporters.latest import MANIFEST_NAME, LatestManifest
from tests.support.stats import Stats

ROOT = Path(__file__).resolve().parents[2]


def make(feeds: dict) -> LatestManifest:
    crawler = get_crawler(Spider, settings_dict={"FEEDS": feeds})
    crawler.stats = Stats()
    return LatestManifest.from_crawler(crawler)


def slot(template: str, path: str, fmt: str, items: int, batch_id: int = 1, storage=None):  # noqa: ANN001, ANN201
    return SimpleNamespace(storage=storage or FileFeedStorage(path), uri_template=template, uri=path,
                           format=fmt, itemcount=items, batch_id=batch_id)


def close(ext: LatestManifest, *slots, reason: str = "finished") -> None:  # noqa: ANN002
    ext.spider_opened(SimpleNamespace(name="world"))
    for s in slots:
        ext.feed_slot_closed(s)
    ext.spider_closed(SimpleNamespace(name="world"), reason)
    ext.feed_exporter_closed()


def test_nothing_without_feeds_or_run_file(tmp_path: Path) -> None:
    ext = make({})
    ext.spider_closed(SimpleNamespace(name="world"), "finished")   # no feed exporter: written at spider close
    assert ext._written and ext.manifest() is None


def test_default_run_file_of_the_jsonl_exporter(tmp_path: Path) -> None:
    """No feeds: ``scrapy crawl world`` writes its own run file (exporters/jsonl.py) and says so in the stats."""
    run = tmp_path / "output" / "world-20240621T050000Z.jsonl"
    run.parent.mkdir()
    run.write_text("{}\n{}\n", "utf-8")
    ext = make({})
    ext.crawler.stats.values.update({"tempo/export/file": str(run), "tempo/export/lines": 2})
    ext.spider_opened(SimpleNamespace(name="world"))
    ext.spider_closed(SimpleNamespace(name="world"), "finished")
    manifest = json.loads((run.parent / MANIFEST_NAME).read_text("utf-8"))
    assert (manifest["file"], manifest["source"], manifest["format"], manifest["items"]) == (
        run.name, "export", "jsonlines", 2)
    assert manifest["feeds"] == []


def test_feeds_win_over_the_run_file(tmp_path: Path) -> None:
    t = str(tmp_path / "feed.jsonl")
    ext = make({t: {"format": "jsonlines"}})
    ext.crawler.stats.values.update({"tempo/export/file": str(tmp_path / "other" / "run.jsonl")})
    close(ext, slot(t, t, "jsonlines", 5))
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text("utf-8"))
    assert (manifest["file"], manifest["source"], manifest["items"]) == ("feed.jsonl", "feed", 5)


def test_points_at_the_first_json_feed_after_both_closings(tmp_path: Path) -> None:
    csv_t, jl_t = str(tmp_path / "a" / "x.csv"), str(tmp_path / "out" / "world-%(time)s.jsonl")
    ext = make({csv_t: {"format": "csv"}, jl_t: {"format": "jsonlines"}})
    jl = str(tmp_path / "out" / "world-2024-06-21T05-00-00.jsonl")
    ext.spider_opened(SimpleNamespace(name="world"))
    ext.feed_slot_closed(slot(csv_t, csv_t, "csv", 4))
    ext.feed_slot_closed(slot(jl_t, jl, "jsonlines", 4))
    ext.spider_closed(SimpleNamespace(name="world"), "finished")
    assert not (tmp_path / "out" / MANIFEST_NAME).exists()   # the feed exporter has not finished yet
    ext.feed_exporter_closed()
    manifest = json.loads((tmp_path / "out" / MANIFEST_NAME).read_text("utf-8"))
    assert manifest["file"] == "world-2024-06-21T05-00-00.jsonl"
    assert manifest["path"] == str(Path(jl).resolve())
    assert manifest["uri"] == Path(jl).resolve().as_uri()
    assert (manifest["format"], manifest["items"], manifest["spider"]) == ("jsonlines", 4, "world")
    assert manifest["finish_reason"] == "finished"
    assert manifest["started_at"] <= manifest["finished_at"]
    assert [f["format"] for f in manifest["feeds"]] == ["csv", "jsonlines"]
    assert not (tmp_path / "a" / MANIFEST_NAME).exists()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MANIFEST_NAME]   # no temp file left


def test_either_closing_order_works(tmp_path: Path) -> None:
    t = str(tmp_path / "run.json")
    ext = make({t: {"format": "json"}})
    ext.feed_slot_closed(slot(t, t, "json", 2))
    ext.feed_exporter_closed()
    ext.spider_closed(SimpleNamespace(name="world"), "closespider_timeout")
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text("utf-8"))
    assert (manifest["file"], manifest["items"], manifest["finish_reason"]) == ("run.json", 2, "closespider_timeout")


def test_newest_batch_is_named(tmp_path: Path) -> None:
    t = str(tmp_path / "b-%(batch_id)d.jsonl")
    ext = make({t: {"format": "jsonlines", "batch_item_count": 2}})
    close(ext, slot(t, str(tmp_path / "b-1.jsonl"), "jsonlines", 2, 1),
          slot(t, str(tmp_path / "b-2.jsonl"), "jsonlines", 1, 2))
    manifest = json.loads((tmp_path / MANIFEST_NAME).read_text("utf-8"))
    assert (manifest["file"], manifest["items"]) == ("b-2.jsonl", 1)
    assert [f["file"] for f in manifest["feeds"]] == ["b-1.jsonl", "b-2.jsonl"]


def test_nothing_for_non_local_or_non_json_feeds(tmp_path: Path) -> None:
    csv_t = str(tmp_path / "x.csv")
    ext = make({"stdout:": {"format": "jsonlines"}, csv_t: {"format": "csv"}})
    close(ext, slot("stdout:", "stdout:", "jsonlines", 3, storage=StdoutFeedStorage("stdout:")),
          slot(csv_t, csv_t, "csv", 3))
    assert list(tmp_path.iterdir()) == []


def test_write_error_is_counted(tmp_path: Path) -> None:
    (tmp_path / "ro").mkdir()
    t = str(tmp_path / "ro" / "run.jsonl")
    ext = make({t: {"format": "jsonlines"}})
    (tmp_path / "ro" / MANIFEST_NAME).mkdir()  # a folder where the file should go: os.replace fails
    close(ext, slot(t, t, "jsonlines", 1))
    assert ext.crawler.stats.values == {"tempo/latest/write_error": 1}


SPIDER = '''
import scrapy
from tempo_crawler.items import Article, Link


class Fake(scrapy.Spider):
    name = "fake"

    async def start(self):
        for i in range(3):
            yield Article(id=str(1879931 + i), url=f"https://dunia.tempo.co/read/{1879931 + i}/x", title="Judul",
                          body=["Satu.", "Dua, tiga."], tags=["NATO", "Ukraina"], editors_pick=Link("P"))
'''


def test_real_run_writes_latest_next_to_the_jsonl_feed(tmp_path: Path) -> None:
    (tmp_path / "fake.py").write_text(SPIDER, "utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    cmd = [
        sys.executable, "-m", "scrapy", "runspider", "fake.py",
        "-o", "feeds/run-%(time)s.jsonl", "-o", "feeds/csv/run.csv",
        "-s", 'EXTENSIONS={"tempo_crawler.exporters.latest.LatestManifest": 500}',
        "-s", 'FEED_EXPORTERS={"csv": "tempo_crawler.exporters.csv_export.TempoCsvItemExporter"}',
        "-s", "FEED_EXPORT_ENCODING=utf-8", "-s", "TELNETCONSOLE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
    ]
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    manifest = json.loads((tmp_path / "feeds" / MANIFEST_NAME).read_text("utf-8"))
    run_file = tmp_path / "feeds" / manifest["file"]
    assert run_file.exists() and manifest["file"].startswith("run-") and manifest["format"] == "jsonl"
    assert manifest["items"] == 3 == len(run_file.read_text("utf-8").splitlines())
    assert manifest["finish_reason"] == "finished"
    assert not (tmp_path / "feeds" / "csv" / MANIFEST_NAME).exists()
    csv_text = (tmp_path / "feeds" / "csv" / "run.csv").read_text("utf-8")
    assert "NATO | Ukraina" in csv_text and "true,false" in csv_text


def test_a_feed_called_latest_json_is_never_overwritten(tmp_path: Path) -> None:
    t = str(tmp_path / MANIFEST_NAME)
    (tmp_path / MANIFEST_NAME).write_text("[]", "utf-8")
    ext = make({t: {"format": "json"}})
    close(ext, slot(t, t, "json", 0))
    assert (tmp_path / MANIFEST_NAME).read_text("utf-8") == "[]"
    assert ext.crawler.stats.values == {"tempo/latest/name_clash": 1}


# --- the run's verdict (the monitors, tempo_crawler/monitors): only a good run moves the pointer ---------------

def cron_run(tmp_path: Path, code: int | None, status: str | None, lines: int, failures: list[str] | None = None):  # noqa: ANN201
    """Close a default-output run (no feeds) whose monitors gave ``code``; ``lines`` written to its file."""
    from tempo_crawler.context import RunContext, mark_crawl

    output = str(tmp_path / "world-%(run_stamp)s.jsonl")
    crawler = mark_crawl(get_crawler(Spider, settings_dict={"TEMPO_OUTPUT": output}))
    crawler.stats = Stats()
    context = RunContext.create(crawler, "world", {})
    ext = LatestManifest.from_crawler(crawler)
    if lines:
        context.output.write_text("{}\n" * lines, "utf-8")
        crawler.stats.values.update({"tempo/export/file": str(context.output), "tempo/export/lines": lines})
    if code is not None:
        crawler.stats.values.update({"tempo/run/exit_code": code, "tempo/run/status": status,
                                     "tempo/run/failures": failures or []})
    ext.spider_opened(SimpleNamespace(name="world"))
    ext.spider_closed(SimpleNamespace(name="world"), "finished")
    return context, json.loads((tmp_path / MANIFEST_NAME).read_text("utf-8"))


def test_a_good_run_moves_the_pointer_a_failed_or_empty_one_only_records_itself(tmp_path: Path) -> None:
    import time

    good, manifest = cron_run(tmp_path, 0, "ok", 2)
    assert (manifest["file"], manifest["items"], manifest["status"], manifest["exit_code"]) == (
        good.output.name, 2, "ok", 0)
    assert manifest["last_run"]["file"] == str(good.output.resolve()) and manifest["last_run"]["status"] == "ok"

    time.sleep(1.1)   # a new run stamp
    failed, manifest = cron_run(tmp_path, 1, "error", 0, ["Fetched anything: fetched nothing from …"])
    assert (manifest["file"], manifest["items"], manifest["status"]) == (good.output.name, 2, "ok")   # unmoved
    assert manifest["last_run"]["status"] == "error" and manifest["last_run"]["exit_code"] == 1
    assert manifest["last_run"]["failures"] == ["Fetched anything: fetched nothing from …"]
    assert manifest["last_run"]["file"] is None and manifest["last_run"]["run_id"] == failed.stamp

    time.sleep(1.1)
    _, manifest = cron_run(tmp_path, 0, "ok", 0)          # healthy, nothing new: no file, pointer unmoved
    assert manifest["file"] == good.output.name and manifest["last_run"]["items"] == 0
    assert manifest["last_run"]["status"] == "ok" and manifest["last_run"]["file"] is None

    time.sleep(1.1)
    stopped, manifest = cron_run(tmp_path, 1, "error", 3)   # ended by a signal after writing 3 lines
    assert manifest["file"] == good.output.name
    assert manifest["last_run"]["file"] == str(stopped.output.resolve()) and manifest["last_run"]["items"] == 3

    time.sleep(1.1)
    drift, manifest = cron_run(tmp_path, 4, "layout_drift", 5)   # a finished run with items: it moves
    assert (manifest["file"], manifest["status"], manifest["exit_code"]) == (drift.output.name, "layout_drift", 4)


def test_a_failed_first_run_records_itself_with_no_file(tmp_path: Path) -> None:
    _, manifest = cron_run(tmp_path, 1, "error", 0)
    assert manifest["file"] is None and manifest["last_run"]["status"] == "error"


def test_a_skipped_run_leaves_latest_json_alone(tmp_path: Path) -> None:
    from tempo_crawler.context import RunContext, mark_crawl

    output = str(tmp_path / "world-%(run_stamp)s.jsonl")
    crawler = mark_crawl(get_crawler(Spider, settings_dict={"TEMPO_OUTPUT": output}))
    crawler.stats = Stats(**{"tempo/run/skipped": 1})
    RunContext.create(crawler, "world", {})
    ext = LatestManifest.from_crawler(crawler)
    ext.spider_closed(SimpleNamespace(name="world"), "skipped")
    assert not (tmp_path / MANIFEST_NAME).exists()
