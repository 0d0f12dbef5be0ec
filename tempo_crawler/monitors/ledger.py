"""What the monitors need beyond Scrapy's stats, gathered while the run lives, in bounded memory: one canary
F1 value per page (never the bodies), pages read by the JSON-LD fallback, and per exported article its
publication hour and whether it names a reporter or an editor.

The spider reports each parsed page (:meth:`RunLedger.observe_page`); the monitors extension reports each
exported item (:meth:`RunLedger.observe_item`). Both reach the one ledger of the crawl with ``RunLedger.of``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from tempo_crawler.layouts.base import Page, ParsedPage
from tempo_crawler.layouts.jsonld import ld_article
from tempo_crawler.monitors.canary import body_f1

_ATTR = "tempo_run_ledger"


def publication_hour(value: str | None) -> str | None:
    """``YYYY-MM-DDTHH`` (UTC) of an ISO time, None when it cannot be read."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H")


@dataclass
class RunLedger:
    canary_f1: list[float] = field(default_factory=list)   # one value per page carrying JSON-LD articleBody
    canary_layouts: Counter[str] = field(default_factory=Counter)
    fallback_pages: int = 0                                  # body read from JSON-LD because the DOM had none
    items: int = 0
    with_people: int = 0                                     # items naming a reporter or an editor
    published: Counter[str] = field(default_factory=Counter)   # exported articles per publication hour (UTC)

    @classmethod
    def of(cls, crawler: Any) -> RunLedger:
        ledger = getattr(crawler, _ATTR, None)
        if ledger is None:
            ledger = cls()
            setattr(crawler, _ATTR, ledger)
        return ledger

    def observe_page(self, parsed: ParsedPage, page: Page) -> None:
        article = parsed.article
        dom = parsed.dom_body if parsed.dom_body is not None else article.body
        if parsed.dom_body is not None and not parsed.dom_body and article.body:
            self.fallback_pages += 1
        reference = ld_article(page).get("articleBody")
        # A paywalled page's DOM shows a teaser while its JSON-LD may hold the whole text: not comparable.
        if isinstance(reference, str) and reference.strip() and not article.truncated:
            self.canary_f1.append(round(body_f1(reference, dom), 4))
            self.canary_layouts[article.layout or "?"] += 1

    def observe_item(self, item: Any) -> None:
        self.items += 1
        if getattr(item, "reporters", None) or getattr(item, "editors", None):
            self.with_people += 1
        hour = publication_hour(getattr(item, "published_at", None))
        if hour:
            self.published[hour] += 1

    def canary(self, threshold: float) -> dict[str, Any]:
        """Pages compared, the median and lowest F1, pages under ``threshold``, and pages per layout."""
        values = self.canary_f1
        return {
            "pages": len(values),
            "median_f1": round(statistics.median(values), 4) if values else None,
            "min_f1": min(values) if values else None,
            "below": sum(1 for v in values if v < threshold),
            "layouts": dict(self.canary_layouts),
        }
