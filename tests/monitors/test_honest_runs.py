"""Honest runs end to end: real `scrapy crawl world` processes against the replica and its variants
(tests/replica/variants.py): the exit status, the reasons, latest.json, the history and the report."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from tempo_crawler.exitcodes import BLOCKED, ERROR, LAYOUT_DRIFT, OK
from tests.support.crawl import REPORT, CrawlResult
from tests.support.cron import CronSite

pytestmark = pytest.mark.crawl
INDEKS = "/indeks?page=1&category=rubrik&rubric_slug=internasional"   # B articles only


def history(cron: CronSite) -> list[dict]:
    path = cron.output / "history.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()] if path.exists() else []


def latest(cron: CronSite) -> dict:
    return json.loads((cron.output / "latest.json").read_text("utf-8"))


def summary(result: CrawlResult) -> list[str]:
    return [line for line in result.log.splitlines() if "[tempo_crawler.monitors.extension]" in line]


def test_a_redesign_that_moves_the_body_is_layout_drift(make_replica, tmp_path: Path) -> None:  # noqa: ANN001
    replica = make_replica(synthetic=12)
    # One healthy run is history enough here (the default waits for 3 before comparing with history).
    cron = CronSite(replica.origin, tmp_path, extra={"TEMPO_MONITOR_MIN_HISTORY": "1", **REPORT})
    start = f"start_urls={replica.origin}{INDEKS}"
    before = cron.run("-a", start)
    assert before.returncode == OK, before.log[-3000:]
    assert len(before.items) >= 10 and {i["layout"] for i in before.items} == {"B"}
    healthy = history(cron)[-1]
    assert healthy["canary"]["median_f1"] >= 0.9 and healthy["fill"]["image_caption"] >= 0.5

    replica.site.redesign = True
    after = cron.run("-a", start, "-a", "full=1")    # fetch every page again, as after a redesign
    assert after.returncode == LAYOUT_DRIFT, after.log[-3000:]
    line = history(cron)[-1]
    assert line["status"] == "layout_drift" and line["canary"]["median_f1"] == 0.0
    failures = {f["monitor"]: f["reason"] for f in line["failures"]}
    assert failures["Layout canary"].startswith("median token F1 between JSON-LD articleBody and the DOM body 0.00")
    assert "image_caption 0% < 20%" in failures["Field fill rates"]
    assert f"image_caption 0% (usually {healthy['fill']['image_caption']:.0%})" in failures["Fill rates vs recent runs"]
    assert "read only from JSON-LD" in failures["Pages read from the DOM"]
    page = (cron.output / "report-latest.html").read_text("utf-8")
    assert "layout_drift · exit 4" in page and "Layout canary" in page and "image_caption 0% &lt; 20%" in page
    assert "tempo_crawler: exit 4: layout drift" in after.log


def test_a_site_answering_with_challenge_pages_is_blocked(fresh_replica, tmp_path: Path) -> None:  # noqa: ANN001
    fresh_replica.site.challenge_share = 0.8
    cron = CronSite(fresh_replica.origin, tmp_path)
    result = cron.run()
    assert result.returncode == BLOCKED, result.log[-3000:]
    stats = result.stats
    assert stats["tempo/blocked"] >= 12 and stats["tempo/articles/blocked"] >= 12
    reason = {f["monitor"]: f["reason"] for f in history(cron)[-1]["failures"]}["Blocked responses"]
    assert f"challenge pages {stats['tempo/blocked']}, per host 127.0.0.1: {stats['tempo/blocked']}" in reason
    assert "tempo_crawler: exit 3: blocked" in result.log and "Blocked responses:" in result.log
    # Challenge pages are recognised (tempo_crawler/blocking.py): one warning for the host, never parsed.
    assert result.log.count("answers with a challenge page") == 1 and not stats.get("tempo/quarantined")
    # Every blocked article stays pending, counted with its cause.
    assert stats["tempo/failed/blocked"] >= stats["tempo/articles/blocked"]


def test_two_healthy_runs_the_second_with_nothing_new(replica, tmp_path: Path) -> None:  # noqa: ANN001
    cron = CronSite(replica.origin, tmp_path, extra=REPORT)
    first = cron.run()
    assert first.returncode == OK and len(first.items) >= 20, first.log[-3000:]
    second = cron.run()
    assert second.returncode == OK, second.log[-3000:]
    assert second.items == [] and len(cron.files()) == 1            # no empty output file
    runs = history(cron)
    assert [(r["status"], r["exit_code"], r["items"]) for r in runs] == [("ok", 0, len(first.items)), ("ok", 0, 0)]
    assert runs[1]["kind"] == "incremental" and runs[1]["file"] is None and runs[1]["unchanged"] >= 20
    manifest = latest(cron)
    assert manifest["file"] == first.output.name                     # still the last file with articles
    assert (manifest["last_run"]["status"], manifest["last_run"]["items"]) == ("ok", 0)
    lines = summary(second)
    assert re.search(r" ok \(exit 0\) in [\d.]+ s: 0 exported \(no file written\), 0 dropped, 0 quarantined, "
                     r"0 failed request\(s\)$", lines[0]), lines[0]
    assert len(lines) == 3 and all(" INFO: " in line for line in lines)
    assert len(list(cron.output.glob("report-2*.html"))) == 2 and (cron.output / "report-latest.html").is_file()


def test_failed_runs_leave_latest_json_on_the_last_good_file(replica, tmp_path: Path) -> None:  # noqa: ANN001
    cron = CronSite(replica.origin, tmp_path)
    good = cron.run("-a", "max_items=3")
    assert good.returncode == OK and len(good.items) == 3, good.log[-3000:]

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]   # closed again: nothing listens there
    unreachable = cron.run(settings={"TEMPO_BASE_URL": f"http://127.0.0.1:{port}", "RETRY_TIMES": "0"})
    assert unreachable.returncode == ERROR
    assert "tempo_crawler: exit 1: error" in unreachable.log and "fetched nothing from" in unreachable.log
    manifest = latest(cron)
    assert manifest["file"] == good.output.name and manifest["items"] == 3 and manifest["status"] == "ok"
    assert (manifest["last_run"]["status"], manifest["last_run"]["file"]) == ("error", None)
    assert any("Fetched anything: crawl fetched nothing from" in f for f in manifest["last_run"]["failures"])

    bad_start = cron.run("-a", f"start_urls={replica.origin}/internasional/no-such-page")
    assert bad_start.returncode == ERROR, bad_start.log[-3000:]
    manifest = latest(cron)
    assert manifest["file"] == good.output.name and manifest["last_run"]["status"] == "error"
    assert len(cron.files()) == 1                                     # neither failure wrote an empty file

    shown = cron.state_cmd("show", "--json")
    runs = json.loads(shown.stdout)["runs"]                           # newest first
    assert [(r["outcome"], r["exit_code"], r["complete"]) for r in runs] == [
        ("error", 1, None), ("error", 1, 0), ("ok", 0, 0)]            # explicit URLs: complete is n/a
    assert [h["status"] for h in history(cron)] == ["ok", "error", "error"]
