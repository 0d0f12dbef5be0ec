"""Article claims: which worker run is working on which article, so that no two workers export one article and
nothing a dead worker held is lost. Every step is one Lua script, atomic in Redis.

A claim is a field of the hash ``claims``: ``<article key> → <run id>|<state>``, and a member of the run's set
``rc:<run>``. States:

* ``f`` (fetching): taken when a worker **pops** an article request from the shared queue (:data:`POP`, in the
  same script as the pop, so a request is never out of the queue without a claim). The request itself is kept
  in ``claimreq`` until the claim ends. If the run dies (its ``alive:<run>`` key, refreshed by its heartbeat,
  expires after ``TEMPO_REDIS_LEASE_S``), any live worker puts the request back on the queue (:data:`REAP`).
* ``w`` (writing): taken by the cross-run dedupe just before an item may be exported (:data:`RESERVE`), for
  every key of the item (its URL keys, its own key and ``c:<content key>``), all or none. From here the
  article may be in the run's ``.part`` file, so a dead run's ``w`` claims are never handed to others: they
  wait for that run's file to be recovered (:func:`tempo_crawler.state.recovery.recover`), which releases
  those whose lines it found and re-queues the others.

A claim ends in the same transaction as the store commit that records the article (after the file's fsync),
or when its run ends (:data:`END_RUN`). A popped request whose article is claimed by another live run, or by
a dead run in state ``w``, or already by this run, is a duplicate: it is dropped and counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tempo_crawler.distributed.config import Keys

# KEYS: queue, claims, claimreq, rc:<me>; ARGV: me, prefix, max pops
POP = """
local busy = 0
for i = 1, tonumber(ARGV[3]) do
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if #first == 0 then return {'', busy} end
  local member, score = first[1], first[2]
  redis.call('ZREM', KEYS[1], member)
  local key = ''
  if string.sub(member, 1, 1) == 'T' then
    local nl = string.find(member, '\\n', 1, true)
    if nl then key = string.sub(member, 2, nl - 1) end
  end
  if key == '' then return {member, busy} end
  local owner = redis.call('HGET', KEYS[2], key)
  local take = true
  if owner then
    local sep = string.find(owner, '|', 1, true)
    local run, state = string.sub(owner, 1, sep - 1), string.sub(owner, sep + 1)
    if run == ARGV[1] or state == 'w' or redis.call('EXISTS', ARGV[2] .. 'alive:' .. run) == 1 then
      take = false
    else
      redis.call('SREM', ARGV[2] .. 'rc:' .. run, key)
    end
  end
  if take then
    redis.call('HSET', KEYS[2], key, ARGV[1] .. '|f')
    redis.call('HSET', KEYS[3], key, score .. ' ' .. member)
    redis.call('SADD', KEYS[4], key)
    return {member, busy}
  end
  busy = busy + 1
