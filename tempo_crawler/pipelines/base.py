"""What every item pipeline shares: the stats it counts into, and drops that always carry a reason."""

from __future__ import annotations

from typing import Any, NoReturn

from scrapy.exceptions import DropItem

from tempo_crawler.items import Article


class ArticlePipeline:
    """Base of the project's pipelines: ``process_article`` sees only :class:`Article` items (anything else
    passes through); :meth:`drop` counts ``tempo/dropped/<reason>`` and raises ``DropItem``."""

    def __init__(self, stats: Any = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> Any:
        return cls(crawler.stats)

    def inc(self, key: str, n: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"tempo/{key}", n)

    def drop(self, reasons: str | list[str], message: str, log_level: str | None = None) -> NoReturn:
        reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        for reason in reasons:
            self.inc(f"dropped/{reason}")
        exc = DropItem(message, log_level=log_level)
        exc.reasons = reasons  # type: ignore[attr-defined]  # read by state/pending.py: settled or pending
        raise exc

    def process_item(self, item: Any) -> Any:
        return self.process_article(item) if isinstance(item, Article) else item

    def process_article(self, article: Article) -> Article:
        raise NotImplementedError
