"""The extractors the parse benchmarks compare, behind one interface: HTML + URL in, :class:`Extract` out.

* ``ours``        ``tempo_crawler.layouts.parse_page`` (layout detection + parser) then clean + normalise
                  (what the crawl exports); ``parse`` times the layout part alone, as issue 14 defines it.
* ``lxml``        bare ``lxml.html.fromstring`` of the same text: the floor, extracts nothing.
* ``parsel``      ``parsel.Selector(text=…)`` construction: what any Scrapy callback pays first.
* ``lxml+fields`` the floor of any extractor of these pages: the bare parse plus the reads every one of them
                  makes (the JSON-LD decoded, the ``<meta>`` tags, the text of every ``<p>``, ``<h1>`` and
                  ``<title>``), with no layout detection and no rule; its output is not scored.
* ``trafilatura`` ``trafilatura.extract(…, with_metadata=True, output_format="json")``, its defaults.
* ``newspaper4k`` ``newspaper.Article(url, fetch_images=False)``, ``download(input_html=…)``, ``parse()``.
* ``fundus``      Fundus has no Tempo parser and no generic article extractor (its bodies come from
                  per-publisher XPaths); what it exposes generically is used: ``get_ld_content`` (JSON-LD)
                  and ``get_meta_content``, ``parse_title_from_root``, ``generic_author_parsing``,
                  ``generic_date_parsing``; the body is the JSON-LD ``articleBody`` split into lines.

A tool whose package is missing reports why (``unavailable``) instead of numbers.
"""

from __future__ import annotations

import importlib.util
import json
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

TOOLS = ("ours", "lxml", "parsel", "lxml+fields", "trafilatura", "newspaper4k", "fundus")
# The tools that extract an article (the others are floors: they parse and extract nothing).
EXTRACTORS = ("ours", "trafilatura", "newspaper4k", "fundus")
_PACKAGES = {"trafilatura": "trafilatura", "newspaper4k": "newspaper", "fundus": "fundus"}
PYPI = {"trafilatura": "trafilatura", "newspaper4k": "newspaper4k", "fundus": "fundus"}


@dataclass
class Extract:
    title: str | None = None
    body: list[str] = field(default_factory=list)
    published_at: datetime | str | None = None
    reporters: list[str] | None = None      # None: the tool has no such notion
    editors: list[str] | None = None
    layout: str | None = None               # ours only: the layout it detected


def unavailable(tool: str) -> str | None:
    """Why ``tool`` cannot run here (package not installed or broken import), or None."""
    package = _PACKAGES.get(tool)
    if package is None:
        return None
    if importlib.util.find_spec(package) is None:
        return f"not installed (pip install '.[bench]' brings {PYPI[tool]})"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            importlib.import_module(package)
    except Exception as exc:  # noqa: BLE001 - report, never crash the benchmark
        return f"import fails: {type(exc).__name__}: {exc}"
    return None


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# ------------------------------------------------------------------------------------------ ours

def ours_parse(url: str, html: str, fetched_at: datetime) -> Any:
    """Layout detection + parser: the figure issue 14 compares with lxml."""
    from tempo_crawler.layouts import parse_page

    return parse_page(url, html, fetched_at)


def ours(url: str, html: str, fetched_at: datetime, extra: dict[str, str] | None = None) -> Extract:
    """What the crawl exports for this page: parse, merge further pages, clean + normalise."""
    from tempo_crawler.layouts.base import merge_pages
    from tempo_crawler.pipelines.clean import clean_article
    from tempo_crawler.pipelines.normalise import normalise_article

    first = ours_parse(url, html, fetched_at)
    if first is None:
        return Extract()
    rest = [p.article for u, h in (extra or {}).items() if (p := ours_parse(u, h, fetched_at)) is not None]
    a = normalise_article(clean_article(merge_pages(first.article, rest)))
    return Extract(a.title, list(a.body), a.published_at, list(a.reporters), list(a.editors), a.layout)


