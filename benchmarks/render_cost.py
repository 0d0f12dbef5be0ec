"""What a rendered page costs against a plain fetch, measured in one run against the loopback replica.

    python -m benchmarks.render_cost                 # 200 synthetic articles (the default)
    python -m benchmarks.render_cost --pages 400 --json output/render_cost.json

Starts the replica with N synthetic B articles and crawls the same N article pages
(``-a urls_file=…``) in subprocesses, one crawl per configuration:

``never``          plain Scrapy handler, no browser (the baseline per page)
``auto``           the project's lazy handler, nothing to render: what ``auto`` costs when no page needs it
``auto-eager``     stock ``ScrapyPlaywrightDownloadHandler`` (starts the Playwright driver at engine
                   start), nothing to render: what the lazy start saves
``always``         every article page rendered in chromium (a fresh browser context every 100 pages)
``always-1ctx``    the same in one context for the whole crawl (no rotation): what rotation changes
``auto-fallback``  the client-rendered twins (``/csr/…``): static shell fetched, then rendered

Reported per crawl: wall time of the process, Scrapy's ``elapsed_time_seconds``, seconds per page,
peak memory two ways: ``/usr/bin/time -v`` "Maximum resident set size" (the largest *single* process of
the tree: the crawler or one chromium process) and a /proc sampler every 0.1 s summing RSS and PSS over
the whole process tree (crawler + Playwright driver + every chromium process; PSS splits shared pages
fairly, RSS counts them once per process). Chromium must be installed (``apt-get install chromium``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tempo_crawler.render.browser import find_chromium
from tests.replica.server import start_replica, stop
from tests.support.crawl import LOCAL_SETTINGS, ROOT

STOCK = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"


# ------------------------------------------------------------------------------------------ memory of a tree

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _kib(path: str, key: str) -> int:
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Peak of the summed RSS and PSS of a process and all its descendants, sampled every ``interval``."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss_kib = self.peak_pss_kib = self.peak_processes = 0
        self.pss_series: list[int] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            tree, todo, pids = _children(), [self.pid], []
            while todo:
                p = todo.pop()
                pids.append(p)
                todo.extend(tree.get(p, []))
            rss = sum(_kib(f"/proc/{p}/status", "VmRSS:") for p in pids)
            pss = sum(_kib(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids)
            self.peak_rss_kib = max(self.peak_rss_kib, rss)
            self.peak_pss_kib = max(self.peak_pss_kib, pss)
            self.peak_processes = max(self.peak_processes, len(pids))
            self.pss_series.append(pss)
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def pss_by_quarter_mib(self) -> list[float]:
        """Peak tree PSS in each quarter of the run: growth shows as rising quarters."""
        series = self.pss_series
        if len(series) < 4:
            return [round(max(series, default=0) / 1024, 1)] * 4
        n = len(series)
        return [round(max(series[i * n // 4:(i + 1) * n // 4]) / 1024, 1) for i in range(4)]


# ------------------------------------------------------------------------------------------ one crawl

@dataclass
class Run:
    name: str
    pages: int          # article URLs crawled
    responses: int      # pages fetched (a fallback fetches a page twice: static, then rendered)
    items: int
    rendered: int
    wall_s: float
    scrapy_s: float
    max_single_rss_mib: float
    tree_rss_mib: float
    tree_pss_mib: float
    processes: int
    pss_quarters_mib: list[float]

    @property
    def per_page_ms(self) -> float:
        return 1000 * self.scrapy_s / max(self.pages, 1)


def crawl(name: str, origin: str, urls: list[str], workdir: Path, *args: str, settings: dict[str, str]) -> Run:
    workdir.mkdir(parents=True)
    urls_file = workdir / "urls.txt"
    urls_file.write_text("\n".join(urls) + "\n", "utf-8")
    merged = {**LOCAL_SETTINGS, "TEMPO_BASE_URL": origin, "TEMPO_STATS_FILE": str(workdir / "stats.json"),
              "TEMPO_QUARANTINE_DIR": str(workdir / "quarantine"), "TEMPO_STATE_PATH": str(workdir / "state.sqlite"),
              "TEMPO_TEXT_DIR": str(workdir / "text"), "TEMPO_ARCHIVE_DIR": str(workdir / "archive"),
              "LOG_LEVEL": "WARNING", **settings}
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "scrapy", "crawl", "world", "-O", str(workdir / "items.jsonl"),
           "-a", f"urls_file={urls_file}", *args]
    for k, v in merged.items():
        cmd += ["-s", f"{k}={v}"]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    out, err = proc.communicate(timeout=1800)
    wall = time.monotonic() - start
    sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{name}: crawl failed ({proc.returncode}):\n{err[-4000:]}")
    stats = json.loads((workdir / "stats.json").read_text("utf-8"))
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    items = sum(1 for line in (workdir / "items.jsonl").read_text("utf-8").splitlines() if line.strip())
    return Run(name=name, pages=len(urls), responses=int(stats.get("tempo/responses_ok", 0)), items=items,
               rendered=int(stats.get("tempo/render/pages", 0)), wall_s=round(wall, 2),
               scrapy_s=round(float(stats.get("elapsed_time_seconds", 0.0)), 2),
               max_single_rss_mib=round(int(m.group(1)) / 1024, 1) if m else 0.0,
               tree_rss_mib=round(sampler.peak_rss_kib / 1024, 1), tree_pss_mib=round(sampler.peak_pss_kib / 1024, 1),
               processes=sampler.peak_processes, pss_quarters_mib=sampler.pss_by_quarter_mib())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.render_cost", description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=200, help="synthetic article pages per crawl (default 200)")
    ap.add_argument("--only", default="never,auto,auto-eager,always,always-1ctx,auto-fallback",
                    help="configurations to run (comma-separated)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--context-pages", type=int, default=0,
                    help="TEMPO_RENDER_CONTEXT_PAGES for the `always` crawl (default: the project setting)")
    args = ap.parse_args(argv)
    path, why = find_chromium()
    if path is None:
        print(f"render_cost: {why}", file=sys.stderr)
        return 2
    server, site, origin = start_replica(port=0, synthetic=args.pages)
    site.log_requests = False
    paths = [urlsplit(e.page_url).path for e in site.articles if e.synthetic][: args.pages]
    plain_urls = [origin + p for p in paths]
    csr_urls = [origin + "/csr" + p for p in paths]
    configs = {
        "never": (plain_urls, ("-a", "render=never"), {}),
        "auto": (plain_urls, ("-a", "render=auto"), {}),
        "auto-eager": (plain_urls, ("-a", "render=auto"),
                       {"DOWNLOAD_HANDLERS": json.dumps({"http": STOCK, "https": STOCK})}),
        "always": (plain_urls, ("-a", "render=always"),
                   {"TEMPO_RENDER_CONTEXT_PAGES": str(args.context_pages)} if args.context_pages else {}),
        "always-1ctx": (plain_urls, ("-a", "render=always"), {"TEMPO_RENDER_CONTEXT_PAGES": "1000000"}),
        "auto-fallback": (csr_urls, ("-a", "render=auto"), {}),
    }
    runs: list[Run] = []
    try:
        with tempfile.TemporaryDirectory(prefix="tempo-render-cost-") as tmp:
            for name in [n.strip() for n in args.only.split(",") if n.strip()]:
                urls, spider_args, settings = configs[name]
                print(f"render_cost: {name} ({len(urls)} pages) …", file=sys.stderr, flush=True)
                runs.append(crawl(name, origin, urls, Path(tmp) / name, *spider_args, settings=settings))
    finally:
        stop(server)

    base = next((r for r in runs if r.name == "never"), None)
    print(f"\nrender cost, {args.pages} synthetic B article pages, replica on loopback, chromium {path}")
    print(f"{'crawl':<14}{'pages':>6}{'fetched':>8}{'items':>6}{'rendered':>9}{'wall s':>8}{'scrapy s':>9}"
          f"{'ms/page':>9}{'× never':>8}{'max 1 proc':>11}{'tree RSS':>9}{'tree PSS':>9}{'procs':>6}")
    for r in runs:
        ratio = f"{r.per_page_ms / base.per_page_ms:.1f}" if base and base.per_page_ms else "-"
        print(f"{r.name:<14}{r.pages:>6}{r.responses:>8}{r.items:>6}{r.rendered:>9}{r.wall_s:>8.1f}{r.scrapy_s:>9.1f}"
              f"{r.per_page_ms:>9.1f}{ratio:>8}{r.max_single_rss_mib:>9.0f}MB{r.tree_rss_mib:>7.0f}MB"
              f"{r.tree_pss_mib:>7.0f}MB{r.processes:>6}   PSS by quarter: "
              + " / ".join(f"{q:.0f}" for q in r.pss_quarters_mib) + " MB")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"pages": args.pages, "chromium": path,
                                         "runs": [asdict(r) | {"per_page_ms": round(r.per_page_ms, 2)} for r in runs]},
                                        indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
