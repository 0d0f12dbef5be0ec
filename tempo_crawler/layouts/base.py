"""What every layout parser shares: the page it reads (parsed once into one lxml tree), what it returns, how
it declares its detection markers (XPath, with :func:`has_class` as the one class test, compiled once and
asked once per page), and how the pages of a multi-page article are merged. Body assembly: :mod:`.body`; the compiled
queries: :mod:`.xpath`.

A parser never fetches, logs or reads settings: URL + HTML + fetch time in, Article (or None) out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from tempo_crawler.items import Article
from tempo_crawler.layouts.xpath import has_class as has_class  # the one class test, re-exported for parsers
from tempo_crawler.layouts.xpath import html_root, xpath
from tempo_crawler.limits import MAX_DEPTH, MAX_ELEMENTS
from tempo_crawler.text.normalize import clean_text
from tempo_crawler.urls import article_id, canonical_url

# What no HTML parser should see: NUL and the other C0/C1 controls but tab, LF, CR (read as spaces), lone
# surrogates (dropped: half a character, and not encodable).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATES = re.compile("[\ud800-\udfff]")
# The same characters found in the UTF-8 bytes the parser reads (C0 controls are single bytes; C1 controls and
# surrogates two- and three-byte sequences): the usual page has none, and is not copied twice to find out.
_C0_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_SURROGATE_UTF8 = re.compile(rb"\xed[\xa0-\xbf]")
_WEB_SCHEMES = ("http", "https")

# The parse budget in C: the element count, and whether any element sits deeper than MAX_DEPTH (the root
# is at depth 1, each ``*`` step one deeper).
_ELEMENTS = xpath("count(descendant-or-self::*)")
_TOO_DEEP = xpath("boolean(" + "/".join(["*"] * MAX_DEPTH) + ")")
_JSONLD = xpath('//script[@type="application/ld+json"]/text()')
_METAS = xpath("//meta[@content][@property or @name]")
_CANONICAL = xpath('//link[@rel="canonical"]/@href')
_MARKERS: dict[str, Any] = {}   # every layout's detection XPath, compiled once (LayoutParser.__init_subclass__)


@dataclass
class Page:
    """The page a parser reads: its URL, its HTML (control characters and lone surrogates removed before
    parsing) and the fetch time. ``root`` is its one lxml tree."""

    url: str
    html: str
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    _utf8: bytes | None = field(default=None, init=False, repr=False, compare=False)
    # Detection markers already asked of this page (layouts share some: A-era pages are asked "is this the
    # Nuxt site?" by A2 and A1).
    _found: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        raw = self.html.encode("utf-8", "surrogatepass")
        if (len(raw.translate(None, _C0_BYTES)) == len(raw) and not _C1_UTF8.search(raw)
                and not _SURROGATE_UTF8.search(raw)):
            self._utf8 = raw   # nothing to remove: the parser reads these bytes
        else:
            self.html = _SURROGATES.sub("", _CONTROLS.sub(" ", self.html))

    @cached_property
    def root(self) -> Any:
        """The page's tree (parsed as parsel parses it; the layouts run compiled queries on it)."""
        return html_root(self.html, self._utf8)

    @cached_property
    def sel(self) -> Selector:
        """The same tree as a parsel ``Selector`` (for ad-hoc queries; the layouts use ``root``)."""
        return Selector(root=self.root, type="html")

    @cached_property
    def over_budget(self) -> str | None:
        """Why the page's tree is too large to parse (more elements or deeper nesting than any article page,
        :mod:`tempo_crawler.limits`), else None. Two linear passes in C; every later step is then bounded too."""
        elements = _ELEMENTS(self.root)
        # Depth never exceeds the element count: a page of at most MAX_DEPTH elements needs no depth pass.
        if elements <= MAX_ELEMENTS and (elements <= MAX_DEPTH or not _TOO_DEEP(self.root)):
            return None
        count = depth = 0   # over: which limit the document order meets first
        for event, _ in etree.iterwalk(self.root, events=("start", "end")):
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
        for raw in _JSONLD(self.root):
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

    def has(self, marker: str) -> bool:
        """Does the detection XPath ``marker`` (a layout's declared one, compiled once) select anything here?"""
        found = self._found.get(marker)
        if found is None:
            found = self._found[marker] = bool(_MARKERS[marker](self.root))
        return found

    def jsonld_of(self, *types: str) -> dict[str, Any] | None:
        for obj in self.jsonld:
            t = obj.get("@type")
            names = t if isinstance(t, list) else [t]
            if any(n in types for n in names):
                return obj
        return None

    @cached_property
    def metas(self) -> dict[str, str]:
        """``content`` of the first ``<meta>`` (document order) whose ``property`` or ``name`` is the key:
        one pass over the tree for every :meth:`meta` question."""
        found: dict[str, str] = {}
        for el in _METAS(self.root):
            for attr in ("property", "name"):
                key = el.get(attr)
                if key is not None and key not in found:
                    found[key] = el.get("content")
        return found

    def meta(self, key: str) -> str | None:
        return clean_text(self.metas.get(key)) or None

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
        found = _CANONICAL(self.root)
        href = (found[0] if found else None) or self.meta("og:url")
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
    tests that are not XPath). Each group is compiled once into one test (``requires`` asked first: the
    cheapest). ``ready`` is the CSS selector (state "attached") that shows, in a browser,
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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for marker in (*cls.excludes, *cls.requires, *cls.markers):
            if marker not in _MARKERS:
                _MARKERS[marker] = xpath(f"boolean({marker})")

    def matches(self, page: Page) -> bool:
        if not all(page.has(x) for x in self.requires) or any(page.has(x) for x in self.excludes):
            return False
        return any(page.has(x) for x in self.markers) or self.more_evidence(page)

    def more_evidence(self, page: Page) -> bool:
        """Evidence beyond the XPath ``markers``, asked when none of them matched (default: none)."""
        return False

    def parse(self, page: Page) -> ParsedPage:
        raise NotImplementedError


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
