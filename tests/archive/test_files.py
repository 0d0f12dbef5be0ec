"""The archive's files: writer (rolling, reopening, names), reader (torn and damaged bytes), repair, retention."""

from __future__ import annotations

import fcntl
import io
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders

from tempo_crawler.archive import CLOSED, OPEN, QUARANTINE
from tempo_crawler.archive.reader import Member, Problem, members, parse
from tempo_crawler.archive.records import quarantine_mark
from tempo_crawler.archive.repair import repair
from tempo_crawler.archive.retention import apply as apply_retention
from tempo_crawler.archive.writer import ArchiveWriter, record_factory

FACTORY = record_factory()
T0 = datetime(2026, 5, 1, 10, 0, tzinfo=timezone.utc)


def page(url: str, body: bytes, status: str = "200 OK") -> object:
    http = StatusAndHeaders(status, [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    return FACTORY.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def warcio_records(path: Path) -> list[tuple[str, str | None, bytes]]:
    """(type, target URI, payload) of every record, read by warcio alone."""
    with open(path, "rb") as fh:
        return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                for r in ArchiveIterator(fh)]


def test_writer_appends_whole_records_and_closes_by_renaming(tmp_path: Path) -> None:
    w = ArchiveWriter(tmp_path, "world", 10_000_000, clock=Clock(T0))
    places = w.write([page("http://x/a", b"<p>a</p>"), page("http://x/b", b"<p>b</p>")])
    assert [p.name for p in tmp_path.iterdir()] == ["world-20260501-0001" + OPEN]
    assert places[0][0].name == "world-20260501-0001" + CLOSED and places[0][1] == 0
    assert places[1][1] == places[0][2]       # the second record starts where the first ends
    closed = w.close()
    assert closed == tmp_path / ("world-20260501-0001" + CLOSED)
    assert [p.name for p in tmp_path.iterdir()] == [closed.name]
    assert warcio_records(closed) == [("response", "http://x/a", b"<p>a</p>"), ("response", "http://x/b", b"<p>b</p>")]


def test_next_writer_continues_todays_file_until_it_is_full_then_rolls(tmp_path: Path) -> None:
    clock = Clock(T0)
    first = ArchiveWriter(tmp_path, "world", 3000, clock=clock)
    first.write([page("http://x/1", b"one")])
    first.close()
    second = ArchiveWriter(tmp_path, "world", 3000, clock=clock)
    second.write([page("http://x/2", b"two")])        # appended to 0001 (under 3000 bytes)
    second.write([page("http://x/3", os.urandom(4000))])
    second.write([page("http://x/4", b"four")])       # 0001 is past 3000 bytes: closed, 0002 started
    second.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["world-20260501-0001" + CLOSED, "world-20260501-0002" + CLOSED]
    assert [u for _, u, _ in warcio_records(tmp_path / names[0])] == ["http://x/1", "http://x/2", "http://x/3"]
    assert [u for _, u, _ in warcio_records(tmp_path / names[1])] == ["http://x/4"]


def test_a_new_utc_day_starts_a_new_file(tmp_path: Path) -> None:
    clock = Clock(T0)
    w = ArchiveWriter(tmp_path, "world", 10_000_000, clock=clock)
    w.write([page("http://x/1", b"one")])
    clock.now = T0 + timedelta(days=1)
    w.write([page("http://x/2", b"two")])
    w.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["world-20260501-0001" + CLOSED,
                                                          "world-20260502-0001" + CLOSED]


def test_a_file_held_by_a_live_writer_is_neither_reopened_nor_repaired(tmp_path: Path) -> None:
    clock = Clock(T0)
    live = ArchiveWriter(tmp_path, "world", 10_000_000, clock=clock)
    live.write([page("http://x/1", b"one")])
    other = ArchiveWriter(tmp_path, "world", 10_000_000, clock=clock)
    other.write([page("http://x/2", b"two")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["world-20260501-0001" + OPEN, "world-20260501-0002" + OPEN]
    found = repair(tmp_path)       # both are held (flock per open file, also within one process)
    assert found.files == [] and len(found.busy) == 2
    live.close()
    other.close()


def _cut_inside_last_record(path: Path) -> int:
    """Truncate ``path`` in the middle of its last gzip member (what a kill during the write leaves); the
    member's offset."""
    offsets = [m.offset for m in members(path) if isinstance(m, Member)]
    size = path.stat().st_size
    last = offsets[-1]
    os.truncate(path, last + (size - last) // 2)
    return last


def test_reader_reports_a_torn_last_record_and_reads_every_complete_one(tmp_path: Path) -> None:
    w = ArchiveWriter(tmp_path, "world", 10_000_000, clock=Clock(T0))
    w.write([page(f"http://x/{i}", f"body {i}".encode() * 50) for i in range(3)])
    w.close()
    path = next(tmp_path.iterdir())
    torn_at = _cut_inside_last_record(path)
    found = list(members(path))
    assert [parse(m).rec_headers.get_header("WARC-Target-URI") for m in found if isinstance(m, Member)] == \
        ["http://x/0", "http://x/1"]
    problems = [p for p in found if isinstance(p, Problem)]
    assert len(problems) == 1 and problems[0].offset == torn_at and problems[0].tail
    assert f"offset {torn_at}" in str(problems[0]) and path.name in str(problems[0])


def test_reader_skips_damaged_bytes_in_the_middle_and_names_them(tmp_path: Path) -> None:
    w = ArchiveWriter(tmp_path, "world", 10_000_000, clock=Clock(T0))
    w.write([page(f"http://x/{i}", f"body {i}".encode() * 50) for i in range(3)])
    w.close()
    path = next(tmp_path.iterdir())
    offsets = [m.offset for m in members(path) if isinstance(m, Member)]
    data = bytearray(path.read_bytes())
    data[offsets[1] + 20: offsets[1] + 40] = b"\x00" * 20          # the second record's compressed bytes
    path.write_bytes(bytes(data))
    found = list(members(path))
    urls = [parse(m).rec_headers.get_header("WARC-Target-URI") for m in found if isinstance(m, Member)]
    problems = [p for p in found if isinstance(p, Problem)]
    assert urls == ["http://x/0", "http://x/2"]
    assert [(p.offset, p.length, p.tail) for p in problems] == [(offsets[1], offsets[2] - offsets[1], False)]


def test_repair_cuts_a_dead_writers_torn_record_and_closes_its_file(tmp_path: Path) -> None:
    w = ArchiveWriter(tmp_path, "world", 10_000_000, clock=Clock(T0))
    w.write([page(f"http://x/{i}", f"body {i}".encode() * 50) for i in range(3)])
    opened = w.path
    assert opened is not None
    os.close(w.fd)              # the writer "dies": its lock goes with its file descriptor
    torn_at = _cut_inside_last_record(opened)
    (tmp_path / ".world-20260501-0009.4242.tmp").write_bytes(b"")   # a half-created file
    found = repair(tmp_path)
    closed = tmp_path / ("world-20260501-0001" + CLOSED)
    assert found.files == [closed] and found.records == 2 and [p.offset for p in found.cut] == [torn_at]
    assert sorted(p.name for p in tmp_path.iterdir()) == [closed.name]
    assert closed.stat().st_size == torn_at
    assert [u for _, u, _ in warcio_records(closed)] == ["http://x/0", "http://x/1"]
    assert all(isinstance(m, Member) for m in members(closed))


def test_quarantine_mark_refers_to_the_response_record(tmp_path: Path) -> None:
    w = ArchiveWriter(tmp_path, "world", 10_000_000, clock=Clock(T0))
    response = page("http://x/odd", b"<html>odd</html>")
    w.write([response])
    rid = response.rec_headers.get_header("WARC-Record-ID")
    w.write([quarantine_mark("http://x/odd", rid, "no known layout", T0)])
    path = w.close()
    assert path is not None
    with open(path, "rb") as fh:
        meta = [r for r in ArchiveIterator(fh) if r.rec_type == "metadata"]
    assert len(meta) == 1 and meta[0].rec_headers.get_header("WARC-Refers-To") == rid
    assert meta[0].rec_headers.get_header(QUARANTINE) == "no known layout"


def test_retention_removes_only_closed_files_older_than_the_setting(tmp_path: Path) -> None:
    old, new, still_open = (tmp_path / ("world-20260101-0001" + CLOSED), tmp_path / ("world-20260430-0001" + CLOSED),
                            tmp_path / ("world-20260101-0002" + OPEN))
    for p in (old, new, still_open):
        p.write_bytes(b"")
    forty_days_ago = time.time() - 40 * 86400
    os.utime(old, (forty_days_ago, forty_days_ago))
    os.utime(still_open, (forty_days_ago, forty_days_ago))
    assert apply_retention(tmp_path, 0) == []                  # 0: keep everything
    assert apply_retention(tmp_path, 30) == [old]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([new.name, still_open.name])


def test_flock_is_what_marks_a_live_writer(tmp_path: Path) -> None:
    """The repair's test for a dead writer is the flock: a held lock on another descriptor blocks it."""
    path = tmp_path / ("world-20260501-0001" + OPEN)
    path.write_bytes(b"")
    fd = os.open(path, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert repair(tmp_path).busy == [path]
    finally:
        os.close(fd)
    assert repair(tmp_path).files == [tmp_path / ("world-20260501-0001" + CLOSED)]
