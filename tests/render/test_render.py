"""JavaScript rendering (tempo_crawler/render/) against the replica's client-rendered twins.

Real chromium, real crawls (`scrapy crawl world` subprocesses), no mocks. The twins
(tests/replica/client_rendered.py) serve an empty Nuxt shell whose content a script fetches from a JSON
endpoint after the load event; the crawler must produce the same items from them as from the
server-rendered pages, rendering exactly those pages and nothing else.

Without chromium these tests skip with the reason; with ``CI=true`` they fail instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tempo_crawler.arguments import ArgumentError, parse_arguments
from tempo_crawler.exitcodes import DATA_QUALITY, ERROR
from tempo_crawler.render.browser import INSTALL_HINT, find_chromium
from tempo_crawler.render.shell import client_shell_marker
from tests.replica import client_rendered
from tests.replica.server import Replica
from tests.support.browser import chromium_or_skip
from tests.support.crawl import ROOT, CrawlResult, run_crawl

pytestmark = pytest.mark.crawl

RUN_STATE = ("crawled_at", "first_seen", "revised_at", "version")   # per-run fields, not page content
INDEKS = "/indeks?page=1&category=rubrik&rubric_slug=internasional"


# ------------------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def chromium() -> str:
    """The chromium binary. Missing: skip with the reason, or fail under ``CI=true``."""
    return chromium_or_skip("browser for the rendering tests")


class _ThirdParty(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/javascript")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"//")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def third_party() -> Iterator[tuple[str, list[str]]]:
    """Another origin on loopback (another port): the browser must never reach it."""
    hits: list[str] = []
    handler = type("ThirdParty", (_ThirdParty,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tag.js", hits
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def site(third_party: tuple[str, list[str]]) -> Iterator[Replica]:
    """Golden pages + 15 synthetic: 23 internasional B articles, 3 index pages of 10."""
    with Replica.start(synthetic=15) as r:
        client_rendered.set_third_party(r.site, third_party[0])
        yield r


def crawl(origin: str, workdir: Path, *args: str, **settings: str) -> CrawlResult:
    return run_crawl(origin, workdir, *args, settings=settings, timeout=300)


def content(result: CrawlResult) -> dict[str, dict[str, Any]]:
    return {i["id"]: {k: v for k, v in i.items() if k not in RUN_STATE} for i in result.items}


def render_stats(result: CrawlResult) -> dict[str, Any]:
    return {k: v for k, v in result.stats.items() if k.startswith(("tempo/render/", "playwright/"))}


def b_paths(replica: Replica, synthetic: bool | None = None) -> list[str]:
    return sorted(urlsplit(e.page_url).path for e in replica.site.articles
                  if e.layout == "B" and (synthetic is None or e.synthetic == synthetic))


@pytest.fixture(scope="module")
def ssr_indeks(site: Replica, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    """The server-rendered baseline: /indeks source, render=auto (the default)."""
    site.site.requests.clear()
    result = crawl(site.origin, tmp_path_factory.mktemp("ssr-indeks"), TEMPO_SOURCES="indeks")
    assert result.returncode == 0, result.log[-3000:]
    return result


# ------------------------------------------------------------------------------------------ no browser needed

def test_shell_markers_tell_client_rendered_from_server_rendered(site: Replica) -> None:
    shell = site.site.handle("GET", "/csr" + INDEKS).body.decode()
    assert client_shell_marker(shell) == 'empty mount point <div id="__nuxt">'
    for path in (INDEKS, b_paths(site)[0], "/internasional"):
        page = site.site.handle("GET", path)
        assert page.status == 200, path
        assert client_shell_marker(page.body.decode()) is None, path   # SSR pages carry the __NUXT__ stub too
    stub = "<html><body><div id='__nuxt'><p>Memuat…</p></div><script>window.__NUXT__={}</script></body></html>"
    assert client_shell_marker(stub) == "window.__NUXT__ stub and 7 characters of text"
    spa = '<html><body><div id="app"><span></span></div><script>window.__NUXT__={serverRendered:false}</script>'
    assert client_shell_marker(spa) == "Nuxt state serverRendered:false"


def test_render_argument_is_validated() -> None:
    modes = [parse_arguments({"render": v})["render"] for v in ("auto", "ALWAYS", " never ")]
    assert modes == ["auto", "always", "never"]
    assert parse_arguments({"render": None}) == {}
    with pytest.raises(ArgumentError, match="render='sometimes'"):
        parse_arguments({"render": "sometimes"})


def test_wrong_chromium_override_is_an_error_naming_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPO_CHROMIUM_PATH", "/nonexistent/chromium")
    path, why = find_chromium()
    assert path is None
    assert "/nonexistent/chromium" in why and INSTALL_HINT in why


def test_auto_run_without_client_rendered_pages_never_starts_the_browser(ssr_indeks: CrawlResult) -> None:
    assert len(ssr_indeks.items) == 23
    assert render_stats(ssr_indeks) == {}
    assert "Starting download handler" not in ssr_indeks.log    # scrapy-playwright's driver start
    assert "Launching browser" not in ssr_indeks.log


def test_never_says_what_it_skips(site: Replica, tmp_path: Path) -> None:
    result = crawl(site.origin + "/csr", tmp_path, "-a", "render=never", TEMPO_SOURCES="indeks")
    assert result.returncode == ERROR, result.log[-3000:]   # the shell listing named no article: nothing discovered
    assert result.items == []
    assert result.stats.get("tempo/render/skipped") == 1
    assert not [k for k in result.stats if k.startswith("playwright/")]
    warning = [line for line in result.log.splitlines() if "render=never:" in line]
    assert len(warning) == 1, result.log[-3000:]
    assert f"{site.origin}/csr{INDEKS}" in warning[0] and "-a render=auto" in warning[0]


def test_missing_browser_is_reported_with_the_package_name(site: Replica, tmp_path: Path) -> None:
    env = {"TEMPO_CHROMIUM_PATH": "/nonexistent/chromium"}
    forced = run_crawl(site.origin, tmp_path / "always", "-a", "render=always", "-a",
                       f"start_urls={site.url(b_paths(site)[0])}", env=env, timeout=120)
    assert forced.returncode == 1
    assert "render=always: TEMPO_CHROMIUM_PATH='/nonexistent/chromium'" in forced.log and INSTALL_HINT in forced.log
    auto = run_crawl(site.origin + "/csr", tmp_path / "auto", settings={"TEMPO_SOURCES": "indeks"}, env=env,
                     timeout=120)
    assert auto.items == [] and auto.stats.get("tempo/render/unavailable") == 1
    errors = [line for line in auto.log.splitlines() if " ERROR: cannot render " in line]
    assert errors and f"/csr{INDEKS}" in errors[0] and INSTALL_HINT in errors[0]


def test_ci_true_turns_a_missing_browser_into_a_failure() -> None:
    """The skip-or-fail rule of the ``chromium`` fixture, run for real in a child pytest."""
    node = f"{Path(__file__).relative_to(ROOT)}::test_chromium_runs"
    base = {k: v for k, v in os.environ.items() if k != "CI"}
    base["TEMPO_CHROMIUM_PATH"] = "/nonexistent/chromium"
    cmd = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", node]
    outside = subprocess.run(cmd, cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)
    assert outside.returncode == 0, outside.stdout[-2000:]
    assert "1 skipped" in outside.stdout and INSTALL_HINT in outside.stdout
    in_ci = subprocess.run(cmd, cwd=ROOT, env={**base, "CI": "true"}, capture_output=True, text=True, timeout=120)
    assert in_ci.returncode != 0, in_ci.stdout[-2000:]
    assert "CI=true and no browser" in in_ci.stdout and INSTALL_HINT in in_ci.stdout


# ------------------------------------------------------------------------------------------ with chromium

def test_chromium_runs(chromium: str) -> None:
    out = subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "Chromium" in out.stdout


def test_auto_renders_the_client_rendered_listing_only(
        chromium: str, site: Replica, ssr_indeks: CrawlResult, third_party: tuple[str, list[str]],
        tmp_path: Path) -> None:
    site.site.requests.clear()
    result = crawl(site.origin + "/csr", tmp_path, TEMPO_SOURCES="indeks")
    assert result.returncode == 0, result.log[-3000:]
    assert content(result) == content(ssr_indeks)
    shells = site.site.requested("/csr/indeks")
    assert len(shells) == 6                          # 3 listing pages: static shell, then the rendered twin
    stats = render_stats(result)
    assert stats["tempo/render/fallback"] == 3
    assert stats["tempo/render/pages"] == 3          # the listing pages, not the 23 server-rendered articles
    assert len(site.site.requested("/csr/_data")) == 3
    # hygiene: same-origin images were in every rendered page and are never fetched; the third-party
    # script in every shell was requested by the page and aborted before it left the browser
    assert stats["playwright/request_count/resource_type/image"] > 0
    assert site.site.requested("/statik/") == [] and site.site.requested("/_ipx/") == []
    assert stats["playwright/request_count/resource_type/script"] >= 3
    assert third_party[1] == []
    assert stats["playwright/page_count/closed"] == stats["playwright/page_count"] == 3


def test_auto_renders_client_rendered_articles_into_the_same_items(
        chromium: str, site: Replica, tmp_path: Path) -> None:
    paths = b_paths(site, synthetic=False) + b_paths(site, synthetic=True)[:3]
    plain = crawl(site.origin, tmp_path / "ssr", "-a", "start_urls=" + ",".join(site.url(p) for p in paths))
    assert plain.returncode == 0 and len(plain.items) == len(paths), plain.log[-3000:]
    twins = crawl(site.origin, tmp_path / "csr", "-a", "start_urls=" + ",".join(site.url("/csr" + p) for p in paths))
    assert twins.returncode == 0, twins.log[-3000:]
    assert content(twins) == content(plain)
    assert twins.stats["tempo/render/pages"] == twins.stats["tempo/render/fallback"] == len(paths)
    assert "tempo/render/timeouts" not in twins.stats


def test_a_page_that_never_fills_times_out_and_is_quarantined(chromium: str, site: Replica, tmp_path: Path) -> None:
    url = site.url("/csr" + b_paths(site, synthetic=True)[0] + "?stall=1")
    result = crawl(site.origin, tmp_path, "-a", f"start_urls={url}", TEMPO_RENDER_WAIT_TIMEOUT="1")
    assert result.returncode == DATA_QUALITY, result.log[-3000:]   # its only page quarantined: said, not hidden
    assert result.items == [] and result.stats["tempo/failed/quarantined"] == 1   # and pending (issue 11)
    stats = result.stats
    assert (stats["tempo/render/pages"], stats["tempo/render/timeouts"], stats["tempo/render/empty"]) == (1, 1, 1)
    assert stats["tempo/quarantined"] == 1 and len(list((tmp_path / "quarantine").glob("*.html"))) == 1
    assert "did not appear within 1.0 s" in result.log


def test_always_renders_every_page_and_rotates_contexts(chromium: str, site: Replica, tmp_path: Path) -> None:
    paths = b_paths(site, synthetic=True)[:12]
    urls = "start_urls=" + ",".join(site.url(p) for p in paths)
    plain = crawl(site.origin, tmp_path / "never", "-a", "render=never", "-a", urls)
    rendered = crawl(site.origin, tmp_path / "always", "-a", "render=always", "-a", urls,
                     TEMPO_RENDER_CONTEXT_PAGES="4")
    assert rendered.returncode == 0, rendered.log[-3000:]
    assert content(rendered) == content(plain) and len(plain.items) == 12
    stats = render_stats(rendered)
    assert stats["tempo/render/pages"] == 12 and "tempo/render/fallback" not in stats
    assert stats["playwright/context_count"] >= 3                 # a fresh context every 4 pages …
    assert stats["tempo/render/contexts_closed"] >= 2             # … and the old ones closed
    assert stats["playwright/context_count/max_concurrent"] == 1      # one at a time: old closed first
    assert render_stats(plain) == {}


def test_always_fetches_feeds_plainly_and_renders_the_articles(chromium: str, site: Replica, tmp_path: Path) -> None:
    feed = site.url("/api/gateway/rss/free/internasional")
    result = crawl(site.origin, tmp_path, "-a", "render=always", "-a", f"start_urls={feed}", "-a", "max_items=3")
    assert result.returncode == 0, result.log[-3000:]
    assert len(result.items) == 3
    assert result.stats["tempo/render/pages"] == 3      # the three article pages; the RSS feed was not rendered
    assert result.stats["playwright/request_count/navigation"] == 3
