"""The one switch: ``-s TEMPO_REDIS_URL=redis://[:password@]host:port/db`` (or the environment variable) turns
``scrapy crawl world`` into a worker of a distributed run. This Scrapy add-on (``ADDONS`` in settings.py) then
installs scrapy-redis' scheduler and dupefilter (:mod:`.scheduler`), the shared budget (:mod:`.budget`) and
the worker loop (:mod:`.worker`); the run lifecycle keeps its state in Redis (:mod:`.session`). Without the
URL the add-on disables itself and nothing imports Redis.

The URL is put back into the settings as a :class:`~.config.SecretURL`, so Scrapy's "Overridden settings"
line (logged right after add-ons run) shows the password as ``***``.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import NotConfigured

from tempo_crawler.distributed.config import ENV, SecretURL, redis_url

logger = logging.getLogger(__name__)

SCHEDULER = "tempo_crawler.distributed.scheduler.SharedScheduler"
DUPEFILTER = "tempo_crawler.distributed.scheduler.ArticleDupeFilter"
QUEUE = "tempo_crawler.distributed.scheduler.ClaimQueue"
BUDGET = "tempo_crawler.distributed.budget.SharedBudget"
LOOP = "tempo_crawler.distributed.worker.WorkerLoop"
FORCED = 60   # above cmdline (40): a shared queue must persist, whatever -s says


class Distributed:
    def __init__(self, url: str) -> None:
        self.url = url

    @classmethod
    def from_crawler(cls, crawler: Any) -> Distributed:
        url = redis_url(crawler.settings)
        if not url:
            raise NotConfigured   # silent: a run on one machine
        return cls(url)

    def update_settings(self, settings: Any) -> None:
        secret = SecretURL(self.url)
        if not settings.get("TEMPO_REDIS_URL"):
            logger.info("TEMPO_REDIS_URL from the environment variable %s", ENV)
        settings.set("TEMPO_REDIS_URL", secret, priority=FORCED)
        settings.set("REDIS_URL", secret, priority=FORCED)
        settings.set("SCHEDULER", SCHEDULER, priority="addon")
        settings.set("DUPEFILTER_CLASS", DUPEFILTER, priority="addon")
        settings.set("SCHEDULER_QUEUE_CLASS", QUEUE, priority="addon")
        if settings.getpriority("SCHEDULER_PERSIST") and not settings.getbool("SCHEDULER_PERSIST", True):
            logger.warning("SCHEDULER_PERSIST=False ignored: the first worker to finish would delete the shared "
                           "queue under the others")
        settings.set("SCHEDULER_PERSIST", True, priority=FORCED)
        settings["DOWNLOADER_MIDDLEWARES"][BUDGET] = 990
        settings["EXTENSIONS"][LOOP] = 510
