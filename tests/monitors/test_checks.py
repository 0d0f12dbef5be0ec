"""Each monitor on hand-written stats: what a healthy run looks like, and one fault at a time, with the exit
status and the reason it must give. The figures go through ``gather`` as in a crawl."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import scrapy
from scrapy.utils.test import get_crawler

import tempo_crawler.settings as project_settings
from tempo_crawler.context import RunContext
from tempo_crawler.exitcodes import BLOCKED, DATA_QUALITY, ERROR, INCOMPLETE, LAYOUT_DRIFT, OK
from tempo_crawler.monitors.figures import gather
from tempo_crawler.monitors.ledger import RunLedger
from tempo_crawler.monitors.outcome import Outcome, run_monitors

SOURCES = ("rss_legacy", "rss", "api", "payload", "sitemap", "indeks")   # settings.TEMPO_SOURCES order
COVERAGE = {"title": 1.0, "body": 1.0, "published_at": 1.0, "image_url": 1.0, "image_caption": 0.9, "dateline": 0.95,
            "tags": 0.9, "lead": 0.8, "reporters": 0.9, "editors": 0.9, "section": 1.0}


def healthy_stats(items: int = 30) -> dict[str, Any]:
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    stats: dict[str, Any] = {
        "start_time": start, "finish_time": start + timedelta(seconds=40), "finish_reason": "finished",
        "downloader/request_count": items + 12, "downloader/response_count": items + 12,
        "downloader/response_status_count/200": items + 12, "tempo/responses_ok": items + 12,
        "tempo/articles/scheduled": items, "tempo/layout/B": items, "item_scraped_count": items,
        "tempo/export/lines": items, "tempo/export/file": "/srv/out/world-20250101T000000Z.jsonl",
        "spidermon_item_scraped_count/Article": items,
    }
    stats.update({f"tempo/source/{name}/articles": 20 for name in SOURCES})
    stats.update({f"spidermon_field_coverage/Article/{k}": v for k, v in COVERAGE.items()})
    return stats


def healthy_ledger(items: int = 30) -> RunLedger:
    return RunLedger(canary_f1=[0.98] * items, canary_layouts={"B": items}, items=items, with_people=items)


def check(stats: dict[str, Any], ledger: RunLedger | None = None, baseline: list[dict[str, Any]] | None = None,
          context: RunContext | None = None, **settings: Any) -> Outcome:
    crawler = get_crawler(scrapy.Spider, settings_dict={
        **{k: v for k, v in vars(project_settings).items() if k.isupper()}, **settings})
    context = context or RunContext(spider="world", stamp="20250101T000000Z", now=datetime.now(timezone.utc))
    figures = gather(stats, context, ledger or healthy_ledger(), crawler.settings)
    spider = scrapy.Spider("world")
    return run_monitors(crawler, spider, {"stats": stats, "crawler": crawler, "spider": spider,
                                          "figures": figures, "baseline": baseline or []})


def failed(outcome: Outcome) -> dict[str, tuple[int | None, str | None]]:
    return {c.name: (c.exit_code, c.reason) for c in outcome.failures}


def past_runs(n: int = 3, **line: Any) -> list[dict[str, Any]]:
    base = {"kind": "full", "status": "ok", "exit_code": 0, "discovered": 120, "items": 30, "pages": 30,
            "dominant_layout": "B", "fill": {"image_caption": 0.9, "title": 1.0}}
    return [{**base, **line, "run_id": f"2024123{n}T000000Z"} for n in range(n)]


def test_a_healthy_run_passes_and_history_checks_wait_for_history() -> None:
    outcome = check(healthy_stats())
    assert outcome.exit_code == OK and failed(outcome) == {}
    skipped = {c.name for c in outcome.checks if c.status == "skipped"}
    assert skipped == {"Discovery vs recent runs", "Fill rates vs recent runs", "Dominant layout"}
    assert len(outcome.checks) == 15


def test_finish_reason_shutdown_is_an_error_and_cut_short_counts_are_not_judged() -> None:
    stats = {**healthy_stats(), "finish_reason": "shutdown", "tempo/source/sitemap/articles": 0}
    outcome = check(stats, baseline=past_runs(discovered=1000))
    assert failed(outcome) == {"Finish reason": (ERROR, (
        "the run ended with 'shutdown' (stopped by a signal, SIGINT or SIGTERM), not finished / closespider_itemcount"
        " / closespider_pagecount / closespider_timeout: it did not do its job"))}
    skipped = {c.name: c.reason for c in outcome.checks if c.status == "skipped"}
    assert skipped["Every source"] == skipped["Discovery vs recent runs"] == (
        "the run was cut short (shutdown): see 'Finish reason'")


def test_nothing_fetched_names_the_causes() -> None:
    stats = {"finish_reason": "finished", "downloader/request_count": 6, "tempo/failed/cause/dns": 6,
             "downloader/exception_type_count/scrapy.exceptions.CannotResolveHostError": 6,
             **{f"tempo/source/{name}/errors": 1 for name in SOURCES}}
    outcome = check(stats, RunLedger())
    assert outcome.exit_code == ERROR
    code, reason = failed(outcome)["Fetched anything"]
    assert code == ERROR and reason.startswith(
        "crawl fetched nothing from www.tempo.co: DNS lookup failed (no such host, or no DNS) (6 attempts)")
    assert {c.name for c in outcome.checks if c.status == "skipped"} >= {"Discovery", "Every source"}


def test_failed_requests_make_the_run_incomplete() -> None:
    stats = {**healthy_stats(), "tempo/articles/failed": 3, "tempo/failed/cause/http": 2,
             "tempo/failed/cause/timeout": 1, "tempo/failed/status/500": 2, "log_count/ERROR": 3}
    outcome = check(stats)
    assert outcome.exit_code == INCOMPLETE
    code, reason = failed(outcome)["Failed requests"]
    assert code == INCOMPLETE
    assert reason == "3 article request(s) failed (7% > 0%); causes: http 2, timeout 1; HTTP 500: 2"
    assert "Errors logged" not in failed(outcome)    # one ERROR line per failed article is expected


def test_unexplained_error_lines_are_an_error() -> None:
    stats = {**healthy_stats(), "tempo/articles/failed": 1, "retry/max_reached": 1, "log_count/ERROR": 3}
    outcome = check(stats)
    assert failed(outcome)["Errors logged"][0] == ERROR and outcome.exit_code == ERROR
    assert failed(outcome)["Errors logged"][1].startswith("1 ERROR log line(s) beyond those of failed requests")


def test_blocked_responses_count_403_429_and_challenge_pages_without_double_counting() -> None:
    stats = {**healthy_stats(), "downloader/response_count": 40, "downloader/response_status_count/403": 10,
             "downloader/response_status_count/429": 2, "tempo/blocked/www.tempo.co": 11}
    assert failed(check(stats))["Blocked responses"][1].startswith(
        "12 of 40 responses were blocked (30% > 20%: HTTP 403 10, HTTP 429 2, challenge pages 11, "
        "per host www.tempo.co: 11)")
    stats["tempo/blocked/www.tempo.co"] = 25      # challenge pages answered with 200 as well: the larger count
    outcome = check(stats)
    assert outcome.exit_code == BLOCKED and failed(outcome)["Blocked responses"][1].startswith("25 of 40")
    stats.update({"downloader/response_status_count/403": 4, "tempo/blocked/www.tempo.co": 0})
    assert "Blocked responses" not in failed(check(stats))          # 4 + 2 of 40 = 15%


def test_empty_discovery_is_an_error_and_names_the_silent_sources() -> None:
    stats = {**healthy_stats(0), **{f"tempo/source/{name}/articles": 0 for name in SOURCES}}
    outcome = check(stats, RunLedger())
    assert outcome.exit_code == ERROR
    assert failed(outcome)["Discovery"][1].startswith("no article discovered: 12 page(s) answered")
    assert failed(outcome)["Every source"] == (DATA_QUALITY, "source(s) that listed nothing: " + ", ".join(SOURCES))


def test_an_incremental_run_with_nothing_new_passes() -> None:
    stats = {**healthy_stats(0), "tempo/skipped/unchanged": 120}
    context = RunContext(spider="world", stamp="20250101T000000Z", now=datetime.now(timezone.utc),
                         covered={"api"}, store=object())  # type: ignore[arg-type]
    outcome = check(stats, RunLedger(), baseline=past_runs(kind="incremental"), context=context)
    assert outcome.exit_code == OK, failed(outcome)
    assert {c.name: c.status for c in outcome.checks}["Discovery vs recent runs"] == "passed"


def test_discovery_far_below_the_median_of_recent_runs() -> None:
    stats = {**healthy_stats(), **{f"tempo/source/{name}/articles": 10 for name in SOURCES}}   # 60
    outcome = check(stats, baseline=past_runs(discovered=200))
    assert failed(outcome) == {"Discovery vs recent runs": (
        DATA_QUALITY, "60 article(s) discovered, under 50% of the median 200 of the last 3 healthy full run(s)")}
    assert check(stats, baseline=past_runs(discovered=110)).exit_code == OK


def test_a_silent_source_fails() -> None:
    stats = {**healthy_stats(), "tempo/source/payload/articles": 0, "tempo/source/payload/errors": 2}
    outcome = check(stats)
    assert failed(outcome) == {
        "Every source": (DATA_QUALITY, "source(s) that listed nothing: payload (2 failed request(s))"),
        "Failed requests": (INCOMPLETE, "2 listing request(s) failed (5% > 0%)")}
    assert outcome.exit_code == DATA_QUALITY


def test_fill_rates_under_their_threshold() -> None:
    stats = {**healthy_stats(), "spidermon_field_coverage/Article/image_caption": 0.1}
    ledger = RunLedger(canary_f1=[0.98] * 30, items=30, with_people=9)       # 30% name a person
    assert failed(check(stats, ledger)) == {"Field fill rates": (
        DATA_QUALITY, "fields under their threshold: reporters_or_editors 30% < 40%, image_caption 10% < 20%")}


def test_fill_rates_are_not_judged_on_few_items() -> None:
    stats = {**healthy_stats(5), "spidermon_field_coverage/Article/image_caption": 0.0}
    outcome = check(stats, healthy_ledger(5))
    assert outcome.exit_code == OK
    assert {c.name: c.reason for c in outcome.checks}["Field fill rates"] == (
        "5 item(s) exported, 10 needed for fill rates to mean something")


def test_a_fill_rate_that_fell_against_recent_runs() -> None:
    stats = {**healthy_stats(), "spidermon_field_coverage/Article/image_caption": 0.45}   # above 40%, but fell
    assert failed(check(stats, baseline=past_runs())) == {"Fill rates vs recent runs": (
        DATA_QUALITY,
        "fields that fell more than 25% below the last 3 healthy run(s): image_caption 45% (usually 90%)")}


def test_pages_quarantined_or_read_from_json_ld() -> None:
    ledger = healthy_ledger()
    ledger.fallback_pages = 2
    outcome = check({**healthy_stats(), "tempo/quarantined": 3}, ledger)
    assert failed(outcome) == {"Pages read from the DOM": (
        DATA_QUALITY, "3 page(s) quarantined and 2 read only from JSON-LD of 33 (15% > 5%)")}


def test_canary_below_threshold_is_layout_drift() -> None:
    ledger = RunLedger(canary_f1=[0.0] * 8 + [0.97, 0.99], canary_layouts={"B": 10}, items=30, with_people=30)
    outcome = check(healthy_stats(), ledger)
    assert outcome.exit_code == LAYOUT_DRIFT
    assert failed(outcome)["Layout canary"] == (LAYOUT_DRIFT, (
        "median token F1 between JSON-LD articleBody and the DOM body 0.00 < 0.80 over 10 page(s) (B 10); "
        "8 page(s) under the threshold: the body is no longer where the parser reads it"))
    few = check(healthy_stats(), RunLedger(canary_f1=[0.0, 0.0], items=30, with_people=30))
    assert {c.name: c.status for c in few.checks}["Layout canary"] == "skipped"


def test_dominant_layout_change_is_layout_drift() -> None:
    stats = {**healthy_stats(), "tempo/layout/B": 5, "tempo/layout/A2": 25}
    outcome = check(stats, baseline=past_runs())
    assert failed(outcome) == {"Dominant layout": (
        LAYOUT_DRIFT, "most pages are now A2 (83% of 30); the last 3 healthy run(s) were mostly B")}


@pytest.mark.parametrize("settings, name", [({"TEMPO_MONITOR_CANARY_MIN_F1": "0.99"}, "Layout canary"),
                                            ({"TEMPO_MONITOR_MAX_BLOCKED_SHARE": "-1"}, "Blocked responses")])
def test_thresholds_are_settings(settings: dict[str, str], name: str) -> None:
    assert name in failed(check(healthy_stats(), **settings))


def test_the_worst_failure_decides() -> None:
    ledger = RunLedger(canary_f1=[0.0] * 30, items=30, with_people=30, fallback_pages=30)
    stats = {**healthy_stats(), "spidermon_field_coverage/Article/image_caption": 0.0, "tempo/articles/failed": 1,
             "log_count/ERROR": 1}
    outcome = check(stats, ledger)
    assert set(failed(outcome)) == {"Layout canary", "Field fill rates", "Pages read from the DOM", "Failed requests"}
    assert outcome.exit_code == LAYOUT_DRIFT and outcome.status == "layout_drift"


def test_articles_left_pending_or_given_up_make_the_run_incomplete() -> None:
    """Issue 11: an article that failed in any way stays pending; the run says so, naming the first ones."""
    named = {f"https://www.tempo.co/internasional/berita-{n}-{1000000 + n}": "quarantined: no known layout"
             for n in range(4)}
    stats = {**healthy_stats(), "tempo/pending": 3, "tempo/pending_given_up": 1, "tempo/failed_articles": named}
    code, reason = failed(check(stats))["Pending articles"]
    first = next(iter(named))
    assert code == INCOMPLETE and reason.startswith(
        f"3 article(s) left pending for the next run, 1 given up after TEMPO_PENDING_MAX_ATTEMPTS failures: "
        f"{first} (quarantined: no known layout); ")
    assert reason.endswith("; …")
    assert "Pending articles" not in failed(check({**healthy_stats(), "tempo/pending": 0}))


def test_a_failed_write_is_an_error() -> None:
    stats = {**healthy_stats(), "tempo/export/write_failed": 1, "tempo/text_form/write_error": 3,
             "tempo/export/write_error": "OSError: [Errno 28] No space left on device"}
    outcome = check(stats)
    code, reason = failed(outcome)["Writes"]
    assert code == ERROR and outcome.exit_code == ERROR
    assert reason == ("a write failed: the output file (OSError: [Errno 28] No space left on device): left "
                      "unpublished as .part, the next run publishes it; 3 text file(s): the next run writes them "
                      "from the JSON Lines")
