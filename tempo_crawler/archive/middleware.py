"""The downloader middleware that archives every article and listing response as it is downloaded.

At 950 it sits next to the download handler: it sees the raw response (before decompression, redirects and retries
are handled), so the payload is the server's bytes, redirect hops are kept and replay can put them through the
same middlewares again. A response is archived when its request is one of the spider's (``meta["tempo_source"]``
or ``meta["tempo_kind"]``: article, listing, feed, sitemap, API page; not robots.txt). Rendered pages (request
meta ``tempo_rendered`` / response flag ``playwright``) are archived too, marked ``Tempo-Rendered: true``. A page
fetched again unchanged (same URL, status and payload digest as a response already in today's file: the refetch
window fetches recent articles on every run) is written as a ``revisit`` record (identical-payload-digest profile)
referring to that response: headers, no payload; the candidates are looked up in :mod:`.revisits` (one indexed
query per response, checked against the file before use), never by reading the file. A quarantined page gets a
``metadata`` record referring to its response (signal :data:`tempo_crawler.quarantine.page_quarantined`).

At spider open: repair what killed writers left (:mod:`.repair`), then apply the retention (:mod:`.retention`). At
close: the current file is fsynced and closed. A write error (disk full) is logged with its cause, counted
(``tempo/archive/errors``) and stops archiving for the rest of the run; the crawl goes on.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from tempo_crawler import quarantine
from tempo_crawler.archive import CLOSED, FETCHED_AT, META, OPEN, records, repair, retention
from tempo_crawler.archive.revisits import Candidate, RevisitIndex, holds
from tempo_crawler.archive.writer import ArchiveWriter
from tempo_crawler.context import RunContext
from tempo_crawler.render.fallback import KIND, RENDERED

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 1_000_000_000     # the usual WARC file size (Heritrix, wget)
MAX_RECORD_BYTES = 32 << 20


def _software() -> str:
    try:
        return f"tempo_crawler/{version('tempo_crawler')} (warcio {version('warcio')})"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "tempo_crawler"


class ArchiveMiddleware:
    def __init__(self, crawler: Any, directory: Path) -> None:
        s = crawler.settings
        self.crawler = crawler
        self.directory = directory
        self.retention_days = s.getfloat("TEMPO_ARCHIVE_RETENTION_DAYS", 0.0)
        self.max_record = s.getint("TEMPO_ARCHIVE_MAX_RECORD_BYTES", MAX_RECORD_BYTES)
        software = _software()
        self.writer = ArchiveWriter(directory, crawler.spidercls.name if crawler.spidercls else "archive",
                                    s.getint("TEMPO_ARCHIVE_MAX_FILE_BYTES", MAX_FILE_BYTES),
                                    warcinfo=lambda name: records.warcinfo(name, software))
        self.failed = False
        self.off = False   # scrapy shell: the spider (and its run context) comes after this middleware
        self.revisits = RevisitIndex(directory)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchiveMiddleware:
        s = crawler.settings
        if not s.getbool("TEMPO_ARCHIVE_ENABLED", True):
            raise NotConfigured("TEMPO_ARCHIVE_ENABLED is off")
        RunContext.writing(crawler, "archive")
        mw = cls(crawler, Path(s.get("TEMPO_ARCHIVE_DIR") or "output/archive"))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(mw.page_quarantined, signal=quarantine.page_quarantined)
        return mw

    @property
    def stats(self) -> Any:
        return self.crawler.stats

    def spider_opened(self, spider: Any) -> None:
        context = RunContext.find(self.crawler)
        if context is not None and not context.archive_enabled:
            self.off = True
            return
        try:
            self._housekeeping()
        except OSError as exc:
            self._fail("repair/retention at start", exc)

    def _housekeeping(self) -> None:
        found = repair.repair(self.directory)
        for problem in found.cut:
            logger.warning("archive: torn record cut from %s at offset %d (%d bytes): left by a killed run",
                           problem.file, problem.offset, problem.length)
        for problem in found.damaged:
            logger.error("archive: unreadable bytes left in place: %s", problem)
        if found.files:
            self.stats.set_value("tempo/archive/repaired_files", len(found.files))
            self.stats.set_value("tempo/archive/repaired_torn", len(found.cut))
            logger.warning("archive: closed %d file(s) a killed run left open (%d complete records kept): %s",
                           len(found.files), found.records, ", ".join(p.name for p in found.files))
        if found.damaged:
            self.stats.set_value("tempo/archive/damaged", len(found.damaged))
        gone = retention.apply(self.directory, self.retention_days)
        if gone:
            self.stats.set_value("tempo/archive/expired_files", len(gone))
            logger.info("archive: removed %d file(s) older than %g days (TEMPO_ARCHIVE_RETENTION_DAYS)",
                        len(gone), self.retention_days)

    def spider_closed(self, spider: Any) -> None:
        self.revisits.close()
        try:
            closed = self.writer.close()
        except OSError as exc:
            self._fail("closing", exc)
            return
        if closed is not None:
            logger.info("archive: %d response(s) in %s", self.stats.get_value("tempo/archive/responses", 0), closed)

    def _fail(self, what: str, exc: Exception) -> None:
        self.failed = True
        self.stats.inc_value("tempo/archive/errors")
        logger.error("archive: %s failed in %s (%s: %s); the rest of this run is not archived", what,
                     self.directory, type(exc).__name__, exc, exc_info=not isinstance(exc, OSError))

    def _write(self, build: Any) -> tuple[list[Any], list[tuple[Path, int, int]]] | None:
        """Build the records (``build()``) and append them: (records, places), or None when archiving is off."""
        if self.failed or self.off:
            return None
        try:
            recs = build()
            return recs, self.writer.write(recs)
        except Exception as exc:  # noqa: BLE001 - archiving must never cost an article its export
            self._fail("writing", exc)
            return None

    def _pair(self, request: Any, response: Any, kind: str, rendered: bool, when: datetime) -> list[Any]:
        """The records for a response: a ``revisit`` when the file they go to holds the same URL with the same
        status and payload (a page fetched again, unchanged), else a full ``response``."""
        path = self.writer.prepare()
        file, day = path.name[: -len(OPEN)], self.writer.day
        known = self.revisits.find(file, day, request.url, response.status, rendered)
        original = None
        if known is not None and known.digest == records.payload_digest(response.body) and holds(path, known):
            original = known.original
        context = RunContext.find(self.crawler)
        pair = records.response_pair(request, response, when, kind=kind,
                                     source=request.meta.get("tempo_source"), rendered=rendered,
                                     run=context.stamp if context else None, original=original)
        return pair

    def _remember(self, response_record: Any, place: tuple[Path, int, int], status: int, rendered: bool) -> None:
        """Index a full response just written: what later fetches of its page may be revisits of."""
        path, offset, length = place
        h = response_record.rec_headers
        url = h.get_header("WARC-Target-URI")
        self.revisits.add(path.name[: -len(CLOSED)], self.writer.day, url, status, rendered, Candidate(
            h.get_header("WARC-Payload-Digest"), records.Original(h.get_header("WARC-Record-ID"), url,
                                                                  h.get_header("WARC-Date")), offset, length))

    def process_response(self, request: Any, response: Any) -> Any:
        meta = request.meta
        if "tempo_source" not in meta and KIND not in meta:
            return response
        meta.pop(META, None)   # a re-request (rendering) carries its original's meta
        if len(response.body) > self.max_record:
            self.stats.inc_value("tempo/archive/too_large")
            logger.warning("archive: %s not archived: %d bytes > TEMPO_ARCHIVE_MAX_RECORD_BYTES", request.url,
                           len(response.body))
            return response
        rendered = bool(meta.get(RENDERED) or "playwright" in (response.flags or []))
        kind = meta.get(KIND) or "listing"
        # One fetch time for the record and the parsers (crawled_at), so a reparse dates the page the same.
        when = meta[FETCHED_AT] = datetime.now(timezone.utc)
        written = self._write(lambda: self._pair(request, response, kind, rendered, when))
        if written is None:
            return response
        pair, places = written
        path, offset, _ = places[0]
        if pair[0].rec_type == "response":
            self._remember(pair[0], places[0], response.status, rendered)
        meta[META] = {"record_id": pair[0].rec_headers.get_header("WARC-Record-ID"), "file": str(path),
                      "offset": offset}
        size = sum(n for _, _, n in places)
        for scope in ("tempo/archive", f"tempo/archive/{kind}"):
            self.stats.inc_value(f"{scope}/responses")
            self.stats.inc_value(f"{scope}/bytes", size)
        if pair[0].rec_type == "revisit":
            self.stats.inc_value("tempo/archive/revisits")
        if rendered:
            self.stats.inc_value("tempo/archive/rendered")
        return response

    def page_quarantined(self, response: Any, reason: str) -> None:
        where = response.meta.get(META)
        if not where:
            return
        if self._write(lambda: [records.quarantine_mark(response.url, where["record_id"], reason,
                                                        datetime.now(timezone.utc))]) is not None:
            self.stats.inc_value("tempo/archive/quarantine_marks")
