"""The host allow-list (tempo_crawler/hosts.py): which URLs the crawler may fetch, and when a page's canonical
URL may stand for the page it was fetched from."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from tempo_crawler.hosts import HostPolicy, canonical_problem, host_label

REPLICA = HostPolicy.from_settings(Settings({"TEMPO_BASE_URL": "http://127.0.0.1:8765"}))
LIVE = HostPolicy.from_settings(Settings({"TEMPO_BASE_URL": "https://www.tempo.co"}))


@pytest.mark.parametrize("url", [
    "https://www.tempo.co/internasional/x--1190350", "https://tempo.co/internasional/x--1190350",
    "https://dunia.tempo.co/read/1879931/x", "https://rss.tempo.co/dunia", "https://statik.tempo.co/a.jpg",
    "https://satu.tempo.co/read/1/x", "http://m.tempo.co/read/1/x", "HTTPS://DUNIA.TEMPO.CO./read/1/x",
    "https://www.tempo.co:443/x", "http://127.0.0.1:8765/read/1879931/x", "https://127.0.0.1:8765/sitemap.xml",
])
def test_allowed(url: str) -> None:
    assert REPLICA.allows(url), url


@pytest.mark.parametrize(("url", "label"), [
    ("http://127.0.0.2:8765/read/1879931/x", "127.0.0.2:8765"),     # another loopback host
    ("http://127.0.0.1:8766/read/1879931/x", "127.0.0.1:8766"),     # another port of the base host
    ("http://127.0.0.1/read/1879931/x", "127.0.0.1"),
    ("https://www.tempo.co:8443/x", "www.tempo.co:8443"),            # a Tempo host on an odd port
    ("https://eviltempo.co/read/1/x", "eviltempo.co"),
    ("https://tempo.co.evil.example/read/1/x", "tempo.co.evil.example"),
    ("https://www.tempo.co@evil.example/read/1/x", "evil.example"),  # user info is not the host
    ("https://evil.example/www.tempo.co/read/1/x", "evil.example"),
    ("file:///etc/passwd", "file:"),
    ("file://127.0.0.1:8765/etc/passwd", "file:"),                  # the base host, but not http(s)
    ("ftp://dunia.tempo.co/read/1/x", "ftp:"),
    ("javascript:alert(1)", "javascript:"),
    ("data:text/html,<p>x</p>", "data:"),
    ("http://[::1/read/1/x", "invalid"),                             # unbalanced IPv6 bracket
    ("http://127.0.0.1:99999/read/1/x", "invalid"),                  # port out of range
    ("http://127.0.0.1:port/read/1/x", "invalid"),
    ("/read/1879931/x", "invalid"),                                  # relative: no host
])
def test_refused(url: str, label: str) -> None:
    assert not REPLICA.allows(url)
    assert host_label(url) == label


def test_live_policy_is_tempo_only() -> None:
    assert LIVE.allows("https://dunia.tempo.co/read/1/x")
    assert not LIVE.allows("http://127.0.0.1:8765/read/1/x")
    assert LIVE.allowed_domains() == ["tempo.co", "www.tempo.co"]
    assert REPLICA.allowed_domains() == ["127.0.0.1", "tempo.co"]


@pytest.mark.parametrize(("canonical", "fetched", "problem"), [
    ("https://dunia.tempo.co/read/1879931/x", ["https://dunia.tempo.co/read/1879931/x"], None),
    ("https://dunia.tempo.co/read/1879931/x", ["https://dunia.tempo.co/amp/1879931/x"], None),  # AMP twin
    ("https://www.tempo.co/internasional/x--1190350", ["https://satu.tempo.co/internasional/x--1190350"], None),
    ("https://www.tempo.co/internasional/x--1190350",                # a redirect: any hop names the article
     ["https://dunia.tempo.co/read/55/old", "https://www.tempo.co/internasional/x--1190350"], None),
    ("https://dunia.tempo.co/read/1879931/x", ["https://dunia.tempo.co/read/7000002/palsu"], "canonical_mismatch"),
    ("https://www.tempo.co/internasional/x--1879931", ["https://dunia.tempo.co/read/1879931/x"],
     "canonical_mismatch"),                                           # same number, the other system's id
    ("https://evil.example/read/1879931/x", ["https://dunia.tempo.co/read/1879931/x"], "canonical_offsite"),
    ("https://www.tempo.co/halaman/lain", ["https://www.tempo.co/halaman/lain"], None),  # no article key at all
])
def test_canonical_problem(canonical: str, fetched: list[str], problem: str | None) -> None:
    assert canonical_problem(LIVE, canonical, fetched) == problem


def test_more_origins_by_setting() -> None:
    """``TEMPO_ALLOWED_ORIGINS`` (``scrapy reparse``: its archive's origins) adds exact host + port pairs."""
    policy = HostPolicy.from_settings(Settings({"TEMPO_BASE_URL": "https://www.tempo.co",
                                                "TEMPO_ALLOWED_ORIGINS": ["http://127.0.0.1:8765", "file:///x"]}))
    assert policy.allows("http://127.0.0.1:8765/read/1/x") and policy.allows("https://dunia.tempo.co/read/1/x")
    assert not policy.allows("http://127.0.0.1:8766/read/1/x") and not policy.allows("file:///x")
