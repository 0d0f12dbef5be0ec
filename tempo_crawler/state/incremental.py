"""Incremental runs: which article pages to fetch again, and when to stop paging a listing.

Listing, feed and API pages are always fetched. An article page is fetched when

* the store does not know it (``new``);
* ``-a full=1`` (``full``);
* a listing announces a ``lastmod`` newer than anything the store knows of it: the lastmod a listing
  gave when the page was last fetched, the page's own modified or published time (``lastmod``);
* its newest known time (published, modified, lastmod) is within ``TEMPO_REFETCH_WINDOW_HOURS`` of now,
  when edits are most likely (``fresh``).

Otherwise it is ``unchanged`` and skipped. Paging of a listing stops at a page whose every article is
stored and ``unchanged`` (so also older than the window), provided the previous run paged that source
completely (it finished, fetched every article it scheduled, had no ``max_items``/``since``/``until`` cut
and no error on that source); after a killed or cut-short run the next run pages to the usual bounds
(``TEMPO_MAX_LISTING_PAGES``) to catch up.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tempo_crawler.sources import ArticleRef, Listing
from tempo_crawler.state.runtime import CronState
from tempo_crawler.state.store import Record, later, parse_time
from tempo_crawler.urls import article_key, url_era


def decide(record: Record | None, *, published_at: str | None, lastmod: str | None, now: datetime,
           window: timedelta, full: bool = False) -> tuple[bool, str]:
    """(fetch?, reason) for one listed article; ``record`` is what the store holds for it."""
    if record is None:
        return True, "new"
    if full:
        return True, "full"
    known = later(later(record.listing_lastmod, record.modified_at), record.published_at)
    announced, known_t = parse_time(lastmod), parse_time(known)
    if announced is not None and (known_t is None or announced > known_t):
        return True, "lastmod"
    newest = parse_time(later(later(published_at, lastmod), known))
    if newest is not None and newest >= now - window:
        return True, "fresh"
    return False, "unchanged"


def _ref_decision(state: CronState, key: str, ref: ArticleRef) -> tuple[bool, str]:
    assert state.store is not None
    lastmod = state.saw_lastmod(key, ref.lastmod)
    record = state.store.find([key, article_key(ref.url)])
    return decide(record, published_at=ref.published_at, lastmod=lastmod, now=state.now, window=state.window,
                  full=state.full)


def should_fetch(spider: Any, key: str, ref: ArticleRef) -> bool:
    """The ``WorldSpider.should_fetch`` hook."""
    state = CronState.of(spider.crawler)
    if not state.active:
        return True
    fetch, reason = _ref_decision(state, key, ref)
    if fetch:
        state.inc(f"incremental/fetch/{reason}")
    elif key not in state.unchanged:
        state.unchanged.add(key)
        state.inc("skipped/unchanged")
    return fetch


def listing_exhausted(spider: Any, listing: Listing) -> bool:
    """The ``WorldSpider.listing_exhausted`` hook: True when this page holds only stored, unchanged
    articles (older than the refetch window) and the previous run paged this source completely."""
    state = CronState.of(spider.crawler)
    if not state.active or state.full:
        return False
    relevant = [r for r in listing.refs if url_era(r.url) and (r.source == "explicit" or spider.in_section(r.url))]
    if not relevant or relevant[0].source not in state.covered:
        return False
    for ref in relevant:
        key = article_key(ref.url) or ref.url
        if _ref_decision(state, key, ref)[0]:
            return False
    state.inc("incremental/paging_stopped")
    spider.logger.debug("%s: every article on this page is stored and unchanged, paging stops",
                        relevant[0].source)
    return True
