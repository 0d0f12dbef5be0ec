"""Injected disk faults for the crawl subprocess of a write-failure test (tests/support/diskfull.py), used
where a tmpfs cannot be mounted. ``TEMPO_TEST_DISK_RULES``: ``{dir: {"budget": bytes}}`` (writes to files
under ``dir`` fail with ENOSPC once that many bytes were written) or ``{dir: {"read_only": true}}`` (opening
a file there for writing fails with EROFS). Only for tests: it patches ``os.write`` and ``open``."""

from __future__ import annotations

import builtins
import errno
import json
import os

_RULES = json.loads(os.environ.get("TEMPO_TEST_DISK_RULES") or "{}")


def _rule(path: str) -> tuple[str, dict] | None:
    for root, rule in _RULES.items():
        if path == root or path.startswith(root.rstrip("/") + "/"):
            return root, rule
    return None


if _RULES:
    _used: dict[str, int] = {}
    _write, _open = os.write, builtins.open

    def write(fd: int, data: bytes) -> int:  # type: ignore[override]
        try:
            found = _rule(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            found = None
        if found is None or "budget" not in found[1]:
            return _write(fd, data)
        root, rule = found
        room = int(rule["budget"]) - _used.get(root, 0)
        if room <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        n = _write(fd, bytes(data[:room]))
        _used[root] = _used.get(root, 0) + n
        return n

    def open_(file, mode="r", *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if isinstance(file, (str, os.PathLike)) and any(c in mode for c in "wxa+"):
            found = _rule(os.path.abspath(os.fspath(file)))
            if found is not None and found[1].get("read_only"):
                raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(file))
        return _open(file, mode, *args, **kwargs)

    os.write = write
    builtins.open = open_
