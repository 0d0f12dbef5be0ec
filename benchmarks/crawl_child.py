"""One benchmark crawl in this process, with the CPU time of each stage measured (the parent starts one
process per crawl and reads its peak RSS and total CPU from ``os.wait4``).

    python -m benchmarks.crawl_child ours    OUT.json [--profile P] -- <scrapy crawl world arguments>
    python -m benchmarks.crawl_child minimal OUT.json [--profile P] -- ORIGIN -s NAME=VALUE ...

``ours`` is ``scrapy crawl world`` exactly as a user runs it (project settings, our crawl command); the
stages are timed by wrapping the project's own callbacks, pipelines and extensions (main-thread CPU,
outermost call only): **discovery** (listing, feed and sitemap callbacks with the incremental decisions),
**parse** (article callbacks: layout detection and parser), **pipelines** (clean, normalise, validate,
schema, in-run dedupe), **state** (cross-run dedupe against the store, fetch notes, the run lifecycle),
**export** (the exactly-once JSON Lines writer, the text form, latest.json, Scrapy feeds), **archive** (the
WARC record of every response), **monitors** (the Spidermon run monitors, field coverage and the crawl report:
per item and at close; the report's plots are drawn by a child process, whose CPU counts in the total only);
**startup** is the CPU used before the engine starts, **shutdown** after it stops; **threads** the CPU of every
thread but the reactor's (DNS lookups, the text form's file writes); **download** (Scrapy, Twisted, the HTTP
client, scheduling) is the rest of the reactor thread's CPU.
``minimal`` runs :class:`benchmarks.minimal_spider.MinimalSpider` with Scrapy's defaults plus the ``-s``
settings given, writing a JSON Lines feed.
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

STAGES = ("startup", "discovery", "download", "parse", "pipelines", "state", "export", "archive", "monitors",
          "threads", "shutdown")


def _accepting(fn: Callable[..., Any], names: set[str]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **{k: v for k, v in kwargs.items() if k in names})
    return call


class StageClock:
    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.depth = 0
        self.engine_started: float | None = None
        self.engine_stopped: float | None = None
        self.wall_started: float | None = None
        self.wall_stopped: float | None = None
        self.crawler: Any = None

    def _timed(self, fn: Callable[..., Any], stage: str) -> Callable[..., Any]:
        clock = self
        original, is_gen = fn, inspect.isgeneratorfunction(fn)
        params = inspect.signature(fn).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):  # signal receivers get only what they take
            fn = _accepting(fn, set(params))

        def step(call: Callable[[], Any]) -> Any:
            if clock.depth:
                return call()
            clock.depth += 1
            t0 = time.thread_time()
            try:
                return call()
            finally:
                clock.cpu[stage] += time.thread_time() - t0
                clock.depth -= 1

        if is_gen:
            @functools.wraps(original)
            def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
                clock.calls[stage] += 1
                gen = step(lambda: fn(*args, **kwargs))
                while True:
                    try:
                        value = step(lambda: next(gen))
                    except StopIteration:
                        return
                    yield value
            return gen_wrapper

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            clock.calls[stage] += 1
            return step(lambda: fn(*args, **kwargs))
        return wrapper

    def wrap(self, cls: type, names: tuple[str, ...], stage: str) -> None:
        for name in names:
            fn = getattr(cls, name, None)
            if fn is not None:
                setattr(cls, name, self._timed(fn, stage))

    def hook(self, spider_cls: type) -> None:
        """Connect to the crawler's signals when the spider is built."""
        from scrapy import signals

        clock = self
        original = spider_cls.from_crawler.__func__  # type: ignore[attr-defined]

        def from_crawler(cls: type, crawler: Any, *args: Any, **kwargs: Any) -> Any:
            clock.crawler = crawler
            crawler.signals.connect(clock._started, signal=signals.engine_started)
            crawler.signals.connect(clock._stopped, signal=signals.engine_stopped)
            # connected before any extension's: the peak RSS of the crawl before the close handlers run
            crawler.signals.connect(clock._closing, signal=signals.spider_closed)
            crawler.signals.connect(clock._response, signal=signals.response_received)
            return original(cls, crawler, *args, **kwargs)

        spider_cls.from_crawler = classmethod(from_crawler)  # type: ignore[assignment]

    def _started(self) -> None:
        self.engine_started, self.wall_started = time.process_time(), time.monotonic()

    def _response(self) -> None:
        import os

        self.responses = getattr(self, "responses", 0) + 1
        if str(self.responses) == os.environ.get("TEMPO_BENCH_TRACEMALLOC_AT"):
            _dump_allocations()

    def _closing(self) -> None:
        import resource

        self.maxrss_crawling = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def _stopped(self) -> None:
        self.engine_stopped, self.wall_stopped = time.process_time(), time.monotonic()
        import os

        if not os.environ.get("TEMPO_BENCH_TRACEMALLOC_AT"):
            _dump_allocations()

    def result(self) -> dict[str, Any]:
        import resource

        end, end_main = time.process_time(), time.thread_time()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = {s: self.cpu.get(s, 0.0) for s in STAGES}
        cpu["startup"] = self.engine_started or 0.0
        cpu["shutdown"] = end - (self.engine_stopped or end)
        cpu["threads"] = max(0.0, end - end_main)
        measured = sum(v for k, v in cpu.items() if k not in ("download", "threads"))
        cpu["download"] = max(0.0, end_main - measured)
        stats = dict(self.crawler.stats.get_stats()) if self.crawler is not None and self.crawler.stats else {}
        return {"cpu_s": cpu, "process_cpu_s": end, "calls": dict(self.calls), "sched": _sched(usage),
                "engine_wall_s": (self.wall_stopped or 0) - (self.wall_started or 0),
                "maxrss_kib": usage.ru_maxrss, "maxrss_crawling_kib": getattr(self, "maxrss_crawling", None),
                "stats": {k: v for k, v in stats.items() if isinstance(v, (int, float, str))}}


