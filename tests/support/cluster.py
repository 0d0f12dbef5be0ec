"""Distributed runs for tests and the benchmark: ``scrapy crawl world`` worker processes sharing one Redis, each
with its own folder as if on its own machine (output, text form, quarantine, stats), started in the background
or run to completion."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.crawl import LOCAL_SETTINGS, ROOT
from tests.support.cron import Background, read_union

# Short timings for loopback runs (the defaults suit cron runs against the live site).
FAST = {"TEMPO_REDIS_IDLE_S": "2", "TEMPO_REDIS_LEASE_S": "2", "TEMPO_REDIS_CYCLE_S": "0",
        "TEMPO_REDIS_TICK_S": "0.2", "TEMPO_REDIS_RATE": "0"}


@dataclass
class Cluster:
    origin: str
    root: Path
    redis_url: str
    settings: dict[str, str] = field(default_factory=dict)
    runs: int = 0

    def folder(self, worker: str) -> Path:
        return self.root / worker

    def command(self, worker: str, *spider_args: str, settings: dict[str, str] | None = None) -> tuple[list[str], Path]:
        self.runs += 1
        home = self.folder(worker)
        workdir = home / f"run{self.runs}"
        workdir.mkdir(parents=True, exist_ok=True)
        merged = {**LOCAL_SETTINGS, **FAST, "TEMPO_BASE_URL": self.origin, "TEMPO_REDIS_URL": self.redis_url,
                  "TEMPO_STATS_FILE": str(workdir / "stats.json"), "TEMPO_QUARANTINE_DIR": str(home / "quarantine"),
                  "TEMPO_TEXT_DIR": str(home / "text"), "TEMPO_STATE_PATH": str(home / "state" / "unused.sqlite"),
                  "TEMPO_ARCHIVE_DIR": str(home / "archive"),
                  "TEMPO_OUTPUT": str(home / "output" / "%(name)s-%(run_stamp)s.jsonl"), **self.settings,
                  **(settings or {})}
        cmd = [sys.executable, "-m", "scrapy", "crawl", "world", "-a", f"worker={worker}"]
        for k, v in merged.items():
            cmd += ["-s", f"{k}={v}"]
        return [*cmd, *spider_args], workdir

    def start(self, worker: str, *spider_args: str, settings: dict[str, str] | None = None) -> Background:
        cmd, workdir = self.command(worker, *spider_args, settings=settings)
        log = open(workdir / "log.txt", "wb")  # noqa: SIM115 - closed by Background.wait
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        return Background(proc, workdir, log)

    def run(self, worker: str, *spider_args: str, settings: dict[str, str] | None = None,
            timeout: float = 120) -> Background:
        bg = self.start(worker, *spider_args, settings=settings)
        bg.wait(timeout)
        return bg

    def files(self) -> list[Path]:
        return sorted(self.root.glob("*/output/world-*.jsonl"))   # not history.jsonl (the monitors)

    def parts(self) -> list[Path]:
        return sorted(self.root.glob("*/output/*.part"))

    def union(self) -> Any:
        return read_union(self.files())

    def state(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "scrapy", "state", *args, "-s", f"TEMPO_REDIS_URL={self.redis_url}"]
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)


def wait_all(workers: list[Background], timeout: float = 120) -> dict[str, float]:
    """Wait for every worker; the monotonic time each exited, by workdir name."""
    ended: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while len(ended) < len(workers) and time.monotonic() < deadline:
        for bg in workers:
            key = str(bg.workdir)
            if key not in ended and bg.proc.poll() is not None:
                ended[key] = time.monotonic()
        time.sleep(0.02)
    for bg in workers:
        bg.wait(max(1.0, deadline - time.monotonic()))
    return ended
