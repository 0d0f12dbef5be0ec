"""Finishing what a killed run left: its ``.part`` file is repaired, the store reconciled from its lines, and
the file published under its final name.

A killed run leaves ``<file>.part`` with possibly a half-written last line, and store commits that may lag
the file by the lines written since the last commit; a run whose write failed (disk full) leaves the same,
recorded as ``unpublished``. Under the run lock, :func:`recover` **repairs** that file (cuts the partial
tail, drops unparseable lines), **reconciles** the store from every remaining line (they were exported, so
they count as seen: this closes the window between fsync of a line and the store commit; their text files
are noted as still to write), commits, and only then renames the file to its final name. Lines cut off
are not in the store, so their articles are fetched and exported again by that run: no loss, no
duplicate. Every step is idempotent, so a kill during recovery is recovered the same way.

A run whose process still lives (same pid and start time) is never touched, lock or no lock: its ``.part``
is being written.

Last, what the killed run still held is released (:meth:`~tempo_crawler.state.backend.SeenStoreBackend.release_run`:
in a distributed run, its article claims: those whose lines were found end, the others go back to the shared
queue).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from tempo_crawler.files import free_name, fsync_dir, part_of, repair_jsonl
from tempo_crawler.state.backend import SeenStoreBackend, claim_keys
from tempo_crawler.state.rows import RunRow

logger = logging.getLogger(__name__)


def process_start(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks since boot, ``/proc/<pid>/stat``); None when there is
    no such process or no ``/proc``."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return None
    fields = stat[stat.rfind(b")") + 2:].split()
    return fields[19].decode() if len(fields) > 19 else None


def alive(run: RunRow) -> bool:
    """Is the process that recorded ``run`` still running? Only a recorded pid + start time can say yes
    (a pid alone may have been reused)."""
    if not run.pid or not run.proc_start:
        return False
    return process_start(run.pid) == run.proc_start


@dataclass
class Recovery:
    runs: int = 0
    files: list[str] = field(default_factory=list)
    lines: int = 0
    reconciled: int = 0
    cut_bytes: int = 0
    bad_lines: int = 0
    alive: list[str] = field(default_factory=list)   # runs left alone: their process still lives
    keys: set[str] = field(default_factory=set)   # every key of every line found (for release_run)


def _finish(store: SeenStoreBackend, final: Path, result: Recovery) -> tuple[str | None, int]:
    """Repair, reconcile and publish one killed run's file; (published path or None, its lines)."""
    part = part_of(final)
    if not part.exists():
        if final.exists():  # killed after its rename: its lines were committed before it
            return str(final), sum(1 for _ in final.open("rb"))
        return None, 0
    fixed = repair_jsonl(part)
    result.lines += len(fixed.items)
    result.cut_bytes += fixed.cut_bytes
    result.bad_lines += fixed.bad_lines
    for item in fixed.items:
        result.keys |= claim_keys(item)
    target = final if not final.exists() else free_name(final)
    result.reconciled += store.reconcile(fixed.items, file=str(target))
    store.note_text_missing((item.get("id") for item in fixed.items), "run killed before its text files")
    store.commit()
    if not fixed.items:
        part.unlink()
        return None, 0
    os.rename(part, target)
    fsync_dir(target.parent)
    result.files.append(str(target))
    return str(target), len(fixed.items)


def recover(store: SeenStoreBackend) -> Recovery:
    """Finish what killed runs left (call with the run lock held)."""
    result = Recovery()
    for run in store.unfinished_runs():
        if alive(run):
            result.alive.append(run.run_id)
            logger.error("run %s (pid %s) is still alive although the lock was free: its file %s is left alone",
                         run.run_id, run.pid, run.file)
            continue
        result.runs += 1
        result.keys = set()
        published, lines = _finish(store, Path(run.file), result) if run.file else (None, 0)
        status, reason = (("killed", "recovered on next start") if run.status == "running"
                          else ("write_failed", "a write failed; file recovered on next start"))
        store.end_run(run.run_id, status=status, reason=reason, complete=False, exported=lines, file=published)
        store.commit()
        store.release_run(run.run_id, finished=False, recovered=result.keys)
    return result
