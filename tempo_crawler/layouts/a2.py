"""Layout A2: Tempo desktop 2021 – Oct/Nov 2024 (``article.detail-artikel``), the layout of the samples.

Selectors follow docs/site.md §3 (A2 column); dates §7; datelines, chrome and inserts §8; the sample
mapping §11. JSON-LD (the ``NewsArticle``, in practice the 2nd ``application/ld+json`` block) is read
first; the DOM supplies what it lacks (editor, caption, body, inserts, agency, related list, tags, kanal).
The body walk is in ``a2_body.py``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from tempo_crawler.items import Article, RelatedArticle
from tempo_crawler.layouts.a2_body import ARTICLE, body_paras, text_of
from tempo_crawler.layouts.a_era import AMP_HTML, NUXT_SITE
from tempo_crawler.layouts.base import LayoutParser, Page, ParsedPage, has_class
from tempo_crawler.layouts.body import assemble_body, related_entry
from tempo_crawler.layouts.jsonld import ld_article, ld_image, ld_keywords, ld_people, ld_text
from tempo_crawler.layouts.xpath import node as first_node
from tempo_crawler.layouts.xpath import string, xpath
from tempo_crawler.limits import MAX_ARTICLE_PAGES
from tempo_crawler.text.chrome import is_chrome
from tempo_crawler.text.dates import parse_date
from tempo_crawler.text.normalize import clean_text, unique_texts
from tempo_crawler.urls import article_id

# The page's parts around the body (its walk: layouts/a2_body.py).
_FOTO = xpath(f"//div[{has_class('foto-detail')}]")
_FOTO_SRC = xpath(".//img[@itemprop='image']/@src | .//figure//img/@src")
_FOTO_CAPTION = xpath(".//figcaption")
_FOTO_ALT = xpath(".//img/@alt")
_TAG_LINKS = xpath(f"//div[{has_class('box-tag-detail')}]//a")
_CRUMBS = xpath(f"//ul[{has_class('sitemap')}]/li")
_CRUMB_NAMES = xpath(f"//ul[{has_class('sitemap')}]/li[2]//*[@itemprop='name']")
_TITLES = tuple(xpath(x) for x in (f"{ARTICLE}//div[{has_class('detail-title')}]//h1", f"{ARTICLE}//h1",
                                   "//h1[@itemprop='headline']", "//h1"))
_OG_TITLE = xpath("//meta[@property='og:title']/@content")
_AVATARS = xpath(f"//div[{has_class('block-avatar')}]//div[{has_class('text-avatar')}]")
_AVATAR_LABEL = xpath(f"./*[self::p or self::h4][not({has_class('bold')})]")
_AVATAR_NAMES = xpath(f"./*[self::p or self::h4][{has_class('bold')}]")
_OUTSIDE_CARDS = f"[not(self::meta)][not(ancestor::*[{has_class('card-box')}])]"
_AUTHORS = xpath("//*[@itemprop='author']" + _OUTSIDE_CARDS)
_EDITORS = xpath("//*[@itemprop='editor']" + _OUTSIDE_CARDS)
_DATES = tuple(xpath(x) for x in (f"//p[{has_class('date')}]", "//*[@itemprop='datePublished' and not(self::meta)]",
                                  f"//div[{has_class('detail-title')}]//*[{has_class('date')}]"))
_META_DATE = xpath("//meta[@itemprop='datePublished']/@content")
_ANY_ARTICLE = xpath("boolean(//article)")
_CARDS_AFTER_ARTICLE = xpath(f"({ARTICLE})[1]/following::div[{has_class('card-box')}][not(ancestor::aside)]")
_CARDS = xpath(f"//div[{has_class('card-box')}][not(ancestor::aside)]")
_CARD_LINK = (xpath(f".//article[{has_class('text-card')}]//*[self::h3 or self::h2][{has_class('title')}]//a[@href]"),
              xpath(f".//*[{has_class('title')}]//a[@href]"), xpath(".//a[@href]"))
_CARD_DATE = xpath(f".//h4[{has_class('date')}] | .//*[{has_class('date')}]")
_CARD_SUMMARY = xpath(f".//article[{has_class('text-card')}]//p[not(@class)]")
_CARD_ALT = xpath(f".//figure[{has_class('img-card')}]//img/@alt | .//figure//img/@alt")
_PAGE_LINKS = xpath("//a[contains(@href, 'page_num=')]/@href")
def _date(raw: str | None) -> str | None:
    raw = clean_text(raw) or None
    return (parse_date(raw) or raw) if raw else None


class A2Parser(LayoutParser):
    name = "A2"
    example = "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan-keamanan-dan-pelatihan-baru-untuk-ukraina"
    ready = "article p, div.detail-konten p"
    excludes = (AMP_HTML, NUXT_SITE)
    markers = (
        ARTICLE,
        # a body container on a page that also has A2's avatar block or date line
        f"(//div[{has_class('detail-konten')} or @id='isi'])[1][//div[{has_class('block-avatar')}]"
        f" or //p[{has_class('date')}]]",
    )

    # ------------------------------------------------------------------ parsing
    def parse(self, page: Page) -> ParsedPage:
        root = page.root
        ld = ld_article(page)
        url = page.canonical()
        art = Article(id=article_id(url), url=url, layout=self.name, is_free=True, truncated=False)
        art.crawled_at = page.crawled_at()

        art.section = self._section(root, ld)
        art.title = ld_text(ld, "headline") or self._dom_title(root) or None
        art.lead = None  # A2 shows no standfirst (docs/site.md §3/§11)

        art.reporters = ld_people(ld.get("author"))
        art.editors = ld_people(ld.get("editor"))
        if not art.reporters or not art.editors:
            dom_reporters, dom_editors = self._dom_people(root)
            art.reporters, art.editors = art.reporters or dom_reporters, art.editors or dom_editors

        art.published_at = _date(
            ld_text(ld, "datePublished") or page.meta("article:published_time") or self._dom_date(root))
        art.modified_at = _date(ld_text(ld, "dateModified") or page.meta("article:modified_time"))

        ld_url, ld_caption = ld_image(ld)
        fotos = _FOTO(root)
        img_src = next((src for f in fotos for src in _FOTO_SRC(f)), None)
        art.image_url = ld_url or page.meta("og:image") or page.absolute(img_src)
        figcaption = next((c for f in fotos for c in _FOTO_CAPTION(f)), None)
        caption = (text_of(figcaption) if figcaption is not None else "") or ld_caption
        if not caption:
            caption = clean_text(next((alt for f in fotos for alt in _FOTO_ALT(f)), None)) or None
        art.image_caption = caption or None

        parts = assemble_body(body_paras(root, page), captions=(art.image_caption,))
        for key, value in parts.article_fields().items():
            setattr(art, key, value)

        art.tags = ld_keywords(ld) or unique_texts([text_of(a) for a in _TAG_LINKS(root)])
        art.related = self._related(root, page)
        return ParsedPage(art, self._next_pages(root, page, url))

    # ------------------------------------------------------------------ fields
    @staticmethod
    def _section(root: Any, ld: dict[str, Any]) -> str | None:
        names = _CRUMB_NAMES(root)
        if names:
            kanal = text_of(names[0])
        else:   # the second crumb's text, read only when its itemprop name is missing
            crumbs = _CRUMBS(root)
            kanal = text_of(crumbs[1]) if len(crumbs) > 1 else ""
        if not kanal:
            sec = ld.get("articleSection")
            kanal = clean_text(sec[0] if isinstance(sec, list) and sec else sec if isinstance(sec, str) else "")
        return kanal or None

    @staticmethod
    def _dom_title(root: Any) -> str:
        for query in _TITLES:
            nodes = query(root)
            if nodes and text_of(nodes[0]):
                return text_of(nodes[0])
        return clean_text(string(root, _OG_TITLE))

    @staticmethod
    def _dom_people(root: Any) -> tuple[list[str], list[str]]:
        """Reporter and editor names from ``div.block-avatar``: each ``div.text-avatar`` has a label
        (first ``p`` / ``h4.title``: "Reporter" / "Editor") and names in ``p.title.bold`` / ``h4.title.bold``.
        An empty name (the samples' bare "Reporter" label) means no reporter."""
        reporters: list[str] = []
        editors: list[str] = []
        for box in _AVATARS(root):
            label_nodes = _AVATAR_LABEL(box)
            label = text_of(label_nodes[0]).casefold() if label_nodes else ""
            names = [text_of(n) for n in _AVATAR_NAMES(box)]
            if label.startswith("editor"):
                editors += names
            elif label.startswith(("reporter", "penulis")):
                reporters += names
        if not reporters:
            reporters = [text_of(n) for n in _AUTHORS(root)]
        if not editors:
            editors = [text_of(n) for n in _EDITORS(root)]
        clean = [n for n in reporters if not is_chrome(n)], [n for n in editors if not is_chrome(n)]
        return unique_texts(clean[0]), unique_texts(clean[1])

    @staticmethod
    def _dom_date(root: Any) -> str | None:
        for query in _DATES:
            nodes = query(root)
            if nodes and text_of(nodes[0]):
                return text_of(nodes[0])
        return string(root, _META_DATE)

    @staticmethod
    def _related(root: Any, page: Page) -> list[RelatedArticle]:
        """Related cards under the article (docs/site.md §3, container unverified): ``div.card-box`` with
        ``figure.img-card img`` (alt = caption), ``article.text-card h3.title a``, ``h4.date``, summary ``p``."""
        out = []
        # After the (first) article, or anywhere on a page without articles: one pass, not one per card.
        cards = _CARDS_AFTER_ARTICLE(root) if _ANY_ARTICLE(root) else _CARDS(root)
        for card in cards:
            link = first_node(card, *_CARD_LINK)
            if link is None:
                continue
            title = text_of(link)
            if not title:
                continue
            rel = _CARD_DATE(card)
            summary = _CARD_SUMMARY(card)
            out.append(related_entry(
                title, page.absolute(link.get("href")), text_of(rel[0]) if rel else None, string(card, _CARD_ALT),
                text_of(summary[0]) if summary else None, page.fetched_at))
        return out

    @staticmethod
    def _next_pages(root: Any, page: Page, canonical: str) -> list[str]:
        """``?page_num=N`` pages 2..n, only when this is page 1 (no ``page_num`` or ``page_num=1``); n at most
        ``MAX_ARTICLE_PAGES``."""
        try:
            current = parse_qs(urlsplit(page.url).query).get("page_num", ["1"])[0]
        except ValueError:  # a page URL that does not parse: no continuation pages
            return []
        if current.strip() not in ("", "1"):
            return []
        aid = article_id(canonical)
        last = 1
        for href in _PAGE_LINKS(root):
            url = page.absolute(href) or ""
            if aid and article_id(url) not in (aid, None):
                continue
            n = parse_qs(urlsplit(url).query).get("page_num", [""])[0]
            if n.isdecimal() and len(n) < 6:
                last = max(last, min(int(n), MAX_ARTICLE_PAGES))
        return [f"{canonical}?page_num={n}" for n in range(2, last + 1)]

