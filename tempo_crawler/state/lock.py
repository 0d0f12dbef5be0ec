"""The run lock: an ``fcntl.flock`` on a file beside the store, held for the whole run.

The kernel drops the lock when the process dies, however it dies (kill -9, OOM, reboot), so a stale
lock is impossible and nothing needs cleaning up. The file itself stays; it holds the pid and start
time of the holder, for the message a second run prints.
"""

from __future__ import annotations

import fcntl
import os
import time
from datetime import datetime, timezone
from pathlib import Path


class LockBusy(RuntimeError):
    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"previous run still active ({holder or 'holder unknown'}; lock {path})")
        self.path = path
        self.holder = holder


class RunLock:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.fd: int | None = None

    def holder(self) -> str:
        try:
            return self.path.read_text("utf-8").strip()
        except OSError:
            return ""

    def acquire(self, wait: float = 0.0) -> RunLock:
        """Take the lock, waiting up to ``wait`` seconds; raises :class:`LockBusy` when another run holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockBusy(self.path, self.holder()) from None
                time.sleep(0.2)
        stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {stamp}\n".encode(), 0)
        self.fd = fd
        return self

    def release(self) -> None:
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)
            finally:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
                os.close(self.fd)
                self.fd = None

    @property
    def held(self) -> bool:
        return self.fd is not None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
