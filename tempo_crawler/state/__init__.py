"""Cross-run state for cron runs: the run lifecycle, the seen-store, the lock, recovery and incremental rules.

* :mod:`.run`: ``RunLifecycle``, the extension that takes the lock, opens the store, recovers killed runs,
  resets, and records the run from start to end (with listing coverage);
* :mod:`.backend`: the seen-store's interface (``SeenStoreBackend``) and the rules every backend shares;
  :mod:`.rows`: what a store holds and returns (``Record``, ``Verdict``, ``RunRow``, ``Pending``);
* :mod:`.store`: ``SeenStore``, one SQLite file (``TEMPO_STATE_PATH``) of every exported article, keyed by
  every URL form of it and by a content key (:mod:`tempo_crawler.identity`), with the pending articles
  and the text files still to write (:mod:`.store_pending`), its runs (:mod:`.store_runs`) and its file
  (:mod:`.store_file`, ``schema.sql``);
* :mod:`.redis_store`: ``RedisStore``, the same store in Redis for distributed runs (``TEMPO_REDIS_URL``),
  with :mod:`.redis_pending`, :mod:`.redis_runs` and :mod:`.redis_io`;
* :mod:`.lock`: ``RunLock``, an ``flock`` on the store file itself so two overlapping runs never share it;
* :mod:`.pending`: the account of every article request: what a run could not export stays pending;
* :mod:`.recovery`: finishing what a killed run left (its ``.part`` file and the store);
* :mod:`.incremental`: fetch this article page again? page further?
* :mod:`.notes`: the keys and lastmods a crawl learns about each article, and the middleware noting them.

The exactly-once writer is :mod:`tempo_crawler.exporters.jsonl`; the cross-run dedupe pipeline
:mod:`tempo_crawler.pipelines.dedupe`. See ``docs/cron.md``.
"""
