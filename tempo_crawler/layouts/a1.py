"""Layout A1: the Tempo desktop article page of ≈2018–2020 (MARKUP.md §3, A1 column).

Signature: ``div#isi`` (body), ``h1[itemprop=headline]``, ``span#date`` and ``#article #author`` whose
text carries ``reporter:`` / ``editor:`` prefixes, without the A2 markers (``article.detail-artikel``,
``div.block-avatar``) and without Nuxt (B) markers.

The A-era helpers at the top (ad containers, block/paragraph walking, JSON-LD people and images) are
shared with the AMP parser (``layouts/amp.py``), which reuses the desktop class names.
"""

from __future__ import annotations

import re
from datetime import timezone
from typing import Any

from lxml import etree
from parsel import Selector

from tempo_crawler.items import Article, RelatedArticle
from tempo_crawler.layouts.base import (
    LayoutParser,
    Page,
    Para,
    ParsedPage,
    assemble_body,
    related_entry,
    unique,
)
from tempo_crawler.layouts.jsonld import ld_article, ld_image, ld_keywords, ld_people, ld_text
from tempo_crawler.layouts.markers import A_AD_CLASSES, A_AD_IDS, is_amp_html, is_nuxt
from tempo_crawler.text.credits import read_also_title
from tempo_crawler.text.dates import parse_relative
from tempo_crawler.text.normalize import clean_or_none, clean_text
from tempo_crawler.urls import article_id

# ---------------------------------------------------------------------------------------------------
# A-era helpers (desktop A1 and AMP)
# ---------------------------------------------------------------------------------------------------

# Ad containers: the A-era list (markers.py) plus AMP's own ad elements.
AD_CLASSES = frozenset(A_AD_CLASSES) | {"ads", "ad", "ads-amp"}
AD_IDS = frozenset(A_AD_IDS)
# Never body text: embedded media, scripts, figures (their captions are not paragraphs), forms.
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "figure", "figcaption", "aside", "form", "button",
    "svg", "img", "amp-img", "amp-ad", "amp-embed", "amp-analytics", "amp-sticky-ad", "amp-iframe",
    "amp-social-share", "amp-video", "amp-youtube",
})
BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li"})
# Elements whose text is separated from its neighbours' (a space around them when flattening text).
_BLOCK_LEVEL = BLOCK_TAGS | {
    "h1", "div", "section", "article", "header", "footer", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th",
    "figure", "figcaption", "main", "nav",
}
# "Baca juga" boxes (MARKUP.md §3: ``.bacajuga``; prototypes: ``div.baca-juga``).
READ_ALSO_BOXES = frozenset({"bacajuga", "baca-juga"})
# Containers after the body that are never body (tags, author boxes).
NON_BODY_CLASSES = frozenset({"tags", "box-tag-detail", "author", "block-avatar", "box-avatar"})



def _tag(el: Any) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def is_ad(el: Any) -> bool:
    return bool(_classes(el) & AD_CLASSES) or (el.get("id") or "") in AD_IDS or _tag(el).startswith("amp-ad")


def _lines(el: Any, page: Page | None) -> list[Para]:
    """The text of a block element, one :class:`Para` per ``<br>``-separated line. Inline elements are
    concatenated without added spaces (``<a>di sini</a>.`` stays ``di sini.``)."""
    lines: list[tuple[list[str], list[tuple[str | None, str]]]] = [([], [])]

    def walk(e: Any) -> None:
        tag = _tag(e)
        if tag == "br":
            lines.append(([], []))
            return
        if tag and tag not in SKIP_TAGS and not is_ad(e):
            if tag in _BLOCK_LEVEL:
                lines[-1][0].append(" ")
            if e.text:
                lines[-1][0].append(e.text)
            if tag == "a":
                lines[-1][1].append((e.get("href"), "".join(e.itertext())))
            for child in e:
                walk(child)
                if child.tail:
                    lines[-1][0].append(child.tail)
            if tag in _BLOCK_LEVEL:
                lines[-1][0].append(" ")
        # comments, processing instructions and skipped elements: nothing (their tails are added above)

    if el.text:
        lines[0][0].append(el.text)
    for child in el:
        walk(child)
        if child.tail:
            lines[-1][0].append(child.tail)
    out = []
    for parts, links in lines:
        text = clean_text("".join(parts))
        if not text:
            continue
        href, link_text = (links[0][0], clean_text(links[0][1]) or None) if links else (None, None)
        out.append(Para(text, page.absolute(href) if page else href, link_text))
    return out


def _joined(lines: list[Para]) -> Para | None:
    if not lines:
        return None
    first_link = next((p for p in lines if p.href), None)
    return Para(clean_text(" ".join(p.text for p in lines)), first_link.href if first_link else None,
                first_link.link_text if first_link else None)


