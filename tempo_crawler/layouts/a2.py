"""Layout A2: Tempo desktop 2021 – Oct/Nov 2024 (``article.detail-artikel``), the layout of the samples.

Selectors follow docs/site.md §3 (A2 column); dates §7; datelines, chrome and inserts §8; the sample
mapping §11. JSON-LD (the ``NewsArticle``, in practice the 2nd ``application/ld+json`` block) is read
first; the DOM supplies what it lacks (editor, caption, body, inserts, agency, related list, tags, kanal).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lxml import etree
from parsel import Selector

from tempo_crawler.items import Article, RelatedArticle
from tempo_crawler.layouts import walk
from tempo_crawler.layouts.a_era import AD_CLASSES, AD_IDS, AMP_HTML, NUXT_SITE
from tempo_crawler.layouts.base import (
    LayoutParser,
    Page,
    Para,
    ParsedPage,
    assemble_body,
    has_class,
    related_entry,
)
from tempo_crawler.layouts.jsonld import ld_article, ld_image, ld_keywords, ld_people, ld_text
from tempo_crawler.limits import MAX_ARTICLE_PAGES
from tempo_crawler.text.chrome import is_chrome
from tempo_crawler.text.dates import parse_date
from tempo_crawler.text.emails import scrub_emails
from tempo_crawler.text.normalize import clean_text, unique_texts
from tempo_crawler.urls import article_id

# Ads (a_era.AD_CLASSES), plus non-text furniture that can sit inside the body container.
_SKIP_TAGS = ("figure", "figcaption", "script", "style", "noscript", "iframe", "table", "button", "form")
_SKIP_CLASSES = AD_CLASSES + ("bacajuga", "baca-juga", "box-tag-detail", "caption", "foto-caption",
                              "pagination", "paging", "card-box")
_BACA_CLASSES = ("bacajuga", "baca-juga")

_BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "li"})
_ARTICLE = f"//article[{has_class('detail-artikel')}]"
_BODY_CONTAINERS = (
    f"//div[@id='isi']//div[{has_class('detail-konten')}]",
    f"//div[{has_class('detail-konten')}]",
    f"{_ARTICLE}//*[@itemprop='articleBody']",
    "//*[@itemprop='articleBody']",
    "//div[@id='isi']",
    f"{_ARTICLE}//div[{has_class('detail-in')}]",
)
_DATELINE_START = re.compile(r"^\s*TEMPO\.CO\b")
_DATELINE_ONLY = re.compile(r"TEMPO\.CO\s*,?\s*[A-Z][A-Za-z'.]+(?:[ -][A-Z][A-Za-z'.]+)*")
# Old items (docs/site.md §8): everything from this list on is site furniture, not the article.
_TAIL_MARKERS = re.compile(r"^\s*Berita\s+terpopuler\s+lainnya\b", re.IGNORECASE)


def text_of(node: Selector) -> str:
    """Visible text of a node (:mod:`walk`: ``<br>`` is a space), e-mail addresses removed."""
    return clean_text(scrub_emails(walk.raw_text(node)))


def _first_href(node: Selector, page: Page) -> tuple[str | None, str | None]:
    for a in node.xpath(".//a[@href]"):
        href = a.attrib.get("href", "")
        if "email-protection" in href or href.startswith(("mailto:", "javascript:", "#")):
            continue
        return page.absolute(href), text_of(a) or None
    return None, None


def _excluded(el: Any) -> bool:
    """Never body: the skipped tags, ad and furniture classes, ad ids (the "Baca juga" boxes included)."""
    return (walk.tag(el) in _SKIP_TAGS or bool(walk.classes(el).intersection(_SKIP_CLASSES))
            or (el.get("id") or "") in AD_IDS)


def _blocks(container: Any) -> list[Any]:
    """Body blocks of a container in document order: paragraphs, subheads, list items (not one holding a
    ``<p>``; not one holding a ``page_num=`` pagination link) and "Baca juga" boxes; nothing inside an
    excluded element (:func:`_excluded`). One walk down the tree and one up (the descendant tests), so the
    cost is linear in the size of the container, however deep or wide."""
    if any(_excluded(a) for a in [container, *container.iterancestors()]):
        return []
    holds_p: set[Any] = set()
    holds_pager: set[Any] = set()
    for _, el in etree.iterwalk(container, events=("end",)):
        for child in el:
            name = walk.tag(child)
            if name == "p" or child in holds_p:
                holds_p.add(el)
            if (name == "a" and "page_num=" in (child.get("href") or "")) or child in holds_pager:
                holds_pager.add(el)
    out: list[Any] = []
    stack = list(reversed([c for c in container if walk.tag(c)]))
    while stack:
        el = stack.pop()
        if walk.classes(el).intersection(_BACA_CLASSES):
            out.append(el)
            continue
        if _excluded(el):
            continue
        if walk.tag(el) in _BLOCK_TAGS and not (walk.tag(el) == "li" and el in holds_p) and el not in holds_pager:
            out.append(el)
        stack.extend(reversed([c for c in el if walk.tag(c)]))
    return out


def _date(raw: str | None) -> str | None:
    raw = clean_text(raw) or None
    return (parse_date(raw) or raw) if raw else None


class A2Parser(LayoutParser):
    name = "A2"
    example = "https://dunia.tempo.co/read/1879931/nato-setujui-bantuan-keamanan-dan-pelatihan-baru-untuk-ukraina"
    ready = "article p, div.detail-konten p"
    excludes = (AMP_HTML, NUXT_SITE)
    markers = (
        _ARTICLE,
        # a body container on a page that also has A2's avatar block or date line
        f"(//div[{has_class('detail-konten')} or @id='isi'])[1][//div[{has_class('block-avatar')}]"
        f" or //p[{has_class('date')}]]",
    )

    # ------------------------------------------------------------------ parsing
    def parse(self, page: Page) -> ParsedPage:
        sel = page.sel
        ld = ld_article(page)
        url = page.canonical()
        art = Article(id=article_id(url), url=url, layout=self.name, is_free=True, truncated=False)
        art.crawled_at = page.crawled_at()

        art.section = self._section(sel, ld)
        art.title = ld_text(ld, "headline") or self._dom_title(sel) or None
        art.lead = None  # A2 shows no standfirst (docs/site.md §3/§11)

        dom_reporters, dom_editors = self._dom_people(sel)
        art.reporters = ld_people(ld.get("author")) or dom_reporters
        art.editors = ld_people(ld.get("editor")) or dom_editors

        art.published_at = _date(
            ld_text(ld, "datePublished") or page.meta("article:published_time") or self._dom_date(sel))
        art.modified_at = _date(ld_text(ld, "dateModified") or page.meta("article:modified_time"))

        ld_url, ld_caption = ld_image(ld)
        foto = sel.xpath(f"//div[{has_class('foto-detail')}]")
        img_src = foto.xpath(".//img[@itemprop='image']/@src | .//figure//img/@src").get()
        art.image_url = ld_url or page.meta("og:image") or page.absolute(img_src)
        caption = (text_of(foto.xpath(".//figcaption")[0]) if foto.xpath(".//figcaption") else "") or ld_caption
        if not caption:
            caption = clean_text(foto.xpath(".//img/@alt").get()) or None
        art.image_caption = caption or None

        parts = assemble_body(self._body_paras(sel, page), captions=(art.image_caption,))
        for key, value in parts.article_fields().items():
            setattr(art, key, value)

        art.tags = ld_keywords(ld) or unique_texts(
            [text_of(a) for a in sel.xpath(f"//div[{has_class('box-tag-detail')}]//a")])
        art.related = self._related(sel, page)
        return ParsedPage(art, self._next_pages(sel, page, url))

    # ------------------------------------------------------------------ fields
    @staticmethod
    def _section(sel: Selector, ld: dict[str, Any]) -> str | None:
        crumbs = [text_of(s) for s in sel.xpath(f"//ul[{has_class('sitemap')}]/li")]
        names = sel.xpath(f"//ul[{has_class('sitemap')}]/li[2]//*[@itemprop='name']")
        kanal = text_of(names[0]) if names else (crumbs[1] if len(crumbs) > 1 else "")
        if not kanal:
            sec = ld.get("articleSection")
            kanal = clean_text(sec[0] if isinstance(sec, list) and sec else sec if isinstance(sec, str) else "")
        return kanal or None

    @staticmethod
    def _dom_title(sel: Selector) -> str:
        for xp in (f"{_ARTICLE}//div[{has_class('detail-title')}]//h1",
                   f"{_ARTICLE}//h1", "//h1[@itemprop='headline']", "//h1"):
            nodes = sel.xpath(xp)
            if nodes and text_of(nodes[0]):
                return text_of(nodes[0])
        return clean_text(sel.xpath("//meta[@property='og:title']/@content").get())

    @staticmethod
    def _dom_people(sel: Selector) -> tuple[list[str], list[str]]:
        """Reporter and editor names from ``div.block-avatar``: each ``div.text-avatar`` has a label
        (first ``p`` / ``h4.title``: "Reporter" / "Editor") and names in ``p.title.bold`` / ``h4.title.bold``.
        An empty name (the samples' bare "Reporter" label) means no reporter."""
        reporters: list[str] = []
        editors: list[str] = []
        for box in sel.xpath(f"//div[{has_class('block-avatar')}]//div[{has_class('text-avatar')}]"):
            label_nodes = box.xpath(f"./*[self::p or self::h4][not({has_class('bold')})]")
            label = text_of(label_nodes[0]).casefold() if label_nodes else ""
            names = [text_of(n) for n in box.xpath(f"./*[self::p or self::h4][{has_class('bold')}]")]
            if label.startswith("editor"):
                editors += names
            elif label.startswith(("reporter", "penulis")):
                reporters += names
        outside_cards = f"[not(self::meta)][not(ancestor::*[{has_class('card-box')}])]"
        if not reporters:
            reporters = [text_of(n) for n in sel.xpath("//*[@itemprop='author']" + outside_cards)]
        if not editors:
            editors = [text_of(n) for n in sel.xpath("//*[@itemprop='editor']" + outside_cards)]
        clean = [n for n in reporters if not is_chrome(n)], [n for n in editors if not is_chrome(n)]
        return unique_texts(clean[0]), unique_texts(clean[1])

    @staticmethod
    def _dom_date(sel: Selector) -> str | None:
        for xp in (f"//p[{has_class('date')}]", "//*[@itemprop='datePublished' and not(self::meta)]",
                   f"//div[{has_class('detail-title')}]//*[{has_class('date')}]"):
            nodes = sel.xpath(xp)
            if nodes and text_of(nodes[0]):
                return text_of(nodes[0])
        return sel.xpath("//meta[@itemprop='datePublished']/@content").get()

    @staticmethod
    def _body_containers(sel: Selector) -> list[Selector]:
        """The first selector of ``_BODY_CONTAINERS`` that matches; every match (the body may be split into
        several ``div.detail-konten`` around ads), minus matches nested in an earlier one."""
        for xp in _BODY_CONTAINERS:
            nodes = sel.xpath(xp)
            if nodes:
                roots = {n.root for n in nodes}
                return [n for n in nodes if not any(a in roots for a in n.root.iterancestors())]
        return []

    def _body_paras(self, sel: Selector, page: Page) -> list[Para]:
        out: list[Para] = []
        blocks = [Selector(root=b, type="html") for c in self._body_containers(sel) for b in _blocks(c.root)]
        for node in blocks:
            classes = f" {node.attrib.get('class', '')} "
            if any(f" {c} " in classes for c in _BACA_CLASSES):
                out += self._baca_box(node, page)
                continue
            text = text_of(node)
            if not text:
                continue
            if _TAIL_MARKERS.match(text):
                break
            glued = False
            if not out and _DATELINE_START.match(text):
                separated = self._glued_dateline(node, text)
                glued, text = separated != text, separated
            href, link_text = _first_href(node, page)
            out.append(Para(text, href, link_text, glued))
        return out

    @staticmethod
    def _baca_box(node: Selector, page: Page) -> list[Para]:
        """A ``.bacajuga`` box: each link becomes a "Baca juga" insert (assemble_body turns it into read_also)."""
        paras = []
        for a in node.xpath(".//a[@href]"):
            title = text_of(a)
            if title and not re.fullmatch(r"baca(\s+juga)?\s*:?", title, re.IGNORECASE):
                paras.append(Para(f"Baca juga: {title}", page.absolute(a.attrib["href"]), title))
        return paras

    @staticmethod
    def _glued_dateline(node: Selector, text: str) -> str:
        """``<strong>TEMPO.CO, Jakarta</strong>NATO…`` reads "TEMPO.CO, JakartaNATO…" (sample 002): put the
        missing separator back so the dateline splits cleanly whatever the next character is."""
        first = node.xpath("./node()[not(self::text()[normalize-space() = ''])][1]")
        if not first or isinstance(first[0].root, str):
            return text
        dl = text_of(first[0])
        if _DATELINE_ONLY.fullmatch(dl) and text.startswith(dl):
            rest = text[len(dl):]
            if rest and (rest[0].isalnum() or rest[0] in "\"'\u201c\u2018"):
                return f"{dl} - {rest}"
        return text

    @staticmethod
    def _related(sel: Selector, page: Page) -> list[RelatedArticle]:
        """Related cards under the article (docs/site.md §3, container unverified): ``div.card-box`` with
        ``figure.img-card img`` (alt = caption), ``article.text-card h3.title a``, ``h4.date``, summary ``p``."""
        out = []
        # After the (first) article, or anywhere on a page without articles: one pass, not one per card.
        after = f"({_ARTICLE})[1]/following::" if sel.xpath("//article") else "//"
        cards = sel.xpath(f"{after}div[{has_class('card-box')}][not(ancestor::aside)]")
        for card in cards:
            link = (card.xpath(f".//article[{has_class('text-card')}]//*[self::h3 or self::h2][{has_class('title')}]"
                               "//a[@href]")
                    or card.xpath(f".//*[{has_class('title')}]//a[@href]")
                    or card.xpath(".//a[@href]"))
            if not link:
                continue
            title = text_of(link[0])
            if not title:
                continue
            rel = card.xpath(f".//h4[{has_class('date')}] | .//*[{has_class('date')}]")
            summary = card.xpath(f".//article[{has_class('text-card')}]//p[not(@class)]")
            out.append(related_entry(
                title, page.absolute(link[0].attrib["href"]), text_of(rel[0]) if rel else None,
                card.xpath(f".//figure[{has_class('img-card')}]//img/@alt | .//figure//img/@alt").get(),
                text_of(summary[0]) if summary else None, page.fetched_at))
        return out

    @staticmethod
    def _next_pages(sel: Selector, page: Page, canonical: str) -> list[str]:
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
        for href in sel.xpath("//a[contains(@href, 'page_num=')]/@href").getall():
            url = page.absolute(href) or ""
            if aid and article_id(url) not in (aid, None):
                continue
            n = parse_qs(urlsplit(url).query).get("page_num", [""])[0]
            if n.isdecimal() and len(n) < 6:
                last = max(last, min(int(n), MAX_ARTICLE_PAGES))
        return [f"{canonical}?page_num={n}" for n in range(2, last + 1)]

