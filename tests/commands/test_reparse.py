"""``scrapy reparse``: a parser change applied to the archive without a request, exported exactly once; a killed
writer's torn record; a corrupt archive; bad arguments."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tempo_crawler.archive import CLOSED, OPEN
from tempo_crawler.archive.index import ArchiveIndex
from tempo_crawler.archive.reader import Member, members
from tempo_crawler.exitcodes import DATA_QUALITY
from tests.replica.server import Replica
from tests.support.crawl import ROOT
from tests.support.cron import CronSite, wait_for

pytestmark = pytest.mark.crawl

# By hand, from the page texts: "Selanjutnya, baca di sini." ("read on here") closes a section of the
# "Top 3 Dunia" round-ups 1754813 (AMP), 181204 and 184093 (B); the other three articles never print it.
READ_ON = "Selanjutnya, baca di sini."
WITH_READ_ON = ("amp/1754813", "b/181204", "b/184093")
WITHOUT = ("a1/1221983", "a2/1570085", "b/1230354")


class Sentinel:
    """A listener on the port the stopped replica used: counts every connection made to it."""

    def __init__(self, port: int) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(2)
        self.sock.close()


def stop_and_watch(replica: Replica) -> Sentinel:
    port = int(replica.origin.rsplit(":", 1)[1])
    replica.stop()
    return Sentinel(port)


def page_urls(replica: Replica, names: tuple[str, ...]) -> str:
    return ",".join(replica.url(replica.site.get_article(n).page_url) for n in names)


def exported(stdout: str) -> list[dict]:
    """The items of the file the reparse names (none when it says it exported nothing)."""
    if "\nnothing exported" in stdout:
        return []
    m = re.search(r"exported \d+ line\(s\) to (\S+)", stdout)
    assert m, stdout
    return [json.loads(line) for line in Path(m.group(1)).read_text("utf-8").splitlines()]


def project_copy(tmp_path: Path, *, chrome: str) -> Path:
    """The project as it would be deployed after a parser fix: ``chrome`` added to the lexicon."""
    copy = tmp_path / "fixed-project"
    shutil.copytree(ROOT / "tempo_crawler", copy / "tempo_crawler", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "scrapy.cfg", copy / "scrapy.cfg")
    lexicon = copy / "tempo_crawler" / "text" / "lexicon.toml"
    text = lexicon.read_text("utf-8")
    assert "exact = [\n" in text
    lexicon.write_text(text.replace("exact = [\n", f"exact = [\n  {json.dumps(chrome)},\n", 1), "utf-8")
    return copy


def test_pages_of_a_disabled_layout_are_quarantined_then_reparsed_once_without_a_request(
        fresh_replica: Replica, tmp_path: Path) -> None:
    cron = CronSite(fresh_replica.origin, tmp_path)
    a1 = ("a1/1221983", "a1/118820297")
    others = ("a2/1570085", "b/1230354", "amp/1753669")
    first = cron.run("-a", "start_urls=" + page_urls(fresh_replica, a1 + others),
                     settings={"TEMPO_LAYOUTS": "A2,AMP,B"})
    assert first.returncode == DATA_QUALITY, first.log[-3000:]   # 2 of 5 pages quarantined: said by the status
    assert sorted(item["layout"] for item in first.items) == ["A2", "AMP", "B"]
    assert first.stats["tempo/quarantined"] == 2 and first.stats["tempo/archive/quarantine_marks"] == 2
    notes = [json.loads(p.read_text("utf-8")) for p in (tmp_path / "run1" / "quarantine").glob("*.json")]
    assert sorted(n["reason"] for n in notes) == ["no known layout among TEMPO_LAYOUTS=A2,AMP,B"] * 2
    assert all(n["archive"]["file"].endswith(CLOSED) and n["archive"]["record_id"] for n in notes)

    sentinel = stop_and_watch(fresh_replica)
    try:
        run = cron.reparse("--quarantined")
        assert run.returncode == 0, run.stderr[-3000:]
        assert "2 article(s) selected" in run.stdout
        assert "0 unchanged, 0 revised, 2 new, 0 still unreadable" in run.stdout
        items = exported(run.stdout)
        expected = {n: json.loads((ROOT / "tests/layouts" / n / "expected.json").read_text("utf-8")) for n in a1}
        assert sorted((i["id"], i["layout"], i["version"], i["title"]) for i in items) == sorted(
            (e["id"], "A1", 1, e["title"]) for e in expected.values())
        everything = cron.reparse()      # the quarantined ones included: exported once, not again
        assert everything.returncode == 0 and "5 unchanged, 0 revised, 0 new" in everything.stdout
        assert exported(everything.stdout) == []
        assert sentinel.connections == 0
    finally:
        sentinel.close()


def test_a_changed_chrome_rule_revises_exactly_the_affected_articles(fresh_replica: Replica, tmp_path: Path) -> None:
    cron = CronSite(fresh_replica.origin, tmp_path / "cron")
    first = cron.run("-a", "start_urls=" + page_urls(fresh_replica, WITH_READ_ON + WITHOUT))
    assert first.returncode == 0 and len(first.items) == 6, first.log[-3000:]
    v1 = {item["id"]: item for item in first.items}
    assert all(READ_ON in v1[i]["body"] for i in ("1754813", "181204", "184093"))

    sentinel = stop_and_watch(fresh_replica)
    try:
        fixed = project_copy(tmp_path, chrome=READ_ON)
        run = cron.reparse(cwd=fixed)
        assert run.returncode == 0, run.stderr[-3000:]
        assert "3 unchanged, 3 revised, 0 new, 0 still unreadable" in run.stdout
        revised = exported(run.stdout)
        assert sorted(item["id"] for item in revised) == ["1754813", "181204", "184093"]
        for item in revised:
            assert item["version"] == 2 and item["revised_at"]
            assert item["body"] == [p for p in v1[item["id"]]["body"] if p != READ_ON]
            assert item["crawled_at"] == v1[item["id"]]["crawled_at"]    # the page's own fetch time
        again = cron.reparse(cwd=fixed)
        assert again.returncode == 0 and "6 unchanged, 0 revised, 0 new" in again.stdout
        assert exported(again.stdout) == []
        assert sentinel.connections == 0
    finally:
        sentinel.close()


def test_reparse_by_id_from_a_revisit_and_a_corrupt_file_named_by_offset(fresh_replica: Replica,
                                                                          tmp_path: Path) -> None:
    cron = CronSite(fresh_replica.origin, tmp_path)
    first = cron.run("-a", "start_urls=" + page_urls(fresh_replica, WITHOUT))
    assert first.returncode == 0 and len(first.items) == 3, first.log[-3000:]
    second = cron.run("-a", "start_urls=" + page_urls(fresh_replica, WITHOUT))   # fetched again, unchanged
    assert second.returncode == 0 and second.stats["tempo/archive/revisits"] == 3, second.log[-3000:]
    fresh_replica.stop()
    [path] = sorted(cron.archive.glob(f"*{CLOSED}"))
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)], capture_output=True, text=True,
                           timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), it.get_record_offset()) for r in it]
    assert [t for t, _, _ in records].count("revisit") == 3
    # damage another article's first capture: 1230354 is then read from its revisit and its own first capture
    damaged = next(offset for t, uri, offset in records if t == "response" and "1230354" not in uri)
    data = bytearray(path.read_bytes())
    data[damaged + 30: damaged + 60] = b"\xff" * 30
    path.write_bytes(bytes(data))
    run = cron.reparse("--id", "1230354")
    assert run.returncode == 1
    assert f"ERROR: corrupt archive: {path}: offset {damaged}:" in run.stderr and "Traceback" not in run.stderr
    assert "1 article(s) selected" in run.stdout and "1 unchanged, 0 revised, 0 new" in run.stdout


def test_a_bad_argument_prints_one_line_and_nothing_else(tmp_path: Path) -> None:
    cron = CronSite("http://127.0.0.1:9", tmp_path)
    run = cron.reparse("--since", "2026-13-01")
    assert run.returncode == 2
    assert run.stderr == "ERROR: --since '2026-13-01': expected YYYY-MM-DD\n" and run.stdout == ""


def in_process(tmp_path: Path, *args: str) -> int:
    """``scrapy reparse`` up to where it would start a crawl (argument and archive checks)."""
    from scrapy.utils.project import get_project_settings

    from tempo_crawler.commands.reparse import Command

    cmd = Command()
    cmd.settings = get_project_settings()
    cmd.settings.set("TEMPO_ARCHIVE_DIR", str(tmp_path / "archive"))
    parser = argparse.ArgumentParser()
    cmd.add_options(parser)
    opts, rest = parser.parse_known_args(list(args))
    cmd.run(rest, opts)
    return cmd.exitcode


@pytest.mark.parametrize(("args", "status", "message"), [
    (["--layout", "C"], 2, "ERROR: --layout 'C': unknown layout; known: "),
    (["--since", "2026-05-02", "--until", "2026-05-01"], 2, "ERROR: --since 2026-05-02 is after --until 2026-05-01"),
    (["world"], 2, "ERROR: unexpected argument 'world'"),
    ([], 1, "ERROR: no archive at "),
])
def test_reparse_refuses_bad_arguments_and_a_missing_archive(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             args: list[str], status: int, message: str) -> None:
    assert in_process(tmp_path, *args) == status
    err = capsys.readouterr().err
    assert err.startswith(message) and len(err.splitlines()) == 1, err


def complete_members(path: Path) -> list[Member]:
    return [m for m in members(path) if isinstance(m, Member)]


def test_a_run_killed_while_archiving_loses_no_complete_record(fresh_replica: Replica, tmp_path: Path) -> None:
    """SIGKILL during a crawl. A kill lands between two writes almost always; what a kill inside a write
    leaves, a prefix of the last record, is made here by cutting the file inside its last record."""
    fresh_replica.site.delay = 0.2
    cron = CronSite(fresh_replica.origin, tmp_path)
    bg = cron.start("-a", "max_items=12", settings={"TEMPO_SOURCES": "sitemap", "CONCURRENT_REQUESTS": "2"})
    open_file = lambda: next(iter(cron.archive.glob(f"*{OPEN}")), None)  # noqa: E731
    # 10 records: past the listing pages the sitemap source starts from (the per-rubric sitemap, /sitemap.xml,
    # its child), so that some article pages are among them
    assert wait_for(lambda: (p := open_file()) is not None and len(complete_members(p)) >= 10,
                    timeout=120, interval=0.1), bg.log
    bg.proc.kill()
    assert bg.wait() == -9
    path = open_file()
    assert path is not None
    offsets = [m.offset for m in complete_members(path)]
    size = path.stat().st_size
    torn_at = offsets[-1]
    os.truncate(path, torn_at + (size - torn_at) // 2)
    with open(path, "rb") as fh:                 # what an independent reader finds before the tear
        prefix = [r.rec_headers.get_header("WARC-Record-ID") for r in ArchiveIterator(io.BytesIO(fh.read(torn_at)))]
    killed_run_items = {json.loads(line)["id"] for f in cron.output.glob("*.part")
                        for line in f.read_text("utf-8").splitlines(keepends=True) if line.endswith("\n")}

    sentinel = stop_and_watch(fresh_replica)
    try:
        run = cron.reparse()
        assert sentinel.connections == 0
    finally:
        sentinel.close()
    assert run.returncode == 0, run.stderr[-3000:]
    assert f"WARNING: {path}: offset {torn_at}: torn record" in run.stderr
    assert f"{len(prefix)} records read" in run.stdout
    assert "0 revised" in run.stdout
    reparsed = {item["id"] for item in exported(run.stdout)}
    assert not reparsed & killed_run_items       # what the killed run exported is not exported again

    with Replica.start(port=int(fresh_replica.origin.rsplit(":", 1)[1])) as again:
        assert again.origin == fresh_replica.origin
        next_run = cron.run("-a", "max_items=1", settings={"TEMPO_SOURCES": "sitemap"})
    assert next_run.returncode == 0, next_run.log[-3000:]
    assert f"torn record cut from {path} at offset {torn_at}" in next_run.log
    assert next_run.stats["tempo/archive/repaired_files"] == 1
    assert not list(cron.archive.glob(f"*{OPEN}"))
    files = sorted(cron.archive.glob(f"*{CLOSED}"))
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *map(str, files)], capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    ids = set()
    for f in files:
        with open(f, "rb") as fh:
            ids |= {r.rec_headers.get_header("WARC-Record-ID") for r in ArchiveIterator(fh)}
    assert set(prefix) <= ids
    after = ArchiveIndex.build(cron.archive)
    assert after.torn == [] and after.problems == [] and after.live == []
