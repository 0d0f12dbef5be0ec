"""``/indeks`` HTML listings: the new site's (docs/site.md §6) and the A2/A1 ones (§4).

The new site's index is paged by query (``/indeks?page=N``, optionally ``category=…``), not by a next link: a
page that lists articles and shows no pagination links at all is followed by the same URL with ``page`` + 1;
paging ends at a page that lists nothing (or at the spider's page bound, or at a page repeating the previous
one). A page with pagination links but no next one is the last page."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from parsel import Selector

from tempo_crawler.sources import ArticleRef, Listing, Source, base_url, register, rubric
from tempo_crawler.urls import is_article_url

NAME = "indeks"
_LINKS = (
    # B (fakhryfernanda selectors.py; one other scraper for the aria-label form)
    "div.flex.flex-col.divide-y.divide-neutral-500 > div > figure > figcaption > p > a::attr(href)",
    "figure.flex a::attr(href)",
    'a[aria-label^="Baca artikel:"]::attr(href)',
    # B as a December 2025 scraper read /indeks?category=contentCategory&content_category=berita&page=N
    "figure.contents a::attr(href)",
    # A2 and A1
    "div.card-box article.text-card h2.title a::attr(href)",
    "section.list.list-type-1 ul li a::attr(href)",
)
# A filled listing after JavaScript ran (rendering waits for it).
READY = ('a[aria-label^="Baca artikel:"], div.divide-y figure a[href], figure.flex a[href], figure.contents a[href], '
         "div.card-box article a[href], section.list ul li a[href]")
_NEXT = ('a[rel="next"]::attr(href)', "a.next::attr(href)", 'a[aria-label="Next"]::attr(href)')
# Pagination that shows this is the last page (a way back, no way on): then there is no next page to guess.
_PAGINATION = ('a[rel="prev"]', "a.prev", "li.prev", 'nav[aria-label="Pagination"]', "ul.pagination")


def parse(body: bytes | str, url: str, base: str) -> Listing:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    sel = Selector(text=text)
    seen: set[str] = set()
    refs = []
    for css in _LINKS:
        for href in sel.css(css).getall():
            absolute = urljoin(url, href.strip())
            if absolute not in seen and is_article_url(absolute):
                seen.add(absolute)
                refs.append(ArticleRef(url=absolute, source=NAME))
    nxt = next((h for css in _NEXT if (h := sel.css(css).get())), None)
    if not refs:
        return Listing()
    if nxt:
        return Listing(refs=refs, next_url=urljoin(url, nxt))
    paged_by_links = any(sel.css(css) for css in _PAGINATION)
    return Listing(refs=refs, next_url=None if paged_by_links else next_page_by_query(url))


def next_page_by_query(url: str) -> str | None:
    """``/indeks?…&page=N`` → the same URL with ``page=N+1`` (``page=2`` when it has none); None for URLs of
    the dated A-era index (``/indeks/YYYY-MM-DD/``), which pages by link only."""
    parts = urlsplit(url)
    if parts.path.rstrip("/") != "/indeks":
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    current = next((v for k, v in query if k == "page"), "1")
    try:
        number = int(current) + 1
    except ValueError:
        return None
    if any(k == "page" for k, _ in query):
        query = [(k, str(number) if k == "page" else v) for k, v in query]
    else:
        query.append(("page", str(number)))
    return urlunsplit(parts._replace(query=urlencode(query)))


@register
class IndeksSource(Source):
    name = NAME
    html = True
    ready = READY

    def first_url(self, settings: Any) -> str:
        return f"{base_url(settings)}/indeks?page=1&category=rubrik&rubric_slug={rubric(settings)}"

    def parse(self, body: bytes, url: str, base: str) -> Listing:
        return parse(body, url, base)
