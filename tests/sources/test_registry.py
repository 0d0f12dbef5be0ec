"""The source registry: every source declares its name, its first URL, its parser and how it is sniffed."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from tempo_crawler import settings as project_settings
from tempo_crawler import sources

SETTINGS = Settings({"TEMPO_BASE_URL": "http://127.0.0.1:9/", "TEMPO_RUBRIC": "internasional"})


def test_the_default_source_list_is_the_registry() -> None:
    assert project_settings.TEMPO_SOURCES == list(sources.NAMES)
    # the old system's world feed first: in 2026 it lists today's world news (docs/site.md §13)
    assert list(sources.NAMES) == ["rss_legacy", "rss", "api", "payload", "sitemap", "indeks"]


@pytest.mark.parametrize(("name", "url"), [
    ("api", "http://127.0.0.1:9/api/gateway/articles?status=published&page=1&page_size=20&limit=&access="
            "&rubric_slug=internasional&order_published_at=DESC"),
    ("payload", "http://127.0.0.1:9/internasional/_payload.json"),
    ("rss", "http://127.0.0.1:9/api/gateway/rss/free/internasional"),
    ("rss_legacy", "http://127.0.0.1:9/rss/dunia"),
    ("sitemap", "http://127.0.0.1:9/internasional-sitemap.xml"),
    ("indeks", "http://127.0.0.1:9/indeks?page=1&category=rubrik&rubric_slug=internasional"),
])
def test_first_urls_come_from_the_settings(name: str, url: str) -> None:
    assert sources.get(name).first_url(SETTINGS) == url


def test_a_source_may_start_from_several_urls() -> None:
    """The per-rubric sitemap (cited by 2026 scrapers) and the sitemap index /sitemap.xml (docs/site.md §4, §6)."""
    assert sources.get("sitemap").first_urls(SETTINGS) == ["http://127.0.0.1:9/internasional-sitemap.xml",
                                                           "http://127.0.0.1:9/sitemap.xml"]
    assert sources.get("api").first_urls(SETTINGS) == [sources.get("api").first_url(SETTINGS)]


def test_the_legacy_feed_is_the_live_one_unless_a_mirror_is_set() -> None:
    assert sources.get("rss_legacy").first_url(Settings({})) == "https://rss.tempo.co/dunia"
    assert sources.get("rss_legacy").first_url(Settings({"TEMPO_LEGACY_RSS_URL": "http://x/f"})) == "http://x/f"


@pytest.mark.parametrize(("body", "name"), [
    (b'[{"data": 1}]', "payload"),
    (b'{"data": []}', "api"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', "rss"),
    (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>', "sitemap"),
    (b'<?xml version="1.0"?><sitemapindex></sitemapindex>', "sitemap"),
    (b"<!DOCTYPE html><html><body></body></html>", None),
])
def test_a_response_of_unknown_kind_is_sniffed(body: bytes, name: str | None) -> None:
    found = sources.sniff(body[:512].lstrip(), body)
    assert (found.name if found else None) == name


def test_exactly_one_source_reads_html_listings_and_says_what_a_filled_one_shows() -> None:
    html = [s for s in sources.REGISTRY.values() if s.html]
    assert [s.name for s in html] == ["indeks"] and sources.html_listing().ready


def test_an_unknown_source_name_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown source 'rsss'.*rss_legacy, rss, api"):
        sources.get("rsss")
