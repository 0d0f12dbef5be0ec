"""What the old-site (A-era) layouts share: A1 desktop, A2 desktop and the AMP pages.

Markers that tell the A era from the Nuxt site (B) and AMP from desktop, the ad containers
(docs/site.md §3 "Ads"), and, for A1 and AMP, the body walk and the related cards.
"""

from __future__ import annotations

from typing import Any

from tempo_crawler.items import RelatedArticle
from tempo_crawler.layouts import walk
from tempo_crawler.layouts.base import Page
from tempo_crawler.layouts.body import Para, related_entry
from tempo_crawler.layouts.xpath import css, node, string
from tempo_crawler.text.credits import read_also_title
from tempo_crawler.text.dates import parse_relative
from tempo_crawler.text.normalize import clean_or_none, clean_text

# ``<html amp>`` or ``<html ⚡>``: the AMP document marker.
AMP_HTML = '/html[@amp or @*[name()="\u26a1"]]'
# The Nuxt site (B), docs/site.md §5: div#content-wrapper, the Nuxt state, /_nuxt/ assets. Never A-era.
# Written over attribute and text nodes (``//@id[.="x"]``, not ``//*[@id="x"]``): libxml2 then tests only the
# elements that have the attribute, three times faster on a page than a predicate asked of every element.
NUXT_SITE = (
    '//@id[.="__nuxt" or (.="content-wrapper" and parent::div) or (.="__NUXT_DATA__" and parent::script)]'
    ' | //script/text()[contains(., "window.__NUXT__")] | //script/@src[contains(., "/_nuxt/")]'
    ' | //link/@href[contains(., "/_nuxt/")]'
)
# Ad containers: docs/site.md §3 "Ads" (ABPindo filters; one public scraper).
AD_CLASSES = ("iklan", "parallax-box", "banner728", "bannerfull", "head-banner", "banner-fix-bottom",
              "banner970x250", "banner320x480")
AD_IDS = ("ads-main-2",)

# --- the A1 / AMP body walk ---------------------------------------------------------------------------

# The desktop ad containers plus AMP's own ad elements.
_WALK_AD_CLASSES = frozenset(AD_CLASSES) | {"ads", "ad", "ads-amp"}
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
# "Baca juga" boxes (docs/site.md §3: ``.bacajuga``; prototypes: ``div.baca-juga``).
READ_ALSO_BOXES = frozenset({"bacajuga", "baca-juga"})
# Containers after the body that are never body (tags, author boxes).
NON_BODY_CLASSES = frozenset({"tags", "box-tag-detail", "author", "block-avatar", "box-avatar"})


def is_ad(el: Any) -> bool:
    return (bool(walk.classes(el) & _WALK_AD_CLASSES) or (el.get("id") or "") in AD_IDS
            or walk.tag(el).startswith("amp-ad"))


def _skipped(el: Any) -> bool:
    return walk.tag(el) in SKIP_TAGS or is_ad(el) or walk.never_text(el)


def _lines(el: Any, page: Page | None) -> list[Para]:
    """The text of a block element, one :class:`Para` (with the line's first link) per ``<br>`` line."""
    out = []
    for line in walk.lines(el, skip=_skipped, spaced=_BLOCK_LEVEL):
        text = clean_text(line.raw)
        if not text:
            continue
        href, link_text = None, None
        if line.links:
            a = line.links[0]
            href, link_text = a.get("href"), clean_text("".join(a.itertext())) or None
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
    out: list[Para] = []
    for child in container:
        name = walk.tag(child)
        if not name or _skipped(child):
            continue
        cls = walk.classes(child)
        if cls & NON_BODY_CLASSES:
            continue
        if cls & READ_ALSO_BOXES:
            for a in child.iter("a"):
                title = clean_text("".join(a.itertext()))
                if title:
                    out.append(Para(f"Baca juga: {title}", page.absolute(a.get("href")), title))
            continue
        if name in BLOCK_TAGS:
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


def element_text(el: Any) -> str | None:
    """Cleaned text of a selected element (inline children concatenated, ``<br>`` as a space); a string
    result (an attribute, a text node) cleaned."""
    if el is None:
        return None
    if isinstance(el, str):
        return clean_or_none(el)
    joined = _joined(_lines(el, None))
    return joined.text or None if joined else None


def first_text(el: Any, *queries: Any) -> str | None:
    """The text of the first node, of the first query, that has text."""
    if el is None:
        return None
    for q in queries:
        for found in q(el):
            text = element_text(found)
            if text:
                return text
    return None


_CARD_LINK = tuple(css(q) for q in ("article.text-card .title a", ".title a", "h3 a", "h2 a"))
_CARD_DATE = (css("h4.date"), css(".date"))
_CARD_ALT = css("figure img::attr(alt), figure amp-img::attr(alt)")
_CARD_SUMMARY = css("article.text-card p:not([class])")


def related_cards(cards: Any, page: Page) -> list[RelatedArticle]:
    """Related cards (docs/site.md §3 "Related": ``div.card-box`` → ``figure.img-card img`` +
    ``article.text-card h3.title a`` + ``h4.date``). A relative date (``2 jam lalu``) becomes
    ``relative_time``; an absolute one is kept raw in ``published_at`` for the normalise pipeline."""
    out = []
    for card in cards:
        link = node(card, *_CARD_LINK)
        if link is None:
            continue
        title = element_text(link)
        if not title:
            continue
        when = first_text(card, *_CARD_DATE)
        caption = string(card, _CARD_ALT)
        summary = first_text(card, _CARD_SUMMARY)
        relative = bool(when and parse_relative(when, page.fetched_at))
        entry = related_entry(title, page.absolute(link.get("href")), when if relative else None, caption,
                              summary, page.fetched_at)
        if not relative:
            entry.published_at = when
        out.append(entry)
    return out
