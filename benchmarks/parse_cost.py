"""Parse cost per golden page: ours against bare lxml (the floor), parsel ``Selector`` construction and the
generic extractors (trafilatura, newspaper4k, Fundus's generic parts).

    python -m benchmarks.parse_cost [--rounds 15] [--pages N]

Every tool runs once on every page first (imports, caches, dateparser's first call: printed as "first
call"), then ``--rounds`` rounds; in each round the pages come in a new order and the tools in a rotated
order, each timed alone (CPU time of the thread, so time spent preempted by other processes does not
count), so machine noise hits every tool alike. Per page the median of its rounds counts;
per layout the median of those; a ratio is the sum of the page medians of one tool over another's (what a
crawl of these pages pays). ``ours`` is layout detection + parser (``parse_page``), as issue 14 defines it;
``ours+clean`` adds the clean + normalise pipelines (what the crawl exports).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from typing import Any

from benchmarks.common import Page, golden_pages, median, ratio, save, table
from benchmarks.extractors import TIMED, TOOLS, ours, unavailable

ROWS = ("ours", "ours+clean", *TOOLS[1:])
# The CPU time of this thread, not the wall clock: on a shared machine a call preempted half-way would
# count the other processes' time (measured here: wall-clock medians tripled under a load of 10).
_clock = time.thread_time


def _timed(tool: str) -> Any:
    if tool == "ours+clean":
        return lambda url, html, fetched_at: ours(url, html, fetched_at)
    return TIMED[tool]


def measure(pages: list[Page], rounds: int, seed: int = 0) -> dict[str, Any]:
    tools = [t for t in ROWS if unavailable(t) is None]
    missing = {t: unavailable(t) for t in ROWS if unavailable(t) is not None}
    first: dict[str, float] = {}
    for tool in tools:  # warm-up: each tool once over every page; the very first call is reported
        fn = _timed(tool)
        for i, p in enumerate(pages):
            t0 = _clock()
            fn(p.url, p.html, p.fetched_at)
            if i == 0:
                first[tool] = (_clock() - t0) * 1000
    samples: dict[str, dict[str, list[float]]] = {t: {p.name: [] for p in pages} for t in tools}
    rng = random.Random(seed)
    for r in range(rounds):
        order = pages[:]
        rng.shuffle(order)
        for p in order:
            shift = r % len(tools)
            for tool in tools[shift:] + tools[:shift]:
                fn = _timed(tool)
                t0 = _clock()
                fn(p.url, p.html, p.fetched_at)
                samples[tool][p.name].append((_clock() - t0) * 1000)
    per_page = {t: {name: median(v) for name, v in by_page.items()} for t, by_page in samples.items()}
    layouts = sorted({p.layout for p in pages})
    per_layout = {t: {lay: median(per_page[t][p.name] for p in pages if p.layout == lay) for lay in layouts}
                  for t in tools}
    total = {t: sum(per_page[t].values()) for t in tools}
    mean_ms = {t: total[t] / len(pages) for t in tools}
    ratios = {}
    if "ours" in total:
        for t in tools:
            ratios[f"ours_vs_{t}"] = ratio(total["ours"], total[t])
            ratios[f"{t}_vs_ours"] = ratio(total[t], total["ours"])
    return {"pages": len(pages), "rounds": rounds, "layouts": layouts, "tools": tools, "missing": missing,
            "first_call_ms": first, "mean_ms": mean_ms, "per_layout_median_ms": per_layout,
            "per_page_median_ms": per_page, "ratios": ratios,
            "layout_pages": {lay: sum(p.layout == lay for p in pages) for lay in layouts}}


def report(res: dict[str, Any]) -> str:
    layouts, tools = res["layouts"], res["tools"]
    rows = []
    for t in tools:
        rows.append([t, *(res["per_layout_median_ms"][t][lay] for lay in layouts), res["mean_ms"][t],
                     res["ratios"].get(f"{t}_vs_ours"), res["mean_ms"][t] / res["mean_ms"]["lxml"]
                     if "lxml" in res["mean_ms"] else None, res["first_call_ms"].get(t)])
    for t in res["missing"]:
        rows.append([t, *([None] * len(layouts)), None, None, None, None])
    head = ["tool (CPU ms/page)", *(f"{lay} ({res['layout_pages'][lay]})" for lay in layouts), "mean",
            "× ours", "× lxml", "first call"]
    out = [f"parse cost: {res['pages']} golden pages, {res['rounds']} interleaved rounds, medians per page",
           table(head, rows)]
    for t, why in res["missing"].items():
        out.append(f"  {t}: {why}")
    r = res["ratios"]
    if "ours_vs_lxml" in r:
        out.append(f"ours / lxml = {r['ours_vs_lxml']:.2f}x (goal <= 2)   ours / parsel Selector = "
                   f"{r.get('ours_vs_parsel', float('nan')):.2f}x")
    if "trafilatura_vs_ours" in r:
        out.append(f"trafilatura / ours = {r['trafilatura_vs_ours']:.2f}x (goal >= 10)")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.parse_cost", description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--pages", type=int, default=None, help="only N golden pages (every layout kept)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    res = measure(golden_pages(args.pages), args.rounds, args.seed)
    print(report(res))
    save("parse_cost", res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
