"""Each benchmark of ``make bench`` on a tiny input, so none of them can rot (issue 14). The figures
themselves are never asserted here (shared, noisy machines): only that every script runs end to end, writes
its result and measures what it says it measures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import accuracy, common, crawl_throughput, incremental, kill_test, parse_cost, run_all
from benchmarks.extractors import Extract

TOOLS = {"trafilatura", "newspaper4k", "fundus"}


@pytest.fixture(autouse=True)
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(common, "RESULTS", tmp_path / "bench")
    return tmp_path / "bench"


def saved(results: Path, name: str) -> dict:
    return json.loads((results / f"{name}.json").read_text("utf-8"))


def test_parse_cost(results: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_cost.main(["--rounds", "1", "--pages", "4"]) == 0
    res = saved(results, "parse_cost")
    assert {"ours", "ours+clean", "lxml", "parsel", "lxml+fields"} <= set(res["tools"])
    assert set(res["tools"]) | set(res["missing"]) == set(parse_cost.ROWS)   # a missing tool says why
    assert res["pages"] == 4 and len(res["layouts"]) == 4
    assert all(ms > 0 for ms in res["mean_ms"].values())
    assert res["ratios"]["ours_vs_lxml"] > 1   # detection + parser cannot undercut a bare parse
    assert "ours / lxml =" in capsys.readouterr().out


def test_accuracy(results: Path) -> None:
    assert accuracy.main(["--pages", "4"]) == 0
    res = saved(results, "accuracy")
    ours = res["summary"]["ours"]
    assert ours["f1"] >= 0.99 and ours["title_exact"] == 1 and ours["published_exact"] == 1
    assert ours["layout_exact"] == 1 and ours["chrome_leak_pages"] == 0 and ours["email_leak_pages"] == 0
    assert set(res["tools"]) | set(res["missing"]) == {"ours", *TOOLS}


def test_accuracy_scores_what_generic_tools_get_wrong() -> None:
    page = common.golden_pages()[0]
    exp = page.expected
    right = accuracy.score_page("x", page, Extract(exp["title"], exp["body"], exp["published_at"],
                                                   exp["reporters"], None))
    assert right["f1"] == 1 and right["title"] and right["published_at"] and right["reporters"]
    assert right["editors"] is None and not right["chrome_leak"] and not right["email_leak"]
    day_only = exp["published_at"][:10]
    wrong = accuracy.score_page("x", page, Extract(exp["title"] + " | tempo.co", exp["body"] + ["Iklan"],
                                                   day_only, [], None))
    assert not wrong["title"] and not wrong["published_at"] and wrong["chrome_leak"] and wrong["f1"] < 1
    leak = accuracy.score_page("x", page, Extract(exp["title"], [*exp["body"], "tulis ke pembaca@contoh.id"]))
    assert leak["email_leak"]


@pytest.mark.crawl
def test_crawl_throughput(results: Path) -> None:
    assert crawl_throughput.main(["--articles", "30", "--runs", "1", "--rss-sizes", "30", "--no-schema"]) == 0
    res = saved(results, "crawl_throughput")
    assert set(res["pages_per_s"]) == {"ours", "minimal"}
    assert res["crawl_vs_minimal"] > 0 and res["peak_rss_mb"]["30"]["ours"] > 20
    assert res["requests"]["ours"]["article"] >= 30 and res["requests"]["minimal"]["article"] >= 30
    stages = res["cpu_ms_per_article"]["ours"]
    assert stages["parse"] > 0 and stages["export"] > 0 and stages["startup"] > 0
    assert 0 < res["server_busy_max"] < 1


@pytest.mark.crawl
def test_incremental(results: Path) -> None:
    assert incremental.main(["--articles", "30"]) == 0
    res = saved(results, "incremental")
    first, second = res["requests"]
    assert first["article"] >= 30 and second["article"] == 0 == res["rerun_article_requests"]
    assert res["exported"][0] >= 30 and res["exported"][1] == 0


@pytest.mark.crawl
def test_kill_test_small() -> None:
    assert kill_test.main(["--articles", "20", "--rounds", "2", "--kills", "1", "--seed", "7"]) == 0


def test_summary_lines_name_every_goal() -> None:
    results = {
        "parse_cost": {"ratios": {"ours_vs_lxml": 1.5, "trafilatura_vs_ours": 4.0}},
        "accuracy": {"summary": {"ours": {"f1": 1.0}}},
        "crawl_throughput": {"crawl_vs_minimal": 0.8, "peak_rss_mb_largest": {"articles": 20000, "ours": 200.0,
                                                                                "minimal": 170.0}},
        "incremental": {"rerun_article_requests": 0},
    }
    lines = run_all.summary_lines(results)
    assert [line.split("=")[0] for line in lines] == [
        "parse_vs_lxml", "parse_vs_trafilatura", "body_f1", "crawl_vs_minimal", "peak_rss_mb_20k",
        "rss_over_minimal_mb_20k", "rerun_article_requests"]
    assert "NOT MET" in lines[1] and all("NOT MET" not in line for i, line in enumerate(lines) if i != 1)
    assert lines[5].startswith("rss_over_minimal_mb_20k=30.00")
    assert [line.split("=")[0] for line in run_all.summary_lines({})][0] == "parse_vs_lxml"   # nothing measured


@pytest.mark.crawl
def test_profile_crawl(results: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import profile_crawl

    assert profile_crawl.main(["--articles", "30", "--top", "5"]) == 0
    res = saved(results, "profile_crawl")
    assert (results / "crawl.prof").exists() and len(res["by_tottime"]) == 5
    assert res["by_package"].get("tempo_crawler.layouts", 0) > 0 and res["by_package"].get("scrapy", 0) > 0
    assert "own time by package" in capsys.readouterr().out


def test_run_all_reports_saved_results(results: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_cost.main(["--rounds", "1", "--pages", "4"]) == 0
    assert accuracy.main(["--pages", "4"]) == 0
    capsys.readouterr()
    assert run_all.main(["--report-only", "--no-write"]) == 0
    out = capsys.readouterr().out
    assert "parse_vs_lxml=" in out and "body_f1=1.00" in out and "crawl_vs_minimal=—" in out
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{run_all.BEGIN}\nOLD-TABLE\n{run_all.END}\n\nrest\n", "utf-8")
    block = run_all.performance_markdown({"parse_cost": saved(results, "parse_cost"),
                                          "accuracy": saved(results, "accuracy")})
    assert run_all.write_readme(block, readme)
    text = readme.read_text("utf-8")
    assert "OLD-TABLE" not in text and text.endswith("rest\n")
    assert "| **tempo_crawler** (layout detection + parser) |" in text
    both = {"parse_cost": saved(results, "parse_cost")}
    assert "| Goal (issue 14) | Before | Value |" in run_all.performance_markdown(both, baseline=both)


@pytest.mark.crawl
def test_distributed_scaling_small(redis_server: object) -> None:
    """The scale-out benchmark runs (a redis-server is there: the fixture skips, or fails under CI=true)."""
    from benchmarks import distributed_scaling

    assert distributed_scaling.main(["--articles", "8", "--delay", "0.2", "--workers", "1,2"]) == 0


def test_summary_gives_the_fields_floor() -> None:
    lines = run_all.summary_lines({"parse_cost": {"ratios": {}, "mean_ms": {"lxml": 0.2, "lxml+fields": 0.3}}})
    assert "fields_floor_vs_lxml=1.50" in [line.split("  ")[0] for line in lines]
