"""Run ``scrapy crawl world`` as a subprocess (one crawl per process, as users run it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.leaks import forbidden_in, leaks_in

ROOT = Path(__file__).resolve().parents[2]

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
    "TEMPO_VALIDATE_SCHEMA": "True",   # every test crawl's items are checked against the published schema
    # The report's plots cost a matplotlib import (~1 s a crawl): the tests that read a report turn it on.
    "TEMPO_REPORT_ENABLED": "False",
}
REPORT = {"TEMPO_REPORT_ENABLED": "True"}


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
    """Crawl into ``workdir``; every -s setting, the stats file and output live there.

    Every crawl has its own cron state under ``workdir`` (``TEMPO_STATE_PATH``, and ``TEMPO_OUTPUT`` for
    runs without -O), so a crawl never sees another test's seen-store; pass ``settings`` to share one.
    With ``use_output=False`` the run writes its default exactly-once file, read back as ``output``/``items``.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / output_name
    stats_file = workdir / "stats.json"
    merged = dict(LOCAL_SETTINGS)
    merged.update({"TEMPO_STATS_FILE": str(stats_file), "TEMPO_QUARANTINE_DIR": str(workdir / "quarantine"),
                   "TEMPO_STATE_PATH": str(workdir / "state" / "world.sqlite"),
                   "TEMPO_TEXT_DIR": str(workdir / "text"), "TEMPO_ARCHIVE_DIR": str(workdir / "archive"),
                   "TEMPO_OUTPUT": str(workdir / "output" / "%(name)s-%(run_stamp)s.jsonl")})
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
    stats = json.loads(stats_file.read_text("utf-8")) if stats_file.exists() else {}
    if not use_output:  # the run's own file (tempo_crawler/exporters/jsonl.py), if it wrote one
        out = Path(stats.get("tempo/export/file") or workdir / "output" / "none.jsonl")
    lines = out.read_text("utf-8").splitlines() if out.exists() else []
    if out.suffix == ".csv":
        import csv
        import io

        items = list(csv.DictReader(io.StringIO(out.read_text("utf-8")))) if out.exists() else []
    elif out.suffix == ".json":
        items = json.loads(out.read_text("utf-8")) if out.exists() and out.stat().st_size else []
    else:
        items = [json.loads(line) for line in lines if line.strip()]
    text_dir = merged.get("TEMPO_TEXT_DIR")
    assert_no_leaks(items, ROOT / text_dir if text_dir else None)
    return CrawlResult(proc.returncode, items, stats, proc.stdout + proc.stderr, out, lines)


def assert_no_leaks(items: list[dict[str, Any]], text_dir: Path | None = None) -> None:
    """Every test crawl's exports are audited: no field of any item (URLs included) and no text-form file
    carries an e-mail address (plain or obfuscated) or a forbidden chrome string (tests/support/leaks.py)."""
    leaks = {str(item.get("url") or i): found for i, item in enumerate(items) if (found := leaks_in(item))}
    if text_dir is not None and text_dir.is_dir():
        for path in sorted(text_dir.glob("*.txt")):
            found = forbidden_in(path.read_text("utf-8", "replace"))
            if found:
                leaks[str(path)] = {"text": found}
    assert not leaks, f"exported e-mail addresses or chrome: {leaks}"
