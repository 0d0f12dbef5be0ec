"""The monitors run when a crawl ends: Spidermon monitors (unittest cases), one check each, each with the exit
status it sets when it fails (:mod:`tempo_crawler.exitcodes`) and a reason that names numbers. This module:
their base and the checks of the run itself (finish, fetches, errors, blocking, discovery, sources);
:mod:`.quality`: the checks of what the pages and items look like (fill rates, unread pages, canary, layout).

They read ``self.data.figures`` (:func:`tempo_crawler.monitors.figures.gather`), ``self.data.baseline``
(recent healthy runs of the same kind, :func:`tempo_crawler.monitors.history.baseline`), Scrapy's stats and
the ``TEMPO_MONITOR_*`` settings (documented in ``settings.py`` and the README). A check that does not apply
to a run (too few items, no history yet, explicit URLs) is skipped with the reason.
"""

from __future__ import annotations

import statistics
from typing import Any, ClassVar

from spidermon import monitors
from spidermon.contrib.scrapy.monitors import ErrorCountMonitor, FinishReasonMonitor
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor

from tempo_crawler.exitcodes import BLOCKED, DATA_QUALITY, ERROR, INCOMPLETE
from tempo_crawler.failures import nothing_fetched


class TempoMonitor(BaseScrapyMonitor):
    exit_code: ClassVar[int] = DATA_QUALITY

    @property
    def figures(self) -> dict[str, Any]:
        return self.data.figures

    @property
    def baseline(self) -> list[dict[str, Any]]:
        return self.data.baseline

    def setting(self, name: str) -> float:
        return self.crawler.settings.getfloat(f"TEMPO_MONITOR_{name}")

    def skip_if_cut_short(self) -> None:
        """Counts of a run stopped half-way (a signal, an error) say nothing about the site."""
        reason = self.figures["finish_reason"]
        if reason not in self.crawler.settings.getlist("SPIDERMON_EXPECTED_FINISH_REASONS"):
            self.skipTest(f"the run was cut short ({reason}): see 'Finish reason'")

    def enough_history(self, runs: list[dict[str, Any]]) -> None:
        need = int(self.setting("MIN_HISTORY"))
        if len(runs) < need:
            self.skipTest(f"{len(runs)} comparable healthy run(s) in the history, {need} needed")


_REASONS = {"shutdown": "stopped by a signal, SIGINT or SIGTERM", "cancelled": "cancelled by an error"}


@monitors.name("Finish reason")
class FinishMonitor(FinishReasonMonitor):
    """The crawl ended by itself (not by an error or a signal)."""

    exit_code = ERROR

    @monitors.name("ended by itself")
    def test_should_finish_with_expected_reason(self) -> None:
        expected = self.crawler.settings.getlist("SPIDERMON_EXPECTED_FINISH_REASONS")
        reason = self.stats.get("finish_reason")
        if reason not in expected:
            why = _REASONS.get(str(reason), "an unexpected finish reason")
            self.fail(f"the run ended with {reason!r} ({why}), not {' / '.join(expected)}: it did not do its job")


@monitors.name("Fetched anything")
class FetchedMonitor(TempoMonitor):
    """At least one page answered (an unreachable site or a bad base/start URL fetches nothing)."""

    exit_code = ERROR

    @monitors.name("at least one page was read")
    def test_fetched(self) -> None:
        f = self.figures
        if f["responses_ok"]:
            return
        if f["kind"] == "worker" and not self.stats.get("tempo/redis/popped"):
            self.skipTest("a distributed worker that found the shared queue empty (docs/distributed.md)")
        from tempo_crawler.commands.crawl import fetch_targets

        self.fail(f"{nothing_fetched(self.stats, fetch_targets(self.crawler))}; is the site reachable and the URL "
                  "right?")


