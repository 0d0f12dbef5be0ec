"""Unit tests of the cron state: the seen-store (keys, content key, versions), the incremental rules, the
run lock, and the exactly-once file writer's repair + reconcile (tempo_crawler/state/, exporters/jsonl.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tempo_crawler.exporters.jsonl import DurableJsonLines
from tempo_crawler.files import free_name
from tempo_crawler.files import repair_jsonl as repair
from tempo_crawler.identity import mapping_key as item_key
from tempo_crawler.state.incremental import decide
from tempo_crawler.state.lock import LockBusy, RunLock
from tempo_crawler.state.recovery import recover
from tempo_crawler.state.store import SeenStore

ROOT = Path(__file__).resolve().parents[2]
B_URL = "https://www.tempo.co/internasional/presiden-fiktif-bertemu-delegasi--1234567"


def article(aid: str = "1234567", url: str = B_URL, title: str = "Presiden Fiktif Bertemu Delegasi",
            body: list[str] | None = None, **extra: object) -> dict:
    item = {"id": aid, "url": url, "layout": "B", "title": title, "lead": "Ringkasan.",
            "published_at": "2025-06-01T10:00:00+07:00", "modified_at": None, "dateline": "Jakarta",
            "body": ["Paragraf satu.", "Paragraf dua."] if body is None else body, "tags": ["a"], "related": [],
            "crawled_at": "2026-11-22T00:00:00+00:00", "version": 1, "first_seen": None, "revised_at": None}
    item.update(extra)
    return item


@pytest.fixture
def store(tmp_path: Path) -> SeenStore:
    s = SeenStore(tmp_path / "state" / "world.sqlite")
    yield s
    s.close()


# ---------------------------------------------------------------- keys

def test_every_url_form_of_an_article_is_one_key(store: SeenStore) -> None:
    forms = ["https://dunia.tempo.co/read/1879931/nato-setujui-bantuan",
             "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan/full&view=ok",
             "https://dunia.tempo.co/amp/1879931/nato-setujui-bantuan",
             "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan?page_num=2",
             "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan?utm_source=x&utm_medium=y"]
    store.record(article(aid="1879931", url=forms[0]))
    store.commit()
    for url in forms:
        assert item_key({"url": url}) == "a:1879931"
        assert store.find([item_key({"url": url})]) is not None, url
    assert item_key({"url": None, "id": "77"}) == "id:77"


# ---------------------------------------------------------------- verdicts and versions

def test_new_unchanged_revised_and_versions(store: SeenStore) -> None:
    first = article()
    assert store.classify(first).kind == "new"
    day1, day3 = "2026-11-01T00:00:00+00:00", "2026-11-03T00:00:00+00:00"
    rid = store.record({**first, "version": 1, "first_seen": day1}, now=day1)
    store.commit()
    again = store.classify(article(crawled_at="2026-11-02T00:00:00+00:00"))
    assert again.kind == "unchanged" and again.record.rid == rid and again.record.version == 1
    edited = article(body=["Paragraf satu.", "Paragraf dua, kini dengan koreksi."])
    verdict = store.classify(edited)
    assert verdict.kind == "revised" and verdict.record.version == 1
    store.record({**edited, "version": 2, "first_seen": verdict.record.first_seen, "revised_at": day3}, now=day3)
    store.commit()
    rec = store.find([item_key(edited)])
    assert (rec.rid, rec.version, rec.first_seen, rec.revised_at) == (rid, 2, day1, day3)
    assert store.classify(edited).kind == "unchanged"
    assert store.classify(first).kind == "revised"  # going back to the old text is a change too


def test_same_story_under_another_id_is_a_duplicate(store: SeenStore) -> None:
    store.record(article(aid="1879931", url="https://dunia.tempo.co/read/1879931/presiden-fiktif"))
    twin = article()  # b:1234567, same title and body
    verdict = store.classify(twin)
    assert verdict.kind == "duplicate" and verdict.record.canonical_key == "a:1879931"
    store.touch(verdict.record.rid, [item_key(twin)])
    assert store.find([item_key(twin)]).canonical_key == "a:1879931"


def test_requested_url_keys_unite_with_the_canonical_one(store: SeenStore) -> None:
    # requested the old-site URL, the page's rel=canonical named the new-site one
    store.record(article(), keys=["a:1879931"])
    store.commit()
    assert store.find(["a:1879931"]).canonical_key == "b:1234567"
    assert sorted(store.keys_of(store.find(["b:1234567"]).rid)) == ["a:1879931", "b:1234567"]


def test_uncommitted_records_vanish_and_the_file_is_closed_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    s = SeenStore(path)
    s.record(article())
    s.close()  # no commit: as if killed between the line's fsync and the commit
    s = SeenStore(path)
    assert s.find(["b:1234567"]) is None
    s.close()


# ---------------------------------------------------------------- incremental rules

def rec(store: SeenStore, **fields: object):
    store.record(article(**fields))
    store.commit()
    return store.find(["b:1234567"])


def test_decide(store: SeenStore) -> None:
    now = datetime(2026, 11, 22, tzinfo=timezone.utc)
    window = timedelta(hours=48)
    old = rec(store)  # published 2025-06-01
    kw = {"now": now, "window": window}
    assert decide(None, published_at=None, lastmod=None, **kw) == (True, "new")
    assert decide(old, published_at="2025-06-01T10:00:00+07:00", lastmod=None, **kw) == (False, "unchanged")
    assert decide(old, published_at=None, lastmod="2025-06-01T10:00:00+07:00", **kw) == (False, "unchanged")
    assert decide(old, published_at=None, lastmod="2025-07-01T10:00:00+07:00", **kw) == (True, "lastmod")
    assert decide(old, published_at=None, lastmod=None, full=True, **kw) == (True, "full")
    fresh = rec(store, published_at="2026-11-21T10:00:00+07:00")
    assert decide(fresh, published_at=None, lastmod=None, **kw) == (True, "fresh")
    assert decide(fresh, published_at=None, lastmod=None, now=now, window=timedelta(hours=1)) == (False, "unchanged")
    # once a listing's lastmod was recorded at a fetch, the same lastmod does not trigger again
    store.touch(fresh.rid, listing_lastmod="2026-11-21T12:00:00+07:00")
    seen = store.find(["b:1234567"])
    assert decide(seen, published_at=None, lastmod="2026-11-21T12:00:00+07:00", now=now,
                  window=timedelta(hours=1)) == (False, "unchanged")


def test_coverage_complete_only_after_a_finished_complete_listing_run(store: SeenStore) -> None:
    assert not store.coverage_complete()
    store.begin_run("r1", "f1", pid=1)
    assert not store.coverage_complete()
    store.end_run("r1", status="finished", reason="finished", complete=True, exported=3, file="f1")
    store.set_coverage("r1", {"api": True, "indeks": False})   # indeks had an error
    store.commit()
    assert store.coverage_complete() and store.covered_sources() == {"api"}
    store.begin_run("r2", None, pid=2, listing=False)  # explicit URLs: coverage unchanged
    store.end_run("r2", status="finished", reason="finished", complete=True, exported=0, file=None)
    assert store.coverage_complete()
    store.begin_run("r3", "f3", pid=3)  # killed: stays "running"
    assert not store.coverage_complete() and store.covered_sources() == set()


# ---------------------------------------------------------------- the lock

def test_lock_is_exclusive_and_dies_with_its_holder(tmp_path: Path) -> None:
    path = tmp_path / "world.sqlite"
    store = SeenStore(path)
    store.begin_run("r1", None, pid=os.getpid())
    store.close()
    with RunLock(path):
        with pytest.raises(LockBusy, match="previous run still active") as info:
            RunLock(path).acquire()
        assert f"pid {os.getpid()} since " in info.value.holder   # the store's running run names the holder
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from tempo_crawler.state.lock import RunLock
        RunLock({str(path)!r}).acquire(); print("held", flush=True); time.sleep(60)""")],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockBusy):
            RunLock(path).acquire(wait=0.3)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    RunLock(path).acquire().release()  # the kernel dropped it with the process


