"""Exit statuses of ``scrapy crawl world`` (documented in the README), so cron ``MAILTO``, systemd and CI
alert without extra tooling. The most severe failure of a run decides its status."""

from __future__ import annotations

OK = 0            # healthy, also "nothing new"; also a run skipped because the previous one still runs
ERROR = 1         # the run failed: nothing fetched, ended by an error or a signal, a write failed
USAGE = 2         # a bad argument or setting: nothing was fetched or written (the Unix convention)
BLOCKED = 3       # most article requests were answered by a WAF / challenge page
LAYOUT_DRIFT = 4  # the pages no longer read as they did: the layout canary or the layout mix failed
DATA_QUALITY = 5  # items came out, but a data-quality threshold failed (fill rates, quarantine, failures)
INCOMPLETE = 6    # some articles could not be read this run; they stay pending for the next one

MEANINGS = {
    OK: "healthy (also: nothing new)",
    ERROR: "error: nothing fetched, ended by an error or a signal, or a write failed",
    USAGE: "usage error: a bad argument or setting; nothing fetched or written",
    BLOCKED: "blocked: most article requests were answered by a WAF / challenge page",
    LAYOUT_DRIFT: "layout drift: pages no longer read as they did",
    DATA_QUALITY: "data quality: a threshold failed",
    INCOMPLETE: "incomplete: some articles failed and stay pending for the next run",
}
# Short names (latest.json, the history, `scrapy state show`, the report).
NAMES = {OK: "ok", ERROR: "error", USAGE: "usage", BLOCKED: "blocked", LAYOUT_DRIFT: "layout_drift",
         DATA_QUALITY: "data_quality", INCOMPLETE: "incomplete"}
# Scrapy finish reasons of a run that ended by itself; any other (``shutdown``: a signal; an error) is ERROR.
FINISHED = ("finished", "closespider_itemcount", "closespider_pagecount", "closespider_timeout")
# When several apply, the first in this order wins.
SEVERITY = (USAGE, ERROR, BLOCKED, LAYOUT_DRIFT, DATA_QUALITY, INCOMPLETE, OK)


def worst(codes: list[int]) -> int:
    """The status of a run that hit every code in ``codes``."""
    present = set(codes)
    return next((c for c in SEVERITY if c in present), OK)
