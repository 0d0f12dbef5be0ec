"""``scrapy crawl`` whose exit status tells what happened (:mod:`tempo_crawler.exitcodes`, README "Exit
status"): 2 and one line for a bad argument or setting, before anything starts (:mod:`tempo_crawler.usage`);
otherwise the monitors that run when the spider closes (:mod:`tempo_crawler.monitors`) decide it, and the
command only reads it from the stats and prints one line on stderr when it is not 0, so cron ``MAILTO``
(with ``LOG_FILE`` or ``LOG_LEVEL=ERROR``), systemd and CI alert without extra tooling.

Only this command runs a cron run (state, run file, ``latest.json``, text form): it marks its crawler
(:func:`tempo_crawler.context.mark_crawl`); ``scrapy parse``/``shell``/``check`` run the spider without.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.spiders import Spider

from tempo_crawler import blocking, usage
from tempo_crawler.context import RunContext, mark_crawl
from tempo_crawler.exitcodes import BLOCKED, ERROR, FINISHED, INCOMPLETE, MEANINGS, OK
from tempo_crawler.failures import nothing_fetched

OK_REASONS = frozenset(FINISHED)
# Stats that say a write failed (the output file, a text file, the store's end-of-run record).
WRITE_FAILURES = ("tempo/export/write_failed", "tempo/text_form/write_error", "tempo/state/write_failed")


def fetch_targets(crawler: Crawler) -> list[str]:
    """Where the run tried to fetch from: its explicit URLs, else the base URL."""
    context = RunContext.find(crawler)
    if context is not None and context.explicit_urls:
        return list(context.explicit_urls)
    return [crawler.settings.get("TEMPO_BASE_URL")]


def exit_status(stats: dict[str, Any], settings: Any, targets: list[str]) -> tuple[int, str | None]:
    """The process's exit status and, when it is not 0, the line that says why."""
    if stats.get("tempo/run/skipped"):   # another run holds the lock: a clean, deliberate no-op
        return settings.getint("TEMPO_LOCK_BUSY_EXIT", 0), None
    if stats.get("tempo/run/refused"):   # an unusable state store: nothing was fetched or written
        return ERROR, str(stats["tempo/run/refused"])
    if "tempo/run/exit_code" in stats:
        code = int(stats["tempo/run/exit_code"])
        failures = stats.get("tempo/run/failures") or []
        report = stats.get("tempo/run/report")
        why = "; ".join(failures) + (f" (report: {report})" if report else "")
        return code, (f"{MEANINGS.get(code, code)}: {why}" if code != OK else None)
    if stats.get("tempo/run/monitored"):
        return ERROR, "the monitors did not finish (see the log): the run cannot be vouched for"
    # Monitors disabled (SPIDERMON_ENABLED=False) or not our spider: the minimal checks.
    blocked = blocking.verdict(stats, settings.getfloat("TEMPO_MONITOR_MAX_BLOCKED_SHARE", 0.2))
    if blocked:
        return BLOCKED, f"blocked: {blocked}"
    if not stats.get("tempo/responses_ok"):
        return ERROR, nothing_fetched(stats, targets)
    reason = stats.get("finish_reason")
    if reason not in settings.getlist("SPIDERMON_EXPECTED_FINISH_REASONS", list(OK_REASONS)):
        return ERROR, f"crawl ended with reason {reason!r}"
    failed_writes = [k for k in WRITE_FAILURES if stats.get(k)]
    if failed_writes:
        return ERROR, f"a write failed ({', '.join(failed_writes)}); the next run writes what is missing"
    if stats.get("tempo/pending") or stats.get("tempo/pending_given_up"):   # not read: retried, or given up now
        return INCOMPLETE, (f"{stats.get('tempo/pending', 0)} article(s) left pending for the next run, "
                            f"{stats.get('tempo/pending_given_up', 0)} given up")
    return OK, None


class Command(ScrapyCrawl):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        usage.scrapy_usage_or_exit(lambda: super(Command, self).process_options(args, opts))
        assert self.settings is not None
        if len(args) == 1:
            usage.check_spider_or_exit(self.settings, args[0])
        usage.check_or_exit(self.settings, opts.spargs)

    def _create_crawler(self, spidercls: type[Spider] | str) -> Crawler:
        return mark_crawl(super()._create_crawler(spidercls))

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name, e.g. `scrapy crawl world`")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = ERROR
            return
        stats = crawler.stats.get_stats() if crawler.stats else {}
        self.exitcode, why = exit_status(stats, crawler.settings, fetch_targets(crawler))
        if why:
            print(f"tempo_crawler: exit {self.exitcode}: {why}", file=sys.stderr)
