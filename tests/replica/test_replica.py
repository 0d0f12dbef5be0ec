"""The loopback replica: routes, link rewriting, listings, devalue payload, faults, keep-alive, synthetic pages.

Two data sets: the real golden set (whatever ``tests/layouts/<code>/<case>/`` holds) through the session
``replica`` fixture, and a small throwaway set written here to a temp dir (``mini``) whose contents are
known exactly, so listing and paging assertions do not depend on the golden set's size.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from parsel import Selector

from tests.replica.listings import Reduced, devalue_stringify
from tests.replica.server import Replica, ReplicaSite, path_qs, rewrite
from tests.replica.synthetic import FIRST_ID, TEMPO_PLUS_TEASER, make_synthetic
from tests.support.golden import FIXTURES, goldens

ROOT = Path(__file__).resolve().parents[2]
WIB = timezone(timedelta(hours=7))
GOLDENS = goldens()
# any tempo.co host left in a response (plain, protocol-relative or JSON-escaped)
LEFT_HOST = re.compile(r"(?:https?:)?(?://|\\/\\/)(?:[a-z0-9-]+\.)*tempo\.co(?![\w-]|\.[a-z])", re.IGNORECASE)
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MEDIA = "{http://search.yahoo.com/mrss/}"
INDEKS_ITEMS = "div.flex.flex-col.divide-y.divide-neutral-500 > div > figure > figcaption > p > a::attr(href)"


# ---------------------------------------------------------------- helpers

def get(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, dict(res.headers), res.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def devalue_parse(text: str) -> Any:
    """An independent devalue decoder (flat array, indices, reducers, negative sentinels)."""
    flat = json.loads(text)
    specials = {-1: None, -2: None, -3: math.nan, -4: math.inf, -5: -math.inf, -6: -0.0}
    if isinstance(flat, int):
        return specials[flat]
    memo: dict[int, Any] = {}

    def hydrate(i: int) -> Any:
        if i < 0:
            return specials[i]
        if i in memo:
            return memo[i]
        v = flat[i]
        if isinstance(v, list) and v and isinstance(v[0], str):
            tag = v[0]
            if tag in ("ShallowReactive", "Reactive", "Ref", "ShallowRef"):
                memo[i] = hydrate(v[1])
            elif tag == "Date":
                memo[i] = datetime.fromisoformat(v[1].replace("Z", "+00:00"))
            elif tag == "Set":
                memo[i] = {hydrate(j) for j in v[1:]}
            elif tag in ("Map", "null"):
                memo[i] = {hydrate(v[j]): hydrate(v[j + 1]) for j in range(1, len(v), 2)}
            else:
                raise ValueError(f"unknown devalue type {tag}")
        elif isinstance(v, list):
            memo[i] = out = []
            out.extend(hydrate(j) for j in v)
        elif isinstance(v, dict):
            memo[i] = obj = {}
            for k, j in v.items():
                obj[k] = hydrate(j)
        else:
            memo[i] = v
        return memo[i]

    return hydrate(0)


def xml_root(body: bytes) -> ET.Element:
    return ET.fromstring(body)


def all_pages(golden_list: list) -> list[str]:
    return [u for g in golden_list for u in [g.url, *g.extra_pages]]


# ---------------------------------------------------------------- the throwaway mini set

MINI_PAGE = """<!DOCTYPE html>
<!-- RECONSTRUCTION: throwaway page written by tests/test_replica.py (not a golden), docs/site.md §2 URLs -->
<html><head><title>{name} | tempo.co</title>
<link rel="canonical" href="{url}">
<link rel="alternate" media="only screen" href="https://m.tempo.co/read/1/contoh">
<script type="application/ld+json">{{"url":"https:\\/\\/www.tempo.co\\/indeks","logo":"https://tempo.co/logo.png"}}</script>
</head><body><p>marker:{name}</p>
<a href="https://www.tempo.co/indeks">indeks</a> <a href="//dunia.tempo.co/read/1300001/contoh-a1-replika">a1</a>
<a href="https://en.tempo.co/read/2000001/english">en</a> <a href="https://tempo.co/internasional">bare</a>
<a href="http://bisnis.tempo.co/read/1787255/bisnis">kanal</a> <a href="https://rss.tempo.co/dunia">rss</a>
<img src="https://statik.tempo.co/data/2024/06/14/id_1/1_720.jpg" alt="">
<a href="https://tempo.com/">not tempo.co</a> <span>tempo.co stays as text</span>
</body></html>
"""

MINI = {  # name: (layout, _url, url, published_at, extra pages {url: name}, extra fields)
    "mini-a1": ("A1", "https://dunia.tempo.co/read/1300001/contoh-a1-replika", None, "2020-01-02T10:00:00+07:00",
                {}, {}),
    "mini-a2": ("A2", "https://dunia.tempo.co/read/1300002/contoh-a2-replika", None, "2023-05-05T08:00:00+07:00",
                {"https://dunia.tempo.co/read/1300002/contoh-a2-replika?page_num=2": "mini-a2-p2",
                 "https://dunia.tempo.co/read/1300002/contoh-a2-replika/full&view=ok": "mini-a2-full"}, {}),
    "mini-a2b": ("A2", "https://dunia.tempo.co/read/1300004/contoh-a2-penuh/full&view=ok",
                 "https://dunia.tempo.co/read/1300004/contoh-a2-penuh", "2023-04-04T07:00:00+07:00", {}, {}),
    "mini-amp": ("AMP", "https://dunia.tempo.co/amp/1300002/contoh-a2-replika",
                 "https://dunia.tempo.co/read/1300002/contoh-a2-replika", "2023-05-05T08:00:00+07:00", {}, {}),
    "mini-b1": ("B", "https://www.tempo.co/internasional/contoh-b-satu--1240001", None, "2025-07-01T09:00:00+07:00",
                {}, {"section": "Internasional"}),
    "mini-b2": ("B", "https://www.tempo.co/internasional/contoh-b-dua-1240002", None, "2025-05-01T09:00:00+07:00",
                {}, {"section": "Internasional", "is_free": False}),
    "mini-b3": ("B", "https://www.tempo.co/ekonomi/contoh-b-tiga-1240003", None, "2025-06-15T09:00:00+07:00",
                {}, {"section": "Ekonomi"}),
}
MINI_SYNTHETIC = 45
INTL_B = 2 + MINI_SYNTHETIC          # mini-b1, mini-b2 + synthetic


@pytest.fixture(scope="module")
def mini_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini set as golden cases: ``<code>/<name>/page.html``, ``expected.json``, ``meta.json``."""
    root = tmp_path_factory.mktemp("mini-replica")
    for name, (layout, url, canon, published, extra, more) in MINI.items():
        case = root / layout.lower() / name
        case.mkdir(parents=True)
        (case / "page.html").write_text(MINI_PAGE.format(name=name, url=canon or url), "utf-8")
        for n in extra.values():
            (case / f"{n}.html").write_text(MINI_PAGE.format(name=n, url=canon or url), "utf-8")
        item = {"id": re.search(r"(\d{7})", url).group(1),
                "url": canon or url.split("?")[0], "layout": layout, "title": f"Judul {name}",
                "lead": f"Lead {name}", "published_at": published, "modified_at": None,
                "image_url": "https://statik.tempo.co/data/2025/01/01/id_1/1_720.jpg", "image_caption": "Contoh",
                "is_free": True, "section": "Dunia", **more}
        meta: dict[str, Any] = {"url": url, "fetched_at": "2025-07-01T02:00:00+00:00", "source": "test_replica.py"}
        if extra:
            meta["extra_pages"] = {u: f"{n}.html" for u, n in extra.items()}
        (case / "expected.json").write_text(json.dumps(item), "utf-8")
        (case / "meta.json").write_text(json.dumps(meta), "utf-8")
    return root


