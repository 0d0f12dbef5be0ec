"""Layout AMP: Tempo's A-era AMP article page, ``https://<kanal>.tempo.co/amp/<id>/<slug>`` (docs/site.md §2, §3).

An AMP document (``<html amp>`` / ``<html ⚡>``) with the desktop class names: ``h1.title``,
``h4.date``, ``figcaption.foto-caption``, ``div.detail-in``, ``div.box-tag-detail``; ``Advertising``
labels around ``amp-ad`` slots; inline ``Baca juga: …``; no login block (docs/site.md §3 "AMP page text").

The item's ``url`` is the canonical desktop URL (``<link rel="canonical">`` → ``/read/<id>/<slug>``), so
an AMP page and its desktop twin share id and URL.
"""

from __future__ import annotations

from typing import Any

from tempo_crawler.items import Article
from tempo_crawler.layouts.a_era import AMP_HTML, NUXT_SITE, body_paras, element_text, first_text, related_cards
from tempo_crawler.layouts.base import LayoutParser, Page, ParsedPage, has_class
from tempo_crawler.layouts.body import assemble_body
from tempo_crawler.layouts.jsonld import ld_article, ld_image, ld_keywords, ld_people, ld_text
from tempo_crawler.layouts.xpath import css, node, string, xpath
from tempo_crawler.text.normalize import clean_or_none, unique_texts
from tempo_crawler.urls import article_id, canonical_url

# The main article: the first ``article.detail-artikel`` that is not one of the "next article" teasers
# appended below it (``article.detail-artikel.berikutnya`` in the AMP prototype).
MAIN_XPATH = f"//article[{has_class('detail-artikel')} and not({has_class('berikutnya')})]"
_MAIN = xpath(MAIN_XPATH)
_CANONICAL = xpath('//link[@rel="canonical"]/@href')
_TEMPO_DATELINE = xpath(f"boolean(//div[{has_class('detail-in')}]//p[starts-with(normalize-space(), 'TEMPO.CO')])")
_AVATARS = css("div.text-avatar")
_AVATAR_NAMES = css(".bold")
_AVATAR_LABEL = (css("h4.title:not(.bold)"), css("p:not(.bold)"))
_TITLE = (css("h1.title"), css("h1"))
_AUTHORS, _EDITORS = css('[itemprop="author"]'), css('[itemprop="editor"]')
_NORMALIZED = xpath("normalize-space()")
_DATE = tuple(css(q) for q in ("h4.date", "p.date", ".detail-title .date"))
_PHOTO = (css("div.foto-detail"), css("figure"))
_PHOTO_SRC = css("amp-img::attr(src), img::attr(src)")
_PHOTO_ALT = css("amp-img::attr(alt), img::attr(alt)")
_FIGCAPTION = (css("figcaption.foto-caption"), css("figcaption"))
_BODY = (css("div.detail-in"), css('div[itemprop="articleBody"]'))
_SECTION = (css('ul.sitemap li:nth-child(2) [itemprop="name"]'), css("ul.sitemap li:nth-child(2)"))
_TAG_BOX, _LINKS = css("div.box-tag-detail"), css("a")
_CARDS = css("div.card-box")


def _is_tempo(page: Page) -> bool:
    """Content says Tempo: canonical / og:url on tempo.co, or the site name, or a ``TEMPO.CO`` dateline."""
    refs = _CANONICAL(page.root) + [page.meta("og:url") or ""]
    if any("tempo.co" in r.lower() for r in refs):
        return True
    if "tempo" in (page.meta("og:site_name") or "").lower():
        return True
    return bool(_TEMPO_DATELINE(page.root))


