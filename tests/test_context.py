"""What a run may write follows from its command and outputs (tempo_crawler/context.py): a cron run writes
its state, run file, latest.json and text form; a one-off -o/-O export only its feeds (text when asked);
scrapy parse/shell/check nothing. Creating the context creates no file."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.settings import Settings

from tempo_crawler import settings as project_settings
from tempo_crawler.context import RunContext, mark_crawl


def context(tmp_path: Path, *, crawl: bool, cmdline: dict | None = None) -> RunContext:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.setdict({"TEMPO_OUTPUT": str(tmp_path / "out" / "%(name)s-%(run_stamp)s.jsonl"),
                      "TEMPO_STATE_PATH": str(tmp_path / "state" / "world.sqlite")}, priority="project")
    settings.setdict(cmdline or {}, priority="cmdline")
    crawler = SimpleNamespace(settings=settings)   # what RunContext.create reads from a crawler
    if crawl:
        mark_crawl(crawler)
    return RunContext.create(crawler, "world", {})


FEED = {"FEEDS": {"items.json": {"format": "json"}}}


@pytest.mark.parametrize(("crawl", "cmdline", "expected"), [
    (True, {}, (False, True, True, True, True, True)),  # cron run
    (True, FEED, (False, False, False, False, False, False)),  # -O items.json
    (True, {**FEED, "TEMPO_TEXT_DIR": "texts/"}, (False, False, False, False, True, False)),  # -O … -s TEMPO_TEXT_DIR
    (True, {**FEED, "TEMPO_STATE_MODE": "on"}, (False, True, True, True, True, True)),  # -O … stateful
    (True, {"TEMPO_STATE_MODE": "off"}, (False, False, True, True, True, True)),  # run file, no state
    (False, {}, (True, False, False, False, False, False)),  # parse / shell / check
    (False, {"TEMPO_TEXT_DIR": "texts/", "TEMPO_STATE_MODE": "on"}, (True, False, False, False, False, False)),
    (True, {**FEED, "TEMPO_ARCHIVE_ENABLED": "True"}, (False, False, False, False, False, True)),
], ids=["cron", "one-off", "one-off-text", "one-off-state-on", "state-off", "inspect", "inspect-asked",
        "one-off-archive"])
def test_what_a_run_may_write(tmp_path: Path, crawl: bool, cmdline: dict, expected: tuple) -> None:
    c = context(tmp_path, crawl=crawl, cmdline=cmdline)
    assert (c.inspect, c.store_enabled, c.writer_enabled, c.latest_enabled, c.text_enabled,
            c.archive_enabled) == expected
    assert (c.output is not None) == c.writer_enabled
    assert list(tmp_path.iterdir()) == []   # computing the run file's name creates nothing



def crawler_with(tmp_path: Path, *, crawl: bool) -> SimpleNamespace:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("TEMPO_OUTPUT", str(tmp_path / "out" / "%(name)s-%(run_stamp)s.jsonl"), priority="project")
    crawler = SimpleNamespace(settings=settings)
    if crawl:
        mark_crawl(crawler)
    RunContext.create(crawler, "world", {})
    return crawler


@pytest.mark.parametrize("output", ["latest", "text", "archive"])
def test_a_component_is_off_when_the_run_does_not_write_its_output(tmp_path: Path, output: str) -> None:
    from scrapy.exceptions import NotConfigured

    cron = crawler_with(tmp_path, crawl=True)
    assert RunContext.writing(cron, output) is RunContext.find(cron) is not None
    with pytest.raises(NotConfigured):
        RunContext.writing(crawler_with(tmp_path, crawl=False), output)   # scrapy parse / check
    assert RunContext.writing(SimpleNamespace(), output) is None   # not our spider: no context, not refused
