"""Incremental runs: which article pages to fetch again, and when to stop paging a listing.

Listing, feed and API pages are always fetched. An article page is fetched when

* the store does not know it (``new``);
* ``-a full=1`` (``full``);
* a listing announces a ``lastmod`` newer than anything the store knows of it: the lastmod a listing
  gave when the page was last fetched, the page's own modified or published time (``lastmod``);
* its newest known time (published, modified, lastmod) is within ``TEMPO_REFETCH_WINDOW_HOURS`` of now,
  when edits are most likely (``fresh``).

Otherwise it is ``unchanged`` and skipped; so is an article given up after ``TEMPO_PENDING_MAX_ATTEMPTS``
failed attempts (``given_up``, :mod:`.pending`), except under ``-a full=1``. In a distributed run an article
another live worker is working on (or a dead one may have written, until its file is recovered) is skipped
too (``claimed``). Paging of a listing stops at a
page whose every article is stored and ``unchanged`` (so also older than the window), provided the previous
run paged that source completely (it finished, left nothing pending, had no ``max_items``/``since``/``until`` cut
and no error on that source); after a killed or cut-short run the next run pages to the usual bounds
(``TEMPO_MAX_LISTING_PAGES``) to catch up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from tempo_crawler.context import RunContext
from tempo_crawler.identity import article_key, request_key
from tempo_crawler.sources import ArticleRef
from tempo_crawler.state.rows import Record, later, parse_time


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


def ref_decision(context: RunContext, key: str, ref: ArticleRef) -> tuple[bool, str]:
    """:func:`decide` for a listed article, against the open store (the run must be ``active``). An article that
    failed ``TEMPO_PENDING_MAX_ATTEMPTS`` times is ``given_up`` (not fetched) unless ``full``."""
    assert context.store is not None and context.notes is not None
    if not context.full and context.pending is not None and context.pending.gave_up(key):
        return False, "given_up"
    lastmod = context.notes.saw_lastmod(key, ref.lastmod)
    record = context.store.find([key, article_key(ref.url)])
    return decide(record, published_at=ref.published_at, lastmod=lastmod, now=context.now,
                  window=context.refetch_window, full=context.full)


def claimed_elsewhere(context: RunContext, key: str) -> bool:
    """Distributed runs: another live worker works on this article, or a dead one may have written it."""
    return context.cluster is not None and context.cluster.claims.held_elsewhere(key)


def listing_exhausted(context: RunContext, refs: list[ArticleRef], wanted: Callable[[ArticleRef], bool]) -> bool:
    """True when every wanted article of a listing page is stored and unchanged (older than the refetch
    window) and the previous run paged this source completely: paging further reaches only older ones."""
    if not context.active or context.full:
        return False
    relevant = [r for r in refs if wanted(r)]
    if not relevant or relevant[0].source not in context.covered:
        return False
    return not any(ref_decision(context, request_key(r.url), r)[0] for r in relevant)
