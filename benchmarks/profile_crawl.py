"""Where a full crawl's time goes: one ``scrapy crawl world`` of the synthetic replica under cProfile.

    python -m benchmarks.profile_crawl [--articles 2000] [--top 30] [--out output/bench/crawl.prof]

Prints the functions with the most own time, the most cumulative time, and the own time summed by package
(``tempo_crawler.layouts``, ``lxml``, ``scrapy``, ``twisted``…). cProfile slows Python code down by about
half again, so read shares, not seconds; ``benchmarks.crawl_throughput`` gives the real costs by stage.
"""

from __future__ import annotations

import argparse
import io
import pstats
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks import common
from benchmarks.common import save
from benchmarks.crawl_runs import check, run
from benchmarks.replica_proc import ReplicaProcess

_PACKAGES = ("tempo_crawler.layouts", "tempo_crawler.pipelines", "tempo_crawler.exporters", "tempo_crawler.state",
             "tempo_crawler.sources", "tempo_crawler.text", "tempo_crawler", "scrapy", "twisted", "parsel", "lxml",
             "sqlite3", "json", "asyncio", "logging", "re", "dataclasses")


def package_of(filename: str, function: str) -> str:
    path = filename.replace("\\", "/")
    module = path
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in path:
            module = path.split(marker, 1)[1]
            break
    else:
        for root in ("tempo_crawler/", "benchmarks/", "tests/"):
            if root in path:
                module = root + path.split(root, 1)[1]
                break
    dotted = module.removesuffix(".py").replace("/", ".").lstrip(".")
    if filename == "~":   # built-in: say whose (lxml's etree functions, sqlite3 cursors, the GC...)
        dotted = function.strip("<>").replace("built-in method ", "").replace("method '", "")
    for name in _PACKAGES:
        if dotted.startswith(name) or f".{name}." in f".{dotted}.":
            return name
    return dotted.split(".")[0] or "?"


def summarise(path: Path, top: int) -> dict[str, Any]:
    stats = pstats.Stats(str(path))
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values())
    by_package: Counter[str] = Counter()
    rows = []
    for (filename, line, function), (_cc, calls, tottime, cumtime, _callers) in raw.items():
        by_package[package_of(filename, function)] += tottime
        rows.append({"function": f"{Path(filename).name}:{line}({function})" if filename != "~" else function,
                     "calls": calls, "tottime": tottime, "cumtime": cumtime})
    return {"total_s": total,
            "by_tottime": sorted(rows, key=lambda r: -r["tottime"])[:top],
            "by_cumtime": sorted(rows, key=lambda r: -r["cumtime"])[:top],
            "by_package": dict(by_package.most_common())}


def report(res: dict[str, Any], articles: int) -> str:
    out = io.StringIO()
    total = res["total_s"]
    out.write(f"cProfile of one full crawl, {articles} synthetic articles: {total:.1f} s of profiled time\n")
    out.write("\nown time by package:\n")
    for name, t in list(res["by_package"].items())[:15]:
        out.write(f"  {100 * t / total:5.1f}%  {t:7.2f} s  {name}\n")
    for key, label in (("by_tottime", "own time"), ("by_cumtime", "cumulative time")):
        out.write(f"\ntop functions by {label}:\n")
        for r in res[key]:
            out.write(f"  {r['tottime']:7.2f} {r['cumtime']:7.2f} {r['calls']:9d}  {r['function'][:100]}\n")
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.profile_crawl", description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--out", type=Path, default=None, help="keep the .prof file here")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="tempo-bench-profile-"))
    prof = args.out or common.RESULTS / "crawl.prof"
    prof.parent.mkdir(parents=True, exist_ok=True)
    try:
        with ReplicaProcess(args.articles) as replica:
            res = run("ours", replica, work / "ours", profile=prof)
        problem = check(res, int(args.articles * 0.99))
        if problem:
            raise SystemExit(f"profile: {problem}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary = summarise(prof, args.top)
    print(report(summary, args.articles))
    save("profile_crawl", summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
