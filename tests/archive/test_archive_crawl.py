"""A crawl of the replica writes an archive any WARC reader reads: one response record per fetched URL, the
payload byte for byte what the replica served, each with its request record; rendered pages marked."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tempo_crawler.archive import CLOSED, KIND, RENDERED
from tests.replica.server import Replica, path_qs
from tests.support.browser import chromium_or_skip
from tests.support.cron import CronSite

pytestmark = pytest.mark.crawl


def warc_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*{CLOSED}"))


def read_all(directory: Path) -> list[dict]:
    """Every record of every file, as warcio alone reads it."""
    out = []
    for path in warc_files(directory):
        with open(path, "rb") as fh:
            for r in ArchiveIterator(fh):
                h = r.rec_headers
                out.append({"type": r.rec_type, "uri": h.get_header("WARC-Target-URI"),
                            "id": h.get_header("WARC-Record-ID"), "to": h.get_header("WARC-Concurrent-To"),
                            "date": h.get_header("WARC-Date"), "kind": h.get_header(KIND),
                            "rendered": h.get_header(RENDERED),
                            "status": r.http_headers.get_statuscode() if r.http_headers else None,
                            "request_line": r.http_headers.protocol + " " + r.http_headers.statusline
                            if r.rec_type == "request" else None,
                            "payload": r.raw_stream.read()})
    return out


def test_crawl_writes_an_archive_every_warc_reader_reads(fresh_replica: Replica, tmp_path: Path) -> None:
    cron = CronSite(fresh_replica.origin, tmp_path)
    result = cron.run("-a", "max_items=4", settings={"TEMPO_SOURCES": "rss_legacy"})
    assert result.returncode == 0, result.log[-3000:]
    fetched = [t for t in fresh_replica.site.requested() if t != "/robots.txt"]
    assert len(fetched) >= 5      # the feed and four articles at least (a multi-page article adds its pages)

    records = read_all(cron.archive)
    responses = [r for r in records if r["type"] == "response"]
    assert Counter(path_qs(r["uri"]) for r in responses) == Counter(fetched)   # one per fetched URL
    for r in responses:
        with urllib.request.urlopen(r["uri"], timeout=10) as served:
            assert r["payload"] == served.read(), r["uri"]
        assert r["status"] == "200" and r["date"]
        assert r["kind"] == ("listing" if path_qs(r["uri"]).startswith("/rss") else "article"), r["uri"]
    requests = {r["to"]: r for r in records if r["type"] == "request"}
    for r in responses:
        request = requests[r["id"]]
        assert request["uri"] == r["uri"] and request["request_line"] == f"GET {path_qs(r['uri'])} HTTP/1.1"
    assert [r["type"] for r in records].count("warcinfo") == len(warc_files(cron.archive)) == 1
    assert result.stats["tempo/archive/responses"] == len(responses)

    files = [str(p) for p in warc_files(cron.archive)]
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", *files], capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == len(records) and "fail" not in check.stdout   # every record verified
    index = subprocess.run([sys.executable, "-m", "warcio.cli", "index", "-f", "warc-type,warc-target-uri", *files],
                           capture_output=True, text=True, timeout=120)
    assert index.returncode == 0, index.stderr
    rows = [json.loads(line) for line in index.stdout.splitlines()]
    assert Counter(r["warc-type"] for r in rows) == Counter(r["type"] for r in records)


def test_rendered_pages_are_archived_marked_and_reparsed_without_a_browser(fresh_replica: Replica,
                                                                          tmp_path: Path) -> None:
    chromium_or_skip()
    b_page = next(e for e in fresh_replica.site.articles if e.layout == "B" and not e.synthetic)
    csr = fresh_replica.url("/csr" + path_qs(b_page.page_url))
    cron = CronSite(fresh_replica.origin, tmp_path)
    result = cron.run("-a", f"start_urls={csr}", timeout=180)
    assert result.returncode == 0 and len(result.items) == 1, result.log[-3000:]
    responses = [r for r in read_all(cron.archive) if r["type"] == "response"]
    # the client-rendered shell as served, then the browser's DOM of the same URL, marked
    assert [(r["uri"], r["rendered"]) for r in responses] == [(csr, None), (csr, "true")]
    assert b_page.title.encode() in responses[1]["payload"] and b_page.title.encode() not in responses[0]["payload"]

    fresh_replica.stop()
    again = cron.reparse(settings={"TEMPO_CHROMIUM_PATH": "/nonexistent/chromium"})
    assert again.returncode == 0, again.stderr[-3000:]
    assert "1 unchanged, 0 revised, 0 new, 0 still unreadable" in again.stdout
    assert "answered from the archive: 2" in again.stdout
