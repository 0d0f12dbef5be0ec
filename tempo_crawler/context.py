"""The run context: what this crawl is (window, explicit URLs, stamp, mode, output), created once from the
spider arguments and the settings, and handed to the spider, the pipelines and the exporters, so that
no component reads another's attributes.

``RunContext.create(crawler, name, arguments)`` is called by the spider's ``from_crawler`` (the first
component built); every other component gets it with ``RunContext.of(crawler)``. The run lifecycle
(:mod:`tempo_crawler.state.run`) fills in the runtime part (``store``, ``covered``, ``skipped``).

What a run may write depends on the command and the outputs asked for:

* ``scrapy crawl`` (its command marks the crawler, :func:`mark_crawl`; so does ``scrapy reparse``) without
  ``-o``/``-O``: a cron run — the seen-store, the run file, ``latest.json``, the text form, the archive;
* ``scrapy crawl … -o/-O FILE``: a one-off export — only the feeds named (the text form or the archive only
  when ``TEMPO_TEXT_DIR`` / ``TEMPO_ARCHIVE_ENABLED`` is set explicitly; ``TEMPO_STATE_MODE=on`` makes it a
  cron run as well);
* ``scrapy parse``/``shell``/``check`` (any crawler not marked): inspection — nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tempo_crawler.arguments import parse_arguments
from tempo_crawler.config import STATE_MODES, check_settings
from tempo_crawler.distributed.config import check_run
from tempo_crawler.files import free_name
from tempo_crawler.text.dates import WIB

if TYPE_CHECKING:
    from tempo_crawler.state.notes import FetchNotes
    from tempo_crawler.state.pending import PendingArticles
    from tempo_crawler.state.store import SeenStore

DEFAULT_OUTPUT = "output/%(name)s-%(run_stamp)s.jsonl"
_ATTR = "tempo_run_context"
_CRAWL_MARK = "tempo_crawl_command"
__all__ = ["DEFAULT_OUTPUT", "STATE_MODES", "RunContext", "mark_crawl"]


def mark_crawl(crawler: Any) -> Any:
    """Mark ``crawler`` as run by ``scrapy crawl`` (a run that may write); returns it."""
    setattr(crawler, _CRAWL_MARK, True)
    return crawler


def _explicit(settings: Any, name: str) -> bool:
    """Was ``name`` set above the project's own settings (``-s``, the command, the spider)?"""
    from scrapy.settings import SETTINGS_PRIORITIES

    return (settings.getpriority(name) or 0) > SETTINGS_PRIORITIES["project"]


def _start_of(day: date | None, plus_days: int = 0) -> datetime | None:
    return datetime.combine(day + timedelta(days=plus_days), time.min, WIB) if day else None