@pytest.fixture(scope="module")
def mini(mini_dir: Path) -> Any:
    with Replica.start(fixtures_dir=mini_dir, synthetic=MINI_SYNTHETIC) as r:
        yield r


@pytest.fixture
def mini_fresh(mini_dir: Path, make_replica: Any) -> Replica:
    return make_replica(fixtures_dir=mini_dir, synthetic=5)


def api(r: Replica, **params: Any) -> list[dict[str, Any]]:
    q = {"status": "published", "page": 1, "page_size": 20, "rubric_slug": "internasional",
         "order_published_at": "DESC", **params}
    status, headers, body = get(r.url("/api/gateway/articles?" + "&".join(f"{k}={v}" for k, v in q.items())))
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    assert {"response_code", "status", "message", "data"} <= set(data)
    assert data["response_code"] == 200 and data["status"] == "success"
    return data["data"]


# ---------------------------------------------------------------- the golden set


def test_expected_files_all_load() -> None:
    site = ReplicaSite()
    assert site.load_errors == []
    assert len(site.articles) == len(GOLDENS)


@pytest.mark.parametrize("golden", GOLDENS, ids=[g.name for g in GOLDENS])
def test_golden_page_served_at_its_url_with_links_rewritten(replica: Replica, golden: Any) -> None:
    for url, file in [(golden.url, golden.file), *golden.extra_pages.items()]:
        status, headers, body = get(replica.origin + path_qs(url))
        assert status == 200, url
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        text = body.decode("utf-8")
        assert text == rewrite(file.read_text("utf-8"), replica.origin)
        assert not LEFT_HOST.findall(text), f"{url}: tempo.co links left"


