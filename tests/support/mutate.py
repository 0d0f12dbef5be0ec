"""Mutations of golden pages for robustness tests: JSON-LD values of the wrong type, odd URLs, control
characters, pathological sizes. Pure functions of the page text."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

JSONLD_BLOCK = re.compile(r'(<script[^>]*type="application/ld\+json"[^>]*>)(.*?)(</script>)', re.DOTALL | re.I)
# Keys Tempo's JSON-LD carries where the parsers expect text, a list or a Person / ImageObject.
ARTICLE_KEYS = ("headline", "description", "datePublished", "dateModified", "author", "editor", "image",
                "keywords", "articleSection", "articleBody", "isAccessibleForFree", "name", "url", "caption",
                "contentUrl", "itemListElement", "position", "item", "@graph", "@type")
# One value of every JSON type but the expected one, and the awkward strings.
WRONG_VALUES: tuple[Any, ...] = (0, 2024, -1.5, True, None, [], [1, None], {}, {"@type": "Person", "name": 5},
                                 {"url": {"x": 1}, "name": ["a"]}, "", "\u0000\ud800", "x" * 300)


def map_jsonld(html: str, change: Callable[[Any], Any]) -> str:
    """Every JSON-LD block of ``html`` parsed, passed through ``change`` and written back (blocks that do
    not parse are left as they are)."""
    def sub(m: re.Match[str]) -> str:
        try:
            data = json.loads(m.group(2))
        except ValueError:
            return m.group(0)
        return m.group(1) + json.dumps(change(data)) + m.group(3)

    return JSONLD_BLOCK.sub(sub, html)


# The value keys only: with ``@type`` / ``@graph`` changed too, no object would be read as the article at all.
VALUE_KEYS = tuple(k for k in ARTICLE_KEYS if not k.startswith("@"))


def set_keys(value: Any, keys: tuple[str, ...] = VALUE_KEYS) -> Callable[[Any], Any]:
    """A ``change`` for :func:`map_jsonld`: every object's ``keys`` (where present) set to ``value``,
    nested objects too."""
    def change(data: Any) -> Any:
        if isinstance(data, list):
            return [change(d) for d in data]
        if isinstance(data, dict):
            return {k: (value if k in keys else change(v)) for k, v in data.items()}
        return data

    return change


def has_jsonld(html: str) -> bool:
    return bool(JSONLD_BLOCK.search(html))


def set_hrefs(html: str, url: str) -> str:
    """Every ``href``/``src``/``content`` URL attribute (absolute or relative) replaced by ``url``."""
    return re.sub(r'\b(href|src|content)="(?:https?:)?/[^"]*"', lambda m: f'{m.group(1)}="{url}"', html)


def headline(html: str, text: str) -> str:
    """The JSON-LD ``headline`` values replaced by ``text``."""
    return map_jsonld(html, set_keys(text, ("headline",)))


def in_body(html: str, paragraph: str, text: str) -> str:
    """``text`` put before the last place the page shows the first three words of ``paragraph`` (a body
    paragraph of the expected item: the last occurrence is the body, not the JSON-LD or meta copy)."""
    anchor = " ".join(paragraph.split()[:3])
    at = html.rfind(anchor)
    if at < 0:
        raise ValueError(f"{anchor!r} not in the page")
    return html[:at] + text + " " + html[at:]
