"""Honest runs: monitors at the end of every crawl, the layout-drift canary, the run history, the crawl
report and the progress/summary log lines.

* :mod:`.ledger` — per-page canary values and per-item figures gathered while the run lives;
* :mod:`.canary` — token F1 between a page's JSON-LD ``articleBody`` and the body read from its DOM;
* :mod:`.figures` — the run's key figures from the stats, the context and the ledger;
* :mod:`.history` — ``history.jsonl``: one line per run, and the recent healthy runs a run is compared with;
* :mod:`.checks`, :mod:`.quality` — the Spidermon monitors, each with its exit status and its ``TEMPO_MONITOR_*``
  threshold;
* :mod:`.outcome` — running them with Spidermon; the run's status;
* :mod:`.report`, :mod:`.plotting`, :mod:`.plots` — the HTML report with its matplotlib plots (drawn in a child
  process after the crawl);
* :mod:`.summary`, :mod:`.progress` — the run's closing lines and the periodic progress line;
* :mod:`.extension` — the Scrapy extension that does all of it when the spider closes.
"""
