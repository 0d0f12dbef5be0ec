"""Discovery sources on hand-written listing bodies (shapes per docs/site.md §4-§6) and on the saved 2026
evidence (tests/evidence/)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tempo_crawler.sources import api, indeks, payload, rss, sitemap
from tempo_crawler.urls import article_id, article_key, canonical_url

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


# ---------------------------------------------------------------- the 2026 evidence (tests/evidence/, docs/site.md §13)

EVIDENCE = Path(__file__).resolve().parents[1] / "evidence"


@pytest.mark.parametrize("rubric", ["cekfakta", "ekonomi", "hukum", "investigasi", "wawancara"])
def test_saved_gateway_feeds_are_read(rubric: str) -> None:
    """The new site's gateway feeds as saved on 2026-06-07: nine items each, +0700 dates, new-site keys."""
    body = (EVIDENCE / f"adlandwijaka-tempo-rss_free-{rubric}_2026-06-07.xml").read_bytes()
    listing = rss.parse(body, "u", BASE)
    assert len(listing.refs) == 9
    for ref in listing.refs:
        assert urlsplit(ref.url).netloc == "www.tempo.co" and urlsplit(ref.url).path.startswith(f"/{rubric}/")
        assert article_key(ref.url).startswith("b:")
        assert ref.published_at.endswith("+07:00") and "2025-06" <= ref.published_at[:7] <= "2026-06"
        assert ref.title


def test_the_satu_host_feed_maps_to_www_keys() -> None:
    """July 2025: the same feed linked the new site on satu.tempo.co; keys and canonical URLs are www's."""
    listing = rss.parse((EVIDENCE / "adlandwijaka-tempo-rss_free-cekfakta_2025-07-satu-host.xml").read_bytes(),
                        "u", BASE)
    assert len(listing.refs) == 9 and all(urlsplit(r.url).netloc == "satu.tempo.co" for r in listing.refs)
    first = listing.refs[0]
    assert article_key(first.url) == "b:1935427"
    assert canonical_url(first.url) == ("https://www.tempo.co/cekfakta/"
                                        "menyesatkan-video-iran-serang-tel-aviv-pada-juli-2025-1935427")
    assert first.published_at == "2025-07-08T20:01:45+07:00"


def test_legacy_world_feed_rows_are_world_news_of_the_old_system() -> None:
    """The legacy rows: dunia links with 7-digit ids around 2.1M; never comparable with new-site ids."""
    with (EVIDENCE / "legacy-rss-rows-2026-03-04.csv").open(encoding="utf-8", newline="") as f:
        links = {row["Link"] for row in csv.DictReader(f)}
    dunia = sorted(u for u in links if urlsplit(u).netloc == "dunia.tempo.co")
    assert len(dunia) == 40 and all(article_key(u).startswith("a:") for u in dunia)
    assert {len(article_id(u)) for u in links} == {7}
    assert 2_094_000 < min(int(article_id(u)) for u in links) and max(int(article_id(u)) for u in links) < 2_102_000


@pytest.mark.parametrize(("lastmod", "iso"), [
    ("2026-05-19T20:37:00Z", "2026-05-19T20:37:00+00:00"),
    ("2026-05-19 20:37 Z", "2026-05-19T20:37:00+00:00"),
    ("2026-05-19T20:37:00.123+07:00", "2026-05-19T20:37:00+07:00"),
    ("2026-05-19T20:37:00+0700", "2026-05-19T20:37:00+07:00"),
    ("2026-05-19", "2026-05-19T00:00:00+07:00"),
    ("2026-05-19T20:37", "2026-05-19T20:37:00+07:00"),
    ("not a date at all", None),
])
def test_sitemap_lastmod_in_any_iso_form(lastmod: str, iso: str | None) -> None:
    urlset = f"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>https://www.tempo.co/internasional/x-1</loc><lastmod>{lastmod}</lastmod></url></urlset>"""
    assert sitemap.parse(urlset.encode(), "u", BASE).refs[0].lastmod == iso


def test_per_rubric_sitemaps_are_named_by_their_rubric() -> None:
    assert sitemap.rubric_of("https://www.tempo.co/internasional-sitemap.xml") == "internasional"
    assert sitemap.rubric_of("https://www.tempo.co/cekfakta-sitemap.xml?x=1") == "cekfakta"
    assert sitemap.rubric_of("https://www.tempo.co/sitemap.xml") is None
    assert sitemap.rubric_of("https://www.tempo.co/sitemap-articles.xml") is None


def test_indeks_2025_items_and_paging_by_query() -> None:
    """A December 2025 scraper: items ``figure.contents a`` with relative links, no next link, ``page=N``."""
    html = """<main><div><figure class="contents"><a href="/internasional/israel--1190350"><img src="x"></a></figure>
      <p>4 Desember 2025 | 18.00 WIB</p></div>
      <div><figure class="contents"><a href="/tag/israel"><img src="y"></a></figure></div></main>"""
    url = f"{BASE}/indeks?category=contentCategory&content_category=berita&page=3"
    listing = indeks.parse(html, url, BASE)
    assert [r.url for r in listing.refs] == [f"{BASE}/internasional/israel--1190350"]
    assert listing.next_url == f"{BASE}/indeks?category=contentCategory&content_category=berita&page=4"
    assert indeks.parse(html, f"{BASE}/indeks", BASE).next_url == f"{BASE}/indeks?page=2"
    assert indeks.parse("<main></main>", url, BASE).next_url is None          # an empty page ends paging
    # the A-era dated index pages by link only
    assert indeks.parse(html, f"{BASE}/indeks/2024-06-14/dunia", BASE).next_url is None


def test_a_last_page_with_pagination_links_is_not_paged_by_query() -> None:
    html = """<div><figure class="contents"><a href="/internasional/israel--1190350">x</a></figure></div>
      <nav aria-label="Pagination"><a rel="prev" href="/indeks?page=2">Sebelumnya</a></nav>"""
    assert indeks.parse(html, f"{BASE}/indeks?page=3", BASE).next_url is None
