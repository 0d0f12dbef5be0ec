"""Item pipelines: clean → normalise → validate → schema → dedupe (in the run, then across runs). Each
step is a pure function plus a thin Scrapy wrapper (:class:`.base.ArticlePipeline`) that counts what it did
in the stats (``tempo/...``)."""

from tempo_crawler.pipelines.clean import clean_article
from tempo_crawler.pipelines.normalise import normalise_article


def finalize(article):  # noqa: ANN001, ANN201 - re-exported convenience
    """What the pipelines do to a parsed article before validation: clean, then normalise."""
    return normalise_article(clean_article(article))


__all__ = ["clean_article", "normalise_article", "finalize"]