# ------------------------------------------------------------------------------------------ floors

def lxml_floor(url: str, html: str, fetched_at: datetime) -> Any:
    import lxml.html

    return lxml.html.fromstring(html)


def parsel_floor(url: str, html: str, fetched_at: datetime) -> Any:
    from parsel import Selector

    return Selector(text=html)


@lru_cache(maxsize=1)
def _field_reads() -> tuple[Any, Any, Any]:
    """The fields floor's queries (JSON-LD texts, metas, text elements), compiled once."""
    from lxml import etree

    return (etree.XPath("//script[@type='application/ld+json']/text()", smart_strings=False),
            etree.XPath("//meta[@content]"), etree.XPath("//p | //h1 | //title"))


def fields_floor(url: str, html: str, fetched_at: datetime) -> Any:
    """Parse, then the reads any extractor of title, body, date and authors makes."""
    import lxml.html

    ld, meta, text = _field_reads()
    root = lxml.html.fromstring(html)
    found = []
    for raw in ld(root):
        try:
            found.append(json.loads(raw))
        except ValueError:
            pass
    metas = {m.get("property") or m.get("name"): m.get("content") for m in meta(root)}
    texts = [" ".join("".join(el.itertext()).split()) for el in text(root)]
    return found, metas, texts


# ------------------------------------------------------------------------------------------ generic tools

def trafilatura_run(url: str, html: str, fetched_at: datetime) -> str | None:
    import trafilatura

    return trafilatura.extract(html, url=url, with_metadata=True, output_format="json")


def trafilatura_extract(url: str, html: str, fetched_at: datetime) -> Extract:
    raw = trafilatura_run(url, html, fetched_at)
    if not raw:
        return Extract()
    d = json.loads(raw)
    authors = [a.strip() for a in (d.get("author") or "").split(";") if a.strip()]
    return Extract(d.get("title"), _lines(d.get("text")), d.get("date"), authors, None)


def newspaper_run(url: str, html: str, fetched_at: datetime) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from newspaper import Article

        article = Article(url, fetch_images=False)
        article.download(input_html=html)
        article.parse()
    return article


def newspaper_extract(url: str, html: str, fetched_at: datetime) -> Extract:
    a = newspaper_run(url, html, fetched_at)
    return Extract(a.title or None, _lines(a.text), a.publish_date, list(a.authors or []), None)


def fundus_run(url: str, html: str, fetched_at: datetime) -> Extract:
    import lxml.html
    from fundus.parser.utility import (
        generic_author_parsing,
        generic_date_parsing,
        get_ld_content,
        get_meta_content,
        parse_title_from_root,
    )

    root = lxml.html.document_fromstring(html)
    ld = get_ld_content(root)
    meta = get_meta_content(root)
    title = ld.bf_search("headline") or meta.get("og:title") or parse_title_from_root(root)
    authors = generic_author_parsing(ld.bf_search("author") or meta.get("author"))
    raw_date = ld.bf_search("datePublished") or meta.get("article:published_time")
    try:
        published = generic_date_parsing(raw_date) if isinstance(raw_date, str) else None
    except (ValueError, OverflowError):
        published = None
    body = ld.bf_search("articleBody")
    return Extract(title if isinstance(title, str) else None, _lines(body if isinstance(body, str) else None),
                   published, authors, None)


# What each tool costs per page (timed) and what it extracts (scored).
TIMED: dict[str, Callable[[str, str, datetime], Any]] = {
    "ours": ours_parse, "lxml": lxml_floor, "parsel": parsel_floor, "lxml+fields": fields_floor,
    "trafilatura": trafilatura_run,
    "newspaper4k": newspaper_run, "fundus": fundus_run,
}
SCORED: dict[str, Callable[..., Extract]] = {
    "ours": ours, "trafilatura": trafilatura_extract, "newspaper4k": newspaper_extract, "fundus": fundus_run,
}
