"""The seen-store's two to-do lists, a part of :class:`tempo_crawler.state.store.SeenStore` (same connection,
same open transaction, committed by the exporter after its fsync):

* ``pending``: articles a run could not export (fetch failed, parser error, quarantined, blocked, cut
  short), fetched again by later runs while they have failed fewer than ``TEMPO_PENDING_MAX_ATTEMPTS``
  times; exporting the article or finding it unchanged clears it (``SeenStore.record``/``touch``);
* ``text_missing``: exported articles whose ``<id>.txt`` is still to be written (a write failed, or a run
  was killed between its JSON line and its text file), written from the JSON Lines files later.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from tempo_crawler.state.rows import Pending


class PendingLists:
    """Mixin: needs ``self.db`` and ``self._write()`` (the open transaction) from the store."""

    db: sqlite3.Connection

    def _write(self) -> sqlite3.Connection:
        raise NotImplementedError

    # -- pending articles ------------------------------------------------------------------------
    def mark_pending(self, key: str, url: str, *, source: str | None, cause: str, now: str) -> int:
        """One more failed attempt at an article (in the open transaction); its number of failed attempts."""
        db = self._write()
        db.execute("INSERT INTO pending (key, url, source, attempts, cause, first_failed, last_failed) "
                   "VALUES (?, ?, ?, 1, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET attempts = attempts + 1, "
                   "url = excluded.url, source = COALESCE(excluded.source, source), cause = excluded.cause, "
                   "last_failed = excluded.last_failed", (key, url, source, cause, now, now))
        return int(db.execute("SELECT attempts FROM pending WHERE key = ?", (key,)).fetchone()[0])

    def clear_pending(self, keys: Iterable[str | None]) -> None:
        """The article was exported or found unchanged: no longer pending."""
        wanted = [(k,) for k in set(keys) if k]
        if wanted:
            self._write().executemany("DELETE FROM pending WHERE key = ?", wanted)

    def pending(self, max_attempts: int | None = None) -> list[Pending]:
        """Pending articles, oldest failure first; with ``max_attempts`` only those still to be retried."""
        where, args = ("WHERE attempts < ?", (max_attempts,)) if max_attempts is not None else ("", ())
        return [Pending(*row) for row in self.db.execute(
            "SELECT key, url, source, attempts, cause, first_failed, last_failed FROM pending "
            f"{where} ORDER BY first_failed, key", args)]

    def pending_counts(self, max_attempts: int) -> tuple[int, int]:
        """(still to be retried, given up after ``max_attempts`` failures)."""
        row = self.db.execute("SELECT count(*) FILTER (WHERE attempts < ?), count(*) FILTER (WHERE attempts >= ?) "
                              "FROM pending", (max_attempts, max_attempts)).fetchone()
        return int(row[0]), int(row[1])

    # -- text files still to write ---------------------------------------------------------------
    def note_text_missing(self, article_ids: Iterable[str | None], cause: str) -> None:
        self._write().executemany("INSERT OR REPLACE INTO text_missing (article_id, cause) VALUES (?, ?)",
                                  [(a, cause) for a in set(article_ids) if a])

    def text_written(self, article_ids: Iterable[str | None]) -> None:
        wanted = [(a,) for a in set(article_ids) if a]
        if wanted:
            self._write().executemany("DELETE FROM text_missing WHERE article_id = ?", wanted)

    def texts_missing(self) -> list[tuple[str, str | None]]:
        """(article id, the output file holding its latest version) of every text file still to write."""
        return list(self.db.execute(
            "SELECT t.article_id, (SELECT a.file FROM articles a WHERE a.article_id = t.article_id "
            "ORDER BY a.last_seen DESC, a.rid DESC LIMIT 1) FROM text_missing t ORDER BY t.article_id"))
