"""The report's plots are drawn by a child process after the crawl (the crawl never imports matplotlib): four
PNGs of the report's size, in the report's order; a child that fails is named, and the report says why it has no
plots."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
import scrapy
from scrapy.utils.test import get_crawler

import tempo_crawler.settings as project_settings
from tempo_crawler.exitcodes import ERROR, OK
from tempo_crawler.monitors import plotting, report
from tempo_crawler.monitors.ledger import RunLedger
from tempo_crawler.monitors.outcome import Outcome
from tests.support.crawl import REPORT, ROOT
from tests.support.cron import CronSite

RUNS = [{"run_id": "20261120T101500Z", "status": "ok", "items": 4, "discovered": 6,
         "fill": {"title": 1.0, "body": 0.75}, "canary": {"median_f1": 0.93}},
        {"run_id": "20261120T103000Z", "status": "data_quality", "items": 1, "discovered": 2,
         "fill": {"title": 1.0}, "canary": {"median_f1": None}}]


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def settings() -> object:
    return get_crawler(scrapy.Spider, settings_dict={
        k: v for k, v in vars(project_settings).items() if k.isupper()}).settings


def test_the_plots_are_drawn_in_a_child_and_matplotlib_stays_out_of_the_crawl() -> None:
    # In a fresh interpreter, as in a crawl: the report module and the drawing leave matplotlib unimported.
    code = (
        "import json, sys\n"
        "from tempo_crawler.monitors import report, plotting\n"
        "from tempo_crawler.monitors.ledger import RunLedger\n"
        "from collections import Counter\n"
        "class S:\n"
        "    def getfloat(self, name): return 0.8\n"
        f"pngs = report.plot_images(RunLedger(published=Counter({{'2026-11-20T10': 3}})), {RUNS!r}, S())\n"
        "print(json.dumps({'sizes': [len(p) for p in pngs], 'matplotlib': 'matplotlib' in sys.modules}))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    answer = json.loads(done.stdout)
    assert answer["matplotlib"] is False and len(answer["sizes"]) == 4 and min(answer["sizes"]) > 2000


def test_four_pngs_of_the_report_size_in_the_report_order() -> None:
    pngs = plotting.draw(plotting.spec(Counter({"2026-11-20T10": 3, "2026-11-20T12": 1}), RUNS, 0.8))
    assert [png_size(p) for p in pngs] == [(750, 280)] * 4   # plots.SIZE inches at plots.DPI
    assert len(set(pngs)) == 4
    page = report.render(figures(), Outcome(checks=[], exit_code=OK), RunLedger(), RUNS, [], settings(), pngs)
    assert page.count('<img src="data:image/png;base64,') == 4
    assert [a.split('"')[0] for a in page.split('alt="')[1:]] == [alt for _, alt in plotting.PLOTS]


def test_a_failing_child_is_named_and_the_report_says_why_it_has_no_plots() -> None:
    with pytest.raises(plotting.PlotsFailed, match=r"exited 1: ValueError: time data 'not an hour'"):
        plotting.draw(plotting.spec({"not an hour": 3}, [], 0.8))
    page = report.render(figures(), Outcome(checks=[], exit_code=OK), RunLedger(), RUNS, [], settings(), None,
                         "the plotting process exited 1: MemoryError")
    assert "<img" not in page
    assert '<p class="fail">The plots could not be drawn: the plotting process exited 1: MemoryError</p>' in page


@pytest.mark.crawl
def test_a_run_whose_plots_cannot_be_drawn_writes_its_report_and_exits_1(replica, tmp_path: Path) -> None:  # noqa: ANN001
    cron = CronSite(replica.origin, tmp_path, extra=REPORT)
    cron.output.mkdir(parents=True)
    # A history line the plots cannot read (its fill rates are not a mapping), of another kind of run, so the
    # monitors never compare with it: only the child drawing the plots fails.
    (cron.output / "history.jsonl").write_text(json.dumps(
        {"run_id": "20260101T000000Z", "kind": "hand-written", "status": "ok", "fill": ["title"]}) + "\n")
    result = cron.run("-a", "max_items=2")
    assert result.returncode == ERROR, result.log[-3000:]
    assert any(f.startswith("Report plots drawn: the report's plots could not be drawn: the plotting process "
                            "exited 1: AttributeError") for f in result.stats["tempo/run/failures"])
    page = (cron.output / "report-latest.html").read_text("utf-8")
    assert "The plots could not be drawn: the plotting process exited 1: AttributeError" in page
    assert "<img" not in page and "Report plots drawn" in page


def figures() -> dict:
    """The figures of a small healthy run, as ``monitors.figures.gather`` gives them."""
    return {"run_id": "20261120T103000Z", "kind": "full", "started_at": datetime(2026, 11, 20, tzinfo=timezone.utc),
            "elapsed_s": 12, "finish_reason": "finished", "file": None, "discovered": 2, "scheduled": 2,
            "unchanged": 0, "pages": 2, "items": 1, "dropped": 0, "dropped_reasons": {}, "quarantined": 0,
            "fallback_pages": 0, "requests": 4, "responses": 4, "errors_logged": 0, "warnings_logged": 0,
            "blocked": {"responses": 0, "share": 0.0},
            "failed": {"articles": 0, "listings": 0, "spider_exceptions": 0, "by_cause": {}, "by_status": {},
                       "attempts_by_cause": {}},
            "statuses": {"200": 4}, "sources": {"sitemap": 2}, "source_errors": {}, "fill": {"title": 1.0},
            "layouts": {"B": 2}, "canary": {"pages": 0, "layouts": {}}}
