"""The seen-store's file: its tables (``schema.sql``), creating it whole, judging a file before SQLite opens
it, moving an unusable one aside, and reading who runs from it. Part of the SQLite backend of
:mod:`tempo_crawler.state.store` (the only modules that speak SQL).

A new store is built under a temporary name and hard-linked into place, so a store file is never
legitimately empty: an empty, truncated or foreign file at ``TEMPO_STATE_PATH`` is a fault, refused with
:class:`StoreError`, never silently recreated (that would export every article again).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from tempo_crawler.files import fsync_dir

SCHEMA_VERSION = 2   # 2: pending, text_missing, runs.proc_start
SCHEMA = resources.files("tempo_crawler.state").joinpath("schema.sql").read_text("utf-8")
# Columns added to tables after version 1: (table, column, declaration).
MIGRATIONS = [("runs", "outcome", "TEXT"), ("runs", "exit_code", "INTEGER"), ("runs", "proc_start", "TEXT")]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_SIDECARS = ("-wal", "-shm", "-journal")


class StoreError(RuntimeError):
    """The state file cannot be used (empty, truncated, corrupt, newer schema, not a database)."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"state store {path} is unusable: {problem}; `scrapy state reset` moves it aside "
                         f"and starts a new one (every article then counts as new)")
        self.path = path
        self.problem = problem


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a store, judged from the file alone (None: let SQLite check the rest)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(100)
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    if size == 0:
        return "the file is empty (0 bytes)"
    if not head.startswith(_SQLITE_MAGIC):
        return "not an SQLite database (wrong header)"
    if size < 100:
        return f"truncated ({size} bytes)"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    if head[24:28] == head[92:96] and pages and size < pages * page_size:  # the header's own size is valid
        return f"truncated ({size} bytes of {pages * page_size})"
    return None


def init_meta(db: sqlite3.Connection) -> None:
    db.execute("INSERT INTO meta VALUES ('schema_version', ?), ('created_at', ?)", (str(SCHEMA_VERSION), _now()))


def create(path: Path) -> bool:
    """Create an initialised store at ``path`` unless a file is there; True when this call created it (of
    two runs creating it at once, one wins)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    for name in (tmp, *(tmp.with_name(tmp.name + s) for s in _SIDECARS)):
        name.unlink(missing_ok=True)
    db = sqlite3.connect(tmp, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(SCHEMA)
        init_meta(db)
    finally:
        db.close()
    try:
        os.link(tmp, path)
        created = True
    except FileExistsError:
        created = False
    except OSError:  # a filesystem without hard links
        created = not path.exists()
        if created:
            os.rename(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)
    return created


def move_aside(path: Path) -> Path:
    """Rename an unusable store (and its ``-wal``/``-shm``/``-journal``) to ``<name>.bad-<UTC>``; the new name."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target, n = path.with_name(f"{path.name}.bad-{stamp}"), 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.bad-{stamp}-{n}")
    for suffix in ("", *_SIDECARS):
        src = path.with_name(path.name + suffix)
        if src.exists():
            os.rename(src, target.with_name(target.name + suffix))
    fsync_dir(path.parent)
    return target


def running_holder(path: Path) -> str:
    """``pid N since T`` of the newest run the store at ``path`` records as running ('' when unknown)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2.0)
        try:
            row = db.execute("SELECT pid, started_at FROM runs WHERE status='running' ORDER BY rowid DESC "
                             "LIMIT 1").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return ""
    return f"pid {row[0]} since {row[1]}" if row else ""
