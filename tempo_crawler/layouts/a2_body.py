"""Layout A2's body (``layouts/a2.py``): its containers (the body may be split into several around ads) and
the walk that takes its blocks in document order, "Baca juga" boxes and glued datelines included."""

from __future__ import annotations

import re
from typing import Any

from tempo_crawler.layouts import walk
from tempo_crawler.layouts.a_era import AD_CLASSES, AD_IDS
from tempo_crawler.layouts.base import Page, has_class
from tempo_crawler.layouts.body import Para
from tempo_crawler.layouts.xpath import xpath
from tempo_crawler.text.emails import scrub_emails
from tempo_crawler.text.normalize import clean_text

# Ads (a_era.AD_CLASSES), plus non-text furniture that can sit inside the body container.
_SKIP_TAGS = ("figure", "figcaption", "script", "style", "noscript", "iframe", "table", "button", "form")
_SKIP_CLASSES = AD_CLASSES + ("bacajuga", "baca-juga", "box-tag-detail", "caption", "foto-caption",
                              "pagination", "paging", "card-box")
_BACA_CLASSES = ("bacajuga", "baca-juga")

_BLOCK_TAGS = frozenset({"p", "h2", "h3", "h4", "li"})
ARTICLE = f"//article[{has_class('detail-artikel')}]"
_BODY_CONTAINERS = tuple(xpath(x) for x in (
    f"//div[@id='isi']//div[{has_class('detail-konten')}]",
    f"//div[{has_class('detail-konten')}]",
    f"{ARTICLE}//*[@itemprop='articleBody']",
    "//*[@itemprop='articleBody']",
    "//div[@id='isi']",
    f"{ARTICLE}//div[{has_class('detail-in')}]",
))
_FIRST_NODE = xpath("./node()[not(self::text()[normalize-space() = ''])][1]")
_DATELINE_START = re.compile(r"^\s*TEMPO\.CO\b")
_DATELINE_ONLY = re.compile(r"TEMPO\.CO\s*,?\s*[A-Z][A-Za-z'.]+(?:[ -][A-Z][A-Za-z'.]+)*")
# Old items (docs/site.md §8): everything from this list on is site furniture, not the article.
_TAIL_MARKERS = re.compile(r"^\s*Berita\s+terpopuler\s+lainnya\b", re.IGNORECASE)


def text_of(node: Any) -> str:
    """Visible text of a node (:mod:`walk`: ``<br>`` is a space), e-mail addresses removed."""
    return clean_text(scrub_emails(walk.raw_text(node)))


def _links_with_href(node: Any) -> list[Any]:
    """``.//a[@href]`` without an XPath evaluation (a C iterator over the descendants)."""
    return [a for a in node.iterdescendants("a") if a.get("href") is not None]


def _first_href(node: Any, page: Page) -> tuple[str | None, str | None]:
    for a in _links_with_href(node):
        href = a.get("href")
        if "email-protection" in href or href.startswith(("mailto:", "javascript:", "#")):
            continue
        return page.absolute(href), text_of(a) or None
    return None, None


_SKIP_TAG_SET = frozenset(_SKIP_TAGS)
_SKIP_CLASS_SET = frozenset(_SKIP_CLASSES)
_BACA_CLASS_SET = frozenset(_BACA_CLASSES)


def _excluded(el: Any, classes: list[str] | None = None) -> bool:
    """Never body: the skipped tags, ad and furniture classes, ad ids (the "Baca juga" boxes included).
    ``classes``: the element's class names when the caller has them already."""
    if classes is None:
        classes = (el.get("class") or "").split()
    return (walk.tag(el) in _SKIP_TAG_SET or not _SKIP_CLASS_SET.isdisjoint(classes)
            or (el.get("id") or "") in AD_IDS)