# ---------------------------------------------------------------- the writer, repair and reconcile

def test_writer_publishes_atomically_and_never_clobbers(tmp_path: Path) -> None:
    final = tmp_path / "out" / "world-20261122T000000Z.jsonl"
    w = DurableJsonLines(final)
    w.write(article())
    assert not final.exists() and final.with_name(final.name + ".part").exists()
    w.sync()
    assert w.publish() == final and final.read_text("utf-8").count("\n") == 1
    assert free_name(final).name == "world-20261122T000000Z-2.jsonl"
    other = DurableJsonLines(free_name(final))
    assert other.publish(empty=True).name == "world-20261122T000000Z-2.jsonl"
    assert DurableJsonLines(tmp_path / "none.jsonl").publish(empty=False) is None


def test_repair_cuts_a_partial_line_and_drops_garbage(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl.part"
    good = [json.dumps(article(aid=str(i), url=f"{B_URL[:-7]}{i}")) for i in (1000001, 1000002, 1000003)]
    path.write_bytes(f"{good[0]}\n{good[1]}\n{good[2]}\n".encode() + good[0][:37].encode())
    fixed = repair(path)
    assert (len(fixed.items), fixed.cut_bytes, fixed.bad_lines) == (3, 37, 0)
    assert path.read_text("utf-8") == "".join(g + "\n" for g in good)
    path.write_bytes(f"{good[0]}\n\x00\x00\x00\n[1]\n{good[2]}\n".encode())
    fixed = repair(path)
    assert (len(fixed.items), fixed.bad_lines) == (2, 2)
    assert [json.loads(line)["id"] for line in path.read_text("utf-8").splitlines()] == ["1000001", "1000003"]
    assert repair(path).bad_lines == 0  # idempotent


def test_recover_reconciles_a_killed_runs_truncated_file(tmp_path: Path) -> None:
    """A run wrote 4 lines: 1–2 committed, 3 fsynced but not committed (the crash window), 4 half-written."""
    state = tmp_path / "state.sqlite"
    final = tmp_path / "out" / "world-1.jsonl"
    items = [article(aid=str(i), url=f"{B_URL[:-7]}{i}", title=f"Judul {i}", body=[f"Isi {i}."])
             for i in (2000001, 2000002, 2000003, 2000004)]
    store = SeenStore(state)
    store.begin_run("killed-run", str(final), pid=1)
    w = DurableJsonLines(final)
    for i, item in enumerate(items[:3]):
        w.write({**item, "first_seen": "2026-11-22T00:00:00+00:00"})
        store.record(item, file=str(final))
        if i < 2:
            w.sync()
            store.commit()
    w.sync()
    os.write(w.fd, json.dumps(items[3]).encode()[:50])  # killed mid-line
    os.close(w.fd)   # killed: the file stays as it is
    store.close()  # the uncommitted record of line 3 is lost

    store = SeenStore(state)
    assert store.find(["b:2000003"]) is None
    found = recover(store)
    assert (found.runs, found.lines, found.reconciled, found.cut_bytes) == (1, 3, 1, 50)
    assert found.files == [str(final)] and final.exists() and not final.with_name(final.name + ".part").exists()
    assert [json.loads(line)["id"] for line in final.read_text("utf-8").splitlines()] == ["2000001", "2000002",
                                                                                          "2000003"]
    assert all(store.find([f"b:{i}"]) is not None for i in (2000001, 2000002, 2000003))
    assert store.find(["b:2000004"]) is None  # cut off: not seen, so the next run exports it
    assert store.unfinished_runs() == [] and not store.coverage_complete()
    assert recover(store).runs == 0  # idempotent
    store.close()


def test_store_stays_consistent_when_its_writer_is_killed(tmp_path: Path) -> None:
    """A child exports lines + commits as the pipeline does and is SIGKILLed mid-way: the store opens, passes
    its integrity check, and claims nothing that is not in the file."""
    state, final = tmp_path / "s.sqlite", tmp_path / "o.jsonl"
    code = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from tempo_crawler.exporters.jsonl import DurableJsonLines
        from tempo_crawler.state.store import SeenStore
        s = SeenStore({str(state)!r}); s.begin_run("r", {str(final)!r}, pid=0)
        w = DurableJsonLines(Path({str(final)!r}))
        for i in range(1000000, 1100000):
            item = {{"id": str(i), "url": "https://www.tempo.co/internasional/x-" + str(i), "title": "t" + str(i),
                     "body": ["b" + str(i)], "version": 1}}
            w.write(item); s.record(item); w.sync(); s.commit()
            if i == 1000050: print("go", flush=True)
        """)
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "go"
    time.sleep(0.2)
    child.send_signal(signal.SIGKILL)
    child.wait()
    part = final.with_name(final.name + ".part")
    on_disk = {json.loads(line)["id"] for line in part.read_bytes().split(b"\n")[:-1]}
    store = SeenStore(state)  # quick_check inside
    claimed = {row[0] for row in store.db.execute("SELECT article_id FROM articles")}
    assert len(claimed) > 50 and claimed <= on_disk and len(on_disk - claimed) <= 1
    found = recover(store)
    assert found.reconciled == len(on_disk - claimed)
    assert {row[0] for row in store.db.execute("SELECT article_id FROM articles")} == on_disk
    store.close()


@pytest.mark.parametrize("stop_at", ["rename", "end_run"])
def test_a_kill_during_recovery_is_recovered_the_same_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          stop_at: str) -> None:
    """Recovery killed after its commit but before the rename, or after the rename but before marking the run."""
    import tempo_crawler.state.recovery as recovery

    state, final = tmp_path / "state.sqlite", tmp_path / "out" / "world-1.jsonl"
    store = SeenStore(state)
    store.begin_run("killed-run", str(final), pid=1)
    w = DurableJsonLines(final)
    w.write(article())
    w.sync()
    os.close(w.fd)   # not committed: the line is only in the file
    store.close()

    class Killed(BaseException):
        pass

    def die(*args: object, **kwargs: object) -> None:
        raise Killed

    store = SeenStore(state)
    with monkeypatch.context() as m:
        if stop_at == "rename":
            m.setattr(recovery.os, "rename", die)
        else:
            m.setattr(store, "end_run", die)
        with pytest.raises(Killed):
            recover(store)
    store.close()   # whatever was not committed is gone, as after a kill

    store = SeenStore(state)
    assert store.find(["b:1234567"]) is not None   # the reconcile was committed before the rename
    again = recover(store)
    assert again.runs == 1 and again.reconciled == 0
    assert final.exists() and not final.with_name(final.name + ".part").exists()
    assert len(final.read_text("utf-8").splitlines()) == 1
    assert store.unfinished_runs() == []
    store.close()


def test_runs_record_the_monitors_outcome_also_in_a_store_of_the_first_schema(tmp_path: Path) -> None:
    import sqlite3

    from tempo_crawler.state.store import SCHEMA

    path = tmp_path / "old.sqlite"
    # The runs table as schema version 1 created it: no outcome, no exit_code.
    old_schema = (SCHEMA[:SCHEMA.index(",\n    outcome")] + "\n);"
                  + SCHEMA[SCHEMA.index("\nCREATE TABLE IF NOT EXISTS coverage"):])
    db = sqlite3.connect(path)
    db.executescript(old_schema)
    db.execute("INSERT INTO runs (run_id, started_at, status, exported) VALUES ('old', '2025-01-01', 'finished', 3)")
    db.commit()
    db.close()
    readonly = SeenStore(path, readonly=True)      # `scrapy state show` on a store no crawl has opened since
    assert [(r["run_id"], r["outcome"], r["exit_code"]) for r in readonly.summary()["runs"]] == [("old", None, None)]
    readonly.close()
    store = SeenStore(path)
    store.begin_run("new", None, pid=1)
    store.end_run("new", status="finished", reason="finished", complete=False, exported=0, file=None,
                  outcome="blocked", exit_code=3)
    store.commit()
    runs = store.summary()["runs"]
    store.close()
    assert [(r["run_id"], r["status"], r["outcome"], r["exit_code"]) for r in runs] == [
        ("new", "finished", "blocked", 3), ("old", "finished", None, None)]