def body_paras(container: Any, page: Page) -> list[Para]:
    """Walk a body container in document order: paragraphs and subheads become :class:`Para`; ad
    containers, figures (captions), scripts and embeds are skipped; "Baca juga" boxes and ``<p>``s that
    list several titles after a ``Baca:`` label become one read-also line per title."""
    el = container.root if isinstance(container, Selector) else container
    out: list[Para] = []
    for child in el:
        tag = _tag(child)
        if not tag or tag in SKIP_TAGS or is_ad(child):
            continue
        cls = _classes(child)
        if cls & NON_BODY_CLASSES:
            continue
        if cls & READ_ALSO_BOXES:
            for a in child.iter("a"):
                title = clean_text("".join(a.itertext()))
                if title:
                    out.append(Para(f"Baca juga: {title}", page.absolute(a.get("href")), title))
            continue
        if tag in BLOCK_TAGS:
            lines = _lines(child, page)
            if len(lines) > 1 and read_also_title(lines[0].text) is not None:
                # "Baca:" + one title per line (pages/118820297.txt): each line its own insert.
                out.append(lines[0])
                out.extend(p if read_also_title(p.text) is not None else
                           Para(f"Baca juga: {p.text}", p.href, p.link_text) for p in lines[1:])
            else:
                joined = _joined(lines)
                if joined:
                    out.append(joined)
            continue
        out.extend(body_paras(child, page))
    return out


def element_text(sel: Selector | None) -> str | None:
    """Cleaned text of a selected element (inline children concatenated, ``<br>`` as a space)."""
    if sel is None:
        return None
    root = sel.root
    if isinstance(root, str):
        return clean_or_none(root)
    if not isinstance(root, etree._Element):
        return None
    joined = _joined(_lines(root, None))
    return joined.text or None if joined else None


def first(sel: Selector | Any, *queries: str) -> Selector | None:
    """First node matched by the first CSS query that matches anything."""
    for q in queries:
        found = sel.css(q)
        if found:
            return found[0]
    return None


def first_text(sel: Selector | Any, *queries: str) -> str | None:
    for q in queries:
        for node in sel.css(q):
            text = element_text(node)
            if text:
                return text
    return None


def crawled_at(page: Page) -> str:
    fetched = page.fetched_at if page.fetched_at.tzinfo else page.fetched_at.replace(tzinfo=timezone.utc)
    return fetched.astimezone(timezone.utc).isoformat(timespec="seconds")


def related_cards(cards: Any, page: Page) -> list[RelatedArticle]:
    """Related cards (MARKUP.md §3 "Related": ``div.card-box`` → ``figure.img-card img`` +
    ``article.text-card h3.title a`` + ``h4.date``). A relative date (``2 jam lalu``) becomes
    ``relative_time``; an absolute one is kept raw in ``published_at`` for the normalise pipeline."""
    out = []
    for card in cards:
        link = first(card, "article.text-card .title a", ".title a", "h3 a", "h2 a")
        if link is None:
            continue
        title = element_text(link)
        if not title:
            continue
        when = first_text(card, "h4.date", ".date")
        caption = card.css("figure img::attr(alt), figure amp-img::attr(alt)").get()
        summary = first_text(card, "article.text-card p:not([class])")
        if when and parse_relative(when, page.fetched_at):
            out.append(related_entry(title, page.absolute(link.attrib.get("href")), when, caption, summary,
                                     page.fetched_at))
        else:
            entry = related_entry(title, page.absolute(link.attrib.get("href")), None, caption, summary,
                                  page.fetched_at)
            entry.published_at = when
            out.append(entry)
    return out


# ---------------------------------------------------------------------------------------------------
# A1
# ---------------------------------------------------------------------------------------------------

# "reporter: Name editor: Name" (MARKUP.md §3, A1 ``#article #author``).
_ROLE_RE = re.compile(r"\b(reporter|penulis|editor)\s*:\s*", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\s&\s|\sdan\s)\s*")
A2_XPATH = ('//article[contains(concat(" ", normalize-space(@class), " "), " detail-artikel ")]'
            ' | //div[contains(concat(" ", normalize-space(@class), " "), " block-avatar ")]')


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
    return unique(reporters), unique(editors)


class A1Parser(LayoutParser):
    name = "A1"

    def matches(self, page: Page) -> bool:
        sel = page.sel
        if is_amp_html(page) or is_nuxt(page) or sel.xpath(A2_XPATH):
            return False
        if not sel.xpath('//div[@id="isi"]'):
            return False
        return bool(sel.css('h1[itemprop="headline"], span#date, #article #author'))

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
            reporters = unique(sel.css('[itemprop="author"]').xpath("normalize-space()").getall())
        if not editors:
            editors = unique(sel.css('[itemprop="editor"]').xpath("normalize-space()").getall())

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
        tags = ld_keywords(ld) or unique([element_text(a) or "" for a in scope.css(".tags li a")])

        article = Article(
            id=article_id(url), url=url, layout=self.name, section=section, title=title, lead=None,
            reporters=reporters, editors=editors, published_at=published, modified_at=modified,
            dateline=parts.dateline, dateline_glued=parts.dateline_glued,
            image_url=image_url, image_caption=caption, body=parts.body,
            editors_pick=parts.editors_pick, read_also=parts.read_also, agency=parts.agency, tags=tags,
            related=related_cards(sel.css("div.card-box"), page), is_free=True, truncated=False,
            crawled_at=crawled_at(page),
        )
        return ParsedPage(article)
