"""``latest.json``: a pointer to the newest good output file, and how the latest run went; written when the
spider closes.

Only local files count (plain paths and ``file://`` URIs). The pointer goes in the folder of the run's
first JSON Lines / JSON feed (in ``FEEDS`` order, ``-o``/``-O`` included) and names that feed's newest file
(the last batch when feeds are batched). A run without such a feed — the default ``scrapy crawl world``,
whose file is written by ``exporters/jsonl.py`` — points at that run file instead (the stats
``tempo/export/file`` / ``tempo/export/lines``), with ``"source": "export"``::

    {
      "file": "world-20240614T020500Z.jsonl",             # relative to latest.json's folder
      "path": "/srv/tempo/output/world-20240614T020500Z.jsonl",
      "uri": "file:///srv/tempo/output/world-20240614T020500Z.jsonl",
      "format": "jsonlines",
      "source": "feed",                                   # or "export" (the default run file)
      "items": 57,
      "spider": "world",
      "started_at": "2024-06-14T02:05:00+00:00",
      "finished_at": "2024-06-14T02:09:41+00:00",
      "finish_reason": "finished",
      "status": "ok", "exit_code": 0,                     # the verdict of the run that wrote "file"
      "feeds": [{"file": ..., "path": ..., "uri": ..., "format": ..., "items": ..., "batch_id": 1}, ...],
      "last_run": {"run_id": ..., "status": "error", "exit_code": 1, "failures": ["Fetched anything: ..."],
                   "started_at": ..., "finished_at": ..., "finish_reason": "finished", "file": null,
                   "items": 0, "report": "report-20240614T023000Z.html"}
    }

**Only a good run moves the pointer**: one whose monitors did not find it failed as a whole (exit status
not 1 "error" nor 2 "usage", :mod:`tempo_crawler.exitcodes`) and that wrote at least one item. Any other run
— nothing fetched, ended by an error or a signal, or healthy with nothing new — leaves ``file`` … ``feeds``
as they were (the last good file) and only replaces ``last_run``, which always says how the latest run
went. A run whose outcome is unknown (the monitors disabled, another spider) moves the pointer as before.

``items`` is the count of items the feed exporter wrote to that file; ``feeds`` lists every local feed file
of the run. The file is replaced atomically (temporary file + ``os.replace``). It is not written when a
feed file of the run is itself called ``latest.json`` in that folder (``-O latest.json``).

Only cron runs write it (runs with a run file, :attr:`RunContext.latest_enabled`): a one-off ``-o``/``-O``
export writes exactly the feeds named, and ``scrapy parse``/``check``/``shell`` nothing.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.extensions.feedexport import FileFeedStorage

from tempo_crawler.context import RunContext
from tempo_crawler.exitcodes import ERROR, USAGE
from tempo_crawler.files import write_atomic

logger = logging.getLogger(__name__)

MANIFEST_NAME = "latest.json"
JSON_FORMATS = ("jsonlines", "jsonl", "json")


def _iso(value: Any) -> str | None:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat(timespec="seconds")
    return str(value) if value else None


def _feed_order(settings: Any) -> list[str]:
    """Feed URI templates in ``FEEDS`` order, spelled as Scrapy's feed exporter keys them."""
    out = []
    for uri in settings.getdict("FEEDS"):
        out.append(str(uri.absolute()) if isinstance(uri, Path) else str(uri))
    return out


