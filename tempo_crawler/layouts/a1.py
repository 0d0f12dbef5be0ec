"""Layout A1: the Tempo desktop article page of ≈2018–2020 (docs/site.md §3, A1 column).

Signature: ``div#isi`` (body), ``h1[itemprop=headline]``, ``span#date`` and ``#article #author`` whose
text carries ``reporter:`` / ``editor:`` prefixes, without the A2 markers (``article.detail-artikel``,
``div.block-avatar``) and without Nuxt (B) markers. The body walk and the related cards are the A-era
ones it shares with the AMP parser (``layouts/a_era.py``).
"""

from __future__ import annotations

import re
from typing import Any

from tempo_crawler.items import Article
from tempo_crawler.layouts.a_era import AMP_HTML, NUXT_SITE, body_paras, element_text, first_text, related_cards
from tempo_crawler.layouts.base import LayoutParser, Page, ParsedPage, has_class
from tempo_crawler.layouts.body import assemble_body
from tempo_crawler.layouts.jsonld import ld_article, ld_image, ld_keywords, ld_people, ld_text
from tempo_crawler.layouts.xpath import css, node, string, xpath
from tempo_crawler.text.normalize import clean_or_none, unique_texts
from tempo_crawler.urls import article_id

# "reporter: Name editor: Name" (docs/site.md §3, A1 ``#article #author``).
_ROLE_RE = re.compile(r"\b(reporter|penulis|editor)\s*:\s*", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\s&\s|\sdan\s)\s*")

_ARTICLE = css("#article")
_TITLE = tuple(css(q) for q in ('h1[itemprop="headline"]', "h1", ".headline"))
_AUTHOR_BOX = css("#author")
_AUTHORS, _EDITORS = css('[itemprop="author"]'), css('[itemprop="editor"]')
_NORMALIZED = xpath("normalize-space()")
_DATE = tuple(css(q) for q in ("span#date", '[itemprop="datePublished"]', ".sub-head > .date"))
_TIME = css("span#time")
_FIGURE = css("figure")
_FIGURE_LINK, _FIGURE_SRC, _FIGURE_ALT = css("a::attr(href)"), css("img::attr(src)"), css("img::attr(alt)")
_FIGCAPTION = css("figcaption")
_BODY = (css("div#isi"), css("#isi"))
_BREADCRUMB = css(".breadcrumbs > li:nth-child(2)")
_NAMES = css('[itemprop="name"]')
_TAGS = css(".tags li a")
_CARDS = css("div.card-box")


def _normalized(el: Any, query: Any) -> list[str]:
    """``normalize-space()`` of every node a query selects."""
    return [_NORMALIZED(n) for n in query(el)]


def author_roles(text: str | None) -> tuple[list[str], list[str]]:
    """Split ``reporter: A editor: B`` into ``([A], [B])``; names separated by commas or ``dan``."""
    reporters: list[str] = []
    editors: list[str] = []
    if not text:
        return reporters, editors
    marks = list(_ROLE_RE.finditer(text))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        names = [n.strip(" |-\u2013\u2014") for n in _NAME_SPLIT.split(text[m.end():end].strip())]
        (editors if m.group(1).lower() == "editor" else reporters).extend(n for n in names if n)
    return unique_texts(reporters), unique_texts(editors)


class A1Parser(LayoutParser):
    name = "A1"
    example = "https://dunia.tempo.co/read/1221983/masyarakat-iran-tak-mencemaskan-ketegangan-dengan-amerika-serikat"
    ready = "div#isi p"
    # Not AMP, not the Nuxt site, not A2 (its article box and avatar block).
    excludes = (AMP_HTML, NUXT_SITE, f"//article[{has_class('detail-artikel')}] | //div[{has_class('block-avatar')}]")
    requires = ('//div[@id="isi"]',)
    markers = ('//h1[@itemprop="headline"] | //span[@id="date"] | //@id[.="article"]/..//@id[.="author"]',)

    def parse(self, page: Page) -> ParsedPage:
        root = page.root
        ld = ld_article(page)
        scope = node(root, _ARTICLE)
        scope = root if scope is None else scope
        url = page.canonical()

        title = ld_text(ld, "headline") or first_text(scope, *_TITLE) or page.meta("og:title")

        reporters = ld_people(ld.get("author"))
        editors = ld_people(ld.get("editor"))
        if not reporters and not editors:
            author_box = node(scope, _AUTHOR_BOX)
            author_box = node(root, _AUTHOR_BOX) if author_box is None else author_box
            reporters, editors = author_roles(element_text(author_box))
        if not reporters:
            reporters = unique_texts(_normalized(root, _AUTHORS))
        if not editors:
            editors = unique_texts(_normalized(root, _EDITORS))

        published = ld_text(ld, "datePublished") or page.meta("article:published_time")
        if not published:
            date = first_text(scope, *_DATE)
            time = first_text(scope, _TIME)
            published = f"{date} {time}" if date and time and time not in date else date
        modified = ld_text(ld, "dateModified") or page.meta("article:modified_time")

        figure = node(scope, _FIGURE)
        ld_url, ld_caption = ld_image(ld)
        image_url = (ld_url or page.absolute(string(figure, _FIGURE_LINK)) or page.absolute(string(figure, _FIGURE_SRC))
                     or page.meta("og:image"))
        figcaption = first_text(figure, _FIGCAPTION)
        alt = clean_or_none(string(figure, _FIGURE_ALT))
        caption = ld_caption or figcaption or alt

        isi = node(root, *_BODY)
        parts = assemble_body(body_paras(isi, page) if isi is not None else [], captions=(caption, figcaption, alt))

        section = (first_text(root, _BREADCRUMB)
                   or clean_or_none((_normalized(root, _NAMES) or [None])[-1])
                   or ld_text(ld, "articleSection"))
        tags = ld_keywords(ld) or unique_texts([element_text(a) or "" for a in _TAGS(scope)])

        article = Article(
            id=article_id(url), url=url, layout=self.name, section=section, title=title, lead=None,
            reporters=reporters, editors=editors, published_at=published, modified_at=modified,
            image_url=image_url, image_caption=caption, tags=tags, related=related_cards(_CARDS(root), page),
            is_free=True, truncated=False, crawled_at=page.crawled_at(), **parts.article_fields(),
        )
        return ParsedPage(article)
