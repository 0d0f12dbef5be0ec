"""What every layout parser shares: the page it reads, what it returns, how it declares its detection
markers (XPath, with :func:`has_class` as the one class test), and body assembly.

A parser never fetches, logs or reads settings: URL + HTML + fetch time in, Article (or None) out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import urljoin

from parsel import Selector

from tempo_crawler.items import Article, Link, RelatedArticle
from tempo_crawler.text.chrome import is_chrome, scrub_emails
from tempo_crawler.text.credits import (
    credit_agency,
    dateline_glued,
    editors_pick_title,
    is_credit_line,
    read_also_title,
    split_dateline,
)
from tempo_crawler.text.dates import parse_relative
from tempo_crawler.text.normalize import clean_text
from tempo_crawler.urls import article_id, canonical_url


@dataclass
class Page:
    url: str
    html: str
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @cached_property
    def sel(self) -> Selector:
        return Selector(text=self.html)

    @cached_property
    def jsonld(self) -> list[dict[str, Any]]:
        """Every JSON-LD object on the page, ``@graph`` members flattened; broken blocks skipped."""
        out: list[dict[str, Any]] = []
        for raw in self.sel.xpath('//script[@type="application/ld+json"]/text()').getall():
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            stack = data if isinstance(data, list) else [data]
            for obj in stack:
                if isinstance(obj, dict):
                    out.extend(g for g in obj.get("@graph", []) if isinstance(g, dict))
                    out.append(obj)
        return out

    def jsonld_of(self, *types: str) -> dict[str, Any] | None:
        for obj in self.jsonld:
            t = obj.get("@type")
            names = t if isinstance(t, list) else [t]
            if any(n in types for n in names):
                return obj
        return None

    def meta(self, key: str) -> str | None:
        v = self.sel.xpath(f'//meta[@property="{key}" or @name="{key}"]/@content').get()
        return clean_text(v) or None

    def absolute(self, href: str | None) -> str | None:
        return urljoin(self.url, href.strip()) if href else None

    def crawled_at(self) -> str:
        """Fetch time as the item's ``crawled_at``: ISO 8601 in UTC, whole seconds (a naive time is UTC)."""
        when = self.fetched_at if self.fetched_at.tzinfo else self.fetched_at.replace(tzinfo=timezone.utc)
        return when.astimezone(timezone.utc).isoformat(timespec="seconds")

    def canonical(self) -> str:
        href = self.sel.xpath('//link[@rel="canonical"]/@href').get() or self.meta("og:url")
        if href and article_id(self.absolute(href) or ""):
            return canonical_url(self.absolute(href) or self.url)
        return canonical_url(self.url)


@dataclass
class ParsedPage:
    """A parser's answer: the article, and further pages of it to fetch and merge (``?page_num=N``)."""

    article: Article
    next_pages: list[str] = field(default_factory=list)


def has_class(*names: str) -> str:
    """XPath predicate: the element has every one of these CSS classes (``//div[{has_class("a", "b")}]``)."""
    return " and ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {n} ')" for n in names)


@dataclass(frozen=True)
class ShellMarkers:
    """How a client-rendered shell of a layout's site looks (content inserted later by JavaScript)."""

    mounts: tuple[str, ...] = ()  # ids of mount points that are empty in a shell
    states: tuple[str, ...] = ()  # script substrings (whitespace removed): the server did not render the page
    stubs: tuple[str, ...] = ()   # script substrings of a state stub: a shell only on a page without text


class LayoutParser:
    """Base of a layout parser: ``matches`` says whether the page is of this layout, ``parse`` reads it.

    A layout declares its own detection markers (XPath): none of ``excludes`` may match, every one of
    ``requires`` must, and then any one of ``markers`` is enough (:meth:`more_evidence` may add content
    tests that are not XPath). ``ready`` is the CSS selector (state "attached") that shows, in a browser,
    that JavaScript has put the article text in the DOM; ``shell``, for a site that may send a
    client-rendered shell, what such a shell looks like. ``example`` is a live page of this layout
    (``scrapy check`` reads it, :mod:`tempo_crawler.contracts`).
    """

    name: ClassVar[str]
    ready: ClassVar[str]
    example: ClassVar[str] = ""
    excludes: ClassVar[tuple[str, ...]] = ()
    requires: ClassVar[tuple[str, ...]] = ()
    markers: ClassVar[tuple[str, ...]] = ()
    shell: ClassVar[ShellMarkers | None] = None

    def matches(self, page: Page) -> bool:
        sel = page.sel
        if any(sel.xpath(x) for x in self.excludes) or not all(sel.xpath(x) for x in self.requires):
            return False
        return any(sel.xpath(x) for x in self.markers) or self.more_evidence(page)

    def more_evidence(self, page: Page) -> bool:
        """Evidence beyond the XPath ``markers``, asked when none of them matched (default: none)."""
        return False

    def parse(self, page: Page) -> ParsedPage:
        raise NotImplementedError


