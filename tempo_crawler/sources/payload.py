"""The rubric page's Nuxt ``_payload.json`` (docs/site.md §5 "Embedded state"): a devalue flat array."""

from __future__ import annotations

import json
from typing import Any

from tempo_crawler.sources import Listing, Source, base_url, register, rubric
from tempo_crawler.sources.api import item_ref

NAME = "payload"
_WRAPPERS = {"ShallowReactive", "Reactive", "ShallowRef", "Ref", "EmptyRef", "EmptyShallowRef"}


def devalue(flat: list[Any]) -> Any:
    """Decode Nuxt's devalue flat array: element 0 is the root, container values are indices."""
    memo: dict[int, Any] = {}

    def hydrate(index: int) -> Any:
        if index in memo:
            return memo[index]
        if index < 0:  # devalue's special negatives: undefined, NaN, ±Infinity, -0
            return None
        value = flat[index]
        if isinstance(value, list):
            if value and isinstance(value[0], str) and value[0] in _WRAPPERS and len(value) == 2:
                out = hydrate(value[1])
            elif value and isinstance(value[0], str) and value[0] in {"Date", "Set", "Map", "BigInt", "RegExp"}:
                out = value[1] if len(value) > 1 else None
            else:
                out = []
                memo[index] = out
                out.extend(hydrate(i) for i in value)
        elif isinstance(value, dict):
            out = {}
            memo[index] = out
            for k, i in value.items():
                out[k] = hydrate(i) if isinstance(i, int) else i
        else:
            out = value
        memo[index] = out
        return out

    return hydrate(0)


def _find_articles(root: Any) -> list[dict]:
    """``data['rubric-content'].latest.data[]``, or else every list of records carrying ``canonical_url``."""
    try:
        return list(root["data"]["rubric-content"]["latest"]["data"])
    except (KeyError, TypeError):
        pass
    found: list[dict] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, list):
            if node and all(isinstance(x, dict) and "canonical_url" in x for x in node):
                found.extend(node)
            else:
                stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    return found


def parse(body: bytes | str, url: str, base: str) -> Listing:
    flat = json.loads(body)
    if not isinstance(flat, list) or not flat:
        raise ValueError("payload is not a devalue array")
    root = devalue(flat)
    refs = [r for r in (item_ref(a, base, NAME) for a in _find_articles(root)) if r]
    return Listing(refs=refs)


@register
class PayloadSource(Source):
    name = NAME

    def first_url(self, settings: Any) -> str:
        return f"{base_url(settings)}/{rubric(settings)}/_payload.json"

    def parse(self, body: bytes, url: str, base: str) -> Listing:
        return parse(body, url, base)

    def sniff(self, head: bytes, body: bytes) -> bool:
        return head.startswith(b"[") and b"data" in body[:2048]
