"""What every layout parser shares: the page it reads, what it returns, how it declares its detection
markers (XPath, with :func:`has_class` as the one class test), and body assembly.

A parser never fetches, logs or reads settings: URL + HTML + fetch time in, Article (or None) out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from tempo_crawler.items import Article, Link, RelatedArticle
from tempo_crawler.limits import MAX_DEPTH, MAX_ELEMENTS
from tempo_crawler.text.chrome import print_title, strip_chrome
from tempo_crawler.text.credits import (
    SummaryBox,
    credit_agency,
    dateline_glued,
    editors_pick_title,
    is_credit_line,
    read_also_title,
    split_dateline,
)
from tempo_crawler.text.dates import parse_relative
from tempo_crawler.text.emails import scrub_emails
from tempo_crawler.text.normalize import clean_text
from tempo_crawler.urls import article_id, canonical_url

# What no HTML parser should see: NUL and the other C0/C1 controls but tab, LF, CR (read as spaces), lone
# surrogates (dropped: half a character, and not encodable).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_WEB_SCHEMES = ("http", "https")


@dataclass
class Page:
    """The page a parser reads: its URL, its HTML (control characters and lone surrogates removed before
    parsing) and the fetch time."""

    url: str
    html: str
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def __post_init__(self) -> None:
        self.html = _SURROGATES.sub("", _CONTROLS.sub(" ", self.html))

    @cached_property
    def sel(self) -> Selector:
        return Selector(text=self.html)

    @cached_property
    def over_budget(self) -> str | None:
        """Why the page's tree is too large to parse (more elements or deeper nesting than any article page,
        :mod:`tempo_crawler.limits`), else None. One linear walk; every later step is then bounded too."""
        count = depth = 0
        for event, _ in etree.iterwalk(self.sel.root, events=("start", "end")):
            if event == "end":
                depth -= 1
                continue
            count, depth = count + 1, depth + 1
            if count > MAX_ELEMENTS:
                return f"more than {MAX_ELEMENTS} elements"
            if depth > MAX_DEPTH:
                return f"elements nested deeper than {MAX_DEPTH}"
        return None

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
                    graph = obj.get("@graph")
                    out.extend(g for g in (graph if isinstance(graph, list) else [graph]) if isinstance(g, dict))
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
        """``href`` resolved against the page URL; None unless that gives an http(s) URL (``mailto:``,
        ``javascript:``, unparsable ones such as ``http://[::1``)."""
        if not href or not isinstance(href, str):
            return None
        try:
            url = urljoin(self.url, href.strip())
            return url if urlsplit(url).scheme.lower() in _WEB_SCHEMES else None
        except ValueError:
            return None

    def crawled_at(self) -> str:
        """Fetch time as the item's ``crawled_at``: ISO 8601 in UTC, whole seconds (a naive time is UTC)."""
        when = self.fetched_at if self.fetched_at.tzinfo else self.fetched_at.replace(tzinfo=timezone.utc)
        return when.astimezone(timezone.utc).isoformat(timespec="seconds")

    def canonical(self) -> str:
        """The URL the page names as its own (``rel=canonical``, ``og:url``) when that is an article URL,
        else the fetched URL; normalised (:func:`canonical_url`). Whether it may stand for the fetched page is
        the spider's question (same article key, allowed host)."""
        href = self.sel.xpath('//link[@rel="canonical"]/@href').get() or self.meta("og:url")
        named = self.absolute(href)
        return canonical_url(named if named and article_id(named) else self.url)


@dataclass
class ParsedPage:
    """A parser's answer: the article, and further pages of it to fetch and merge (``?page_num=N``)."""

    article: Article
    next_pages: list[str] = field(default_factory=list)
    # The body read from the DOM before any JSON-LD fallback (None: the same as ``article.body``); the
    # layout canary (tempo_crawler.monitors) compares it with the JSON-LD ``articleBody``.
    dom_body: list[str] | None = None


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
    bullet: bool = False          # a list item (``<li>``) in the page


@dataclass
class BodyParts:
    body: list[str] = field(default_factory=list)
    dateline: str | None = None
    dateline_glued: bool = False
    read_also: list[Link] = field(default_factory=list)
    editors_pick: Link | None = None
    agency: str | None = None
    summary: list[str] = field(default_factory=list)
    print_title: str | None = None
    closing_credit: str | None = None

    def article_fields(self) -> dict[str, Any]:
        """These parts as keyword arguments of :class:`Article` (the field names are the same)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def assemble_body(paras: list[Para], *, captions: tuple[str | None, ...] = ()) -> BodyParts:
    """Classify body paragraphs: dateline cut from the first, "Baca juga" and "Pilihan Editor" inserts
    pulled out, the closing credit line set apart (``closing_credit``; its agencies in ``agency``), chrome
    lines and repeated captions dropped; the "Ringkasan Berita" bullets and the print-edition note set apart
    (``summary``, ``print_title``)."""
    parts = BodyParts()
    skip = {clean_text(c).casefold() for c in captions if c}
    kept: list[Para] = []
    in_baca_list = False
    summary = SummaryBox()
    for p in paras:
        text = strip_chrome(clean_text(scrub_emails(p.text)))
        if not text or text.casefold() in skip:
            continue
        if summary.take(text, bullet=p.bullet):
            continue
        printed = print_title(text)
        if printed is not None:
            parts.print_title = printed
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
    parts.summary = summary.bullets
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


_HEAD_LABELS = ("reporter", "editor", "penulis")


def _without_repeated_head(body: list[str], first: Article, page: Article) -> list[str]:
    """A later page's body without the page head it repeats before its first subhead (docs/site.md §8: page 2
    of a ``?page_num=2`` article prints title, editor and caption again): leading paragraphs that are the
    title, a byline label or name, or a caption are dropped."""
    head = {clean_text(t).casefold() for t in (first.title, page.title, first.image_caption, page.image_caption,
                                               *_HEAD_LABELS, *first.reporters, *first.editors, *page.reporters,
                                               *page.editors) if t}
    start = 0
    while start < len(body) and clean_text(body[start]).casefold() in head:
        start += 1
    return body[start:]


def merge_pages(first: Article, rest: list[Article]) -> Article:
    """One item from a multi-page article (``?page_num=N``): bodies and inserts joined in page order;
    the closing parts (editor's pick, agency, tags, related, print-edition title) from the last page that
    has them; the summary from the first page that has one (later pages repeat the page head)."""
    merged = first
    for nxt in rest:
        merged.summary = merged.summary or nxt.summary
        merged.print_title = nxt.print_title or merged.print_title
        merged.body = merged.body + _without_repeated_head(nxt.body, first, nxt)
        merged.read_also = merged.read_also + nxt.read_also
        merged.editors_pick = nxt.editors_pick or merged.editors_pick
        if nxt.closing_credit:
            merged.closing_credit, merged.agency = nxt.closing_credit, nxt.agency
        merged.tags = merged.tags or nxt.tags
        merged.related = nxt.related or merged.related
    return merged
