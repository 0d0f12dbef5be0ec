"""Sitemaps (``/sitemap.xml`` and what a sitemap index points to), read with Scrapy's own parser."""

from __future__ import annotations

from typing import Any

from scrapy.utils.sitemap import Sitemap

from tempo_crawler.sources import ArticleRef, Listing, Source, base_url, register
from tempo_crawler.text.dates import parse_date

NAME = "sitemap"


def parse(body: bytes, url: str, base: str) -> Listing:
    sm = Sitemap(body)
    listing = Listing()
    if sm.type == "sitemapindex":
        listing.sitemaps = [e["loc"] for e in sm if e.get("loc")]
        return listing
    if sm.type != "urlset":
        raise ValueError(f"not a sitemap (root element {sm.type!r})")
    for entry in sm:
        loc = entry.get("loc")
        if not loc:
            continue
        news = entry.get("news") if isinstance(entry.get("news"), dict) else {}
        listing.refs.append(ArticleRef(url=loc, source=NAME, lastmod=parse_date(entry.get("lastmod")),
                                       published_at=parse_date(news.get("publication_date"))))
    return listing


@register
class SitemapSource(Source):
    name = NAME

    def first_url(self, settings: Any) -> str:
        return f"{base_url(settings)}/sitemap.xml"

    def parse(self, body: bytes, url: str, base: str) -> Listing:
        return parse(body, url, base)

    def sniff(self, head: bytes, body: bytes) -> bool:
        return b"<urlset" in head or b"<sitemapindex" in head