@monitors.name("Errors logged")
class ErrorsLoggedMonitor(ErrorCountMonitor):
    """No ERROR log line beyond those of failed requests (Scrapy's "Gave up retrying" and the spider's line)
    and spider exceptions, which have their own monitor: anything else is a fault of the run (a write that
    failed, a page that could not be rendered)."""

    exit_code = ERROR
    threshold_setting = "TEMPO_MONITOR_MAX_ERRORS"

    def get_threshold(self) -> float:
        failed = self.data.figures["failed"]
        return (self.crawler.settings.getint(self.threshold_setting) + failed["articles"]
                + failed["spider_exceptions"] + failed["gave_up"])

    @monitors.name("no unexplained ERROR line")
    def test_stat_monitor(self) -> None:
        logged, allowed = int(self.stats.get(self.stat_name, 0)), int(self.get_threshold())
        if logged > allowed:
            self.fail(f"{logged - allowed} ERROR log line(s) beyond those of failed requests "
                      f"(TEMPO_MONITOR_MAX_ERRORS={self.crawler.settings.getint(self.threshold_setting)}): "
                      f"see the log")


@monitors.name("Failed requests")
class FailedRequestsMonitor(TempoMonitor):
    """Article and listing requests that failed for good (after retries), and pages whose callback raised:
    those articles are not exported this run and stay pending for the next one."""

    exit_code = INCOMPLETE

    @monitors.name("failed share under TEMPO_MONITOR_MAX_FAILED_SHARE")
    def test_failed(self) -> None:
        f = self.figures
        failed = f["failed"]
        lost = failed["articles"] + failed["listings"] + failed["spider_exceptions"]
        share = lost / max(1, f["responses_ok"] + failed["articles"] + failed["listings"])
        limit = self.setting("MAX_FAILED_SHARE")
        if share <= limit:
            return
        counted = ((failed["articles"], "article request(s) failed"), (failed["listings"], "listing request(s) failed"),
                   (failed["spider_exceptions"], "page(s) whose parsing raised"))
        parts = [f"{n} {text}" for n, text in counted if n]
        causes = ", ".join(f"{k} {v}" for k, v in sorted(failed["by_cause"].items()))
        statuses = ", ".join(f"HTTP {k}: {v}" for k, v in sorted(failed["by_status"].items()))
        self.fail(f"{', '.join(parts)} ({share:.0%} > {limit:.0%})"
                  + (f"; causes: {causes}" if causes else "") + (f"; {statuses}" if statuses else ""))


@monitors.name("Blocked responses")
class BlockedMonitor(TempoMonitor):
    """Responses that are 403/429 or challenge pages (``tempo/blocked/<host>``): the site's WAF refuses us."""

    exit_code = BLOCKED

    @monitors.name("blocked share under TEMPO_MONITOR_MAX_BLOCKED_SHARE")
    def test_blocked(self) -> None:
        b, limit = self.figures["blocked"], self.setting("MAX_BLOCKED_SHARE")
        if b["share"] > limit:
            hosts = ", ".join(f"{host}: {n}" for host, n in sorted(b.get("hosts", {}).items())) or "-"
            self.fail(f"{b['responses']} of {self.figures['responses']} responses were blocked ({b['share']:.0%} > "
                      f"{limit:.0%}: HTTP 403 {b['status_403']}, HTTP 429 {b['status_429']}, challenge pages "
                      f"{b['challenge']}, per host {hosts}); the site refuses this network or this rate: slow down "
                      f"(DOWNLOAD_DELAY, AUTOTHROTTLE) or crawl through a proxy (README \"Blocked networks\": "
                      f"HTTPS_PROXY)")


@monitors.name("Discovery")
class DiscoveryMonitor(TempoMonitor):
    """The listings named at least one article (they may all be known already: that is fine)."""

    exit_code = ERROR

    @monitors.name("listings named at least one article")
    def test_not_empty(self) -> None:
        f = self.figures
        if f["kind"] == "worker":
            self.skipTest("a distributed worker that did not discover: the seeding worker's run is judged")
        self.skip_if_cut_short()
        if not f["responses_ok"]:
            self.skipTest("nothing fetched (see 'Fetched anything')")
        if not f["discovered"]:
            where = ", ".join(f["sources"]) or "the explicit URLs"
            self.fail(f"no article discovered: {f['responses_ok']} page(s) answered but {where} named no article")


