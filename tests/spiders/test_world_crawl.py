"""End to end: `scrapy crawl world` as a subprocess against the loopback replica."""

from __future__ import annotations

import json
import socket
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tempo_crawler.exitcodes import DATA_QUALITY
from tempo_crawler.urls import article_key
from tests.support.crawl import CrawlResult, run_crawl
from tests.support.golden import goldens, token_prf
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


def strip_origin(value: Any) -> Any:
    """URLs compared by path and query: the replica serves every tempo.co host at its own origin."""
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        parts = urlsplit(value)
        path = parts.path
        if parts.netloc.startswith("127.0.0.1") and path.startswith("/statik/"):
            path = path[len("/statik"):]  # the replica serves statik.tempo.co under /statik
        return path + (f"?{parts.query}" if parts.query else "")
    if isinstance(value, list):
        return [strip_origin(v) for v in value]
    if isinstance(value, dict):
        return {k: strip_origin(v) for k, v in value.items()}
    return value


COMPARED = ["id", "url", "layout", "section", "title", "print_title", "lead", "summary", "reporters", "editors",
            "published_at", "modified_at", "dateline", "dateline_glued",
            "image_url", "image_caption", "body", "editors_pick", "read_also", "agency", "closing_credit", "tags",
            "is_free", "truncated"]


def mismatches(item: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    bad = [f for f in COMPARED if strip_origin(item[f]) != strip_origin(expected[f])]
    crawled = datetime.fromisoformat(item["crawled_at"])
    if len(item["related"]) != len(expected["related"]):
        bad.append("related")
    for got, want in zip(item["related"], expected["related"], strict=False):
        same = {k: strip_origin(got[k]) == strip_origin(want[k]) for k in
                ("title", "url", "relative_time", "image_caption", "summary")}
        if not all(same.values()):
            bad.append("related")
        elif want["relative_time"]:
            # published_at is estimated from the fetch time: check it against this crawl's clock
            est = datetime.fromisoformat(got["published_at"])
            from tempo_crawler.text.dates import parse_relative

            ref = datetime.fromisoformat(parse_relative(want["relative_time"], crawled))
            if abs(est - ref) > timedelta(minutes=2):
                bad.append("related.published_at")
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


def test_every_world_article_exactly_once_with_golden_fields(full_crawl: CrawlResult) -> None:
    items = by_key(full_crawl.items)
    # JSON-LD-only pages (tests/layouts/jsonld/) are served but not listed by the default replica: a healthy
    # full crawl reads every page it discovers by its layout (the fallback is crawled in test_evidence_crawl).
    expected = by_key([g.expected for g in GOLDENS if is_world(g.expected) and g.expected["layout"] != "JSONLD"])
    assert sorted(items) == sorted(expected), "articles missing or extra"
    for key, rows in items.items():
        assert len(rows) == 1, f"{key} exported {len(rows)} times"
        # twins (AMP / full&view=ok copies of one article): the item matches one of them
        problems, want = min(((mismatches(rows[0], w), w) for w in expected[key]), key=lambda x: len(x[0]))
        assert problems == [], f"{key}: {problems}"
        assert token_prf(want["body"], rows[0]["body"])[2] >= 0.99


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
    assert isinstance(data, list) and len(data) == 3


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
    assert len(result.items) == 4
    assert all(json.loads(row["related"]) is not None and row["is_free"] in ("true", "false") for row in result.items)


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
