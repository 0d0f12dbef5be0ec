"""Scrapy's own tools work and write nothing (``scrapy parse``, ``shell``, ``check``), a one-off ``-O`` export
writes exactly the feed named, and a normal cron run logs no warning — all in a project folder of their own,
against the replica."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tempo_crawler.layouts import PARSERS
from tests.support.golden import Golden, goldens
from tests.support.project import make_project, scrapy, tree

pytestmark = pytest.mark.crawl
FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "-s", "REMOTE_CONTROL_ENABLED=False"]
# The fields `scrapy parse` prints as exported (URL fields compared by path: the replica serves every host).
SHOWN = ("id", "layout", "section", "title", "lead", "reporters", "editors", "published_at", "modified_at", "dateline",
         "dateline_glued", "image_caption", "body", "agency", "closing_credit", "tags", "is_free", "truncated")


def one_per_layout() -> list[Golden]:
    chosen: dict[str, Golden] = {}
    for g in goldens():
        if "-" not in g.case and g.code not in chosen:
            chosen[g.code] = g
    assert sorted(chosen) == ["a1", "a2", "amp", "b", "jsonld"]
    return [chosen[c] for c in sorted(chosen)]


def path_of(url: str | None) -> str | None:
    return urlsplit(url).path if url else None


def printed_items(stdout: str) -> list[dict[str, Any]]:
    """The list ``scrapy parse --nocolour`` prints under ``# Scraped Items``."""
    block = stdout.split("# Scraped Items", 1)[1].split("\n", 1)[1].split("# Requests", 1)[0]
    return ast.literal_eval(block.strip())


@pytest.fixture(scope="module")
def cron_project(tmp_path_factory: pytest.TempPathFactory, replica) -> tuple[Path, Any]:  # noqa: ANN001
    """A project folder after one normal cron run against the replica: output/ holds the run file,
    latest.json, the state and the text form."""
    project = make_project(tmp_path_factory.mktemp("cron"))
    proc = scrapy(project, "crawl", "world", *FAST, "-s", f"TEMPO_BASE_URL={replica.origin}", timeout=600)
    return project, proc


def test_normal_cron_run_writes_its_outputs_and_logs_no_warning(cron_project) -> None:  # noqa: ANN001
    project, proc = cron_project
    assert proc.returncode == 0, proc.stderr[-3000:]
    output = project / "output"
    assert len(list(output.glob("world-*.jsonl"))) == 1 and (output / "latest.json").is_file()
    assert (output / "state" / "world.sqlite").is_file() and len(list((output / "text").glob("*.txt"))) > 20
    noisy = [x for x in proc.stderr.splitlines() if "] WARNING:" in x or "] ERROR:" in x]
    assert noisy == [] and "'log_count/WARNING'" not in proc.stderr