def _dump_allocations() -> None:
    """``TEMPO_BENCH_TRACEMALLOC=<file>``: the 40 largest allocation sites still held when the engine stops, or
    at the ``TEMPO_BENCH_TRACEMALLOC_AT``-th response (what grows with the articles of a run), written to the
    file (slow: for finding memory, not timing)."""
    import os
    import tracemalloc

    where = os.environ.get("TEMPO_BENCH_TRACEMALLOC")
    if not where or not tracemalloc.is_tracing():
        return
    stats = tracemalloc.take_snapshot().statistics("traceback")[:40]
    with open(where, "w", encoding="utf-8") as fh:
        for stat in stats:
            fh.write(f"{stat.size / 1024:10.0f} KiB {stat.count:8d} blocks\n")
            fh.writelines(f"      {line}\n" for line in stat.traceback.format()[-6:])


def _sched(usage: Any) -> dict[str, float]:
    """Where the reactor thread's wall time went besides its CPU: waiting runnable for a core (the machine is
    shared) per ``/proc/thread-self/schedstat``; voluntary context switches (blocking waits: I/O, the GIL, idle
    polls) and involuntary ones (preempted) of the whole process."""
    out = {"voluntary_switches": float(usage.ru_nvcsw), "involuntary_switches": float(usage.ru_nivcsw)}
    try:
        on_cpu, waiting, _ = (int(v) for v in open("/proc/thread-self/schedstat").read().split())
    except (OSError, ValueError):
        return out
    out.update(main_on_cpu_s=on_cpu / 1e9, main_runnable_wait_s=waiting / 1e9)
    try:
        for line in open("/proc/thread-self/status"):
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                name, value = line.split(":")
                out[f"main_{name.split('_')[0]}_switches"] = float(value)
    except (OSError, ValueError):
        pass
    return out


