"""Run ``scrapy crawl world`` as a subprocess (one crawl per process, as users run it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Replica runs: no politeness delays (loopback), fail fast.
LOCAL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "RETRY_TIMES": "2",
    "DOWNLOAD_TIMEOUT": "10",
    "TELNETCONSOLE_ENABLED": "False",
    "REMOTE_CONTROL_ENABLED": "False",
    "LOG_LEVEL": "INFO",
}


@dataclass
class CrawlResult:
    returncode: int
    items: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str
    output: Path
    lines: list[str] = field(default_factory=list)


def run_crawl(origin: str | None, workdir: Path, *spider_args: str, settings: dict[str, str] | None = None,
              output_name: str = "items.jsonl", timeout: float = 600, env: dict[str, str] | None = None,
              use_output: bool = True) -> CrawlResult:
    """Crawl into ``workdir``; every -s setting, the stats file and output live there."""
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / output_name
    stats_file = workdir / "stats.json"
    merged = dict(LOCAL_SETTINGS)
    merged.update({"TEMPO_STATS_FILE": str(stats_file), "TEMPO_QUARANTINE_DIR": str(workdir / "quarantine")})
    if origin:
        merged["TEMPO_BASE_URL"] = origin
    merged.update(settings or {})
    cmd = [sys.executable, "-m", "scrapy", "crawl", "world"]
    if use_output:
        cmd += ["-O", str(out)]
    for k, v in merged.items():
        cmd += ["-s", f"{k}={v}"]
    cmd += list(spider_args)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
    lines = out.read_text("utf-8").splitlines() if out.exists() else []
    if out.suffix == ".json":
        items = json.loads(out.read_text("utf-8")) if out.exists() and out.stat().st_size else []
    else:
        items = [json.loads(line) for line in lines if line.strip()]
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    return CrawlResult(proc.returncode, items, stats, proc.stdout + proc.stderr, out, lines)
