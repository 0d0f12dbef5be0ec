"""Drop items that are not usable articles, each with a reason in the log and a stats counter."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import DropItem

from tempo_crawler.items import Article

logger = logging.getLogger(__name__)


def problems(a: Article) -> list[str]:
    """Reasons an article is unusable (empty when it is fine)."""
    out = []
    if not a.title:
        out.append("no_title")
    if not a.body:
        out.append("no_body")
    if not a.published_at:
        out.append("no_date")
    if not a.id:
        out.append("no_id")
    return out


class ValidatePipeline:
    def __init__(self, stats: Any = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        found = problems(item)
        if found:
            for reason in found:
                if self.stats:
                    self.stats.inc_value(f"tempo/dropped/{reason}")
            raise DropItem(f"invalid article {item.url}: {', '.join(found)}")
        return item
