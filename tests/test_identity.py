"""What "the same article" means (tempo_crawler/identity.py): keys of every URL form, content key, content hash."""

from __future__ import annotations

import pytest

from tempo_crawler.identity import content_hash, content_key, item_key, mapping_key, request_key, url_keys
from tests.state.test_store import article


@pytest.mark.parametrize("url", [
    "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan",
    "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan/full&view=ok",
    "https://dunia.tempo.co/amp/1879931/nato-setujui-bantuan",
    "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan?page_num=2",
    "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan?utm_source=x",
])
def test_old_site_url_forms_share_one_key(url: str) -> None:
    assert item_key(url, "1879931") == "a:1879931"
    assert request_key(url) == "a:1879931"


def test_the_two_systems_never_share_a_key() -> None:
    old = "https://dunia.tempo.co/read/1879931/nato"
    new = "https://www.tempo.co/internasional/nato-setujui--1879931"
    assert item_key(old, "1879931") != item_key(new, "1879931")
    assert url_keys(old, new, None) == {"a:1879931", "b:1879931"}


def test_fallbacks_without_an_article_url() -> None:
    assert item_key(None, "77") == "id:77"
    assert item_key("https://www.tempo.co/indeks", None) is None
    assert mapping_key({"url": None, "id": "77"}) == "id:77"
    assert request_key("https://www.tempo.co/indeks?page=2") == "https://www.tempo.co/indeks?page=2"


def test_content_key_survives_retypesetting_and_tells_stories_apart() -> None:
    a = article(title="Presiden Fiktif: Bertemu Delegasi!", body=["Paragraf  satu.", "Paragraf dua…"])
    b = article(aid="999", title="presiden fiktif bertemu delegasi", body=["PARAGRAF satu", "paragraf — dua"])
    assert content_key(a) == content_key(b)
    assert content_key(a).startswith("presiden fiktif bertemu delegasi#")
    assert content_key(article(body=["Paragraf satu.", "Paragraf tiga."])) != content_key(a)
    assert content_key(article(title="Judul Lain")) != content_key(article())
    assert content_key(article(body=[])) is None and content_key(article(title="")) is None


def test_content_hash_covers_what_readers_read_only() -> None:
    base = content_hash(article())
    assert content_hash(article(crawled_at="2030-01-01T00:00:00+00:00", related=[{"title": "x"}],
                                modified_at="2026-01-01T00:00:00+07:00", layout="AMP", version=3)) == base
    assert content_hash(article(body=["Paragraf satu.", "Paragraf dua (diperbarui)."])) != base
    assert content_hash(article(title="Judul Baru")) != base
    assert content_hash(article(tags=["a", "b"])) != base


@pytest.mark.parametrize("url", [
    "https://www.tempo.co/cekfakta/keliru-video-pertempuran-iran-israel-pada-6-juli-2025-1935199",
    "https://satu.tempo.co/cekfakta/keliru-video-pertempuran-iran-israel-pada-6-juli-2025-1935199",
    "https://tempo.co/cekfakta/keliru-video-pertempuran-iran-israel-pada-6-juli-2025-1935199?utm_source=rss",
])
def test_the_new_sites_hosts_share_one_key(url: str) -> None:
    """Until mid-2025 the gateway feeds linked the new site on satu.tempo.co (docs/site.md §2, §6)."""
    assert item_key(url, None) == request_key(url) == "b:1935199"


def test_fields_added_later_change_the_hash_only_when_set() -> None:
    """A store written before print_title/summary existed keeps its hashes; setting them is a revision."""
    base = content_hash(article())
    assert content_hash({**article(), "print_title": None, "summary": []}) == base
    assert content_hash({**article(), "summary": ["Satu poin ringkasan."]}) != base
    assert content_hash({**article(), "print_title": "Judul Cetak"}) != base


def test_closing_credit_field_keeps_the_hashes_of_earlier_runs() -> None:
    """Before closing_credit existed, the credit line was stored (and hashed) as agency: an article exported
    then and fetched again now must not count as revised."""
    import hashlib
    import json

    from tempo_crawler.identity import CONTENT_FIELDS

    old_fields = tuple("agency" if f == "closing_credit" else f for f in CONTENT_FIELDS)
    before = {**article("1", "https://dunia.tempo.co/read/1/x"), "agency": "IRA GUSLINA SUFA"}
    before.pop("closing_credit", None)
    old_hash = hashlib.sha256(json.dumps({f: before.get(f) for f in old_fields}, ensure_ascii=False, sort_keys=True,
                                         separators=(",", ":")).encode("utf-8")).hexdigest()[:32]
    now = {**before, "agency": None, "closing_credit": "IRA GUSLINA SUFA"}
    assert content_hash(now) == content_hash(before) == old_hash
    assert content_hash({**now, "closing_credit": "REUTERS"}) != old_hash   # a changed credit is a revision
