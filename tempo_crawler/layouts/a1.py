"""Layout A1: the Tempo desktop article page of ≈2018–2020 (docs/site.md §3, A1 column).

Signature: ``div#isi`` (body), ``h1[itemprop=headline]``, ``span#date`` and ``#article #author`` whose
text carries ``reporter:`` / ``editor:`` prefixes, without the A2 markers (``article.detail-artikel``,
``div.block-avatar``) and without Nuxt (B) markers. The body walk and the related cards are the A-era
ones it shares with the AMP parser (``layouts/a_era.py``).
"""

from __future__ import annotations

import re

from tempo_crawler.items import Article
from tempo_crawler.layouts.a_era import AMP_HTML, NUXT_SITE, body_paras, element_text, first, first_text, related_cards
from tempo_crawler.layouts.base import LayoutParser, Page, ParsedPage, assemble_body, has_class
from tempo_crawler.layouts.jsonld import ld_article, ld_image, ld_keywords, ld_people, ld_text
from tempo_crawler.text.normalize import clean_or_none, unique_texts
from tempo_crawler.urls import article_id

# "reporter: Name editor: Name" (docs/site.md §3, A1 ``#article #author``).
_ROLE_RE = re.compile(r"\b(reporter|penulis|editor)\s*:\s*", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\s&\s|\sdan\s)\s*")


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
    markers = ('//h1[@itemprop="headline"] | //span[@id="date"] | //*[@id="article"]//*[@id="author"]',)

    def parse(self, page: Page) -> ParsedPage:
        sel = page.sel
        ld = ld_article(page)
        scope = first(sel, "#article") or sel
        url = page.canonical()

        title = (ld_text(ld, "headline")
                 or first_text(scope, 'h1[itemprop="headline"]', "h1", ".headline")
                 or page.meta("og:title"))

        reporters = ld_people(ld.get("author"))
        editors = ld_people(ld.get("editor"))
        if not reporters and not editors:
            author_box = first(scope, "#author") or first(sel, "#author")
            reporters, editors = author_roles(element_text(author_box))
        if not reporters:
            reporters = unique_texts(sel.css('[itemprop="author"]').xpath("normalize-space()").getall())
        if not editors:
            editors = unique_texts(sel.css('[itemprop="editor"]').xpath("normalize-space()").getall())

        published = ld_text(ld, "datePublished") or page.meta("article:published_time")
        if not published:
            date = first_text(scope, "span#date", '[itemprop="datePublished"]', ".sub-head > .date")
            time = first_text(scope, "span#time")
            published = f"{date} {time}" if date and time and time not in date else date
        modified = ld_text(ld, "dateModified") or page.meta("article:modified_time")

        lead_figure = first(scope, "figure")
        ld_url, ld_caption = ld_image(ld)
        image_url = (ld_url
                     or (page.absolute(lead_figure.css("a::attr(href)").get()) if lead_figure is not None else None)
                     or (page.absolute(lead_figure.css("img::attr(src)").get()) if lead_figure is not None else None)
                     or page.meta("og:image"))
        figcaption = first_text(lead_figure, "figcaption") if lead_figure is not None else None
        alt = clean_or_none(lead_figure.css("img::attr(alt)").get()) if lead_figure is not None else None
        caption = ld_caption or figcaption or alt

        isi = first(sel, "div#isi", "#isi")
        parts = assemble_body(body_paras(isi, page) if isi is not None else [], captions=(caption, figcaption, alt))

        section = (first_text(sel, ".breadcrumbs > li:nth-child(2)")
                   or clean_or_none((sel.css('[itemprop="name"]').xpath("normalize-space()").getall() or [None])[-1])
                   or ld_text(ld, "articleSection"))
        tags = ld_keywords(ld) or unique_texts([element_text(a) or "" for a in scope.css(".tags li a")])

        article = Article(
            id=article_id(url), url=url, layout=self.name, section=section, title=title, lead=None,
            reporters=reporters, editors=editors, published_at=published, modified_at=modified,
            image_url=image_url, image_caption=caption, tags=tags, related=related_cards(sel.css("div.card-box"), page),
            is_free=True, truncated=False, crawled_at=page.crawled_at(), **parts.article_fields(),
        )
        return ParsedPage(article)
