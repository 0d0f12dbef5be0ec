"""Scrapy's retries, honouring ``Retry-After``: a 429 or 503 that names a wait (seconds, or an HTTP date) is
retried after that wait, capped at ``TEMPO_RETRY_AFTER_MAX`` seconds (without the header: at once, as
Scrapy does). The wait holds one of the run's ``CONCURRENT_REQUESTS`` places, not the site's download slot.
Replaces ``scrapy.downloadermiddlewares.retry.RetryMiddleware`` at the same place (550)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response

logger = logging.getLogger(__name__)


def retry_after(response: Response, now: datetime | None = None) -> float | None:
    """Seconds the response asks to wait before the next request (None: it does not say)."""
    value = (response.headers.get("Retry-After") or b"").decode("latin-1").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.cap = max(0.0, settings.getfloat("TEMPO_RETRY_AFTER_MAX", 60.0))

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        result = super().process_response(request, response)
        wait = retry_after(response) if isinstance(result, Request) else None
        if wait:
            wait = min(wait, self.cap)
            self.crawler.stats.inc_value("tempo/retry_after/waits")
            self.crawler.stats.inc_value("tempo/retry_after/seconds", round(wait, 3))
            logger.info("%s answered %d with Retry-After: retrying in %.1f s", request.url, response.status, wait)
            await asyncio.sleep(wait)
        return result
