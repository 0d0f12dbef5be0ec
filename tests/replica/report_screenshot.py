"""Draw ``docs/report.png``, the README's picture of a crawl report: a few cron runs against the replica
(new articles between them, one run during a simulated redesign), then a screenshot of the last healthy
run's report in headless chromium.

    python -m tests.replica.report_screenshot [--out docs/report.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tempo_crawler.render.browser import find_chromium
from tests.replica.server import Replica
from tests.support.crawl import REPORT, ROOT
from tests.support.cron import CronSite


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    args = ap.parse_args(argv)
    chromium, why = find_chromium()
    if chromium is None:
        print(f"report_screenshot: {why}", file=sys.stderr)
        return 1
    with Replica.start(synthetic=20) as replica, tempfile.TemporaryDirectory(prefix="tempo-report-") as tmp:
        cron = CronSite(replica.origin, Path(tmp), extra=REPORT)
        for n, (new, redesign) in enumerate(((0, False), (6, False), (4, True), (5, False), (7, False))):
            if new:
                replica.site.add_synthetic(new)
            replica.site.redesign = redesign
            result = cron.run(*(["-a", "full=1"] if redesign else []))
            print(f"run {n + 1}: exit {result.returncode}, {len(result.items)} exported", flush=True)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True)
            page = browser.new_page(viewport={"width": 1000, "height": 800}, device_scale_factor=1)
            page.goto((cron.output / "report-latest.html").as_uri(), wait_until="load")
            page.screenshot(path=str(args.out), full_page=True)
            browser.close()
    print(f"report_screenshot: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