def instrument_ours(clock: StageClock) -> None:
    from tempo_crawler.exporters.jsonl import JsonLinesExportPipeline
    from tempo_crawler.exporters.latest import LatestManifest
    from tempo_crawler.exporters.text_form import TextFormPipeline
    from tempo_crawler.pipelines.clean import CleanPipeline
    from tempo_crawler.pipelines.dedupe import DedupePipeline, StoreDedupePipeline
    from tempo_crawler.pipelines.normalise import NormalisePipeline
    from tempo_crawler.pipelines.schema import SchemaValidationPipeline
    from tempo_crawler.pipelines.validate import ValidatePipeline
    from tempo_crawler.spiders.world import WorldSpider
    from tempo_crawler.state.notes import FetchNotesMiddleware
    from tempo_crawler.state.run import RunLifecycle

    clock.wrap(WorldSpider, ("parse_listing", "parse_sniffed", "listing_failed"), "discovery")
    clock.wrap(WorldSpider, ("parse_article", "article_failed"), "parse")
    for cls in (CleanPipeline, NormalisePipeline, ValidatePipeline, SchemaValidationPipeline, DedupePipeline):
        clock.wrap(cls, ("process_item",), "pipelines")
    clock.wrap(StoreDedupePipeline, ("process_item",), "state")
    clock.wrap(FetchNotesMiddleware, ("_note",), "state")
    clock.wrap(RunLifecycle, ("spider_opened", "spider_closed"), "state")
    clock.wrap(JsonLinesExportPipeline, ("process_item", "open_spider", "close_spider", "_sync"), "export")
    clock.wrap(TextFormPipeline, ("process_item",), "export")
    from tempo_crawler.archive.middleware import ArchiveMiddleware
    from tempo_crawler.monitors.extension import RunMonitors

    clock.wrap(ArchiveMiddleware, ("spider_opened", "spider_closed", "process_response"), "archive")

    clock.wrap(RunMonitors, ("spider_opened", "item_exported", "item_scraped", "spider_closed"), "monitors")
    clock.wrap(LatestManifest, tuple(n for n in vars(LatestManifest) if not n.startswith("_")
                                     and n != "from_crawler" and callable(getattr(LatestManifest, n))), "export")
    instrument_feeds(clock)
    clock.hook(WorldSpider)


def instrument_feeds(clock: StageClock) -> None:
    from scrapy.extensions.feedexport import FeedExporter

    clock.wrap(FeedExporter, ("item_scraped",), "export")


def run_ours(args: list[str]) -> int:
    from scrapy.cmdline import execute

    try:
        execute(["scrapy", "crawl", "world", *args])
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0


def run_minimal(args: list[str]) -> int:
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from benchmarks.minimal_spider import MinimalSpider

    origin, rest = args[0], args[1:]
    settings = Settings()
    while rest:
        flag, value, rest = rest[0], rest[1], rest[2:]
        if flag != "-s":
            raise SystemExit(f"minimal: unexpected argument {flag!r}")
        name, _, v = value.partition("=")
        settings.set(name, v, priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(MinimalSpider, origin=origin)
    process.start()
    return 0


def main(argv: list[str]) -> int:
    import os

    if os.environ.get("TEMPO_BENCH_TRACEMALLOC"):
        import tracemalloc

        tracemalloc.start(6)
    kind, out = argv[0], argv[1]
    rest = argv[2:]
    profile = None
    if rest[:1] == ["--profile"]:
        profile, rest = rest[1], rest[2:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    clock = StageClock()
    if kind == "ours":
        if profile:   # the stage clock's own calls would blur the profile: only the signals
            from tempo_crawler.spiders.world import WorldSpider

            clock.hook(WorldSpider)
        else:
            instrument_ours(clock)
        run: Callable[[list[str]], int] = run_ours
    else:
        from benchmarks.minimal_spider import MinimalSpider

        instrument_feeds(clock)
        clock.hook(MinimalSpider)
        clock.wrap(MinimalSpider, ("parse",), "parse")
        clock.wrap(MinimalSpider, ("_parse_sitemap",), "discovery")
        run = run_minimal
    if profile:
        import cProfile

        prof = cProfile.Profile()
        code = prof.runcall(run, rest)
        prof.dump_stats(profile)
    else:
        code = run(rest)
    result = clock.result()
    result["exit"] = code
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, default=str)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
