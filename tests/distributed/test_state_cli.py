"""``scrapy state show|reset|recover`` on the shared store (tempo_crawler/distributed/state_cli.py), run in-process
against a real redis-server: the operator's tools for a worker whose machine died."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.settings import Settings

from tempo_crawler.distributed.claims import Claims
from tempo_crawler.distributed.config import Keys
from tempo_crawler.distributed.session import connect
from tempo_crawler.distributed.state_cli import ClusterState
from tempo_crawler.exporters.jsonl import DurableJsonLines
from tempo_crawler.state.redis_store import RedisStore
from tests.state.test_store import B_URL, article

KEYS = Keys.of({}, "world")


class Command:
    exitcode = 0
    max_attempts = 5
    errors: list[str]

    def __init__(self, settings: Settings | None = None) -> None:
        self.errors = []
        self.settings = settings or Settings()

    def fail(self, message: str) -> None:
        self.errors.append(message)
        self.exitcode = 1


def state(redis_url: str, action: str, settings: Settings | None = None, **opts: Any) -> Command:
    command = Command(settings)
    options = SimpleNamespace(**{"json": False, "worker": None, "lost": False, "force": False, **opts})
    ClusterState(Settings({"TEMPO_REDIS_URL": redis_url}), command).run(action, options, [])
    return command


def dead_worker(redis_url: str, tmp_path: Path) -> tuple[Any, Path, list[dict]]:
    """Worker w9 on another machine died: one line committed, one written but not committed (claimed ``w``),
    one article popped and being fetched (claimed ``f``)."""
    client = connect(redis_url)
    run = "run-w9"
    client.set(KEYS.of_run("alive", run), "w9")
    claims = Claims(client, KEYS, run)
    store = RedisStore(client, KEYS, claims=claims, host="machine-gone", worker="w9")
    final = tmp_path / "world-1-w9.jsonl"
    store.begin_run(run, str(final), pid=1)
    items = [article(aid=str(i), url=f"{B_URL[:-7]}{i}", title=f"Judul {i}", body=[f"Isi {i}."])
             for i in (3000001, 3000002)]
    for n, item in enumerate(items):
        client.zadd(KEYS.queue, {f"Tb:{item['id']}\n{n}".encode(): -10})
    client.zadd(KEYS.queue, {b"Tb:3000003\nthird": -10})
    assert all(claims.pop()[0] for _ in range(3))
    writer = DurableJsonLines(final)
    for n, item in enumerate(items):
        assert store.reserve(item)
        writer.write(item)
        store.record(item, file=str(final))
        writer.sync()
        if n == 0:
            store.commit()
    import os

    os.close(writer.fd)   # killed here
    client.delete(KEYS.of_run("alive", run))
    return client, final, items


def test_recover_a_dead_workers_file_on_another_machine(redis_url: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    client, final, _ = dead_worker(redis_url, tmp_path)
    assert state(redis_url, "recover").exitcode == 0            # this host holds no dead run
    assert "no dead run of host" in capsys.readouterr().out
    assert state(redis_url, "recover", worker="w9").exitcode == 0
    assert "recovered 1 run(s)" in capsys.readouterr().out
    assert final.exists() and len(final.read_text("utf-8").splitlines()) == 2
    reader = RedisStore(client, KEYS)
    assert reader.find(["b:3000001"]) and reader.find(["b:3000002"])    # the uncommitted line counts as exported
    assert client.hlen(KEYS.claims) == 0
    assert client.zrange(KEYS.queue, 0, -1) == [b"Tb:3000003\nthird"]  # what it was fetching goes back
    assert reader.summary()["runs"][0]["status"] == "killed"


def test_a_machine_lost_for_good_gives_its_articles_back(redis_url: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    client, final, _ = dead_worker(redis_url, tmp_path)
    final.with_name(final.name + ".part").unlink()               # its disk is gone
    assert state(redis_url, "recover", worker="w9", lost=True).exitcode == 0
    # the uncommitted article and the one being fetched go back; the committed one was released by its commit
    assert "2 article request(s) back on the shared queue" in capsys.readouterr().out
    assert sorted(client.zrange(KEYS.queue, 0, -1)) == [b"Tb:3000002\n1", b"Tb:3000003\nthird"]
    assert client.hlen(KEYS.claims) == 0
    reader = RedisStore(client, KEYS)
    assert reader.find(["b:3000001"]) and not reader.find(["b:3000002"])   # committed: stays exported


def test_show_and_reset(redis_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client, _, _ = dead_worker(redis_url, tmp_path)
    client.set(KEYS.of_run("alive", "run-live"), "w1")
    client.sadd(KEYS.open, "run-live")
    state(redis_url, "show", json=True)
    info = json.loads(capsys.readouterr().out)
    # w9 holds 3000002 (its URL key and content key, being written) and 3000003 (being fetched)
    assert info["articles"] == 1 and info["running"] == ["run-live"] and info["cluster"]["claims"] == 3
    assert {r["run_id"]: r["alive"] for r in info["cluster"]["open_runs"]} == {"run-live": True, "run-w9": False}
    refused = state(redis_url, "reset")
    assert refused.exitcode == 1 and "workers still running (run-live)" in refused.errors[0]
    client.delete(KEYS.of_run("alive", "run-live"))
    assert state(redis_url, "reset").exitcode == 0
    assert "1 article(s) forgotten" in capsys.readouterr().out
    assert RedisStore(client, KEYS).summary()["articles"] == 0 and client.zcard(KEYS.queue) == 0


def test_show_lists_pending_articles_and_rebuild_text_writes_this_machines_missing_texts(
        redis_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    client = connect(redis_url)
    store = RedisStore(client, KEYS, host=socket.gethostname())
    final = tmp_path / "world-1-w1.jsonl"
    item = article()
    final.write_text(json.dumps(item) + "\n", "utf-8")
    store.record(item, file=str(final))
    store.note_text_missing([item["id"]], "OSError: [Errno 28] No space left on device")
    store.mark_pending("b:7000001", f"{B_URL[:-7]}7000001", source="api", cause="HTTP 503", now="2026-11-01T00:00Z")
    store.commit()
    state(redis_url, "show", json=True)
    info = json.loads(capsys.readouterr().out)
    assert (info["pending"], info["pending_given_up"], info["text_missing"]) == (1, 0, 1)
    assert info["pending_articles"][0]["cause"] == "HTTP 503"
    texts = tmp_path / "text"
    done = state(redis_url, "rebuild-text", settings=Settings({"TEMPO_TEXT_DIR": str(texts)}))
    assert done.exitcode == 0 and "text files written to" in capsys.readouterr().out
    name = f"{item['id']}.txt" if "/read/" in item["url"] else f"b-{item['id']}.txt"   # new-site: b-<id>.txt
    assert [p.name for p in texts.iterdir()] == [name]
    assert RedisStore(client, KEYS, host=socket.gethostname()).texts_missing() == []
