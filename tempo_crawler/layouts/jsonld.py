"""Reading schema.org JSON-LD the way every Tempo layout needs it (MARKUP.md §3 "JSON-LD and meta", §5).

JSON-LD is whatever the page says: any value may be a string, number, list, object or null where a string is
expected. Parsers read values through these functions, which return text only when the value is text."""

from __future__ import annotations

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
