"""The report of a healthy run, opened in headless chromium: it renders, every plot is a loaded image, and
the page asks the network for nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tempo_crawler.exitcodes import OK
from tests.support.browser import chromium_or_skip
from tests.support.crawl import REPORT
from tests.support.cron import CronSite

pytestmark = pytest.mark.crawl


def test_the_report_renders_with_every_plot_and_no_network(replica, tmp_path: Path) -> None:  # noqa: ANN001
    from playwright.sync_api import sync_playwright

    chromium = chromium_or_skip()
    cron = CronSite(replica.origin, tmp_path, extra=REPORT)
    result = cron.run("-a", "max_items=4")
    assert result.returncode == OK, result.log[-3000:]
    report = cron.output / "report-latest.html"
    assert report.read_text("utf-8") == Path(result.stats["tempo/run/report"]).read_text("utf-8")

    requested: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True)
        try:
            page = browser.new_page()
            page.on("request", lambda r: requested.append(r.url))
            # Anything but the file itself and inline data would be a network asset: refuse it (and see it).
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                       else route.abort())
            page.goto(report.as_uri(), wait_until="load")
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => ({ok: e.complete, w: e.naturalWidth, h: e.naturalHeight, alt: e.alt}))")
            heading = page.inner_text("h1")
            monitors = page.eval_on_selector_all("h2", "els => els.map(e => e.textContent)")
        finally:
            browser.close()
    assert [i["alt"] for i in images] == ["articles per publication time", "items per run", "fill rates per run",
                                          "canary F1 per run"]
    assert all(i["ok"] and i["w"] >= 600 and i["h"] >= 200 for i in images), images   # decoded, not broken
    assert [u for u in requested if not u.startswith(("file:", "data:"))] == []
    assert "ok · exit 0" in heading
    assert monitors[:3] == ["Monitors", "Totals", "Discovery per source"]
