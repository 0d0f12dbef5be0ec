"""``RunMonitors``: Spidermon's Scrapy extension, extended into the end of every ``world`` run.

Spidermon's field coverage per exported item (``SPIDERMON_ADD_FIELD_COVERAGE``, with
``SPIDERMON_FIELD_COVERAGE_SKIP_NONE`` so that None is not "filled") is counted in a dict by :mod:`.coverage` and
added to the stats at close, under Spidermon's keys. When the spider closes — after the
writer published (or did not write) the run's file, and before the run lifecycle, ``latest.json`` and the
stats file (its ``EXTENSIONS`` order is lower than theirs) — this extension:

1. gathers the run's figures (:mod:`.figures`) and the recent healthy runs of the same kind (:mod:`.history`);
2. runs the monitors with Spidermon (:mod:`.checks`, :mod:`.outcome`): the worst failure is the run's status;
3. records it in the stats (``tempo/run/status``, ``tempo/run/exit_code``, ``tempo/run/failures``), read by the
   crawl command (the process's exit status), the run lifecycle (``scrapy state show``) and ``latest.json``;
4. writes the report (:mod:`.report`), appends the history line and logs the short summary (:mod:`.summary`).

A run skipped because another one holds the lock gets a history line and nothing else.
"""

from __future__ import annotations

import logging
import pprint
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from spidermon.contrib.scrapy.extensions import Spidermon

from tempo_crawler.context import RunContext
from tempo_crawler.exitcodes import ERROR, NAMES, OK, worst
from tempo_crawler.monitors import history, report
from tempo_crawler.monitors.coverage import FieldCoverage
from tempo_crawler.monitors.figures import gather, run_kind
from tempo_crawler.monitors.ledger import RunLedger
from tempo_crawler.monitors.outcome import Check, Outcome, run_monitors
from tempo_crawler.monitors.plotting import PlotsFailed
from tempo_crawler.monitors.summary import summary_lines

logger = logging.getLogger(__name__)


