"""Revisit candidates: the ``response`` records of each archive file by (URL, status, rendered), kept in a small
SQLite index next to the files (``.revisits.sqlite``) as the middleware writes them, so a run neither reads the
day's WARC file at start nor keeps a growing dict of every response in memory: one indexed lookup per response.

The index is a cache, never the truth. A row is added after its record was appended to the file, and a
candidate is checked against the file before a revisit refers to it (the record at the row's offset must be a
``response`` with the row's record id): rows a crash left without their record (torn and cut by the repair,
lost with unsynced data), rows of a file removed and created again, and a damaged or missing index only cost
revisits (a full response is written), never a revisit without its payload. Rows of earlier days are dropped
when a run first uses the index (revisits only refer to the file they are in, one file a day). Each row is its
own transaction (WAL, ``synchronous=NORMAL``: a commit is a write, not an fsync), so workers sharing an archive
folder (docs/distributed.md) never hold the index's write lock for long.
"""

from __future__ import annotations

import logging
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path

from warcio.exceptions import ArchiveLoadFailed

from tempo_crawler.archive.reader import read_at
from tempo_crawler.archive.records import Original

logger = logging.getLogger(__name__)

NAME = ".revisits.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS originals (
    file TEXT NOT NULL, uri TEXT NOT NULL, status INTEGER NOT NULL, rendered INTEGER NOT NULL,
    digest TEXT NOT NULL, record_id TEXT NOT NULL, date TEXT NOT NULL, day TEXT NOT NULL,
    offset INTEGER NOT NULL, length INTEGER NOT NULL,
    PRIMARY KEY (file, uri, status, rendered)) WITHOUT ROWID
"""


@dataclass(frozen=True)
class Candidate:
    digest: str
    original: Original
    offset: int
    length: int


class RevisitIndex:
    """``find``/``add`` revisit candidates of the file ``file`` (its name without ``.warc.gz[.open]``)."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / NAME
        self.db: sqlite3.Connection | None = None
        self.broken = False      # the index could not be used: no candidates for the rest of the run

    def _connect(self, day: str) -> sqlite3.Connection | None:
        if self.db is None and not self.broken:
            try:
                self.db = self._open(day)
            except sqlite3.OperationalError as exc:   # busy (another worker), unwritable: not damage
                logger.warning("archive: revisit index %s off for this run (%s)", self.path, exc)
                self.broken = True
            except sqlite3.DatabaseError as exc:
                # A damaged cache: start a new one (this run writes full responses where it would have revisits).
                logger.warning("archive: revisit index %s unusable (%s); starting a new one", self.path, exc)
                try:
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                    self.db = self._open(day)
                except (OSError, sqlite3.DatabaseError) as again:
                    logger.warning("archive: revisit index off for this run (%s)", again)
                    self.broken = True
        return self.db

    def _open(self, day: str) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            db.execute("DELETE FROM originals WHERE day < ?", (day,))
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def find(self, file: str, day: str, uri: str, status: int, rendered: bool) -> Candidate | None:
        db = self._connect(day)
        if db is None:
            return None
        try:
            row = db.execute("SELECT digest, record_id, uri, date, offset, length FROM originals "
                             "WHERE file=? AND uri=? AND status=? AND rendered=?",
                             (file, uri, status, int(rendered))).fetchone()
        except sqlite3.DatabaseError as exc:
            self._off(exc)
            return None
        if row is None:
            return None
        return Candidate(row[0], Original(row[1], row[2], row[3]), row[4], row[5])

    def add(self, file: str, day: str, uri: str, status: int, rendered: bool, candidate: Candidate) -> None:
        db = self._connect(day)
        if db is None:
            return
        o = candidate.original
        try:
            db.execute("INSERT OR REPLACE INTO originals VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (file, uri, status, int(rendered), candidate.digest, o.record_id, o.date, day,
                        candidate.offset, candidate.length))
        except sqlite3.DatabaseError as exc:
            self._off(exc)

    def close(self) -> None:
        if self.db is None:
            return
        db, self.db = self.db, None
        db.close()

    def _off(self, exc: Exception) -> None:
        logger.warning("archive: revisit index %s off for the rest of this run (%s)", self.path, exc)
        self.broken = True
        if self.db is not None:
            try:
                self.db.close()
            finally:
                self.db = None


def holds(path: Path, candidate: Candidate) -> bool:
    """Is the candidate's record at its place in ``path``, a ``response`` with its record id?"""
    try:
        record = read_at(path, candidate.offset, candidate.length)
    except (OSError, ArchiveLoadFailed, ValueError, EOFError, zlib.error):
        return False
    return record.rec_type == "response" and record.rec_headers.get_header("WARC-Record-ID") == \
        candidate.original.record_id
