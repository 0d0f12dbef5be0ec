"""End to end: `scrapy crawl world` as a subprocess against the loopback replica."""

from __future__ import annotations

import json
import socket
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tempo_crawler.exitcodes import DATA_QUALITY
from tempo_crawler.urls import article_key
from tests.replica.server import rewrite
from tests.support.crawl import CrawlResult, run_crawl
from tests.support.golden import Golden, goldens, token_prf
from tests.support.leaks import forbidden_in

pytestmark = pytest.mark.crawl
GOLDENS = goldens()
SECTIONS = ("internasional",)


def is_world(expected: dict[str, Any]) -> bool:
    path = urlsplit(expected["url"]).path.strip("/")
    return expected["layout"] != "B" or path.split("/")[0] in SECTIONS


def by_key(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[article_key(row["url"])].append(row)
    return out


def on_replica(value: Any, origin: str) -> Any:
    """An expected value as the replica serves it: every tempo.co URL moved to the replica's ``origin`` by the
    replica's one rewrite rule (tests/replica/server.py ``rewrite``: kanal hosts at the origin, statik.tempo.co
    under /statik, rss.tempo.co under /rss); other hosts, paths and queries as the golden file has them."""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return rewrite(value, origin)
    if isinstance(value, list):
        return [on_replica(v, origin) for v in value]
    if isinstance(value, dict):
        return {k: on_replica(v, origin) for k, v in value.items()}
    return value


def later_by(when: str, golden_fetch: datetime, crawl_fetch: datetime) -> str:
    """A related item's hand-written ``published_at`` ("N units before the golden's fetch time", to the minute)
    as this crawl must give it: as much later as the crawl fetched the page after the golden's fetch time."""
    moved = datetime.fromisoformat(when) + (crawl_fetch - golden_fetch)
    return moved.replace(second=0, microsecond=0).isoformat()


COMPARED = ["id", "url", "layout", "section", "title", "print_title", "lead", "summary", "reporters", "editors",
            "published_at", "modified_at", "dateline", "dateline_glued",
            "image_url", "image_caption", "body", "editors_pick", "read_also", "agency", "closing_credit", "tags",
            "is_free", "truncated"]


def mismatches(item: dict[str, Any], golden: Golden, origin: str) -> list[str]:
    """The fields in which a crawled item differs from its golden expectation (URLs with their hosts)."""
    want = on_replica(golden.expected, origin)
    bad = [f for f in COMPARED if item[f] != want[f]]
    crawled = datetime.fromisoformat(item["crawled_at"])
    if len(item["related"]) != len(want["related"]):
        bad.append("related")
    for got, exp in zip(item["related"], want["related"], strict=False):
        if any(got[k] != exp[k] for k in ("title", "url", "relative_time", "image_caption", "summary")):
            bad.append("related")
        elif got["published_at"] != (later_by(exp["published_at"], golden.fetched_at, crawled)
                                     if exp["relative_time"] else exp["published_at"]):
            bad.append("related.published_at")
    return bad


def twins(url: str) -> list[Golden]:
    """The golden cases of the article at ``url`` (an AMP page and its desktop twin share one article)."""
    found = [g for g in GOLDENS if article_key(g.expected["url"]) == article_key(url)]
    assert found, f"{url} is not a golden article"
    return found


def golden_mismatches(item: dict[str, Any], origin: str) -> tuple[list[str], Golden]:
    """Mismatches against the item's golden case (of twins, the closest) and that case."""
    return min(((mismatches(item, g, origin), g) for g in twins(item["url"])), key=lambda x: len(x[0]))


JSON_CELLS = ("editors_pick", "read_also", "related")


def expected_cell(name: str, value: Any) -> Any:
    """A golden value in the CSV cell form docs/exports.md gives, written out here: null an empty cell, booleans
    true/false, body paragraphs joined by a blank line, other lists by " | "; JSON cells as the parsed value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if name in JSON_CELLS:
        return value
    if isinstance(value, list):
        return ("\n\n" if name == "body" else " | ").join(value)
    return str(value)


def cell_mismatches(row: dict[str, str], golden: Golden, origin: str) -> list[str]:
    """The columns of a CSV row that differ from the golden item, compared by value (JSON cells parsed)."""
    want = on_replica(golden.expected, origin)
    crawled = datetime.fromisoformat(row["crawled_at"])
    for r in want["related"]:
        if r["relative_time"]:
            r["published_at"] = later_by(r["published_at"], golden.fetched_at, crawled)
    bad = []
    for name in [*COMPARED, "related"]:
        cell = json.loads(row[name]) if name in JSON_CELLS and row[name] else row[name]
        if cell != expected_cell(name, want[name]):
            bad.append(name)
    return bad


@pytest.fixture(scope="module")
def full_crawl(replica, tmp_path_factory) -> CrawlResult:  # noqa: ANN001
    return run_crawl(replica.origin, tmp_path_factory.mktemp("full"))


def test_crawl_exits_zero_and_reports_sources(full_crawl: CrawlResult) -> None:
    assert full_crawl.returncode == 0, full_crawl.log[-3000:]
    for source in ("api", "payload", "rss", "rss_legacy", "sitemap", "indeks"):
        assert full_crawl.stats.get(f"tempo/source/{source}/articles", 0) > 0, source
        assert not full_crawl.stats.get(f"tempo/source/{source}/errors"), source
    assert full_crawl.stats.get("tempo/quarantined", 0) == 0


def test_every_world_article_exactly_once_with_golden_fields(full_crawl: CrawlResult, replica) -> None:  # noqa: ANN001
    items = by_key(full_crawl.items)
    # JSON-LD-only pages (tests/layouts/jsonld/) are served but not listed by the default replica: a healthy
    # full crawl reads every page it discovers by its layout (the fallback is crawled in test_evidence_crawl).
    expected = by_key([g.expected for g in GOLDENS if is_world(g.expected) and g.expected["layout"] != "JSONLD"])
    assert sorted(items) == sorted(expected), "articles missing or extra"
    for key, rows in items.items():
        assert len(rows) == 1, f"{key} exported {len(rows)} times"
        # twins (AMP / full&view=ok copies of one article): the item matches one of them
        problems, golden = golden_mismatches(rows[0], replica.origin)
        assert problems == [], f"{key}: {problems}"
        assert token_prf(golden.expected["body"], rows[0]["body"])[2] >= 0.99


def test_other_sections_are_not_crawled(full_crawl: CrawlResult) -> None:
    others = [g.expected for g in GOLDENS if not is_world(g.expected)]
    keys = {article_key(i["url"]) for i in full_crawl.items}
    assert all(article_key(o["url"]) not in keys for o in others)
    if others:
        assert full_crawl.stats.get("tempo/skipped/other_section", 0) >= len(others)


def test_no_email_or_chrome_in_any_output_line(full_crawl: CrawlResult) -> None:
    assert full_crawl.lines
    for line in full_crawl.lines:
        assert forbidden_in(line) == [], line[:200]
    assert forbidden_in(full_crawl.log) == [] or all("@" not in f for f in forbidden_in(full_crawl.log))


def test_one_source_dying_loses_nothing(fresh_replica, tmp_path: Path, full_crawl: CrawlResult) -> None:  # noqa: ANN001
    fresh_replica.site.fail("/api/gateway/articles", 500, 1000)
    fresh_replica.site.fail("/internasional/_payload.json", 404, 1000)
    result = run_crawl(fresh_replica.origin, tmp_path)
    # Nothing is lost, but the run says that two sources listed nothing (and that requests failed).
    assert result.returncode == DATA_QUALITY, result.log[-3000:]
    assert "source(s) that listed nothing: api (1 failed request(s)), payload (1 failed request(s))" in result.log
    assert result.stats.get("tempo/source/api/errors", 0) >= 1
    assert result.stats.get("tempo/source/payload/errors", 0) >= 1
    assert sorted(by_key(result.items)) == sorted(by_key(full_crawl.items))
    assert "source api failed" in result.log


def test_max_items_and_json_output(replica, tmp_path: Path) -> None:  # noqa: ANN001
    result = run_crawl(replica.origin, tmp_path, "-a", "max_items=3", output_name="items.json")
    assert result.returncode == 0
    data = json.loads(result.output.read_text("utf-8"))
    assert isinstance(data, list) and len(data) == 3 and len(by_key(data)) == 3
    assert result.stats["tempo/articles/scheduled"] == 3 and result.stats["tempo/skipped/max_items"] > 0
    for item in data:  # whole items, each as its golden file has it
        assert golden_mismatches(item, replica.origin)[0] == [], item["url"]


def test_jsonld_fallback_pages_give_their_golden_items(replica, tmp_path: Path) -> None:  # noqa: ANN001
    """The JSON-LD-only golden pages (tests/layouts/jsonld/, not listed by the default replica) read by URL:
    every item whole, as its golden file has it (the fallback's end-to-end counterpart of test_golden)."""
    pages = [g for g in GOLDENS if g.expected["layout"] == "JSONLD"]
    assert len(pages) >= 3
    urls = ",".join(rewrite(g.url, replica.origin) for g in pages)
    result = run_crawl(replica.origin, tmp_path, "-a", f"start_urls={urls}")
    # a run read only from JSON-LD says so (tests/monitors/); the items are still exported, whole
    assert result.returncode == DATA_QUALITY, result.log[-3000:]
    assert f"{len(pages)} read only from JSON-LD of {len(pages)}" in result.log
    assert sorted(by_key(result.items)) == sorted(by_key([g.expected for g in pages]))
    for item in result.items:
        assert golden_mismatches(item, replica.origin)[0] == [], item["url"]


def test_since_until_window(replica, tmp_path: Path) -> None:  # noqa: ANN001
    result = run_crawl(replica.origin, tmp_path, "-a", "since=2025-01-01", "-a", "until=2025-02-28")
    assert result.returncode == 0
    dates = sorted(i["published_at"] for i in result.items)
    want = sorted(g.expected["published_at"] for g in GOLDENS
                  if is_world(g.expected) and "2025-01-01" <= g.expected["published_at"][:10] <= "2025-02-28")
    assert dates == sorted(set(want))
    assert result.stats.get("tempo/skipped/out_of_window", 0) > 0


def test_explicit_urls_of_any_kind(replica, tmp_path: Path) -> None:  # noqa: ANN001
    a2 = next(g for g in GOLDENS if g.name == "a2/sample-000")
    urls_file = tmp_path / "urls.txt"
    path = urlsplit(a2.url).path
    urls_file.write_text(f"# one article and one feed\n{replica.origin}{path}?utm_source=x\n"
                         f"{replica.origin}/rss/dunia\n", "utf-8")
    listing = run_crawl(replica.origin, tmp_path / "listing", "-a",
                        f"start_urls={replica.origin}/indeks?page=1&category=rubrik&rubric_slug=internasional")
    assert listing.returncode == 0 and len(listing.items) >= 5
    assert {i["layout"] for i in listing.items} == {"B"}
    result = run_crawl(replica.origin, tmp_path / "run", "-a", f"urls_file={urls_file}")
    assert result.returncode == 0
    keys = {article_key(i["url"]) for i in result.items}
    assert article_key(a2.expected["url"]) in keys
    legacy = {article_key(g.expected["url"]) for g in GOLDENS if g.expected["layout"] == "A2"}
    assert keys <= legacy | {article_key(a2.expected["url"])} and len(keys) > 1
    assert not result.stats.get("tempo/source/api/articles")


def test_unknown_layout_is_quarantined(tmp_path: Path, fresh_replica) -> None:  # noqa: ANN001
    html = "<html><body><h1>Bukan artikel</h1><p>Halaman lain.</p></body></html>"
    fresh_replica.site.add_article(url="https://www.tempo.co/halaman/lain", id="1", title="x", layout="X", html=html)
    page = fresh_replica.url("/halaman/lain")
    result = run_crawl(fresh_replica.origin, tmp_path / "run", "-a", f"start_urls={page}")
    assert result.items == []
    assert result.stats.get("tempo/quarantined") == 1
    saved = list((tmp_path / "run" / "quarantine").glob("*.json"))
    assert len(saved) == 1 and json.loads(saved[0].read_text())["url"] == page
    assert "quarantined" in result.log


def test_unreachable_site_fails_loudly(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    result = run_crawl(f"http://127.0.0.1:{port}", tmp_path, settings={"RETRY_TIMES": "0"}, timeout=120)
    assert result.returncode == 1
    assert "fetched nothing" in result.log
    assert result.items == []


def test_bad_argument_is_a_clear_error(tmp_path: Path, replica) -> None:  # noqa: ANN001
    result = run_crawl(replica.origin, tmp_path, "-a", "since=yesterday")
    assert result.returncode != 0
    assert "expected YYYY-MM-DD" in result.log


def test_every_item_validated_against_the_schema(full_crawl: CrawlResult) -> None:
    assert full_crawl.stats.get("tempo/schema/valid") == len(full_crawl.items) > 0
    assert not full_crawl.stats.get("tempo/dropped/schema_invalid")


@pytest.mark.parametrize("name", ["sample-000", "sample-002"])
def test_text_form_of_crawled_sample_equals_sample_minus_chrome(full_crawl: CrawlResult, name: str) -> None:
    """Issue 4: the text file written while crawling the sample's replica page is the sample document
    without its chrome lines (compared after collapsing blank runs and trimming spaces)."""
    from tests.support.samples import RAW, sample_minus_chrome, text_lines

    golden = next(g for g in GOLDENS if g.name == f"a2/{name}")
    text_file = full_crawl.output.parent / "text" / f"{golden.expected['id']}.txt"
    assert text_file.is_file(), sorted(p.name for p in text_file.parent.glob("*.txt"))
    expected = sample_minus_chrome((RAW / f"{name}.txt").read_text("utf-8"))
    assert text_lines(text_file.read_text("utf-8")) == expected


def test_csv_feed_has_the_documented_columns(replica, tmp_path: Path) -> None:  # noqa: ANN001
    from tempo_crawler.items import ARTICLE_FIELDS

    result = run_crawl(replica.origin, tmp_path, "-a", "max_items=4", output_name="items.csv")
    assert result.returncode == 0
    assert result.lines[0].split(",") == list(ARTICLE_FIELDS)
    assert len(result.items) == 4 and len(by_key(result.items)) == 4
    for row in result.items:  # every cell by value: the golden item written in the documented cell forms
        problems = min((cell_mismatches(row, g, replica.origin) for g in twins(row["url"])), key=len)
        assert problems == [], (row["url"], problems)



def test_a_healthy_run_logs_no_warning_and_ends_with_a_short_summary(full_crawl: CrawlResult) -> None:
    lines = full_crawl.log.splitlines()
    assert [line for line in lines if " WARNING: " in line] == []
    summary = [line for line in lines if "[tempo_crawler.monitors.extension]" in line]
    assert len(summary) == 3 and " ok (exit 0) in " in summary[0], summary
    assert "monitors: " in summary[2] and summary[2].endswith(", 0 failed")
    assert "Dumping Scrapy stats" not in full_crawl.log        # the full stats: DEBUG and TEMPO_STATS_FILE


def test_an_explicit_listing_url_is_followed_to_its_next_pages(make_replica, tmp_path: Path) -> None:  # noqa: ANN001
    replica = make_replica(synthetic=15)
    world_b = [e for e in replica.site.articles if e.layout == "B" and e.in_rubric("internasional")]
    assert len(world_b) > 20                                   # more than two /indeks pages of 10
    result = run_crawl(replica.origin, tmp_path, "-a",
                       f"start_urls={replica.origin}/indeks?page=1&category=rubrik&rubric_slug=internasional")
    assert result.returncode == 0, result.log[-3000:]
    assert not result.stats.get("spider_exceptions/count")      # the next page was read, not a crash
    assert sorted(i["id"] for i in result.items) == sorted(e.id for e in world_b)
