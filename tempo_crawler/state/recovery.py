"""Finishing what a killed run left: its ``.part`` file is repaired, the store reconciled from its lines, and
the file published under its final name.

A killed run leaves ``<file>.part`` with possibly a half-written last line, and store commits that may lag
the file by the lines written since the last commit. Under the run lock, :func:`recover` **repairs** that
file (cuts the partial tail, drops unparseable lines), **reconciles** the store from every remaining line
(they were exported, so they count as seen: this closes the window between fsync of a line and the store
commit), commits, and only then renames the file to its final name. Lines cut off are not in the store, so
their articles are fetched and exported again by that run: no loss, no duplicate. Every step is
idempotent, so a kill during recovery is recovered the same way. Last, what the killed run still held
is released (:meth:`~tempo_crawler.state.backend.SeenStoreBackend.release_run`: in a distributed run, its
article claims: those whose lines were found end, the others go back to the shared queue).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tempo_crawler.files import free_name, fsync_dir, part_of, repair_jsonl
from tempo_crawler.state.backend import SeenStoreBackend, claim_keys


@dataclass
class Recovery:
    runs: int = 0
    files: list[str] = field(default_factory=list)
    lines: int = 0
    reconciled: int = 0
    cut_bytes: int = 0
    bad_lines: int = 0
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
    result.reconciled += store.reconcile(fixed.items, file=str(final))
    store.commit()
    if not fixed.items:
        part.unlink()
        return None, 0
    target = final if not final.exists() else free_name(final)
    os.rename(part, target)
    fsync_dir(target.parent)
    result.files.append(str(target))
    return str(target), len(fixed.items)


def recover(store: SeenStoreBackend) -> Recovery:
    """Finish what killed runs left (call with the run lock held)."""
    result = Recovery()
    for run_id, file in store.unfinished_runs():
        result.runs += 1
        result.keys = set()
        published, lines = _finish(store, Path(file), result) if file else (None, 0)
        store.end_run(run_id, status="killed", reason="recovered on next start", complete=False,
                      exported=lines, file=published)
        store.commit()
        store.release_run(run_id, finished=False, recovered=result.keys)
    return result
