"""Running one crawl on several machines: scrapy-redis for the shared request queue, Redis for the seen-store,
the article claims and the politeness budget. Switched on by ``-s TEMPO_REDIS_URL=redis://…`` (or the
environment variable of the same name); without it nothing here is imported and nothing needs Redis.

* :mod:`.config`: the URL (kept out of logs), worker names, key names, the tunables;
* :mod:`.addon`: the Scrapy add-on that swaps in the shared scheduler, the budget and the worker loop;
* :mod:`.scheduler`: scrapy-redis' scheduler with a local queue beside the shared one, and the dupefilter;
* :mod:`.claims`: the Lua scripts: pop-and-claim, reserve for export, release, re-queue a dead worker's work;
* :mod:`.session`: a worker's session (worker lock, heartbeat, discovery election, its store);
* :mod:`.worker`: the worker loop (idle exit, waking an idle engine, re-queueing dead workers' claims);
* :mod:`.budget`: the per-host request budget shared by every worker (a token bucket in Redis);
* :mod:`tempo_crawler.state.redis_store`: the seen-store on Redis.

See docs/distributed.md.
"""