def test_sitemap_lists_every_golden_page(replica: Replica) -> None:
    status, headers, body = get(replica.url("/sitemap.xml"))
    assert status == 200 and headers["Content-Type"].startswith("application/xml")
    child = [e.text for e in xml_root(body).iter(f"{SM}loc")]
    assert child == [replica.url("/sitemap-articles.xml")]
    status, _, body = get(child[0])
    assert status == 200
    locs = [e.text for e in xml_root(body).iter(f"{SM}loc")]
    listed = [g for g in GOLDENS if g.expected["layout"] != "JSONLD"]   # served, listed only on request
    expected = [replica.site.url(u) for u in all_pages(listed) if not re.search(r"[?&]page_num=(?!1\b)", u)]
    assert sorted(locs) == sorted(expected)


def test_golden_listings_link_to_served_pages(replica: Replica) -> None:
    links: list[str] = []
    for page in range(1, 100):
        data = api(replica, page=page, page_size=7)
        if not data:
            break
        links += [urljoin(replica.origin + "/", a["canonical_url"]) for a in data]
    assert len(links) == len(set(links))
    intl = {g.expected["id"] for g in GOLDENS if g.expected["layout"] == "B" and (
        urlsplit(g.expected["url"]).path.startswith("/internasional/")
        or (g.expected.get("section") or "").casefold() == "internasional")}
    assert len(links) == len(intl)
    for feed in ("/api/gateway/rss/free/internasional", "/rss/dunia"):
        feed_links = [i.findtext("link") for i in xml_root(get(replica.url(feed))[2]).findall("channel/item")]
        assert len(feed_links) == len(set(feed_links)), feed
        links += feed_links
    links += [replica.origin + h for p in walk_indeks(replica, "/indeks?page=1") for h in p]
    for link in set(links):
        assert link.startswith(replica.origin + "/") and get(link)[0] == 200, link


# ---------------------------------------------------------------- rewriting and routing


def test_rewrite_forms() -> None:
    o = "http://127.0.0.1:9"
    src = ('href="https://www.tempo.co/a" "http://dunia.tempo.co/read/1/x" "//m.tempo.co/b" "https://en.tempo.co/c" '
           '"https://tempo.co" "https://rss.tempo.co/dunia" "https://statik.tempo.co/data/x.jpg" '
           '"https:\\/\\/www.tempo.co\\/d" "https://tempo.com/" "https://tempo.co.id/" tempo.co text')
    out = rewrite(src, o)
    assert out == (f'href="{o}/a" "{o}/read/1/x" "{o}/b" "{o}/c" "{o}" "{o}/rss/dunia" "{o}/statik/data/x.jpg" '
                   '"http:\\/\\/127.0.0.1:9\\/d" "https://tempo.com/" "https://tempo.co.id/" tempo.co text')


def test_mini_pages_and_variants(mini: Replica) -> None:
    base = mini.url("/read/1300002/contoh-a2-replika")
    pages = {
        base: "mini-a2", base + "?page_num=2": "mini-a2-p2", base + "/full&view=ok": "mini-a2-full",
        base + "/full%26view=ok": "mini-a2-full", base + "?page_num=1": "mini-a2", base + "/": "mini-a2",
        base + "?utm_source=twitter&utm_medium=social": "mini-a2",
        mini.url("/amp/1300002/contoh-a2-replika"): "mini-amp",
        mini.url("/read/1300004/contoh-a2-penuh/full&view=ok"): "mini-a2b",
    }
    for url, name in pages.items():
        status, _, body = get(url)
        text = body.decode()
        assert status == 200, url
        assert f"marker:{name}<" in text, url
        assert not LEFT_HOST.findall(text)
        sel = Selector(text=text)
        for link in sel.css("a::attr(href), img::attr(src), link::attr(href)").getall():
            host = urlsplit(link).hostname or ""
            assert host != "tempo.co" and not host.endswith(".tempo.co"), link
        assert f'href="{mini.origin}/rss/dunia"' in text and f'src="{mini.origin}/statik/data/' in text
        assert "tempo.co stays as text" in text and 'href="https://tempo.com/"' in text


