"""The seen-store on Redis, for runs on several machines (``TEMPO_REDIS_URL``): the same semantics as the SQLite
store (:mod:`.store`, :mod:`.backend`), shared by every worker.

Keys, under the prefix ``tempo:<spider>:`` (:class:`tempo_crawler.distributed.config.Keys`):

* ``a:<rid>`` a hash per article (the columns of :class:`~tempo_crawler.state.rows.Record`), ``ak:<rid>``
  the set of its keys; ``keys`` (key → rid), ``ckeys`` (content key → rid) and ``ids`` (article id → rid)
  the indexes; ``rid`` the row counter; ``stats`` (articles, revised, newest_first_seen, last_seen); ``meta``;
* ``pending`` and ``textmiss:<host>``, the articles to fetch again and the text files to write
  (:mod:`.redis_pending`);
* ``runs`` (newest first) and ``run:<id>`` (a hash per run: file, worker, host, status…); ``open``, the runs
  not finished yet (a killed or unpublished one stays there until its file is recovered); ``last_listing``,
  the latest run that discovered; ``failures``, runs that did not fetch everything they took; ``coverage``
  (:mod:`.redis_runs`).

Writes are buffered in this object (its reads see them) and applied by :meth:`RedisStore.commit` in one Lua
script, atomically, together with the release of the claims of the articles written
(:mod:`tempo_crawler.distributed.claims`). The writer commits after its fsync, as with SQLite. Durability
of a commit is the Redis server's: run it with ``appendonly yes`` and ``appendfsync always`` for the full
guarantee (``everysec`` may lose the last second of commits in a crash of Redis itself).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from tempo_crawler.state.backend import SharedStoreError, StoreRules, StoreUnavailable, claim_keys, stored_row
from tempo_crawler.state.redis_io import as_dict, guarded, text
from tempo_crawler.state.redis_pending import RedisPendingLists
from tempo_crawler.state.redis_runs import RedisRuns
from tempo_crawler.state.rows import Pending, Record, later, utc_now
from tempo_crawler.state.store_file import SCHEMA_VERSION

__all__ = ["RedisStore", "StoreUnavailable", "text"]

if TYPE_CHECKING:
    from tempo_crawler.distributed.claims import Claims
    from tempo_crawler.distributed.config import Keys

FIELDS = tuple(name for name in Record.__dataclass_fields__ if name != "rid")

COMMIT = """
local p, me = ARGV[1], ARGV[2]
local data = cjson.decode(ARGV[3])
local stats = p .. 'stats'
local function newest(field, value)
  if value and value ~= '' then
    local cur = redis.call('HGET', stats, field)
    if not cur or value > cur then redis.call('HSET', stats, field, value) end
  end
