"""The Redis seen-store's two to-do lists, a part of :class:`tempo_crawler.state.redis_store.RedisStore` (buffered
with its other writes, applied by the same commit), with the SQLite store's semantics
(:mod:`tempo_crawler.state.store_pending`):

* ``pending`` (a hash, article key → JSON of :class:`~tempo_crawler.state.rows.Pending` without its key): the
  articles a run could not export, shared by every worker, so the next discovery pushes them again while
  they have failed fewer than ``TEMPO_PENDING_MAX_ATTEMPTS`` times; recording or touching the article clears
  it. The attempt is counted by the commit script itself (``HGET`` + ``HSET`` in one script), so two
  workers failing one article at once both count.
* ``textmiss:<host>`` (article id → cause): exported articles whose ``<id>.txt`` is still to be written on
  that machine (every machine has its own text folder); ``ids`` (article id → row) finds their JSON Lines file.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable
from typing import Any

from tempo_crawler.state.redis_io import as_dict, guarded, text
from tempo_crawler.state.rows import Pending, Record


def _decode(key: str, raw: Any) -> Pending:
    data = json.loads(text(raw) or "{}")
    return Pending(key=key, url=data.get("url") or "", source=data.get("source") or None,
                   attempts=int(data.get("attempts") or 0), cause=data.get("cause") or None,
                   first_failed=data.get("first_failed") or "", last_failed=data.get("last_failed") or "")


class RedisPendingLists:
    """Mixin: needs ``client``, ``keys``, ``host``, ``path``, the write buffer (``_ops``, ``_pending``,
    ``_texts``, ``_ids``) and ``_row`` from the store."""

    client: Any
    keys: Any
    host: str | None
    path: str
    _ops: list[dict[str, Any]]
    _pending: dict[str, Pending | None]      # uncommitted: the article's pending row, or None (cleared)
    _texts: dict[str, str | None]            # uncommitted: article id → cause (missing) or None (written)
    _ids: dict[str, int]                     # uncommitted: article id → row

    def _row(self, rid: int) -> Record | None:
        raise NotImplementedError

    @property
    def textmiss(self) -> str:
        return self.keys.of_run("textmiss", self.host or socket.gethostname())

    # -- pending articles ------------------------------------------------------------------------
    def _stored_pending(self, key: str) -> Pending | None:
        if key in self._pending:
            return self._pending[key]
        raw = self.client.hget(self.keys.pending, key)
        return _decode(key, raw) if raw is not None else None

    @guarded
    def mark_pending(self, key: str, url: str, *, source: str | None, cause: str, now: str) -> int:
        """One more failed attempt at an article (applied by the next commit); its number of failed attempts."""
        before = self._stored_pending(key)
        row = (Pending(key, url, source, 1, cause, now, now) if before is None else
               Pending(key, url, source or before.source, before.attempts + 1, cause, before.first_failed, now))
        self._pending[key] = row
        self._ops.append({"kind": "pending", "key": key, "url": url, "source": source or "", "cause": cause,
                          "now": now})
        return row.attempts

    def clear_pending(self, keys: Iterable[str | None]) -> None:
        """The article was exported or found unchanged: no longer pending (with the next commit)."""
        wanted = sorted({k for k in keys if k})
        if wanted:
            self._pending.update(dict.fromkeys(wanted))
            self._ops.append({"kind": "clear", "keys": wanted})

    @guarded
    def pending(self, max_attempts: int | None = None) -> list[Pending]:
        """Pending articles, oldest failure first; with ``max_attempts`` only those still to be retried."""
        rows = {k: _decode(k, v) for k, v in as_dict(self.client.hgetall(self.keys.pending)).items()}
        for key, row in self._pending.items():
            if row is None:
                rows.pop(key, None)
            else:
                rows[key] = row
        found = [p for p in rows.values() if max_attempts is None or p.attempts < max_attempts]
        return sorted(found, key=lambda p: (p.first_failed, p.key))

    def pending_counts(self, max_attempts: int) -> tuple[int, int]:
        """(still to be retried, given up after ``max_attempts`` failures)."""
        rows = self.pending()
        retry = sum(p.attempts < max_attempts for p in rows)
        return retry, len(rows) - retry

    # -- text files still to write (this machine's) -----------------------------------------------
    def note_text_missing(self, article_ids: Iterable[str | None], cause: str) -> None:
        wanted = sorted({a for a in article_ids if a})
        if wanted:
            self._texts.update(dict.fromkeys(wanted, cause))
            self._ops.append({"kind": "textmiss", "key": self.textmiss, "ids": wanted, "cause": cause})

    def text_written(self, article_ids: Iterable[str | None]) -> None:
        wanted = sorted({a for a in article_ids if a})
        if wanted:
            self._texts.update(dict.fromkeys(wanted))
            self._ops.append({"kind": "textdone", "key": self.textmiss, "ids": wanted})

    @guarded
    def texts_missing(self) -> list[tuple[str, str | None]]:
        """(article id, the output file holding its latest version) of every text file this machine still has
        to write."""
        missing = set(as_dict(self.client.hgetall(self.textmiss)))
        missing |= {a for a, cause in self._texts.items() if cause is not None}
        missing -= {a for a, cause in self._texts.items() if cause is None}
        out = []
        for aid in sorted(missing):
            rid = self._ids.get(aid)
            if rid is None:
                raw = self.client.hget(self.keys.ids, aid)
                rid = int(raw) if raw is not None else None
            row = self._row(rid) if rid is not None else None
            out.append((aid, row.file if row is not None else None))
        return out
