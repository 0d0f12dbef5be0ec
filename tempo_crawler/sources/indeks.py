"""``/indeks`` HTML listings: the new site's (docs/site.md §6) and the A2/A1 ones (§4)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from tempo_crawler.sources import ArticleRef, Listing, Source, base_url, register, rubric
from tempo_crawler.urls import is_article_url

NAME = "indeks"
_LINKS = (
    # B (fakhryfernanda selectors.py; one other scraper for the aria-label form)
    "div.flex.flex-col.divide-y.divide-neutral-500 > div > figure > figcaption > p > a::attr(href)",
    "figure.flex a::attr(href)",
    'a[aria-label^="Baca artikel:"]::attr(href)',
    # A2 and A1
    "div.card-box article.text-card h2.title a::attr(href)",
    "section.list.list-type-1 ul li a::attr(href)",
)
# A filled listing after JavaScript ran (rendering waits for it).
READY = ('a[aria-label^="Baca artikel:"], div.divide-y figure a[href], figure.flex a[href], '
         "div.card-box article a[href], section.list ul li a[href]")
_NEXT = ('a[rel="next"]::attr(href)', "a.next::attr(href)", 'a[aria-label="Next"]::attr(href)')


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
    return Listing(refs=refs, next_url=urljoin(url, nxt) if nxt and refs else None)


@register
class IndeksSource(Source):
    name = NAME
    html = True
    ready = READY

    def first_url(self, settings: Any) -> str:
        return f"{base_url(settings)}/indeks?page=1&category=rubrik&rubric_slug={rubric(settings)}"

    def parse(self, body: bytes, url: str, base: str) -> Listing:
        return parse(body, url, base)
