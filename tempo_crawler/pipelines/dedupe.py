"""Drop repeats within a run: one article reached by several URLs or sources is exported once."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from tempo_crawler.items import Article
from tempo_crawler.urls import article_key


def dedupe_key(a: Article) -> str:
    return (article_key(a.url) if a.url else None) or f"id:{a.id}"


class DedupePipeline:
    def __init__(self, stats: Any = None) -> None:
        self.stats = stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        key = dedupe_key(item)
        if key in self.seen:
            if self.stats:
                self.stats.inc_value("tempo/dropped/duplicate")
            raise DropItem(f"duplicate article {key} ({item.url})")
        self.seen.add(key)
        return item
