"""``scrapy parse <url>``: fetch one page and print what the spider makes of it, with no side effects.

Scrapy's own command, with three changes:

* the spider is found by itself: Scrapy asks each spider's ``handles_request`` (``world`` takes tempo.co
  URLs and Tempo article paths); for any other URL (a mirror's listing, the replica) the project's only
  spider is used. The callback is the spider's ``parse``, which dispatches by URL kind (article →
  ``parse_article``, anything else → ``parse_sniffed``); ``--spider`` and ``-c`` still choose;
* the items printed are the exported form: the parser's output after clean + normalise, the steps the item
  pipelines apply before validation (``--raw`` prints the parser's output as it is). Crawl-time fields
  (``version``, ``first_seen``) keep their defaults: no seen-store is read;
* bad ``-a``/``-s`` values are a usage error (one line, exit status 2), as for ``scrapy crawl``.

Nothing is written: the crawler is not marked as a crawl (:func:`tempo_crawler.context.mark_crawl`), so the
run context turns off the seen-store, the run file, ``latest.json``, the text form and quarantine.
"""

from __future__ import annotations

import argparse
from typing import Any

from scrapy.commands.parse import Command as ScrapyParse

from tempo_crawler import usage
from tempo_crawler.items import Article
from tempo_crawler.pipelines.clean import clean_article
from tempo_crawler.pipelines.normalise import normalise_article


def exported_form(item: Any) -> Any:
    """An article as the pipelines hand it to the exporters (before validation); other items unchanged."""
    return normalise_article(clean_article(item)) if isinstance(item, Article) else item


class Command(ScrapyParse):
    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--raw", action="store_true",
                            help="print the parser's items as they are (default: after clean + normalise)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        usage.scrapy_usage_or_exit(lambda: super(Command, self).process_options(args, opts))
        assert self.settings is not None
        if opts.spider:
            usage.check_spider_or_exit(self.settings, opts.spider)
        usage.check_or_exit(self.settings, opts.spargs)
        self.raw = bool(opts.raw)

    def set_spidercls(self, url: str, opts: argparse.Namespace) -> None:
        assert self.crawler_process is not None
        names = self.crawler_process.spider_loader.list()
        if not opts.spider and len(names) == 1:
            from scrapy.http import Request
            from scrapy.utils.spider import spidercls_for_request

            if spidercls_for_request(self.crawler_process.spider_loader, Request(url)) is None:
                opts.spider = names[0]   # the project's only spider reads any URL (a mirror, the replica)
        super().set_spidercls(url, opts)

    def add_items(self, lvl: int, new_items: list[Any]) -> None:
        super().add_items(lvl, new_items if getattr(self, "raw", False) else [exported_form(i) for i in new_items])
