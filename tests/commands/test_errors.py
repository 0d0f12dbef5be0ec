"""Errors a person can read: a network failure or a failed robots.txt fetch is one WARNING line with host
and cause, no traceback at the default log level, and the last line of a crawl that fetched nothing names
the real cause (refused, DNS, timeout, HTTP status)."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from tempo_crawler.failures import cause, failure_line, nothing_fetched
from tempo_crawler.logfilter import NetworkErrorFilter
from tests.support.project import make_project, scrapy

FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "RETRY_TIMES=1",
        "-s", "DOWNLOAD_TIMEOUT=2", "-s", "REMOTE_CONTROL_ENABLED=False"]
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[[\w.-]+\] (DEBUG|INFO|WARNING|ERROR|CRITICAL): ")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        yield s.getsockname()[1]


def crawl(tmp_path: Path, *args: str) -> tuple[int, str, list[str]]:
    proc = scrapy(make_project(tmp_path), "crawl", "world", *FAST, *args, timeout=300)
    output = proc.stdout + proc.stderr
    return proc.returncode, output, proc.stderr.strip().splitlines()


def assert_readable(output: str) -> None:
    assert "Traceback" not in output
    for line in output.splitlines():   # every network line: one log line, host and cause in it
        if "monitors.extension" not in line and ("not fetched" in line or re.search(r"source \S+ failed:", line)):
            assert LOG_LINE.match(line) and " WARNING: " in line, line


def test_unreachable_site_one_line_per_failure_and_the_cause_last(tmp_path: Path) -> None:
    port = closed_port()
    rc, output, lines = crawl(tmp_path, "-s", f"TEMPO_BASE_URL=http://127.0.0.1:{port}", "-s", "TEMPO_SOURCES=api,rss")
    assert rc == 1
    assert_readable(output)
    robots = [x for x in output.splitlines() if "robots.txt of" in x]
    assert len(robots) == 1 and f"127.0.0.1:{port}" in robots[0] and "connection refused" in robots[0]
    failed = [x for x in output.splitlines() if "source api failed" in x or "source rss failed" in x]
    assert len(failed) == 2 and all(f"127.0.0.1:{port}: connection refused" in x for x in failed)
    assert f"crawl fetched nothing from 127.0.0.1:{port}: connection refused" in lines[-1]


def test_bad_start_url_names_the_http_status(tmp_path: Path, replica) -> None:  # noqa: ANN001
    rc, output, lines = crawl(tmp_path, "-s", f"TEMPO_BASE_URL={replica.origin}",
                              "-a", f"start_urls={replica.origin}/read/999999/tidak-ada")
    assert rc == 1
    assert_readable(output)
    host = replica.origin.split("//")[1]
    assert any("article not fetched" in x and f"{host}: HTTP 404" in x for x in output.splitlines())
    assert f"crawl fetched nothing from {host}: HTTP 404 (1 attempt)" in lines[-1]


def test_host_that_does_not_resolve_names_dns(tmp_path: Path) -> None:
    rc, output, lines = crawl(tmp_path, "-s", "RETRY_TIMES=0", "-s", "TEMPO_BASE_URL=http://tempo-crawler-test.invalid",
                              "-a", "start_urls=http://tempo-crawler-test.invalid/read/1879931/x")
    assert rc == 1
    assert_readable(output)
    assert "crawl fetched nothing from tempo-crawler-test.invalid: DNS lookup failed" in lines[-1]


def test_silent_server_names_the_timeout(tmp_path: Path, silent_port: int) -> None:
    rc, output, lines = crawl(tmp_path, "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_TIMEOUT=1",
                              "-s", f"TEMPO_BASE_URL=http://127.0.0.1:{silent_port}",
                              "-a", f"start_urls=http://127.0.0.1:{silent_port}/read/1879931/x")
    assert rc == 1
    assert_readable(output)
    assert f"crawl fetched nothing from 127.0.0.1:{silent_port}: timed out" in lines[-1]


def test_debug_level_keeps_the_tracebacks(tmp_path: Path) -> None:
    rc, output, _ = crawl(tmp_path, "-s", f"TEMPO_BASE_URL=http://127.0.0.1:{closed_port()}",
                          "-s", "TEMPO_SOURCES=api", "-s", "LOG_LEVEL=DEBUG")
    assert rc == 1 and "Traceback" in output


# ---------------------------------------------------------------------------------------- in-process
def failure_of(exc: Exception) -> Failure:
    try:
        raise exc
    except Exception:
        return Failure()


@pytest.mark.parametrize(("exc", "kind", "text"), [
    (CannotResolveHostError("x.invalid"), "dns", "DNS lookup failed"),
    (DownloadConnectionRefusedError("111"), "refused", "connection refused"),
    (DownloadTimeoutError("took longer than 1.0 seconds"), "timeout", "timed out"),
    (HttpError(Response("http://h/x", status=403)), "blocked", "blocked (HTTP 403)"),
    (HttpError(Response("http://h/x", status=404)), "http", "HTTP 404"),
    (ValueError("odd\nthing"), "other", "ValueError: odd thing"),
])
def test_causes(exc: Exception, kind: str, text: str) -> None:
    assert cause(exc).kind == kind and cause(exc).text.startswith(text)
    assert cause(failure_of(exc)).kind == kind


def test_failure_line_names_host_cause_tries_and_url() -> None:
    line = failure_line("http://h:81/a", DownloadConnectionRefusedError(), retries=2)
    assert line == "h:81: connection refused (nothing listens there) after 3 tries: http://h:81/a"


def test_nothing_fetched_ranks_the_causes() -> None:
    stats = {"downloader/exception_type_count/scrapy.exceptions.CannotResolveHostError": 4,
             "downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError": 1,
             "downloader/response_status_count/403": 2, "downloader/response_status_count/301": 5}
    assert nothing_fetched(stats, ["https://www.tempo.co"]) == (
        "crawl fetched nothing from www.tempo.co: DNS lookup failed (no such host, or no DNS) (4 attempts); "
        "blocked (HTTP 403) (2 attempts); timed out (1 attempt)")
    assert nothing_fetched({}, []) == "crawl fetched nothing from the site: no request was answered"


def record(name: str, msg: str, args: object, exc: Exception | None, level: int = logging.ERROR) -> logging.LogRecord:
    exc_info = (type(exc), exc, None) if exc is not None else None
    return logging.LogRecord(name, level, __file__, 1, msg, (args,), exc_info)   # as Logger.makeRecord does


def test_filter_turns_robots_errors_into_one_warning_per_host() -> None:
    f = NetworkErrorFilter()
    args = {"request": Request("http://h:9/a"), "f_exception": "x"}
    first = record("scrapy.downloadermiddlewares.robotstxt", "Error downloading %(request)s: %(f_exception)s", args,
                   DownloadConnectionRefusedError("111"))
    assert f.filter(first) and first.levelno == logging.WARNING and first.exc_info is None
    assert first.getMessage().startswith("robots.txt of h:9 not fetched: connection refused")
    again = record("scrapy.downloadermiddlewares.robotstxt", "Error downloading %(request)s: %(f_exception)s",
                   {"request": Request("http://h:9/b"), "f_exception": "x"}, DownloadConnectionRefusedError())
    assert not f.filter(again)


def test_filter_lowers_gave_up_and_leaves_spider_errors_alone() -> None:
    f = NetworkErrorFilter()
    gave_up = record("scrapy.downloadermiddlewares.retry", "Gave up retrying %(request)s", {"request": "r"}, None)
    assert f.filter(gave_up) and gave_up.levelno == logging.DEBUG
    bug = record("scrapy.core.scraper", "Spider error processing %(request)s", {"request": "r"}, KeyError("x"))
    assert f.filter(bug) and bug.levelno == logging.ERROR and bug.exc_info is not None
    verbose = NetworkErrorFilter(verbose=True)
    kept = record("scrapy.core.scraper", "Error downloading %(request)s", {"request": Request("http://h/x")},
                  DownloadTimeoutError())
    assert verbose.filter(kept) and kept.exc_info is not None and kept.levelno == logging.WARNING