def _avatar_people(scope: Any) -> tuple[list[str], list[str]]:
    """Reporter / editor from ``div.text-avatar`` boxes: label = first ``h4.title`` / ``p``, name = the
    ``.bold`` element (docs/site.md §3). Without labels: index 0 reporter, 1 editor."""
    reporters: list[str] = []
    editors: list[str] = []
    for i, box in enumerate(_AVATARS(scope)):
        names = [element_text(n) or "" for n in _AVATAR_NAMES(box)]
        label_node = node(box, *_AVATAR_LABEL)
        label = (element_text(label_node) or "").casefold() if label_node is not None else ""
        if label.startswith("editor") or (not label and i == 1):
            editors.extend(names)
        else:
            reporters.extend(names)
    return unique_texts(reporters), unique_texts(editors)


class AMPParser(LayoutParser):
    name = "AMP"
    example = "https://dunia.tempo.co/amp/1879931/nato-setujui-bantuan-keamanan-dan-pelatihan-baru-untuk-ukraina"
    ready = "article p"
    excludes = (NUXT_SITE,)
    requires = (AMP_HTML,)
    # Desktop class names an A-era Tempo AMP page carries (docs/site.md §3, AMP prototype).
    markers = (f"//div[{has_class('detail-in')}] | //article[{has_class('detail-artikel')}]"
               f" | //figcaption[{has_class('foto-caption')}] | //div[{has_class('box-tag-detail')}]",)

    def matches(self, page: Page) -> bool:
        """The AMP markers, on a page whose content says it is Tempo's (AMP markup alone is anyone's)."""
        return super().matches(page) and _is_tempo(page)

    def parse(self, page: Page) -> ParsedPage:
        root = page.root
        ld = ld_article(page)
        main_nodes = _MAIN(root)
        main = main_nodes[0] if main_nodes else root
        url = page.canonical()
        if "/amp/" in url and article_id(url):
            # No canonical link: the desktop twin of /amp/<id>/<slug> is /read/<id>/<slug> (docs/site.md §2).
            url = canonical_url(url.replace("/amp/", "/read/", 1))

        title = (ld_text(ld, "headline") or first_text(main, *_TITLE) or page.meta("og:title"))

        reporters = ld_people(ld.get("author"))
        editors = ld_people(ld.get("editor"))
        if not reporters and not editors:
            reporters, editors = _avatar_people(main)
        if not reporters:
            reporters = unique_texts([_NORMALIZED(n) for n in _AUTHORS(main)])
        if not editors:
            editors = unique_texts([_NORMALIZED(n) for n in _EDITORS(main)])

        published = (ld_text(ld, "datePublished") or page.meta("article:published_time")
                     or first_text(main, *_DATE))
        modified = ld_text(ld, "dateModified") or page.meta("article:modified_time")

        photo = node(main, *_PHOTO)
        ld_url, ld_caption = ld_image(ld)
        image_url = ld_url or page.absolute(string(photo, _PHOTO_SRC)) or page.meta("og:image")
        figcaption = first_text(photo, *_FIGCAPTION)
        alt = clean_or_none(string(photo, _PHOTO_ALT))
        caption = ld_caption or figcaption or alt

        body = node(main, *_BODY)
        parts = assemble_body(body_paras(body, page) if body is not None else [],
                              captions=(caption, figcaption, alt))

        section = first_text(root, *_SECTION) or ld_text(ld, "articleSection")
        tag_box = node(root, _TAG_BOX)
        tags = ld_keywords(ld) or (unique_texts([element_text(a) or "" for a in _LINKS(tag_box)])
                                   if tag_box is not None else [])

        main_root = main if main_nodes else None
        cards = [c for c in _CARDS(root) if main_root is None or main_root not in c.iterancestors()]

        article = Article(
            id=article_id(url), url=url, layout=self.name, section=section, title=title, lead=None,
            reporters=reporters, editors=editors, published_at=published, modified_at=modified,
            image_url=image_url, image_caption=caption, tags=tags, related=related_cards(cards, page),
            is_free=True, truncated=False, crawled_at=page.crawled_at(), **parts.article_fields(),
        )
        return ParsedPage(article)
