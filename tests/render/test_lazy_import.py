"""A run that renders nothing never imports Playwright: the download handler of ``render=auto`` is Scrapy's
HTTP/1.1 handler until a request asks for rendering (~7 MB of modules saved on every such crawl)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.crawl import ROOT

CODE = """
import json, sys
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from scrapy.utils.test import get_crawler
from scrapy import Spider
from tempo_crawler.render.browser import HANDLER, _is_playwright_handler
from tempo_crawler.render.handler import RenderHandler
import tempo_crawler.settings, tempo_crawler.spiders.world, tempo_crawler.commands.crawl
found = {"recognised": _is_playwright_handler(HANDLER), "always": _is_playwright_handler(HANDLER, RenderHandler)}
handler = RenderHandler(get_crawler(Spider))
found["before"] = "playwright" in sys.modules or "scrapy_playwright" in sys.modules
browser = handler.renderer()
found["after"] = "scrapy_playwright" in sys.modules and type(browser).__name__
print(json.dumps(found))
"""


def test_playwright_is_imported_only_when_a_page_is_rendered() -> None:
    done = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == {"recognised": True, "always": True, "before": False,
                                                         "after": "PlaywrightRenderHandler"}
