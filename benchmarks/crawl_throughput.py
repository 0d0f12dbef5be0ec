"""Crawl throughput and memory: the full crawler (parsers, pipelines, state, export, text form) against the
minimal Scrapy spider (``benchmarks.minimal_spider``) on the same synthetic replica.

    python -m benchmarks.crawl_throughput [--articles 5000] [--runs 3] [--rss-sizes 5000,20000] [--no-schema]

The replica (``--articles`` articles generated from the golden templates, plus the golden pages) runs in its
own process with every page pre-rendered; its CPU is measured during every crawl ("server busy", of one
core: it is not the bottleneck while that stays well below 100%). Each crawl runs in its own process,
politeness off, 32 concurrent requests. ``--runs`` paired runs, the order alternating (minimal first, then
ours first...); a third crawl per pair runs ours with ``TEMPO_VALIDATE_SCHEMA=True`` to price validation.
Ours starts from an empty state each time (a first cron run). Reported: article pages/s over the process's
wall time (start-up included) and the median of the per-pair ratios; CPU ms per article by stage; peak RSS
(``os.wait4``) of both at each of ``--rss-sizes`` (the size of the paired runs is reused).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import median, ratio, save, table
from benchmarks.crawl_child import STAGES
from benchmarks.crawl_runs import check, ours_settings, run
from benchmarks.replica_proc import ReplicaProcess


def _one(kind: str, replica: ReplicaProcess, work: Path, tag: str, min_articles: int,
         **extra: str) -> dict[str, Any]:
    workdir = work / tag
    settings = ours_settings(replica.origin, workdir, **extra) if kind == "ours" else None
    res = run(kind, replica, workdir, settings)
    problem = check(res, min_articles)
    print(f"  {tag:22} {res['articles']:6d} pages {res['wall_s']:7.1f} s {res['pages_per_s']:7.1f} pages/s "
          f"cpu {res['cpu_s']:6.1f} s rss {res['peak_rss_mb']:6.1f} MB server busy {res['server_busy']:.0%}"
          f"{_waits(res)}"
          + (f"  !! {problem}" if problem else ""), flush=True)
    if problem:
        raise SystemExit(f"crawl benchmark: {problem}")
    return res


def _waits(res: dict[str, Any]) -> str:
    """The reactor thread's time waiting runnable for a core, and the process's context switches."""
    sched = res.get("sched") or {}
    if "main_runnable_wait_s" not in sched:
        return ""
    return (f" main thread waited for a core {sched['main_runnable_wait_s']:.1f} s, switches "
            f"{sched['voluntary_switches']:.0f} voluntary / {sched['involuntary_switches']:.0f} preempted "
            f"(main thread {sched.get('main_voluntary_switches', 0):.0f} / "
            f"{sched.get('main_nonvoluntary_switches', 0):.0f})")


def _reactor(runs: list[dict[str, Any]]) -> dict[str, float]:
    """The main (reactor) thread's wall time split: on a core, runnable but waiting for one (a shared
    machine), and the rest (blocked in a syscall, waiting for the GIL, or idle in its poll), medians."""
    if not all("main_runnable_wait_s" in (r.get("sched") or {}) for r in runs):
        return {}
    out = {"wall": median(r["wall_s"] for r in runs),
           "on_cpu": median(r["sched"]["main_on_cpu_s"] for r in runs),
           "waiting_for_core": median(r["sched"]["main_runnable_wait_s"] for r in runs)}
    out["blocked_or_idle"] = median(r["wall_s"] - r["sched"]["main_on_cpu_s"] - r["sched"]["main_runnable_wait_s"]
                                    for r in runs)
    return out


def stage_ms(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Median CPU ms per article page of each stage (and the process total) over ``runs``."""
    out = {s: median(1000 * r["stage_cpu_s"].get(s, 0.0) / max(r["articles"], 1) for r in runs) for s in STAGES}
    out["total"] = median(1000 * r["cpu_s"] / max(r["articles"], 1) for r in runs)
    return out


