"""Field coverage counted by the monitors extension sets the same stats keys to the same values as Spidermon's own
per-item counting (which it replaces: one stats call per key at close instead of ~20 per item), and the crawl's
fill rates still come from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import scrapy
from scrapy.utils.test import get_crawler
from spidermon.contrib.scrapy.extensions import Spidermon
from spidermon.utils.field_coverage import calculate_field_coverage

import tempo_crawler.settings as project_settings
from tempo_crawler.items import Article, Link
from tempo_crawler.monitors.coverage import FieldCoverage
from tempo_crawler.monitors.extension import RunMonitors


@dataclass
class Other:
    name: str | None = None
    flag: bool = False
    count: int = 0
    extra: dict[str, Any] | None = None


ITEMS = [
    Article(url="https://www.tempo.co/internasional/a-1", title="A", body=["x"], tags=[], dateline="",
            editors_pick=Link(url="https://www.tempo.co/b", title="B"), is_free=False, version=1),
    Article(url="https://www.tempo.co/internasional/a-2", title="N/A", lead="-", reporters=["R"], truncated=True),
    Article(),
    Other(name="n", flag=True, count=0, extra={"a": 1, "b": None, "c": {"d": "", "e": "x", "f": {"g": 1}}}),
    Other(name="", flag=False, count=3, extra={}),
    {"title": "t", "nested": {"k": "v", "empty": [], "deeper": {"z": 0, "y": "N/A"}}, "none": None, "zero": 0},
    {"title": None, "nested": None},
]

SETTINGS = [
    {},   # the project's: SKIP_NONE on
    {"SPIDERMON_FIELD_COVERAGE_SKIP_NONE": False},
    {"SPIDERMON_FIELD_COVERAGE_SKIP_FALSY": False},
    {"SPIDERMON_FIELD_COVERAGE_SKIP_FALSY": False, "SPIDERMON_FIELD_COVERAGE_SKIP_NONE": False,
     "SPIDERMON_FIELD_COVERAGE_SKIP_VALUES": [None, 0, "N/A"]},
    {"SPIDERMON_DICT_FIELDS_COVERAGE_LEVELS": 0},
    {"SPIDERMON_DICT_FIELDS_COVERAGE_LEVELS": 1},
    {"SPIDERMON_FIELD_COVERAGE_SKIP_VALUES": ""},
]


def crawler(settings: dict[str, Any]) -> Any:
    project = {k: v for k, v in vars(project_settings).items() if k.isupper()}
    return get_crawler(scrapy.Spider, settings_dict={**project, **settings})


def spidermon_stats(settings: dict[str, Any]) -> dict[str, Any]:
    """What Spidermon's own item_scraped leaves in the stats for ITEMS."""
    c = crawler(settings)
    ext = Spidermon(c)
    spider = scrapy.Spider("world")
    spider.crawler = c
    for item in ITEMS:
        ext.item_scraped(item, None, spider)
    return {k: v for k, v in c.stats.get_stats().items() if k.startswith("spidermon")}


def our_stats(settings: dict[str, Any]) -> dict[str, Any]:
    c = crawler(settings)
    ext = RunMonitors(c)
    coverage = FieldCoverage(c.settings, ext._get_skip_values_list(c.settings))
    assert coverage.applies
    for item in ITEMS:
        coverage.count(item)
    assert not {k for k in c.stats.get_stats() if k.startswith("spidermon")}   # nothing set per item
    coverage.flush(c.stats)
    return {k: v for k, v in c.stats.get_stats().items() if k.startswith("spidermon")}


def _id(settings: dict[str, Any]) -> str:
    return ",".join(f"{k[10:]}={v}" for k, v in settings.items()) or "project"


@pytest.mark.parametrize("settings", SETTINGS, ids=_id)
def test_the_same_keys_and_counts_as_spidermon(settings: dict[str, Any]) -> None:
    expected = spidermon_stats(settings)
    assert expected["spidermon_item_scraped_count/Article"] == 3   # the reference did count
    ours = our_stats(settings)
    assert ours == expected
    assert calculate_field_coverage(ours) == calculate_field_coverage(expected)


def test_by_hand_on_the_project_settings() -> None:
    stats = our_stats({})
    prefix = "spidermon_item_scraped_count/Article/"
    article = {k[len(prefix):]: v for k, v in stats.items() if k.startswith(prefix)}
    # None, "" and [] are not filled; False is falsy too; "N/A" and "-" are Spidermon's default skip values.
    assert article == {"url": 2, "title": 1, "body": 1, "editors_pick": 1, "reporters": 1, "is_free": 2,
                       "truncated": 1, "version": 3}
    assert stats["spidermon_item_scraped_count"] == 7 and stats["spidermon_item_scraped_count/dict"] == 2
    assert stats["spidermon_item_scraped_count/dict/nested/deeper"] == 1
    assert "spidermon_item_scraped_count/dict/nested/deeper/y" not in stats   # "N/A"


def test_settings_it_does_not_reproduce_leave_the_counting_to_spidermon() -> None:
    for settings in ({"SPIDERMON_LIST_FIELDS_COVERAGE_LEVELS": 1}, {"SPIDERMON_DICT_FIELDS_COVERAGE_LEVELS": {"*": 1}}):
        c = crawler(settings)
        ext = RunMonitors(c)
        assert ext.coverage is None
        spider = scrapy.Spider("world")
        spider.crawler = c
        ext.item_scraped(ITEMS[1], None, spider)   # Spidermon's own counting, per item
        assert c.stats.get_value("spidermon_item_scraped_count/Article/reporters") == 1
    with_lists = spidermon_stats({"SPIDERMON_LIST_FIELDS_COVERAGE_LEVELS": 1})
    assert with_lists["spidermon_item_scraped_count/Article/reporters/_items"] == 1


def test_the_extension_counts_in_a_dict_and_sets_the_stats_at_close() -> None:
    c = crawler({})
    ext = RunMonitors(c)
    spider = scrapy.Spider("world")
    spider.crawler = c
    for item in ITEMS:
        ext.item_scraped(item, None, spider)
    assert not {k for k in c.stats.get_stats() if k.startswith("spidermon")}
    ext._add_field_coverage_to_stats()
    assert c.stats.get_value("spidermon_item_scraped_count/Article/url") == 2
    assert c.stats.get_value("spidermon_field_coverage/Article/title") == pytest.approx(1 / 3)
