"""A run's key figures, read from Scrapy's stats, the run context and the ledger when the spider closes: what
the monitors check, what the history keeps (one JSON line per run) and what the report shows.

Failed requests are counted by the spider's errbacks per coarse cause (:mod:`tempo_crawler.failures`):
``tempo/failed/cause/<kind>`` and ``tempo/failed/status/<code>``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from tempo_crawler.context import RunContext
from tempo_crawler.failures import kind_of_class_name
from tempo_crawler.monitors.ledger import RunLedger
from tempo_crawler.urls import url_era

FILL_FIELDS = ("title", "lead", "body", "published_at", "modified_at", "reporters", "editors", "dateline",
               "image_url", "image_caption", "tags", "section")
PEOPLE = "reporters_or_editors"   # a derived field: the article names a reporter or an editor
BLOCKED_STATUSES = (403, 429)


def _under(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix):]: int(v) for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int | float)}


def run_kind(context: RunContext) -> str:
    """Which earlier runs a run is compared with: explicit URLs, a date window, capped by max_items,
    incremental (paging may stop at already-seen pages) or full (every listing to its usual bounds); a
    distributed worker that did not discover (``worker``: it fetched what the shared queue gave it)."""
    if context.distributed and not context.seeding:
        return "worker"
    if context.explicit_urls:
        return "explicit"
    if context.windowed:
        return "windowed"
    if context.max_items is not None:
        return "capped"
    return "incremental" if context.active and context.covered else "full"


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat(timespec="seconds")
    return None


def gather(stats: dict[str, Any], context: RunContext, ledger: RunLedger, settings: Any) -> dict[str, Any]:
    """The run's figures (JSON-ready; the history line before the outcome is added)."""
    start, finish = stats.get("start_time"), stats.get("finish_time") or datetime.now(timezone.utc)
    elapsed = (finish - start).total_seconds() if isinstance(start, datetime) and isinstance(finish, datetime) else None
    layouts = _under(stats, "tempo/layout/")
    pages = sum(layouts.values())
    quarantined = int(stats.get("tempo/quarantined", 0))
    items = int(stats.get("item_scraped_count", 0))
    listed = _under(stats, "tempo/source/")
    statuses = _under(stats, "downloader/response_status_count/")
    return {
        "run_id": context.stamp,
        "spider": context.spider,
        "started_at": _iso(start),
        "finished_at": _iso(finish),
        "elapsed_s": round(elapsed, 1) if elapsed is not None else None,
        "kind": run_kind(context),
        "finish_reason": stats.get("finish_reason"),
        "requests": int(stats.get("downloader/request_count", 0)),
        "responses": int(stats.get("downloader/response_count", 0)),
        "responses_ok": int(stats.get("tempo/responses_ok", 0)),
        **_discovery(listed, context, settings),
        "scheduled": int(stats.get("tempo/articles/scheduled", 0)),
        "unchanged": int(stats.get("tempo/skipped/unchanged", 0)),
        "pages": pages,
        "layouts": layouts,
        "dominant_layout": max(sorted(layouts), key=lambda k: layouts[k]) if layouts else None,
        "items": items,
        "exported": int(stats.get("tempo/export/lines", 0)),
        "dropped": int(stats.get("item_dropped_count", 0)),
        "dropped_reasons": _under(stats, "tempo/dropped/"),
        "quarantined": quarantined,
        "fallback_pages": ledger.fallback_pages,
        # Of the pages parsed plus those quarantined (most have no known layout, so were not parsed; one
        # quarantined because its body stayed empty is in both, which can only make the share smaller).
        "unread_share": round(min(1.0, (quarantined + ledger.fallback_pages) / max(pages + quarantined, 1)), 4),
        "failed": _failed(stats, listed),
        "blocked": _blocked(stats, statuses),
        "statuses": statuses,
        "fill": _fill(stats, ledger, items),
        "canary": ledger.canary(settings.getfloat("TEMPO_MONITOR_CANARY_MIN_F1")),
        "errors_logged": int(stats.get("log_count/ERROR", 0)),
        "warnings_logged": int(stats.get("log_count/WARNING", 0)),
        "file": stats.get("tempo/export/file"),
    }


def _discovery(listed: dict[str, Any], context: RunContext, settings: Any) -> dict[str, Any]:
    """Articles discovered, per source on a listing run, and the sources that failed (``listed``: the
    ``tempo/source/`` stats)."""
    per_source = ({name: listed.get(f"{name}/articles", 0) for name in settings.getlist("TEMPO_SOURCES")}
                  if context.listing_run else {})
    explicit_articles = sum(1 for url in context.explicit_urls if url_era(url))
    discovered = (sum(per_source.values()) if context.listing_run
                  else listed.get("explicit/articles", 0) + explicit_articles)
    source_errors = {k.split("/")[0]: v for k, v in listed.items() if k.endswith("/errors") and v}
    return {"discovered": discovered, "sources": per_source, "source_errors": source_errors}


def _failed(stats: dict[str, Any], listed: dict[str, Any]) -> dict[str, Any]:
    """Failed articles and listings, by cause and status; every attempt by cause, retries included."""
    attempts_by_cause: dict[str, int] = {}
    for name, n in _under(stats, "downloader/exception_type_count/").items():
        kind = kind_of_class_name(name)
        attempts_by_cause[kind] = attempts_by_cause.get(kind, 0) + n
    return {
        "articles": int(stats.get("tempo/articles/failed", 0)),
        "listings": sum(v for k, v in listed.items() if k.endswith("/errors")),
        "spider_exceptions": int(stats.get("spider_exceptions/count", 0)),
        "gave_up": int(stats.get("retry/max_reached", 0)),   # Scrapy logs each at ERROR
        "by_cause": _under(stats, "tempo/failed/cause/"),
        "by_status": _under(stats, "tempo/failed/status/"),
        "attempts_by_cause": attempts_by_cause,   # downloader stats
    }


def _blocked(stats: dict[str, Any], statuses: dict[str, Any]) -> dict[str, Any]:
    """Responses that are 403/429 or challenge pages, and their share of all responses."""
    responses = int(stats.get("downloader/response_count", 0))
    challenge = sum(_under(stats, "tempo/blocked/").values())
    # A challenge page answered with 403 is counted both ways: the larger count, never the sum.
    blocked = max(challenge, sum(statuses.get(str(s), 0) for s in BLOCKED_STATUSES))
    return {
        "responses": blocked,
        "share": round(blocked / responses, 4) if responses else 0.0,
        "status_403": statuses.get("403", 0),
        "status_429": statuses.get("429", 0),
        "challenge": challenge,
        "hosts": _under(stats, "tempo/blocked/"),      # challenge pages per host (tempo_crawler/blocking.py)
    }


def _fill(stats: dict[str, Any], ledger: RunLedger, items: int) -> dict[str, float]:
    """Per-field fill rates of the run's items (Spidermon's field coverage; people from the ledger)."""
    if not items:
        return {}
    coverage = {k: float(v) for k, v in _under_float(stats, "spidermon_field_coverage/Article/").items()
                if "/" not in k}
    fill = {f: round(coverage.get(f, 0.0), 4) for f in FILL_FIELDS}
    fill[PEOPLE] = round(ledger.with_people / items, 4) if ledger.items else 0.0
    return fill


def _under_float(stats: dict[str, Any], prefix: str) -> dict[str, float]:
    return {k[len(prefix):]: float(v) for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int | float)}
