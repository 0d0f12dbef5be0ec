"""The run records of the SQLite seen-store, a part of :class:`tempo_crawler.state.store.SeenStore` (same
connection, same open transaction): runs from start (before their file exists) to end, the runs a killed or
failed run left unfinished, listing coverage, reset and the summary ``scrapy state show`` prints."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tempo_crawler.state.rows import Pending, RunRow, utc_now


class RunRecords:
    """Mixin: needs ``self.db``, ``self.path``, ``self._write()``, ``self.commit()`` and ``self.pending()``."""

    db: sqlite3.Connection
    path: Path

    def _write(self) -> sqlite3.Connection:
        raise NotImplementedError

    def commit(self) -> None:
        raise NotImplementedError

    def pending(self, max_attempts: int | None = None) -> list[Pending]:
        raise NotImplementedError

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
