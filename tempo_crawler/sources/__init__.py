"""Discovery sources: each turns a listing response (API, Nuxt payload, RSS, sitemap, /indeks) into
article references. Pure functions of the response body, testable without Scrapy."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ArticleRef:
    """An article as a listing announces it: where it is and, when the listing says so, how fresh."""

    url: str
    source: str
    published_at: str | None = None  # ISO 8601 with offset
    lastmod: str | None = None
    title: str | None = None
    is_free: bool | None = None


@dataclass
class Listing:
    """What one listing page yielded, and where the next page is (None when there is none)."""

    refs: list[ArticleRef] = field(default_factory=list)
    next_url: str | None = None
    sitemaps: list[str] = field(default_factory=list)  # child sitemaps of a sitemap index