@dataclass
class Para:
    """A body paragraph as found in the DOM: its text, the first link in it, whether it is a subhead."""

    text: str
    href: str | None = None
    link_text: str | None = None
    glued_dateline: bool = False  # the parser saw the dateline element run into the text


@dataclass
class BodyParts:
    body: list[str] = field(default_factory=list)
    dateline: str | None = None
    dateline_glued: bool = False
    read_also: list[Link] = field(default_factory=list)
    editors_pick: Link | None = None
    agency: str | None = None
    closing_credit: str | None = None

    def article_fields(self) -> dict[str, Any]:
        """These parts as keyword arguments of :class:`Article` (the field names are the same)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def assemble_body(paras: list[Para], *, captions: tuple[str | None, ...] = ()) -> BodyParts:
    """Classify body paragraphs: dateline cut from the first, "Baca juga" and "Pilihan Editor" inserts
    pulled out, the closing credit line set apart (``closing_credit``; its agencies in ``agency``), chrome
    lines and repeated captions dropped."""
    parts = BodyParts()
    skip = {clean_text(c).casefold() for c in captions if c}
    kept: list[Para] = []
    in_baca_list = False
    for p in paras:
        text = clean_text(scrub_emails(p.text))
        if not text or is_chrome(text) or text.casefold() in skip:
            continue
        pick = editors_pick_title(text)
        if pick is not None:
            parts.editors_pick = Link(title=pick or (p.link_text or ""), url=p.href)
            in_baca_list = False
            continue
        also = read_also_title(text)
        if also is not None:
            if also:
                parts.read_also.append(Link(title=also, url=p.href))
            in_baca_list = not also
            continue
        if in_baca_list and p.href and p.link_text and clean_text(p.link_text) == text:
            parts.read_also.append(Link(title=text, url=p.href))
            continue
        in_baca_list = False
        kept.append(Para(text, p.href, p.link_text, p.glued_dateline))
    if kept:
        city, rest = split_dateline(kept[0].text)
        if city:
            parts.dateline = city
            parts.dateline_glued = kept[0].glued_dateline or dateline_glued(kept[0].text)
            kept[0] = Para(rest, kept[0].href, kept[0].link_text)
            if not rest:
                kept.pop(0)
    if kept and is_credit_line(kept[-1].text):
        parts.closing_credit = kept.pop().text
        parts.agency = credit_agency(parts.closing_credit)
    parts.body = [p.text for p in kept]
    return parts


def related_entry(title: str, url: str | None, relative_time: str | None, image_caption: str | None,
                  summary: str | None, fetched_at: datetime) -> RelatedArticle:
    rel = clean_text(relative_time) or None
    return RelatedArticle(
        title=clean_text(title), url=url, relative_time=rel,
        published_at=parse_relative(rel, fetched_at) if rel else None,
        image_caption=clean_text(image_caption) or None, summary=clean_text(summary) or None,
    )


def merge_pages(first: Article, rest: list[Article]) -> Article:
    """One item from a multi-page article (``?page_num=N``): bodies and inserts joined in page order;
    the closing parts (editor's pick, agency, tags, related) from the last page that has them."""
    merged = first
    for nxt in rest:
        merged.body = merged.body + nxt.body
        merged.read_also = merged.read_also + nxt.read_also
        merged.editors_pick = nxt.editors_pick or merged.editors_pick
        if nxt.closing_credit:
            merged.closing_credit, merged.agency = nxt.closing_credit, nxt.agency
        merged.tags = merged.tags or nxt.tags
        merged.related = nxt.related or merged.related
    return merged
