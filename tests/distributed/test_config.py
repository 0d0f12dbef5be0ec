"""The switch and what it must not do (tempo_crawler/distributed/config.py, addon.py): a password never printed,
bad URLs and misplaced arguments as one-line usage errors, and no Redis import at all without the setting."""

from __future__ import annotations

import pprint
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from tempo_crawler.arguments import ArgumentError
from tempo_crawler.distributed.addon import Distributed
from tempo_crawler.distributed.config import (
    ConfigError,
    SecretURL,
    check_run,
    check_url,
    plain,
    redact,
    worker_name,
)
from tests.support.crawl import ROOT

URL = "redis://:hunter2-secret@10.0.0.5:6379/2"


def test_a_secret_url_prints_without_its_password_and_connects_with_it() -> None:
    secret = SecretURL(URL)
    logged = "%s" % secret   # noqa: UP031 - how logging formats its arguments
    shown = [repr(secret), str(secret), f"{secret}", logged, pprint.pformat({"TEMPO_REDIS_URL": secret})]
    assert all("hunter2" not in text and ":***@10.0.0.5" in text for text in shown), shown
    assert plain(secret) == URL and type(plain(secret)) is str
    assert redact("redis://user:pw@host:1/0") == "redis://user:***@host:1/0"
    assert redact("redis://host:1/0") == "redis://host:1/0"


@pytest.mark.parametrize(("url", "message"), [
    ("http://:hunter2-secret@host:1/0", r"expected redis://\[:password@\]host:port/db"),
    ("redis://:hunter2-secret@host:1/zero", "the database must be a number"),
    ("redis://:hunter2-secret@host:port/0", "not a URL"),
    ("redis://:hunter2-secret@:1/0", "no host"),
])
def test_bad_urls_are_usage_errors_that_never_show_the_password(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        check_url(url)
    assert "hunter2" not in str(info.value) and isinstance(info.value, ArgumentError)


def test_worker_names_are_safe_in_file_names_and_keys() -> None:
    assert worker_name("crawler-01.example") == "crawler-01.example"
    assert worker_name("a b/c:d") == "a_b_c_d"
    assert worker_name("../..") == "worker"


def test_the_addon_switches_nothing_on_without_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEMPO_REDIS_URL", raising=False)
    with pytest.raises(NotConfigured):
        Distributed.from_crawler(SimpleNamespace(settings=Settings({"TEMPO_REDIS_URL": ""})))
    monkeypatch.setenv("TEMPO_REDIS_URL", URL)   # the environment variable is the same switch
    addon = Distributed.from_crawler(SimpleNamespace(settings=Settings({"TEMPO_REDIS_URL": ""})))
    settings = Settings({"TEMPO_REDIS_URL": ""})
    addon.update_settings(settings)
    assert settings["SCHEDULER"].endswith("SharedScheduler") and plain(settings["REDIS_URL"]) == URL
    assert "hunter2" not in repr(settings["TEMPO_REDIS_URL"])


def test_worker_and_role_need_the_url_and_the_url_needs_the_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEMPO_REDIS_URL", raising=False)
    with pytest.raises(ArgumentError, match="only for distributed runs"):
        check_run(Settings(), {"worker": "w1"})
    assert check_run(Settings(), {}) is False
    assert check_run(Settings({"TEMPO_REDIS_URL": URL}), {"worker": "w1", "role": "seed"}) is True
    with pytest.raises(ArgumentError, match="drop -o/-O"):
        check_run(Settings({"TEMPO_REDIS_URL": URL, "FEEDS": {"items.json": {"format": "json"}}}), {})
    with pytest.raises(ArgumentError, match="drop -o/-O"):
        check_run(Settings({"TEMPO_REDIS_URL": URL, "TEMPO_STATE_MODE": "off"}), {})
    monkeypatch.setenv("TEMPO_REDIS_URL", "redis://:hunter2-secret@host:port/0")   # the environment variable
    with pytest.raises(ConfigError, match="not a URL") as info:
        check_run(Settings(), {})
    assert "hunter2" not in str(info.value)


def test_a_run_on_one_machine_imports_no_redis() -> None:
    """What `scrapy crawl world` loads without TEMPO_REDIS_URL: settings, add-ons, spider, pipelines, extensions,
    the lifecycle and its store, the state command."""
    code = """
import os, sys
os.environ.pop("TEMPO_REDIS_URL", None)
from scrapy.utils.project import get_project_settings
from scrapy.utils.misc import load_object
settings = get_project_settings()
import tempo_crawler.spiders.world, tempo_crawler.commands.state, tempo_crawler.state.run
for group in ("ITEM_PIPELINES", "EXTENSIONS", "SPIDER_MIDDLEWARES", "DOWNLOADER_MIDDLEWARES", "ADDONS"):
    for path in settings.getdict(group):
        load_object(path)
from tempo_crawler.distributed.addon import Distributed
from types import SimpleNamespace
try:
    Distributed.from_crawler(SimpleNamespace(settings=settings))
except Exception as exc:
    print(type(exc).__name__)
print(sorted(m for m in sys.modules if m.split(".")[0] in ("redis", "scrapy_redis")))
"""
    env = {k: v for k, v in __import__("os").environ.items() if k != "TEMPO_REDIS_URL"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["NotConfigured", "[]"], out.stdout


def test_an_unreachable_redis_refuses_the_run_in_one_line(tmp_path: Path) -> None:
    """Nothing listens on port 9: one ERROR line naming Redis (password masked) and the cause, exit 1, nothing
    fetched, no traceback."""
    from tests.support.crawl import run_crawl

    result = run_crawl("http://127.0.0.1:9", tmp_path, use_output=False,
                       env={"TEMPO_REDIS_URL": "redis://:hunter2-secret@127.0.0.1:9/0"})   # the environment variable
    log = result.log
    assert result.returncode == 1, log[-3000:]
    said = "Redis at redis://:***@127.0.0.1:9/0: cannot reach Redis (ConnectionError: "
    assert [line for line in log.splitlines() if "ERROR" in line and said in line], log[-3000:]
    assert f"tempo_crawler: exit 1: {said}" in log
    assert "hunter2" not in log and "Traceback" not in log
    assert result.stats["finish_reason"] == "state_unavailable" and not result.stats.get("tempo/responses_ok")
    assert not (tmp_path / "output").exists() or not list((tmp_path / "output").glob("world-*"))
