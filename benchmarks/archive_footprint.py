"""Footprint of the WARC archive on the replica: compressed bytes per archived article, and growth per day of a
cron installation (a run every ``--interval`` minutes) at ``--per-day`` new world-news articles a day.

    python -m benchmarks.archive_footprint [--per-day 10,40] [--interval 20]

For each volume V: a replica with its golden pages plus 2·V synthetic articles published in the last hours (the
``TEMPO_REFETCH_WINDOW_HOURS`` = 48 window holds two days of articles, and every run fetches those again to
catch edits). Run 1 crawls everything (bytes per article page, by layout); run 2 is a steady-state cron run
(listings + the fresh articles fetched again: unchanged pages are ``revisit`` records of the day's file). Growth
per day = one day's new articles as full records + runs per day x bytes of run 2. Bytes are gzip members as
stored: response (or revisit) + request record.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from tempo_crawler.archive.index import ArchiveIndex
from tempo_crawler.archive.reader import Member, members, parse
from tempo_crawler.archive.replay import page_text
from tempo_crawler.layouts import detect
from tempo_crawler.layouts.base import Page
from tempo_crawler.text.dates import WIB
from tests.replica.server import Replica
from tests.support.cron import CronSite


def record_sizes(directory: Path) -> dict[str, int]:
    """Compressed bytes of each response record plus the request record made with it, by response record id."""
    sizes: dict[str, int] = {}
    for path in sorted(directory.glob("*.warc.gz")):
        for m in members(path):
            if not isinstance(m, Member):
                continue
            h = parse(m).rec_headers
            rid = h.get_header("WARC-Concurrent-To") or h.get_header("WARC-Record-ID")
            sizes[rid] = sizes.get(rid, 0) + m.length
    return sizes


def kib(n: float) -> str:
    return f"{n / 1024:.1f} KiB"


def measure(per_day: int, interval: int, work: Path) -> None:
    with Replica.start() as replica:
        replica.site.add_synthetic(2 * per_day, first_id=9_500_001, newest=datetime.now(WIB).replace(microsecond=0))
        cron = CronSite(replica.origin, work / f"v{per_day}")
        first = cron.run(settings={"LOG_LEVEL": "WARNING"}, timeout=1200)
        assert first.returncode == 0, first.log[-2000:]
        after_first = sum(p.stat().st_size for p in cron.archive.glob("*.warc.gz"))
        second = cron.run(settings={"LOG_LEVEL": "WARNING"}, timeout=1200)
        assert second.returncode == 0, second.log[-2000:]
    s1, s2 = first.stats, second.stats
    index = ArchiveIndex.build(cron.archive)
    sizes = record_sizes(cron.archive)
    by_layout: dict[str, list[int]] = defaultdict(list)

    for c in index.captures:
        if c.kind != "article" or c.original is not None or not c.readable:   # full records only
            continue
        text = page_text(c)
        parser = detect(Page(c.uri, text)) if text else None
        by_layout[(parser.name if parser else "none") + (" synthetic" if "/internasional/" in c.uri
                                                         and "-95" in c.uri else "")].append(sizes[c.record_id])
    runs_per_day = 24 * 60 / interval
    run2 = s2.get("tempo/archive/bytes", 0)
    print(f"\n== {per_day} new articles a day (replica: golden pages + {2 * per_day} articles of the last 48 h)")
    print(f"run 1 (everything): {s1.get('tempo/archive/article/responses', 0)} article pages "
          f"{kib(s1.get('tempo/archive/article/bytes', 0))}, {s1.get('tempo/archive/listing/responses', 0)} listing "
          f"pages {kib(s1.get('tempo/archive/listing/bytes', 0))}; archive {kib(after_first)}")
    for name, values in sorted(by_layout.items()):
        print(f"  bytes per article page, {name}: median {kib(statistics.median(values))}, "
              f"mean {kib(statistics.mean(values))} ({len(values)} pages)")
    print(f"run 2 (steady cron run): {s2.get('tempo/archive/article/responses', 0)} fresh article pages "
          f"({s2.get('tempo/archive/revisits', 0)} records are revisits) "
          f"{kib(s2.get('tempo/archive/article/bytes', 0))}, {s2.get('tempo/archive/listing/responses', 0)} listing "
          f"pages {kib(s2.get('tempo/archive/listing/bytes', 0))}; total {kib(run2)}")
    full = statistics.mean(v for values in by_layout.values() for v in values)
    day = per_day * full + runs_per_day * run2
    print(f"growth per day at one run every {interval} min ({runs_per_day:.0f} runs): {per_day} new articles x "
          f"{kib(full)} + {runs_per_day:.0f} x {kib(run2)} = {day / 2**20:.1f} MiB; "
          f"per year {365 * day / 2**30:.2f} GiB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.archive_footprint", description=__doc__.splitlines()[0])
    ap.add_argument("--per-day", default="10,40", help="new world-news articles a day (comma-separated)")
    ap.add_argument("--interval", type=int, default=20, help="minutes between cron runs")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tempo-archive-footprint-") as tmp:
        for v in (int(x) for x in args.per_day.split(",")):
            measure(v, args.interval, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
