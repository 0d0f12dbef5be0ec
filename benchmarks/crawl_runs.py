"""Start one benchmark crawl in its own process against a :class:`~benchmarks.replica_proc.ReplicaProcess` and
collect what it cost: wall time, total CPU and peak RSS of the process (``os.wait4``), the requests the
server saw by kind, the server's own CPU meanwhile, and the child's stage clock (``benchmarks.crawl_child``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT
from benchmarks.replica_proc import ReplicaProcess
from tests.support.cron import WITHOUT_LEGACY_FEED

# Politeness off, 32 concurrent requests: the same for both spiders.
SPEED = {
    "CONCURRENT_REQUESTS": "32", "CONCURRENT_REQUESTS_PER_DOMAIN": "32", "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False", "ROBOTSTXT_OBEY": "True", "TELNETCONSOLE_ENABLED": "False",
    "REMOTE_CONTROL_ENABLED": "False", "LOG_LEVEL": "INFO", "RETRY_TIMES": "2", "DOWNLOAD_TIMEOUT": "30",
}


def ours_settings(origin: str, workdir: Path, state: Path | None = None, **extra: str) -> dict[str, str]:
    # The synthetic replica's legacy feed lists nothing (it lists A2 articles), which the sources monitor
    # rightly fails (exit 5): the benchmark crawls leave that source out, as the cron tests do.
    return {**SPEED, **WITHOUT_LEGACY_FEED, "TEMPO_BASE_URL": origin,
            "TEMPO_STATE_PATH": str(state or workdir / "state" / "world.sqlite"),
            "TEMPO_OUTPUT": str(workdir / "output" / "%(name)s-%(run_stamp)s.jsonl"),
            "TEMPO_TEXT_DIR": str(workdir / "text"), "TEMPO_QUARANTINE_DIR": str(workdir / "quarantine"),
            # the run's own archive: the default (output/archive, one file per day) would grow with every
            # benchmark crawl of the day, and each crawl reads the file it appends to (revisit candidates)
            "TEMPO_ARCHIVE_DIR": str(workdir / "archive"),
            "TEMPO_STATS_FILE": str(workdir / "stats.json"), **extra}


def run(kind: str, replica: ReplicaProcess, workdir: Path, settings: dict[str, str] | None = None,
        args: list[str] | None = None, profile: Path | None = None, timeout: float = 3600) -> dict[str, Any]:
    """One crawl: ``kind`` is ``ours`` (``scrapy crawl world`` with ``settings``) or ``minimal``."""
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / "child.json"
    if kind == "ours":
        merged = settings or ours_settings(replica.origin, workdir)
        crawl_args = [a for k, v in merged.items() for a in ("-s", f"{k}={v}")] + list(args or [])
    else:
        feeds = json.dumps({str(workdir / "items.jsonl"): {"format": "jsonlines"}})
        merged = {**SPEED, "FEEDS": feeds, **(settings or {})}
        crawl_args = [replica.origin] + [a for k, v in merged.items() for a in ("-s", f"{k}={v}")]
    cmd = [sys.executable, "-m", "benchmarks.crawl_child", kind, str(out)]
    if profile is not None:
        cmd += ["--profile", str(profile)]
    cmd += ["--", *crawl_args]
    replica.counts(reset=True)
    server_cpu = replica.cpu()
    log = open(workdir / "log.txt", "wb")  # noqa: SIM115 - closed below
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = t0 + timeout
    try:
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
    except BaseException:   # interrupted: never leave the crawl running
        proc.kill()
        proc.wait()
        log.close()
        raise
    wall = time.monotonic() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    log.close()
    server_cpu = replica.cpu() - server_cpu
    requests = replica.counts(reset=True)
    child = json.loads(out.read_text("utf-8")) if out.exists() else {}
    articles = requests.get("article", 0)
    return {
        "kind": kind, "exit": proc.returncode, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        # the same before the spider's close handlers ran (ours: the monitors' report); ``peak_rss_mb`` is the
        # largest of the crawl and its waited-for children (the report's plotting process: os.wait4)
        "crawling_rss_mb": (child.get("maxrss_crawling_kib") or 0) / 1024,
        "requests": requests, "articles": articles,
        "pages_per_s": articles / wall if wall else 0.0,
        "engine_pages_per_s": articles / child["engine_wall_s"] if child.get("engine_wall_s") else 0.0,
        "server_cpu_s": server_cpu, "server_busy": server_cpu / wall if wall else 0.0,
        "items": (child.get("stats") or {}).get("item_scraped_count", 0),
        "sched": child.get("sched", {}),
        "stage_cpu_s": child.get("cpu_s", {}), "stats": child.get("stats", {}), "workdir": str(workdir),
    }


def check(result: dict[str, Any], min_articles: int) -> str | None:
    """Why a benchmark crawl cannot be counted (failed, fetched too few pages), or None."""
    if result["exit"] != 0:
        return f"{result['kind']} crawl exited {result['exit']} (log: {result['workdir']}/log.txt)"
    if result["articles"] < min_articles:
        return f"{result['kind']} crawl fetched {result['articles']} article pages, expected >= {min_articles}"
    return None
