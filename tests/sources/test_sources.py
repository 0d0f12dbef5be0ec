"""Discovery sources on hand-written listing bodies (shapes per docs/site.md §4-§6)."""

from __future__ import annotations

import json

import pytest

from tempo_crawler.sources import api, indeks, payload, rss, sitemap

BASE = "http://127.0.0.1:9"


def test_api_page_and_next_url() -> None:
    body = json.dumps({"response_code": 200, "status": "success", "message": "ok", "data": [
        {"id": 1190350, "title_digital": "Israel dan Hamas", "access": "FREE",
         "canonical_url": "internasional/israel-dan-hamas--1190350", "published_at": "2025-01-06 10:00:00"},
        {"id": 966260, "title_digital": "Beruang Merah", "access": "VIP",
         "canonical_url": "internasional/beruang-merah-966260", "published_at": "2007-09-24 00:00:00"},
    ]})
    url = api.api_url(BASE, "internasional", 1, 2)
    listing = api.parse(body, url, BASE)
    assert [r.url for r in listing.refs] == [f"{BASE}/internasional/israel-dan-hamas--1190350",
                                             f"{BASE}/internasional/beruang-merah-966260"]
    assert listing.refs[0].published_at == "2025-01-06T10:00:00+07:00"
    assert [r.is_free for r in listing.refs] == [True, False]
    assert "page=2" in listing.next_url and "rubric_slug=internasional" in listing.next_url


def test_api_empty_page_stops_and_garbage_raises() -> None:
    assert api.parse('{"data": []}', api.api_url(BASE, "internasional", 5), BASE).next_url is None
    with pytest.raises(ValueError):
        api.parse('{"error": "x"}', "u", BASE)


def test_payload_reference_shape() -> None:
    flat = [{"data": 1}, ["ShallowReactive", 2], {"rubric-content": 3}, {"latest": 4}, {"data": 5}, [6],
            {"id": 7, "canonical_url": 8, "published_at": 9, "access": 10}, 1209561,
            "internasional/top-3-dunia--1209561", "2025-02-20 08:16:00", "FREE"]
    listing = payload.parse(json.dumps(flat), "u", BASE)
    assert [(r.url, r.published_at, r.is_free) for r in listing.refs] == [
        (f"{BASE}/internasional/top-3-dunia--1209561", "2025-02-20T08:16:00+07:00", True)]


def test_rss() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
    <title>Tempo Internasional</title>
    <item><title>Israel dan Hamas</title><link>https://www.tempo.co/internasional/israel--1190350</link>
    <pubDate>Mon, 06 Jan 2025 10:00:00 +0700</pubDate><media:thumbnail url="x"/></item>
    <item><title>No link</title></item></channel></rss>"""
    listing = rss.parse(body, "u", BASE)
    assert [(r.url, r.published_at) for r in listing.refs] == [
        ("https://www.tempo.co/internasional/israel--1190350", "2025-01-06T10:00:00+07:00")]
    with pytest.raises(ValueError):
        rss.parse(b"<html><body>not a feed</body></html>", "u", BASE)


def test_sitemap_index_and_urlset() -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>http://h/sitemap-articles.xml</loc></sitemap></sitemapindex>"""
    assert sitemap.parse(index, "u", BASE).sitemaps == ["http://h/sitemap-articles.xml"]
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>http://h/read/1879931/nato</loc><lastmod>2024-06-14T08:00:00+07:00</lastmod></url></urlset>"""
    refs = sitemap.parse(urlset, "u", BASE).refs
    assert [(r.url, r.lastmod) for r in refs] == [("http://h/read/1879931/nato", "2024-06-14T08:00:00+07:00")]


def test_indeks_b_listing_relative_links_and_next() -> None:
    html = """<div class="flex flex-col divide-y divide-neutral-500">
      <div><figure class="flex"><figcaption><p>
        <a href="/internasional/israel--1190350">Israel</a></p></figcaption></figure></div>
      <div><figure class="flex"><figcaption><p><a href="/penulis/budi-12">Budi</a></p></figcaption></figure></div>
    </div><a aria-label="Baca artikel: Top 3" href="/internasional/top-3--1209561">x</a>
    <a rel="next" href="/indeks?page=2&category=rubrik&rubric_slug=internasional">Berikutnya</a>"""
    listing = indeks.parse(html, f"{BASE}/indeks?page=1", BASE)
    assert [r.url for r in listing.refs] == [f"{BASE}/internasional/israel--1190350",
                                             f"{BASE}/internasional/top-3--1209561"]
    assert listing.next_url == f"{BASE}/indeks?page=2&category=rubrik&rubric_slug=internasional"
