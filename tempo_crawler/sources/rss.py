"""RSS feeds: the gateway feed ``/api/gateway/rss/free/internasional`` and the legacy ``rss.tempo.co/dunia``."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from typing import Any

from parsel import Selector

from tempo_crawler.sources import DEFAULT_BASE, ArticleRef, Listing, Source, base_url, register, rubric


def _rfc822(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return parsedate_to_datetime(text.strip()).isoformat(timespec="seconds")
    except (TypeError, ValueError):
        return None


LEGACY_FEED = "https://rss.tempo.co/dunia"


def parse(body: bytes | str, url: str, base: str, source: str = "rss") -> Listing:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    sel = Selector(text=text, type="xml")
    sel.remove_namespaces()
    if not sel.xpath("/rss|/feed|/*[local-name()='RDF']"):
        raise ValueError("not an RSS/Atom feed")
    refs = []
    for item in sel.xpath("//item|//entry"):
        link = (item.xpath("link/text()").get() or item.xpath("link/@href").get() or "").strip()
        if not link:
            link = (item.xpath("guid/text()").get() or "").strip()
        if not link:
            continue
        date = _rfc822(item.xpath("pubDate/text()").get()) or item.xpath("updated/text()|published/text()").get()
        refs.append(ArticleRef(url=link, source=source, published_at=date,
                               title=(item.xpath("title/text()").get() or "").strip() or None))
    return Listing(refs=refs)


@register
class GatewayRss(Source):
    """The new site's gateway feed of the rubric."""

    name = "rss"

    def first_url(self, settings: Any) -> str:
        return f"{base_url(settings)}/api/gateway/rss/free/{rubric(settings)}"

    def parse(self, body: bytes, url: str, base: str) -> Listing:
        return parse(body, url, base, source=self.name)

    def sniff(self, head: bytes, body: bytes) -> bool:
        return b"<rss" in head or b"<feed" in head or b"<rdf:RDF" in head


@register
class LegacyRss(GatewayRss):
    """The old system's world feed ``rss.tempo.co/dunia`` (``<base>/rss/dunia`` on a mirror)."""

    name = "rss_legacy"

    def first_url(self, settings: Any) -> str:
        legacy = settings.get("TEMPO_LEGACY_RSS_URL")
        if legacy:
            return legacy
        base = base_url(settings)
        return LEGACY_FEED if base == DEFAULT_BASE else f"{base}/rss/dunia"

    def sniff(self, head: bytes, body: bytes) -> bool:
        return False  # the gateway source reads every feed of unknown kind
