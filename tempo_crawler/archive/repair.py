"""What killed writers leave: ``.open`` files nobody holds (their writer died) are checked record by record, a
torn last record is cut, and the file is closed (renamed to ``.warc.gz``); damaged bytes elsewhere are left in
place (the reader skips them) and reported. Half-created files (``.<name>.<pid>.tmp``) are removed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tempo_crawler.archive import CLOSED, OPEN
from tempo_crawler.archive.reader import Problem, members
from tempo_crawler.archive.writer import lock_nowait, same_file
from tempo_crawler.files import fsync_dir


@dataclass
class Repaired:
    files: list[Path] = field(default_factory=list)      # closed by the repair (their final names)
    records: int = 0                                      # complete records kept in them
    cut: list[Problem] = field(default_factory=list)      # torn last records cut
    damaged: list[Problem] = field(default_factory=list)  # unreadable stretches left in place
    busy: list[Path] = field(default_factory=list)        # .open files a live writer holds


def _closed_name(opened: Path) -> Path:
    stem = opened.name[: -len(OPEN)]
    candidate, n = opened.with_name(stem + CLOSED), 1
    while candidate.exists():
        n += 1
        candidate = opened.with_name(f"{stem}-{n}{CLOSED}")
    return candidate


def repair_file(path: Path, out: Repaired) -> None:
    """Repair one ``.open`` file if no live writer holds it."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return
    try:
        if not lock_nowait(fd) or not same_file(fd, path):
            out.busy.append(path)
            return
        for found in members(path):
            if isinstance(found, Problem):
                (out.cut if found.tail else out.damaged).append(found)
                if found.tail:
                    os.ftruncate(fd, found.offset)
            else:
                out.records += 1
        os.fsync(fd)
        final = _closed_name(path)
        os.link(path, final)
        os.unlink(path)
        fsync_dir(path.parent)
        out.files.append(final)
    finally:
        os.close(fd)


def _remove_orphans(directory: Path) -> None:
    for tmp in directory.glob(".*.tmp"):
        try:
            fd = os.open(tmp, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            if lock_nowait(fd) and same_file(fd, tmp):
                tmp.unlink()
        finally:
            os.close(fd)


def repair(directory: Path) -> Repaired:
    """Close every ``.open`` file of ``directory`` that no live writer holds (see the module doc)."""
    out = Repaired()
    if not directory.is_dir():
        return out
    _remove_orphans(directory)
    for path in sorted(directory.glob(f"*{OPEN}")):
        repair_file(path, out)
    return out
