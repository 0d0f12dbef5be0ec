"""Bad input is a usage error: one line on stderr naming the argument or setting, exit status 2, no
traceback, nothing written — checked as an operator meets it, with ``scrapy`` run in a project folder."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from scrapy.settings import Settings

from tempo_crawler import settings as project_settings
from tempo_crawler.arguments import ARGUMENTS
from tempo_crawler.config import SETTINGS, SettingError, check_settings
from tempo_crawler.exitcodes import USAGE
from tests.support.project import make_project, scrapy, tree

URL = "http://127.0.0.1:9/read/1879931/x"   # never fetched: every case stops before the crawl

# (id, command line after `scrapy`, what the one line must say). `{dir}` is the project folder.
CASES: list[tuple[str, list[str], str]] = [
    ("since-garbage", ["crawl", "world", "-a", "since=garbage"], "-a since='garbage': expected YYYY-MM-DD"),
    ("until-bad-month", ["crawl", "world", "-a", "until=2025-13-01"], "-a until='2025-13-01': expected YYYY-MM-DD"),
    ("since-after-until", ["crawl", "world", "-a", "since=2025-02-01", "-a", "until=2025-01-01"],
     "-a since=2025-02-01 is after -a until=2025-01-01"),
    ("max-items-abc", ["crawl", "world", "-a", "max_items=abc"], "-a max_items='abc': expected a whole number"),
    ("max-items-negative", ["crawl", "world", "-a", "max_items=-5"], "-a max_items='-5': expected a whole number of"),
    ("max-items-zero", ["crawl", "world", "-a", "max_items=0"], "-a max_items='0': expected a whole number of"),
    ("start-urls-not-a-url", ["crawl", "world", "-a", "start_urls=not-a-url"],
     "-a start_urls='not-a-url': expected an http(s) URL"),
    ("start-urls-ftp", ["crawl", "world", "-a", f"start_urls={URL},ftp://x/y"],
     "'ftp://x/y': expected an http(s) URL"),
    ("start-urls-empty", ["crawl", "world", "-a", "start_urls="], "-a start_urls='': expected one or more"),
    ("urls-file-missing", ["crawl", "world", "-a", "urls_file=/nonexistent/urls.txt"],
     "-a urls_file='/nonexistent/urls.txt': no such file"),
    ("urls-file-bad-line", ["crawl", "world", "-a", "urls_file={dir}/bad.txt"], "line 3, 'dunia.tempo.co/read/1/x'"),
    ("urls-file-empty", ["crawl", "world", "-a", "urls_file={dir}/empty.txt"], "the file lists no URL"),
    ("render-sometimes", ["crawl", "world", "-a", "render=sometimes"],
     "-a render='sometimes': expected one of auto, always, never"),
    ("full-maybe", ["crawl", "world", "-a", "full=maybe"], "-a full='maybe': expected 1/0"),
    ("reset-two", ["crawl", "world", "-a", "reset=2"], "-a reset='2': expected 1/0"),
    ("typo-sinse", ["crawl", "world", "-a", "sinse=2025-01-01"], "unknown argument; did you mean -a since="),
    ("typo-max-item", ["crawl", "world", "-a", "max_item=5"], "unknown argument; did you mean -a max_items="),
    ("no-equals", ["crawl", "world", "-a", "since"], "-a NAME=VALUE"),
    ("spider-typo", ["crawl", "wrld"], "no spider 'wrld' in this project; did you mean world?"),
    ("base-ftp", ["crawl", "world", "-s", "TEMPO_BASE_URL=ftp://x"],
     "-s TEMPO_BASE_URL='ftp://x': expected an http(s)"),
    ("base-no-scheme", ["crawl", "world", "-s", "TEMPO_BASE_URL=www.tempo.co"],
     "-s TEMPO_BASE_URL='www.tempo.co': expected an http(s) URL"),
    ("setting-typo", ["crawl", "world", "-s", "TEMPO_BASE_ULR=https://www.tempo.co"],
     "-s TEMPO_BASE_ULR='https://www.tempo.co': unknown setting; did you mean -s TEMPO_BASE_URL="),
    ("password-masked", ["crawl", "world", "-s", "TEMPO_BASE_URL=ftp://user:s3cret@mirror"],
     "-s TEMPO_BASE_URL='ftp://user:***@mirror': expected an http(s) URL"),
    ("sources-typo", ["crawl", "world", "-s", "TEMPO_SOURCES=api,rsss"], "unknown source 'rsss'; did you mean rss?"),
    ("state-mode", ["crawl", "world", "-s", "TEMPO_STATE_MODE=maybe"],
     "-s TEMPO_STATE_MODE='maybe': expected one of auto, on, off"),
    ("listing-pages-zero", ["crawl", "world", "-s", "TEMPO_MAX_LISTING_PAGES=0"],
     "-s TEMPO_MAX_LISTING_PAGES='0': expected a whole number of at least 1"),
    ("page-size-words", ["crawl", "world", "-s", "TEMPO_API_PAGE_SIZE=lots"], "-s TEMPO_API_PAGE_SIZE='lots'"),
    ("refetch-negative", ["crawl", "world", "-s", "TEMPO_REFETCH_WINDOW_HOURS=-1"],
     "-s TEMPO_REFETCH_WINDOW_HOURS='-1': expected a number of at least 0"),
    ("busy-exit-300", ["crawl", "world", "-s", "TEMPO_LOCK_BUSY_EXIT=300"], "expected a whole number from 0 to 255"),
    ("output-placeholder", ["crawl", "world", "-s", "TEMPO_OUTPUT=out-%(foo)s.jsonl"], "placeholders: %(name)s"),
    ("validate-perhaps", ["crawl", "world", "-s", "TEMPO_VALIDATE_SCHEMA=perhaps"], "TEMPO_VALIDATE_SCHEMA='perhaps'"),
    ("rubric-spaces", ["crawl", "world", "-s", "TEMPO_RUBRIC=Inter Nasional"], "expected a rubric slug"),
    ("layout-typo", ["crawl", "world", "-s", "TEMPO_LAYOUTS=A2,A3"], "unknown layout 'A3'; known: "),
    ("legacy-rss-no-scheme", ["crawl", "world", "-s", "TEMPO_LEGACY_RSS_URL=rss.tempo.co/dunia"],
     "-s TEMPO_LEGACY_RSS_URL='rss.tempo.co/dunia'"),
    ("bad-arg-with-feed", ["crawl", "world", "-O", "items.json", "-a", "max_items=abc"], "-a max_items='abc'"),
    ("parse-bad-arg", ["parse", "--spider=world", "-a", "since=yesterday", URL], "-a since='yesterday'"),
    ("parse-bad-setting", ["parse", "-s", "TEMPO_BASE_URL=ftp://x", URL], "-s TEMPO_BASE_URL='ftp://x'"),
    ("check-bad-setting", ["check", "-s", "TEMPO_RENDER=sometimes", "world"], "-s TEMPO_RENDER='sometimes'"),
    ("reparse-bad-setting", ["reparse", "-s", "TEMPO_ARCHIVE_RETENTION_DAYS=x"], "TEMPO_ARCHIVE_RETENTION_DAYS='x'"),
    # distributed runs (docs/distributed.md); the Redis URL's port 9 is never reached
    ("worker-without-redis", ["crawl", "world", "-a", "worker=w1"], "-a worker=w1: only for distributed runs"),
    ("role-boss", ["crawl", "world", "-s", "TEMPO_REDIS_URL=redis://127.0.0.1:9/0", "-a", "role=boss"],
     "-a role='boss': expected one of auto, seed, worker"),
    ("redis-url-http", ["crawl", "world", "-s", "TEMPO_REDIS_URL=http://:s3cret@10.0.0.5:6379/0"],
     "expected redis://[:password@]host:port/db"),
    ("redis-with-feed", ["crawl", "world", "-s", "TEMPO_REDIS_URL=redis://:s3cret@127.0.0.1:9/0", "-O", "items.json"],
     "drop -o/-O/FEEDS"),
    ("redis-idle-zero", ["crawl", "world", "-s", "TEMPO_REDIS_IDLE_S=0"],
     "-s TEMPO_REDIS_IDLE_S='0': expected a number of at least 0.01"),
    ("reparse-distributed", ["reparse", "-s", "TEMPO_REDIS_URL=redis://127.0.0.1:9/0"],
     "TEMPO_REDIS_URL is set: scrapy reparse re-extracts on one machine"),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    """Every case run once (four at a time), each in its own fresh project folder."""
    def run(case: tuple[str, list[str], str]) -> tuple:
        name, argv, _ = case
        project = make_project(tmp_path_factory.mktemp(name))
        (project / "bad.txt").write_text(f"# one good line, then one without a scheme\n{URL}\n"
                                         "dunia.tempo.co/read/1/x\n", "utf-8")
        (project / "empty.txt").write_text("# nothing but comments\n\n", "utf-8")
        before = tree(project)
        proc = scrapy(project, *[a.replace("{dir}", str(project)) for a in argv])
        return proc, before, tree(project), project

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip([c[0] for c in CASES], pool.map(run, CASES), strict=True))


def test_there_are_at_least_twenty_cases_covering_every_argument() -> None:
    assert len(CASES) >= 20
    used = " ".join(a for _, argv, _ in CASES for a in argv)
    assert all(f"{a.name}=" in used for a in ARGUMENTS)


@pytest.mark.parametrize(("name", "argv", "said"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_exit_2_nothing_written(results: dict, name: str, argv: list[str], said: str) -> None:
    proc, before, after, project = results[name]
    assert proc.returncode == USAGE, proc.stderr[-2000:]
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(("error: ", "ERROR: ")) and said in lines[0]   # reparse says ERROR:
    assert proc.stdout == ""
    assert "Traceback" not in proc.stdout + proc.stderr
    assert after == before and not (project / "output").exists()
    assert "s3cret" not in proc.stderr


# -------------------------------------------------------------- every declared setting, in-process
# A bad value for each declared setting; the few that accept any text are listed apart.
ANY_TEXT = {"TEMPO_STATS_FILE", "TEMPO_CHROMIUM_PATH"}
BAD_VALUES = {
    "TEMPO_BASE_URL": "tempo.co", "TEMPO_RUBRIC": "Dunia!", "TEMPO_SECTIONS": "", "TEMPO_SOURCES": "atom",
    "TEMPO_LEGACY_RSS_URL": "file:///tmp/x", "TEMPO_API_PAGE_SIZE": "0", "TEMPO_MAX_LISTING_PAGES": "many",
    "TEMPO_QUARANTINE_DIR": "", "TEMPO_TEXT_DIR": " ", "TEMPO_VALIDATE_SCHEMA": "sure", "TEMPO_RENDER": "lazy",
    "TEMPO_RENDER_WAIT_TIMEOUT": "0", "TEMPO_RENDER_CONTEXT_PAGES": "1.5", "TEMPO_STATE_PATH": "",
    "TEMPO_STATE_MODE": "always", "TEMPO_OUTPUT": "x-%(when)s.jsonl", "TEMPO_REFETCH_WINDOW_HOURS": "two",
    "TEMPO_EXPORT_SYNC_ITEMS": "0", "TEMPO_EXPORT_SYNC_SECONDS": "-1", "TEMPO_LOCK_WAIT_SECONDS": "soon",
    "TEMPO_LOCK_BUSY_EXIT": "-1", "TEMPO_LAYOUTS": "A2,A3", "TEMPO_ARCHIVE_ENABLED": "sure", "TEMPO_ARCHIVE_DIR": "",
    "TEMPO_ARCHIVE_MAX_FILE_BYTES": "0", "TEMPO_ARCHIVE_RETENTION_DAYS": "-1", "TEMPO_ARCHIVE_MAX_RECORD_BYTES": "big",
    "TEMPO_REPLAY": "maybe",
    "TEMPO_REDIS_URL": "http://127.0.0.1:6379/0", "TEMPO_REDIS_PREFIX": "", "TEMPO_REDIS_IDLE_S": "0",
    "TEMPO_REDIS_LEASE_S": "-1", "TEMPO_REDIS_CYCLE_S": "-1", "TEMPO_REDIS_RATE": "fast", "TEMPO_REDIS_BURST": "0",
    "TEMPO_REDIS_TICK_S": "0",
}


def test_every_declared_setting_has_a_bad_value_here() -> None:
    assert set(BAD_VALUES) | ANY_TEXT == {s.name for s in SETTINGS}


@pytest.mark.parametrize(("name", "value"), sorted(BAD_VALUES.items()))
def test_each_setting_refuses_a_bad_value_in_one_line(name: str, value: str) -> None:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set(name, value, priority="cmdline")
    with pytest.raises(SettingError) as caught:
        check_settings(settings)
    assert str(caught.value).startswith(f"-s {name}={value!r}: ") and "\n" not in str(caught.value)


def test_the_project_settings_pass() -> None:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    assert set(check_settings(settings)) == {n for n in dir(project_settings) if n.startswith("TEMPO_")}


@pytest.mark.parametrize(("default", "good", "bad"), [
    (True, "false", "perhaps"), (3, "12", "1.5"), (0.5, "2.5", "half"), (["a"], "a,b", None),
    ({"title": 0.9}, '{"body": 1}', "[1]"), ("", "anything", None),
])
def test_a_setting_not_declared_is_checked_by_its_defaults_type(monkeypatch: pytest.MonkeyPatch, default: object,
                                                                 good: str, bad: str | None) -> None:
    """A TEMPO_* setting another change adds to settings.py is checked before it is declared in config.py."""
    monkeypatch.setattr(project_settings, "TEMPO_NEW_THING", default, raising=False)
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("TEMPO_NEW_THING", good, priority="cmdline")
    check_settings(settings)
    if bad is not None:
        settings.set("TEMPO_NEW_THING", bad, priority="cmdline")
        with pytest.raises(SettingError, match=r"^-s TEMPO_NEW_THING="):
            check_settings(settings)
    settings.set("TEMPO_NEW_THING", good, priority="cmdline")
    settings.set("TEMPO_NEW_THINGS", good, priority="cmdline")
    with pytest.raises(SettingError, match="unknown setting; did you mean -s TEMPO_NEW_THING="):
        check_settings(settings)


def test_good_values_of_every_kind_pass(tmp_path: Path) -> None:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.setdict({"TEMPO_BASE_URL": "http://127.0.0.1:8765", "TEMPO_SOURCES": "api,rss", "TEMPO_SECTIONS":
                      "internasional,dunia", "TEMPO_VALIDATE_SCHEMA": "True", "TEMPO_STATE_MODE": "OFF",
                      "TEMPO_OUTPUT": str(tmp_path / "%(name)s-%(run_stamp)s.jsonl"), "TEMPO_LOCK_BUSY_EXIT": "75",
                      "TEMPO_LEGACY_RSS_URL": "https://rss.tempo.co/dunia"}, priority="cmdline")
    checked = check_settings(settings)
    assert checked["TEMPO_SOURCES"] == ["api", "rss"] and checked["TEMPO_STATE_MODE"] == "off"
