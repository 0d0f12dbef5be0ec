"""The seen-store: one SQLite file of every article a cron run has exported, so the next run exports only
what is new or changed.

* An article is a row of ``articles``; ``keys`` maps every key it was reached by to that row: the
  ``article_key`` of the item's canonical ``url``, of the URL that was requested, of every redirect hop
  and of the listing's URL, so ``read/news``, ``amp``, ``full&view=ok``, ``page_num``, tracking queries,
  redirects and ``rel=canonical`` all land on one row. ``id:<id>`` stands in when a URL has no key.
* ``content_keys`` is the second line of defence: the normalised title plus a hash of the normalised
  body. The same story under two ids (an old-site and a new-site copy) is one article.
* ``content_hash`` covers what a reader reads (title, lead, body, image, people, tags, credits…), not
  ``crawled_at``, dates or the related list (its relative times change on every fetch): a new hash is a
  revision, exported again with ``version`` + 1.
* ``runs`` records every stateful run with its output file and process (pid + start time), so a run
  killed mid-way is found and its file reconciled on the next start (:mod:`tempo_crawler.state.recovery`).
* ``pending`` holds the articles a run could not export (fetch failed, parser error, quarantined,
  blocked, cut short): later runs fetch them again, up to ``TEMPO_PENDING_MAX_ATTEMPTS`` failures
  (:mod:`tempo_crawler.state.pending`). Exporting an article, or finding it unchanged, clears it.
* ``text_missing`` holds exported articles whose ``<id>.txt`` could not be written (or may not have been,
  after a kill): the next run writes them from the JSON Lines files.

Integrity: a file that is empty, truncated or not a database is refused (:class:`StoreError`), never
silently recreated; :func:`move_aside` puts it aside for ``scrapy state reset``. A new store is created
complete under a temporary name and linked into place, so a store file is never legitimately empty.

Durability: WAL journal with ``synchronous=FULL`` (a commit is on disk when ``commit()`` returns; WAL with
NORMAL could lose the last commits on power loss, and a lost commit whose lines are in an already
renamed output file would mean a duplicate export). Writes go into one open transaction that the exporter
commits right after it fsynced the matching output lines: the store never claims an article that is not
durably in a file. Not safe for several writers at once: the run lock (:mod:`.lock`) guarantees one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tempo_crawler.state.backend import StoreRules, stored_row
from tempo_crawler.state.rows import Pending, Record, RunRow, Verdict, later, parse_time, utc_now
from tempo_crawler.state.store_file import (
    MIGRATIONS,
    SCHEMA,
    SCHEMA_VERSION,
    StoreError,
    create,
    file_problem,
    init_meta,
    move_aside,
    running_holder,
)
from tempo_crawler.state.store_pending import PendingLists
from tempo_crawler.state.store_runs import RunRecords

__all__ = ["SCHEMA_VERSION", "Pending", "Record", "RunRow", "SeenStore", "StoreError", "Verdict", "create", "later",
           "move_aside", "parse_time", "running_holder", "utc_now"]

_RECORD_COLUMNS = ", ".join(f"a.{name}" for name in Record.__dataclass_fields__)

class SeenStore(PendingLists, RunRecords, StoreRules):
    """The SQLite seen-store (:class:`~tempo_crawler.state.backend.SeenStoreBackend`): articles and their keys
    here; pending articles and text files still to write in :class:`.store_pending.PendingLists`; runs,
    coverage, reset and summary in :class:`.store_runs.RunRecords`; ``classify`` and ``reconcile`` from
    :class:`~tempo_crawler.state.backend.StoreRules`."""

    def __init__(self, path: str | Path, *, synchronous: str = "FULL", check: bool = True,
                 readonly: bool = False) -> None:
        """Open the store at ``path`` (created when there is no file, unless ``readonly``); raises
        :class:`StoreError` for a file that is empty, truncated, corrupt or of a newer schema."""
        self.path = Path(path)
        if not readonly and not self.path.exists():
            create(self.path)
        problem = file_problem(self.path)
        if problem:
            raise StoreError(self.path, problem)
        try:
            if readonly:
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None, timeout=30.0)
                self.db.execute("SELECT count(*) FROM articles").fetchone()
                return
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(f"PRAGMA synchronous={synchronous}")
            self.db.execute("PRAGMA foreign_keys=ON")
            if check:
                result = self.db.execute("PRAGMA quick_check").fetchone()[0]
                if result != "ok":
                    raise StoreError(self.path, f"integrity check failed ({result})")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._abandon()
            raise StoreError(self.path, f"not a usable SQLite database ({exc})") from exc
        except StoreError:
            self._abandon()
            raise

    def _abandon(self) -> None:
        db = getattr(self, "db", None)
        if db is not None:
            db.close()

    def _migrate(self) -> None:
        """Bring the tables up to :data:`SCHEMA_VERSION` (refusing a store of a newer crawler)."""
        has_meta = self.db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        found = self.db.execute("SELECT value FROM meta WHERE name='schema_version'").fetchone() if has_meta else None
        if found is not None and int(found[0]) > SCHEMA_VERSION:
            raise StoreError(self.path, f"schema version {found[0]} is newer than this crawler's ({SCHEMA_VERSION})")
        self.db.executescript(SCHEMA)
        for table, column, declaration in MIGRATIONS:
            if column not in {row[1] for row in self.db.execute(f"PRAGMA table_info({table})")}:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
        if found is None:
            init_meta(self.db)
        elif int(found[0]) < SCHEMA_VERSION:
            self.db.execute("UPDATE meta SET value=? WHERE name='schema_version'", (str(SCHEMA_VERSION),))
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"migrated_from_{found[0]}_at", utc_now()))

    # -- transactions --------------------------------------------------------------------------
    # The connection's own ``in_transaction``, not a flag of ours: SQLite rolls a transaction back by itself
    # on some errors (SQLITE_FULL, SQLITE_IOERR), and a write after that must open a new one, never autocommit.
    def _write(self) -> sqlite3.Connection:
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def commit(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def close(self) -> None:
        """Close without committing: an uncommitted transaction is rolled back (nothing durable claimed)."""
        if getattr(self, "_closed", False):   # closing twice is harmless
            return
        self._closed = True
        try:
            self.rollback()
        finally:
            self.db.close()

    # -- lookups -------------------------------------------------------------------------------
    def _record(self, row: tuple[Any, ...] | None) -> Record | None:
        return Record(*row) if row else None

    def find(self, keys: Iterable[str | None]) -> Record | None:
        wanted = sorted({k for k in keys if k})
        if not wanted:
            return None
        marks = ",".join("?" * len(wanted))
        row = self.db.execute(f"SELECT {_RECORD_COLUMNS} FROM keys k JOIN articles a ON a.rid = k.rid "
                              f"WHERE k.key IN ({marks}) ORDER BY a.version DESC, a.rid LIMIT 1", wanted).fetchone()
        return self._record(row)

    def find_content(self, ckey: str | None) -> Record | None:
        if not ckey:
            return None
        row = self.db.execute(f"SELECT {_RECORD_COLUMNS} FROM content_keys c JOIN articles a ON a.rid = c.rid "
                              "WHERE c.ckey = ?", (ckey,)).fetchone()
        return self._record(row)

    def keys_of(self, rid: int) -> list[str]:
        return [k for (k,) in self.db.execute("SELECT key FROM keys WHERE rid=? ORDER BY key", (rid,))]

    # -- writes (inside the open transaction; the exporter commits after fsync) ----------------
    def _link(self, rid: int, keys: Iterable[str | None], replace: bool) -> None:
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        self._write().executemany(f"{verb} INTO keys (key, rid) VALUES (?, ?)", [(k, rid) for k in set(keys) if k])

    def record(self, item: Mapping[str, Any], keys: Iterable[str | None] = (), *, now: str | None = None,
               file: str | None = None, listing_lastmod: str | None = None) -> int:
        """Store an exported item (its ``version``/``first_seen``/``revised_at`` as exported); returns the row id."""
        own, values = stored_row(item, now=now or utc_now(), file=file)
        keys = [own, *keys]
        db = self._write()
        existing = self.find(keys)
        if existing is not None:
            rid = existing.rid
            values["listing_lastmod"] = later(existing.listing_lastmod, listing_lastmod)
            sets = ", ".join(f"{name} = :{name}" for name in values)
            db.execute(f"UPDATE articles SET {sets} WHERE rid = :rid", {**values, "rid": rid})
        else:
            values["listing_lastmod"] = listing_lastmod
            names = ", ".join(values)
            cur = db.execute(f"INSERT INTO articles ({names}) VALUES ({', '.join(':' + n for n in values)})",
                             values)
            rid = int(cur.lastrowid)
        self._link(rid, keys, replace=True)
        self.clear_pending(keys)
        if values["content_key"]:
            db.execute("INSERT OR REPLACE INTO content_keys (ckey, rid) VALUES (?, ?)", (values["content_key"], rid))
        return rid

    def touch(self, rid: int, keys: Iterable[str | None] = (), *, now: str | None = None,
              listing_lastmod: str | None = None) -> None:
        """The page was fetched again and found unchanged (or a duplicate of this row): remember the visit,
        the listing's lastmod and any new URL forms."""
        db = self._write()
        row = db.execute("SELECT listing_lastmod FROM articles WHERE rid=?", (rid,)).fetchone()
        lastmod = later(row[0] if row else None, listing_lastmod)
        db.execute("UPDATE articles SET last_seen=?, listing_lastmod=? WHERE rid=?", (now or utc_now(), lastmod, rid))
        self._link(rid, keys, replace=False)
        self.clear_pending(keys)

    # -- several writers (distributed runs): one writer here, the run lock ----------------------
    def reserve(self, item: Mapping[str, Any], keys: Iterable[str | None] = ()) -> bool:
        return True

    def release_run(self, run_id: str, *, finished: bool, recovered: Iterable[str] = ()) -> int:
        return 0