@monitors.name("Discovery vs recent runs")
class DiscoveryDropMonitor(TempoMonitor):
    """Articles discovered (listed by the sources) are not far below the median of recent healthy runs."""

    exit_code = DATA_QUALITY

    @monitors.name("discovered ≥ TEMPO_MONITOR_DISCOVERY_MIN_RATIO × median")
    def test_drop(self) -> None:
        f = self.figures
        if f["kind"] in ("explicit", "worker"):
            self.skipTest(f"{f['kind']} run: no discovery to compare")
        self.skip_if_cut_short()
        self.enough_history(self.baseline)
        median = statistics.median(run.get("discovered", 0) for run in self.baseline)
        ratio = self.setting("DISCOVERY_MIN_RATIO")
        if f["discovered"] < ratio * median:
            self.fail(f"{f['discovered']} article(s) discovered, under {ratio:.0%} of the median {median:g} of the "
                      f"last {len(self.baseline)} healthy {f['kind']} run(s)")


@monitors.name("Every source")
class SourcesMonitor(TempoMonitor):
    """Every enabled discovery source (API, payload, feeds, sitemap, /indeks) listed at least one article."""

    exit_code = DATA_QUALITY

    @monitors.name("every source listed articles")
    def test_sources(self) -> None:
        f = self.figures
        if not f["sources"]:
            self.skipTest("explicit URLs: no discovery source ran")
        self.skip_if_cut_short()
        if not f["responses_ok"]:
            self.skipTest("nothing fetched (see 'Fetched anything')")
        silent = [name for name, n in f["sources"].items() if not n]
        if silent:
            errors = f["source_errors"]
            self.fail("source(s) that listed nothing: " + ", ".join(
                f"{name} ({errors[name]} failed request(s))" if errors.get(name) else name for name in silent))


@monitors.name("Pending articles")
class PendingMonitor(TempoMonitor):
    """No article left pending: each one requested was exported, found unchanged or outside the window. One
    that failed in any way (fetch, cut-short page, parser, quarantine, drop) is fetched again by the next
    runs (tempo_crawler/state/pending.py), until TEMPO_PENDING_MAX_ATTEMPTS failures give it up."""

    exit_code = INCOMPLETE

    @monitors.name("no article left pending or given up")
    def test_pending(self) -> None:
        pending, given_up = int(self.stats.get("tempo/pending", 0)), int(self.stats.get("tempo/pending_given_up", 0))
        if not (pending or given_up):
            return
        named = self.stats.get("tempo/failed_articles") or {}
        examples = "; ".join(f"{url} ({cause})" for url, cause in list(named.items())[:3])
        self.fail(f"{pending} article(s) left pending for the next run"
                  + (f", {given_up} given up after TEMPO_PENDING_MAX_ATTEMPTS failures" if given_up else "")
                  + (f": {examples}{'; …' if len(named) > 3 else ''}" if examples else ""))


@monitors.name("Writes")
class WritesMonitor(TempoMonitor):
    """Every write succeeded: the run's output file, the text files, the store's record of the run. What a
    failed write left out is written by the next run (docs/cron.md "Failed writes")."""

    exit_code = ERROR

    @monitors.name("no write failed")
    def test_writes(self) -> None:
        problems = []
        if self.stats.get("tempo/export/write_failed"):
            problems.append(f"the output file ({self.stats.get('tempo/export/write_error')}): left unpublished "
                            f"as .part, the next run publishes it")
        if self.stats.get("tempo/text_form/write_error"):
            problems.append(f"{self.stats['tempo/text_form/write_error']} text file(s): the next run writes them "
                            f"from the JSON Lines")
        if self.stats.get("tempo/state/write_failed"):
            problems.append("the store's record of the run: the next run recovers it")
        if problems:
            self.fail("a write failed: " + "; ".join(problems))


RUN_MONITORS = (FinishMonitor, FetchedMonitor, ErrorsLoggedMonitor, FailedRequestsMonitor, BlockedMonitor,
                DiscoveryMonitor, DiscoveryDropMonitor, SourcesMonitor, PendingMonitor, WritesMonitor)
