"""Host confinement end to end (issue 11 #1): a replica whose sitemap and pages point at other hosts, other
ports, ``file:`` URLs and other articles' ids. Nothing outside the allow-list is requested or read, every
refusal is counted and logged once per host, and no page speaks for another article."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tempo_crawler.urls import article_id
from tests.replica.server import TEXT, XML, Replica, ReplicaSite, Response, start_replica
from tests.support.crawl import CrawlResult, run_crawl
from tests.support.golden import golden

pytestmark = pytest.mark.crawl

GENUINE = golden("a2/sample-000")            # the article a forged page claims to be (id 1879931)
FAKE_TITLE = "JUDUL PALSU DARI HALAMAN LAIN"


class HostileSite(ReplicaSite):
    """The golden replica plus a hostile sitemap (foreign hosts, another port, ``file:`` URLs) and pages that
    redirect elsewhere."""

    def __init__(self, others: list[str], canary: Path) -> None:
        super().__init__()
        self.others, self.canary = others, canary
        self.redirects: dict[str, str] = {}

    def _dispatch(self, target: str) -> Response | None:
        path = urlsplit(target).path
        if path in self.redirects:
            return Response(302, TEXT, b"moved\n", {"Location": self.redirects[path]})
        if path == "/sitemap.xml":
            children = [f"{self.origin}/sitemap-articles.xml", f"{self.origin}/sitemap-hostile.xml",
                        "file:///etc/passwd", self.canary.as_uri(), *(f"{o}/sitemap.xml" for o in self.others)]
            return Response(200, XML, _sitemap("sitemapindex", "sitemap", children))
        if path == "/sitemap-hostile.xml":
            return Response(200, XML, _sitemap("urlset", "url", self.hostile_urls()))
        return super()._dispatch(target)

    def hostile_urls(self) -> list[str]:
        other_host, other_port = self.others
        return [f"{other_host}/read/7000001/artikel-asing", f"{other_port}/read/7000006/port-lain",
                "file:///read/7000007/berkas-lokal", "file://127.0.0.1/read/7000008/berkas-lokal",
                self.url("/read/7000002/halaman-palsu"), self.url("/read/7000003/kanonik-asing"),
                self.url("/read/7000004/dialihkan"), self.url("/read/7000005/ke-berkas")]


def _sitemap(root: str, entry: str, locs: list[str]) -> bytes:
    body = "".join(f"<{entry}><loc>{loc}</loc></{entry}>\n" for loc in locs)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"\n{body}</{root}>\n").encode()


def _with_canonical(html: str, canonical: str, title: str | None = None) -> str:
    html = re.sub(r'(<link rel="canonical" href=")[^"]*', lambda m: m.group(1) + canonical, html, count=1)
    return html.replace(GENUINE.expected["title"], title) if title else html


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Replica, Replica, Replica, Path]]:
    """(main replica, a second loopback host 127.0.0.2, another port of the main host, the canary file)."""
    elsewhere = Replica.start(host="127.0.0.2", fixtures_dir=None)
    other_port = Replica.start(fixtures_dir=None)
    canary = tmp_path_factory.mktemp("canary") / "sitemap.xml"
    site = HostileSite([elsewhere.origin, other_port.origin], canary)
    main = Replica(*start_replica(site=site))
    canary.write_text(_sitemap("urlset", "url", [main.url("/read/7000009/kenari")]).decode(), "utf-8")
    page = GENUINE.file.read_text("utf-8")
    assert '<link rel="canonical"' in page and GENUINE.expected["title"] in page
    site.add_article(url="https://dunia.tempo.co/read/7000002/halaman-palsu", title=FAKE_TITLE, layout="A2",
                     html=_with_canonical(page, GENUINE.expected["url"], FAKE_TITLE))
    site.add_article(url="https://dunia.tempo.co/read/7000003/kanonik-asing", title="x", layout="A2",
                     html=_with_canonical(page, f"{elsewhere.origin}/read/7000003/kanonik-asing"))
    site.redirects["/read/7000004/dialihkan"] = f"{elsewhere.origin}/read/7000004/dialihkan"
    site.redirects["/read/7000005/ke-berkas"] = "file:///etc/passwd"
    for r in (elsewhere, other_port, main):
        r.site.requests.clear()
    yield main, elsewhere, other_port, canary
    for r in (main, elsewhere, other_port):
        r.stop()


@pytest.fixture(scope="module")
def crawl(servers, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:  # noqa: ANN001
    main = servers[0]
    return run_crawl(main.origin, tmp_path_factory.mktemp("confined"), settings={"TEMPO_SOURCES": "sitemap"})


def _label(origin: str) -> str:
    return urlsplit(origin).netloc


def test_no_request_leaves_the_allow_list(servers, crawl: CrawlResult) -> None:  # noqa: ANN001
    main, elsewhere, other_port, _ = servers
    assert crawl.items, crawl.log[-3000:]
    assert elsewhere.site.requests == [], "requests reached a second loopback host"
    assert other_port.site.requests == [], "requests reached another port of the base host"
    for item in crawl.items:
        assert _label(item["url"]) == _label(main.origin), item["url"]
    assert not any(article_id(i["url"]) in ("7000001", "7000004", "7000006") for i in crawl.items)


def test_every_refusal_is_counted_and_logged_once_per_host(servers, crawl: CrawlResult) -> None:  # noqa: ANN001
    _, elsewhere, other_port, _ = servers
    stats = crawl.stats
    # 127.0.0.2: its sitemap, a listed article, a redirect and a page's canonical URL (counted as a drop)
    assert stats.get(f"tempo/offsite/{_label(elsewhere.origin)}", 0) >= 3
    assert stats.get(f"tempo/offsite/{_label(other_port.origin)}", 0) >= 2  # its sitemap, a listed article
    assert stats.get("tempo/offsite/file:", 0) >= 4  # /etc/passwd, the canary, two listed file: articles
    per_host = sum(v for k, v in stats.items() if k.startswith("tempo/offsite/") and k != "tempo/offsite/refused")
    assert stats["tempo/offsite/refused"] == per_host
    for label in (_label(elsewhere.origin), _label(other_port.origin), "file:"):
        lines = [line for line in crawl.log.splitlines() if "is not a Tempo host" in line and f" {label} " in line]
        assert len(lines) == 1, (label, lines)
    assert "Traceback" not in crawl.log
    # the two redirects off the list reached their articles' errbacks, named (not a silent drop)
    assert stats.get("tempo/failed/cause/offsite") == 2


def test_no_local_file_is_read(servers, crawl: CrawlResult) -> None:  # noqa: ANN001
    main = servers[0]
    assert not main.site.requested("/read/7000009"), "the canary file: sitemap was read, its article fetched"
    assert not any("FileNotFoundError" in k or "file" in k.lower() for k in crawl.stats if k.startswith("downloader/"))
    assert "root:" not in json.dumps(crawl.items)
    for meta in (crawl.output.parent / "quarantine").glob("*.json"):
        assert not json.loads(meta.read_text("utf-8"))["url"].startswith("file:")


def test_a_page_claiming_another_articles_id_is_dropped(crawl: CrawlResult) -> None:
    assert crawl.stats.get("tempo/dropped/canonical_mismatch") == 1
    assert crawl.stats.get("tempo/dropped/canonical_offsite") == 1
    genuine = [i for i in crawl.items if i["id"] == "1879931"]
    assert len(genuine) == 1 and genuine[0]["title"] == GENUINE.expected["title"]
    assert not any(FAKE_TITLE in i["title"] for i in crawl.items)
    assert not any(i["id"] in ("7000002", "7000003") for i in crawl.items)
    text = (crawl.output.parent / "text" / "1879931.txt").read_text("utf-8")
    assert GENUINE.expected["title"] in text and FAKE_TITLE not in text
    assert re.search(r"dropped: \S+/read/7000002/halaman-palsu \(canonical_mismatch: ", crawl.log)


def test_explicit_urls_off_the_allow_list_are_refused(servers, tmp_path: Path) -> None:  # noqa: ANN001
    """Explicit URLs carry ``dont_filter`` (Scrapy's offsite filter lets those through): refused all the same."""
    main, elsewhere, other_port, _ = servers
    urls = [f"{elsewhere.origin}/read/7000001/artikel-asing", f"{other_port.origin}/sitemap.xml", "file:///etc/passwd"]
    result = run_crawl(main.origin, tmp_path, "-a", f"start_urls={','.join(urls)}")
    assert result.items == []
    assert elsewhere.site.requests == [] and other_port.site.requests == []
    assert result.stats["tempo/offsite/refused"] == 3
    assert result.stats.get("tempo/offsite/file:") == 1