@pytest.mark.parametrize("path", ["/nope", "/read/9999999/tidak-ada", "/read/1300002/contoh-a2-replika?page_num=3",
                                  "/rss/bisnis", "/api/gateway/unknown", "/nope/_payload.json", "/tidak-ada-rubrik",
                                  "/internasional/tidak-ada-9999999", "/amp/1300001/contoh-a1-replika"])
def test_unknown_paths_404(mini: Replica, path: str) -> None:
    assert get(mini.url(path))[0] == 404


def test_robots_home_statik_and_head(mini: Replica) -> None:
    status, headers, body = get(mini.url("/robots.txt"))
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    assert "Disallow: /search" in text and f"Sitemap: {mini.origin}/sitemap.xml" in text
    status, headers, body = get(mini.url("/statik/data/2025/01/01/id_1/1_720.jpg"))
    assert status == 200 and headers["Content-Type"].startswith("image/") and body[:4] == b"\x89PNG"
    status, headers, body = get(mini.url("/read/1300001/contoh-a1-replika"), method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0
    assert get(mini.url("/"))[0] == 200


# ---------------------------------------------------------------- sitemap


def test_mini_sitemap(mini: Replica) -> None:
    body = get(mini.url("/sitemap-articles.xml"))[2]
    urls = xml_root(body).findall(f"{SM}url")
    locs = [u.find(f"{SM}loc").text for u in urls]
    assert all(u.find(f"{SM}lastmod") is not None for u in urls)
    want = set()
    for _, (_, url, _, _, extra, _) in MINI.items():
        want |= {mini.site.url(u) for u in [url, *extra] if "page_num" not in u}
    want |= {mini.site.url(e.url) for e, _ in make_synthetic(MINI_SYNTHETIC)}
    assert len(locs) == len(set(locs)) == len(want) == 7 + 1 + MINI_SYNTHETIC
    assert set(locs) == want
    assert mini.url("/read/1300002/contoh-a2-replika/full&view=ok") in locs
    assert not [u for u in locs if "page_num" in u]
    for loc in locs[:10] + [u for u in locs if "/read/" in u or "/amp/" in u]:
        assert get(loc)[0] == 200, loc


# ---------------------------------------------------------------- API and payload


def test_api_paging(mini: Replica) -> None:
    p1 = api(mini)
    assert len(p1) == 20
    assert p1[0]["id"] == 1240001 and [a["id"] for a in p1[1:]] == list(range(FIRST_ID, FIRST_ID + 19))
    times = [a["published_at"] for a in p1]
    assert times == sorted(times, reverse=True)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", t) for t in times)
    assert p1[0]["published_at"] == "2025-07-01 09:00:00"
    pages = [p1, api(mini, page=2), api(mini, page=3)]
    assert [len(p) for p in pages] == [20, 20, INTL_B - 40]
    assert api(mini, page=4) == [] and api(mini, page=99) == []
    ids = [a["id"] for p in pages for a in p]
    assert len(set(ids)) == INTL_B and 1240003 not in ids and ids[-1] == 1240002
    assert [a["id"] for a in api(mini, page_size=5)] == [a["id"] for a in p1[:5]]
    assert [a["id"] for a in api(mini, page=2, page_size=5)] == [a["id"] for a in p1[5:10]]
    assert api(mini, order_published_at="ASC", page_size=1)[0]["id"] == 1240002
    assert [a["id"] for a in api(mini, rubric_slug="ekonomi")] == [1240003]
    keys = {"id", "title_digital", "canonical_url", "description", "summary", "published_at", "feature_image",
            "feature_image_caption", "access", "content_category", "status"}
    for a in p1:
        assert keys <= set(a)
        assert a["access"] in ("FREE", "VIP") and a["status"] == "published"
        assert a["canonical_url"].startswith("internasional/") and a["canonical_url"].endswith(f"-{a['id']}")
        assert a["feature_image"].startswith(mini.origin + "/statik/")
    vip = {a["id"] for p in pages for a in p if a["access"] == "VIP"}
    assert vip == {1240002} | {FIRST_ID + k - 1 for k in range(10, MINI_SYNTHETIC + 1, 10)}
    for a in p1[:3]:
        assert get(urljoin(mini.origin + "/", a["canonical_url"]))[0] == 200


def test_payload_decodes_to_api_first_page(mini: Replica) -> None:
    status, headers, body = get(mini.url("/internasional/_payload.json?abc123"))
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    flat = json.loads(body)
    assert isinstance(flat, list) and set(flat[0]) == {"data", "prerenderedAt"}
    assert flat[flat[0]["data"]][0] == "ShallowReactive"
    decoded = devalue_parse(body.decode())
    latest = decoded["data"]["rubric-content"]["latest"]
    assert latest["response_code"] == 200
    assert [a["id"] for a in latest["data"]] == [a["id"] for a in api(mini)]
    assert latest["data"][0]["canonical_url"] == "internasional/contoh-b-satu--1240001"
    assert "homepage-settings-trending-page-default" in decoded["data"]
    assert [a["id"] for a in devalue_parse(get(mini.url("/ekonomi/_payload.json"))[2].decode())
            ["data"]["rubric-content"]["latest"]["data"]] == [1240003]


def test_devalue_roundtrip_and_reference_shape() -> None:
    shared = {"x": 1}
    value = {"a": [1, 2, 2, "dua", None, True, False, 1.5, ""], "b": {"nested": ["é", [], {}]}, "s": shared,
             "t": shared, "r": Reduced("ShallowReactive", {"k": "v"}), "n": -0.0, "big": 10**15}
    text = devalue_stringify(value)
    flat = json.loads(text)
    assert flat.count(2) == 1 and flat.count("dua") == 1            # primitives are shared
    assert 1 in flat and True in flat and [v for v in flat if v is True and v == 1]  # True kept apart from 1
    back = devalue_parse(text)
    expected = {**value, "r": {"k": "v"}}
    assert back == expected and math.copysign(1, back["n"]) < 0
    assert back["s"] is back["t"]
    assert [type(v) for v in back["a"][5:7]] == [bool, bool]
    # the decoder also reads the third-party reference shape (tests/evidence/README.md)
    ref = Path(__file__).resolve().parents[1] / "evidence" / "reference-2026" / "rubric-payload.json"
    data = devalue_parse(ref.read_text("utf-8"))["data"]["rubric-content"]["latest"]["data"]
    assert [a["id"] for a in data] == [9100001, 9100002, 9100003]


# ---------------------------------------------------------------- RSS


def test_rss_free_internasional(mini: Replica) -> None:
    status, headers, body = get(mini.url("/api/gateway/rss/free/internasional"))
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    root = xml_root(body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("channel/item")
    free = [a for p in (1, 2, 3) for a in api(mini, page=p) if a["access"] == "FREE"]
    assert [i.findtext("link") for i in items] == [mini.origin + "/" + a["canonical_url"] for a in free]
    for item in items:
        link = item.findtext("link")
        assert link.startswith(mini.origin + "/internasional/") and item.findtext("guid") == link
        assert re.fullmatch(r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0700", item.findtext("pubDate"))
        assert item.find(f"{MEDIA}thumbnail").get("url").startswith(mini.origin + "/statik/")
    for item in items[:3]:
        assert get(item.findtext("link"))[0] == 200


def test_rss_legacy(mini: Replica) -> None:
    status, headers, body = get(mini.url("/rss/dunia"))
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    links = [i.findtext("link") for i in xml_root(body).findall("channel/item")]
    assert links == [mini.url("/read/1300002/contoh-a2-replika"),
                     mini.url("/read/1300004/contoh-a2-penuh/full&view=ok")]
    assert all(get(u)[0] == 200 for u in links)
    assert xml_root(get(mini.url("/rss/internasional"))[2]).findall("channel/item") == []


# ---------------------------------------------------------------- HTML listings


def walk_indeks(r: Replica, start: str) -> list[list[str]]:
    pages, url = [], r.url(start)
    while url:
        status, headers, body = get(url)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        sel = Selector(text=body.decode())
        hrefs = sel.css(INDEKS_ITEMS).getall()
        assert all(h.startswith("/") for h in hrefs)
        assert len(sel.css('a[aria-label^="Baca artikel:"]')) == len(hrefs)
        pages.append(hrefs)
        nxt = sel.css('a[rel="next"]::attr(href)').get()
        url = urljoin(url, nxt) if nxt else None
        assert len(pages) < 50
    return pages


def test_indeks_paging(mini: Replica) -> None:
    pages = walk_indeks(mini, "/indeks?page=1&category=rubrik&rubric_slug=internasional")
    assert [len(p) for p in pages] == [10, 10, 10, 10, INTL_B - 40]
    hrefs = [h for p in pages for h in p]
    ids = [int(h.rsplit("-", 1)[1]) for h in hrefs]
    assert ids == [a["id"] for p in (1, 2, 3) for a in api(mini, page=p)]
    assert get(mini.origin + hrefs[0])[0] == 200
    everything = [h for p in walk_indeks(mini, "/indeks?page=1") for h in p]
    assert len(everything) == INTL_B + 1 and "/ekonomi/contoh-b-tiga-1240003" in everything
    sel = Selector(text=get(mini.url("/indeks?page=99&category=rubrik&rubric_slug=internasional"))[2].decode())
    assert sel.css(INDEKS_ITEMS).getall() == []


def test_rubric_page(mini: Replica) -> None:
    status, _, body = get(mini.url("/internasional"))
    sel = Selector(text=body.decode())
    assert status == 200
    hrefs = sel.css(INDEKS_ITEMS).getall()
    assert [int(h.rsplit("-", 1)[1]) for h in hrefs] == [a["id"] for a in api(mini)]
    assert sel.css('a[href*="/indeks?"]')


# ---------------------------------------------------------------- faults, delay, log, concurrency


def test_fault_injection_delay_and_log(mini_fresh: Replica) -> None:
    site = mini_fresh.site
    site.fail("/api/gateway/", 503, times=2)
    url = mini_fresh.url("/api/gateway/articles?page=1")
    first, second = get(url), get(url)
    assert first[0] == second[0] == 503 and first[1].get("Retry-After") == "1"
    assert get(mini_fresh.url("/robots.txt"))[0] == 200
    assert get(url)[0] == 200
    site.fail("/read/1300001", 429, times=1)
    assert get(mini_fresh.url("/read/1300001/contoh-a1-replika"))[0] == 429
    assert get(mini_fresh.url("/read/1300001/contoh-a1-replika"))[0] == 200
    site.delay = 0.3
    t = time.monotonic()
    assert get(mini_fresh.url("/robots.txt"))[0] == 200
    assert time.monotonic() - t >= 0.3
    site.delay = 0
    assert site.requests[:4] == [("GET", "/api/gateway/articles?page=1")] * 2 + [("GET", "/robots.txt"),
                                                                                ("GET", "/api/gateway/articles?page=1")]
    assert len(site.requested("/read/")) == 2


def test_200_concurrent_keepalive_requests(mini: Replica) -> None:
    host, port = urlsplit(mini.origin).hostname, urlsplit(mini.origin).port
    paths = ["/read/1300002/contoh-a2-replika", "/api/gateway/articles?page=1", "/sitemap-articles.xml",
             "/indeks?page=2", "/internasional/_payload.json", "/statik/x.jpg", "/rss/dunia"]
    start = threading.Barrier(200)
    results: list[tuple[int, int, bool]] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=20)
        try:
            start.wait()
            out = []
            for j in range(2):
                conn.request("GET", paths[(i + j) % len(paths)])
                res = conn.getresponse()
                body = res.read()
                out.append((res.status, len(body) == int(res.getheader("Content-Length"))))
                if j == 0:
                    sock = conn.sock
            reused = conn.sock is sock and sock is not None
            with lock:
                results.extend((s, ok, reused) for s, ok in out)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(200)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 400
    assert all(s == 200 and ok and reused for s, ok, reused in results)


# ---------------------------------------------------------------- catalogue changes at run time


def test_add_edit_remove_article(mini_fresh: Replica) -> None:
    site, r = mini_fresh.site, mini_fresh
    url = "https://www.tempo.co/internasional/artikel-tambahan-uji-coba-9100500"
    site.add_article(url=url, title="Artikel Tambahan Uji Coba", lead="Lead tambahan.",
                     published_at=datetime(2026, 1, 1, 8, 0, tzinfo=WIB))
    assert api(r)[0]["id"] == 9100500 and api(r)[0]["published_at"] == "2026-01-01 08:00:00"
    status, _, body = get(site.url(url))
    assert status == 200 and "Artikel Tambahan Uji Coba</h1>" in body.decode()
    locs = [e.text for e in xml_root(get(r.url("/sitemap-articles.xml"))[2]).iter(f"{SM}loc")]
    assert site.url(url) in locs
    with pytest.raises(ValueError):
        site.add_article(url=url, title="Lagi")
    before = get(r.url("/sitemap-articles.xml"))[2]
    site.edit_article("9100500", title="Judul Sudah Diubah", paragraphs=["TEMPO.CO, Kota Contoh - Isi baru."])
    assert api(r)[0]["title_digital"] == "Judul Sudah Diubah"
    page = get(site.url(url))[2].decode()
    assert "Judul Sudah Diubah</h1>" in page and "Isi baru." in page
    assert get(r.url("/sitemap-articles.xml"))[2] != before          # lastmod moved
    site.edit_article("1240001", html='<html><a href="https://www.tempo.co/x">diganti</a></html>')
    assert get(r.url("/internasional/contoh-b-satu--1240001"))[2].decode() == \
        f'<html><a href="{r.origin}/x">diganti</a></html>'
    with pytest.raises(KeyError):
        site.edit_article("1300002", title="ambigu")                  # A2 and AMP share the id
    site.edit_article("1300002", layout="AMP", html="<html>amp baru</html>")
    assert get(r.url("/amp/1300002/contoh-a2-replika"))[2] == b"<html>amp baru</html>"
    site.remove_article("9100500")
    assert get(site.url(url))[0] == 404 and api(r)[0]["id"] == 1240001
    assert site.to_real(r.url("/read/1300002/contoh-a2-replika?page_num=2")) == \
        "https://dunia.tempo.co/read/1300002/contoh-a2-replika?page_num=2"


# ---------------------------------------------------------------- synthetic articles


def test_synthetic_2000_articles() -> None:
    t = time.monotonic()
    site = ReplicaSite(fixtures_dir=None, synthetic=2000)
    elapsed = time.monotonic() - t
    arts = site.articles
    assert len(arts) == 2000 and elapsed < 30           # generous: the count is what matters
    assert [int(a.id) for a in arts] == list(range(FIRST_ID, FIRST_ID + 2000))
    assert arts[0].published_at == datetime(2025, 6, 1, 10, 0, tzinfo=WIB)
    gaps = {(a.published_at - b.published_at) for a, b in zip(arts, arts[1:], strict=False)}
    assert gaps == {timedelta(minutes=1)}
    assert len(site.article_page_urls()) == 2000
    more = site.add_synthetic(3)                       # a later batch: new ids, newer than everything
    assert [e.id for e in more] == ["9002001", "9002002", "9002003"]
    assert [e.published_at for e in more] == [arts[0].published_at + timedelta(minutes=m) for m in (3, 2, 1)]
    assert [a.id for a in site.articles[:3]] == ["9002001", "9002002", "9002003"]
    for e in more:
        site.remove_article(e.id)
    assert len(site.articles) == 2000
    locs = list(xml_root(site.handle("GET", "/sitemap-articles.xml").body).iter(f"{SM}loc"))
    assert len(locs) == 2000
    api_last = json.loads(site.handle("GET", "/api/gateway/articles?page=100&rubric_slug=internasional").body)
    assert len(api_last["data"]) == 20
    assert json.loads(site.handle("GET", "/api/gateway/articles?page=101").body)["data"] == []


def test_synthetic_page_markup() -> None:
    site = ReplicaSite(fixtures_dir=None, synthetic=12)
    free, vip = site.get_article("9000003"), site.get_article("9000010")
    assert free.is_free and not vip.is_free
    html = site.handle("GET", path_qs(free.url)).body.decode()
    head = html[:600]
    assert "RECONSTRUCTION" in head and "docs/site.md §5" in head and "synthetic" in head
    sel = Selector(text=html)
    lds = [json.loads(s) for s in sel.xpath('//script[@type="application/ld+json"]/text()').getall()]
    art = next(d for d in lds if d["@type"] == "NewsArticle")
    crumbs = next(d for d in lds if d["@type"] == "BreadcrumbList")
    assert art["headline"] == free.title and art["description"] == free.lead
    assert art["datePublished"] == "2025-06-01T09:58:00+07:00" and art["isAccessibleForFree"] is True
    assert isinstance(art["author"], list) and all("/penulis/" in a["url"] for a in art["author"])
    assert "Artikel sintetis nomor 3" in art["articleBody"] and art["articleBody"].splitlines()[-1].startswith(
        "Pilihan Editor:")
    assert [c["name"] for c in crumbs["itemListElement"]] == ["Home", "Internasional"]
    canonical = sel.css('link[rel="canonical"]::attr(href)').get()
    assert canonical == sel.css('meta[property="og:url"]::attr(content)').get() == site.url(free.url)
    assert sel.css('meta[property="article:published_time"]::attr(content)').get() == "1 Juni 2025 | 09.58 WIB"
    assert sel.css("h1.text-\\[26px\\]::text").get() == free.title
    assert sel.css("figure > img::attr(src)").get() and sel.css("figure > figcaption::text").get() == free.image_caption
    wrappers = sel.xpath('//div[@id="content-wrapper"]')
    paragraphs = art["articleBody"].splitlines()
    assert len(wrappers) == len(paragraphs) and len(sel.css('div[id^="ads-slot-"]')) == len(paragraphs) - 2
    assert sel.css("#article-tags a[href^='/tag/'] span.text-primary-main::text").getall() == free.tags
    assert "window.__NUXT__={}" in html and not LEFT_HOST.findall(html)
    vsel = Selector(text=site.handle("GET", path_qs(vip.url)).body.decode())
    vart = next(json.loads(s) for s in vsel.xpath('//script[@type="application/ld+json"]/text()').getall()
                if '"NewsArticle"' in s)
    assert vart["isAccessibleForFree"] is False and len(vsel.xpath('//div[@id="content-wrapper"]')) == 2
    assert all(t in vsel.get() for t in TEMPO_PLUS_TEASER)


def test_synthetic_pages_parse_to_their_expected_fields() -> None:
    """The crawler's own parser reads the synthetic template as intended (kill/resume tests rely on it)."""
    from dataclasses import asdict

    from tempo_crawler.layouts import parse_page
    from tests.replica.synthetic import expected_fields, render_b_page
    from tests.support.leaks import finalize

    for entry, spec in make_synthetic(12)[::3] + make_synthetic(12)[9:10]:
        parsed = parse_page(entry.url, render_b_page(entry, spec), datetime.now(timezone.utc))
        assert parsed is not None
        got = asdict(finalize(parsed.article))
        for key, value in expected_fields(entry, spec).items():
            assert got[key] == value, (entry.id, key)


# ---------------------------------------------------------------- command line


def test_command_line_server() -> None:
    pages = len(all_pages(goldens())) + 3   # re-read: colleagues add goldens while the suite runs
    proc = subprocess.Popen([sys.executable, "-m", "tests.replica.server", "--port", "0", "--synthetic", "3"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        m = re.fullmatch(r"replica serving (http://127\.0\.0\.1:\d+) \((\d+) article pages\)\n", line)
        assert m, line
        assert int(m.group(2)) == pages
        assert get(m.group(1) + "/robots.txt")[0] == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_golden_dirs_are_the_repo_ones() -> None:
    from tests.replica import server
    assert server.FIXTURES_DIR == FIXTURES == Path(__file__).resolve().parents[1] / "layouts"


# ---------------------------------------------------------------- the 2026 forms (tests/replica/evidence.py)


def test_per_rubric_sitemap_lists_the_rubrics_new_site_pages(replica: Replica) -> None:
    from tempo_crawler.sources import sitemap as sitemap_source
    from tests.replica import evidence

    status, _, body = get(replica.url("/internasional-sitemap.xml"))
    assert status == 200
    listing = sitemap_source.parse(body, replica.url("/internasional-sitemap.xml"), replica.origin)
    want = {urlsplit(e.url).path for e in evidence.new_site_entries(replica.site)
            if evidence.rubric_of(e) == "internasional"}
    assert {urlsplit(r.url).path for r in listing.refs} == want and len(want) >= 8
    assert all(r.lastmod and r.lastmod[19:] in ("+00:00", "+07:00") for r in listing.refs)
    assert get(replica.url("/nosuchrubric-sitemap.xml"))[0] == 404


def test_challenge_mode_answers_article_pages_only(mini_fresh: Replica) -> None:
    from tempo_crawler.blocking import challenge_reason

    site = mini_fresh.site
    site.challenge_share = 1.0
    answers = [site.handle("GET", urlsplit(u).path) for u in site.article_page_urls()]
    assert {r.status for r in answers} <= {403, 503} and len({r.status for r in answers}) == 2
    assert all(challenge_reason(r.status, r.headers, r.body) for r in answers)
    assert site.handle("GET", "/sitemap.xml").status == 200 and site.handle("GET", "/robots.txt").status == 200
