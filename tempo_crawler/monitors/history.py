"""The run history: ``history.jsonl`` beside the output files, one JSON line of key figures per run (appended
when the run ends), read back by the monitors (medians of recent runs) and the report (plots).

A line is appended with one ``write`` on an ``O_APPEND`` descriptor and fsynced, so concurrent runs (a
skipped overlapping run, a one-off export) never interleave lines. Reading takes only the tail of the
file: a cron job every 15 minutes adds ~35,000 lines a year.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from tempo_crawler.context import RunContext
from tempo_crawler.exitcodes import OK

logger = logging.getLogger(__name__)

HISTORY_NAME = "history.jsonl"
_TAIL_BLOCK = 64 * 1024


def output_dir(settings: Any, context: RunContext) -> Path:
    """The folder of the run's output file (``TEMPO_OUTPUT``), also for runs that write none."""
    if context.output is not None:
        return context.output.parent
    return Path(settings.get("TEMPO_OUTPUT") or "output/x").parent


def history_path(settings: Any, output_dir: Path) -> Path:
    """``TEMPO_HISTORY_FILE``, else ``history.jsonl`` in the output folder."""
    configured = settings.get("TEMPO_HISTORY_FILE")
    return Path(configured) if configured else output_dir / HISTORY_NAME


def append(path: Path, line: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(line, ensure_ascii=False, sort_keys=False, default=str) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def tail(path: Path, n: int) -> list[dict[str, Any]]:
    """The last ``n`` readable lines, oldest first (unreadable lines are skipped)."""
    if n <= 0 or not path.is_file():
        return []
    with open(path, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        end = fh.tell()
        data = b""
        while end > 0 and data.count(b"\n") <= n:
            start = max(0, end - _TAIL_BLOCK)
            fh.seek(start)
            data = fh.read(end - start) + data
            end = start
    out: list[dict[str, Any]] = []
    for raw in data.splitlines()[-(n + 1):]:
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict):
            out.append(line)
    return out[-n:]


def baseline(lines: list[dict[str, Any]], kind: str, n: int) -> list[dict[str, Any]]:
    """The last ``n`` healthy runs (status ok, exit status 0) of the same kind: what "usual" means for this
    run. Failed runs never become the norm, so a lasting fault keeps failing until it is fixed."""
    same = [line for line in lines
            if line.get("kind") == kind and line.get("status") == "ok" and line.get("exit_code") == OK]
    return same[-n:]
