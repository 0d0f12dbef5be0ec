"""Kill test of the exactly-once cron export: crawl the loopback replica, SIGKILL the crawl at random
moments, run again to completion, and check the union of every output file: each article exactly once,
every file parseable line by line, no ``.part`` left over.

    python -m benchmarks.kill_test [--articles 600] [--rounds 3] [--kills 4] [--seed S]

Each round starts from an empty state directory and kills ``--kills`` consecutive runs, each at a random
moment: by time after the start (covers start-up, recovery of the previous kill, listings, exports) or by
the number of lines in the run's ``.part`` file. Odd rounds run with the default batching of the fsync +
commit (``TEMPO_EXPORT_SYNC_ITEMS`` 100 lines or ``…_SECONDS`` 1 s), even rounds with a fsync + commit per
line (``TEMPO_EXPORT_SYNC_ITEMS=1``): the guarantee holds for both. Exit status 1 on any loss, duplicate or
unreadable line.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.replica.server import Replica
from tests.replica.synthetic import FIRST_ID
from tests.support.cron import WITHOUT_LEGACY_FEED, CronSite, KillPoint, crawl_and_kill, read_union


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.kill_test", description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=600)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--kills", type=int, default=4, help="killed runs per round")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="tempo-kill-test-"))
    print(f"kill test: {args.articles} articles, {args.rounds} rounds x {args.kills} kills, seed {seed}, in {work}")
    totals = {"runs": 0, "kill_points": 0, "killed": 0, "lost": 0, "duplicated": 0, "unreadable": 0, "left_part": 0}
    expected = {f"{FIRST_ID + k}@v1" for k in range(args.articles)}
    started = time.monotonic()
    with Replica.start(synthetic=args.articles, fixtures_dir=None) as replica:
        for rnd in range(1, args.rounds + 1):
            cron = CronSite(replica.origin, work / f"round{rnd}", extra=WITHOUT_LEGACY_FEED)
            sync = {} if rnd % 2 else {"TEMPO_EXPORT_SYNC_ITEMS": "1"}
            print(f"  round {rnd}: {'fsync + commit per line' if sync else 'default sync batching'}", flush=True)
            points = []
            for _ in range(args.kills):
                written = sum(p.read_bytes().count(b"\n") for p in [*cron.files(), *cron.parts()])
                remaining = args.articles - written   # a killed run's .part lines count: they were exported
                if remaining < 3 or rng.random() < 0.35:
                    point = KillPoint("time", round(rng.uniform(0.2, 3.0), 2))
                else:
                    point = KillPoint("lines", rng.randint(1, remaining - 1))
                t0 = time.monotonic()
                crawl_and_kill(cron, point, settings=sync)
                points.append(point)
                print(f"  round {rnd} run {len(points)}: kill at {point.kind}={point.value} -> "
                      f"{'killed' if point.killed else 'ended first'} with {point.lines_at_kill} lines written "
                      f"({time.monotonic() - t0:.1f} s)", flush=True)
            t0 = time.monotonic()
            final = cron.run(settings=sync)
            recovered = final.stats.get("tempo/state/recovered_runs", 0)
            union = read_union(cron.files())
            lost = sorted(expected - set(union.ids))
            duplicated = sorted(k for k, c in union.ids.items() if c > 1)
            extra = sorted(set(union.ids) - expected)
            left = [p.name for p in cron.parts()]
            print(f"  round {rnd} final run: exit {final.returncode}, exported {len(final.items)}, recovered "
                  f"{recovered} killed run(s) ({time.monotonic() - t0:.1f} s); union of {union.files} files: "
                  f"{union.lines} lines, {len(set(union.ids))} articles, lost {len(lost)}, duplicated "
                  f"{len(duplicated)}, unexpected {len(extra)}, unreadable {len(union.unreadable)}, .part left "
                  f"{len(left)}", flush=True)
            if lost or duplicated or extra or union.unreadable or left or final.returncode:
                print(f"    lost {lost[:10]} duplicated {duplicated[:10]} unexpected {extra[:10]} "
                      f"unreadable {union.unreadable[:5]} left {left}")
            totals["runs"] += len(points) + 1
            totals["kill_points"] += len(points)
            totals["killed"] += sum(p.killed for p in points)
            totals["lost"] += len(lost)
            totals["duplicated"] += len(duplicated) + len(extra)
            totals["unreadable"] += len(union.unreadable)
            totals["left_part"] += len(left)
    print(f"TOTAL: runs {totals['runs']}, kill points {totals['kill_points']} ({totals['killed']} killed mid-run), "
          f"lost {totals['lost']}, duplicated {totals['duplicated']}, unreadable lines {totals['unreadable']}, "
          f".part left {totals['left_part']}; {time.monotonic() - started:.0f} s, seed {seed}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    bad = totals["lost"] or totals["duplicated"] or totals["unreadable"] or totals["left_part"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
