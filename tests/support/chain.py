"""The item pipelines of a crawl, in their settings order, run on one article outside Scrapy."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.utils.misc import load_object

from tempo_crawler import settings
from tempo_crawler.items import Article
from tests.support.stats import Stats

# The pure ones: bounds, clean, normalise, validate, schema, in-run dedupe (the seen-store and exporters write
# files and are tested on their own).
PURE = ("bounds", "clean", "normalise", "validate", "schema", "dedupe.DedupePipeline")


def pipelines(stats: Stats) -> list[Any]:
    names = [n for n, _ in sorted(settings.ITEM_PIPELINES.items(), key=lambda kv: kv[1])
             if any(f"pipelines.{p}" in n for p in PURE)]
    return [load_object(name)(stats) for name in names]


def through(article: Article, stats: Stats | None = None) -> tuple[Article | None, str | None]:
    """``(item, None)`` when the article passes every pipeline, ``(None, drop message)`` when one drops it
    (it must have counted a reason, ``tempo/dropped/<reason>``). Any other exception escapes. A passing item
    must be writable as UTF-8 JSON."""
    stats = stats if stats is not None else Stats()
    item: Any = article
    for pipe in pipelines(stats):
        try:
            item = pipe.process_item(item)
        except DropItem as drop:
            reasons = [k for k in stats.values if k.startswith("tempo/dropped/")]
            assert reasons, f"{type(pipe).__name__} dropped without a counted reason: {drop}"
            return None, str(drop)
    json.dumps(asdict(item), ensure_ascii=False).encode("utf-8")
    return item, None


def warm() -> None:
    """Pay the one-time costs (dateparser's language data, jsonschema's format checkers) up front, before
    per-example deadlines count."""
    through(Article(url="https://dunia.tempo.co/read/1879931/x", title="Judul", body=["Isi."],
                    published_at="Jumat, 14 Juni 2024 08:00 WIB", crawled_at="2024-06-14T03:00:00+00:00"))
