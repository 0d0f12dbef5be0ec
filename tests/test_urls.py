from __future__ import annotations

import pytest

from tempo_crawler.urls import article_id, article_key, canonical_url, is_amp_url, page_host, url_era


@pytest.mark.parametrize(("url", "key", "canonical"), [
    ("https://dunia.tempo.co/read/1879931/nato-setujui", "a:1879931", "https://dunia.tempo.co/read/1879931/nato-setujui"),
    ("https://dunia.tempo.co/read/1462680/kantor/full&view=ok", "a:1462680", "https://dunia.tempo.co/read/1462680/kantor"),
    ("https://dunia.tempo.co/read/1879931/nato?page_num=2", "a:1879931", "https://dunia.tempo.co/read/1879931/nato"),
    ("https://dunia.tempo.co/amp/1879931/nato", "a:1879931", "https://dunia.tempo.co/amp/1879931/nato"),
    ("http://www.tempo.co/read/news/2012/11/20/115442820/PKB-Kutuk", "a:115442820",
     "http://www.tempo.co/read/news/2012/11/20/115442820/PKB-Kutuk"),
    ("https://tempo.co/internasional/israel-dan-hamas--1190350?utm_source=x#top", "b:1190350",
     "https://www.tempo.co/internasional/israel-dan-hamas--1190350"),
    ("https://www.tempo.co/internasional/beruang-merah-kembali-ke-kremlin-966260/", "b:966260",
     "https://www.tempo.co/internasional/beruang-merah-kembali-ke-kremlin-966260"),
])
def test_article_urls(url: str, key: str, canonical: str) -> None:
    assert article_key(url) == key
    assert canonical_url(url) == canonical
    assert article_id(url) == key.split(":")[1]


@pytest.mark.parametrize("url", [
    "https://www.tempo.co/penulis/budi-santoso-1234", "https://www.tempo.co/tag/nato-2024",
    "https://www.tempo.co/internasional", "https://www.tempo.co/indeks?page=2", "https://www.tempo.co/",
    "https://www.tempo.co/ekonomi/bisnis",
])
def test_non_articles(url: str) -> None:
    assert url_era(url) is None and article_key(url) is None


def test_amp() -> None:
    assert is_amp_url("https://dunia.tempo.co/amp/1879931/x") and not is_amp_url("https://dunia.tempo.co/read/1/x")


# docs/site.md §2: every URL form yields a key, whatever the length of its id.
@pytest.mark.parametrize(("url", "key", "canonical"), [
    # the old system, still publishing world news in 2026 (evidence: the legacy feed's links)
    ("https://dunia.tempo.co/read/2100861/trump-tak-puas-dengan-proposal-iran-soal-selat-hormuz", "a:2100861",
     "https://dunia.tempo.co/read/2100861/trump-tak-puas-dengan-proposal-iran-soal-selat-hormuz"),
    # partner pages use short ids
    ("https://www.tempo.co/abc/4321/dunia-hari-ini-contoh/", "a:4321", "https://www.tempo.co/abc/4321/dunia-hari-ini-contoh"),
    ("https://www.tempo.co/abc/87/x", "a:87", "https://www.tempo.co/abc/87/x"),
    ("https://m.tempo.co/read/news/2017/01/18/115837122/10-negara", "a:115837122",
     "https://m.tempo.co/read/news/2017/01/18/115837122/10-negara"),
    ("https://en.tempo.co/read/1756641/x", "a:1756641", "https://en.tempo.co/read/1756641/x"),
    ("https://en.tempo.co/amp/1756641/x", "a:1756641", "https://en.tempo.co/amp/1756641/x"),
    # a Google AMP-cache copy is the page it wraps
    ("https://travel-tempo-co.cdn.ampproject.org/v/s/travel.tempo.co/amp/1604815/x?amp_js_v=0.1", "a:1604815",
     "https://travel.tempo.co/amp/1604815/x"),
    ("https://dunia-tempo-co.cdn.ampproject.org/c/s/dunia.tempo.co/amp/1645937/xi", "a:1645937",
     "https://dunia.tempo.co/amp/1645937/xi"),
    # the new site on its three hosts, and a migrated item with a short id
    ("https://satu.tempo.co/cekfakta/menyesatkan-video-iran-serang-tel-aviv-pada-juli-2025-1935427", "b:1935427",
     "https://www.tempo.co/cekfakta/menyesatkan-video-iran-serang-tel-aviv-pada-juli-2025-1935427"),
    ("https://tempo.co/internasional/momen-928213", "b:928213", "https://www.tempo.co/internasional/momen-928213"),
    ("https://www.tempo.co/internasional/catatan-lama-42", "b:42", "https://www.tempo.co/internasional/catatan-lama-42"),
])
def test_every_url_form_has_a_key(url: str, key: str, canonical: str) -> None:
    assert article_key(url) == key
    assert canonical_url(url) == canonical
    assert article_key(canonical) == key


def test_amp_cache_urls_are_amp_and_other_cdn_paths_are_not_articles() -> None:
    assert is_amp_url("https://dunia-tempo-co.cdn.ampproject.org/v/s/dunia.tempo.co/amp/1645937/xi")
    assert article_key("https://dunia-tempo-co.cdn.ampproject.org/v/s/dunia.tempo.co/") is None
    assert page_host("https://dunia-tempo-co.cdn.ampproject.org/v/s/dunia.tempo.co/amp/1/x") == "dunia.tempo.co"
    assert page_host("https://satu.tempo.co/cekfakta/x-1") == "www.tempo.co"


def test_an_amp_cache_path_on_a_mirror_is_unwrapped_too() -> None:
    mirror = "http://127.0.0.1:8765/v/s/dunia.tempo.co/amp/1645937/xi"
    assert article_key(mirror) == "a:1645937" and canonical_url(mirror) == "https://dunia.tempo.co/amp/1645937/xi"
    assert article_key("http://127.0.0.1:8765/v/s/example.com/amp/1645937/xi") is None


@pytest.mark.parametrize("value", [None, 12, ["https://dunia.tempo.co/read/1/x"], {"url": "x"}, b"/read/1/x"])
def test_a_value_that_is_not_a_string_is_no_article(value: object) -> None:
    # the path of a URL is remembered per string: anything else (unhashable too) is answered, never raised
    assert article_id(value) is None and url_era(value) is None and article_key(value) is None  # type: ignore[arg-type]


def test_the_remembered_path_is_the_one_of_that_url() -> None:
    first, second = "https://dunia.tempo.co/read/1879931/x", "https://dunia.tempo.co/read/1879932/x"
    assert [article_key(u) for u in (first, second, first, second)] == ["a:1879931", "a:1879932"] * 2