class RunMonitors(Spidermon):
    coverage: FieldCoverage | None
    @classmethod
    def from_crawler(cls, crawler: Any) -> RunMonitors:
        context = RunContext.find(crawler)
        if context is None or context.inspect:   # scrapy shell's spider, or parse/check: nothing to vouch for
            raise NotConfigured("no tempo run to monitor")
        ext = super().from_crawler(crawler)    # NotConfigured unless SPIDERMON_ENABLED
        crawler.signals.connect(ext.item_exported, signal=signals.item_scraped)
        return ext

    def __init__(self, crawler: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(crawler, *args, **kwargs)
        coverage = FieldCoverage(crawler.settings, self._get_skip_values_list(crawler.settings))
        self.coverage = coverage if coverage.applies else None

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def spider_opened(self, spider: Any) -> None:
        super().spider_opened(spider)
        self.stats.set_value("tempo/run/monitored", 1)

    def item_exported(self, item: Any) -> None:
        RunLedger.of(self.crawler).observe_item(item)

    def item_scraped(self, item: Any, response: Any, spider: Any) -> None:
        """Spidermon's field coverage (connected by Spidermon with ``SPIDERMON_ADD_FIELD_COVERAGE``): counted by
        :mod:`.coverage`, added to the stats at close."""
        if self.coverage is None:
            super().item_scraped(item, response, spider)
        else:
            self.coverage.count(item)

    def _add_field_coverage_to_stats(self) -> None:
        if self.coverage is not None:
            self.coverage.flush(self.stats)
        super()._add_field_coverage_to_stats()

    def spider_closed(self, spider: Any, reason: str | None = None) -> None:
        for task in self.periodic_tasks.pop(spider, []):
            if task.running:
                task.stop()
        context = RunContext.of(self.crawler)
        settings = self.crawler.settings
        out_dir = history.output_dir(settings, context)
        hist = history.history_path(settings, out_dir)
        keeps_files = context.latest_enabled   # a cron run; a one-off -o/-O export writes only its feed
        if context.skipped:
            if keeps_files:
                self._append(hist, {"run_id": context.stamp, "kind": run_kind(context), "status": "skipped",
                                    "exit_code": settings.getint("TEMPO_LOCK_BUSY_EXIT", 0),
                                    "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds")})
            return
        self._add_field_coverage_to_stats()
        ledger = RunLedger.of(self.crawler)
        figures = gather(self.stats.get_stats(), context, ledger, settings)
        recent = history.tail(hist, settings.getint("TEMPO_REPORT_HISTORY_RUNS")) if keeps_files else []
        baseline = history.baseline(recent, figures["kind"], settings.getint("TEMPO_MONITOR_HISTORY_RUNS"))
        data = {**self._generate_data_for_spider(spider), "figures": figures, "baseline": baseline}
        outcome = run_monitors(self.crawler, spider, data)

        report_dir = Path(settings.get("TEMPO_REPORT_DIR") or out_dir)
        line = self._line(figures, outcome, None)
        report_path = None
        if keeps_files and settings.getbool("TEMPO_REPORT_ENABLED"):
            pngs, problem = None, None
            try:
                pngs = report.plot_images(ledger, [*recent, line], settings)
            except PlotsFailed as exc:   # the report is still written, saying why it has no plots
                problem = str(exc)
                self._write_failed(outcome, "Report plots drawn", f"the report's plots could not be drawn: {exc}")
            try:
                page = report.render(figures, outcome, ledger, [*recent, line], baseline, settings, pngs, problem)
                report_path = report.write(report_dir, context.stamp, page)
            except OSError as exc:
                self._write_failed(outcome, "Report written", f"cannot write the report in {report_dir}: {exc}")
        line = self._line(figures, outcome, report_path)
        if keeps_files and not self._append(hist, line):
            self._write_failed(outcome, "History written", f"cannot append to {hist}")
        self._record(outcome, report_path)
        self._log(figures, outcome, report_path)

    # -- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _line(figures: dict[str, Any], outcome: Outcome, report_path: Path | None) -> dict[str, Any]:
        return {**figures, "status": outcome.status, "exit_code": outcome.exit_code,
                "failures": [{"monitor": c.name, "exit_code": c.exit_code, "reason": c.reason}
                             for c in outcome.failures],
                "report": report_path.name if report_path else None}

    @staticmethod
    def _append(path: Path, line: dict[str, Any]) -> bool:
        try:
            history.append(path, line)
        except OSError as exc:
            logger.error("history: cannot append to %s: %s", path, exc)
            return False
        return True

    @staticmethod
    def _write_failed(outcome: Outcome, name: str, reason: str) -> None:
        outcome.checks.append(Check(name, "a file of the run could be written", "failed", ERROR, reason))
        outcome.exit_code = worst([outcome.exit_code, ERROR])

    def _record(self, outcome: Outcome, report_path: Path | None) -> None:
        self.stats.set_value("tempo/run/exit_code", outcome.exit_code)
        self.stats.set_value("tempo/run/status", NAMES[outcome.exit_code])
        self.stats.set_value("tempo/run/failures", [f"{c.name}: {c.reason}" for c in outcome.failures])
        self.stats.set_value("tempo/run/monitors_failed", len(outcome.failures))
        if report_path is not None:
            self.stats.set_value("tempo/run/report", str(report_path))

    def _log(self, figures: dict[str, Any], outcome: Outcome, report_path: Path | None) -> None:
        level = logging.INFO if outcome.exit_code == OK else logging.ERROR
        for n, text in enumerate(summary_lines(figures, outcome, report_path)):
            logger.log(level if n == 0 or text.startswith("  failed") else logging.INFO, text)
        logger.debug("stats:\n%s", pprint.pformat(self.stats.get_stats()))
