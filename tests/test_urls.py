from __future__ import annotations

import pytest

from tempo_crawler.urls import article_id, article_key, canonical_url, is_amp_url, url_era


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
