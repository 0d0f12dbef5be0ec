"""Item pipelines: clean → normalise → validate → schema → dedupe (in the run, then across runs). Each
step is a pure function plus a thin Scrapy wrapper (:class:`.base.ArticlePipeline`) that counts what it did
in the stats (``tempo/...``)."""
