"""What "the same article" means: the only definition of the article key, the content key and the
content hash. Everything that schedules, dedupes, stores or exports asks here.

* **Article key** — ``a:<id>`` (old system, ``<kanal>.tempo.co/read/<id>/…`` and its AMP, ``read/news``,
  partner forms) or ``b:<id>`` (new site, ``www.tempo.co/<rubric>/<slug>-<id>``): every URL form of one
  article shares it (:func:`tempo_crawler.urls.article_key`). The two systems number their articles
  separately, hence the era prefix. An item whose URL has no key falls back to ``id:<id>``.
* **Content key** — normalised title + a hash of the normalised body: the same story under two keys
  (an old-site and a new-site copy) is one article.
* **Content hash** — over what a reader reads (:data:`CONTENT_FIELDS`): a new hash is a revision.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from tempo_crawler.urls import article_key

# What a reader reads: a change in any of these is a revision. Not crawled_at/dates/related/layout.
CONTENT_FIELDS = ("title", "lead", "dateline", "body", "image_url", "image_caption", "reporters", "editors",
                  "tags", "editors_pick", "read_also", "closing_credit", "is_free", "truncated")
# The closing credit line was hashed as "agency" before it had its own field (agency now holds only the
# agencies it names): hashed under that name, so the stored hashes of earlier runs stay valid.
_HASHED_AS = {"closing_credit": "agency"}
# Read too, but added to the item later: hashed only when set, so a store written before they existed keeps
# the hashes of its articles (an article without them is not taken for revised).
LATER_CONTENT_FIELDS = ("print_title", "summary")

_WORD = re.compile(r"\w+")

__all__ = ["CONTENT_FIELDS", "LATER_CONTENT_FIELDS", "article_key", "content_hash", "content_key", "item_key",
           "is_article_key", "mapping_key", "normalised_words", "request_key", "url_keys"]


def item_key(url: str | None, article_id: str | None) -> str | None:
    """The key of an article: the article key of its (canonical) URL, else ``id:<id>``, else None."""
    key = article_key(url) if url else None
    if key:
        return key
    return f"id:{article_id}" if article_id else None


def mapping_key(item: Mapping[str, Any]) -> str | None:
    """:func:`item_key` of an exported item as a dict (a JSON line)."""
    return item_key(item.get("url"), item.get("id"))


def request_key(url: str) -> str:
    """The key a listed URL is scheduled under: its article key, else the URL itself."""
    return article_key(url) or url


def is_article_key(key: str | None) -> bool:
    """Is a request key an article key (``a:<id>``, ``b:<id>``), not the URL it falls back to?"""
    return bool(key) and "/" not in key   # type: ignore[operator]


def url_keys(*urls: str | None) -> set[str]:
    """The article keys of every URL given that has one."""
    return {k for k in (article_key(u) for u in urls if u) if k}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalised_words(text: str | None) -> str:
    """NFKC, casefolded, punctuation dropped, single spaces: what survives re-typesetting of a text."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text or "").casefold()))


def content_hash(item: Mapping[str, Any]) -> str:
    """Hash of the fields a reader reads (:data:`CONTENT_FIELDS`, and :data:`LATER_CONTENT_FIELDS` when set)
    of an item as a dict."""
    payload = {_HASHED_AS.get(name, name): item.get(name) for name in CONTENT_FIELDS}
    if "closing_credit" not in item:   # a line written before the field existed
        payload["agency"] = item.get("agency")
    payload.update({name: item[name] for name in LATER_CONTENT_FIELDS if item.get(name)})
    return _sha(json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")))[:32]


def content_key(item: Mapping[str, Any]) -> str | None:
    """Normalised title + hash of the normalised body; None when either is empty."""
    return _content_key(item.get("title"), tuple(item.get("body") or ()))


@lru_cache(maxsize=256)   # an exported item's key is asked for twice (cross-run dedupe, then the store's record)
def _content_key(title: str | None, body: tuple[str, ...]) -> str | None:
    title = normalised_words(title)
    body = normalised_words(" ".join(body))
    if not title or not body:
        return None
    return f"{title}#{_sha(body)[:24]}"
