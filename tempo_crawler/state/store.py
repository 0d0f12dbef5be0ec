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
* ``runs`` records every stateful run with its output file, so a run killed mid-way is found and its
  file reconciled on the next start (:mod:`tempo_crawler.state.recovery`).

Durability: WAL journal with ``synchronous=FULL`` (a commit is on disk when ``commit()`` returns; WAL with
NORMAL could lose the last commits on power loss, and a lost commit whose lines are in an already
renamed output file would mean a duplicate export). Writes go into one open transaction that the exporter
commits right after it fsynced the matching output lines: the store never claims an article that is not
durably in a file. Not safe for several writers at once: the run lock (:mod:`.lock`) guarantees one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tempo_crawler.identity import content_hash, content_key, mapping_key
from tempo_crawler.state.backend import StoreRules

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS articles (
    rid             INTEGER PRIMARY KEY,
    canonical_key   TEXT NOT NULL,      -- article_key of the item's canonical url (or id:<id>)
    url             TEXT,
    article_id      TEXT,
    content_hash    TEXT NOT NULL,
    content_key     TEXT,
    version         INTEGER NOT NULL,
    first_seen      TEXT NOT NULL,      -- UTC, first export
    last_seen       TEXT NOT NULL,      -- UTC, last fetch of the page (exported or found unchanged)
    revised_at      TEXT,               -- UTC, export of the latest revision (NULL for version 1)
    published_at    TEXT,
    modified_at     TEXT,
    listing_lastmod TEXT,               -- newest lastmod a listing announced when the page was fetched
    file            TEXT                -- output file holding the latest version
);
CREATE TABLE IF NOT EXISTS keys (
    key TEXT PRIMARY KEY,
    rid INTEGER NOT NULL REFERENCES articles(rid) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS keys_rid ON keys(rid);
CREATE TABLE IF NOT EXISTS content_keys (
    ckey TEXT PRIMARY KEY,
    rid  INTEGER NOT NULL REFERENCES articles(rid) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,
    pid         INTEGER,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL,          -- running | finished | killed
    reason      TEXT,                   -- Scrapy finish reason, or how a killed run was found
    complete    INTEGER,                -- 1: went through every listing page it should; NULL: explicit URLs only
    exported    INTEGER NOT NULL DEFAULT 0,
    file        TEXT,
    outcome     TEXT,                   -- the monitors' verdict: ok | error | blocked | layout_drift | ...
    exit_code   INTEGER                 -- the exit status `scrapy crawl world` returned (tempo_crawler.exitcodes)
);
CREATE TABLE IF NOT EXISTS coverage (   -- per listing source: did the last run page it to the usual bounds?
    source   TEXT PRIMARY KEY,
    complete INTEGER NOT NULL,
    run_id   TEXT
);
"""


class StoreError(RuntimeError):
    """The state file cannot be used (corrupt, newer schema, not a database)."""


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def parse_time(value: str | None) -> datetime | None:
    """ISO 8601 to an aware datetime (naive values are taken as UTC); None when absent or unreadable."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def later(a: str | None, b: str | None) -> str | None:
    """The later of two ISO times (either may be None)."""
    ta, tb = parse_time(a), parse_time(b)
    if ta is None:
        return b if tb is not None else None
    if tb is None:
        return a
    return b if tb > ta else a


@dataclass
class Record:
    rid: int
    canonical_key: str
    url: str | None
    article_id: str | None
    content_hash: str
    content_key: str | None
    version: int
    first_seen: str
    last_seen: str
    revised_at: str | None
    published_at: str | None
    modified_at: str | None
    listing_lastmod: str | None
    file: str | None


_RECORD_COLUMNS = ", ".join(f"a.{name}" for name in Record.__dataclass_fields__)


@dataclass
class Verdict:
    """What an item is relative to the store: ``new``, ``revised``, ``unchanged`` or ``duplicate``
    (same content as another article, under another key)."""

    kind: str
    record: Record | None = None


class SeenStore(StoreRules):
    """The SQLite seen-store (:class:`~tempo_crawler.state.backend.SeenStoreBackend`); ``classify`` and
    ``reconcile`` come from :class:`~tempo_crawler.state.backend.StoreRules`."""

    def __init__(self, path: str | Path, *, synchronous: str = "FULL", check: bool = True,
                 readonly: bool = False) -> None:
        self.path = Path(path)
        self._in_tx = False
        try:
            if readonly:
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None, timeout=30.0)
                self.db.execute("SELECT count(*) FROM articles").fetchone()
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30.0)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(f"PRAGMA synchronous={synchronous}")
            self.db.execute("PRAGMA foreign_keys=ON")
            if check:
                result = self.db.execute("PRAGMA quick_check").fetchone()[0]
                if result != "ok":
                    raise StoreError(f"{self.path}: integrity check failed ({result})")
            self.db.executescript(SCHEMA)
            self._add_columns()
            found = self.db.execute("SELECT value FROM meta WHERE name='schema_version'").fetchone()
            if found is None:
                self.db.execute("INSERT INTO meta VALUES ('schema_version', ?), ('created_at', ?)",
                                (str(SCHEMA_VERSION), utc_now()))
            elif int(found[0]) > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: schema version {found[0]} is newer than this crawler's "
                                 f"({SCHEMA_VERSION})")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable state database ({exc}); move it aside or "
                             f"`scrapy state reset`") from exc

    def _add_columns(self) -> None:
        """Columns added after schema version 1 (nullable: older crawlers ignore them)."""
        have = {row[1] for row in self.db.execute("PRAGMA table_info(runs)")}
        for name, kind in (("outcome", "TEXT"), ("exit_code", "INTEGER")):
            if name not in have:
                self.db.execute(f"ALTER TABLE runs ADD COLUMN {name} {kind}")

    # -- transactions --------------------------------------------------------------------------
    def _write(self) -> sqlite3.Connection:
        if not self._in_tx:
            self.db.execute("BEGIN IMMEDIATE")
            self._in_tx = True
        return self.db

    def commit(self) -> None:
        if self._in_tx:
            self.db.execute("COMMIT")
            self._in_tx = False

    def rollback(self) -> None:
        if self._in_tx:
            self.db.execute("ROLLBACK")
            self._in_tx = False

    def close(self) -> None:
        """Close without committing: an uncommitted transaction is rolled back (nothing durable claimed)."""
        self.rollback()
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
        now = now or utc_now()
        own = mapping_key(item)
        if own is None:
            raise ValueError("an item without url key and id cannot be stored")
        keys = [own, *keys]
        db = self._write()
        existing = self.find(keys)
        values = dict(canonical_key=own, url=item.get("url"), article_id=item.get("id"),
                      content_hash=content_hash(item), content_key=content_key(item),
                      version=int(item.get("version") or 1), first_seen=item.get("first_seen") or now,
                      last_seen=now, revised_at=item.get("revised_at"), published_at=item.get("published_at"),
                      modified_at=item.get("modified_at"), file=file)
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

    # -- several writers (distributed runs): one writer here, the run lock ----------------------
    def reserve(self, item: Mapping[str, Any], keys: Iterable[str | None] = ()) -> bool:
        return True

    def release_run(self, run_id: str, *, finished: bool, recovered: Iterable[str] = ()) -> int:
        return 0

    # -- runs ----------------------------------------------------------------------------------
    def begin_run(self, run_id: str, file: str | None, *, pid: int, listing: bool = True) -> None:
        """Record a run before its output file exists (committed at once): a kill is found from here."""
        self.commit()
        self._write().execute("INSERT INTO runs (run_id, pid, started_at, status, complete, file) "
                              "VALUES (?, ?, ?, 'running', ?, ?)", (run_id, pid, utc_now(), 0 if listing else None,
                                                                    file))
        self.commit()

    def end_run(self, run_id: str, *, status: str, reason: str | None, complete: bool | None, exported: int,
                file: str | None, outcome: str | None = None, exit_code: int | None = None) -> None:
        done = None if complete is None else int(complete)
        self._write().execute("UPDATE runs SET finished_at=?, status=?, reason=?, exported=?, file=?, outcome=?, "
                              "exit_code=?, complete=CASE WHEN complete IS NULL THEN NULL ELSE ? END WHERE run_id=?",
                              (utc_now(), status, reason, exported, file, outcome, exit_code, done, run_id))

    def unfinished_runs(self) -> list[tuple[str, str | None]]:
        return list(self.db.execute("SELECT run_id, file FROM runs WHERE status='running' ORDER BY rowid"))

    def coverage_complete(self) -> bool:
        """True when the latest listing run went through every listing page it should have: only then may a
        run stop paging at already-seen pages (after a killed or cut-short run, the next one pages on)."""
        row = self.db.execute("SELECT status, complete FROM runs WHERE complete IS NOT NULL "
                              "ORDER BY rowid DESC LIMIT 1").fetchone()
        return bool(row and row[0] == "finished" and row[1] == 1)

    def set_coverage(self, run_id: str, sources: Mapping[str, bool]) -> None:
        self._write().executemany("INSERT OR REPLACE INTO coverage (source, complete, run_id) VALUES (?, ?, ?)",
                                  [(name, int(done), run_id) for name, done in sources.items()])

    def covered_sources(self) -> set[str]:
        """Listing sources whose paging may stop at an already-seen page: the latest listing run was complete
        and paged that source without an error."""
        if not self.coverage_complete():
            return set()
        return {name for (name,) in self.db.execute("SELECT source FROM coverage WHERE complete = 1")}

    # -- housekeeping --------------------------------------------------------------------------
    def reset(self) -> None:
        db = self._write()
        for table in ("keys", "content_keys", "articles", "runs", "coverage"):
            db.execute(f"DELETE FROM {table}")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('reset_at', ?)", (utc_now(),))
        self.commit()

    def summary(self) -> dict[str, Any]:
        one = self.db.execute
        return {
            "path": str(self.path),
            "articles": one("SELECT count(*) FROM articles").fetchone()[0],
            "revised": one("SELECT count(*) FROM articles WHERE version > 1").fetchone()[0],
            "keys": one("SELECT count(*) FROM keys").fetchone()[0],
            "newest_first_seen": one("SELECT max(first_seen) FROM articles").fetchone()[0],
            "last_seen": one("SELECT max(last_seen) FROM articles").fetchone()[0],
            "meta": dict(one("SELECT name, value FROM meta")),
            "runs": self._recent_runs(10),
        }

    def _recent_runs(self, n: int) -> list[dict[str, Any]]:
        columns = ["run_id", "pid", "started_at", "finished_at", "status", "reason", "complete", "exported", "file"]
        have = {row[1] for row in self.db.execute("PRAGMA table_info(runs)")}
        columns += [c for c in ("outcome", "exit_code") if c in have]   # a read-only store may predate them
        rows = self.db.execute(f"SELECT {', '.join(columns)} FROM runs ORDER BY rowid DESC LIMIT ?", (n,))
        return [{"outcome": None, "exit_code": None, **dict(zip(columns, row, strict=True))} for row in rows]
