"""Output forms of an :class:`~tempo_crawler.items.Article` besides Scrapy's own feeds.

* :mod:`.text_form`: the plain-text form that mirrors Tempo's page text (``<id>.txt``), and its pipeline;
* :mod:`.text_reader`: the inverse, reading such texts (also raw page dumps with their chrome) into items;
* :mod:`.csv_export`: the CSV feed exporter (lists joined, nested fields as JSON);
* :mod:`.latest`: the extension that writes ``latest.json`` next to the run's JSON Lines / JSON output;
* :mod:`.jsonl`: the default run's exactly-once JSON Lines writer.

See ``docs/exports.md``.
"""
