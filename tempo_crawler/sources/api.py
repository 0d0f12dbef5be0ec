"""The new site's API gateway listing: ``/api/gateway/articles?…&rubric_slug=internasional`` (docs/site.md §6)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from tempo_crawler.sources import ArticleRef, Listing, Source, base_url, register, rubric
from tempo_crawler.text.dates import parse_date

NAME = "api"


def api_url(base: str, rubric: str, page: int = 1, page_size: int = 20) -> str:
    query = urlencode({"status": "published", "page": page, "page_size": page_size, "limit": "", "access": "",
                       "rubric_slug": rubric, "order_published_at": "DESC"})
    return f"{base.rstrip('/')}/api/gateway/articles?{query}"


def item_ref(item: dict, base: str, source: str) -> ArticleRef | None:
    """An API/payload article record to a ref (``canonical_url`` is relative, without leading ``/``)."""
    path = item.get("canonical_url") or ""
    if not path:
        return None
    access = item.get("access")
    return ArticleRef(
        url=urljoin(base.rstrip("/") + "/", path.lstrip("/")) if not path.startswith("http") else path,
        source=source,
        published_at=parse_date(item.get("published_at")),
        lastmod=parse_date(item.get("updated_at")) if item.get("updated_at") else None,
        title=item.get("title_digital") or item.get("title"),
        is_free=None if access is None else access == "FREE",
    )


@register
class ApiSource(Source):
    name = NAME

    def first_url(self, settings: Any) -> str:
        return api_url(base_url(settings), rubric(settings), 1, settings.getint("TEMPO_API_PAGE_SIZE", 20))

    def parse(self, body: bytes, url: str, base: str) -> Listing:
        return parse(body, url, base)

    def sniff(self, head: bytes, body: bytes) -> bool:
        return head.startswith(b"{")


def parse(body: bytes | str, url: str, base: str) -> Listing:
    data = json.loads(body)
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValueError("API response has no data list")
    refs = [r for r in (item_ref(i, base, NAME) for i in items if isinstance(i, dict)) if r]
    next_url = None
    if refs:
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        query["page"] = str(int(query.get("page", "1")) + 1)
        next_url = urlunsplit(parts._replace(query=urlencode(query)))
    return Listing(refs=refs, next_url=next_url)
