"""``scrapy check``: Scrapy's contracts command, with bad ``-a``/``-s`` values a usage error (one line, exit
status 2) as for ``scrapy crawl``. The checks themselves — one per layout and one per discovery source, run
against ``TEMPO_BASE_URL`` — are described in :mod:`tempo_crawler.contracts`. Nothing is written: the
crawler is not a crawl (:func:`tempo_crawler.context.mark_crawl`), and Scrapy turns pipelines and feeds off.
"""

from __future__ import annotations

import argparse

from scrapy.commands.check import Command as ScrapyCheck

from tempo_crawler import usage


class Command(ScrapyCheck):
    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        usage.scrapy_usage_or_exit(lambda: super(Command, self).process_options(args, opts))
        assert self.settings is not None
        for name in args:
            usage.check_spider_or_exit(self.settings, name)
        usage.check_or_exit(self.settings, opts.spargs)