end
return {'', busy}
"""

# KEYS: claims, rc:<me>; ARGV: me, prefix, key… → 1 (all reserved) or 0 (one is another live run's, or w)
RESERVE = """
local mine = ARGV[1] .. '|'
for i = 3, #ARGV do
  local owner = redis.call('HGET', KEYS[1], ARGV[i])
  if owner and string.sub(owner, 1, #mine) ~= mine then
    local sep = string.find(owner, '|', 1, true)
    local run, state = string.sub(owner, 1, sep - 1), string.sub(owner, sep + 1)
    if state == 'w' or redis.call('EXISTS', ARGV[2] .. 'alive:' .. run) == 1 then return 0 end
  end
end
for i = 3, #ARGV do
  local owner = redis.call('HGET', KEYS[1], ARGV[i])
  if owner and string.sub(owner, 1, #mine) ~= mine then
    local sep = string.find(owner, '|', 1, true)
    redis.call('SREM', ARGV[2] .. 'rc:' .. string.sub(owner, 1, sep - 1), ARGV[i])
  end
  redis.call('HSET', KEYS[1], ARGV[i], mine .. 'w')
  redis.call('SADD', KEYS[2], ARGV[i])
end
return 1
"""

# Release the given keys if this run holds them. KEYS: claims, claimreq, rc:<me>; ARGV: me, key…
RELEASE = """
local mine = ARGV[1] .. '|'
local n = 0
for i = 2, #ARGV do
  local owner = redis.call('HGET', KEYS[1], ARGV[i])
  if owner and string.sub(owner, 1, #mine) == mine then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
    redis.call('SREM', KEYS[3], ARGV[i])
    n = n + 1
  end
end
return n
"""

_REQUEUE_FN = """
local function requeue(claimreq, queue, key)
  local req = redis.call('HGET', claimreq, key)
  if not req then return 0 end
  local sp = string.find(req, ' ', 1, true)
  redis.call('ZADD', queue, tonumber(string.sub(req, 1, sp - 1)), string.sub(req, sp + 1))
  return 1
end
"""

# Dead runs' fetching claims back to the queue. KEYS: open, claims, claimreq, queue; ARGV: prefix
REAP = _REQUEUE_FN + """
local requeued = 0
for _, run in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. 'alive:' .. run) == 0 then
    local rc = ARGV[1] .. 'rc:' .. run
    for _, key in ipairs(redis.call('SMEMBERS', rc)) do
      local owner = redis.call('HGET', KEYS[2], key)
      if owner == run .. '|f' then
        requeued = requeued + requeue(KEYS[3], KEYS[4], key)
        redis.call('HDEL', KEYS[2], key)
        redis.call('HDEL', KEYS[3], key)
        redis.call('SREM', rc, key)
      elseif owner ~= run .. '|w' then
        redis.call('SREM', rc, key)
      end
    end
  end
end
return requeued
"""

# A run ends. KEYS: open, claims, claimreq, queue; ARGV: run, prefix, mode, recovered key…
# mode 'done': it processed everything it popped (clean finish): forget its claims.
# mode 'requeue': it stopped early: what it held goes back to the queue.
# mode 'recovered': its file was recovered: w-claims whose key was in the file end, every other goes back.
END_RUN = _REQUEUE_FN + """
local run, mode = ARGV[1], ARGV[3]
local found = {}
for i = 4, #ARGV do found[ARGV[i]] = true end
local rc = ARGV[2] .. 'rc:' .. run
local requeued = 0
for _, key in ipairs(redis.call('SMEMBERS', rc)) do
  local owner = redis.call('HGET', KEYS[2], key)
  if owner == run .. '|f' or owner == run .. '|w' then
    if mode == 'requeue' or (mode == 'recovered' and not (owner == run .. '|w' and found[key])) then
      requeued = requeued + requeue(KEYS[3], KEYS[4], key)
    end
    redis.call('HDEL', KEYS[2], key)
    redis.call('HDEL', KEYS[3], key)
  end
end
redis.call('DEL', rc)
redis.call('SREM', KEYS[1], run)
return requeued
"""


class Claims:
    """The claim scripts bound to one Redis client, one key space and one run."""

    def __init__(self, client: Any, keys: Keys, run_id: str) -> None:
        self.client = client
        self.keys = keys
        self.run_id = run_id
        self._pop = client.register_script(POP)
        self._reserve = client.register_script(RESERVE)
        self._release = client.register_script(RELEASE)
        self._reap = client.register_script(REAP)
        self._end = client.register_script(END_RUN)

    def pop(self, max_pops: int = 32) -> tuple[bytes | None, int]:
        """Pop the best request this run may work on, claimed ``f``: (queue member or None, duplicates dropped)."""
        k = self.keys
        member, busy = self._pop(keys=[k.queue, k.claims, k.claimreq, k.of_run("rc", self.run_id)],
                                 args=[self.run_id, k.prefix, max_pops])
        return (member or None), int(busy)

    def reserve(self, keys: Iterable[str]) -> bool:
        """Claim every key ``w`` for this run, or none (False: another live run works on one of them)."""
        wanted = sorted(set(keys))
        if not wanted:
            return True
        k = self.keys
        return bool(self._reserve(keys=[k.claims, k.of_run("rc", self.run_id)], args=[self.run_id, k.prefix, *wanted]))

    def release(self, keys: Iterable[str]) -> int:
        wanted = sorted(set(keys))
        if not wanted:
            return 0
        k = self.keys
        return int(self._release(keys=[k.claims, k.claimreq, k.of_run("rc", self.run_id)],
                                 args=[self.run_id, *wanted]))

    def release_script_args(self, keys: Iterable[str]) -> tuple[list[str], list[str]]:
        """KEYS and ARGV of :data:`RELEASE` for ``keys`` (to run it inside a store commit)."""
        k = self.keys
        return [k.claims, k.claimreq, k.of_run("rc", self.run_id)], [self.run_id, *sorted(set(keys))]

    def reap(self) -> int:
        """Put dead runs' fetching claims back on the queue; how many requests went back."""
        k = self.keys
        return int(self._reap(keys=[k.open, k.claims, k.claimreq, k.queue], args=[k.prefix]))

    def end_run(self, run_id: str, mode: str, recovered: Iterable[str] = ()) -> int:
        """End every claim of ``run_id`` (see :data:`END_RUN` for ``mode``); requests put back on the queue."""
        k = self.keys
        return int(self._end(keys=[k.open, k.claims, k.claimreq, k.queue],
                             args=[run_id, k.prefix, mode, *sorted(set(recovered))]))

    def owner(self, key: str) -> tuple[str, str] | None:
        """(run id, state) of a claim, or None."""
        raw = self.client.hget(self.keys.claims, key)
        if raw is None:
            return None
        run, _, state = raw.decode().rpartition("|")
        return run, state

    def held_elsewhere(self, key: str) -> bool:
        """Another live run works on ``key``, or a dead run may have written it (awaiting recovery)."""
        found = self.owner(key)
        if found is None or found[0] == self.run_id:
            return False
        run, state = found
        return state == "w" or bool(self.client.exists(self.keys.of_run("alive", run)))