@dataclass
class RunContext:
    """One crawl's parameters (immutable once created) and the run state the lifecycle attaches."""

    spider: str
    stamp: str                                  # UTC, names the run's file and its store record
    now: datetime
    since: datetime | None = None               # inclusive, start of the day in WIB
    until: datetime | None = None               # exclusive, start of the day after -a until
    max_items: int | None = None
    explicit_urls: list[str] = field(default_factory=list)
    full: bool = False
    reset: bool = False
    render: str = "auto"
    state_mode: str = "auto"
    inspect: bool = False                       # scrapy parse/shell/check: nothing is written
    store_enabled: bool = True                  # the seen-store is read and written
    writer_enabled: bool = True                 # the exactly-once JSON Lines file is written
    latest_enabled: bool = True                 # latest.json is written (runs with a run file)
    text_enabled: bool = True                   # the text form is written (TEMPO_TEXT_DIR)
    archive_enabled: bool = True                # fetched pages are archived (TEMPO_ARCHIVE_ENABLED permitting)
    state_path: Path = Path("output/state/world.sqlite")
    refetch_window: timedelta = timedelta(hours=48)
    output: Path | None = None                  # the run's exactly-once file (when writer_enabled)
    # -- set while the run lives (tempo_crawler.state.run) --------------------------------------------
    store: SeenStore | None = None
    covered: set[str] = field(default_factory=set)   # listing sources that may stop paging early
    skipped: bool = False                            # another run holds the lock: nothing is done
    notes: FetchNotes | None = None
    pending: PendingArticles | None = None           # the account of every article request (state/pending.py)
    in_run: set[str] = field(default_factory=set)    # article keys the in-run dedupe let through
    # -- distributed runs (TEMPO_REDIS_URL; tempo_crawler.distributed, docs/distributed.md) -----------------
    distributed: bool = False
    worker: str | None = None                        # the worker's name (its files, its lock)
    role: str = "auto"                               # auto | seed | worker
    seeding: bool = True                             # this run discovers (always true on one machine)
    cluster: Any = None                              # the run's ClusterSession while it lives

    @classmethod
    def create(cls, crawler: Any, spider: str, raw_arguments: dict[str, Any]) -> RunContext:
        """Validate the spider arguments and the state settings; attach the context to ``crawler``."""
        args = parse_arguments(raw_arguments)
        s = crawler.settings
        mode = check_settings(s).get("TEMPO_STATE_MODE", "auto")
        feeds = bool(s.getdict("FEEDS"))
        crawl = bool(getattr(crawler, _CRAWL_MARK, False))
        writer = crawl and (mode == "on" or not feeds)
        distributed = crawl and check_run(s, args)   # usage.py refused a bad combination
        now = datetime.now(timezone.utc)
        explicit = list(args.get("start_urls", [])) + list(args.get("urls_file", []))
        context = cls(
            spider=spider, stamp=now.strftime("%Y%m%dT%H%M%SZ"), now=now,
            since=_start_of(args.get("since")), until=_start_of(args.get("until"), 1),
            max_items=args.get("max_items"), explicit_urls=explicit,
            full=args.get("full", False), reset=args.get("reset", False),
            render=args.get("render") or str(s.get("TEMPO_RENDER") or "auto").lower(),
            state_mode=mode, inspect=not crawl,
            store_enabled=crawl and (mode == "on" or (mode == "auto" and not feeds)),
            writer_enabled=writer, latest_enabled=writer,
            text_enabled=crawl and (writer or _explicit(s, "TEMPO_TEXT_DIR")),
            archive_enabled=crawl and (writer or _explicit(s, "TEMPO_ARCHIVE_ENABLED")),
            state_path=Path(s.get("TEMPO_STATE_PATH") or "output/state/world.sqlite"),
            refetch_window=timedelta(hours=s.getfloat("TEMPO_REFETCH_WINDOW_HOURS", 48.0)),
            distributed=distributed, role=args.get("role", "auto"),
        )
        if distributed:
            from tempo_crawler.distributed.config import default_worker

            context.worker = args.get("worker") or default_worker()
        if context.writer_enabled:
            template = s.get("TEMPO_OUTPUT") or DEFAULT_OUTPUT
            stamp = context.stamp
            names = {"name": spider, "run_stamp": stamp, "time": stamp, "worker": context.worker or ""}
            path = Path(template % names)
            if context.worker and "%(worker)s" not in template:   # one file per worker: world-<UTC>-<worker>.jsonl
                path = path.with_name(f"{path.stem}-{context.worker}{path.suffix}")
            context.output = free_name(path.absolute() if distributed else path)
        setattr(crawler, _ATTR, context)
        return context

    @classmethod
    def find(cls, crawler: Any) -> RunContext | None:
        """The crawler's run context, or None when the spider is not ours (``scrapy shell`` without one)."""
        return getattr(crawler, _ATTR, None)

    @classmethod
    def writing(cls, crawler: Any, output: str) -> RunContext | None:
        """The run's context for a component writing ``output`` (``latest``, ``text``, ``archive``): raises
        ``NotConfigured`` (no message, so Scrapy logs nothing) when this run does not write it, as in a
        one-off ``-o``/``-O`` export or ``scrapy parse``/``check``; None for a spider that is not ours."""
        from scrapy.exceptions import NotConfigured

        context = cls.find(crawler)
        if context is not None and not getattr(context, f"{output}_enabled"):
            raise NotConfigured
        return context

    @classmethod
    def of(cls, crawler: Any) -> RunContext:
        context = cls.find(crawler)
        if context is None:
            raise RuntimeError("no run context: the spider's from_crawler creates it (RunContext.create)")
        return context

    @property
    def windowed(self) -> bool:
        return self.since is not None or self.until is not None

    @property
    def listing_run(self) -> bool:
        """Discovery through the sources (not a list of explicit URLs), by this run (distributed: the seeder)."""
        return not self.explicit_urls and self.seeding

    @property
    def active(self) -> bool:
        """The store is open for this run: incremental rules may skip what it knows."""
        return self.store is not None and not self.skipped

    def outside_window(self, when: datetime) -> bool:
        return bool((self.since and when < self.since) or (self.until and when >= self.until))
