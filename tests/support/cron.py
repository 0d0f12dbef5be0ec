"""Helpers for cron-run tests and the kill benchmark: crawls sharing one seen-store and output directory,
crawls started in the background (to kill or overlap them), and a check of the union of output files."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.crawl import LOCAL_SETTINGS, ROOT, CrawlResult, run_crawl

# A replica of synthetic B articles only has nothing in the legacy feed (it lists A2 articles), which the
# sources monitor rightly fails (exit 5): cron sites on such replicas leave that source out.
WITHOUT_LEGACY_FEED = {"TEMPO_SOURCES": "api,payload,rss,sitemap,indeks"}


@dataclass
class CronSite:
    """One cron installation in ``root``: ``state/world.sqlite``, ``output/``, one workdir per run."""

    origin: str
    root: Path
    sync_items: int | None = None   # TEMPO_EXPORT_SYNC_ITEMS for every run (None: the default, 100)
    runs: int = 0
    extra: dict[str, str] = field(default_factory=dict)   # settings of every run

    @property
    def state(self) -> Path:
        return self.root / "state" / "world.sqlite"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def settings(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        sync = {"TEMPO_EXPORT_SYNC_ITEMS": str(self.sync_items)} if self.sync_items else {}
        return {"TEMPO_STATE_PATH": str(self.state), "TEMPO_TEXT_DIR": str(self.root / "text"),
                "TEMPO_ARCHIVE_DIR": str(self.archive),
                "TEMPO_OUTPUT": str(self.output / "%(name)s-%(run_stamp)s.jsonl"), **sync, **self.extra,
                **(extra or {})}

    def workdir(self) -> Path:
        self.runs += 1
        return self.root / f"run{self.runs}"

    def run(self, *spider_args: str, settings: dict[str, str] | None = None, **kw: Any) -> CrawlResult:
        """A cron run: no -O, the default exactly-once file."""
        return run_crawl(self.origin, self.workdir(), *spider_args, settings=self.settings(settings),
                         use_output=False, **kw)

    def start(self, *spider_args: str, settings: dict[str, str] | None = None) -> Background:
        """The same run in the background."""
        workdir = self.workdir()
        workdir.mkdir(parents=True, exist_ok=True)
        merged = {**LOCAL_SETTINGS, "TEMPO_BASE_URL": self.origin, "TEMPO_STATS_FILE": str(workdir / "stats.json"),
                  "TEMPO_QUARANTINE_DIR": str(workdir / "quarantine"), **self.settings(settings)}
        cmd = [sys.executable, "-m", "scrapy", "crawl", "world"]
        for k, v in merged.items():
            cmd += ["-s", f"{k}={v}"]
        log = open(workdir / "log.txt", "wb")  # noqa: SIM115 - closed by Background.wait
        proc = subprocess.Popen([*cmd, *spider_args], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        return Background(proc, workdir, log)

    def files(self) -> list[Path]:
        return sorted(self.output.glob("world-*.jsonl"))   # not history.jsonl

    def parts(self) -> list[Path]:
        return sorted(self.output.glob("*.part"))

    def current_lines(self) -> int:
        """Complete lines in the ``.part`` file being written now (0 when there is none yet)."""
        total = 0
        for part in self.parts():
            try:
                total += part.read_bytes().count(b"\n")
            except FileNotFoundError:
                pass
        return total

    def reparse(self, *args: str, settings: dict[str, str] | None = None, cwd: Path = ROOT,
                timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """``scrapy reparse`` over this installation's archive, state and output (``cwd``: another project copy)."""
        cmd = [sys.executable, "-m", "scrapy", "reparse", *args]
        merged = {**LOCAL_SETTINGS, "TEMPO_QUARANTINE_DIR": str(self.root / "reparse-quarantine"),
                  **self.settings(settings)}
        for k, v in merged.items():
            cmd += ["-s", f"{k}={v}"]
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def state_cmd(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "scrapy", "state", *args, "-s", f"TEMPO_STATE_PATH={self.state}"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)


@dataclass
class Background:
    proc: subprocess.Popen[bytes]
    workdir: Path
    logfile: Any

    def wait(self, timeout: float = 300) -> int:
        try:
            return self.proc.wait(timeout)
        finally:
            self.logfile.close()

    @property
    def log(self) -> str:
        path = self.workdir / "log.txt"
        return path.read_text("utf-8", "replace") if path.exists() else ""

    @property
    def stats(self) -> dict[str, Any]:
        path = self.workdir / "stats.json"
        return json.loads(path.read_text("utf-8")) if path.exists() else {}


def wait_for(predicate: Any, timeout: float = 60, interval: float = 0.005) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@dataclass
class Union:
    """Every line of every finished output file."""

    ids: Counter[str] = field(default_factory=Counter)
    lines: int = 0
    files: int = 0
    unreadable: list[str] = field(default_factory=list)


def read_union(files: list[Path]) -> Union:
    out = Union(files=len(files))
    for path in files:
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            out.unreadable.append(f"{path.name}: no final newline")
        for n, raw in enumerate(data.splitlines(), 1):
            try:
                item = json.loads(raw)
            except ValueError as exc:
                out.unreadable.append(f"{path.name}:{n}: {exc}")
                continue
            out.lines += 1
            out.ids[f"{item.get('id')}@v{item.get('version')}"] += 1
    return out


@dataclass
class KillPoint:
    kind: str            # "time": seconds after the start; "lines": lines in this run's .part file
    value: float
    killed: bool = False  # False when the run ended before the kill point
    lines_at_kill: int = 0
    returncode: int | None = None


def crawl_and_kill(cron: CronSite, point: KillPoint, *spider_args: str,
                   settings: dict[str, str] | None = None) -> KillPoint:
    """Start a cron run and SIGKILL it at ``point``."""
    leftovers = set(cron.parts())
    counted: dict[Path, tuple[int, int]] = {}   # part file -> (bytes read, lines seen): read each byte once

    def own_lines() -> int:
        for part in set(cron.parts()) - leftovers:
            offset, lines = counted.get(part, (0, 0))
            try:
                with open(part, "rb") as fh:
                    fh.seek(offset)
                    chunk = fh.read()
            except FileNotFoundError:
                continue
            counted[part] = (offset + len(chunk), lines + chunk.count(b"\n"))
        return sum(lines for _, lines in counted.values())

    bg = cron.start(*spider_args, settings=settings)
    if point.kind == "time":
        wait_for(lambda: bg.proc.poll() is not None, timeout=point.value)
    else:
        wait_for(lambda: bg.proc.poll() is not None or own_lines() >= point.value, timeout=300, interval=0.005)
    if bg.proc.poll() is None:
        bg.proc.kill()
        point.killed = True
    point.returncode = bg.wait()
    point.lines_at_kill = own_lines() if point.killed else int(bg.stats.get("tempo/export/lines") or 0)
    return point
