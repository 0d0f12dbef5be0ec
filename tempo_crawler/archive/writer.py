"""Rolling WARC files, one gzip member per record, safe against ``kill -9``.

Files are named ``<prefix>-<UTC day>-<serial>.warc.gz``. A writer appends to ``….warc.gz.open`` while it holds
an ``flock`` on it (the kernel drops the lock when the process dies, however it dies), and renames it to
``….warc.gz`` when it closes it: at the end of the run, when it reaches ``max_bytes``, or when the UTC day
changes. A new writer continues today's newest closed file while it is under ``max_bytes`` (one file a day,
not one per cron run). Each call of :meth:`ArchiveWriter.write` appends whole gzip members with one ``write``:
a killed writer leaves at most one torn member at the end of its ``.open`` file, which the next start cuts
(:mod:`.repair`). Files are fsynced when closed.
"""

from __future__ import annotations

import fcntl
import io
import os
import re
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from warcio.warcwriter import WARCWriter

from tempo_crawler.archive import CLOSED, OPEN
from tempo_crawler.files import fsync_dir

WARC_VERSION = "1.1"


def serialise(record: Any) -> bytes:
    """One WARC record as one gzip member."""
    buf = io.BytesIO()
    WARCWriter(buf, gzip=True, warc_version=WARC_VERSION).write_record(record)
    return buf.getvalue()


def record_factory() -> WARCWriter:
    """A warcio writer used only to build records (``create_warc_record`` computes the digests)."""
    return WARCWriter(io.BytesIO(), gzip=True, warc_version=WARC_VERSION)


def lock_nowait(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class ArchiveWriter:
    """Append records to the current ``.open`` file of ``directory``; see the module doc."""

    def __init__(self, directory: Path, prefix: str, max_bytes: int,
                 warcinfo: Callable[[str], Any] | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.directory = Path(directory)
        self.prefix = re.sub(r"[^A-Za-z0-9_]+", "_", prefix) or "archive"
        self.max_bytes = max(1, max_bytes)
        self.warcinfo = warcinfo     # builds the warcinfo record that starts a new file (given its name)
        self.clock = clock
        self.fd: int | None = None
        self.path: Path | None = None   # the .open file being written
        self.day = ""
        self.size = 0
        self.closed: list[Path] = []    # files this writer closed

    # -- files ---------------------------------------------------------------------------------
    def _stem(self, day: str, serial: int) -> str:
        return f"{self.prefix}-{day}-{serial:04d}"

    def _serials(self, day: str) -> list[int]:
        pattern = re.compile(rf"^{re.escape(self.prefix)}-{day}-(\d{{4,}})(?:{re.escape(CLOSED)}|{re.escape(OPEN)})$")
        found = []
        if self.directory.is_dir():
            for p in self.directory.iterdir():
                m = pattern.match(p.name)
                if m:
                    found.append(int(m.group(1)))
        return sorted(found)

    def _reopen(self, stem: str) -> bool:
        """Take over today's closed file ``stem`` to append to it (False: gone, busy or full)."""
        closed, opened = self.directory / f"{stem}{CLOSED}", self.directory / f"{stem}{OPEN}"
        try:
            fd = os.open(closed, os.O_WRONLY | os.O_APPEND)
        except FileNotFoundError:
            return False
        if not lock_nowait(fd) or not same_file(fd, closed) or os.fstat(fd).st_size >= self.max_bytes:
            os.close(fd)
            return False
        try:
            os.link(closed, opened)
        except FileExistsError:
            os.close(fd)
            return False
        os.unlink(closed)
        fsync_dir(self.directory)
        self.fd, self.path, self.size = fd, opened, os.fstat(fd).st_size
        return True

    def _create(self, stem: str) -> bool:
        """A new ``.open`` file, locked before it appears under its name (False: the name is taken)."""
        opened = self.directory / f"{stem}{OPEN}"
        tmp = self.directory / f".{stem}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
        lock_nowait(fd)
        try:
            os.link(tmp, opened)
        except FileExistsError:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            return False
        tmp.unlink()
        fsync_dir(self.directory)
        self.fd, self.path, self.size = fd, opened, 0
        if self.warcinfo is not None:
            self._append(serialise(self.warcinfo(f"{stem}{CLOSED}")))
        return True

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        day = self.clock().strftime("%Y%m%d")
        serials = self._serials(day)
        last = serials[-1] if serials else 0
        if last and self._reopen(self._stem(day, last)):
            self.day = day
            return
        serial = last + 1
        while not self._create(self._stem(day, serial)):
            serial += 1
        self.day = day

    def _append(self, data: bytes) -> None:
        assert self.fd is not None
        _write_all(self.fd, data)
        self.size += len(data)

    # -- records -------------------------------------------------------------------------------
    def prepare(self) -> Path:
        """The ``.open`` file the next :meth:`write` appends to (closing a full or yesterday's file first)."""
        if self.fd is not None and (self.size >= self.max_bytes or self.clock().strftime("%Y%m%d") != self.day):
            self.close()
        if self.fd is None:
            self._open()
        assert self.path is not None
        return self.path

    def write(self, records: list[Any]) -> list[tuple[Path, int, int]]:
        """Append ``records`` (warcio records) together; (final file name, offset, length) of each."""
        members = [serialise(r) for r in records]
        self.prepare()
        assert self.path is not None
        final = self.path.with_name(self.path.name[: -len(OPEN)] + CLOSED)
        places, offset = [], self.size
        for m in members:
            places.append((final, offset, len(m)))
            offset += len(m)
        self._append(b"".join(members))
        return places

    def close(self) -> Path | None:
        """fsync, rename to the closed name, unlock. The closed file's path (None: nothing open)."""
        if self.fd is None or self.path is None:
            return None
        fd, opened = self.fd, self.path
        self.fd, self.path = None, None
        final = opened.with_name(opened.name[: -len(OPEN)] + CLOSED)
        try:
            os.fsync(fd)
            os.rename(opened, final)
            fsync_dir(final.parent)
        finally:
            os.close(fd)
        self.closed.append(final)
        return final
