"""One parser per page layout, chosen by the page's content (never its host).

``parse_page`` tries each layout's ``matches`` in order and returns the first one's parse, or None
when no known layout fits (the caller quarantines such a page).
"""

from __future__ import annotations

from datetime import datetime

from tempo_crawler.layouts.base import LayoutParser, Page, ParsedPage


def _parsers() -> list[LayoutParser]:
    from tempo_crawler.layouts.a1 import A1Parser
    from tempo_crawler.layouts.a2 import A2Parser
    from tempo_crawler.layouts.amp import AMPParser
    from tempo_crawler.layouts.b import BParser

    # AMP first: it reuses desktop class names. B before A: its markers are unambiguous.
    return [AMPParser(), BParser(), A2Parser(), A1Parser()]


PARSERS: list[LayoutParser] | None = None


def detect(page: Page) -> LayoutParser | None:
    global PARSERS
    if PARSERS is None:
        PARSERS = _parsers()
    return next((p for p in PARSERS if p.matches(page)), None)


def parse_page(url: str, html: str, fetched_at: datetime | None = None) -> ParsedPage | None:
    page = Page(url, html) if fetched_at is None else Page(url, html, fetched_at)
    parser = detect(page)
    return parser.parse(page) if parser else None