class LatestManifest:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.templates = _feed_order(crawler.settings)
        self.files: list[dict[str, Any]] = []
        self.started_at: datetime | None = None
        self.reason: str | None = None
        self.spider_name: str | None = None
        self.expect_feeds = bool(crawler.settings.getdict("FEEDS"))
        self._spider_closed = False
        self._feeds_closed = False
        self._written = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> LatestManifest:
        RunContext.writing(crawler, "latest")
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.feed_slot_closed, signal=signals.feed_slot_closed)
        crawler.signals.connect(ext.feed_exporter_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    # --- signals --------------------------------------------------------------------------------
    def spider_opened(self, spider: Any) -> None:
        self.spider_name = getattr(spider, "name", None)
        self.started_at = datetime.now(timezone.utc)

    def feed_slot_closed(self, slot: Any) -> None:
        storage = getattr(slot, "storage", None)
        if not isinstance(storage, FileFeedStorage):
            return
        path = Path(storage.path).resolve()
        self.files.append({
            "template": getattr(slot, "uri_template", None),
            "path": str(path),
            "uri": path.as_uri(),
            "format": slot.format,
            "items": int(slot.itemcount),
            "batch_id": int(getattr(slot, "batch_id", 1)),
        })

    def feed_exporter_closed(self) -> None:
        self._feeds_closed = True
        self._maybe_write()

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.reason = reason
        self.spider_name = self.spider_name or getattr(spider, "name", None)
        self._spider_closed = True
        self._maybe_write()

    # --- the manifest ---------------------------------------------------------------------------
    def _maybe_write(self) -> None:
        if self._written or not self._spider_closed or (self.expect_feeds and not self._feeds_closed):
            return
        self._written = True
        stats = self.crawler.stats.get_stats() if self.crawler.stats is not None else {}
        if stats.get("tempo/run/skipped"):   # another run holds the lock: it will write latest.json
            return
        manifest = self.manifest()
        verdict = stats.get("tempo/run/exit_code")
        folder = Path(manifest["path"]).parent if manifest is not None else self._folder()
        if folder is None:
            logger.debug("latest.json: no local JSON Lines / JSON output file in this run")
            return
        target = folder / MANIFEST_NAME
        if any(Path(f["path"]) == target for f in [*self.files, *([manifest] if manifest else [])]):
            logger.warning("latest.json: not written, the run's feed file %s has that name", target)  # -O latest.json
            self._count("tempo/latest/name_clash")
            return
        if verdict is None:   # outcome unknown (monitors off, another spider): point at this run's file
            if manifest is None:
                logger.debug("latest.json: no local JSON Lines / JSON output file in this run")
                return
            data = manifest
        else:
            run = self._last_run(stats, manifest)
            if manifest is not None and manifest["items"] > 0 and int(verdict) not in (ERROR, USAGE):
                data = {**manifest, "status": run["status"], "exit_code": run["exit_code"], "last_run": run}
            else:
                data = {**self._previous(target), "last_run": run}
        try:
            write_atomic(target, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        except OSError as exc:
            logger.error("latest.json: cannot write %s: %s", target, exc)
            self._count("tempo/latest/write_error")
        else:
            logger.info("latest.json: %s -> %s (%s items)%s", target, data.get("file"), data.get("items"),
                        "" if data is manifest or data.get("last_run", {}).get("file") == data.get("path")
                        else f"; this run ({data['last_run']['status']}) did not move it")

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def _folder(self) -> Path | None:
        """Where latest.json goes when the run wrote no file: the first local feed's folder, else the folder
        of the run's own file (``TEMPO_OUTPUT``)."""
        for template in self.templates:
            if template.startswith("file://"):
                return Path(template[len("file://"):]).parent
            if "://" not in template and ":" not in template[:3].strip("/\\"):
                return Path(template).resolve().parent
        if self.expect_feeds:
            return None
        context = RunContext.find(self.crawler)
        if context is None or not context.writer_enabled or context.output is None:
            return None
        return context.output.resolve().parent

    @staticmethod
    def _previous(target: Path) -> dict[str, Any]:
        """The pointer as the last good run left it (keys without a file when there is none yet)."""
        try:
            data = json.loads(target.read_text("utf-8"))
        except (OSError, ValueError):
            data = None
        if not isinstance(data, dict):
            return {"file": None, "path": None, "uri": None, "items": 0, "status": None, "exit_code": None}
        data.pop("last_run", None)
        return data

    def _last_run(self, stats: dict[str, Any], manifest: dict[str, Any] | None) -> dict[str, Any]:
        context = RunContext.find(self.crawler)
        started = stats.get("start_time") or self.started_at
        report = stats.get("tempo/run/report")
        return {
            "run_id": context.stamp if context is not None else None,
            "status": stats.get("tempo/run/status"),
            "exit_code": int(stats["tempo/run/exit_code"]),
            "failures": list(stats.get("tempo/run/failures") or []),
            "started_at": _iso(started),
            "finished_at": _iso(datetime.now(timezone.utc)),
            "finish_reason": self.reason,
            "file": manifest["path"] if manifest is not None else None,
            "items": manifest["items"] if manifest is not None else 0,
            "report": Path(report).name if report else None,
        }

    def _newest_for(self, template: str | None) -> dict[str, Any] | None:
        files = [f for f in self.files if f["template"] == template and f["format"] in JSON_FORMATS]
        return max(files, key=lambda f: f["batch_id"]) if files else None

    def manifest(self) -> dict[str, Any] | None:
        chosen = None
        for template in self.templates:
            chosen = self._newest_for(template)
            if chosen:
                break
        if chosen is None:  # a feed keyed differently than FEEDS spells it: first JSON file closed
            chosen = next((f for f in self.files if f["format"] in JSON_FORMATS), None)
        stats = self.crawler.stats
        source = "feed"
        if chosen is None and stats is not None and stats.get_value("tempo/export/file"):
            path = Path(stats.get_value("tempo/export/file")).resolve()
            chosen = {"template": None, "path": str(path), "uri": path.as_uri(), "format": "jsonlines",
                      "items": int(stats.get_value("tempo/export/lines") or 0), "batch_id": 1}
            source = "export"
        if chosen is None:
            return None
        folder = Path(chosen["path"]).parent
        started = (stats.get_value("start_time") if stats is not None else None) or self.started_at

        def public(f: dict[str, Any]) -> dict[str, Any]:
            return {"file": os.path.relpath(f["path"], folder), "path": f["path"], "uri": f["uri"],
                    "format": f["format"], "items": f["items"], "batch_id": f["batch_id"]}

        return {
            **{k: v for k, v in public(chosen).items() if k not in ("batch_id", "items")},
            "source": source,
            "items": chosen["items"],
            "spider": self.spider_name,
            "started_at": _iso(started),
            "finished_at": _iso(datetime.now(timezone.utc)),
            "finish_reason": self.reason,
            "feeds": [public(f) for f in self.files],
        }