@pytest.mark.parametrize("golden", one_per_layout(), ids=lambda g: g.code)
def test_parse_prints_the_item_and_writes_nothing(cron_project, replica, golden: Golden) -> None:  # noqa: ANN001
    project, _ = cron_project
    before = tree(project)
    url = replica.url(golden.url)
    proc = scrapy(project, "parse", "--nocolour", "-s", f"TEMPO_BASE_URL={replica.origin}", url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stdout + proc.stderr
    items = printed_items(proc.stdout)
    assert len(items) == 1
    item, expected = items[0], golden.expected
    assert {k: item[k] for k in SHOWN} == {k: expected[k] for k in SHOWN}
    assert path_of(item["url"]) == path_of(expected["url"])
    assert tree(project) == before   # output/, the state and latest.json byte-identical


def test_parse_of_a_listing_picks_the_spider_and_callback(cron_project, replica) -> None:  # noqa: ANN001
    project, _ = cron_project
    before = tree(project)
    proc = scrapy(project, "parse", "--nocolour", "-s", f"TEMPO_BASE_URL={replica.origin}", replica.url("/rss/dunia"))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    requests = proc.stdout.split("# Requests", 1)[1]
    assert requests.count("<GET ") >= 5 and "/read/" in requests
    assert tree(project) == before


def test_shell_writes_nothing(cron_project, replica) -> None:  # noqa: ANN001
    project, _ = cron_project
    before = tree(project)
    golden = one_per_layout()[1]
    code = "(spider.name, spider.context.inspect, len(list(spider.parse(response))))"
    proc = scrapy(project, "shell", "--nolog", "-s", f"TEMPO_BASE_URL={replica.origin}", "-c", code,
                  replica.url(golden.url))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == "('world', True, 1)"
    assert tree(project) == before


def test_check_runs_one_check_per_layout_and_source(cron_project, replica) -> None:  # noqa: ANN001
    project, _ = cron_project
    before = tree(project)
    listed = scrapy(project, "check", "-l")
    methods = {line.strip("* ").strip() for line in listed.stdout.splitlines() if line.strip().startswith("*")}
    # every layout with an example page (the JSON-LD fallback has none: any page of no known layout is its)
    assert {f"check_layout_{p.name.lower()}" for p in PARSERS if p.example} <= methods
    assert {p.name for p in PARSERS if not p.example} == {"JSONLD"}
    proc = scrapy(project, "check", "-v", "-s", f"TEMPO_BASE_URL={replica.origin}", "world")
    assert proc.returncode == 0, proc.stderr[-3000:]
    ran = [line for line in proc.stderr.splitlines() if line.startswith("[world] check_")]
    assert len(ran) >= 4 * 3 + 6 and all(line.endswith("... ok") for line in ran)
    for parser in (p for p in PARSERS if p.example):
        assert f"[world] check_layout_{parser.name.lower()} (@layout post-hook) ... ok" in ran
    assert tree(project) == before


def test_check_fails_when_a_page_is_no_longer_read(fresh_replica, tmp_path: Path) -> None:  # noqa: ANN001
    """The A2 example page now puts its paragraphs in <div>s, not <p>s (a layout drift the parser does not
    follow): the A2 check fails, the others pass."""
    a2 = next(p for p in PARSERS if p.name == "A2")
    page = next(g for g in goldens() if g.expected["layout"] == "A2" and g.url == a2.example).file
    html = page.read_text("utf-8").replace("<p>", "<div>").replace("</p>", "</div>")
    fresh_replica.site.edit_article(a2.example.split("/read/")[1].split("/")[0], layout="A2", html=html)
    proc = scrapy(make_project(tmp_path), "check", "-s", f"TEMPO_BASE_URL={fresh_replica.origin}", "world")
    assert proc.returncode == 1
    failed = [x for x in proc.stderr.splitlines() if x.startswith(("FAIL: ", "ERROR: "))]
    assert failed and all("check_layout_a2" in x for x in failed), proc.stderr[-3000:]


def test_one_off_export_writes_exactly_the_named_feed(tmp_path: Path, replica) -> None:  # noqa: ANN001
    project = make_project(tmp_path / "p")
    proc = scrapy(project, "crawl", "world", *FAST, "-s", f"TEMPO_BASE_URL={replica.origin}",
                  "-a", "max_items=3", "-O", "items.json", timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(tree(project)) == ["items.json", "scrapy.cfg"]
    assert len(json.loads((project / "items.json").read_text("utf-8"))) == 3


def test_one_off_export_writes_text_only_when_asked(tmp_path: Path, replica) -> None:  # noqa: ANN001
    project = make_project(tmp_path / "p")
    proc = scrapy(project, "crawl", "world", *FAST, "-s", f"TEMPO_BASE_URL={replica.origin}", "-a", "max_items=2",
                  "-o", "items.jsonl", "-s", "TEMPO_TEXT_DIR=texts", timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    files = set(tree(project))
    texts = {f for f in files if f.startswith("texts/") and f.endswith(".txt")}
    assert len(texts) == 2 and files - texts == {"items.jsonl", "scrapy.cfg"}
