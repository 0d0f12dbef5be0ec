"""``scrapy reparse``: re-extract articles from the WARC archive with the current parsers, without a request.

It reads the archive (``TEMPO_ARCHIVE_DIR``), picks one capture per article (all, or ``--since/--until``
capture days, ``--layout``, ``--id``, ``--quarantined``), and runs the ``world`` spider over those URLs in a
normal run (lock, seen-store, recovery, the same pipelines and the exactly-once writer: a changed article is
exported as a revision, an unchanged one is not, a first-readable one once) with every download answered by
:mod:`tempo_crawler.archive.replay`. Prints a summary. Exit status (``tempo_crawler.exitcodes``): 0; 1 on a
corrupt archive (each unreadable stretch named by file and offset; everything readable is still re-extracted),
a failed run or a run refused by the lock; 2 on bad arguments; 6 when a page an article needs is not archived.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.commands import ScrapyCommand

from tempo_crawler import exitcodes
from tempo_crawler.archive.index import ArchiveIndex, Capture, Replay, select
from tempo_crawler.archive.replay import attach, page_text
from tempo_crawler.arguments import ArgumentError
from tempo_crawler.commands.crawl import OK_REASONS
from tempo_crawler.config import check_settings
from tempo_crawler.context import mark_crawl
from tempo_crawler.distributed.config import redis_url
from tempo_crawler.layouts import NAMES, detect
from tempo_crawler.layouts.base import Page

REPLAY_MIDDLEWARE = "tempo_crawler.archive.replay.ReplayMiddleware"

# The run reads the archive only: no archive writing, no robots.txt, no delays, retries or caches, the state on.
RUN_SETTINGS: dict[str, Any] = {
    "TEMPO_ARCHIVE_ENABLED": False,
    "TEMPO_REPLAY": True,
    "TEMPO_STATE_MODE": "on",
    "FEEDS": {},
    "ROBOTSTXT_OBEY": False,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "RETRY_ENABLED": False,
    "HTTPCACHE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}


class ArgumentProblem(ValueError):
    pass


def _day(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ArgumentProblem(f"{option} {value!r}: expected YYYY-MM-DD") from None


def _list(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def layout_of(capture: Capture) -> str | None:
    """The layout the current parsers see in an archived page (None: none, or not a text page)."""
    text = page_text(capture)
    parser = detect(Page(capture.final_uri or capture.uri, text)) if text is not None else None
    return parser.name if parser else None


def crawler_process(settings: Any) -> Any:
    """The crawler process ``scrapy`` itself would make (created only once the arguments and the archive are
    read, so that a bad argument prints its one line before any log)."""
    from scrapy.crawler import AsyncCrawlerProcess, CrawlerProcess
    from scrapy.utils.reactor import _asyncio_reactor_path

    if (settings["TWISTED_REACTOR"] == _asyncio_reactor_path and not settings.getbool("FORCE_CRAWLER_PROCESS")) \
            or not settings.getbool("TWISTED_REACTOR_ENABLED"):
        return AsyncCrawlerProcess(settings)
    return CrawlerProcess(settings)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False

    def syntax(self) -> str:
        return "[--since DAY] [--until DAY] [--layout L,…] [--id ID,…] [--quarantined]"

    def short_desc(self) -> str:
        return "Re-extract archived article pages with the current parsers (no network); export what changed"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--since", metavar="YYYY-MM-DD", help="captures fetched on or after this day (UTC)")
        parser.add_argument("--until", metavar="YYYY-MM-DD", help="captures fetched on or before this day (UTC)")
        parser.add_argument("--layout", action="append", metavar="L", help="pages the current parsers read as "
                            "layout L (A1, A2, AMP, B); repeat or comma-separate")
        parser.add_argument("--id", action="append", metavar="ID", help="these article ids only")
        parser.add_argument("--quarantined", action="store_true", help="articles with a quarantined page")

    def fail(self, status: int, message: str) -> None:
        print(message, file=sys.stderr)
        self.exitcode = status

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            if args:
                raise ArgumentProblem(f"unexpected argument {args[0]!r}")
            since, until = _day("--since", opts.since), _day("--until", opts.until)
            if since and until and since > until:
                raise ArgumentProblem(f"--since {since} is after --until {until}")
            layouts, known = [name.upper() for name in _list(opts.layout)], NAMES
            unknown = [name for name in layouts if name not in known]
            if unknown:
                raise ArgumentProblem(f"--layout {unknown[0]!r}: unknown layout; known: {', '.join(known)}")
            check_settings(self.settings)   # every -s TEMPO_* (tempo_crawler/config.py)
            if redis_url(self.settings):    # its replayed requests must never reach a shared queue
                raise ArgumentProblem("TEMPO_REDIS_URL is set: scrapy reparse re-extracts on one machine, into "
                                      "its own store (TEMPO_STATE_PATH); run it without TEMPO_REDIS_URL")
        except (ArgumentProblem, ArgumentError) as exc:
            self.fail(exitcodes.USAGE, f"ERROR: {exc}")
            return
        directory = Path(self.settings.get("TEMPO_ARCHIVE_DIR") or "output/archive")
        if not directory.is_dir():
            self.fail(exitcodes.ERROR, f"ERROR: no archive at {directory} (TEMPO_ARCHIVE_DIR)")
            return
        # Pages an article run may request: article pages, their later pages, redirect targets (not listings).
        index = ArchiveIndex.build(directory, keep=lambda uri, kind: kind != "listing")
        for problem in index.torn:
            print(f"WARNING: {problem}: left by a killed run; the next crawl cuts it", file=sys.stderr)
        for problem in index.problems:
            print(f"ERROR: corrupt archive: {problem}", file=sys.stderr)
        selection = select(index, since=since, until=until, ids=_list(opts.id), quarantined=opts.quarantined,
                           layout_of=layout_of if layouts else None, layouts=layouts)
        print(f"archive {directory}: {len(index.files)} file(s), {index.records} records read, "
              f"{selection.considered} article page captures; {len(selection.captures)} article(s) selected")
        status = exitcodes.ERROR if index.problems else exitcodes.OK
        if selection.captures:
            end = datetime.combine(until + timedelta(days=1), time.min, timezone.utc) if until else None
            status = exitcodes.worst([status, self.reparse(selection.captures, Replay(index.captures, end))])
        else:
            print("nothing to re-extract")
        self.exitcode = status

    def reparse(self, captures: list[Capture], replay: Replay) -> int:
        """Run the spider over the selected URLs, served from the archive; print the summary; the exit status."""
        assert self.settings is not None
        for name, value in RUN_SETTINGS.items():
            self.settings.set(name, value, priority="cmdline")
        # The archive holds what crawls fetched within their allow-lists: its origins stay allowed (hosts.py).
        origins = {f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for c in replay.best.values()
                   for u in (c.uri, c.final_uri) if u}
        self.settings.set("TEMPO_ALLOWED_ORIGINS", sorted(origins), priority="cmdline")
        middlewares = dict(self.settings.getdict("DOWNLOADER_MIDDLEWARES"))
        middlewares[REPLAY_MIDDLEWARE] = 1000
        self.settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
        self.crawler_process = crawler_process(self.settings)
        with tempfile.TemporaryDirectory(prefix="tempo-reparse-") as tmp:
            urls_file = Path(tmp) / "urls.txt"
            urls_file.write_text("".join(c.uri + "\n" for c in captures), "utf-8")
            crawler = mark_crawl(self.crawler_process.create_crawler("world"))   # a run that writes
            attach(crawler, replay)
            self.crawler_process.crawl(crawler, urls_file=str(urls_file))
            self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            return exitcodes.ERROR
        stats = crawler.stats.get_stats() if crawler.stats else {}
        return self.summary(stats)

    def summary(self, stats: dict[str, Any]) -> int:
        if stats.get("tempo/run/skipped"):
            print("ERROR: another run holds the state lock; nothing re-extracted", file=sys.stderr)
            return exitcodes.ERROR
        dropped = {k.rsplit("/", 1)[-1]: v for k, v in stats.items()
                   if k.startswith("tempo/dropped/") and not k.endswith("/unchanged")}
        missing = int(stats.get("tempo/replay/not_archived", 0)) + int(stats.get("tempo/replay/unreadable", 0))
        print(f"items: {stats.get('tempo/dropped/unchanged', 0)} unchanged, {stats.get('tempo/export/revised', 0)} "
              f"revised, {stats.get('tempo/export/new', 0)} new, {stats.get('tempo/quarantined', 0)} still unreadable"
              + (f", dropped: {', '.join(f'{k}={v}' for k, v in sorted(dropped.items()))}" if dropped else "")
              + (f"; {missing} page(s) not in the archive" if missing else ""))
        print(f"requests answered from the archive: {stats.get('tempo/replay/served', 0)}, refused: {missing}")
        exported = stats.get("tempo/export/file")
        print(f"exported {stats.get('tempo/export/lines', 0)} line(s) to {exported}" if exported
              else "nothing exported")
        reason = stats.get("finish_reason")
        if reason not in OK_REASONS:
            print(f"ERROR: the run ended with reason {reason!r}", file=sys.stderr)
            return exitcodes.ERROR
        return exitcodes.INCOMPLETE if missing else exitcodes.OK
