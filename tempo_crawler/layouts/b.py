"""Layout B (www.tempo.co since ≈Nov 2024): a Nuxt app with Tailwind classes (docs/site.md §5).

URL ``https://www.tempo.co/<rubric>/<slug>-<id>``. The page carries a full JSON-LD ``NewsArticle``
(headline, description, author[] Persons, datePublished, image, isAccessibleForFree, articleBody)
and a ``BreadcrumbList``; the SSR body is one ``div#content-wrapper`` per paragraph with ad slots and
a lazy-load gate in between. JSON-LD is read first, the DOM fills in what it lacks (caption, body
with its links, "Baca juga" boxes, tags). A client-rendered shell (empty ``#__nuxt`` mount point,
``window.__NUXT__={}``) is still recognised so the crawler can decide to render it; it parses to an
article whose body is the JSON-LD ``articleBody`` or empty.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from tempo_crawler.items import Article
from tempo_crawler.layouts import walk
from tempo_crawler.layouts.base import LayoutParser, Page, ParsedPage, ShellMarkers, has_class
from tempo_crawler.layouts.body import Para, assemble_body
from tempo_crawler.layouts.jsonld import ld_false, ld_persons, ld_position, ld_value
from tempo_crawler.layouts.xpath import string, xpath
from tempo_crawler.text.chrome import is_chrome
from tempo_crawler.text.normalize import clean_text, unique_texts
from tempo_crawler.urls import article_id

_NUXT_STATE = re.compile(r"window\.__NUXT__\s*=")
_READ_ALSO_CLASSES = frozenset({"p-4", "my-4", "bg-neutral-400", "border", "border-neutral-600"})
_READ_ALSO_BOX = has_class(*sorted(_READ_ALSO_CLASSES))
_BLOCKS = ("p", "h2", "h3", "h4", "li")
_LABELS = {
    "penulis": "reporters", "reporter": "reporters", "wartawan": "reporters", "kontributor": "reporters",
    "editor": "editors", "penyunting": "editors", "redaktur": "editors",
}
_VISIBLE_DATE = re.compile(
    r"\b\d{1,2}\s+(Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember)"
    r"\s+\d{4}\b", re.IGNORECASE)
_ARTICLE_TYPES = ("NewsArticle", "Article", "ReportageNewsArticle")


def _body_query(scope: str) -> Any:
    """Body blocks under ``scope``: its p/h2/h3/h4/li not inside another block nor a "Baca juga" box, the
    scope itself when it holds no block, and every "Baca juga" box (a union: document order)."""
    is_block = " or ".join(f"self::{b}" for b in _BLOCKS)
    in_block = " or ".join(f"ancestor::{b}" for b in _BLOCKS)
    in_box = f"ancestor-or-self::div[{_READ_ALSO_BOX}]"
    has_block = " or ".join(f".//{b}" for b in _BLOCKS)
    return xpath(f"{scope}//*[({is_block}) and not({in_block}) and not({in_box})]"
                 f" | {scope}[not({has_block}) and not({in_box}) and not(.//div[{_READ_ALSO_BOX}])]"
                 f" | //div[{_READ_ALSO_BOX}]")


_WRAPPER = xpath('boolean(//div[@id="content-wrapper"])')
_BODY_IN_WRAPPER = _body_query('//div[@id="content-wrapper"]')
_BODY_IN_CONTAINER = _body_query('//*[@data-innity-container="article"]')
_SCRIPTS = xpath("//script[not(@type='application/ld+json')]/text()")
_TAILWIND = xpath('boolean(//*[contains(@class, "text-neutral-")])')  # a substring: the whole neutral scale
_CAPTION = xpath("(//figure//figcaption)[1]//text()")
_FIGURE_IMG = xpath("(//figure//img/@src)[1]")
_H1 = xpath("(//h1)[1]//text()")
_TITLE = xpath("//title/text()")
_SECTION_LABEL = xpath(f'//span[{has_class("text-sm", "font-medium", "text-primary-main")}]//text()')
_DATE_TEXTS = xpath(f'//p[{has_class("text-neutral-900", "text-sm")}]//text()')
_AUTHOR_LINKS = xpath('//a[contains(@href, "/penulis/")]')
# The nearest non-blank text before a link (in document order; the link's own text comes after it): its label
# ("Penulis", "Editor"), or the name in the author link before it.
_TEXT_BEFORE = xpath("preceding::text()[normalize-space()][1]")
_TAG_LINKS = (xpath('//div[@id="article-tags"]//a[contains(@href, "/tag/")]'),
              # the pill widget: relative hrefs (in-body tag links are absolute), inside the article first
              xpath('//article//a[starts-with(@href, "/tag/")]'), xpath('//a[starts-with(@href, "/tag/")]'))
# a substring test, so Tailwind variants (hover:text-primary-main) count too
_TAG_LABEL = xpath('.//span[contains(@class, "text-primary-main")]//text()')
_HREF = xpath("@href")


def _para(el: Any, page: Page) -> Para:
    """A body block: its text, the first link's href and the first link's text (no XPath per block)."""
    links = list(el.iterdescendants("a"))
    href = next((a.get("href") for a in links if a.get("href") is not None), None)
    return Para(walk.text(el), page.absolute(href), (walk.text(links[0]) if links else "") or None,
                bullet=walk.tag(el) == "li")


def _is_read_also_box(el: Any) -> bool:
    return walk.tag(el) == "div" and _READ_ALSO_CLASSES <= walk.classes(el)


class BParser(LayoutParser):
    name = "B"
    example = "https://www.tempo.co/internasional/beruang-merah-kembali-ke-kremlin-966260"
    ready = '#content-wrapper p, [data-innity-container="article"] p'
    # A and AMP markers (docs/site.md §3): a page showing any of them is not B.
    excludes = (
        '//html[@amp or @*[name()="\u26a1"]]',
        '//script[contains(@src, "cdn.ampproject.org")]',
        f"//article[{has_class('detail-artikel')}]",
        '//div[@id="isi"]',
        f"//div[{has_class('detail-konten')}]",
        f"//div[{has_class('block-avatar')}]",
        '//h1[@itemprop="headline"]',
        '//span[@id="date"]',
    )
    markers = (
        '//div[@id="content-wrapper"]',
        '//@data-innity-container',
        '//div[@id="__nuxt"]',
        '//@src[contains(., "/_nuxt/")] | //@href[contains(., "/_nuxt/")]',
        '//div[@id="article-tags"]',
    )
    # docs/site.md §5: an empty Nuxt mount point (or another framework's, should the site move); Nuxt state
    # saying the server did not render; the state stub, which the server-rendered site carries too.
    shell = ShellMarkers(mounts=("__nuxt", "__next", "app", "root"),
                         states=("serverRendered:false", '"serverRendered":false'), stubs=("window.__NUXT__=",))

    # -- detection ---------------------------------------------------------------------------------
    def more_evidence(self, page: Page) -> bool:
        """Nuxt state in a script, ``/penulis/`` author URLs, or Tailwind classes with an article JSON-LD."""
        scripts = " ".join(_SCRIPTS(page.root))
        if _NUXT_STATE.search(scripts):
            return True
        if self._penulis_authors(page):
            return True
        # Tailwind neutral-scale classes only count together with an article JSON-LD.
        return bool(_TAILWIND(page.root)) and page.jsonld_of("NewsArticle", "Article") is not None

    @staticmethod
    def _penulis_authors(page: Page) -> bool:
        art = page.jsonld_of(*_ARTICLE_TYPES)
        if not art:
            return False
        return any("/penulis/" in str(p.get("url") or "") for p in ld_persons(art.get("author")))

    # -- parsing -----------------------------------------------------------------------------------
    def parse(self, page: Page) -> ParsedPage:
        root = page.root
        ld = page.jsonld_of(*_ARTICLE_TYPES) or {}
        url = page.canonical()

        image_caption = clean_text(" ".join(_CAPTION(root))) or None
        if is_chrome(image_caption):  # a placeholder such as "Image of Tempo" (docs/site.md §8)
            image_caption = None
        image_url = ld_value(ld.get("image")) or page.meta("og:image") or page.absolute(string(root, _FIGURE_IMG))

        parts = assemble_body(self._body_paras(page), captions=(image_caption,))
        dom_body = list(parts.body)
        if not parts.body and isinstance(ld.get("articleBody"), str):
            lines = [Para(clean_text(line)) for line in ld["articleBody"].split("\n")]
            fallback = assemble_body(lines, captions=(image_caption,))
            fallback.read_also = parts.read_also + fallback.read_also
            fallback.editors_pick = parts.editors_pick or fallback.editors_pick
            fallback.summary = parts.summary or fallback.summary
            fallback.print_title = parts.print_title or fallback.print_title
            parts = fallback

        reporters, editors = self._authors(page, ld)
        is_free = not ld_false(ld.get("isAccessibleForFree"))
        article = Article(
            id=article_id(url),
            url=url,
            layout=self.name,
            section=self._section(page, url),
            title=self._title(page, ld),
            lead=clean_text(ld.get("description") if isinstance(ld.get("description"), str) else None)
            or page.meta("og:description") or page.meta("description"),
            reporters=reporters,
            editors=editors,
            published_at=self._published(page, ld),
            modified_at=ld_value(ld.get("dateModified")) or page.meta("article:modified_time"),
            image_url=image_url,
            image_caption=image_caption,
            tags=self._tags(page),
            related=[],
            is_free=is_free,
            truncated=not is_free,
            crawled_at=page.crawled_at(),
            **parts.article_fields(),
        )
        return ParsedPage(article, dom_body=dom_body)

    def _body_paras(self, page: Page) -> list[Para]:
        """Body blocks in document order: every ``#content-wrapper``'s p/h2/h3 (+h4/li; the wrapper itself
        when it holds bare text), and each "Baca juga" box as a ``Baca juga: <title>`` paragraph."""
        query = _BODY_IN_WRAPPER if _WRAPPER(page.root) else _BODY_IN_CONTAINER
        out = []
        for el in query(page.root):  # a union comes back in document order
            para = _para(el, page)
            if not _is_read_also_box(el):
                out.append(para)
                continue
            title = para.link_text or ""
            if not title:
                title = re.sub(r"^\s*Baca(?:\s+juga)?\s*:\s*", "", para.text, flags=re.IGNORECASE)
            if title:
                out.append(Para(f"Baca juga: {title}", para.href, title))
        return out

    @staticmethod
    def _title(page: Page, ld: dict[str, Any]) -> str | None:
        title = clean_text(ld.get("headline") if isinstance(ld.get("headline"), str) else None)
        if not title:
            title = clean_text(" ".join(_H1(page.root)))
        if not title:
            title = page.meta("og:title") or ""
        if not title:
            raw = clean_text(string(page.root, _TITLE))
            title = re.sub(r"\s*\|\s*tempo\.co\s*$", "", raw, flags=re.IGNORECASE)
        return title or None

    @staticmethod
    def _section(page: Page, url: str) -> str | None:
        crumbs = page.jsonld_of("BreadcrumbList")
        if crumbs:
            listed = crumbs.get("itemListElement")
            items = [i for i in (listed if isinstance(listed, list) else []) if isinstance(i, dict)]
            items.sort(key=lambda i: ld_position(i.get("position")))
            names = []
            for i in items:
                item = i.get("item")
                name = i.get("name") or (item.get("name") if isinstance(item, dict) else None)
                names.append(clean_text(name if isinstance(name, str) else None))
            names = [n for n in names if n and n.casefold() not in {"home", "beranda"}]
            if names:
                return names[0]
        label = string(page.root, _SECTION_LABEL)
        if clean_text(label):
            return clean_text(label)
        try:
            segs = [s for s in urlsplit(url).path.split("/") if s]
        except ValueError:  # an unparsable URL names no rubric
            return None
        return segs[0].replace("-", " ").title() if len(segs) >= 2 else None

    @staticmethod
    def _published(page: Page, ld: dict[str, Any]) -> str | None:
        iso = ld_value(ld.get("datePublished"))
        if iso:
            return iso
        meta = page.meta("article:published_time")
        if meta:
            return meta
        for text in _DATE_TEXTS(page.root):
            if _VISIBLE_DATE.search(text):
                return clean_text(text)
        return None

    @staticmethod
    def _authors(page: Page, ld: dict[str, Any]) -> tuple[list[str], list[str]]:
        """JSON-LD ``author`` mixes reporter and editor. When the DOM labels the author links
        ("Penulis"/"Reporter" · "Editor"), follow the labels; otherwise every author is a reporter."""
        ld_names = unique_texts([ld_value(p.get("name")) or "" for p in ld_persons(ld.get("author"))])
        roles: dict[str, list[str]] = {"reporters": [], "editors": []}
        labelled = False
        current: str | None = None
        previous_name: str | None = None
        for link in _AUTHOR_LINKS(page.root):
            before = clean_text(string(link, _TEXT_BEFORE))
            name = walk.text(link)
            if not name:
                continue
            label = _LABELS.get(before.rstrip(":").strip().casefold())
            if label:
                current, labelled = label, True
            elif before != previous_name:
                current = None
            roles[current or "reporters"].append(name)
            previous_name = name
        if labelled:
            return unique_texts(roles["reporters"]), unique_texts(roles["editors"])
        if ld_names:
            return ld_names, []
        if roles["reporters"]:
            return unique_texts(roles["reporters"]), []
        meta = page.meta("author")
        return ([meta] if meta else []), []

    @staticmethod
    def _tags(page: Page) -> list[str]:
        links = next((found for q in _TAG_LINKS if (found := q(page.root))), [])
        out = []
        for a in links:
            text = clean_text("".join(_TAG_LABEL(a)))
            text = text or walk.text(a)
            if not text:
                href = string(a, _HREF) or ""
                text = href.rstrip("/").rsplit("/tag/", 1)[-1]
            out.append(text)
        return unique_texts(out)
