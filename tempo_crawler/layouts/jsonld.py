"""Reading schema.org JSON-LD the way every Tempo layout needs it (docs/site.md §3 "JSON-LD and meta", §5).

JSON-LD is whatever the page says: any value may be a string, number, list, object or null where a string is
expected. Parsers read values through these functions, which return text only when the value is text."""

from __future__ import annotations

import html
import re
from typing import Any

from tempo_crawler.layouts.base import Page
from tempo_crawler.text.normalize import clean_or_none, clean_text, unique_texts

ARTICLE_TYPES = ("NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle")
# Bylines that name the publisher, not a person.
_NOT_PEOPLE = frozenset({"tempo", "tempo.co", "tempo.co.id", "tempo media group", "redaksi tempo", "tim tempo"})


def ld_article(page: Page) -> dict[str, Any]:
    """The page's article object (empty dict when there is none)."""
    return page.jsonld_of(*ARTICLE_TYPES) or {}


def ld_people(value: Any) -> list[str]:
    """Person names from an ``author`` / ``editor`` value (object, list or string); organisations and
    publisher bylines skipped, repeats removed."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if kind is None or "Person" in kinds:
                names.append(ld_string(item.get("name")) or "")
    return unique_texts([n for n in names if clean_text(n).casefold() not in _NOT_PEOPLE])


def ld_image(ld: dict[str, Any]) -> tuple[str | None, str | None]:
    """``(url, caption)`` of the ``image`` value (string, ``ImageObject`` or a list of either)."""
    img = ld.get("image")
    if isinstance(img, list):
        img = img[0] if img else None
    if isinstance(img, str):
        return clean_or_none(img), None
    if isinstance(img, dict):
        url = ld_string(img.get("url")) or ld_string(img.get("contentUrl"))
        return clean_or_none(url), clean_or_none(ld_string(img.get("caption")))
    return None, None


def ld_keywords(ld: dict[str, Any]) -> list[str]:
    """``keywords`` as a list (comma-separated string or list)."""
    kw = ld.get("keywords")
    if isinstance(kw, str):
        return unique_texts(kw.split(","))
    if isinstance(kw, list):
        return unique_texts([str(k) for k in kw if isinstance(k, str | int) and not isinstance(k, bool)])
    return []


def ld_string(value: Any) -> str | None:
    """``value`` when it is a string, else None (a number, list, object or null is not text)."""
    return value if isinstance(value, str) else None


def ld_text(ld: dict[str, Any], key: str) -> str | None:
    """The cleaned text of ``ld[key]`` when it is a string, else None."""
    return clean_or_none(ld_string(ld.get(key)))


# -- the JSON-LD fallback (layouts/jsonld_only.py, docs/site.md §5 "JSON-LD fallback") -----------------------

_TAG = re.compile(r"<[^<>]{0,500}>")
_BREAK_TAG = re.compile(r"<\s{0,10}(?:/p|/div|/h[1-6]|/li|/blockquote)\b[^<>]{0,200}>", re.IGNORECASE)
_BR_TAG = re.compile(r"<\s{0,10}br\b[^<>]{0,200}>", re.IGNORECASE)   # a line break inside a paragraph: a space
MAX_ARTICLE_BODY = 500_000   # characters of articleBody read; a longer one is cut (a page is never that long)


def ld_complete_article(page: Page) -> dict[str, Any] | None:
    """The first article object (top level, in a list or in an ``@graph``) that has a headline, a publication
    date and an ``articleBody``, each a non-empty string; None when the page has none."""
    for obj in page.jsonld:
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(k in ARTICLE_TYPES for k in kinds if isinstance(k, str)):
            continue
        if all(isinstance(obj.get(k), str) and obj[k].strip() for k in ("headline", "datePublished", "articleBody")):
            return obj
    return None


def ld_body_lines(text: str) -> list[str]:
    """``articleBody`` as paragraphs: entities decoded, markup (should a site put HTML there) turned into
    paragraph breaks at block ends, ``<br>`` into a space (as the page walkers read it) and otherwise removed;
    one paragraph per non-empty line."""
    text = html.unescape(text[:MAX_ARTICLE_BODY])
    if "<" in text:
        text = _TAG.sub("", _BR_TAG.sub(" ", _BREAK_TAG.sub("\n", text)))
    return [line for line in (clean_text(raw) for raw in text.splitlines()) if line]


def ld_url(ld: dict[str, Any]) -> str | None:
    """The article's own URL as the JSON-LD states it (``mainEntityOfPage`` id/url, else ``url``)."""
    main = ld.get("mainEntityOfPage")
    for value in ((main.get("@id") or main.get("url")) if isinstance(main, dict) else main, ld.get("url")):
        if isinstance(value, str) and value.strip().startswith(("http://", "https://")):
            return value.strip()
    return None


def ld_section(ld: dict[str, Any]) -> str | None:
    """``articleSection`` (a string, or the first of a list)."""
    value = ld.get("articleSection")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return clean_or_none(value) if isinstance(value, str) else None


def ld_false(value: Any) -> bool:
    """A JSON-LD boolean that says false (``false`` or the string ``"false"``), e.g. ``isAccessibleForFree``."""
    if isinstance(value, str):
        return value.strip().casefold() == "false"
    return value is False


def ld_persons(value: Any) -> list[dict[str, Any]]:
    """An ``author`` value as a list of objects (a bare name becomes ``{"name": …}``; other values dropped)."""
    items = value if isinstance(value, list) else [value]
    out = []
    for it in items:
        if isinstance(it, dict):
            out.append(it)
        elif isinstance(it, str) and it.strip():
            out.append({"name": it})
    return out


def ld_value(value: Any) -> str | None:
    """A JSON-LD text value (a string, or an ImageObject/WebPage-like dict's url/@id/name), cleaned."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or value.get("contentUrl") or value.get("name")
    return clean_text(value) if isinstance(value, str) else None


def ld_position(value: Any) -> int:
    """A breadcrumb's ``position`` (a number or a numeric string); 0 when it is neither."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) < 10:
        return int(value.strip())
    return 0
