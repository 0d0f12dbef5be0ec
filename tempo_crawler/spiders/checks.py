"""The spider's ``scrapy check`` methods, generated from the registries: one per layout parser (its
``example`` page must be read by that parser into an item that would be exported) and one per discovery
source (its first listing page must list at least one article, or a sitemap index further sitemaps). The
contracts are explained in :mod:`tempo_crawler.contracts`; ``scrapy check world -l`` lists the methods.

They call the spider's own readers (``parse_article``; ``read_listing``, which ``parse_listing`` uses), so
a check fails when the crawl would read that page wrongly. A source check reads its page on its own (the
crawl would skip articles another source scheduled first).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from scrapy.http import Request, Response

from tempo_crawler import sources
from tempo_crawler.layouts import PARSERS


def _layout_check(code: str, example: str) -> Callable[..., Iterable[Any]]:
    def check(self: Any, response: Response) -> Iterable[Any]:
        return self.parse_article(response)

    check.__name__ = f"check_layout_{code.lower()}"
    check.__doc__ = f"""Layout {code}: its example page is read by the {code} parser and would be exported.

        @tempo_url {example}
        @returns items 1 1
        @layout {code}
        @exports
        """
    return check


def _source_check(name: str) -> Callable[..., Iterable[Any]]:
    def check(self: Any, response: Response, source: str = name) -> Iterable[Any]:
        """What the page lists: article references, and child sitemaps as requests."""
        listing = self.read_listing(sources.get(source), response, source)
        if listing is None:
            return []
        return [*listing.refs, *(Request(url) for url in listing.sitemaps)]

    check.__name__ = f"check_source_{name}"
    check.__doc__ = f"""Source {name}: its first listing page on TEMPO_BASE_URL lists articles.

        @source {name}
        @lists
        """
    return check


class ContractChecks:
    """Mixin of the generated check methods (one per layout, one per source)."""


for _parser in PARSERS:
    if _parser.example:
        _method = _layout_check(_parser.name, _parser.example)
        setattr(ContractChecks, _method.__name__, _method)
for _name in sources.NAMES:
    _method = _source_check(_name)
    setattr(ContractChecks, _method.__name__, _method)
