"""RSS feeds: the gateway feed ``/api/gateway/rss/free/internasional`` and the legacy ``rss.tempo.co/dunia``."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from parsel import Selector

from tempo_crawler.sources import ArticleRef, Listing


def _rfc822(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return parsedate_to_datetime(text.strip()).isoformat(timespec="seconds")
    except (TypeError, ValueError):
        return None


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
