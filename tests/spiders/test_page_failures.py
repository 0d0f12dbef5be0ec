"""A page that cannot be read costs that page only (issue 11 #3, #5): a page over the size limits (bytes,
elements) is not parsed,
an exception a parser still raises is caught; both are counted, quarantined with the reason, and the crawl goes
on without a traceback."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from tempo_crawler.limits import MAX_ELEMENTS, MAX_PAGE_BYTES
from tests.support.crawl import run_crawl
from tests.support.golden import golden

pytestmark = pytest.mark.crawl

# Loaded by the crawl's interpreter at start (sitecustomize on PYTHONPATH): the A2 parser fails on one page.
# The crawl's working directory first: the hook runs before Python puts it on sys.path.
_PARSER_BUG = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, os.getcwd())
    import tempo_crawler.layouts.a2 as a2
    _parse = a2.A2Parser.parse
    def parse(self, page):
        if "/read/1879931/" in page.url:
            raise RuntimeError("injected parser bug")
        return _parse(self, page)
    a2.A2Parser.parse = parse
""")


def test_oversized_page_and_parser_exception_are_quarantined(fresh_replica, tmp_path: Path) -> None:  # noqa: ANN001
    site = fresh_replica.site
    page = golden("a2/sample-002").file.read_text("utf-8")
    padding = "<!-- " + "x" * (MAX_PAGE_BYTES + 1000) + " -->"
    site.add_article(url="https://dunia.tempo.co/read/7100001/halaman-besar", title="Besar", layout="A2",
                     html=page.replace("</body>", padding + "</body>"))
    site.add_article(url="https://dunia.tempo.co/read/7100002/halaman-rumit", title="Rumit", layout="A2",
                     html=page.replace("</body>", "<i>x</i>" * (MAX_ELEMENTS + 1) + "</body>"))
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(_PARSER_BUG, "utf-8")
    urls = [fresh_replica.url("/read/7100001/halaman-besar"), fresh_replica.url("/read/7100002/halaman-rumit"),
            fresh_replica.url(golden("a2/sample-000").url),
            fresh_replica.url(golden("a2/1800884").url)]
    env = {"PYTHONPATH": os.pathsep.join([str(hook), *filter(None, [os.environ.get("PYTHONPATH")])])}
    result = run_crawl(fresh_replica.origin, tmp_path / "run", "-a", f"start_urls={','.join(urls)}", env=env)

    assert [i["id"] for i in result.items] == ["1800884"], result.log[-3000:]
    assert result.stats.get("tempo/parse_errors") == 1
    assert result.stats.get("tempo/limits/page_too_large") == 2
    assert result.stats.get("tempo/quarantined") == 3
    reasons = {json.loads(p.read_text("utf-8"))["url"].rsplit("/", 2)[-2]: json.loads(p.read_text("utf-8"))["reason"]
               for p in (tmp_path / "run" / "quarantine").glob("*.json")}
    assert reasons["1879931"] == "parser error: RuntimeError: injected parser bug"
    assert reasons["7100001"].startswith("page too large to parse")
    assert reasons["7100002"] == f"page too large to parse (more than {MAX_ELEMENTS} elements)"
    assert "Traceback" not in result.log and "injected parser bug" in result.log
