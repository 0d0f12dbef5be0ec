"""Cross-run state for cron runs (issue 3): the seen-store, the run lock and the incremental-fetch rules.

* :mod:`.store`: ``SeenStore``, one SQLite file (``TEMPO_STATE_PATH``) of every exported article, keyed by
  every URL form of it (``article_key``) and by a content key; first/last seen, content hash, version.
* :mod:`.lock`: ``RunLock``, an ``fcntl`` lock beside the store so two overlapping runs never share it.
* :mod:`.incremental`: what the spider's hooks ask: fetch this article page again? page further?
* :mod:`.runtime`: the per-crawl ``CronState`` tying those to Scrapy, and the spider middleware that
  tells the store which requested URLs an item came from.

The exactly-once writer that decides when an article counts as seen is
:mod:`tempo_crawler.exporters.durable`. See ``docs/cron.md``.
"""
