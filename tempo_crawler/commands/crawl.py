"""``scrapy crawl`` that fails loudly: exit status 3 when the site answered (most) article requests with a
challenge page (:mod:`tempo_crawler.blocking`), 1 when the crawl fetched nothing from the site (unreachable
host, DNS failure, every source refused) instead of an empty "success"."""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from tempo_crawler import blocking
from tempo_crawler.exitcodes import BLOCKED

OK_REASONS = {"finished", "closespider_itemcount", "closespider_pagecount", "closespider_timeout"}


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name, e.g. `scrapy crawl world`")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            return
        stats = crawler.stats.get_stats() if crawler.stats else {}
        reason = stats.get("finish_reason")
        if stats.get("tempo/run/skipped"):  # e.g. another run holds the lock: a clean, deliberate no-op
            self.exitcode = crawler.settings.getint("TEMPO_LOCK_BUSY_EXIT", 0)
            return
        why = blocking.verdict(stats, crawler.settings.getfloat(blocking.SETTING_SHARE, blocking.DEFAULT_SHARE))
        if why:
            print(f"ERROR: blocked: {why}", file=sys.stderr)
            self.exitcode = BLOCKED
            return
        if not stats.get("tempo/responses_ok"):
            errors = {k: v for k, v in stats.items() if k.startswith("downloader/exception_type_count/")}
            detail = ", ".join(f"{k.rsplit('/', 1)[-1]}={v}" for k, v in errors.items()) or "no response"
            base = crawler.settings.get("TEMPO_BASE_URL")
            print(f"ERROR: crawl fetched nothing from {base} ({detail}); is the site reachable?", file=sys.stderr)
            self.exitcode = 1
        elif reason not in OK_REASONS:
            print(f"ERROR: crawl ended with reason {reason!r}", file=sys.stderr)
            self.exitcode = 1