end
for _, op in ipairs(data.ops) do
  local row = p .. 'a:' .. (op.rid or '')
  if op.kind == 'record' then
    redis.call('DEL', row)
    local flat = {}
    for k, v in pairs(op.fields) do flat[#flat + 1] = k; flat[#flat + 1] = v end
    redis.call('HSET', row, unpack(flat))
    for _, k in ipairs(op.keys) do
      local old = redis.call('HGET', p .. 'keys', k)
      if old and old ~= op.rid then redis.call('SREM', p .. 'ak:' .. old, k) end
      redis.call('HSET', p .. 'keys', k, op.rid)
      redis.call('SADD', p .. 'ak:' .. op.rid, k)
    end
    if op.ckey ~= '' then redis.call('HSET', p .. 'ckeys', op.ckey, op.rid) end
    if op.fields.article_id then redis.call('HSET', p .. 'ids', op.fields.article_id, op.rid) end
    if op.new == 1 then redis.call('HINCRBY', stats, 'articles', 1) end
    if op.revised == 1 then redis.call('HINCRBY', stats, 'revised', 1) end
    newest('newest_first_seen', op.fields.first_seen)
    newest('last_seen', op.last_seen)
  elseif op.kind == 'touch' then
    redis.call('HSET', row, 'last_seen', op.last_seen)
    if op.lastmod ~= '' then redis.call('HSET', row, 'listing_lastmod', op.lastmod) end
    for _, k in ipairs(op.keys) do
      if redis.call('HSETNX', p .. 'keys', k, op.rid) == 1 then redis.call('SADD', p .. 'ak:' .. op.rid, k) end
    end
    newest('last_seen', op.last_seen)
  elseif op.kind == 'pending' then
    local cur = redis.call('HGET', p .. 'pending', op.key)
    local e
    if cur then
      e = cjson.decode(cur)
      e.attempts = e.attempts + 1
      if op.source ~= '' then e.source = op.source end
    else
      e = {attempts = 1, source = op.source, first_failed = op.now}
    end
    e.url = op.url; e.cause = op.cause; e.last_failed = op.now
    redis.call('HSET', p .. 'pending', op.key, cjson.encode(e))
  elseif op.kind == 'clear' then
    redis.call('HDEL', p .. 'pending', unpack(op.keys))
  elseif op.kind == 'textmiss' then
    for _, a in ipairs(op.ids) do redis.call('HSET', op.key, a, op.cause) end
  elseif op.kind == 'textdone' then
    redis.call('HDEL', op.key, unpack(op.ids))
  end
end
local mine = me .. '|'
for _, k in ipairs(data.release) do
  local owner = redis.call('HGET', p .. 'claims', k)
  if owner and string.sub(owner, 1, #mine) == mine then
    redis.call('HDEL', p .. 'claims', k)
    redis.call('HDEL', p .. 'claimreq', k)
    redis.call('SREM', p .. 'rc:' .. me, k)
  end
end
return #data.ops
"""


class RedisStore(RedisPendingLists, RedisRuns, StoreRules):
    """The seen-store of a distributed run (see the module doc). ``claims`` is the run's
    :class:`~tempo_crawler.distributed.claims.Claims` (None for a reader such as ``scrapy state show``);
    ``host`` and ``worker`` name the machine and worker of this run (recovery takes this host's runs)."""

    def __init__(self, client: Any, keys: Keys, *, claims: Claims | None = None, host: str | None = None,
                 worker: str | None = None, label: str = "redis", recover_worker: str | None = None) -> None:
        self.client = client
        self.keys = keys
        self.claims = claims
        self.host = host
        self.worker = worker
        self.recover_worker = recover_worker
        self.path = label
        self._commit_script = client.register_script(COMMIT)
        self._reset_buffer()
        self._reserved: dict[str, frozenset[str]] = {}
        found = client.hget(keys.meta, "schema_version")
        if found is None:
            client.hsetnx(keys.meta, "schema_version", str(SCHEMA_VERSION))
            client.hsetnx(keys.meta, "created_at", utc_now())
        elif int(found) > SCHEMA_VERSION:
            raise SharedStoreError(label, f"schema version {int(found)} is newer than this crawler's "
                                          f"({SCHEMA_VERSION})")

    def _reset_buffer(self) -> None:
        self._rows: dict[int, dict[str, Any]] = {}    # uncommitted values: full rows (record) or touched columns
        self._full: set[int] = set()                  # rows whose buffered values replace the stored ones
        self._keys: dict[str, int] = {}               # key → rid, replacing (record)
        self._soft: dict[str, int] = {}               # key → rid, only where the key is new (touch)
        self._ckeys: dict[str, int] = {}
        self._ids: dict[str, int] = {}                # article id → rid (record)
        self._pending: dict[str, Pending | None] = {}
        self._texts: dict[str, str | None] = {}
        self._ops: list[dict[str, Any]] = []
        self._release: set[str] = set()

    # -- transactions --------------------------------------------------------------------------
    @guarded
    def commit(self) -> None:
        if not self._ops and not self._release:
            return
        me = self.claims.run_id if self.claims is not None else ""
        payload = json.dumps({"ops": self._ops, "release": sorted(self._release)}, ensure_ascii=False)
        self._commit_script(keys=[], args=[self.keys.prefix, me, payload])
        self._reset_buffer()

    def rollback(self) -> None:
        self._reset_buffer()

    def close(self) -> None:
        """Drop what was not committed (nothing durable claimed); the client belongs to the session."""
        self.rollback()

    # -- lookups -------------------------------------------------------------------------------
    def _row(self, rid: int) -> Record | None:
        stored = {} if rid in self._full else self.client.hgetall(self.keys.of_run("a", str(rid)))
        values: dict[str, Any] = as_dict(stored)
        values.update(self._rows.get(rid, {}))
        if not values.get("canonical_key"):
            return None
        data = {name: (values.get(name) or None) for name in FIELDS}
        data["version"] = int(values.get("version") or 1)
        return Record(rid=rid, **data)

    def _rids(self, keys: list[str]) -> set[int]:
        rids = {self._keys[k] for k in keys if k in self._keys}
        rest = [k for k in keys if k not in self._keys]
        if rest:
            for key, rid in zip(rest, self.client.hmget(self.keys.keys, rest), strict=True):
                if rid is not None:
                    rids.add(int(rid))
                elif key in self._soft:
                    rids.add(self._soft[key])
        return rids

    @guarded
    def find(self, keys: Iterable[str | None]) -> Record | None:
        wanted = sorted({k for k in keys if k})
        if not wanted:
            return None
        rows = [r for r in (self._row(rid) for rid in self._rids(wanted)) if r is not None]
        if not rows:
            return None
        return min(rows, key=lambda r: (-r.version, r.rid))

    @guarded
    def find_content(self, ckey: str | None) -> Record | None:
        if not ckey:
            return None
        rid = self._ckeys.get(ckey)
        if rid is None:
            raw = self.client.hget(self.keys.ckeys, ckey)
            rid = int(raw) if raw is not None else None
        return self._row(rid) if rid is not None else None

    def keys_of(self, rid: int) -> list[str]:
        stored = {text(k) or "" for k in self.client.smembers(self.keys.of_run("ak", str(rid)))}
        stored |= {k for k, r in {**self._soft, **self._keys}.items() if r == rid}
        return sorted(k for k in stored if self._rids([k]) == {rid})

    # -- several writers -----------------------------------------------------------------------
    @guarded
    def reserve(self, item: Mapping[str, Any], keys: Iterable[str | None] = ()) -> bool:
        """Claim every key of ``item`` for this run (``w``: it may now be written to the run's file); False when
        another live worker holds one of them (it exports the article) or a dead one may have written it."""
        if self.claims is None:
            return True
        group = frozenset(claim_keys(item, keys))
        if not self.claims.reserve(group):
            return False
        for key in group:
            self._reserved[key] = group
        return True

    def _releases(self, keys: Iterable[str]) -> None:
        for key in list(keys):
            group = self._reserved.pop(key, None)
            if group:
                self._release |= group
                for other in group:
                    self._reserved.pop(other, None)

    @guarded
    def release_run(self, run_id: str, *, finished: bool, recovered: Iterable[str] = ()) -> int:
        """End the claims of ``run_id``: this run's own at its end (``finished``: everything it popped was
        processed; else they go back to the queue), or a killed run's after its file was recovered."""
        if self.claims is None:
            return 0
        if run_id == self.claims.run_id:
            return self.claims.end_run(run_id, "done" if finished else "requeue")
        return self.claims.end_run(run_id, "recovered", recovered)

    # -- writes (buffered; applied by commit) ----------------------------------------------------
    @guarded
    def record(self, item: Mapping[str, Any], keys: Iterable[str | None] = (), *, now: str | None = None,
               file: str | None = None, listing_lastmod: str | None = None) -> int:
        now = now or utc_now()
        own, values = stored_row(item, now=now, file=file)
        all_keys = sorted({k for k in (own, *keys) if k})
        existing = self.find(all_keys)
        version = values["version"]
        values["listing_lastmod"] = later(existing.listing_lastmod, listing_lastmod) if existing else listing_lastmod
        rid = existing.rid if existing is not None else int(self.client.incr(self.keys.rid))
        self._rows[rid] = values
        self._full.add(rid)
        for key in all_keys:
            self._keys[key] = rid
        if values["content_key"]:
            self._ckeys[values["content_key"]] = rid
        revised = version > 1 and (existing is None or existing.version <= 1)
        self._ops.append({"kind": "record", "rid": str(rid), "keys": all_keys, "ckey": values["content_key"] or "",
                          "new": int(existing is None), "revised": int(revised), "last_seen": now,
                          "fields": {k: str(v) for k, v in values.items() if v is not None}})
        if values["article_id"]:
            self._ids[str(values["article_id"])] = rid
        self.clear_pending(all_keys)
        self._releases([*all_keys, f"c:{values['content_key']}" if values["content_key"] else ""])
        return rid

    @guarded
    def touch(self, rid: int, keys: Iterable[str | None] = (), *, now: str | None = None,
              listing_lastmod: str | None = None) -> None:
        now = now or utc_now()
        row = self._row(rid)
        lastmod = later(row.listing_lastmod if row else None, listing_lastmod)
        self._rows.setdefault(rid, {}).update(last_seen=now, listing_lastmod=lastmod)
        linked = sorted({k for k in keys if k})
        for key in linked:
            if key not in self._keys:
                self._soft.setdefault(key, rid)
        self._ops.append({"kind": "touch", "rid": str(rid), "keys": linked, "last_seen": now,
                          "lastmod": lastmod or ""})
        self.clear_pending(linked)
        self._releases(linked)

