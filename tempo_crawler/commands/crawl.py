"""``scrapy crawl`` that fails loudly: exit status 2 and one line for a bad argument or setting, before
anything starts (:mod:`tempo_crawler.usage`); exit status 1 when the crawl fetched nothing from the site
(unreachable host, DNS failure, every source refused) instead of an empty "success".

Only this command runs a cron run (state, run file, ``latest.json``, text form): it marks its crawler
(:func:`tempo_crawler.context.mark_crawl`); ``scrapy parse``/``shell``/``check`` run the spider without.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.crawler import Crawler
from scrapy.exceptions import UsageError
from scrapy.spiders import Spider

from tempo_crawler import usage
from tempo_crawler.context import RunContext, mark_crawl
from tempo_crawler.failures import nothing_fetched

OK_REASONS = {"finished", "closespider_itemcount", "closespider_pagecount", "closespider_timeout"}


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
            self.exitcode = 1
            return
        stats = crawler.stats.get_stats() if crawler.stats else {}
        reason = stats.get("finish_reason")
        if stats.get("tempo/run/skipped"):  # e.g. another run holds the lock: a clean, deliberate no-op
            self.exitcode = crawler.settings.getint("TEMPO_LOCK_BUSY_EXIT", 0)
            return
        if not stats.get("tempo/responses_ok"):
            context = RunContext.find(crawler)
            targets = (context.explicit_urls if context and context.explicit_urls
                       else [crawler.settings.get("TEMPO_BASE_URL")])
            print(f"ERROR: {nothing_fetched(stats, targets)}", file=sys.stderr)
            self.exitcode = 1
        elif reason not in OK_REASONS:
            print(f"ERROR: crawl ended with reason {reason!r}", file=sys.stderr)
            self.exitcode = 1