def measure(articles: int, runs: int, rss_sizes: list[int], schema: bool, work: Path) -> dict[str, Any]:
    pairs: list[dict[str, dict[str, Any]]] = []
    busy: list[float] = []
    rss: dict[int, dict[str, float]] = {}
    crawling: dict[int, dict[str, float]] = {}   # the same before the close handlers (report drawing) ran
    with ReplicaProcess(articles) as replica:
        floor = int(articles * 0.99)
        print(f"crawl throughput: replica {replica.origin} serving {replica.pages} article pages", flush=True)
        for i in range(runs):
            order = ["minimal", "ours"] if i % 2 == 0 else ["ours", "minimal"]
            pair: dict[str, dict[str, Any]] = {}
            for kind in order:
                pair[kind] = _one(kind, replica, work, f"{kind}-{articles}-{i + 1}", floor)
            if schema:
                pair["ours+schema"] = _one("ours", replica, work, f"ours+schema-{articles}-{i + 1}", floor,
                                           TEMPO_VALIDATE_SCHEMA="True")
            pairs.append(pair)
            busy += [r["server_busy"] for r in pair.values()]
        rss[articles] = {k: median(p[k]["peak_rss_mb"] for p in pairs) for k in ("ours", "minimal")}
        crawling[articles] = {k: median(p[k]["crawling_rss_mb"] for p in pairs) for k in ("ours", "minimal")}
    for size in rss_sizes:
        if size == articles:
            continue
        with ReplicaProcess(size) as replica:
            print(f"memory at {size} articles: replica serving {replica.pages} article pages", flush=True)
            got = {kind: _one(kind, replica, work, f"{kind}-{size}", int(size * 0.99)) for kind in ("minimal", "ours")}
        busy += [r["server_busy"] for r in got.values()]
        rss[size] = {k: got[k]["peak_rss_mb"] for k in ("ours", "minimal")}
        crawling[size] = {k: got[k]["crawling_rss_mb"] for k in ("ours", "minimal")}
    ratios = [ratio(p["ours"]["pages_per_s"], p["minimal"]["pages_per_s"]) for p in pairs]
    engine_ratios = [ratio(p["ours"]["engine_pages_per_s"], p["minimal"]["engine_pages_per_s"]) for p in pairs]
    res: dict[str, Any] = {
        "articles": articles, "runs": runs,
        "pages_per_s": {k: median(p[k]["pages_per_s"] for p in pairs) for k in pairs[0]},
        "wall_s": {k: median(p[k]["wall_s"] for p in pairs) for k in pairs[0]},
        "crawl_vs_minimal": median(ratios), "pair_ratios": ratios,
        "engine_crawl_vs_minimal": median(engine_ratios),
        "cpu_ms_per_article": {k: stage_ms([p[k] for p in pairs]) for k in pairs[0]},
        "cpu_ratio": median(ratio(p["ours"]["cpu_s"] / max(p["ours"]["articles"], 1),
                                  p["minimal"]["cpu_s"] / max(p["minimal"]["articles"], 1)) for p in pairs),
        "requests": {k: pairs[-1][k]["requests"] for k in pairs[-1]},
        "peak_rss_mb": {str(size): v for size, v in sorted(rss.items())},
        "crawling_rss_mb": {str(size): v for size, v in sorted(crawling.items())},
        "server_busy_max": max(busy),
    }
    res["reactor_s"] = {k: _reactor([p[k] for p in pairs]) for k in pairs[0]}
    if schema:
        res["schema_wall_ratio"] = median(ratio(p["ours+schema"]["wall_s"], p["ours"]["wall_s"]) for p in pairs)
        res["schema_cpu_ratio"] = median(ratio(p["ours+schema"]["cpu_s"], p["ours"]["cpu_s"]) for p in pairs)
    res["load_average"] = os.getloadavg()[0]   # how busy the machine was (others' processes too)
    big = str(max(rss))
    res["peak_rss_mb_largest"] = {"articles": int(big), **res["peak_rss_mb"][big]}
    return res


def report(res: dict[str, Any]) -> str:
    out = [f"crawl throughput: {res['articles']} synthetic articles, {res['runs']} paired run(s), medians"]
    kinds = list(res["pages_per_s"])
    out.append(table(["crawler", "pages/s", "wall s", "CPU ms/article", *STAGES],
                     [[k, res["pages_per_s"][k], res["wall_s"][k], res["cpu_ms_per_article"][k]["total"],
                       *(res["cpu_ms_per_article"][k][s] for s in STAGES)] for k in kinds]))
    out.append(f"ours / minimal pages/s = {res['crawl_vs_minimal']:.2f} (goal >= 0.7; per pair: "
               f"{', '.join(f'{r:.2f}' for r in res['pair_ratios'])}); over the engine's time only "
               f"{res['engine_crawl_vs_minimal']:.2f}; CPU per article {res['cpu_ratio']:.2f}x the minimal spider's")
    if "schema_wall_ratio" in res:
        out.append(f"schema validation on: wall {100 * (res['schema_wall_ratio'] - 1):+.1f}%, CPU "
                   f"{100 * (res['schema_cpu_ratio'] - 1):+.1f}% (the threshold for on-by-default: < 5%)")
    for kind, r in (res.get("reactor_s") or {}).items():
        if r:
            out.append(f"{kind}: reactor thread {r['wall']:.1f} s wall = {r['on_cpu']:.1f} s on a core + "
                       f"{r['waiting_for_core']:.1f} s runnable waiting for a core (shared machine) + "
                       f"{r['blocked_or_idle']:.1f} s blocked, waiting for the GIL or idle")
    for size, v in res["peak_rss_mb"].items():
        out.append(f"peak RSS at {size} articles: ours {v['ours']:.0f} MB, minimal {v['minimal']:.0f} MB, "
                   f"difference {v['ours'] - v['minimal']:+.0f} MB")
        c = (res.get("crawling_rss_mb") or {}).get(size)
        if c and c["ours"] and c["minimal"]:
            out.append(f"  before the close handlers (the run report; its plots are drawn by a child process): "
                       f"ours {c['ours']:.0f} MB, minimal {c['minimal']:.0f} MB, difference "
                       f"{c['ours'] - c['minimal']:+.0f} MB")
    out.append("requests by kind (last pair): " + "; ".join(f"{k}: {v}" for k, v in res["requests"].items()))
    out.append(f"replica server busy at most {res['server_busy_max']:.0%} of one core during any crawl: "
               f"{'not the bottleneck' if res['server_busy_max'] < 0.6 else 'CLOSE TO SATURATION, figures suspect'}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.crawl_throughput", description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rss-sizes", default="5000,20000", help="comma-separated article counts for peak RSS")
    ap.add_argument("--no-schema", action="store_true", help="skip the TEMPO_VALIDATE_SCHEMA=True crawls")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.rss_sizes.split(",") if s.strip()]
    work = Path(tempfile.mkdtemp(prefix="tempo-bench-crawl-"))
    try:
        res = measure(args.articles, args.runs, sizes, not args.no_schema, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(report(res))
    save("crawl_throughput", res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
