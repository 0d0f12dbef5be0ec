"""The Scrapy floor: the smallest spider that fetches the same article pages and yields ``{url, title}``.

It reads the site's sitemap (Scrapy's own ``SitemapSpider``) and writes a JSON Lines feed; no parsers,
pipelines, state or text form. Run by ``benchmarks.crawl_child`` with Scrapy's default settings plus the
benchmark's speed knobs, never with the project's settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.spiders import SitemapSpider


class MinimalSpider(SitemapSpider):
    name = "minimal"

    def __init__(self, origin: str = "", **kwargs: Any) -> None:
        self.sitemap_urls = [f"{origin.rstrip('/')}/sitemap.xml"]
        super().__init__(**kwargs)

    def parse(self, response: Any) -> Iterator[dict[str, Any]]:
        yield {"url": response.url, "title": response.css("title::text").get()}
