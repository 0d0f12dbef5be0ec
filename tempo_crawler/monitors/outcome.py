"""Running the monitors with Spidermon and turning their results into the run's outcome: its exit status (the
worst failed monitor's, :func:`tempo_crawler.exitcodes.worst`), its status name and one line per check.

Spidermon's own runner logs every monitor at INFO and the failures' tracebacks at ERROR; the runner here
logs them at DEBUG: the run ends with the short summary of :mod:`tempo_crawler.monitors.summary` instead.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from spidermon import MonitorSuite
from spidermon import settings as spidermon_settings
from spidermon.contrib.scrapy.runners import SpiderMonitorResult, SpiderMonitorRunner

from tempo_crawler.exitcodes import ERROR, MEANINGS, NAMES, OK, worst
from tempo_crawler.monitors.checks import RUN_MONITORS
from tempo_crawler.monitors.quality import DATA_MONITORS
from tempo_crawler.text.normalize import collapse_spaces

_STATUS = spidermon_settings.MONITOR.STATUS
logger = logging.getLogger(__name__)


class CloseSuite(MonitorSuite):
    """Every monitor of :mod:`.checks` and :mod:`.quality`, run when the spider closes."""

    monitors = [*RUN_MONITORS, *DATA_MONITORS]


class _QuietResult(SpiderMonitorResult):
    def log(self, msg: str, level: int = logging.DEBUG) -> None:   # not Spider.log (deprecated in Scrapy 2.19)
        logger.debug("[Spidermon] %s", msg)


class QuietRunner(SpiderMonitorRunner):
    def create_result(self) -> SpiderMonitorResult:
        return _QuietResult(self.spider)


@dataclass
class Check:
    name: str
    description: str
    status: str                  # passed | failed | skipped
    exit_code: int | None        # the status it sets when it fails
    reason: str | None = None


@dataclass
class Outcome:
    exit_code: int
    checks: list[Check] = field(default_factory=list)

    @property
    def status(self) -> str:
        return NAMES[self.exit_code]

    @property
    def meaning(self) -> str:
        return MEANINGS[self.exit_code]

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status == "failed"]

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "exit_code": self.exit_code, "checks": [asdict(c) for c in self.checks]}


def _first_line(text: str | None) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no detail"


def _check(item: Any) -> Check:
    monitor = item.item
    code = getattr(monitor, "exit_code", ERROR)
    description = (type(monitor).__doc__ or "").strip().split("\n\n")[0]
    description = collapse_spaces(description).replace("``", "")
    if item.status == _STATUS.SKIPPED:
        return Check(monitor.monitor_name, description, "skipped", code, str(item.reason))
    if item.status == _STATUS.FAILURE:
        return Check(monitor.monitor_name, description, "failed", code, str(item.reason))
    if item.status == _STATUS.ERROR:   # the monitor itself raised: the run cannot be vouched for
        return Check(monitor.monitor_name, description, "failed", ERROR,
                     f"the monitor raised: {_first_line(item.error)}")
    return Check(monitor.monitor_name, description, "passed", code)


def run_monitors(crawler: Any, spider: Any, data: dict[str, Any]) -> Outcome:
    """Run :class:`CloseSuite` with ``data`` (stats, crawler, spider, figures, baseline)."""
    runner = QuietRunner(spider=spider)
    result = runner.run(CloseSuite(crawler=crawler), **data)
    checks = [_check(item) for item in result.monitor_results]
    code = worst([c.exit_code for c in checks if c.status == "failed" and c.exit_code is not None])
    return Outcome(code if checks else OK, checks)
