"""Layout ``JSONLD``: a page of no known layout read from its schema.org JSON-LD alone (docs/site.md §5
"JSON-LD fallback").

A redesign (or an old-system page of 2026, whose markup nobody has seen) should not cost a run its articles,
nor be read silently: when no layout parser recognises a page but it carries a ``NewsArticle``/``Article``
(at the top level, in a list or in an ``@graph``) with a headline, a publication date and an ``articleBody``,
the item is read from that object only: the body is ``articleBody`` split into paragraphs and cleaned like
any other (dateline, inserts, agency credit, chrome: :func:`~tempo_crawler.layouts.body.assemble_body`);
nothing is read from the DOM, which is unknown. The parser is registered last, so it only ever sees pages
every other layout refused. The spider counts such pages, keeps a copy for review and warns once per run.
A page without such JSON-LD is not this layout (it is quarantined).
"""

from __future__ import annotations

from tempo_crawler.items import Article
from tempo_crawler.layouts.base import LayoutParser, Page, ParsedPage
from tempo_crawler.layouts.body import Para, assemble_body
from tempo_crawler.layouts.jsonld import (
    ld_body_lines,
    ld_complete_article,
    ld_false,
    ld_image,
    ld_keywords,
    ld_people,
    ld_section,
    ld_text,
    ld_url,
)
from tempo_crawler.urls import article_id, canonical_url


class JSONLDParser(LayoutParser):
    name = "JSONLD"
    ready = ""   # nothing to wait for in a browser: the JSON-LD is in the HTML the server sends

    def matches(self, page: Page) -> bool:
        return ld_complete_article(page) is not None

    def parse(self, page: Page) -> ParsedPage:
        ld = ld_complete_article(page) or {}
        own = ld_url(ld)
        url = canonical_url(own if own and article_id(own) else page.url)
        image_url, image_caption = ld_image(ld)
        parts = assemble_body([Para(line) for line in ld_body_lines(ld.get("articleBody") or "")],
                              captions=(image_caption,))
        is_free = not ld_false(ld.get("isAccessibleForFree"))
        article = Article(
            id=article_id(url), url=url, layout=self.name, section=ld_section(ld),
            title=ld_text(ld, "headline"), lead=ld_text(ld, "description"),
            reporters=ld_people(ld.get("author")), editors=ld_people(ld.get("editor")),
            published_at=ld_text(ld, "datePublished"), modified_at=ld_text(ld, "dateModified"),
            image_url=image_url, image_caption=image_caption, tags=ld_keywords(ld), related=[],
            is_free=is_free, truncated=not is_free, crawled_at=page.crawled_at(), **parts.article_fields(),
        )
        return ParsedPage(article, dom_body=[])   # nothing read from the DOM: the canary sees a fallback
