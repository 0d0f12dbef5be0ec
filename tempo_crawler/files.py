"""Durable file primitives shared by every writer: fsync of a folder, a free file name, atomic replacement,
and the repair of a JSON Lines file that a killed process left half-written."""

from __future__ import annotations

import itertools
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Temporary names of this process: one random token (a killed run with the same pid may have left files) and a
# serial, so each file needs no random draw of its own.
_TOKEN, _SERIAL = uuid.uuid4().hex[:8], itertools.count()

PART = ".part"   # suffix of a file still being written; readers never take it for a finished output


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def part_of(path: Path) -> Path:
    return path.with_name(path.name + PART)


def free_name(path: Path) -> Path:
    """``path``, or ``<stem>-2<suffix>``, ``-3``… when it (or its ``.part``) exists already (two runs in
    the same second)."""
    candidate, n = path, 1
    while candidate.exists() or part_of(candidate).exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def write_atomic(path: Path, data: str) -> None:
    """Write ``data`` (UTF-8) to ``path`` through a temporary file in the same folder and ``os.replace``:
    readers see the old file or the new one, never half of one. Permissions follow the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic_many(files: list[tuple[Path, str]]) -> list[BaseException | None]:
    """:func:`write_atomic` for many files, its guarantees kept, its fsyncs grouped: every temporary file
    is written, then each is fsynced (the first fsync commits the journal for all: the next ones are
    cheap), then each is renamed onto its path. Per file, in order: None, or the error that stopped it
    (its temporary file removed, the other files go on).

    Made to run in a worker thread: one system call per step (open, write, fsync, close, rename), since
    each call hands the GIL back and forth with the reactor thread (a busy reactor keeps it up to the
    switch interval, and the waiting thread must be scheduled again on a loaded machine)."""
    errors: list[BaseException | None] = [None] * len(files)
    tmps: list[Path | None] = [None] * len(files)
    fds: list[int | None] = [None] * len(files)
    folders: set[Path] = set()
    for i, (path, data) in enumerate(files):
        try:
            raw = data.encode("utf-8")
            if path.parent not in folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                folders.add(path.parent)
            tmp = tmps[i] = path.with_name(f".{path.name}.{os.getpid()}.{_TOKEN}{next(_SERIAL)}.tmp")
            fd = fds[i] = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            view = memoryview(raw)
            while view:
                view = view[os.write(fd, view):]
        except Exception as exc:  # noqa: BLE001 - reported per file
            errors[i] = exc
    for i, (path, _) in enumerate(files):
        fd, tmp = fds[i], tmps[i]
        try:
            if fd is not None and errors[i] is None:
                os.fsync(fd)
        except Exception as exc:  # noqa: BLE001 - reported per file
            errors[i] = exc
        finally:
            if fd is not None:
                os.close(fd)
        if tmp is None or errors[i] is not None:
            continue
        try:
            os.replace(tmp, path)
        except Exception as exc:  # noqa: BLE001 - reported per file
            errors[i] = exc
    for i, tmp in enumerate(tmps):
        if tmp is not None and errors[i] is not None:
            tmp.unlink(missing_ok=True)
    return errors


@dataclass
class Repair:
    items: list[dict[str, Any]] = field(default_factory=list)
    cut_bytes: int = 0          # partial last line removed
    bad_lines: int = 0          # complete lines that were not a JSON object, removed


def repair_jsonl(path: Path) -> Repair:
    """Make ``path`` a clean JSON Lines file in place: cut a partial last line, drop unreadable lines."""
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    out = Repair(cut_bytes=len(data) - end)
    kept: list[bytes] = []
    for raw in data[:end].split(b"\n")[:-1]:
        try:
            obj = json.loads(raw)
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            kept.append(raw)
            out.items.append(obj)
        else:
            out.bad_lines += 1
    if out.bad_lines:
        tmp = path.with_name(path.name + ".repair")
        with open(tmp, "wb") as fh:
            fh.write(b"".join(line + b"\n" for line in kept))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    elif out.cut_bytes:
        with open(path, "r+b") as fh:
            fh.truncate(end)
            fh.flush()
            os.fsync(fh.fileno())
    return out