def _holding(container: Any, tag: str, test: Any = None) -> set[Any]:
    """The elements of ``container`` (itself included) that have a ``tag`` descendant (passing ``test``)."""
    holders: set[Any] = set()
    for found in container.iterdescendants(tag):
        if test is not None and not test(found):
            continue
        for up in found.iterancestors():
            if up in holders:
                break   # its ancestors are in already
            holders.add(up)
            if up is container:
                break
    return holders


def _elements(el: Any) -> list[Any]:
    """``el``'s child elements, last first (comments and processing instructions left out)."""
    return [c for c in reversed(el) if isinstance(c.tag, str)]


def _blocks(container: Any) -> list[Any]:
    """Body blocks of a container in document order: paragraphs, subheads, list items (not one holding a
    ``<p>``; not one holding a ``page_num=`` pagination link) and "Baca juga" boxes; nothing inside an
    excluded element (:func:`_excluded`). One walk down the tree and one up (the descendant tests), so the
    cost is linear in the size of the container, however deep or wide."""
    if _excluded(container) or any(_excluded(a) for a in container.iterancestors()):
        return []
    holds_p = _holding(container, "p")
    holds_pager = _holding(container, "a", lambda a: "page_num=" in (a.get("href") or ""))
    out: list[Any] = []
    stack = _elements(container)
    while stack:
        el = stack.pop()
        classes = (el.get("class") or "").split()
        if not _BACA_CLASS_SET.isdisjoint(classes):
            out.append(el)
            continue
        if _excluded(el, classes):
            continue
        name = walk.tag(el)
        if name in _BLOCK_TAGS and not (name == "li" and el in holds_p) and el not in holds_pager:
            out.append(el)
        stack.extend(_elements(el))
    return out


def _body_containers(root: Any) -> list[Any]:
    """The first selector of ``_BODY_CONTAINERS`` that matches; every match (the body may be split into
    several ``div.detail-konten`` around ads), minus matches nested in an earlier one."""
    for query in _BODY_CONTAINERS:
        nodes = query(root)
        if nodes:
            found = set(nodes)
            return [n for n in nodes if not any(a in found for a in n.iterancestors())]
    return []

def body_paras(root: Any, page: Page) -> list[Para]:
    """The body paragraphs of an A2 page, in document order, up to the "Berita terpopuler lainnya" tail."""
    out: list[Para] = []
    for node in [b for c in _body_containers(root) for b in _blocks(c)]:
        classes = f" {node.get('class', '')} "
        if any(f" {c} " in classes for c in _BACA_CLASSES):
            out += _baca_box(node, page)
            continue
        text = text_of(node)
        if not text:
            continue
        if _TAIL_MARKERS.match(text):
            break
        glued = False
        if not out and _DATELINE_START.match(text):
            separated = _glued_dateline(node, text)
            glued, text = separated != text, separated
        href, link_text = _first_href(node, page)
        out.append(Para(text, href, link_text, glued))
    return out

def _baca_box(node: Any, page: Page) -> list[Para]:
    """A ``.bacajuga`` box: each link becomes a "Baca juga" insert (assemble_body turns it into read_also)."""
    paras = []
    for a in _links_with_href(node):
        title = text_of(a)
        if title and not re.fullmatch(r"baca(\s+juga)?\s*:?", title, re.IGNORECASE):
            paras.append(Para(f"Baca juga: {title}", page.absolute(a.get("href")), title))
    return paras

def _glued_dateline(node: Any, text: str) -> str:
    """``<strong>TEMPO.CO, Jakarta</strong>NATO…`` reads "TEMPO.CO, JakartaNATO…" (sample 002): put the
    missing separator back so the dateline splits cleanly whatever the next character is."""
    first = _FIRST_NODE(node)
    if not first or isinstance(first[0], str):
        return text
    dl = text_of(first[0])
    if _DATELINE_ONLY.fullmatch(dl) and text.startswith(dl):
        rest = text[len(dl):]
        if rest and (rest[0].isalnum() or rest[0] in "\"'\u201c\u2018"):
            return f"{dl} - {rest}"
    return text
