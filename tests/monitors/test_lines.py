"""The progress line and the closing summary: what an operator reads in the log."""

from __future__ import annotations

import logging

import pytest

from tempo_crawler.exitcodes import LAYOUT_DRIFT, OK
from tempo_crawler.monitors.outcome import Check, Outcome
from tempo_crawler.monitors.progress import Progress
from tempo_crawler.monitors.summary import summary_lines
from tests.support.stats import Stats


def test_progress_line_counts_exported_dropped_quarantined_failed(caplog: pytest.LogCaptureFixture) -> None:
    stats = Stats(**{"response_received_count": 40, "item_scraped_count": 12, "item_dropped_count": 3,
                     "tempo/quarantined": 1, "tempo/articles/failed": 2, "tempo/source/api/errors": 1,
                     "tempo/source/api/articles": 20})
    progress = Progress(stats, 60.0)
    progress.pagesprev = progress.itemsprev = 0
    with caplog.at_level(logging.INFO):
        progress.log(spider=None)
    assert caplog.messages == ["crawled 40 pages (40/min); exported 12 (12/min), dropped 3, quarantined 1, "
                               "failed requests 3"]


FIGURES = {
    "run_id": "20250101T000000Z", "elapsed_s": 41.5, "items": 12, "file": "/srv/out/world-20250101T000000Z.jsonl",
    "dropped": 3, "dropped_reasons": {"duplicate": 2, "no_body": 1}, "quarantined": 0,
    "failed": {"articles": 1, "listings": 0}, "kind": "incremental", "discovered": 140,
    "sources": {"api": 20, "sitemap": 120}, "unchanged": 120, "pages": 13, "layouts": {"B": 13},
    "canary": {"pages": 13, "median_f1": 0.97},
}


def test_summary_of_a_healthy_run() -> None:
    outcome = Outcome(OK, [Check("Finish reason", "", "passed", 1), Check("Dominant layout", "", "skipped", 4, "x")])
    assert summary_lines(FIGURES, outcome, None) == [
        "run 20250101T000000Z ok (exit 0) in 41.5 s: 12 exported to world-20250101T000000Z.jsonl, "
        "3 dropped (duplicate 2, no_body 1), 0 quarantined, 1 failed request(s)",
        "incremental run: 140 article link(s) discovered from 2 sources (sitemap 120, api 20); 120 known and "
        "unchanged; 13 page(s) read (B 13); canary F1 median 0.97 over 13 page(s)",
        "monitors: 1 passed, 1 skipped, 0 failed",
    ]


def test_summary_of_a_failed_run_names_each_failure() -> None:
    outcome = Outcome(LAYOUT_DRIFT, [Check("Layout canary", "", "failed", 4, "median 0.00"),
                                     Check("Field fill rates", "", "failed", 5, "image_caption 0% < 40%")])
    lines = summary_lines({**FIGURES, "items": 0, "file": None}, outcome, None)
    assert lines[0].startswith("run 20250101T000000Z FAILED: layout_drift (exit 4: layout drift: pages no longer "
                               "read as they did) in 41.5 s: 0 exported (no file written), ")
    assert lines[-2:] == ["  failed: Layout canary (exit 4): median 0.00",
                          "  failed: Field fill rates (exit 5): image_caption 0% < 40%"]
