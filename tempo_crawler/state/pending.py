"""Nothing is marked done that was not exported: one run's account of every article it requested.

Every article request carries its key (``meta["tempo_key"]``, :func:`tempo_crawler.identity.request_key`).
An article is **open** from its request until an outcome settles it:

* exported, or found unchanged / a duplicate / outside the window: settled (the store's ``record``/``touch``
  clear its pending row);
* failed: the fetch failed (HTTP status, timeout, DNS, connection, redirect loop…), the page was cut short,
  a parser or pipeline raised, the page was quarantined or blocked, or the item was dropped for any other
  reason (a drop reason is a failure unless it is one of :data:`SETTLED_DROPS`): **pending**;
* still open when the run ends (shut down, or an outcome nobody reported): pending too.

Pending articles are written to the store (``pending`` table) with their URL, source, number of failed
attempts and last cause; every later listing run requests them again, whatever the sources list, while
they have failed fewer than ``TEMPO_PENDING_MAX_ATTEMPTS`` times; then they are given up, and listings skip
them too (``tempo/skipped/given_up``; ``-a full=1`` tries them again). Stats: ``tempo/pending`` (articles this
run leaves pending), ``tempo/pending_given_up`` (reached the limit in this run), ``tempo/pending/retried``,
``tempo/failed_articles`` (``{url: cause}``). A run that leaves articles pending does not mark its listing
coverage complete and exits with ``exitcodes.INCOMPLETE``.

Distributed runs (``TEMPO_REDIS_URL``): an article request goes to the shared queue, so the worker that pops
it accounts for it (:meth:`PendingArticles.requested` from the scheduler), not the one that discovered it;
the pending articles are shared in Redis (:mod:`.redis_pending`) and pushed again by the next discovery.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from scrapy import signals

from tempo_crawler.context import RunContext
from tempo_crawler.failures import Cause, exception_cause
from tempo_crawler.identity import request_key
from tempo_crawler.responses import request_of
from tempo_crawler.state.rows import Pending, utc_now

logger = logging.getLogger(__name__)

KEY = "tempo_key"   # request meta: the article's key
# claimed_elsewhere: distributed runs, another worker exports it (tempo_crawler/pipelines/dedupe.py)
SETTLED_DROPS = frozenset({"unchanged", "duplicate", "duplicate_content", "out_of_window", "claimed_elsewhere"})
_MAX_NAMED = 1000   # failed articles named in the stats


@dataclass(slots=True)
class Attempt:
    url: str
    source: str | None


def article_meta(url: str, source: str | None, key: str | None = None) -> dict[str, Any]:
    """Request meta marking an article request (see the module doc); ``key``: its request key, when known."""
    return {KEY: key or request_key(url), "tempo_source": source}


def key_of(target: Any) -> str | None:
    request = request_of(target)
    return request.meta.get(KEY) if request is not None else None


class PendingArticles:
    def __init__(self, crawler: Any, context: RunContext) -> None:
        self.crawler = crawler
        self.context = context
        self.max_attempts = max(1, crawler.settings.getint("TEMPO_PENDING_MAX_ATTEMPTS", 5))
        self.open: dict[str, Attempt] = {}
        self.failed: dict[str, tuple[Attempt, Cause]] = {}
        self.given_up: set[str] = set()     # failed TEMPO_PENDING_MAX_ATTEMPTS times by now: not retried
        self._given_up_before: set[str] | None = None   # given up by earlier runs (read once from the store)
        # Connected before the run lifecycle's handlers (the spider creates this): ``finish`` writes the last
        # pending rows before the lifecycle commits and closes the store.
        for handler, signal in ((self.item_scraped, signals.item_scraped), (self.item_dropped, signals.item_dropped),
                                (self.item_error, signals.item_error), (self.request_dropped, signals.request_dropped),
                                (self.spider_closed, signals.spider_closed)):
            crawler.signals.connect(handler, signal=signal)

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    # -- the run's account --------------------------------------------------------------------------
    def requested(self, request: Any) -> None:
        key = request.meta.get(KEY)
        if key and key not in self.failed:
            self.open[key] = Attempt(request.url, request.meta.get("tempo_source"))

    def settle(self, target: Any) -> None:
        """An outcome that needs no retry (exported, unchanged, duplicate, out of the window)."""
        key = key_of(target)
        if key:
            self.open.pop(key, None)

    def fail(self, target: Any, cause: Cause, what: str | None = None, line: str | None = None) -> bool:
        """The article behind ``target`` (request, response, failure) was not exported: count
        ``tempo/failed/<cause>``, log one WARNING ``<what>: <url> (<cause>)`` or ``<what>: <line>`` (unless
        ``what`` is None: logged already), keep it pending. False when ``target`` is not an article request
        (then only counted and logged)."""
        request = request_of(target)
        url = getattr(request, "url", None) or "?"
        key = key_of(request)
        attempt = (self.open.pop(key, None) or Attempt(url, request.meta.get("tempo_source"))) if key else None
        shown = attempt.url if attempt is not None else url   # the article's URL, not a redirect's target
        if what and line:
            logger.warning("%s: %s", what, line)
        elif what:
            logger.warning("%s: %s (%s%s)", what, shown, cause.text, f"; at {url}" if url != shown else "")
        self.stats.inc_value(f"tempo/failed/{cause.key}")
        if key is None or attempt is None:
            return False
        if key in self.failed:   # one failure per article and run
            return True
        self.failed[key] = (attempt, cause)
        self.stats.inc_value("tempo/articles/failed")
        named = self.stats.get_value("tempo/failed_articles") or {}
        if len(named) < _MAX_NAMED:
            self.stats.set_value("tempo/failed_articles", {**named, attempt.url: cause.text})
        store = self.context.store if self.context.active else None
        if store is not None:
            try:
                attempts = store.mark_pending(key, attempt.url, source=attempt.source, cause=cause.text,
                                              now=utc_now())
            except OSError:   # the shared store is gone (Redis): the run's end says so once; the next discovery
                self.stats.inc_value("tempo/state/pending_unrecorded")   # finds the article again
                return True
            if attempts >= self.max_attempts:
                self.given_up.add(key)
            if attempts == self.max_attempts:
                self.stats.inc_value("tempo/pending_given_up")
                logger.warning("giving up on %s after %d failed attempts (last: %s); a listing may still "
                               "bring it back", attempt.url, attempts, cause.text)
        return True

    def gave_up(self, key: str) -> bool:
        """Did an earlier run give up on this article (``TEMPO_PENDING_MAX_ATTEMPTS`` failures)? Listings
        then skip it too (``given_up``), so it costs no request and no failure; ``-a full=1`` tries again."""
        if self._given_up_before is None:
            store = self.context.store if self.context.active else None
            self._given_up_before = ({p.key for p in store.pending() if p.attempts >= self.max_attempts}
                                     if store is not None else set())
        return key in self._given_up_before

    def to_retry(self) -> list[Pending]:
        """Pending articles of earlier runs to request again (an open store only)."""
        if not self.context.active or self.context.store is None:
            return []
        return self.context.store.pending(self.max_attempts)

    def finish(self, reason: str) -> int:
        """At the end of the run: what is still open is pending too; set the stats; the number pending."""
        for key, attempt in list(self.open.items()):
            self.fail(_Bare(attempt.url, {KEY: key, "tempo_source": attempt.source}),
                      Cause("not_fetched", f"not fetched: the run ended ({reason})"), what="article not read")
        pending = len(set(self.failed) - self.given_up)
        self.stats.set_value("tempo/pending", pending)
        self.stats.set_value("tempo/pending_given_up", self.stats.get_value("tempo/pending_given_up", 0))
        if pending:
            logger.warning("%d article(s) left pending for the next run (stats tempo/failed_articles)", pending)
        return pending

    # -- signals -----------------------------------------------------------------------------------
    def spider_closed(self, spider: Any, reason: str) -> None:
        self.finish(reason)

    def item_scraped(self, item: Any, response: Any = None, **kw: Any) -> None:
        self.settle(response)

    def item_dropped(self, item: Any, response: Any = None, exception: BaseException | None = None,
                     **kw: Any) -> None:
        reasons = set(getattr(exception, "reasons", ()) or ())
        if reasons and reasons <= SETTLED_DROPS:
            self.settle(response)
        else:
            label = ", ".join(sorted(reasons)) or "dropped"   # Scrapy logged the drop already
            self.fail(response, Cause("dropped", f"dropped ({label}): {exception}"[:300]))

    def item_error(self, item: Any, response: Any = None, failure: Any = None, **kw: Any) -> None:
        exc = getattr(failure, "value", None) or RuntimeError("unknown")   # Scrapy logged the traceback
        self.fail(response, exception_cause(exc, "pipeline"))

    def request_dropped(self, request: Any, **kw: Any) -> None:
        """The scheduler refused a request for a URL already requested: a redirect back to it (a loop)."""
        if request.meta.get(KEY) not in self.open:
            return
        if request.meta.get("redirect_times"):
            cause = Cause("redirect_loop", f"redirect loop (back to {request.url}, already requested)")
        else:
            cause = Cause("dropped_request", "dropped by the scheduler (URL already requested)")
        self.fail(request, cause, what="article fetch failed")


@dataclass
class _Bare:
    """A request-like record of an open article (for the end-of-run sweep)."""

    url: str
    meta: dict[str, Any]
