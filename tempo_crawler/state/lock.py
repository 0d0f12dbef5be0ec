"""The run lock: an ``fcntl.flock`` on the seen-store file itself, held for the whole run.

The lock lives on the store, not on a file beside it: nothing can be deleted to let a second run in while
the first one lives (deleting a lock file used to do exactly that). The kernel drops the lock when the
process dies, however it dies (kill -9, OOM, reboot), so a stale lock is impossible. ``flock`` locks are
separate from the POSIX byte-range locks SQLite takes on the same file, on a local filesystem (the store
must be on one, see docs/cron.md). The holder's pid and start time are the store's ``running`` run, for the
message a second run prints.

Order matters: take the lock before opening the store, and close the store before releasing it (closing
any descriptor of a file drops the POSIX locks the process holds on it, SQLite's included).
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from tempo_crawler.state.store_file import running_holder


class LockBusy(RuntimeError):
    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"previous run still active ({holder or 'holder unknown'}; lock on {path})")
        self.path = path
        self.holder = holder


class RunLock:
    """``RunLock(store_path).acquire(wait)``; the store file must exist (``store_file.create``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.fd: int | None = None

    def holder(self) -> str:
        return running_holder(self.path)

    def _try(self) -> int | None:
        """A locked descriptor of the file now at ``path``, or None when another process holds the lock."""
        fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
        except FileNotFoundError:
            same = False
        if not same:  # the file was replaced while we waited: lock the one at the path now
            os.close(fd)
            return -1
        return fd

    def acquire(self, wait: float = 0.0) -> RunLock:
        """Take the lock, waiting up to ``wait`` seconds; raises :class:`LockBusy` when another run holds it."""
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            fd = self._try()
            if fd is not None and fd >= 0:
                self.fd = fd
                return self
            if fd is None and time.monotonic() >= deadline:
                raise LockBusy(self.path, self.holder())
            time.sleep(0.2 if fd is None else 0)

    def release(self) -> None:
        if self.fd is not None:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            finally:
                os.close(self.fd)
                self.fd = None

    @property
    def held(self) -> bool:
        return self.fd is not None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
