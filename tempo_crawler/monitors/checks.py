"""The monitors run when a crawl ends: Spidermon monitors (unittest cases), one check each, each with the exit
status it sets when it fails (:mod:`tempo_crawler.exitcodes`) and a reason that names numbers.

They read ``self.data.figures`` (:func:`tempo_crawler.monitors.figures.gather`), ``self.data.baseline``
(recent healthy runs of the same kind, :func:`tempo_crawler.monitors.history.baseline`), Scrapy's stats and
the ``TEMPO_MONITOR_*`` settings (documented in ``settings.py`` and the README). A check that does not apply
to a run (too few items, no history yet, explicit URLs) is skipped with the reason.
"""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any, ClassVar

from spidermon import monitors
from spidermon.contrib.scrapy.monitors import ErrorCountMonitor, FinishReasonMonitor
from spidermon.contrib.scrapy.monitors.base import BaseScrapyMonitor

from tempo_crawler.exitcodes import BLOCKED, DATA_QUALITY, ERROR, INCOMPLETE, LAYOUT_DRIFT


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
        causes = {**f["failed"]["by_cause"], **{f"HTTP {k}": v for k, v in f["failed"]["by_status"].items()}}
        detail = ", ".join(f"{k} {v}" for k, v in sorted(causes.items())) or "no response"
        self.fail(f"fetched nothing from {self.crawler.settings.get('TEMPO_BASE_URL')} ({detail}); "
                  f"is the site reachable and the URL right?")


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
            self.fail(f"{b['responses']} of {self.figures['responses']} responses were blocked ({b['share']:.0%} > "
                      f"{limit:.0%}: HTTP 403 {b['status_403']}, HTTP 429 {b['status_429']}, challenge pages "
                      f"{b['challenge']}); slow down (DOWNLOAD_DELAY, AUTOTHROTTLE) or check the User-Agent")


@monitors.name("Discovery")
class DiscoveryMonitor(TempoMonitor):
    """The listings named at least one article (they may all be known already: that is fine)."""

    exit_code = ERROR

    @monitors.name("listings named at least one article")
    def test_not_empty(self) -> None:
        f = self.figures
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
        if f["kind"] == "explicit":
            self.skipTest("explicit URLs: nothing to compare")
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


def _fill_rules(settings: Any) -> dict[str, float]:
    return {k: float(v) for k, v in settings.getdict("TEMPO_MONITOR_FILL_RATES").items()}


class _FillCheck(TempoMonitor):
    def checked_fill(self) -> dict[str, float]:
        f = self.figures
        need = int(self.setting("FILL_MIN_ITEMS"))
        if f["items"] < need:
            self.skipTest(f"{f['items']} item(s) exported, {need} needed for fill rates to mean something")
        return f["fill"]


@monitors.name("Field fill rates")
class FillRateMonitor(_FillCheck):
    """Share of exported items with each field filled (Spidermon field coverage, None and empty not counted)
    is at least its ``TEMPO_MONITOR_FILL_RATES`` threshold."""

    @monitors.name("fill rates ≥ TEMPO_MONITOR_FILL_RATES")
    def test_fill(self) -> None:
        fill = self.checked_fill()
        low = [(name, fill.get(name, 0.0), want) for name, want in _fill_rules(self.crawler.settings).items()
               if fill.get(name, 0.0) < want]
        if low:
            self.fail("fields under their threshold: " + ", ".join(
                f"{name} {got:.0%} < {want:.0%}" for name, got, want in low))


