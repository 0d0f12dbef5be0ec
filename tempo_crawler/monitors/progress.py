"""The periodic progress line (Scrapy's ``LogStats`` every ``LOGSTATS_INTERVAL`` seconds), with what an
operator watches: items exported, dropped and quarantined, and failed requests."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.extensions.logstats import LogStats

logger = logging.getLogger(__name__)


class Progress(LogStats):
    def log(self, spider: Any) -> None:
        self.calculate_stats()
        get = self.stats.get_value
        failed = int(get("tempo/articles/failed", 0)) + sum(int(v) for k, v in self.stats.get_stats().items()
                                                            if k.startswith("tempo/source/") and k.endswith("/errors"))
        logger.info("crawled %d pages (%d/min); exported %d (%d/min), dropped %d, quarantined %d, failed requests %d",
                    self.pages, self.prate, self.items, self.irate, int(get("item_dropped_count", 0)),
                    int(get("tempo/quarantined", 0)), failed, extra={"spider": spider})
