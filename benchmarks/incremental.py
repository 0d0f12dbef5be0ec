"""Incremental cost: a second cron run over the unchanged replica, against the first.

    python -m benchmarks.incremental [--articles 5000]

Two crawls in their own processes share one seen-store: the first from an empty state, the second right
after it. Reported: the requests the server saw by kind (article pages, listing/feed/sitemap pages,
robots.txt) in each run, and the second run's wall time as a fraction of the first's. Goal: the second
run requests no article page (nothing changed).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import save, table
from benchmarks.crawl_runs import check, ours_settings, run
from benchmarks.replica_proc import ReplicaProcess

KINDS = ("article", "listing", "robots", "other")


def measure(articles: int, work: Path) -> dict[str, Any]:
    state = work / "state" / "world.sqlite"
    runs = []
    with ReplicaProcess(articles) as replica:
        print(f"incremental: replica {replica.origin} serving {replica.pages} article pages", flush=True)
        for n in (1, 2):
            workdir = work / f"run{n}"
            res = run("ours", replica, workdir, ours_settings(replica.origin, workdir, state=state))
            problem = check(res, int(articles * 0.99) if n == 1 else 0)
            print(f"  run {n}: {res['wall_s']:.1f} s, requests {res['requests']}, exported {res['items']}"
                  + (f"  !! {problem}" if problem else ""), flush=True)
            if problem:
                raise SystemExit(f"incremental benchmark: {problem}")
            runs.append(res)
    first, second = runs
    return {
        "articles": articles,
        "requests": [{k: r["requests"].get(k, 0) for k in KINDS} for r in runs],
        "wall_s": [r["wall_s"] for r in runs], "exported": [r["items"] for r in runs],
        "rerun_article_requests": second["requests"].get("article", 0),
        "rerun_wall_ratio": second["wall_s"] / first["wall_s"] if first["wall_s"] else float("nan"),
        "rerun_listing_requests": second["requests"].get("listing", 0),
    }


def report(res: dict[str, Any]) -> str:
    rows = [[f"run {i + 1}", *(req[k] for k in KINDS), res["wall_s"][i], res["exported"][i]]
            for i, req in enumerate(res["requests"])]
    return "\n".join([
        f"incremental: {res['articles']} synthetic articles, two cron runs sharing one state",
        table(["", *KINDS, "wall s", "exported"], rows, digits=1),
        f"second run: {res['rerun_article_requests']} article requests (goal 0), {res['rerun_listing_requests']} "
        f"listing requests, {100 * res['rerun_wall_ratio']:.1f}% of the first run's wall time",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.incremental", description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="tempo-bench-incremental-"))
    try:
        res = measure(args.articles, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(report(res))
    save("incremental", res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