@monitors.name("Fill rates vs recent runs")
class FillDropMonitor(_FillCheck):
    """No field's fill rate fell more than ``TEMPO_MONITOR_FILL_MAX_DROP`` below its median over recent healthy
    runs (which exported enough items)."""

    @monitors.name("no fill rate fell")
    def test_fill_drop(self) -> None:
        fill = self.checked_fill()
        need = int(self.setting("FILL_MIN_ITEMS"))
        runs = [run for run in self.baseline if run.get("items", 0) >= need and run.get("fill")]
        self.enough_history(runs)
        drop = self.setting("FILL_MAX_DROP")
        fell = []
        for name, got in sorted(fill.items()):
            usual = statistics.median(run["fill"].get(name, 0.0) for run in runs)
            if got < usual - drop:
                fell.append(f"{name} {got:.0%} (usually {usual:.0%})")
        if fell:
            self.fail(f"fields that fell more than {drop:.0%} below the last {len(runs)} healthy run(s): "
                      + ", ".join(fell))


@monitors.name("Pages read from the DOM")
class UnreadPagesMonitor(TempoMonitor):
    """Share of article pages quarantined (no known layout, or empty) or read only through the JSON-LD
    fallback (the DOM gave no body)."""

    @monitors.name("unread share under TEMPO_MONITOR_MAX_UNREAD_SHARE")
    def test_unread(self) -> None:
        f, limit = self.figures, self.setting("MAX_UNREAD_SHARE")
        if f["unread_share"] > limit:
            self.fail(f"{f['quarantined']} page(s) quarantined and {f['fallback_pages']} read only from JSON-LD of "
                      f"{max(f['pages'], f['quarantined'])} ({f['unread_share']:.0%} > {limit:.0%})")


@monitors.name("Layout canary")
class CanaryMonitor(TempoMonitor):
    """Median token F1 between the JSON-LD ``articleBody`` and the body read from the DOM, over the pages that
    carry one: a redesign that moves the body drops it to 0 even when a fallback fills the field."""

    exit_code = LAYOUT_DRIFT

    @monitors.name("median F1 ≥ TEMPO_MONITOR_CANARY_MIN_F1")
    def test_canary(self) -> None:
        canary = self.figures["canary"]
        need = int(self.setting("CANARY_MIN_PAGES"))
        if canary["pages"] < need:
            self.skipTest(f"{canary['pages']} page(s) with a JSON-LD articleBody, {need} needed")
        limit = self.setting("CANARY_MIN_F1")
        if canary["median_f1"] < limit:
            layouts = ", ".join(f"{k} {v}" for k, v in sorted(canary["layouts"].items()))
            self.fail(f"median token F1 between JSON-LD articleBody and the DOM body {canary['median_f1']:.2f} < "
                      f"{limit:.2f} over {canary['pages']} page(s) ({layouts}); {canary['below']} page(s) under "
                      f"the threshold: the body is no longer where the parser reads it")


@monitors.name("Dominant layout")
class LayoutMixMonitor(TempoMonitor):
    """The layout most pages were read with is the one recent healthy runs of the same kind had."""

    exit_code = LAYOUT_DRIFT

    @monitors.name("dominant layout unchanged")
    def test_dominant(self) -> None:
        f = self.figures
        need = int(self.setting("LAYOUT_MIN_PAGES"))
        if f["pages"] < need:
            self.skipTest(f"{f['pages']} page(s) parsed, {need} needed")
        runs = [run for run in self.baseline if run.get("pages", 0) >= need and run.get("dominant_layout")]
        self.enough_history(runs)
        usual = Counter(run["dominant_layout"] for run in runs).most_common(1)[0][0]
        now = f["dominant_layout"]
        if now != usual:
            share = f["layouts"][now] / f["pages"]
            self.fail(f"most pages are now {now} ({share:.0%} of {f['pages']}); the last {len(runs)} healthy "
                      f"run(s) were mostly {usual}")


MONITORS = (FinishMonitor, FetchedMonitor, ErrorsLoggedMonitor, FailedRequestsMonitor, BlockedMonitor,
            DiscoveryMonitor, DiscoveryDropMonitor, SourcesMonitor, FillRateMonitor, FillDropMonitor,
            UnreadPagesMonitor, CanaryMonitor, LayoutMixMonitor)
