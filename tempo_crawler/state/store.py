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
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tempo_crawler.identity import content_hash, content_key, mapping_key
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
from tempo_crawler.state.store_pending import Pending, PendingLists

__all__ = ["SCHEMA_VERSION", "Pending", "Record", "RunRow", "SeenStore", "StoreError", "Verdict", "create", "later",
           "move_aside", "parse_time", "running_holder", "utc_now"]

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


@dataclass
class RunRow:
    """A run the store records as not finished: still ``running`` (or killed), or ``unpublished`` (its file
    was left as ``.part`` after a write failed)."""

    run_id: str
    file: str | None
    status: str
    pid: int | None
    proc_start: str | None


class SeenStore(PendingLists):
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

    def classify(self, item: Mapping[str, Any], keys: Iterable[str | None] = ()) -> Verdict:
        own = mapping_key(item)
        record = self.find([own, *keys])
        if record is not None:
            same = record.content_hash == content_hash(item)
            return Verdict("unchanged" if same else "revised", record)
        other = self.find_content(content_key(item))
        if other is not None:
            return Verdict("duplicate", other)
        return Verdict("new")

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

    def reconcile(self, items: Iterable[Mapping[str, Any]], file: str | None = None) -> int:
        """Make the store agree with lines found in an output file (a killed run's): every line there was
        exported, so it counts as seen. Returns how many lines the store did not know yet."""
        added = 0
        for item in items:
            own = mapping_key(item)
            if own is None:
                continue
            record = self.find([own])
            if record is not None and (record.content_hash == content_hash(item)
                                       or record.version >= int(item.get("version") or 1)):
                continue
            self.record(item, now=item.get("crawled_at") or utc_now(), file=file)
            added += 1
        return added

    # -- runs ----------------------------------------------------------------------------------
    def begin_run(self, run_id: str, file: str | None, *, pid: int, listing: bool = True,
                  proc_start: str | None = None) -> None:
        """Record a run before its output file exists (committed at once): a kill is found from here.
        ``pid`` + ``proc_start`` name its process, so recovery can tell a live run from a dead one."""
        self.commit()
        self._write().execute("INSERT INTO runs (run_id, pid, started_at, status, complete, file, proc_start) "
                              "VALUES (?, ?, ?, 'running', ?, ?, ?)",
                              (run_id, pid, utc_now(), 0 if listing else None, file, proc_start))
        self.commit()

    def end_run(self, run_id: str, *, status: str, reason: str | None, complete: bool | None, exported: int,
                file: str | None, outcome: str | None = None, exit_code: int | None = None) -> None:
        done = None if complete is None else int(complete)
        self._write().execute("UPDATE runs SET finished_at=?, status=?, reason=?, exported=?, file=?, outcome=?, "
                              "exit_code=?, complete=CASE WHEN complete IS NULL THEN NULL ELSE ? END WHERE run_id=?",
                              (utc_now(), status, reason, exported, file, outcome, exit_code, done, run_id))

    def unfinished_runs(self) -> list[RunRow]:
        """Runs whose file may still be a ``.part``: ``running`` (killed, or alive elsewhere) or ``unpublished``."""
        return [RunRow(*row) for row in self.db.execute(
            "SELECT run_id, file, status, pid, proc_start FROM runs WHERE status IN ('running', 'unpublished') "
            "ORDER BY rowid")]

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
        for table in ("keys", "content_keys", "articles", "runs", "coverage", "pending", "text_missing"):
            db.execute(f"DELETE FROM {table}")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('reset_at', ?)", (utc_now(),))
        self.commit()

    def summary(self, max_attempts: int = 5) -> dict[str, Any]:
        one = self.db.execute
        tables = {name for (name,) in one("SELECT name FROM sqlite_master WHERE type='table'")}
        pending = self.pending() if "pending" in tables else []
        return {
            "path": str(self.path),
            "articles": one("SELECT count(*) FROM articles").fetchone()[0],
            "revised": one("SELECT count(*) FROM articles WHERE version > 1").fetchone()[0],
            "keys": one("SELECT count(*) FROM keys").fetchone()[0],
            "newest_first_seen": one("SELECT max(first_seen) FROM articles").fetchone()[0],
            "last_seen": one("SELECT max(last_seen) FROM articles").fetchone()[0],
            "meta": dict(one("SELECT name, value FROM meta")),
            "pending": sum(p.attempts < max_attempts for p in pending),
            "pending_given_up": sum(p.attempts >= max_attempts for p in pending),
            "pending_articles": [vars(p) for p in pending[:50]],
            "text_missing": one("SELECT count(*) FROM text_missing").fetchone()[0] if "text_missing" in tables else 0,
            "runs": self._recent_runs(10),
        }

    def _recent_runs(self, n: int) -> list[dict[str, Any]]:
        columns = ["run_id", "pid", "started_at", "finished_at", "status", "reason", "complete", "exported", "file"]
        have = {row[1] for row in self.db.execute("PRAGMA table_info(runs)")}
        columns += [c for c in ("outcome", "exit_code") if c in have]   # a read-only store may predate them
        rows = self.db.execute(f"SELECT {', '.join(columns)} FROM runs ORDER BY rowid DESC LIMIT ?", (n,))
        return [{"outcome": None, "exit_code": None, **dict(zip(columns, row, strict=True))} for row in rows]
