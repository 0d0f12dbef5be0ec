"""Sitemaps, read with Scrapy's own parser: the new site's per-rubric ``/<rubric>-sitemap.xml`` (cited by three
independent 2026 scrapers, ``internasional-sitemap.xml`` among them) and ``/sitemap.xml``, kept because older
public scrapers read it and nothing rules it out; a sitemap index is followed to its children
(docs/site.md §4, §6). ``<lastmod>`` is read in any ISO form (UTC ``Z`` or an offset; no zone means WIB)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from scrapy.utils.sitemap import Sitemap

from tempo_crawler.sources import ArticleRef, Listing, Source, base_url, register, rubric
from tempo_crawler.text.dates import w3c_datetime

NAME = "sitemap"
_RUBRIC_SITEMAP = re.compile(r"^/([a-z0-9][a-z0-9-]*)-sitemap\.xml$")


def rubric_of(url: str) -> str | None:
    """The rubric a per-rubric sitemap lists (``/internasional-sitemap.xml`` → ``internasional``), else None."""
    m = _RUBRIC_SITEMAP.match(urlsplit(url).path)
    return m.group(1) if m else None


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
        listing.refs.append(ArticleRef(url=loc, source=NAME, lastmod=w3c_datetime(entry.get("lastmod")),
                                       published_at=w3c_datetime(news.get("publication_date"))))
    return listing


@register
class SitemapSource(Source):
    name = NAME

    def first_url(self, settings: Any) -> str:
        return f"{base_url(settings)}/{rubric(settings)}-sitemap.xml"

    def first_urls(self, settings: Any) -> list[str]:
        return [self.first_url(settings), f"{base_url(settings)}/sitemap.xml"]

    def parse(self, body: bytes, url: str, base: str) -> Listing:
        return parse(body, url, base)

    def sniff(self, head: bytes, body: bytes) -> bool:
        return b"<urlset" in head or b"<sitemapindex" in head
