"""``scrapy check``: Scrapy contracts for every layout and every discovery source, run against
``TEMPO_BASE_URL`` (the live site by default, a mirror or the local replica with ``-s TEMPO_BASE_URL=…``).

The checks are spider methods generated from the registries (:mod:`tempo_crawler.spiders.checks`): one per
layout parser (its ``example`` page) and one per source (its first listing URL). Their docstrings carry
the contracts, in Scrapy's syntax, with these project contracts (enabled in ``SPIDER_CONTRACTS``):

``@tempo_url URL``
    the request URL: ``URL`` on the live site; with another ``TEMPO_BASE_URL`` the same path there
    (``rss.tempo.co`` → ``<base>/rss``), the convention of a mirror and of the replica.
``@source NAME``
    the request URL is the first listing page of source ``NAME`` on ``TEMPO_BASE_URL`` (``cb_kwargs``
    ``source=NAME``).
``@layout CODE``
    every item was read by the ``CODE`` parser (``A1``, ``A2``, ``AMP``, ``B``).
``@lists``
    the listing page lists at least one article URL (or, a sitemap index, further sitemaps).
``@exports``
    every item would be exported: after clean + normalise it has an id, a URL, a title, a body and a date
    (the validate pipeline's rule).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter, is_item
from scrapy.contracts import Contract
from scrapy.exceptions import ContractFail
from scrapy.http import Request

from tempo_crawler import sources
from tempo_crawler.items import Article


def on_base(url: str, settings: Any) -> str:
    """``url`` (a tempo.co URL) as served by ``TEMPO_BASE_URL``: unchanged for the live site, else the same
    path and query on the base (``rss.tempo.co`` under ``/rss``)."""
    base = sources.base_url(settings)
    if base == sources.DEFAULT_BASE.rstrip("/"):
        return url
    parts = urlsplit(url)
    prefix = "/rss" if (parts.hostname or "").lower() == "rss.tempo.co" else ""
    return base + prefix + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _settings(method: Any) -> Any:
    return method.__self__.settings


class TempoUrlContract(Contract):
    name = "tempo_url"

    def __init__(self, method: Any, *args: Any) -> None:
        super().__init__(method, *args)
        self.method = method

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        args["url"] = on_base(self.args[0], _settings(self.method))
        return args


class SourceContract(Contract):
    name = "source"

    def __init__(self, method: Any, *args: Any) -> None:
        super().__init__(method, *args)
        self.method = method

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        name = self.args[0]
        args["url"] = sources.get(name).first_url(_settings(self.method))
        args["cb_kwargs"] = {**(args.get("cb_kwargs") or {}), "source": name}
        return args


def _articles(output: list[Any]) -> list[Article]:
    return [x for x in output if isinstance(x, Article)]


class LayoutContract(Contract):
    name = "layout"

    def post_process(self, output: list[Any]) -> None:
        for item in output:
            if is_item(item):
                layout = ItemAdapter(item).get("layout")
                if layout != self.args[0]:
                    raise ContractFail(f"read as layout {layout!r}, expected {self.args[0]!r}")


class ExportsContract(Contract):
    name = "exports"

    def post_process(self, output: list[Any]) -> None:
        from tempo_crawler.pipelines.clean import clean_article
        from tempo_crawler.pipelines.normalise import normalise_article
        from tempo_crawler.pipelines.validate import problems

        for article in _articles(output):
            found = problems(normalise_article(clean_article(article)))
            if found:
                raise ContractFail(f"{article.url}: would be dropped ({', '.join(found)})")


class ListsContract(Contract):
    name = "lists"

    def post_process(self, output: list[Any]) -> None:
        from tempo_crawler.sources import ArticleRef
        from tempo_crawler.urls import url_era

        articles = [x for x in output if isinstance(x, ArticleRef) and url_era(x.url)]
        if not articles and not any(isinstance(x, Request) for x in output):
            raise ContractFail("lists no article URL and no further sitemap")
